#include "planwatch/service/reports.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <utility>

#include "planwatch/base/clock.h"
#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

constexpr std::size_t kNarrativeMaxBytes = 8000;
constexpr std::size_t kCommentMaxBytes = 2000;
constexpr int kMaxLimit = 1000;

std::unexpected<Error> NoSuchReport(std::int64_t id) {
  return NotFound(fmt::format("no report with id {}", id));
}

json NullIfEmpty(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

std::string ReportLabel(const ReportRecord& r, const OrgUnit* unit) {
  return fmt::format("report {} ({} {} r{})", r.id.value, unit ? unit->code : "?",
                     r.period.ToString(), r.revision);
}

// A query parameter that is not one of `known`, or malformed: invalid_argument naming it.
std::unexpected<Error> BadParam(std::string_view name, std::string_view code,
                                const std::string& text) {
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("invalid query parameter {}", EchoForMessage(name)),
              {ErrorDetail{0, std::string(name), FieldMessage(code, text)}});
}

Result<std::int64_t> IntParam(std::string_view name, std::string_view text, std::int64_t min,
                              std::int64_t max) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return BadParam(name, "invalid",
                    fmt::format("expected an integer from {} to {}, got \"{}\"", min, max,
                                EchoForMessage(text)));
  }
  return v;
}

Result<Period> PeriodParam(std::string_view name, std::string_view text) {
  auto period = Period::Parse(text);
  if (!period) return BadParam(name, "invalid", period.error().message);
  return *period;
}

// Everything a use case needs around one report.
struct Context {
  ReportRecord report;
  Plan plan;
  OrgTree tree;
  const OrgUnit* unit = nullptr;  // into tree
};

Result<std::optional<Plan>> FindPlan(StoreReader& r, PlanId id) {
  auto plans = r.Plans();
  if (!plans) return std::unexpected(plans.error());
  for (Plan& plan : *plans) {
    if (plan.id == id) return std::optional<Plan>(std::move(plan));
  }
  return std::optional<Plan>();
}

// The report when `p` may read it; not_found otherwise.
Result<Context> Visible(StoreReader& r, const Principal& p, std::int64_t id) {
  if (id <= 0) return NoSuchReport(id);
  auto report = r.ReportById(ReportId{id});
  if (!report) {
    if (report.error().code == ErrorCode::kNotFound) return NoSuchReport(id);
    return std::unexpected(report.error());
  }
  auto plan = FindPlan(r, report->plan);
  if (!plan) return std::unexpected(plan.error());
  if (!*plan) return NoSuchReport(id);  // its plan was deleted
  auto tree = LoadOrgTree(r);
  if (!tree) return std::unexpected(tree.error());
  Context c{std::move(*report), std::move(**plan), std::move(*tree), nullptr};
  c.unit = c.tree.Find(c.report.unit);
  AccessPolicy policy(c.tree);
  if (!CanReadReport(policy, p, c.plan, c.report.unit)) return NoSuchReport(id);
  return c;
}

json StoredSignatureJson(const StoredReportSignature& s) {
  return json{
      {"key", s.key.value},       {"algorithm", s.algorithm},       {"public_key", s.public_key},
      {"signature", s.signature}, {"signer_login", s.signer_login}, {"signer_name", s.signer_name},
      {"signed_at", s.signed_at}};
}

json ReportJson(const ReportRecord& r, const Plan& plan, const OrgUnit* unit, Date today,
                std::chrono::minutes utc_offset, bool full) {
  std::optional<Instant> first;
  if (auto parsed = ParseInstant(r.first_submitted_at)) first = *parsed;
  const ReportTimeliness timeliness = JudgeTimeliness(first, r.due_on, today, utc_offset);
  const double ratio =
      r.required_items == 0 ? 1.0 : static_cast<double>(r.present_items) / r.required_items;
  json out{
      {"id", r.id.value},
      {"plan", r.plan.value},
      {"plan_code", plan.code},
      {"unit", r.unit.value},
      {"unit_code", unit ? unit->code : ""},
      {"unit_name_vi", unit ? unit->name_vi : ""},
      {"unit_name_en", unit ? unit->name_en : ""},
      {"period", r.period.ToString()},
      {"revision", r.revision},
      {"supersedes", r.supersedes ? json(r.supersedes.value) : json(nullptr)},
      {"state", ReportStateName(r.state)},
      {"due_on", r.due_on.ToString()},
      {"timeliness", ReportTimelinessName(timeliness)},
      {"results", r.results},
      {"difficulties", r.difficulties},
      {"proposals", r.proposals},
      {"completeness",
       json{{"required", r.required_items}, {"present", r.present_items}, {"ratio", ratio}}},
      {"created_by", r.created_by},
      {"created_at", r.created_at},
      {"updated_at", r.updated_at},
      {"first_submitted_at", NullIfEmpty(r.first_submitted_at)},
      {"submitted_at", NullIfEmpty(r.submitted_at)},
      {"submitted_by", NullIfEmpty(r.submitted_by)},
  };
  if (full) {
    out["signature"] = r.signature ? StoredSignatureJson(*r.signature) : json(nullptr);
    auto content = json::parse(r.content, nullptr, false);
    out["content"] = content.is_discarded() ? json(nullptr) : std::move(content);
  }
  return out;
}

std::string ReportETag(const ReportRecord& r) {
  return ETagOf(json{{"id", r.id.value},
                     {"state", ReportStateName(r.state)},
                     {"revision", r.revision},
                     {"updated_at", r.updated_at}});
}

Status CheckVersion(const ReportRecord& r, const std::optional<std::string>& if_match) {
  if (!if_match) {
    return Fail(ErrorCode::kVersionRequired,
                "send the ETag you last read in If-Match, so that no one's change is lost");
  }
  if (*if_match == "*" || *if_match == ReportETag(r)) return {};
  return Fail(ErrorCode::kVersionMismatch,
              fmt::format("report {} changed since you read it; read it again and reapply your "
                          "change",
                          r.id.value));
}

// ---- Gathering ----

struct Gathered {
  json tasks = json::array();
  json values = json::array();
  ReportCompleteness completeness;
};

bool IsUpdate(const TaskEvent& e) {
  return e.kind == TaskEventKind::kProgress || e.kind == TaskEventKind::kClaim;
}

json UpdateJson(const TaskEvent& e) {
  json out{{"kind", TaskEventKindName(e.kind)}, {"on", e.on.ToString()}, {"actor", e.actor}};
  if (e.progress_percent) out["progress_percent"] = *e.progress_percent;
  if (e.completed_on) out["completed_on"] = e.completed_on->ToString();
  if (e.period) out["period"] = e.period->ToString();
  if (!e.difficulties.empty()) out["difficulties"] = e.difficulties;
  if (!e.proposals.empty()) out["proposals"] = e.proposals;
  if (!e.evidence.empty()) out["evidence"] = e.evidence;
  return out;
}

// The tasks of the plan the unit leads in the period, their updates within it, and the unit's
// values for the period, with the completeness they give.
Result<Gathered> Gather(StoreReader& r, PlanId plan, OrgUnitId unit, const Period& period) {
  auto tasks = r.Tasks(plan);
  if (!tasks) return std::unexpected(tasks.error());
  auto events = r.TaskEvents(plan);
  if (!events) return std::unexpected(events.error());
  auto indicators = r.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  DataValueQuery query;
  query.unit = unit;
  auto values = r.DataValues(query);
  if (!values) return std::unexpected(values.error());

  std::map<TaskId, std::vector<TaskEvent>> ledgers;
  for (const TaskEvent& e : *events) ledgers[e.task].push_back(e);

  Gathered out;
  std::vector<ReportTaskFacts> facts;
  const Date last_day = period.end();
  const Date day_before = period.start().AddDays(-1);
  std::vector<const Task*> led;
  for (const Task& task : *tasks) {
    const std::vector<TaskEvent>& ledger = ledgers[task.id];
    const TaskState at_end = EvaluateTask(task, ledger, last_day, CompletionView::kVerified);
    if (at_end.status == TaskStatus::kNotAssigned || at_end.lead_unit != unit) continue;
    // Cancelled before the period began: no longer the unit's work.
    if (at_end.cancelled_on && *at_end.cancelled_on < period.start()) continue;
    const TaskState before = EvaluateTask(task, ledger, day_before, CompletionView::kClaimed);
    ReportTaskFacts f;
    f.code = task.code;
    f.indicators = task.indicators;
    f.done_before_period = IsDone(before.status);
    f.cancelled = at_end.status == TaskStatus::kCancelled;
    json updates = json::array();
    for (const TaskEvent& e : ledger) {
      if (!period.Contains(e.on)) continue;
      updates.push_back(UpdateJson(e));
      if (IsUpdate(e)) f.updated_in_period = true;
    }
    facts.push_back(std::move(f));
    out.tasks.push_back(json{
        {"id", task.id.value},
        {"code", task.code},
        {"title_vi", task.title_vi},
        {"title_en", task.title_en},
        {"kind", TaskKindName(task.kind)},
        {"status", TaskStatusName(at_end.status)},
        {"deadline", DateJson(at_end.deadline)},
        {"progress_percent",
         at_end.progress_percent ? json(*at_end.progress_percent) : json(nullptr)},
        {"completed_on", DateJson(at_end.completed_on)},
        {"difficulties", at_end.difficulties},
        {"proposals", at_end.proposals},
        {"updates", std::move(updates)},
    });
  }

  std::map<IndicatorId, const Indicator*> by_id;
  for (const Indicator& i : *indicators) by_id[i.id] = &i;
  std::vector<IndicatorId> with_value;
  std::vector<const DataValue*> in_period;
  for (const DataValue& v : *values) {
    if (!period.Contains(v.period)) continue;
    in_period.push_back(&v);
    if (v.period == period) with_value.push_back(v.indicator);
  }
  auto code_of = [&](IndicatorId id) -> std::string {
    auto it = by_id.find(id);
    return it == by_id.end() ? std::string() : it->second->code;
  };
  std::ranges::sort(in_period, [&](const DataValue* a, const DataValue* b) {
    return std::pair(code_of(a->indicator), a->period) <
           std::pair(code_of(b->indicator), b->period);
  });
  for (const DataValue* v : in_period) {
    auto it = by_id.find(v->indicator);
    if (it == by_id.end()) continue;  // its indicator was deleted
    const Indicator& ind = *it->second;
    out.values.push_back(json{{"indicator", ind.id.value},
                              {"indicator_code", ind.code},
                              {"indicator_name_vi", ind.name_vi},
                              {"indicator_name_en", ind.name_en},
                              {"unit_of_measure", ind.unit_of_measure},
                              {"period", v->period.ToString()},
                              {"value", v->value},
                              {"state", ValueStateName(v->state)},
                              {"comment", v->comment}});
  }
  out.completeness = JudgeCompleteness(period, facts, *indicators, with_value);
  return out;
}

json CompletenessJson(const ReportCompleteness& c) {
  json missing = json::array();
  for (const MissingReportItem& m : c.missing) {
    missing.push_back(json{{"kind", MissingItemKindName(m.kind)}, {"code", m.code}});
  }
  return json{{"required", c.required},
              {"present", c.present},
              {"ratio", c.Ratio()},
              {"missing", std::move(missing)}};
}

// Gathers the report's content again and stores it (with its completeness) in `r`: the
// canonical JSON of the report id, revision, plan, unit, period, due date, narrative, tasks,
// values, completeness and submission.
Status Regather(StoreReader& store, ReportRecord& r, const Plan& plan, const OrgUnit* unit) {
  auto gathered = Gather(store, r.plan, r.unit, r.period);
  if (!gathered) return std::unexpected(gathered.error());
  json content{
      {"format", "planwatch-report"},
      {"report", r.id.value},
      {"revision", r.revision},
      {"supersedes", r.supersedes ? json(r.supersedes.value) : json(nullptr)},
      {"plan", json{{"id", plan.id.value},
                    {"code", plan.code},
                    {"title_vi", plan.title_vi},
                    {"title_en", plan.title_en}}},
      {"unit", json{{"id", r.unit.value},
                    {"code", unit ? unit->code : ""},
                    {"name_vi", unit ? unit->name_vi : ""},
                    {"name_en", unit ? unit->name_en : ""}}},
      {"period", r.period.ToString()},
      {"due_on", r.due_on.ToString()},
      {"narrative",
       json{{"results", r.results}, {"difficulties", r.difficulties}, {"proposals", r.proposals}}},
      {"tasks", std::move(gathered->tasks)},
      {"values", std::move(gathered->values)},
      {"completeness", CompletenessJson(gathered->completeness)},
      {"submitted_at", NullIfEmpty(r.submitted_at)},
      {"submitted_by", NullIfEmpty(r.submitted_by)},
  };
  r.content = CanonicalJson(content);
  r.required_items = gathered->completeness.required;
  r.present_items = gathered->completeness.present;
  return {};
}

Status Append(Transaction& tx, const ReportRecord& r, ReportAction action,
              std::optional<ReportState> from, const Principal& p, std::string comment) {
  ReportEvent e;
  e.report = r.id;
  e.action = action;
  e.from = from;
  e.to = r.state;
  e.actor = p.login;
  e.comment = std::move(comment);
  return tx.AppendReportEvent(e);
}

// The checks before an action, in this order: permission_denied when none of p's parties may
// ever take it; the If-Match version (a stale view is told before anything it shows);
// failed_precondition when the state does not allow the action; permission_denied when it
// does, but not for p.
Status Authorize(const Context& c, const Principal& p, ReportAction action,
                 const std::optional<std::string>& if_match) {
  AccessPolicy policy(c.tree);
  const auto parties = ReportPartiesOf(policy, p, c.plan, c.report.unit);
  const std::string label = ReportLabel(c.report, c.unit);
  const bool ever = std::ranges::any_of(ReportTransitions(), [&](const ReportTransition& t) {
    return t.action == action && std::ranges::any_of(parties, [&](ReportParty party) {
             return PartyMayTake(party, t.from, action);
           });
  });
  if (!ever) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not {} {}", p.login, ReportActionName(action), label));
  }
  if (auto ok = CheckVersion(c.report, if_match); !ok) return ok;
  if (auto next = NextReportState(c.report.state, action); !next) {
    Error e = std::move(next).error();
    e.message = label + ": " + e.message;
    return std::unexpected(std::move(e));
  }
  if (!CanTakeReportAction(policy, p, c.plan, c.report.unit, c.report.state, action)) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not {} {} while it is {}", p.login, ReportActionName(action),
                            label, ReportStateName(c.report.state)));
  }
  return {};
}

std::string SafeFileCode(std::string_view code) {
  std::string out;
  for (char ch : code) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
    out += plain ? ch : '_';
  }
  return out;
}

json ScheduleJson(PlanId plan, const std::vector<ReportScheduleItem>& own) {
  const std::vector<ReportScheduleItem> items = own.empty() ? DefaultReportSchedule() : own;
  json list = json::array();
  for (const ReportScheduleItem& item : items) {
    list.push_back(
        json{{"period_type", PeriodTypeName(item.period_type)}, {"due_day", item.due_day}});
  }
  return json{{"plan", plan.value}, {"default", own.empty()}, {"items", std::move(list)}};
}

}  // namespace

// ---- Free functions ----

Result<std::vector<ReportScheduleItem>> EffectiveReportSchedule(StoreReader& store, PlanId plan) {
  auto own = store.ReportSchedule(plan);
  if (!own) return std::unexpected(own.error());
  if (own->empty()) return DefaultReportSchedule();
  return std::move(*own);
}

namespace {

struct PlanTasks {
  Plan plan;
  std::vector<Task> tasks;
  std::vector<TaskEvent> events;
  std::map<TaskId, std::vector<const TaskEvent*>> ordered;  // per task, OrderLedger order
};

Result<std::optional<PlanTasks>> LoadPlanTasks(StoreReader& store, PlanId plan_id) {
  auto plan = FindPlan(store, plan_id);
  if (!plan) return std::unexpected(plan.error());
  if (!*plan) return std::optional<PlanTasks>();
  PlanTasks out;
  out.plan = std::move(**plan);
  auto tasks = store.Tasks(plan_id);
  if (!tasks) return std::unexpected(tasks.error());
  out.tasks = std::move(*tasks);
  auto events = store.TaskEvents(plan_id);
  if (!events) return std::unexpected(events.error());
  out.events = std::move(*events);
  for (const TaskEvent& e : out.events) out.ordered[e.task].push_back(&e);
  for (auto& [id, ledger] : out.ordered) {
    std::ranges::stable_sort(ledger, {}, [](const TaskEvent* e) { return e->on; });
  }
  return std::optional<PlanTasks>(std::move(out));
}

bool PeriodWithinPlan(const Plan& plan, const Period& period) {
  if (plan.start && period.end() < *plan.start) return false;
  if (plan.end && period.start() > *plan.end) return false;
  return true;
}

std::set<OrgUnitId> ReportersOf(const PlanTasks& pt, const Period& period) {
  std::set<OrgUnitId> units;
  if (!PeriodWithinPlan(pt.plan, period)) return units;
  static const std::vector<const TaskEvent*> kNone;
  for (const Task& task : pt.tasks) {
    auto it = pt.ordered.find(task.id);
    const auto& ordered = it == pt.ordered.end() ? kNone : it->second;
    const TaskState s =
        EvaluateOrderedLedger(task, ordered, period.end(), CompletionView::kVerified);
    if (s.status == TaskStatus::kNotAssigned || s.status == TaskStatus::kCancelled) continue;
    if (s.lead_unit) units.insert(s.lead_unit);
  }
  return units;
}

}  // namespace

Result<std::vector<OrgUnitId>> ExpectedReporters(StoreReader& store, PlanId plan,
                                                 const Period& period) {
  auto pt = LoadPlanTasks(store, plan);
  if (!pt) return std::unexpected(pt.error());
  if (!*pt) return NotFound(fmt::format("no plan with id {}", plan.value));
  const std::set<OrgUnitId> units = ReportersOf(**pt, period);
  return std::vector<OrgUnitId>(units.begin(), units.end());
}

Result<std::vector<ReportComplianceRow>> ReportComplianceOf(StoreReader& store, PlanId plan,
                                                            const Period& span, Date today,
                                                            std::chrono::minutes utc_offset) {
  auto pt = LoadPlanTasks(store, plan);
  if (!pt) return std::unexpected(pt.error());
  if (!*pt) return NotFound(fmt::format("no plan with id {}", plan.value));
  auto schedule = EffectiveReportSchedule(store, plan);
  if (!schedule) return std::unexpected(schedule.error());
  auto units = store.OrgUnits();
  if (!units) return std::unexpected(units.error());
  ReportQuery query;
  query.plan = plan;
  query.summaries_only = true;
  auto reports = store.FindReports(query);
  if (!reports) return std::unexpected(reports.error());

  // Each report line (unit, period): its revisions in revision order.
  std::map<std::pair<OrgUnitId, std::string>, std::vector<const ReportRecord*>> lines;
  for (const ReportRecord& r : *reports) lines[{r.unit, r.period.ToString()}].push_back(&r);
  for (auto& [key, revisions] : lines) {
    std::ranges::sort(revisions, {}, [](const ReportRecord* r) { return r->revision; });
  }

  std::map<OrgUnitId, ReportComplianceRow> rows;
  std::map<OrgUnitId, std::pair<double, int>> completeness;  // sum, count
  for (const Period& period : ExpectedReportPeriods(*schedule, span)) {
    const int due_day = DueDayOf(*schedule, period.type()).value_or(kDefaultReportDueDay);
    const Date due_on = ReportDueOn(period, due_day);
    for (OrgUnitId unit : ReportersOf(**pt, period)) {
      ReportComplianceRow& row = rows[unit];
      row.unit = unit;
      ++row.expected;
      std::optional<Instant> first;
      auto line = lines.find({unit, period.ToString()});
      if (line != lines.end()) {
        const ReportRecord* first_revision = line->second.front();
        if (auto parsed = ParseInstant(first_revision->first_submitted_at)) first = *parsed;
        const ReportRecord* latest_submitted = nullptr;
        for (const ReportRecord* r : line->second) {
          if (r->first_submitted_at.empty()) continue;
          latest_submitted = r;
          row.last_submitted_at = std::max(row.last_submitted_at, r->submitted_at);
        }
        if (latest_submitted != nullptr) {
          const double ratio = latest_submitted->required_items == 0
                                   ? 1.0
                                   : static_cast<double>(latest_submitted->present_items) /
                                         latest_submitted->required_items;
          completeness[unit].first += ratio;
          completeness[unit].second += 1;
        }
      }
      switch (JudgeTimeliness(first, due_on, today, utc_offset)) {
        case ReportTimeliness::kOnTime:
          ++row.on_time;
          break;
        case ReportTimeliness::kLate:
          ++row.late;
          break;
        case ReportTimeliness::kMissing:
          ++row.missing;
          break;
        case ReportTimeliness::kNotYetDue:
          ++row.not_yet_due;
          break;
      }
    }
  }
  std::vector<ReportComplianceRow> out;
  for (auto& [unit, row] : rows) {
    row.submitted = row.on_time + row.late;
    row.due = row.on_time + row.late + row.missing;
    if (row.due > 0) row.timeliness = static_cast<double>(row.on_time) / row.due;
    if (auto it = completeness.find(unit); it != completeness.end() && it->second.second > 0) {
      row.completeness = it->second.first / it->second.second;
    }
    for (const OrgUnit& u : *units) {
      if (u.id != unit) continue;
      row.unit_code = u.code;
      row.unit_name_vi = u.name_vi;
      row.unit_name_en = u.name_en;
    }
    out.push_back(std::move(row));
  }
  std::ranges::sort(out, {}, &ReportComplianceRow::unit_code);
  return out;
}

json ToJson(const ReportComplianceRow& row) {
  return json{{"unit", row.unit.value},
              {"unit_code", row.unit_code},
              {"unit_name_vi", row.unit_name_vi},
              {"unit_name_en", row.unit_name_en},
              {"expected", row.expected},
              {"submitted", row.submitted},
              {"on_time", row.on_time},
              {"late", row.late},
              {"missing", row.missing},
              {"not_yet_due", row.not_yet_due},
              {"due", row.due},
              {"timeliness", row.timeliness ? json(*row.timeliness) : json(nullptr)},
              {"completeness", row.completeness ? json(*row.completeness) : json(nullptr)},
              {"last_submitted_at", NullIfEmpty(row.last_submitted_at)}};
}

// ---- Reports ----

Reports::Reports(Store& store, Signer* signer, ReportsOptions options)
    : store_(store), signer_(signer), options_(std::move(options)) {}

Instant Reports::Now() const {
  if (options_.now) return options_.now();
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

Date Reports::Today() const {
  if (options_.today) return options_.today();
  return DateAt(Now(), options_.utc_offset);
}

Result<Page> Reports::List(const Principal& p, const QueryParams& params) {
  ReportQuery query;
  query.summaries_only = true;
  bool inbox = false;
  Page page;
  for (const auto& [name, value] : params) {
    if (name == "plan" || name == "unit") {
      auto id = IntParam(name, value, 1, INT64_MAX);
      if (!id) return std::unexpected(id.error());
      if (name == "plan") {
        query.plan = PlanId{*id};
      } else {
        query.unit = OrgUnitId{*id};
      }
    } else if (name == "period") {
      auto period = PeriodParam(name, value);
      if (!period) return std::unexpected(period.error());
      query.period = *period;
    } else if (name == "state") {
      auto state = ParseReportState(value);
      if (!state) return BadParam(name, "invalid", state.error().message);
      query.state = *state;
    } else if (name == "inbox") {
      if (value != "true" && value != "false") {
        return BadParam(name, "invalid",
                        fmt::format("expected true or false, got \"{}\"", EchoForMessage(value)));
      }
      inbox = value == "true";
    } else if (name == "limit") {
      auto v = IntParam(name, value, 1, kMaxLimit);
      if (!v) return std::unexpected(v.error());
      page.limit = static_cast<int>(*v);
    } else if (name == "offset") {
      auto v = IntParam(name, value, 0, 1'000'000'000);
      if (!v) return std::unexpected(v.error());
      page.offset = static_cast<int>(*v);
    } else {
      return BadParam(name, "unknown_field", "unknown parameter");
    }
  }
  auto reports = store_.FindReports(query);
  if (!reports) return std::unexpected(reports.error());
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  std::map<PlanId, const Plan*> plan_of;
  for (const Plan& plan : *plans) plan_of[plan.id] = &plan;
  AccessPolicy policy(*tree);
  const Date today = Today();
  std::vector<const ReportRecord*> shown;
  for (const ReportRecord& r : *reports) {
    auto it = plan_of.find(r.plan);
    if (it == plan_of.end()) continue;
    const Plan& plan = *it->second;
    if (!CanReadReport(policy, p, plan, r.unit)) continue;
    if (inbox) {
      // What awaits the caller: the next step of the report is theirs.
      const bool awaits = std::ranges::any_of(
          std::initializer_list<ReportAction>{ReportAction::kSubmit, ReportAction::kApprove,
                                              ReportAction::kAccept},
          [&](ReportAction a) { return CanTakeReportAction(policy, p, plan, r.unit, r.state, a); });
      if (!awaits) continue;
    }
    shown.push_back(&r);
  }
  page.total = static_cast<std::int64_t>(shown.size());
  for (std::size_t i = static_cast<std::size_t>(page.offset);
       i < shown.size() && page.items.size() < static_cast<std::size_t>(page.limit); ++i) {
    const ReportRecord& r = *shown[i];
    page.items.push_back(
        ReportJson(r, *plan_of[r.plan], tree->Find(r.unit), today, options_.utc_offset, false));
  }
  return page;
}

Result<Resource> Reports::Create(const Principal& p, const json& body) {
  JsonFields fields(body, JsonFields::Mode::kCreate, {"plan", "unit", "period"});
  PlanId plan_id;
  OrgUnitId unit_id;
  Period period = Period::Year(1970);
  fields.Ref("plan", plan_id, true);
  fields.Ref("unit", unit_id, true);
  const bool has_period = fields.PeriodField("period", period, true);
  if (auto ok = fields.Finish(); !ok) return std::unexpected(ok.error());

  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  Transaction& txn = **tx;
  auto plan = FindPlan(txn, plan_id);
  if (!plan) return std::unexpected(plan.error());
  auto tree = LoadOrgTree(txn);
  if (!tree) return std::unexpected(tree.error());
  const OrgUnit* unit = tree->Find(unit_id);
  if (!*plan) {
    fields.Add("plan", "not_found", fmt::format("no plan with id {}", plan_id.value));
  }
  if (unit == nullptr) {
    fields.Add("unit", "not_found", fmt::format("no org unit with id {}", unit_id.value));
  }
  std::vector<ReportScheduleItem> schedule;
  if (*plan) {
    auto s = EffectiveReportSchedule(txn, plan_id);
    if (!s) return std::unexpected(s.error());
    schedule = std::move(*s);
    if (has_period && !DueDayOf(schedule, period.type())) {
      std::string reported;
      for (const ReportScheduleItem& item : schedule) {
        if (!reported.empty()) reported += ", ";
        reported += PeriodTypeName(item.period_type);
      }
      fields.Add("period", "invalid",
                 fmt::format("plan '{}' does not report {} periods (its schedule: {})",
                             (*plan)->code, PeriodTypeName(period.type()), reported));
    }
  }
  if (auto ok = fields.Finish(); !ok) return std::unexpected(ok.error());
  AccessPolicy policy(*tree);
  if (!CanStartReport(policy, p, **plan, unit_id)) {
    return Fail(
        ErrorCode::kPermissionDenied,
        fmt::format("{} may not start a report of unit '{}'", p.login, unit->code),
        {ErrorDetail{0, "unit",
                     FieldMessage("forbidden",
                                  fmt::format("you may not report for unit '{}'", unit->code))}});
  }
  ReportQuery existing_query;
  existing_query.plan = plan_id;
  existing_query.unit = unit_id;
  existing_query.period = period;
  existing_query.summaries_only = true;
  auto existing = txn.FindReports(existing_query);
  if (!existing) return std::unexpected(existing.error());
  if (!existing->empty()) {
    return Conflict(fmt::format("unit '{}' already has a {} report for plan '{}' (report {})",
                                unit->code, period.ToString(), (*plan)->code,
                                existing->back().id.value));
  }

  ReportRecord r;
  r.plan = plan_id;
  r.unit = unit_id;
  r.period = period;
  r.due_on = ReportDueOn(period, *DueDayOf(schedule, period.type()));
  r.created_by = p.login;
  auto id = txn.PutReport(r);  // the content names the id: gathered once it is known
  if (!id) return std::unexpected(id.error());
  r.id = *id;
  if (auto ok = Regather(txn, r, **plan, unit); !ok) return std::unexpected(ok.error());
  if (auto ok = txn.PutReport(r); !ok) return std::unexpected(ok.error());
  if (auto ok = Append(txn, r, ReportAction::kCreate, std::nullopt, p, ""); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = txn.Commit(); !ok) return std::unexpected(ok.error());
  return Get(p, r.id.value);
}

Result<Resource> Reports::Get(const Principal& p, std::int64_t id) {
  auto c = Visible(store_, p, id);
  if (!c) return std::unexpected(c.error());
  return Resource{ReportJson(c->report, c->plan, c->unit, Today(), options_.utc_offset, true),
                  ReportETag(c->report)};
}

Result<Resource> Reports::Edit(const Principal& p, std::int64_t id, const json& body,
                               const std::optional<std::string>& if_match) {
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  Transaction& txn = **tx;
  auto c = Visible(txn, p, id);
  if (!c) return std::unexpected(c.error());
  ReportRecord& r = c->report;
  JsonFields fields(body, JsonFields::Mode::kPatch, {"results", "difficulties", "proposals"});
  fields.Text("results", r.results, false, kNarrativeMaxBytes);
  fields.Text("difficulties", r.difficulties, false, kNarrativeMaxBytes);
  fields.Text("proposals", r.proposals, false, kNarrativeMaxBytes);
  if (auto ok = fields.Finish(); !ok) return std::unexpected(ok.error());
  if (auto ok = Authorize(*c, p, ReportAction::kEdit, if_match); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = Regather(txn, r, c->plan, c->unit); !ok) return std::unexpected(ok.error());
  if (auto ok = txn.PutReport(r); !ok) return std::unexpected(ok.error());
  if (auto ok = Append(txn, r, ReportAction::kEdit, r.state, p, ""); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = txn.Commit(); !ok) return std::unexpected(ok.error());
  return Get(p, id);
}

Result<Resource> Reports::Act(const Principal& p, std::int64_t id, ReportAction action,
                              const json& body, const std::optional<std::string>& if_match) {
  if (action == ReportAction::kCreate || action == ReportAction::kEdit) {
    return InvalidArgument(
        fmt::format("'{}' is not an action on a report", ReportActionName(action)));
  }
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  Transaction& txn = **tx;
  auto c = Visible(txn, p, id);
  if (!c) return std::unexpected(c.error());
  ReportRecord& r = c->report;

  std::string comment;
  if (action == ReportAction::kReturn || action == ReportAction::kRevise) {
    JsonFields fields(body, JsonFields::Mode::kCreate, {"comment"});
    fields.Text("comment", comment, action == ReportAction::kReturn, kCommentMaxBytes);
    if (action == ReportAction::kReturn && fields.errors().empty() && TrimAscii(comment).empty()) {
      fields.Add("comment", "required", "say why the report is returned");
    }
    if (auto ok = fields.Finish(); !ok) return std::unexpected(ok.error());
  } else {
    JsonFields fields(body, JsonFields::Mode::kCreate, {});
    if (auto ok = fields.Finish(); !ok) return std::unexpected(ok.error());
  }
  if (auto ok = Authorize(*c, p, action, if_match); !ok) return std::unexpected(ok.error());
  const ReportState from = r.state;
  const ReportState to = *NextReportState(from, action);
  const std::string now = FormatInstant(Now());

  if (action == ReportAction::kRevise) {
    ReportQuery line;
    line.plan = r.plan;
    line.unit = r.unit;
    line.period = r.period;
    line.summaries_only = true;
    auto revisions = txn.FindReports(line);
    if (!revisions) return std::unexpected(revisions.error());
    for (const ReportRecord& other : *revisions) {
      if (other.revision > r.revision) {
        return Conflict(fmt::format("{} is already superseded by report {} (revision {})",
                                    ReportLabel(r, c->unit), other.id.value, other.revision));
      }
    }
    ReportRecord next;
    next.plan = r.plan;
    next.unit = r.unit;
    next.period = r.period;
    next.revision = r.revision + 1;
    next.supersedes = r.id;
    next.state = to;
    next.due_on = r.due_on;
    next.results = r.results;
    next.difficulties = r.difficulties;
    next.proposals = r.proposals;
    next.created_by = p.login;
    auto new_id = txn.PutReport(next);
    if (!new_id) return std::unexpected(new_id.error());
    next.id = *new_id;
    if (auto ok = Regather(txn, next, c->plan, c->unit); !ok) return std::unexpected(ok.error());
    if (auto ok = txn.PutReport(next); !ok) return std::unexpected(ok.error());
    if (auto ok = Append(txn, next, ReportAction::kRevise, std::nullopt, p, comment); !ok) {
      return std::unexpected(ok.error());
    }
    if (auto ok = txn.Commit(); !ok) return std::unexpected(ok.error());
    return Get(p, next.id.value);
  }

  switch (action) {
    case ReportAction::kSubmit:
      r.submitted_at = now;
      r.submitted_by = p.login;
      if (r.first_submitted_at.empty()) r.first_submitted_at = now;
      r.signature.reset();
      if (auto ok = Regather(txn, r, c->plan, c->unit); !ok) return std::unexpected(ok.error());
      break;
    case ReportAction::kApprove: {
      if (signer_ == nullptr) {
        return Fail(ErrorCode::kFailedPrecondition, "signing is not configured");
      }
      auto user = txn.UserById(p.user);
      if (!user) return std::unexpected(user.error());
      if (!*user) return Fail(ErrorCode::kUnauthenticated, "the signing user no longer exists");
      auto sig = signer_->Sign(txn, **user, r.content, now);
      if (!sig) return std::unexpected(sig.error());
      r.signature = StoredReportSignature{sig->key,       sig->algorithm,    sig->public_key,
                                          sig->signature, sig->signer_login, sig->signer_name,
                                          sig->signed_at, r.content};
      break;
    }
    case ReportAction::kReturn:
      r.signature.reset();  // a returned report is signed again when approved again
      break;
    default:
      break;
  }
  r.state = to;
  if (auto ok = txn.PutReport(r); !ok) return std::unexpected(ok.error());
  if (auto ok = Append(txn, r, action, from, p, comment); !ok) return std::unexpected(ok.error());
  if (auto ok = txn.Commit(); !ok) return std::unexpected(ok.error());
  return Get(p, id);
}

Result<json> Reports::Events(const Principal& p, std::int64_t id) {
  auto c = Visible(store_, p, id);
  if (!c) return std::unexpected(c.error());
  auto events = store_.ReportEvents(c->report.id);
  if (!events) return std::unexpected(events.error());
  json items = json::array();
  for (const ReportEvent& e : *events) {
    items.push_back(json{{"action", ReportActionName(e.action)},
                         {"from", e.from ? json(ReportStateName(*e.from)) : json(nullptr)},
                         {"to", ReportStateName(e.to)},
                         {"actor", e.actor},
                         {"comment", e.comment},
                         {"at", e.at}});
  }
  return items;
}

Result<SignedReportDownload> Reports::Signed(const Principal& p, std::int64_t id) {
  auto c = Visible(store_, p, id);
  if (!c) return std::unexpected(c.error());
  const ReportRecord& r = c->report;
  if (!r.signature || (r.state != ReportState::kApproved && r.state != ReportState::kAccepted)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("{} is {}: only approved and accepted reports are signed",
                            ReportLabel(r, c->unit), ReportStateName(r.state)));
  }
  const StoredReportSignature& s = *r.signature;
  ReportSignature sig{s.key,          s.algorithm,   s.public_key, s.signature,
                      s.signer_login, s.signer_name, s.signed_at};
  return SignedReportDownload{
      fmt::format("report-{}-{}-r{}.json", SafeFileCode(c->unit ? c->unit->code : "unit"),
                  r.period.ToString(), r.revision),
      SignedReportFile(s.content, sig)};
}

Result<Resource> Reports::Schedule(const Principal& p, std::int64_t plan_id) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  if (!AccessPolicy(*tree).CanReadReference(p)) {
    return Fail(ErrorCode::kPermissionDenied, "sign in to read report schedules");
  }
  auto plan = plan_id > 0 ? FindPlan(store_, PlanId{plan_id}) : std::optional<Plan>();
  if (!plan) return std::unexpected(plan.error());
  if (!*plan) return NotFound(fmt::format("no plan with id {}", plan_id));
  auto own = store_.ReportSchedule(PlanId{plan_id});
  if (!own) return std::unexpected(own.error());
  json body = ScheduleJson(PlanId{plan_id}, *own);
  std::string etag = ETagOf(body);
  return Resource{std::move(body), std::move(etag)};
}

Result<Resource> Reports::SetSchedule(const Principal& p, std::int64_t plan_id, const json& body,
                                      const std::optional<std::string>& if_match) {
  JsonFields fields(body, JsonFields::Mode::kCreate, {"items"});
  // Item problems are named by their place in the list ("items[1].due_day").
  std::vector<ErrorDetail> details = fields.errors();
  std::vector<ReportScheduleItem> items;
  const json* list = body.is_object() && body.contains("items") ? &body["items"] : nullptr;
  if (body.is_object() && list == nullptr) {
    details.push_back({0, "items", FieldMessage("required", "the reported period types")});
  } else if (list != nullptr && !list->is_array()) {
    details.push_back({0, "items", FieldMessage("type", "expected an array")});
  } else if (list != nullptr) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      JsonFields item_fields((*list)[i], JsonFields::Mode::kCreate, {"period_type", "due_day"});
      ReportScheduleItem item;
      item_fields.Enum("period_type", item.period_type, ParsePeriodType, true);
      item_fields.Integer("due_day", item.due_day, true, 1, kMaxReportDueDay);
      for (ErrorDetail d : item_fields.errors()) {
        d.field = fmt::format("items[{}]{}{}", i, d.field.empty() ? "" : ".", d.field);
        details.push_back(std::move(d));
      }
      items.push_back(item);
    }
    if (details.empty()) {
      if (auto valid = ValidateReportSchedule(items); !valid) {
        for (ErrorDetail d : valid.error().details) {
          d.message = FieldMessage("invalid", d.message);
          details.push_back(std::move(d));
        }
      }
    }
  }
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  Transaction& txn = **tx;
  auto plan = plan_id > 0 ? FindPlan(txn, PlanId{plan_id}) : std::optional<Plan>();
  if (!plan) return std::unexpected(plan.error());
  if (!*plan) return NotFound(fmt::format("no plan with id {}", plan_id));
  auto tree = LoadOrgTree(txn);
  if (!tree) return std::unexpected(tree.error());
  if (!CanSetReportSchedule(AccessPolicy(*tree), p, **plan)) {
    return Fail(
        ErrorCode::kPermissionDenied,
        fmt::format("{} may not set the report schedule of plan '{}'", p.login, (*plan)->code));
  }
  if (!details.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "invalid request body", std::move(details));
  }
  auto own = txn.ReportSchedule(PlanId{plan_id});
  if (!own) return std::unexpected(own.error());
  if (!if_match) {
    return Fail(ErrorCode::kVersionRequired,
                "send the ETag you last read in If-Match, so that no one's change is lost");
  }
  if (*if_match != "*" && *if_match != ETagOf(ScheduleJson(PlanId{plan_id}, *own))) {
    return Fail(
        ErrorCode::kVersionMismatch,
        fmt::format("the report schedule of plan '{}' changed since you read it", (*plan)->code));
  }
  if (auto ok = txn.PutReportSchedule(PlanId{plan_id}, items); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = txn.Commit(); !ok) return std::unexpected(ok.error());
  return Schedule(p, plan_id);
}

Result<json> Reports::Compliance(const Principal& p, const QueryParams& params) {
  std::optional<PlanId> plan_id;
  std::optional<Period> span;
  for (const auto& [name, value] : params) {
    if (name == "plan") {
      auto id = IntParam(name, value, 1, INT64_MAX);
      if (!id) return std::unexpected(id.error());
      plan_id = PlanId{*id};
    } else if (name == "period") {
      auto period = PeriodParam(name, value);
      if (!period) return std::unexpected(period.error());
      span = *period;
    } else {
      return BadParam(name, "unknown_field", "unknown parameter");
    }
  }
  if (!plan_id) return BadParam("plan", "required", "the plan's id");
  if (!span) return BadParam("period", "required", "a period such as 2025Q4 or 2025");
  auto plan = FindPlan(store_, *plan_id);
  if (!plan) return std::unexpected(plan.error());
  if (!*plan) return NotFound(fmt::format("no plan with id {}", plan_id->value));
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  auto rows = ReportComplianceOf(store_, *plan_id, *span, Today(), options_.utc_offset);
  if (!rows) return std::unexpected(rows.error());
  AccessPolicy policy(*tree);
  json items = json::array();
  for (const ReportComplianceRow& row : *rows) {
    if (CanReadReport(policy, p, **plan, row.unit)) items.push_back(ToJson(row));
  }
  return json{{"plan", plan_id->value},
              {"plan_code", (*plan)->code},
              {"period", span->ToString()},
              {"items", std::move(items)}};
}

}  // namespace planwatch
