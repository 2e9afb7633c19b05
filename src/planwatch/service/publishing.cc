#include "planwatch/service/publishing.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "planwatch/base/csv.h"
#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/review.h"
#include "planwatch/domain/task_rates.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/plan_status.h"
#include "planwatch/service/scorecards.h"

namespace planwatch {
namespace {

using nlohmann::json;

constexpr int kMaxLimit = 1000;
constexpr std::size_t kMaxNameLength = 100;

json Column(std::string_view name, std::string_view vi, std::string_view en,
            std::string_view type) {
  return {{"name", name}, {"title_vi", vi}, {"title_en", en}, {"type", type}};
}

// A count or a value: integral values as JSON integers, so "410" rather than "410.0".
json NumberJson(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.0e15) {
    return static_cast<std::int64_t>(v);
  }
  return v;
}

json OptionalNumber(const std::optional<double>& v) { return v ? NumberJson(*v) : json(nullptr); }

// A score as shown: one decimal, truncated like the rates (71.43 → 71.4).
json ScoreJson(const std::optional<double>& score) {
  if (!score) return nullptr;
  return NumberJson(std::floor(*score * 10.0 + 1e-9) / 10.0);
}

json RateJson(int numerator, int denominator) {
  return OptionalNumber(RatePercent(numerator, denominator));
}

std::string English(const std::string& en, const std::string& vi) { return en.empty() ? vi : en; }

// The dataset's name from its prefix and slugged parts; empty when a part slugs to nothing.
std::string DatasetName(std::string_view prefix, std::initializer_list<std::string_view> parts) {
  std::string name(prefix);
  for (std::string_view part : parts) {
    const std::string slug = DatasetSlug(part);
    if (slug.empty()) return {};
    name += "-" + slug;
  }
  if (name.size() > kMaxNameLength) {
    name.resize(kMaxNameLength);
    while (!name.empty() && name.back() == '-') name.pop_back();
  }
  return name;
}

const Plan* FindPlanById(const Catalog& catalog, PlanId id) {
  auto it = std::ranges::find(catalog.plans, id, &Plan::id);
  return it == catalog.plans.end() ? nullptr : &*it;
}

json PublisherJson(const OrgUnit* unit) {
  if (!unit) return {{"code", ""}, {"name_vi", ""}, {"name_en", ""}};
  return {{"code", unit->code},
          {"name_vi", unit->name_vi},
          {"name_en", English(unit->name_en, unit->name_vi)}};
}

const OrgUnit* PlanPublisher(const OrgTree& tree, const Plan& plan) {
  return tree.Find(plan.standing_agency ? plan.standing_agency : plan.issuer);
}

json PlanRef(const Plan& plan) {
  return {{"code", plan.code}, {"title_vi", plan.title_vi}, {"title_en", plan.title_en}};
}

// --- The content of each kind: metadata, columns, rows and summary. ---

Result<json> PlanContent(StoreReader& store, const Catalog& catalog, const Plan& plan, Date today) {
  auto tasks = store.Tasks(plan.id);
  if (!tasks) return std::unexpected(tasks.error());
  auto events = store.TaskEvents(plan.id);
  if (!events) return std::unexpected(events.error());
  // Classified tasks are left out here, before any row or count is made.
  std::vector<Task> shown;
  for (const Task& t : *tasks) {
    if (!t.classified && t.assigned_on <= today) shown.push_back(t);
  }
  std::unordered_map<TaskId, std::vector<TaskEvent>> ledgers;
  for (const TaskEvent& e : *events) ledgers[e.task].push_back(e);
  std::vector<TaskGroup> groups;
  for (const TaskGroup& g : catalog.task_groups) {
    if (g.plan == plan.id) groups.push_back(g);
  }
  std::ranges::sort(groups, [](const TaskGroup& a, const TaskGroup& b) {
    return std::tie(a.order, a.code) < std::tie(b.order, b.code);
  });
  auto group_of = [&](TaskGroupId id) -> const TaskGroup* {
    auto it = std::ranges::find(groups, id, &TaskGroup::id);
    return it == groups.end() ? nullptr : &*it;
  };

  json rows = json::array();
  for (const Task& t : shown) {
    const TaskState state = EvaluateTask(t, ledgers[t.id], today, CompletionView::kVerified);
    const TaskGroup* group = group_of(t.group);
    const OrgUnit* lead = catalog.tree.Find(state.lead_unit);
    rows.push_back(
        {t.code, t.title_vi, t.title_en, group ? json(group->code) : json(nullptr),
         group ? json(group->title_vi) : json(nullptr), lead ? json(lead->code) : json(nullptr),
         lead ? json(lead->name_vi) : json(nullptr), lead ? json(lead->name_en) : json(nullptr),
         DateJson(state.deadline), TaskStatusName(state.status),
         state.progress_percent ? json(*state.progress_percent) : json(nullptr),
         DateJson(state.completed_on)});
  }

  const StatusSummary verified = Summarize(shown, *events, today, CompletionView::kVerified);
  const StatusSummary claimed = Summarize(shown, *events, today, CompletionView::kClaimed);
  const auto by_group = SummarizeByGroup(shown, *events, today, CompletionView::kVerified);
  json group_rows = json::array();
  for (const TaskGroup& g : groups) {
    auto it = by_group.find(g.id);
    if (it == by_group.end()) continue;
    group_rows.push_back({{"code", g.code},
                          {"title_vi", g.title_vi},
                          {"title_en", g.title_en},
                          {"total", it->second.total},
                          {"done", it->second.done},
                          {"completion_rate", RateJson(it->second.done, it->second.total)}});
  }
  json summary = {
      {"as_of", today.ToString()},
      {"plan", PlanRef(plan)},
      {"total", verified.total},
      {"done_on_time", verified.done_on_time},
      {"done_late", verified.done_late},
      {"in_progress", verified.in_progress_on_time},
      {"overdue", verified.overdue},
      {"cancelled", verified.cancelled + verified.recurring_cancelled},
      {"recurring",
       verified.recurring_reported + verified.recurring_missing + verified.recurring_not_due},
      {"completion_rate", RateJson(verified.done, verified.total)},
      {"completion_rate_claimed", RateJson(claimed.done, claimed.total)},
      {"on_time_rate", RateJson(verified.due_done_on_time, verified.due)},
      {"groups", std::move(group_rows)},
  };
  json columns = json::array({
      Column("code", "Mã nhiệm vụ", "Task code", "string"),
      Column("title_vi", "Tên nhiệm vụ", "Task title (Vietnamese)", "string"),
      Column("title_en", "Tên nhiệm vụ (tiếng Anh)", "Task title (English)", "string"),
      Column("group_code", "Mã nhóm nhiệm vụ", "Task group code", "string"),
      Column("group_title_vi", "Nhóm nhiệm vụ", "Task group", "string"),
      Column("lead_unit_code", "Mã đơn vị chủ trì", "Lead unit code", "string"),
      Column("lead_unit_name_vi", "Đơn vị chủ trì", "Lead unit (Vietnamese)", "string"),
      Column("lead_unit_name_en", "Đơn vị chủ trì (tiếng Anh)", "Lead unit (English)", "string"),
      Column("deadline", "Thời hạn", "Deadline", "date"),
      Column("status", "Tình trạng", "Status", "string"),
      Column("progress_percent", "Tiến độ (%)", "Progress (%)", "integer"),
      Column("completed_on", "Ngày hoàn thành", "Completed on", "date"),
  });
  return json{
      {"title_vi", fmt::format("Tiến độ thực hiện {}", plan.code)},
      {"title_en", fmt::format("Progress of {}", plan.code)},
      {"description_vi", fmt::format("{}: các nhiệm vụ và tình trạng (đã xác minh) đến ngày {}",
                                     plan.title_vi, today.ToString())},
      {"description_en", fmt::format("{}: tasks and their verified status as of {}",
                                     English(plan.title_en, plan.title_vi), today.ToString())},
      {"publisher", PublisherJson(PlanPublisher(catalog.tree, plan))},
      {"keywords", json::array({"kế hoạch", "plan", "nhiệm vụ", "tasks", plan.code})},
      {"columns", std::move(columns)},
      {"rows", std::move(rows)},
      {"summary", std::move(summary)}};
}

Result<json> IndicatorContent(StoreReader& store, const Catalog& catalog,
                              const Indicator& indicator, const OrgUnit* publisher) {
  DataValueQuery query;
  query.indicator = indicator.id;
  auto values = store.DataValues(query);
  if (!values) return std::unexpected(values.error());
  struct Row {
    const OrgUnit* unit;
    Period period;
    double value;
  };
  std::vector<Row> approved;
  for (const DataValue& v : *values) {
    if (v.state != ValueState::kApproved) continue;
    const OrgUnit* unit = catalog.tree.Find(v.unit);
    if (!unit)
      return Internal(fmt::format("a value of {} names unit {}", indicator.code, v.unit.value));
    approved.push_back(Row{unit, v.period, v.value});
  }
  std::ranges::sort(approved, [](const Row& a, const Row& b) {
    if (a.unit->code != b.unit->code) return a.unit->code < b.unit->code;
    return a.period < b.period;
  });
  json rows = json::array();
  for (const Row& r : approved) {
    rows.push_back(
        {r.unit->code, r.unit->name_vi, r.unit->name_en, r.period.ToString(), NumberJson(r.value)});
  }

  std::vector<Target> targets;
  for (const Target& t : catalog.targets) {
    if (t.indicator == indicator.id) targets.push_back(t);
  }
  auto unit_code = [&](const Target& t) -> std::string {
    const OrgUnit* u = t.unit ? catalog.tree.Find(t.unit) : nullptr;
    return u ? u->code : std::string();
  };
  std::ranges::sort(targets, [&](const Target& a, const Target& b) {
    const std::string ca = unit_code(a), cb = unit_code(b);
    if (ca != cb) return ca < cb;  // the general targets (no unit) first
    return a.date < b.date;
  });
  json target_rows = json::array();
  for (const Target& t : targets) {
    const OrgUnit* u = t.unit ? catalog.tree.Find(t.unit) : nullptr;
    target_rows.push_back({{"unit_code", u ? json(u->code) : json(nullptr)},
                           {"unit_name_vi", u ? json(u->name_vi) : json(nullptr)},
                           {"unit_name_en", u ? json(u->name_en) : json(nullptr)},
                           {"year", t.date.year()},
                           {"value", NumberJson(t.value)}});
  }
  json summary = {{"indicator",
                   {{"code", indicator.code},
                    {"name_vi", indicator.name_vi},
                    {"name_en", indicator.name_en},
                    {"unit_of_measure", indicator.unit_of_measure},
                    {"period_type", PeriodTypeName(indicator.period_type)},
                    {"direction", DirectionName(indicator.direction)}}},
                  {"targets", std::move(target_rows)}};
  json columns = json::array({
      Column("unit_code", "Mã đơn vị", "Unit code", "string"),
      Column("unit_name_vi", "Đơn vị", "Unit (Vietnamese)", "string"),
      Column("unit_name_en", "Đơn vị (tiếng Anh)", "Unit (English)", "string"),
      Column("period", "Kỳ", "Period", "string"),
      Column("value", "Giá trị", "Value", "number"),
  });
  const std::string name_en = English(indicator.name_en, indicator.name_vi);
  return json{
      {"title_vi", indicator.name_vi},
      {"title_en", name_en},
      {"description_vi",
       fmt::format("Số liệu đã phê duyệt của chỉ tiêu {} ({}), theo đơn vị và kỳ, và các chỉ "
                   "tiêu kế hoạch",
                   indicator.code, indicator.unit_of_measure)},
      {"description_en", fmt::format("Approved values of indicator {} ({}), by unit and period, "
                                     "and its targets",
                                     indicator.code, indicator.unit_of_measure)},
      {"publisher", PublisherJson(publisher)},
      {"keywords", json::array({"chỉ tiêu", "indicator", indicator.code})},
      {"columns", std::move(columns)},
      {"rows", std::move(rows)},
      {"summary", std::move(summary)}};
}

Result<json> ScorecardsContent(StoreReader& store, const Catalog& catalog, const Plan& plan,
                               const Period& period, Date today, std::chrono::minutes utc_offset) {
  auto cards = ComputeScorecards(store, ScorecardQuery{plan.id, period, std::nullopt, std::nullopt},
                                 today, utc_offset);
  if (!cards) return std::unexpected(cards.error());
  json rows = json::array();
  for (const UnitScorecard& c : *cards) {
    const Scorecard& card = c.card;
    rows.push_back({OrgUnitTypeName(card.unit_type), card.rank ? json(*card.rank) : json(nullptr),
                    card.peer_count, card.unit_code, c.unit_name_vi, c.unit_name_en,
                    card.leader_name, card.leader_title, ScoreJson(card.score),
                    card.rating ? json(RatingName(*card.rating)) : json(nullptr),
                    RateJson(c.tasks.due_done_on_time, c.tasks.due), c.tasks.total, c.tasks.done,
                    c.tasks.overdue});
  }
  const Date judged_on = std::min(period.end(), today);
  json columns = json::array({
      Column("unit_type", "Loại đơn vị", "Unit type", "string"),
      Column("rank", "Thứ hạng", "Rank", "integer"),
      Column("peers", "Số đơn vị cùng loại", "Peers", "integer"),
      Column("unit_code", "Mã đơn vị", "Unit code", "string"),
      Column("unit_name_vi", "Đơn vị", "Unit (Vietnamese)", "string"),
      Column("unit_name_en", "Đơn vị (tiếng Anh)", "Unit (English)", "string"),
      Column("leader_name", "Người đứng đầu", "Leader", "string"),
      Column("leader_title", "Chức vụ", "Leader's title", "string"),
      Column("score", "Điểm", "Score", "number"),
      Column("rating", "Xếp loại", "Rating", "string"),
      Column("on_time_rate", "Tỷ lệ đúng hạn (%)", "On-time rate (%)", "percent"),
      Column("tasks", "Số nhiệm vụ", "Tasks", "integer"),
      Column("done", "Đã hoàn thành", "Done", "integer"),
      Column("overdue", "Quá hạn", "Overdue", "integer"),
  });
  return json{
      {"title_vi",
       fmt::format("Xếp hạng đơn vị thực hiện {}, kỳ {}", plan.code, period.ToString())},
      {"title_en", fmt::format("Unit ranking for {}, period {}", plan.code, period.ToString())},
      {"description_vi",
       fmt::format("{}: điểm, xếp loại và thứ hạng của các đơn vị trong kỳ {}, đánh giá ngày {}",
                   plan.title_vi, period.ToString(), judged_on.ToString())},
      {"description_en",
       fmt::format("{}: units' scores, ratings and ranks for period {}, judged on {}",
                   English(plan.title_en, plan.title_vi), period.ToString(), judged_on.ToString())},
      {"publisher", PublisherJson(PlanPublisher(catalog.tree, plan))},
      {"keywords", json::array({"xếp hạng", "scorecards", plan.code, period.ToString()})},
      {"columns", std::move(columns)},
      {"rows", std::move(rows)},
      {"summary",
       {{"plan", PlanRef(plan)},
        {"period", period.ToString()},
        {"judged_on", judged_on.ToString()}}}};
}

const json& Member(const json& object, std::string_view key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

Result<json> ReviewContent(const Catalog& catalog, const Plan& plan, const ReviewRecord& review) {
  const json figures = json::parse(review.figures, nullptr, false);
  if (figures.is_discarded() || !figures.is_object()) {
    return Internal(fmt::format("review {}: stored figures are not JSON", review.id.value));
  }
  json frozen_plan = Member(figures, "plan");
  if (!frozen_plan.is_object()) frozen_plan = PlanRef(plan);
  const json plan_ref = {{"code", Member(frozen_plan, "code")},
                         {"title_vi", Member(frozen_plan, "title_vi")},
                         {"title_en", Member(frozen_plan, "title_en")}};
  json rows = json::array();
  const json& status = Member(figures, "status");
  for (std::string_view measure : kPlanStatusFigures) {
    const json& v = Member(status, measure);
    if (v.is_null()) continue;
    rows.push_back(
        {"status", plan_ref["code"], plan_ref["title_vi"], plan_ref["title_en"], measure, v});
  }
  const json& groups = Member(status, "rows");
  if (groups.is_array()) {
    for (const json& g : groups) {
      for (std::string_view measure : {"total", "done", "completion_rate"}) {
        rows.push_back({"group", Member(g, "code"), Member(g, "name_vi"), Member(g, "name_en"),
                        measure, Member(g, measure)});
      }
    }
  }
  const json& indicators = Member(Member(figures, "indicators"), "indicators");
  if (indicators.is_array()) {
    for (const json& i : indicators) {
      rows.push_back({"indicator", Member(i, "indicator"), Member(i, "name_vi"),
                      Member(i, "name_en"), "actual", Member(i, "value")});
      rows.push_back({"indicator", Member(i, "indicator"), Member(i, "name_vi"),
                      Member(i, "name_en"), "target", Member(i, "target")});
      if (i.contains("achievement")) {
        rows.push_back({"indicator", Member(i, "indicator"), Member(i, "name_vi"),
                        Member(i, "name_en"), "achievement", Member(i, "achievement")});
      }
    }
  }
  const json& cards = Member(Member(figures, "scorecards"), "items");
  if (cards.is_array()) {
    for (const json& c : cards) {
      const json& unit = Member(c, "unit");
      const json& score = Member(c, "score");
      rows.push_back({"unit", Member(unit, "code"), Member(unit, "name_vi"),
                      Member(unit, "name_en"), "score",
                      score.is_number() ? ScoreJson(score.get<double>()) : json(nullptr)});
    }
  }
  json columns = json::array({
      Column("section", "Phần", "Section", "string"),
      Column("code", "Mã", "Code", "string"),
      Column("name_vi", "Tên", "Name (Vietnamese)", "string"),
      Column("name_en", "Tên (tiếng Anh)", "Name (English)", "string"),
      Column("measure", "Số đo", "Measure", "string"),
      Column("value", "Giá trị", "Value", "number"),
  });
  const std::string as_of = review.as_of.ToString();
  return json{
      {"title_vi", review.title_vi},
      {"title_en", English(review.title_en, review.title_vi)},
      {"description_vi", fmt::format("Số liệu {} của {} chốt đến ngày {}",
                                     ReviewKindName(review.kind), plan.code, as_of)},
      {"description_en", fmt::format("The {} review figures of {}, frozen as of {}",
                                     ReviewKindName(review.kind), plan.code, as_of)},
      {"publisher", PublisherJson(PlanPublisher(catalog.tree, plan))},
      {"keywords", json::array({"sơ kết", "review", plan.code, ReviewKindName(review.kind)})},
      {"columns", std::move(columns)},
      {"rows", std::move(rows)},
      {"summary",
       {{"plan", plan_ref},
        {"kind", ReviewKindName(review.kind)},
        {"as_of", as_of},
        {"title_vi", review.title_vi},
        {"title_en", review.title_en}}}};
}

// --- Stored versions back into DatasetVersion. ---

Result<DatasetVersion> FromRecord(const PublicationRecord& r, const std::string& issued) {
  const json content = json::parse(r.content, nullptr, false);
  auto kind = ParseDatasetKind(r.kind);
  if (content.is_discarded() || !content.is_object() || !kind) {
    return Internal(
        fmt::format("dataset {} version {}: stored content is invalid", r.dataset, r.version));
  }
  DatasetVersion out;
  DatasetInfo& info = out.info;
  info.name = r.dataset;
  info.kind = *kind;
  info.subject = r.subject;
  info.version = r.version;
  auto text = [&](const json& obj, std::string_view key) {
    const json& v = Member(obj, key);
    return v.is_string() ? v.get<std::string>() : std::string();
  };
  info.title_vi = text(content, "title_vi");
  info.title_en = text(content, "title_en");
  info.description_vi = text(content, "description_vi");
  info.description_en = text(content, "description_en");
  const json& publisher = Member(content, "publisher");
  info.publisher_code = text(publisher, "code");
  info.publisher_name_vi = text(publisher, "name_vi");
  info.publisher_name_en = text(publisher, "name_en");
  info.issued = issued;
  info.modified = r.published_at;
  info.published_by = r.published_by;
  const json& keywords = Member(content, "keywords");
  if (keywords.is_array()) {
    for (const json& k : keywords) {
      if (k.is_string()) info.keywords.push_back(k.get<std::string>());
    }
  }
  const json& columns = Member(content, "columns");
  if (columns.is_array()) {
    for (const json& c : columns) {
      info.columns.push_back(DatasetColumn{text(c, "name"), text(c, "title_vi"),
                                           text(c, "title_en"), text(c, "type")});
    }
  }
  out.rows = Member(content, "rows").is_array() ? Member(content, "rows") : json::array();
  out.summary =
      Member(content, "summary").is_object() ? Member(content, "summary") : json::object();
  info.row_count = out.rows.size();
  return out;
}

bool Withdrawn(const PublicationRecord& latest) { return !latest.withdrawn_at.empty(); }

// Every version of a dataset that is public; not_found when there is none.
Result<std::vector<PublicationRecord>> PublicVersions(StoreReader& store, std::string_view name) {
  auto versions = store.Publications(name);
  if (!versions) return std::unexpected(versions.error());
  if (name.empty() || versions->empty() || Withdrawn(versions->back())) {
    return NotFound(fmt::format("no published dataset '{}'", EchoForMessage(name, 100)));
  }
  return versions;
}

// The version 1 instant of each latest record.
Result<std::string> IssuedOf(StoreReader& store, const PublicationRecord& latest) {
  if (latest.version == 1) return latest.published_at;
  auto first = store.PublicationVersion(latest.dataset, 1);
  if (!first) return std::unexpected(first.error());
  return first->published_at;
}

// The columns that identify a row of each kind (see Diff).
std::vector<std::size_t> KeyColumns(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kPlan:
      return {0};
    case DatasetKind::kIndicator:
      return {0, 3};
    case DatasetKind::kScorecards:
      return {3};
    case DatasetKind::kReview:
      return {0, 1, 4};
  }
  return {0};
}

json RowKey(const json& row, const std::vector<std::size_t>& columns) {
  json key = json::array();
  for (std::size_t c : columns) key.push_back(row.is_array() && c < row.size() ? row[c] : json());
  return key;
}

}  // namespace

std::string_view DatasetKindName(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kPlan:
      return "plan";
    case DatasetKind::kIndicator:
      return "indicator";
    case DatasetKind::kScorecards:
      return "scorecards";
    case DatasetKind::kReview:
      return "review";
  }
  return "plan";
}

Result<DatasetKind> ParseDatasetKind(std::string_view text) {
  for (DatasetKind k : {DatasetKind::kPlan, DatasetKind::kIndicator, DatasetKind::kScorecards,
                        DatasetKind::kReview}) {
    if (DatasetKindName(k) == text) return k;
  }
  return InvalidArgument(
      fmt::format("unknown dataset kind \"{}\"; accepted: plan, indicator, scorecards, review",
                  EchoForMessage(text)));
}

std::string DatasetSlug(std::string_view code) {
  std::string out;
  bool gap = false;
  for (char ch : code) {
    const unsigned char c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!keep) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += '-';
    gap = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

json DatasetInfoJson(const DatasetInfo& info) {
  json columns = json::array();
  for (const DatasetColumn& c : info.columns) {
    columns.push_back(Column(c.name, c.title_vi, c.title_en, c.type));
  }
  return {{"name", info.name},
          {"kind", DatasetKindName(info.kind)},
          {"subject", info.subject},
          {"version", info.version},
          {"title_vi", info.title_vi},
          {"title_en", info.title_en},
          {"description_vi", info.description_vi},
          {"description_en", info.description_en},
          {"publisher",
           {{"code", info.publisher_code},
            {"name_vi", info.publisher_name_vi},
            {"name_en", info.publisher_name_en}}},
          {"issued", info.issued},
          {"modified", info.modified},
          {"keywords", info.keywords},
          {"columns", std::move(columns)},
          {"row_count", info.row_count},
          {"distributions",
           json::array({{{"format", "CSV"},
                         {"media_type", "text/csv"},
                         {"url", fmt::format("/open/datasets/{}.csv", info.name)}},
                        {{"format", "JSON"},
                         {"media_type", "application/json"},
                         {"url", fmt::format("/open/datasets/{}.json", info.name)}}})}};
}

json DatasetJson(const DatasetVersion& dataset) {
  json out = DatasetInfoJson(dataset.info);
  out["rows"] = dataset.rows;
  out["summary"] = dataset.summary;
  return out;
}

std::string DatasetCsv(const DatasetVersion& dataset) {
  std::string out(kUtf8Bom);
  std::vector<std::string> fields;
  for (const DatasetColumn& c : dataset.info.columns) fields.push_back(c.name);
  out += CsvLine(fields);
  for (const json& row : dataset.rows) {
    fields.clear();
    for (const json& cell : row) {
      if (cell.is_null()) {
        fields.emplace_back();
      } else if (cell.is_string()) {
        fields.push_back(cell.get<std::string>());
      } else {
        fields.push_back(cell.dump());
      }
    }
    out += CsvLine(fields);
  }
  return out;
}

Publishing::Publishing(Store& store, const Analytics& analytics, TodayFn today,
                       std::chrono::minutes utc_offset)
    : store_(store), analytics_(analytics), today_(std::move(today)), utc_offset_(utc_offset) {}

Result<json> Publishing::Publish(const Principal& p, const json& body) {
  // A review is named by its id: a number is taken as its decimal text (for reviews only).
  json normalized = body;
  if (normalized.is_object() && normalized.contains("subject") &&
      normalized["subject"].is_number_integer() && normalized.contains("kind") &&
      normalized["kind"] == "review") {
    normalized["subject"] = normalized["subject"].dump();
  }
  JsonFields f(normalized, JsonFields::Mode::kCreate, {"kind", "subject", "period"});
  DatasetKind kind = DatasetKind::kPlan;
  const bool has_kind = f.Enum("kind", kind, ParseDatasetKind, true);
  std::string subject;
  if (f.Text("subject", subject, true, 200) && subject.empty()) {
    f.Add("subject", "required", "the subject (a plan or indicator code, or a review id) is empty");
  }
  std::optional<Period> period;
  f.OptionalPeriod("period", period);
  const Date today = today_();
  const bool period_refused =
      std::ranges::any_of(f.errors(), [](const ErrorDetail& d) { return d.field == "period"; });
  if (has_kind && kind == DatasetKind::kScorecards && !period && !period_refused) {
    f.Add("period", "required", "scorecards are published for a period, e.g. \"2025\"");
  }
  if (has_kind && kind != DatasetKind::kScorecards && f.Has("period")) {
    f.Add("period", "invalid", "a period applies only to scorecards");
  }
  if (has_kind && kind == DatasetKind::kScorecards && period && period->start() > today) {
    f.Add("period", "out_of_range",
          fmt::format("period {} has not started yet (today is {})", period->ToString(),
                      today.ToString()));
  }

  const std::shared_ptr<const planwatch::Catalog> catalog = analytics_.catalog();
  const Plan* plan = nullptr;
  const Indicator* indicator = nullptr;
  std::optional<ReviewRecord> review;
  if (has_kind && !subject.empty()) {
    const std::string echoed = EchoForMessage(subject);
    switch (kind) {
      case DatasetKind::kPlan:
      case DatasetKind::kScorecards:
        plan = catalog->FindPlanByCode(subject);
        if (!plan) f.Add("subject", "not_found", fmt::format("no plan with code \"{}\"", echoed));
        break;
      case DatasetKind::kIndicator:
        indicator = catalog->FindIndicatorByCode(subject);
        if (!indicator) {
          f.Add("subject", "not_found", fmt::format("no indicator with code \"{}\"", echoed));
        }
        break;
      case DatasetKind::kReview: {
        std::int64_t id = 0;
        auto [ptr, ec] = std::from_chars(subject.data(), subject.data() + subject.size(), id);
        if (ec != std::errc() || ptr != subject.data() + subject.size() || id <= 0) {
          f.Add("subject", "invalid", fmt::format("expected a review id, got \"{}\"", echoed));
          break;
        }
        auto found = store_.ReviewById(ReviewId{id});
        if (!found && found.error().code != ErrorCode::kNotFound) {
          return std::unexpected(found.error());
        }
        if (found) plan = FindPlanById(*catalog, found->plan);
        if (!found || !plan) {
          f.Add("subject", "not_found", fmt::format("no review with id {}", id));
        } else {
          review = *found;
        }
        break;
      }
    }
  }
  if (auto ok = f.Finish(); !ok) return std::unexpected(ok.error());
  const AccessPolicy policy(catalog->tree);
  const bool allowed =
      indicator ? policy.CanManageIndicator(p, *indicator) : policy.CanAdministerPlan(p, *plan);
  if (!allowed) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not publish the {} dataset of \"{}\"", EchoForMessage(p.login),
                            DatasetKindName(kind), EchoForMessage(subject)));
  }
  if (review && !review->published) {
    return Fail(
        ErrorCode::kFailedPrecondition,
        fmt::format("review {} is not published: publish the review first", review->id.value));
  }

  std::string name;
  switch (kind) {
    case DatasetKind::kPlan:
      name = DatasetName("plan", {plan->code});
      break;
    case DatasetKind::kIndicator:
      name = DatasetName("indicator", {indicator->code});
      break;
    case DatasetKind::kScorecards:
      name = DatasetName("scorecards", {plan->code, period->ToString()});
      break;
    case DatasetKind::kReview:
      name = DatasetName("review", {subject});
      break;
  }
  if (name.empty()) {
    return Fail(
        ErrorCode::kInvalidArgument, "invalid request body",
        {ErrorDetail{0, "subject",
                     FieldMessage("invalid", fmt::format("\"{}\" has no letter or digit to name a "
                                                         "dataset by",
                                                         EchoForMessage(subject)))}});
  }

  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  // Computed from the transaction's own reads, so a version is one consistent state.
  auto content = [&]() -> Result<json> {
    switch (kind) {
      case DatasetKind::kPlan:
        return PlanContent(**tx, *catalog, *plan, today);
      case DatasetKind::kIndicator:
        return IndicatorContent(**tx, *catalog, *indicator, catalog->tree.Find(p.scope));
      case DatasetKind::kScorecards:
        return ScorecardsContent(**tx, *catalog, *plan, *period, today, utc_offset_);
      case DatasetKind::kReview:
        return ReviewContent(*catalog, *plan, *review);
    }
    return Internal("unknown dataset kind");
  }();
  if (!content) return std::unexpected(content.error());

  auto earlier = (*tx)->Publications(name);
  if (!earlier) return std::unexpected(earlier.error());
  if (!earlier->empty()) {
    const PublicationRecord& latest = earlier->back();
    if (latest.kind != DatasetKindName(kind) || latest.subject != subject) {
      return Conflict(fmt::format("dataset name {} is taken by the {} dataset of \"{}\"", name,
                                  latest.kind, EchoForMessage(latest.subject)));
    }
    if (!Withdrawn(latest)) {
      const json before = json::parse(latest.content, nullptr, false);
      if (!before.is_discarded() && Member(before, "rows") == (*content)["rows"] &&
          Member(before, "summary") == (*content)["summary"]) {
        return Conflict(
            fmt::format("nothing changed since version {} of {}", latest.version, name));
      }
    }
  }
  PublicationRecord record;
  record.dataset = name;
  record.kind = std::string(DatasetKindName(kind));
  record.subject = subject;
  record.content = content->dump();
  record.published_by = p.login;
  auto stored = (*tx)->PutPublication(record);
  if (!stored) return std::unexpected(stored.error());
  if (auto ok = (*tx)->Commit(); !ok) return std::unexpected(ok.error());
  const std::string issued =
      earlier->empty() ? stored->published_at : earlier->front().published_at;
  auto version = FromRecord(*stored, issued);
  if (!version) return std::unexpected(version.error());
  return DatasetJson(*version);
}

Status Publishing::Withdraw(const Principal& p, std::string_view name) {
  auto versions = store_.Publications(name);
  if (!versions) return std::unexpected(versions.error());
  if (name.empty() || versions->empty()) {
    return NotFound(fmt::format("no dataset '{}'", EchoForMessage(name, 100)));
  }
  const PublicationRecord& latest = versions->back();
  const std::shared_ptr<const planwatch::Catalog> catalog = analytics_.catalog();
  const AccessPolicy policy(catalog->tree);
  bool allowed = false;
  auto kind = ParseDatasetKind(latest.kind);
  if (!kind) return Internal(fmt::format("dataset {}: stored kind '{}'", name, latest.kind));
  const Plan* plan = nullptr;
  if (*kind == DatasetKind::kIndicator) {
    const Indicator* indicator = catalog->FindIndicatorByCode(latest.subject);
    allowed = indicator ? policy.CanManageIndicator(p, *indicator) : p.role == Role::kAdmin;
  } else {
    if (*kind == DatasetKind::kReview) {
      std::int64_t id = 0;
      std::from_chars(latest.subject.data(), latest.subject.data() + latest.subject.size(), id);
      auto review = store_.ReviewById(ReviewId{id});
      if (review) plan = FindPlanById(*catalog, review->plan);
    } else {
      plan = catalog->FindPlanByCode(latest.subject);
    }
    allowed = plan ? policy.CanAdministerPlan(p, *plan) : p.role == Role::kAdmin;
  }
  if (!allowed) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not withdraw dataset {}", EchoForMessage(p.login), name));
  }
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  if (auto ok = (*tx)->WithdrawPublication(name, p.login); !ok) return ok;
  return (*tx)->Commit();
}

Result<Page> Publishing::List(const Principal& p, const QueryParams& params) {
  if (!p.user) return Fail(ErrorCode::kUnauthenticated, "sign in to list publications");
  for (const auto& [param, value] : params) {
    if (param != "limit" && param != "offset") {
      return BadQueryParam(
          param, "unknown_field",
          fmt::format("unknown parameter \"{}\"; accepted: limit, offset", EchoForMessage(param)));
    }
  }
  auto limit = IntQueryParam(params, "limit", 50, 1, kMaxLimit);
  if (!limit) return std::unexpected(limit.error());
  auto offset = IntQueryParam(params, "offset", 0, 0, std::numeric_limits<int>::max());
  if (!offset) return std::unexpected(offset.error());
  auto latest = store_.LatestPublications();
  if (!latest) return std::unexpected(latest.error());
  Page page;
  page.limit = *limit;
  page.offset = *offset;
  page.total = static_cast<std::int64_t>(latest->size());
  for (std::size_t i = static_cast<std::size_t>(*offset);
       i < latest->size() && page.items.size() < static_cast<std::size_t>(*limit); ++i) {
    const PublicationRecord& r = (*latest)[i];
    auto issued = IssuedOf(store_, r);
    if (!issued) return std::unexpected(issued.error());
    auto version = FromRecord(r, *issued);
    if (!version) return std::unexpected(version.error());
    json item = DatasetInfoJson(version->info);
    const bool withdrawn = Withdrawn(r);
    item["published_by"] = r.published_by;
    item["withdrawn"] = withdrawn;
    item["withdrawn_at"] = withdrawn ? json(r.withdrawn_at) : json(nullptr);
    item["withdrawn_by"] = withdrawn ? json(r.withdrawn_by) : json(nullptr);
    page.items.push_back(std::move(item));
  }
  return page;
}

Result<std::vector<DatasetInfo>> Publishing::Catalog() {
  auto latest = store_.LatestPublications();
  if (!latest) return std::unexpected(latest.error());
  std::vector<DatasetInfo> out;
  for (const PublicationRecord& r : *latest) {
    if (Withdrawn(r)) continue;
    auto issued = IssuedOf(store_, r);
    if (!issued) return std::unexpected(issued.error());
    auto version = FromRecord(r, *issued);
    if (!version) return std::unexpected(version.error());
    out.push_back(std::move(version->info));
  }
  return out;
}

Result<DatasetVersion> Publishing::Get(std::string_view name, std::optional<int> version) {
  auto versions = PublicVersions(store_, name);
  if (!versions) return std::unexpected(versions.error());
  const PublicationRecord* chosen = &versions->back();
  if (version) {
    auto it = std::ranges::find(*versions, *version, &PublicationRecord::version);
    if (it == versions->end()) {
      return NotFound(fmt::format("dataset '{}' has no version {}", name, *version));
    }
    chosen = &*it;
  }
  return FromRecord(*chosen, versions->front().published_at);
}

Result<std::vector<DatasetInfo>> Publishing::Versions(std::string_view name) {
  auto versions = PublicVersions(store_, name);
  if (!versions) return std::unexpected(versions.error());
  std::vector<DatasetInfo> out;
  for (const PublicationRecord& r : *versions) {
    auto version = FromRecord(r, versions->front().published_at);
    if (!version) return std::unexpected(version.error());
    out.push_back(std::move(version->info));
  }
  return out;
}

Result<json> Publishing::Diff(std::string_view name, int from, int to) {
  auto a = Get(name, from);
  if (!a) return std::unexpected(a.error());
  auto b = Get(name, to);
  if (!b) return std::unexpected(b.error());
  const std::vector<std::size_t> key_columns = KeyColumns(b->info.kind);
  std::map<std::string, const json*> before;
  for (const json& row : a->rows) before.emplace(RowKey(row, key_columns).dump(), &row);
  std::map<std::string, const json*> after;
  for (const json& row : b->rows) after.emplace(RowKey(row, key_columns).dump(), &row);

  json added = json::array();
  json changed = json::array();
  for (const json& row : b->rows) {
    const json key = RowKey(row, key_columns);
    auto it = before.find(key.dump());
    if (it == before.end()) {
      added.push_back(row);
      continue;
    }
    const json& old = *it->second;
    if (old == row) continue;
    json columns = json::array();
    const std::size_t width = std::max(old.size(), row.size());
    for (std::size_t c = 0; c < width; ++c) {
      const json left = c < old.size() ? old[c] : json();
      const json right = c < row.size() ? row[c] : json();
      if (left == right) continue;
      columns.push_back(c < b->info.columns.size() ? json(b->info.columns[c].name) : json(c));
    }
    changed.push_back(
        {{"key", key}, {"columns", std::move(columns)}, {"before", old}, {"after", row}});
  }
  json removed = json::array();
  for (const json& row : a->rows) {
    if (!after.contains(RowKey(row, key_columns).dump())) removed.push_back(row);
  }
  return json{{"name", std::string(name)},
              {"from", from},
              {"to", to},
              {"added", std::move(added)},
              {"removed", std::move(removed)},
              {"changed", std::move(changed)},
              {"summary_changed", a->summary != b->summary}};
}

Result<std::string> Publishing::CatalogTag() {
  auto counts = store_.CountPublications();
  if (!counts) return std::unexpected(counts.error());
  return fmt::format("\"c{}-{}-{}\"", counts->versions, counts->last_id, counts->withdrawals);
}

}  // namespace planwatch
