#include "planwatch/service/scorecards.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <numeric>
#include <set>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "planwatch/base/text.h"
#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/reports.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

constexpr int kFreshnessMonths = 3;
constexpr int kMaxHistoryPeriods = 120;
constexpr int kMaxLimit = 1000;

// Everything one plan's scorecards are computed from, read once (and shared by the periods of
// a history).
struct Inputs {
  Plan plan;
  OrgTree tree;
  std::vector<Task> tasks;
  std::unordered_map<TaskId, std::vector<TaskEvent>> ledgers;
  std::vector<Indicator> indicators;
  std::unordered_map<IndicatorId, const Indicator*> indicator_by_id;
  std::unordered_map<IndicatorId, std::vector<Target>> targets;
  std::unordered_map<IndicatorId, ValuesByUnit> values;
  // The latest stored_at of each unit's own values, by the period's first day.
  std::unordered_map<OrgUnitId, std::vector<std::pair<Date, std::string>>> value_instants;
  ScorecardWeights weights;
};

const std::vector<TaskEvent>& LedgerOf(const Inputs& in, TaskId task) {
  static const std::vector<TaskEvent> kEmpty;
  auto it = in.ledgers.find(task);
  return it == in.ledgers.end() ? kEmpty : it->second;
}

Result<const Plan*> FindPlan(const std::vector<Plan>& plans, PlanId id) {
  auto it = std::ranges::find(plans, id, &Plan::id);
  if (it == plans.end()) return NotFound(fmt::format("no plan {}", id.value));
  return &*it;
}

Result<Inputs> Load(StoreReader& store, PlanId plan_id) {
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto plan = FindPlan(*plans, plan_id);
  if (!plan) return std::unexpected(plan.error());
  Inputs in;
  in.plan = **plan;
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  in.tree = std::move(*tree);
  auto tasks = store.Tasks(plan_id);
  if (!tasks) return std::unexpected(tasks.error());
  in.tasks = std::move(*tasks);
  auto events = store.TaskEvents(plan_id);
  if (!events) return std::unexpected(events.error());
  for (TaskEvent& e : *events) in.ledgers[e.task].push_back(std::move(e));
  auto indicators = store.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  in.indicators = std::move(*indicators);
  for (const Indicator& i : in.indicators) in.indicator_by_id[i.id] = &i;
  auto targets = store.Targets();
  if (!targets) return std::unexpected(targets.error());
  for (const Target& t : *targets) in.targets[t.indicator].push_back(t);
  auto values = store.DataValues(DataValueQuery{});
  if (!values) return std::unexpected(values.error());
  for (const DataValue& v : *values) {
    in.values[v.indicator][v.unit].push_back(PeriodValue{v.period, v.value});
    in.value_instants[v.unit].emplace_back(v.period.start(), v.stored_at);
  }
  auto weights = PlanScorecardWeights(store, plan_id);
  if (!weights) return std::unexpected(weights.error());
  in.weights = *weights;
  return in;
}

// The unit and the units it succeeded: whose tasks and figures it carries on.
std::unordered_set<OrgUnitId> Lineage(const OrgTree& tree, OrgUnitId unit) {
  std::unordered_set<OrgUnitId> out{unit};
  for (OrgUnitId p : tree.Predecessors(unit)) out.insert(p);
  return out;
}

// The unit's subtree with every unit each member succeeded, sorted.
std::vector<OrgUnitId> RollupUnits(const OrgTree& tree, OrgUnitId unit) {
  std::vector<OrgUnitId> out;
  for (OrgUnitId id : tree.Subtree(unit)) {
    out.push_back(id);
    for (OrgUnitId p : tree.Predecessors(id)) out.push_back(p);
  }
  std::ranges::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<double> Fraction(int part, int whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / whole;
}

// The indicator's level for `units` on `d`, comparable with the trajectory (as the analytics
// rows): a stock or a ratio over the periods from `first_day` to `d`; a flow accumulated on its
// baseline from the baseline date.
Result<std::optional<double>> LevelFor(const Inputs& in, const Indicator& indicator,
                                       const Baseline& baseline, std::span<const OrgUnitId> units,
                                       Date first_day, Date d) {
  static const ValuesByUnit kNone;
  auto values_of = [&](IndicatorId id) -> const ValuesByUnit& {
    auto it = in.values.find(id);
    return it == in.values.end() ? kNone : it->second;
  };
  const PeriodType type = indicator.period_type;
  const Period last = Period::Containing(d, type);
  if (indicator.unit_aggregation == UnitAggregation::kRatio) {
    auto num = in.indicator_by_id.find(indicator.numerator);
    auto den = in.indicator_by_id.find(indicator.denominator);
    if (num == in.indicator_by_id.end() || den == in.indicator_by_id.end()) {
      return std::optional<double>();
    }
    return RollupRatio(indicator, *num->second, values_of(num->second->id), *den->second,
                       values_of(den->second->id), units,
                       PeriodRange{Period::Containing(first_day, type), last});
  }
  if (indicator.time_aggregation == TimeAggregation::kLast) {
    return Rollup(indicator, values_of(indicator.id), units,
                  PeriodRange{Period::Containing(first_day, type), last});
  }
  const Period first = Period::Containing(baseline.date.AddDays(1), type);
  if (last < first) return std::optional<double>();
  auto since = Rollup(indicator, values_of(indicator.id), units, PeriodRange{first, last});
  if (!since || !*since) return since;
  if (indicator.time_aggregation == TimeAggregation::kSum) {
    return std::optional<double>(baseline.value + **since);
  }
  return since;
}

struct Achieved {
  std::optional<double> mean;  // of the shown achievements
  int count = 0;
};

Result<Achieved> AchievementOf(const Inputs& in, const OrgUnit& unit,
                               const std::set<IndicatorId>& indicators, const Period& period,
                               Date d) {
  double sum = 0;
  Achieved out;
  for (IndicatorId id : indicators) {
    auto found = in.indicator_by_id.find(id);
    if (found == in.indicator_by_id.end()) continue;  // deleted
    const Indicator& indicator = *found->second;
    auto baseline = BaselineOf(indicator);
    if (!baseline) continue;
    static const std::vector<Target> kNoTargets;
    auto own = in.targets.find(id);
    const std::vector<Target>& targets = own == in.targets.end() ? kNoTargets : own->second;
    // The unit responsible for an indicator answers for the plan-wide figure.
    const OrgUnitId judged =
        indicator.responsible_unit == unit.id && in.plan.issuer ? in.plan.issuer : unit.id;
    const std::vector<Target> applicable = ApplicableTargets(targets, judged);
    if (applicable.empty()) continue;
    const std::vector<OrgUnitId> units = RollupUnits(in.tree, judged);
    auto level = LevelFor(in, indicator, *baseline, units, period.start(), d);
    if (!level) return std::unexpected(level.error());
    if (!*level) continue;
    const double expected = ExpectedValue(*baseline, applicable, d);
    sum += ShownAchievement(Achievement(indicator.direction, baseline->value, expected, **level));
    ++out.count;
  }
  if (out.count > 0) out.mean = sum / out.count;
  return out;
}

struct Freshness {
  std::optional<double> overall;
  std::optional<double> values;
  std::optional<double> updates;
};

Freshness FreshnessOf(const Inputs& in, const OrgUnit& unit, const std::set<IndicatorId>& linked,
                      const std::vector<const Task*>& led, Date d) {
  Period last = Period::Containing(d, PeriodType::kMonth);
  if (d != last.end()) last = last.Previous();
  std::vector<Period> months;
  for (int i = kFreshnessMonths - 1; i >= 0; --i) {
    Period m = last;
    for (int k = 0; k < i; ++k) m = m.Previous();
    months.push_back(m);
  }
  int values_expected = 0;
  int values_present = 0;
  for (IndicatorId id : linked) {
    auto found = in.indicator_by_id.find(id);
    if (found == in.indicator_by_id.end()) continue;
    const Indicator& indicator = *found->second;
    if (indicator.period_type != PeriodType::kMonth ||
        indicator.unit_aggregation == UnitAggregation::kRatio) {
      continue;
    }
    const std::vector<PeriodValue>* own = nullptr;
    if (auto by_unit = in.values.find(id); by_unit != in.values.end()) {
      if (auto it = by_unit->second.find(unit.id); it != by_unit->second.end()) own = &it->second;
    }
    for (const Period& m : months) {
      ++values_expected;
      if (own && std::ranges::any_of(*own, [&](const PeriodValue& v) { return v.period == m; })) {
        ++values_present;
      }
    }
  }
  int updates_expected = 0;
  int updates_present = 0;
  for (const Task* task : led) {
    const std::vector<TaskEvent>& ledger = LedgerOf(in, task->id);
    for (const Period& m : months) {
      if (task->assigned_on > m.end()) continue;
      const TaskState before =
          EvaluateTask(*task, ledger, m.start().AddDays(-1), CompletionView::kClaimed);
      if (IsDone(before.status) || before.status == TaskStatus::kCancelled) continue;
      ++updates_expected;
      if (std::ranges::any_of(ledger, [&](const TaskEvent& e) { return m.Contains(e.on); })) {
        ++updates_present;
      }
    }
  }
  Freshness out;
  out.values = Fraction(values_present, values_expected);
  out.updates = Fraction(updates_present, updates_expected);
  out.overall = Fraction(values_present + updates_present, values_expected + updates_expected);
  return out;
}

std::string LastActivity(const Inputs& in, const OrgUnit& unit, const std::vector<const Task*>& led,
                         Date d) {
  std::string latest;
  if (auto it = in.value_instants.find(unit.id); it != in.value_instants.end()) {
    for (const auto& [start, stored_at] : it->second) {
      if (start <= d) latest = std::max(latest, stored_at);
    }
  }
  for (const Task* task : led) {
    for (const TaskEvent& e : LedgerOf(in, task->id)) {
      if (e.on <= d) latest = std::max(latest, e.on.ToString() + "T00:00:00.000Z");
    }
  }
  return latest;
}

// Report timeliness of each expected reporter over `period` (reports of part R).
using Timeliness = std::unordered_map<OrgUnitId, std::optional<double>>;

Result<Timeliness> TimelinessOf(StoreReader& store, PlanId plan, const Period& period, Date today,
                                std::chrono::minutes utc_offset) {
  auto rows = ReportComplianceOf(store, plan, period, today, utc_offset);
  if (!rows) return std::unexpected(rows.error());
  Timeliness out;
  for (const ReportComplianceRow& row : *rows) out[row.unit] = row.timeliness;
  return out;
}

// The card of one unit, unranked.
Result<UnitScorecard> CardOf(const Inputs& in, const OrgUnit& unit, const Period& period, Date d,
                             const std::unordered_map<TaskId, TaskState>& states,
                             const Timeliness& timeliness) {
  const std::unordered_set<OrgUnitId> lineage = Lineage(in.tree, unit.id);
  UnitScorecard out;
  out.unit_name_vi = unit.name_vi;
  out.unit_name_en = unit.name_en;
  out.judged_on = d;
  StatusSummary& s = out.tasks;
  std::vector<const Task*> led;
  std::set<IndicatorId> linked;
  for (const Task& task : in.tasks) {
    const TaskState& state = states.at(task.id);
    if (state.status == TaskStatus::kNotAssigned || !lineage.contains(state.lead_unit)) continue;
    led.push_back(&task);
    if (state.status != TaskStatus::kCancelled) {
      linked.insert(task.indicators.begin(), task.indicators.end());
    }
    if (task.kind == TaskKind::kRecurring) {
      if (!task.cadence) continue;
      const std::vector<TaskEvent>& ledger = LedgerOf(in, task.id);
      for (Period p = Period::Containing(period.start(), *task.cadence);
           p.start() <= period.end() && p.start() <= d; p = p.Next()) {
        if (!period.Contains(p) || p.end() < task.assigned_on) continue;
        switch (RecurringStatus(task, ledger, p, d)) {
          case TaskStatus::kRecurringReported:
            ++s.recurring_reported;
            break;
          case TaskStatus::kRecurringMissing:
            ++s.recurring_missing;
            break;
          case TaskStatus::kRecurringNotDue:
            ++s.recurring_not_due;
            break;
          case TaskStatus::kCancelled:
            ++s.recurring_cancelled;
            break;
          default:
            break;
        }
      }
      continue;
    }
    if (!state.deadline || !period.Contains(*state.deadline)) continue;
    if (state.status == TaskStatus::kCancelled) {
      ++s.cancelled;
      continue;
    }
    ++s.total;
    s.slip_days += state.slip_days;
    const bool due = *state.deadline <= d;
    if (due) ++s.due;
    switch (state.status) {
      case TaskStatus::kDoneOnTime:
        ++s.done;
        ++s.done_on_time;
        if (due) ++s.due_done_on_time;
        break;
      case TaskStatus::kDoneLate:
        ++s.done;
        ++s.done_late;
        break;
      case TaskStatus::kInProgressOnTime:
        ++s.in_progress_on_time;
        break;
      case TaskStatus::kOverdue:
        ++s.overdue;
        break;
      default:
        break;
    }
  }
  s.completion_rate = Fraction(s.done, s.total);
  s.on_time_rate = Fraction(s.due_done_on_time, s.due);

  std::set<IndicatorId> judged = linked;
  for (const Indicator& i : in.indicators) {
    if (i.responsible_unit == unit.id) judged.insert(i.id);
  }
  auto achieved = AchievementOf(in, unit, judged, period, d);
  if (!achieved) return std::unexpected(achieved.error());
  out.indicators_judged = achieved->count;

  ScorecardInputs inputs;
  inputs.on_time_rate = s.on_time_rate;
  if (auto it = timeliness.find(unit.id); it != timeliness.end()) {
    inputs.report_timeliness = it->second;
  }
  inputs.indicator_achievement = achieved->mean;
  auto card = MakeScorecard(unit, period, inputs, in.weights);
  if (!card) return std::unexpected(card.error());
  out.card = std::move(*card);

  const Freshness fresh = FreshnessOf(in, unit, judged, led, d);
  out.freshness = fresh.overall;
  out.value_freshness = fresh.values;
  out.update_freshness = fresh.updates;
  out.last_activity_at = LastActivity(in, unit, led, d);
  return out;
}

// Every expected reporter's card for `period`, ranked among peers, then filtered to `within`.
Result<std::vector<UnitScorecard>> Compute(StoreReader& store, const Inputs& in,
                                           const Period& period, std::optional<OrgUnitType> type,
                                           std::optional<OrgUnitId> within, Date today,
                                           std::chrono::minutes utc_offset) {
  const Date d = std::min(period.end(), today);
  if (d < period.start()) {
    return InvalidArgument(
        fmt::format("period {} has not started by {}", period.ToString(), today.ToString()));
  }
  auto timeliness = TimelinessOf(store, in.plan.id, period, today, utc_offset);
  if (!timeliness) return std::unexpected(timeliness.error());
  std::unordered_map<TaskId, TaskState> states;
  std::set<OrgUnitId> reporters;
  for (const Task& task : in.tasks) {
    TaskState state = EvaluateTask(task, LedgerOf(in, task.id), d, CompletionView::kVerified);
    if (state.status != TaskStatus::kNotAssigned && state.status != TaskStatus::kCancelled) {
      for (OrgUnitId u : in.tree.SuccessorsOn(state.lead_unit, d)) reporters.insert(u);
    }
    states.emplace(task.id, std::move(state));
  }
  std::vector<UnitScorecard> cards;
  for (OrgUnitId id : reporters) {
    const OrgUnit* unit = in.tree.Find(id);
    if (!unit || (type && unit->type != *type)) continue;
    auto card = CardOf(in, *unit, period, d, states, *timeliness);
    if (!card) return std::unexpected(card.error());
    cards.push_back(std::move(*card));
  }
  std::vector<Scorecard> plain;
  for (const UnitScorecard& c : cards) plain.push_back(c.card);
  std::unordered_map<OrgUnitId, UnitScorecard*> by_unit;
  for (UnitScorecard& c : cards) by_unit[c.card.unit] = &c;
  std::vector<UnitScorecard> ranked;
  for (Scorecard& c : RankAmongPeers(std::move(plain))) {
    if (within && !in.tree.InSubtree(c.unit, *within)) continue;
    UnitScorecard out = std::move(*by_unit.at(c.unit));
    out.card = std::move(c);
    ranked.push_back(std::move(out));
  }
  return ranked;
}

json Nullable(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// ---- query parameters ----

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

Result<Period> PeriodParam(const QueryParams& params, std::string_view name,
                           std::optional<Period> fallback) {
  const std::string* text = Find(params, name);
  if (!text) {
    if (fallback) return *fallback;
    return BadParam(name, "required", "a period such as 2025, 2025Q3 or 202503 is required");
  }
  auto period = Period::Parse(*text);
  if (!period) return BadParam(name, "invalid", period.error().message);
  return *period;
}

Result<int> IntParam(const QueryParams& params, std::string_view name, int fallback, int min,
                     int max) {
  const std::string* text = Find(params, name);
  if (!text) return fallback;
  int value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return BadParam(name, "invalid",
                    fmt::format("expected a whole number from {} to {}, got \"{}\"", min, max,
                                EchoForMessage(*text)));
  }
  return value;
}

// `plan`: an id (digits) or a code.
Result<Plan> PlanParam(StoreReader& store, const QueryParams& params) {
  const std::string* text = Find(params, "plan");
  if (!text || text->empty()) {
    return BadParam("plan", "required", "the plan id or code is required");
  }
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());
  const bool digits = std::ranges::all_of(*text, [](char c) { return c >= '0' && c <= '9'; });
  for (const Plan& plan : *plans) {
    if (plan.code == *text || (digits && std::to_string(plan.id.value) == *text)) return plan;
  }
  return NotFound(fmt::format("no plan '{}'", EchoForMessage(*text)));
}

Result<const OrgUnit*> UnitParam(const OrgTree& tree, const QueryParams& params,
                                 std::string_view name, bool required) {
  const std::string* text = Find(params, name);
  if (!text) {
    if (required) return BadParam(name, "required", "a unit code is required");
    return static_cast<const OrgUnit*>(nullptr);
  }
  if (text->empty()) return BadParam(name, "invalid", "must not be empty");
  const OrgUnit* unit = tree.FindByCode(*text);
  if (!unit) return NotFound(fmt::format("no unit '{}'", EchoForMessage(*text)));
  return unit;
}

std::unexpected<Error> Denied(const Principal& p, std::string_view what) {
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("{} may not read scorecards of {}", EchoForMessage(p.login), what));
}

json WeightsJson(PlanId plan, const std::optional<ScorecardWeightsRecord>& stored) {
  const ScorecardWeights w = stored ? stored->weights : ScorecardWeights{};
  return {{"plan", plan.value},
          {"on_time", w.on_time},
          {"timeliness", w.timeliness},
          {"achievement", w.achievement},
          {"updated_by", stored ? json(stored->updated_by) : json(nullptr)},
          {"updated_at", stored ? json(stored->updated_at) : json(nullptr)}};
}

Status CheckVersion(const std::optional<std::string>& if_match, const std::string& current) {
  if (!if_match) {
    return Fail(ErrorCode::kVersionRequired,
                "send the ETag you last read in If-Match, so that no one's change is lost");
  }
  if (*if_match == "*" || *if_match == current) return {};
  return Fail(ErrorCode::kVersionMismatch,
              "the record changed since you read it; read it again and reapply your change");
}

}  // namespace

Result<ScorecardWeights> PlanScorecardWeights(StoreReader& store, PlanId plan) {
  auto stored = store.ScorecardWeightsOf(plan);
  if (!stored) return std::unexpected(stored.error());
  return *stored ? (*stored)->weights : ScorecardWeights{};
}

Result<std::vector<UnitScorecard>> ComputeScorecards(StoreReader& store, const ScorecardQuery& q,
                                                     Date today, std::chrono::minutes utc_offset) {
  auto in = Load(store, q.plan);
  if (!in) return std::unexpected(in.error());
  if (q.within && !in->tree.Find(*q.within)) {
    return InvalidArgument(fmt::format("no unit {} to scope the scorecards to", q.within->value));
  }
  return Compute(store, *in, q.period, q.type, q.within, today, utc_offset);
}

json ToJson(const UnitScorecard& c) {
  const Scorecard& card = c.card;
  const StatusSummary& s = c.tasks;
  json tasks = {
      {"total", s.total},
      {"done", s.done},
      {"done_on_time", s.done_on_time},
      {"done_late", s.done_late},
      {"in_progress_on_time", s.in_progress_on_time},
      {"overdue", s.overdue},
      {"cancelled", s.cancelled},
      {"due", s.due},
      {"due_done_on_time", s.due_done_on_time},
      {"recurring_reported", s.recurring_reported},
      {"recurring_missing", s.recurring_missing},
      {"recurring_not_due", s.recurring_not_due},
      {"recurring_cancelled", s.recurring_cancelled},
      {"slip_days", s.slip_days},
      {"completion_rate", Nullable(s.completion_rate)},
      {"on_time_rate", Nullable(s.on_time_rate)},
  };
  return {
      {"unit",
       {{"id", card.unit.value},
        {"code", card.unit_code},
        {"name_vi", c.unit_name_vi},
        {"name_en", c.unit_name_en},
        {"type", OrgUnitTypeName(card.unit_type)},
        {"leader_name", card.leader_name},
        {"leader_title", card.leader_title}}},
      {"period", card.period.ToString()},
      {"judged_on", c.judged_on.ToString()},
      {"on_time_rate", Nullable(card.inputs.on_time_rate)},
      {"report_timeliness", Nullable(card.inputs.report_timeliness)},
      {"indicator_achievement", Nullable(card.inputs.indicator_achievement)},
      {"achievement_shown", Nullable(card.achievement_shown)},
      {"indicators_judged", c.indicators_judged},
      {"score", Nullable(card.score)},
      {"rating", card.rating ? json(RatingName(*card.rating)) : json(nullptr)},
      {"rank", card.rank ? json(*card.rank) : json(nullptr)},
      {"peer_count", card.peer_count},
      {"tasks", std::move(tasks)},
      {"freshness", Nullable(c.freshness)},
      {"value_freshness", Nullable(c.value_freshness)},
      {"update_freshness", Nullable(c.update_freshness)},
      {"last_activity_at", c.last_activity_at.empty() ? json(nullptr) : json(c.last_activity_at)},
  };
}

Scorecards::Scorecards(Store& store, TodayFn today, std::chrono::minutes utc_offset)
    : store_(store), today_(std::move(today)), utc_offset_(utc_offset) {}

Result<Page> Scorecards::List(const Principal& p, const QueryParams& params) {
  static constexpr std::string_view kKnown[] = {"plan", "period", "type",
                                                "unit", "limit",  "offset"};
  if (auto known = RefuseUnknown(params, kKnown); !known) return std::unexpected(known.error());
  const Date today = today_();
  auto plan = PlanParam(store_, params);
  if (!plan) return std::unexpected(plan.error());
  auto period = PeriodParam(params, "period", Period::Year(today.year()));
  if (!period) return std::unexpected(period.error());
  std::optional<OrgUnitType> type;
  if (const std::string* text = Find(params, "type")) {
    auto parsed = ParseOrgUnitType(*text);
    if (!parsed) return BadParam("type", "invalid", parsed.error().message);
    type = *parsed;
  }
  auto limit = IntParam(params, "limit", 50, 1, kMaxLimit);
  if (!limit) return std::unexpected(limit.error());
  auto offset = IntParam(params, "offset", 0, 0, 1'000'000'000);
  if (!offset) return std::unexpected(offset.error());

  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  const AccessPolicy policy(*tree);
  auto unit = UnitParam(*tree, params, "unit", false);
  if (!unit) return std::unexpected(unit.error());
  std::optional<OrgUnitId> within;
  if (*unit) {
    if (!policy.CanReadAnalytics(p, (*unit)->id)) return Denied(p, "unit " + (*unit)->code);
    within = (*unit)->id;
  } else if (!plan->issuer || !policy.CanReadAnalytics(p, plan->issuer)) {
    // Below the plan's issuer, a caller sees the cards of its own subtree.
    const OrgUnit* scope = tree->Find(p.scope);
    if (!scope || !policy.CanReadAnalytics(p, scope->id)) return Denied(p, "plan " + plan->code);
    within = scope->id;
  }

  ScorecardQuery query{plan->id, *period, type, within};
  auto cards = ComputeScorecards(store_, query, today, utc_offset_);
  if (!cards) return std::unexpected(cards.error());
  Page page;
  page.limit = *limit;
  page.offset = *offset;
  page.total = static_cast<std::int64_t>(cards->size());
  for (std::size_t i = static_cast<std::size_t>(*offset);
       i < cards->size() && page.items.size() < static_cast<std::size_t>(*limit); ++i) {
    page.items.push_back(ToJson((*cards)[i]));
  }
  return page;
}

Result<json> Scorecards::History(const Principal& p, const QueryParams& params) {
  static constexpr std::string_view kKnown[] = {"plan", "unit", "from", "to"};
  if (auto known = RefuseUnknown(params, kKnown); !known) return std::unexpected(known.error());
  const Date today = today_();
  auto plan = PlanParam(store_, params);
  if (!plan) return std::unexpected(plan.error());
  auto from = PeriodParam(params, "from", std::nullopt);
  if (!from) return std::unexpected(from.error());
  auto to = PeriodParam(params, "to", std::nullopt);
  if (!to) return std::unexpected(to.error());
  auto range = PeriodRange::Make(*from, *to);
  if (!range) return BadParam("to", "invalid", range.error().message);
  const std::vector<Period> periods = range->Periods();
  if (periods.size() > static_cast<std::size_t>(kMaxHistoryPeriods)) {
    return BadParam("to", "out_of_range",
                    fmt::format("at most {} periods, got {}", kMaxHistoryPeriods, periods.size()));
  }
  if (to->start() > today) {
    return BadParam(
        "to", "out_of_range",
        fmt::format("period {} has not started by {}", to->ToString(), today.ToString()));
  }

  auto in = Load(store_, plan->id);
  if (!in) return std::unexpected(in.error());
  const AccessPolicy policy(in->tree);
  auto unit = UnitParam(in->tree, params, "unit", true);
  if (!unit) return std::unexpected(unit.error());
  if (!policy.CanReadAnalytics(p, (*unit)->id)) return Denied(p, "unit " + (*unit)->code);

  json items = json::array();
  for (const Period& period : periods) {
    auto cards = Compute(store_, *in, period, (*unit)->type, std::nullopt, today, utc_offset_);
    if (!cards) return std::unexpected(cards.error());
    auto mine =
        std::ranges::find(*cards, (*unit)->id, [](const UnitScorecard& c) { return c.card.unit; });
    if (mine != cards->end()) {
      items.push_back(ToJson(*mine));
      continue;
    }
    // Not an expected reporter in this period: an unscored card among the period's peers.
    UnitScorecard absent;
    auto card = MakeScorecard(**unit, period, ScorecardInputs{}, in->weights);
    if (!card) return std::unexpected(card.error());
    absent.card = std::move(*card);
    absent.card.peer_count = static_cast<int>(cards->size());
    absent.unit_name_vi = (*unit)->name_vi;
    absent.unit_name_en = (*unit)->name_en;
    absent.judged_on = std::min(period.end(), today);
    items.push_back(ToJson(absent));
  }
  return json{{"plan", {{"id", plan->id.value}, {"code", plan->code}}},
              {"unit",
               {{"id", (*unit)->id.value},
                {"code", (*unit)->code},
                {"name_vi", (*unit)->name_vi},
                {"name_en", (*unit)->name_en}}},
              {"from", from->ToString()},
              {"to", to->ToString()},
              {"items", std::move(items)}};
}

Result<Resource> Scorecards::Weights(const Principal& p, std::int64_t plan) {
  if (!p.user) return Fail(ErrorCode::kUnauthenticated, "sign in to read scorecard weights");
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto found = FindPlan(*plans, PlanId{plan});
  if (!found) return std::unexpected(found.error());
  auto stored = store_.ScorecardWeightsOf(PlanId{plan});
  if (!stored) return std::unexpected(stored.error());
  json body = WeightsJson(PlanId{plan}, *stored);
  std::string etag = ETagOf(body);
  return Resource{std::move(body), std::move(etag)};
}

Result<Resource> Scorecards::SetWeights(const Principal& p, std::int64_t plan, const json& body,
                                        const std::optional<std::string>& if_match) {
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto found = FindPlan(*plans, PlanId{plan});
  if (!found) return std::unexpected(found.error());
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  if (!AccessPolicy(*tree).CanAdministerPlan(p, **found)) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not set the scorecard weights of plan {}",
                            EchoForMessage(p.login), (*found)->code));
  }
  JsonFields f(body, JsonFields::Mode::kCreate, {"on_time", "timeliness", "achievement"});
  ScorecardWeights w;
  for (auto [name, out] : {std::pair<std::string_view, double*>{"on_time", &w.on_time},
                           {"timeliness", &w.timeliness},
                           {"achievement", &w.achievement}}) {
    if (f.Number(name, *out, true) && *out < 0) {
      f.Add(name, "out_of_range", fmt::format("a weight is 0 or more, got {}", *out));
    }
  }
  if (f.errors().empty() && w.on_time + w.timeliness + w.achievement <= 0) {
    f.Add("on_time", "invalid", "at least one weight must be above 0");
  }
  if (auto ok = f.Finish(); !ok) return std::unexpected(ok.error());

  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto stored = (*tx)->ScorecardWeightsOf(PlanId{plan});
  if (!stored) return std::unexpected(stored.error());
  if (auto ok = CheckVersion(if_match, ETagOf(WeightsJson(PlanId{plan}, *stored))); !ok) {
    return std::unexpected(ok.error());
  }
  ScorecardWeightsRecord record{PlanId{plan}, w, p.login, ""};
  if (auto ok = (*tx)->PutScorecardWeights(record); !ok) return std::unexpected(ok.error());
  if (auto ok = (*tx)->Commit(); !ok) return std::unexpected(ok.error());
  return Weights(p, plan);
}

}  // namespace planwatch
