#include "planwatch/service/documents.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/service/analytics_queries.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/plan_status.h"
#include "planwatch/service/scorecards.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

std::unexpected<Error> Denied(const Principal& p, std::string_view what) {
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("{} may not read the figures of {}", EchoForMessage(p.login), what));
}

Result<Plan> FindPlan(StoreReader& store, std::string_view code) {
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto it = std::ranges::find(*plans, code, &Plan::code);
  if (it == plans->end()) return NotFound(fmt::format("no plan '{}'", EchoForMessage(code)));
  return std::move(*it);
}

// Figures over the whole plan: for readers of the issuing unit's analytics and the plan's
// administrators.
Status CheckFigureAccess(const AccessPolicy& policy, const Principal& p, const Plan& plan) {
  if (policy.CanReadAnalytics(p, plan.issuer) || policy.CanAdministerPlan(p, plan)) return {};
  return Denied(p, "plan " + plan.code);
}

const std::string& Pick(const std::string& vi, const std::string& en, DocumentLanguage lang) {
  return lang == DocumentLanguage::kEn && !en.empty() ? en : vi;
}

std::string UnitName(const OrgTree& tree, OrgUnitId id, DocumentLanguage lang) {
  const OrgUnit* unit = tree.Find(id);
  return unit ? Pick(unit->name_vi, unit->name_en, lang) : std::string();
}

std::string_view UnitTypeLabel(OrgUnitType type, DocumentLanguage lang) {
  const bool vi = lang == DocumentLanguage::kVi;
  switch (type) {
    case OrgUnitType::kCentral:
      return vi ? "Trung ương" : "Central";
    case OrgUnitType::kProvince:
      return vi ? "Tỉnh" : "Province";
    case OrgUnitType::kCommittee:
      return vi ? "Ban chỉ đạo" : "Committee";
    case OrgUnitType::kDepartment:
      return vi ? "Sở, ngành" : "Department";
    case OrgUnitType::kCommune:
      return vi ? "Xã" : "Commune";
    case OrgUnitType::kWard:
      return vi ? "Phường" : "Ward";
    case OrgUnitType::kVillage:
      return vi ? "Thôn, bản" : "Village";
    case OrgUnitType::kOther:
      return vi ? "Khác" : "Other";
  }
  return "";
}

// A fraction as a percent with one decimal, truncated like RatePercent: never overstated.
std::optional<double> TruncatedPercent(std::optional<double> fraction) {
  if (!fraction || !std::isfinite(*fraction)) return std::nullopt;
  return std::floor(*fraction * 1000 + 1e-9) / 10;
}

// One task as judged on a date, visible to the caller.
struct JudgedTask {
  const Task* task = nullptr;
  TaskState state;
};

// The plan's tasks assigned on or before `d` that the caller may read, judged on `d` (verified).
Result<std::vector<JudgedTask>> VisibleTasks(StoreReader& store, const AccessPolicy& policy,
                                             const Principal& p, const Plan& plan,
                                             const std::vector<Task>& tasks, Date d) {
  auto events = store.TaskEvents(plan.id);
  if (!events) return std::unexpected(events.error());
  std::unordered_map<TaskId, std::vector<TaskEvent>> ledgers;
  for (TaskEvent& e : *events) ledgers[e.task].push_back(std::move(e));
  std::vector<JudgedTask> out;
  for (const Task& task : tasks) {
    const auto it = ledgers.find(task.id);
    const std::span<const TaskEvent> ledger =
        it == ledgers.end() ? std::span<const TaskEvent>() : std::span<const TaskEvent>(it->second);
    TaskState state = EvaluateTask(task, ledger, d, CompletionView::kVerified);
    if (state.status == TaskStatus::kNotAssigned) continue;
    if (!policy.CanReadTask(p, task, state.lead_unit, plan)) continue;
    out.push_back(JudgedTask{&task, std::move(state)});
  }
  return out;
}

Result<std::vector<IndicatorAchievement>> IndicatorSection(const Analytics& analytics,
                                                           const Principal& p,
                                                           const OrgUnit& issuer,
                                                           const Period& period, Date today,
                                                           DocumentLanguage lang) {
  QueryParams params{{"unit", issuer.code}, {"periods", period.ToString()}};
  auto rows = IndicatorAnalytics(analytics, p, params, today);
  if (!rows) {
    // A plan administrator outside the issuer's subtree sees the tasks but not its indicators.
    if (rows.error().code == ErrorCode::kPermissionDenied) {
      return std::vector<IndicatorAchievement>{};
    }
    return std::unexpected(rows.error());
  }
  std::vector<IndicatorAchievement> out;
  for (const json& row : (*rows)["rows"]) {
    const json& indicator = row["indicator"];
    IndicatorAchievement a;
    a.code = indicator.value("code", "");
    a.name = Pick(indicator.value("name_vi", ""), indicator.value("name_en", ""), lang);
    a.unit_of_measure = indicator.value("unit_of_measure", "");
    if (row["value"].is_number()) a.value = row["value"].get<double>();
    if (row["target"].is_object()) a.target = row["target"]["value"].get<double>();
    if (row["achievement"].is_number()) {
      a.achievement_percent = TruncatedPercent(row["achievement"].get<double>());
    }
    auto status = ParseIndicatorStatus(row.value("status", "no_data"));
    a.status = status ? *status : IndicatorStatus::kNoData;
    // An indicator with neither a value nor a target says nothing about this plan's period.
    if (!a.value && !a.target) continue;
    out.push_back(std::move(a));
  }
  return out;
}

// The difficulties and proposals of each unit's latest revision that reached the standing
// agency (submitted, approved or accepted), by unit code.
Result<std::vector<UnitNote>> NotesSection(StoreReader& store, const OrgTree& tree,
                                           const Plan& plan, const Period& period,
                                           DocumentLanguage lang) {
  ReportQuery query;
  query.plan = plan.id;
  query.period = period;
  query.summaries_only = true;
  auto reports = store.FindReports(query);
  if (!reports) return std::unexpected(reports.error());
  std::map<OrgUnitId, const ReportRecord*> latest;
  for (const ReportRecord& r : *reports) {
    if (r.state != ReportState::kSubmitted && r.state != ReportState::kApproved &&
        r.state != ReportState::kAccepted) {
      continue;
    }
    auto [it, inserted] = latest.emplace(r.unit, &r);
    if (!inserted && it->second->revision < r.revision) it->second = &r;
  }
  std::vector<std::pair<std::string, UnitNote>> notes;
  for (const auto& [unit, r] : latest) {
    if (TrimAscii(r->difficulties).empty() && TrimAscii(r->proposals).empty()) continue;
    const OrgUnit* u = tree.Find(unit);
    notes.emplace_back(u ? u->code : std::string(),
                       UnitNote{UnitName(tree, unit, lang), std::string(TrimAscii(r->difficulties)),
                                std::string(TrimAscii(r->proposals))});
  }
  std::ranges::sort(notes, {}, &std::pair<std::string, UnitNote>::first);
  std::vector<UnitNote> out;
  for (auto& [code, note] : notes) out.push_back(std::move(note));
  return out;
}

std::string LeaderText(const Scorecard& card) {
  if (card.leader_name.empty()) return card.leader_title;
  if (card.leader_title.empty()) return card.leader_name;
  return card.leader_name + ", " + card.leader_title;
}

Result<std::vector<UnitScorecard>> PlanScorecards(StoreReader& store, const Plan& plan,
                                                  const Period& period, Date today,
                                                  std::chrono::minutes utc_offset) {
  ScorecardQuery query;
  query.plan = plan.id;
  query.period = period;
  return ComputeScorecards(store, query, today, utc_offset);
}

std::unexpected<Error> BadParam(std::string_view name, std::string_view code,
                                std::string_view text) {
  const std::string echoed = EchoForMessage(name);
  return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", echoed),
              {ErrorDetail{0, echoed, FieldMessage(code, text)}});
}

Status RefuseUnknown(const QueryParams& params, std::span<const std::string_view> known) {
  for (const auto& [name, value] : params) {
    if (std::ranges::find(known, std::string_view(name)) == known.end()) {
      return BadParam(name, "unknown_field",
                      fmt::format("unknown parameter \"{}\"; accepted: {}", EchoForMessage(name),
                                  fmt::join(known, ", ")));
    }
  }
  return {};
}

const std::string* Find(const QueryParams& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

Result<std::string> PlanParam(const QueryParams& params) {
  const std::string* plan = Find(params, "plan");
  if (!plan || plan->empty()) return BadParam("plan", "required", "the plan code is required");
  return *plan;
}

Result<Period> PeriodParam(const QueryParams& params, Date today) {
  const std::string* text = Find(params, "period");
  if (!text) return Period::Year(today.year());
  auto period = Period::Parse(*text);
  if (!period) return BadParam("period", "invalid", period.error().message);
  return *period;
}

std::string DateText(Date d) {
  return fmt::format("{:02}/{:02}/{:04}", d.day(), d.month(), d.year());
}

}  // namespace

Result<SummaryDocument> BuildPlanSummary(StoreReader& store, const Analytics& analytics,
                                         const Principal& p, const PlanSummaryRequest& request,
                                         Date today, std::chrono::minutes utc_offset) {
  if (request.period.start() > today) {
    return InvalidArgument(fmt::format("period {} has not started yet (today is {})",
                                       request.period.ToString(), today.ToString()));
  }
  auto plan = FindPlan(store, request.plan_code);
  if (!plan) return std::unexpected(plan.error());
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  const AccessPolicy policy(*tree);
  if (auto ok = CheckFigureAccess(policy, p, *plan); !ok) return std::unexpected(ok.error());

  const DocumentLanguage lang = request.lang;
  const Date d = std::min(request.period.end(), today);
  SummaryDocument doc;
  doc.lang = lang;
  doc.title = Pick(plan->title_vi, plan->title_en, lang);
  if (doc.title.empty()) doc.title = plan->code;
  doc.plan_code = plan->code;
  doc.issuer = UnitName(*tree, plan->issuer, lang);
  doc.period = request.period.ToString();
  doc.as_of = d;

  StatusQuery query;
  query.plan_code = plan->code;
  query.as_of = d;
  query.group_by = StatusGroupBy::kGroup;
  auto verified = GetPlanStatus(analytics, query);
  if (!verified) return std::unexpected(verified.error());
  query.group_by = StatusGroupBy::kNone;
  query.view = CompletionView::kClaimed;
  auto claimed = GetPlanStatus(analytics, query);
  if (!claimed) return std::unexpected(claimed.error());
  const StatusSummary& v = verified->summary;
  doc.headline.verified = v;
  doc.headline.claimed = claimed->summary;
  doc.headline.completion_percent = RatePercent(v.done, v.total);
  doc.headline.claimed_completion_percent =
      RatePercent(claimed->summary.done, claimed->summary.total);
  doc.headline.on_time_percent = RatePercent(v.due_done_on_time, v.due);
  for (const StatusRow& row : verified->rows) {
    if (row.summary.total == 0) continue;
    const std::string& name = Pick(row.name_vi, row.name_en, lang);
    doc.groups.push_back(GroupCompletion{row.code.empty() ? name : row.code + ". " + name,
                                         row.summary.done, row.summary.total,
                                         RatePercent(row.summary.done, row.summary.total)});
  }

  const OrgUnit* issuer = tree->Find(plan->issuer);
  if (issuer != nullptr) {
    auto indicators = IndicatorSection(analytics, p, *issuer, request.period, today, lang);
    if (!indicators) return std::unexpected(indicators.error());
    doc.indicators = std::move(*indicators);
  }

  auto tasks = store.Tasks(plan->id);
  if (!tasks) return std::unexpected(tasks.error());
  auto judged = VisibleTasks(store, policy, p, *plan, *tasks, d);
  if (!judged) return std::unexpected(judged.error());
  std::ranges::sort(*judged, [](const JudgedTask& a, const JudgedTask& b) {
    const Date far = Date::FromDays(INT32_MAX);
    return std::pair(a.state.deadline.value_or(far), a.task->code) <
           std::pair(b.state.deadline.value_or(far), b.task->code);
  });
  for (const JudgedTask& j : *judged) {
    TaskLine line;
    line.code = j.task->code;
    line.title = Pick(j.task->title_vi, j.task->title_en, lang);
    line.lead_unit = UnitName(*tree, j.state.lead_unit, lang);
    line.status = j.state.status;
    line.deadline = j.state.deadline;
    line.original_deadline = j.state.original_deadline;
    line.progress_percent = j.state.progress_percent;
    line.completed_on = j.state.completed_on;
    doc.tasks.push_back(std::move(line));
  }

  auto cards = PlanScorecards(store, *plan, request.period, today, utc_offset);
  if (!cards) return std::unexpected(cards.error());
  std::vector<RankingLine> ranking;
  for (const UnitScorecard& c : *cards) {
    RankingLine line;
    line.rank = c.card.rank;
    line.peer_count = c.card.peer_count;
    line.unit = Pick(c.unit_name_vi, c.unit_name_en, lang);
    line.unit_type = std::string(UnitTypeLabel(c.card.unit_type, lang));
    line.leader = LeaderText(c.card);
    line.score = c.card.score;
    line.rating = c.card.rating;
    line.on_time_percent = TruncatedPercent(c.card.inputs.on_time_rate);
    ranking.push_back(std::move(line));
  }
  doc.ranking = std::move(ranking);

  auto notes = NotesSection(store, *tree, *plan, request.period, lang);
  if (!notes) return std::unexpected(notes.error());
  doc.notes = std::move(*notes);
  return doc;
}

Result<std::string> PlanSummaryPdf(StoreReader& store, const Analytics& analytics,
                                   const Principal& p, const PlanSummaryRequest& request,
                                   Date today, std::chrono::minutes utc_offset) {
  auto doc = BuildPlanSummary(store, analytics, p, request, today, utc_offset);
  if (!doc) return std::unexpected(doc.error());
  return RenderSummaryPdf(*doc);
}

Result<Workbook> BuildTaskWorkbook(StoreReader& store, const Principal& p,
                                   std::string_view plan_code, Date as_of) {
  auto plan = FindPlan(store, plan_code);
  if (!plan) return std::unexpected(plan.error());
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  const AccessPolicy policy(*tree);
  if (!policy.CanReadReference(p)) return Denied(p, "plan " + plan->code);
  auto groups = store.TaskGroups(plan->id);
  if (!groups) return std::unexpected(groups.error());
  std::unordered_map<TaskGroupId, const TaskGroup*> group_of;
  for (const TaskGroup& g : *groups) group_of[g.id] = &g;

  auto tasks = store.Tasks(plan->id);
  if (!tasks) return std::unexpected(tasks.error());
  auto judged = VisibleTasks(store, policy, p, *plan, *tasks, as_of);
  if (!judged) return std::unexpected(judged.error());
  auto order = [&](const JudgedTask& j) {
    const auto it = group_of.find(j.task->group);
    const TaskGroup* g = it == group_of.end() ? nullptr : it->second;
    return std::tuple(g == nullptr, g ? g->order : 0, g ? g->code : std::string(), j.task->code);
  };
  std::ranges::sort(*judged,
                    [&](const JudgedTask& a, const JudgedTask& b) { return order(a) < order(b); });

  Sheet sheet;
  sheet.name = "Nhiệm vụ";
  sheet.title = fmt::format("Kế hoạch {} — nhiệm vụ đến ngày {}", plan->code, DateText(as_of));
  sheet.columns = {{"Mã", 10},
                   {"Nhiệm vụ", 60},
                   {"Nhóm nhiệm vụ", 30},
                   {"Đơn vị chủ trì", 30},
                   {"Hạn", 12},
                   {"Hạn ban đầu", 12},
                   {"Tình trạng", 22},
                   {"Tiến độ", 9},
                   {"Ngày hoàn thành", 14},
                   {"Khó khăn, vướng mắc", 50}};
  for (const JudgedTask& j : *judged) {
    const auto group = group_of.find(j.task->group);
    auto date = [](const std::optional<Date>& d) { return d ? Cell::On(*d) : Cell::Empty(); };
    sheet.rows.push_back({
        Cell::Text(j.task->code),
        Cell::Text(j.task->title_vi),
        group == group_of.end() ? Cell::Empty()
                                : Cell::Text(group->second->code + ". " + group->second->title_vi),
        Cell::Text(UnitName(*tree, j.state.lead_unit, DocumentLanguage::kVi)),
        date(j.state.deadline),
        date(j.state.original_deadline),
        Cell::Text(std::string(TaskStatusLabel(j.state.status, DocumentLanguage::kVi))),
        j.state.progress_percent ? Cell::Percent(*j.state.progress_percent / 100.0) : Cell::Empty(),
        date(j.state.completed_on),
        Cell::Text(j.state.difficulties),
    });
  }
  return Workbook{{std::move(sheet)}};
}

Result<std::string> TasksXlsx(StoreReader& store, const Principal& p, std::string_view plan_code,
                              Date as_of) {
  auto wb = BuildTaskWorkbook(store, p, plan_code, as_of);
  if (!wb) return std::unexpected(wb.error());
  return RenderWorkbook(*wb);
}

Result<Workbook> BuildScorecardWorkbook(StoreReader& store, const Principal& p,
                                        std::string_view plan_code, const Period& period,
                                        Date today, std::chrono::minutes utc_offset) {
  auto plan = FindPlan(store, plan_code);
  if (!plan) return std::unexpected(plan.error());
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  const AccessPolicy policy(*tree);
  if (auto ok = CheckFigureAccess(policy, p, *plan); !ok) return std::unexpected(ok.error());
  auto cards = PlanScorecards(store, *plan, period, today, utc_offset);
  if (!cards) return std::unexpected(cards.error());

  Sheet sheet;
  sheet.name = "Bảng xếp hạng";
  sheet.title = fmt::format("Kế hoạch {} — xếp hạng đơn vị kỳ {}", plan->code, period.ToString());
  sheet.columns = {{"Loại đơn vị", 14},
                   {"Hạng", 7},
                   {"Số đơn vị cùng loại", 10},
                   {"Mã đơn vị", 12},
                   {"Đơn vị", 32},
                   {"Lãnh đạo", 26},
                   {"Chức vụ", 22},
                   {"Điểm", 8},
                   {"Xếp loại", 16},
                   {"Tỷ lệ đúng hạn", 11},
                   {"Báo cáo đúng hạn", 11},
                   {"Mức đạt chỉ tiêu", 11},
                   {"Nhiệm vụ", 10},
                   {"Hoàn thành", 11},
                   {"Quá hạn", 9},
                   {"Độ đầy đủ số liệu", 11},
                   {"Ngày đánh giá", 13}};
  auto percent = [](const std::optional<double>& f) {
    return f ? Cell::Percent(*f) : Cell::Empty();
  };
  for (const UnitScorecard& c : *cards) {
    const Scorecard& card = c.card;
    sheet.rows.push_back({
        Cell::Text(std::string(UnitTypeLabel(card.unit_type, DocumentLanguage::kVi))),
        card.rank ? Cell::Number(*card.rank, "0") : Cell::Empty(),
        Cell::Number(card.peer_count, "0"),
        Cell::Text(card.unit_code),
        Cell::Text(c.unit_name_vi),
        Cell::Text(card.leader_name),
        Cell::Text(card.leader_title),
        card.score ? Cell::Number(*card.score, "0.0") : Cell::Empty(),
        card.rating ? Cell::Text(std::string(RatingLabel(*card.rating, DocumentLanguage::kVi)))
                    : Cell::Empty(),
        percent(card.inputs.on_time_rate),
        percent(card.inputs.report_timeliness),
        percent(card.achievement_shown),
        Cell::Number(c.tasks.total, "0"),
        Cell::Number(c.tasks.done, "0"),
        Cell::Number(c.tasks.overdue, "0"),
        percent(c.freshness),
        Cell::On(c.judged_on),
    });
  }
  return Workbook{{std::move(sheet)}};
}

Result<std::string> ScorecardsXlsx(StoreReader& store, const Principal& p,
                                   std::string_view plan_code, const Period& period, Date today,
                                   std::chrono::minutes utc_offset) {
  auto wb = BuildScorecardWorkbook(store, p, plan_code, period, today, utc_offset);
  if (!wb) return std::unexpected(wb.error());
  return RenderWorkbook(*wb);
}

namespace {

std::string_view PeriodTypeLabel(PeriodType type) {
  switch (type) {
    case PeriodType::kYear:
      return "Năm";
    case PeriodType::kHalf:
      return "6 tháng";
    case PeriodType::kQuarter:
      return "Quý";
    case PeriodType::kMonth:
      return "Tháng";
  }
  return "";
}

std::string_view IndicatorStatusLabel(IndicatorStatus status) {
  switch (status) {
    case IndicatorStatus::kOnTrack:
      return "Đạt tiến độ";
    case IndicatorStatus::kAtRisk:
      return "Có nguy cơ chậm";
    case IndicatorStatus::kOffTrack:
      return "Chậm tiến độ";
    case IndicatorStatus::kNoData:
      return "Chưa có số liệu";
    case IndicatorStatus::kStale:
      return "Số liệu chưa cập nhật";
  }
  return "";
}

std::string_view ValueStateLabel(ValueState state) {
  switch (state) {
    case ValueState::kDraft:
      return "Nháp";
    case ValueState::kSubmitted:
      return "Đã gửi";
    case ValueState::kApproved:
      return "Đã duyệt";
  }
  return "";
}

// Thousands grouping; decimals only when the value has them.
Cell GroupedNumber(double value) {
  return Cell::Number(value, value == std::floor(value) ? "#,##0" : "#,##0.0###");
}

}  // namespace

Result<Workbook> BuildIndicatorWorkbook(StoreReader& store, const Analytics& analytics,
                                        const Principal& p, std::string_view plan_code, int year,
                                        Date today) {
  auto plan = FindPlan(store, plan_code);
  if (!plan) return std::unexpected(plan.error());
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  const AccessPolicy policy(*tree);
  if (auto ok = CheckFigureAccess(policy, p, *plan); !ok) return std::unexpected(ok.error());
  const OrgUnit* issuer = tree->Find(plan->issuer);
  if (issuer == nullptr) return Internal(fmt::format("plan {} has no issuing unit", plan->code));

  auto all = store.Indicators();
  if (!all) return std::unexpected(all.error());
  auto tasks = store.Tasks(plan->id);
  if (!tasks) return std::unexpected(tasks.error());
  std::vector<const Indicator*> indicators;
  for (const Indicator& i : *all) {
    const bool linked = std::ranges::any_of(*tasks, [&](const Task& t) {
      return std::ranges::find(t.indicators, i.id) != t.indicators.end();
    });
    if (linked) indicators.push_back(&i);
  }
  if (indicators.empty()) {
    for (const Indicator& i : *all) indicators.push_back(&i);
  }
  std::ranges::sort(indicators, {}, &Indicator::code);

  // The issuer's figures for the year, by indicator code (none when the caller may not read
  // the issuer's analytics: a plan administrator elsewhere still gets the list and values).
  std::unordered_map<std::string, json> figures;
  const Period period = Period::Year(year);
  auto rows = IndicatorAnalytics(
      analytics, p, QueryParams{{"unit", issuer->code}, {"periods", period.ToString()}}, today);
  if (rows) {
    for (json& row : (*rows)["rows"]) {
      figures.emplace(row["indicator"].value("code", ""), std::move(row));
    }
  } else if (rows.error().code != ErrorCode::kPermissionDenied) {
    return std::unexpected(rows.error());
  }

  Sheet list;
  list.name = "Chỉ tiêu";
  list.title = fmt::format("Kế hoạch {} — chỉ tiêu năm {} ({})", plan->code, year, issuer->name_vi);
  list.columns = {{"Mã chỉ tiêu", 18},       {"Tên chỉ tiêu", 60},      {"Đơn vị tính", 14},
                  {"Kỳ báo cáo", 10},        {"Chiều đánh giá", 14},    {"Mục tiêu", 14},
                  {"Thời hạn mục tiêu", 13}, {"Giá trị thực hiện", 14}, {"Mức đạt", 10},
                  {"Tình trạng", 20}};
  for (const Indicator* i : indicators) {
    std::vector<Cell> row{
        Cell::Text(i->code),
        Cell::Text(i->name_vi),
        Cell::Text(i->unit_of_measure),
        Cell::Text(std::string(PeriodTypeLabel(i->period_type))),
        Cell::Text(i->direction == Direction::kUp ? "Tăng là tốt" : "Giảm là tốt"),
    };
    const auto it = figures.find(i->code);
    if (it != figures.end()) {
      const json& f = it->second;
      const json& target = f["target"];
      const bool has_target = target.is_object() && target["value"].is_number();
      row.push_back(has_target ? GroupedNumber(target["value"].get<double>()) : Cell::Empty());
      std::optional<Date> target_date;
      if (has_target) {
        if (auto d = Date::Parse(target.value("date", "")); d) target_date = *d;
      }
      row.push_back(target_date ? Cell::On(*target_date) : Cell::Empty());
      row.push_back(f["value"].is_number() ? GroupedNumber(f["value"].get<double>())
                                           : Cell::Empty());
      row.push_back(f["achievement"].is_number() ? Cell::Percent(f["achievement"].get<double>())
                                                 : Cell::Empty());
      auto status = ParseIndicatorStatus(f.value("status", "no_data"));
      row.push_back(Cell::Text(
          std::string(IndicatorStatusLabel(status ? *status : IndicatorStatus::kNoData))));
    }
    list.rows.push_back(std::move(row));
  }

  Sheet values;
  values.name = "Số liệu";
  values.title = fmt::format("Kế hoạch {} — số liệu đã duyệt năm {}", plan->code, year);
  values.columns = {{"Mã chỉ tiêu", 18}, {"Tên chỉ tiêu", 50}, {"Mã đơn vị", 14}, {"Đơn vị", 32},
                    {"Kỳ", 9},           {"Giá trị", 14},      {"Trạng thái", 12}};
  for (const Indicator* i : indicators) {
    DataValueQuery query;
    query.indicator = i->id;
    auto stored = store.DataValues(query);
    if (!stored) return std::unexpected(stored.error());
    std::vector<std::pair<const OrgUnit*, const DataValue*>> picked;
    for (const DataValue& v : *stored) {
      if (v.state != ValueState::kApproved || v.period.start().year() != year ||
          v.period.end().year() != year || !tree->InSubtree(v.unit, issuer->id) ||
          !policy.CanReadValues(p, v.unit)) {
        continue;
      }
      if (const OrgUnit* u = tree->Find(v.unit)) picked.emplace_back(u, &v);
    }
    std::ranges::sort(picked, [](const auto& a, const auto& b) {
      return std::tie(a.first->code, a.second->period) < std::tie(b.first->code, b.second->period);
    });
    for (const auto& [u, v] : picked) {
      values.rows.push_back({Cell::Text(i->code), Cell::Text(i->name_vi), Cell::Text(u->code),
                             Cell::Text(u->name_vi), Cell::Text(v->period.ToString()),
                             GroupedNumber(v->value),
                             Cell::Text(std::string(ValueStateLabel(v->state)))});
    }
  }
  return Workbook{{std::move(list), std::move(values)}};
}

Result<std::string> IndicatorsXlsx(StoreReader& store, const Analytics& analytics,
                                   const Principal& p, std::string_view plan_code, int year,
                                   Date today) {
  auto wb = BuildIndicatorWorkbook(store, analytics, p, plan_code, year, today);
  if (!wb) return std::unexpected(wb.error());
  return RenderWorkbook(*wb);
}

Result<ExportFile> ExportDocument(StoreReader& store, const Analytics& analytics,
                                  const Principal& p, ExportKind kind, const QueryParams& params,
                                  Date today, std::chrono::minutes utc_offset,
                                  DocumentLanguage default_lang) {
  static constexpr std::string_view kSummaryParams[] = {"plan", "period", "lang"};
  static constexpr std::string_view kScorecardParams[] = {"plan", "period"};
  static constexpr std::string_view kTaskParams[] = {"plan", "as_of"};
  static constexpr std::string_view kIndicatorParams[] = {"plan", "year"};
  switch (kind) {
    case ExportKind::kPlanSummaryPdf: {
      if (auto ok = RefuseUnknown(params, kSummaryParams); !ok) return std::unexpected(ok.error());
      auto plan = PlanParam(params);
      if (!plan) return std::unexpected(plan.error());
      auto period = PeriodParam(params, today);
      if (!period) return std::unexpected(period.error());
      DocumentLanguage lang = default_lang;
      if (const std::string* text = Find(params, "lang")) {
        auto parsed = ParseDocumentLanguage(*text);
        if (!parsed) {
          return BadParam("lang", "invalid",
                          fmt::format("expected vi or en, got \"{}\"", EchoForMessage(*text)));
        }
        lang = *parsed;
      }
      auto pdf = PlanSummaryPdf(store, analytics, p, PlanSummaryRequest{*plan, *period, lang},
                                today, utc_offset);
      if (!pdf) return std::unexpected(pdf.error());
      return ExportFile{ExportFileName("plan-summary", *plan, period->ToString(), "pdf"),
                        "application/pdf", std::move(*pdf)};
    }
    case ExportKind::kScorecardsXlsx: {
      if (auto ok = RefuseUnknown(params, kScorecardParams); !ok) {
        return std::unexpected(ok.error());
      }
      auto plan = PlanParam(params);
      if (!plan) return std::unexpected(plan.error());
      auto period = PeriodParam(params, today);
      if (!period) return std::unexpected(period.error());
      auto xlsx = ScorecardsXlsx(store, p, *plan, *period, today, utc_offset);
      if (!xlsx) return std::unexpected(xlsx.error());
      return ExportFile{ExportFileName("scorecards", *plan, period->ToString(), "xlsx"),
                        std::string(kXlsxContentType), std::move(*xlsx)};
    }
    case ExportKind::kTasksXlsx: {
      if (auto ok = RefuseUnknown(params, kTaskParams); !ok) return std::unexpected(ok.error());
      auto plan = PlanParam(params);
      if (!plan) return std::unexpected(plan.error());
      Date as_of = today;
      if (const std::string* text = Find(params, "as_of")) {
        auto date = Date::Parse(*text);
        if (!date) {
          return BadParam(
              "as_of", "invalid",
              fmt::format("expected a date YYYY-MM-DD, got \"{}\"", EchoForMessage(*text)));
        }
        as_of = *date;
      }
      auto xlsx = TasksXlsx(store, p, *plan, as_of);
      if (!xlsx) return std::unexpected(xlsx.error());
      return ExportFile{ExportFileName("tasks", *plan, as_of.ToString(), "xlsx"),
                        std::string(kXlsxContentType), std::move(*xlsx)};
    }
    case ExportKind::kIndicatorsXlsx: {
      if (auto ok = RefuseUnknown(params, kIndicatorParams); !ok) {
        return std::unexpected(ok.error());
      }
      auto plan = PlanParam(params);
      if (!plan) return std::unexpected(plan.error());
      int year = today.year();
      if (const std::string* text = Find(params, "year")) {
        const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), year);
        if (ec != std::errc() || end != text->data() + text->size() || year < 1 || year > 9999) {
          return BadParam("year", "invalid",
                          fmt::format("expected a year 1–9999, got \"{}\"", EchoForMessage(*text)));
        }
      }
      auto xlsx = IndicatorsXlsx(store, analytics, p, *plan, year, today);
      if (!xlsx) return std::unexpected(xlsx.error());
      return ExportFile{ExportFileName("indicators", *plan, std::to_string(year), "xlsx"),
                        std::string(kXlsxContentType), std::move(*xlsx)};
    }
  }
  return Internal("unknown export kind");
}

std::string ExportFileName(std::string_view stem, std::string_view plan_code,
                           std::string_view qualifier, std::string_view extension) {
  std::string name = fmt::format("{}-{}-{}", stem, plan_code, qualifier);
  for (char& ch : name) {
    const bool safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!safe) ch = '-';
  }
  return name + "." + std::string(extension);
}

}  // namespace planwatch
