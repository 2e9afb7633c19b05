#include "planwatch/storage/sql/read.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "planwatch/storage/sql/rows.h"
#include "planwatch/storage/sql/status_macros.h"
#include "planwatch/storage/sql/timestamp.h"

namespace planwatch::sql {
namespace {

// A stored enum name, period or list through its domain parser; internal when it fails.
template <typename T, typename Parser>
Result<T> ParseStored(const Statement& stmt, int column, std::string_view what, Parser parse) {
  const std::string text = stmt.Text(column);
  auto parsed = parse(text);
  if (!parsed) {
    return Internal("stored " + std::string(what) + " '" + text +
                    "' is invalid: " + parsed.error().message);
  }
  return T(std::move(*parsed));
}

Result<std::int64_t> Count(Connection& connection, std::string_view sql, std::int64_t id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  stmt.BindInt(1, id);
  PW_SQL_ASSIGN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

// A deleted plan is gone for reads.
Status RequirePlan(Connection& connection, PlanId plan) {
  PW_SQL_ASSIGN(std::int64_t n,
                Count(connection, "SELECT count(*) FROM plans WHERE id = ?1 AND deleted_at IS NULL",
                      plan.value));
  if (n == 0) return NotFound("plan " + std::to_string(plan.value) + " does not exist");
  return {};
}

// "3,5,8" as written by the history writer; empty for none.
template <typename IdType>
Result<std::vector<IdType>> ParseIdList(std::string_view text) {
  std::vector<IdType> ids;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc() || end != item.data() + item.size() || value <= 0) {
      return InvalidArgument("bad id '" + std::string(item) + "'");
    }
    ids.push_back(IdType{value});
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return ids;
}

constexpr char kSelectOrgUnits[] =
    "SELECT id, code, name_vi, name_en, type, parent_id, leader_name, leader_title, valid_from, "
    "valid_to FROM org_units ORDER BY id";

Result<OrgUnit> OrgUnitRow(const Statement& s) {
  OrgUnit unit;
  unit.id = s.IdAt<OrgUnitId>(0);
  unit.code = s.Text(1);
  unit.name_vi = s.Text(2);
  unit.name_en = s.Text(3);
  PW_SQL_ASSIGN(unit.type, ParseStored<OrgUnitType>(s, 4, "org unit type", ParseOrgUnitType));
  unit.parent = s.IdAt<OrgUnitId>(5);
  unit.leader_name = s.Text(6);
  unit.leader_title = s.Text(7);
  PW_SQL_ASSIGN(unit.valid_from, s.OptionalDateAt(8));
  PW_SQL_ASSIGN(unit.valid_to, s.OptionalDateAt(9));
  return unit;
}

// Columns 0–9 as OrgUnitRow reads them, then recorded_at and superseded_at ('' for the current
// version), oldest version first.
constexpr char kSelectOrgUnitHistory[] =
    "SELECT org_unit_id, code, name_vi, name_en, type, parent_id, leader_name, leader_title, "
    "valid_from, valid_to, stored_at, superseded_at, version FROM org_unit_versions "
    "WHERE org_unit_id = ?1 "
    "UNION ALL SELECT id, code, name_vi, name_en, type, parent_id, leader_name, leader_title, "
    "valid_from, valid_to, stored_at, '', version FROM org_units WHERE id = ?1 ORDER BY 13";

// The version of each unit current at ?1: [stored_at, superseded_at) holds it. A current row
// recorded at or before ?1 excludes every archived version of the same unit, which ended earlier.
constexpr char kSelectOrgUnitsAsOf[] =
    "SELECT org_unit_id, code, name_vi, name_en, type, parent_id, leader_name, leader_title, "
    "valid_from, valid_to FROM org_unit_versions WHERE stored_at <= ?1 AND superseded_at > ?1 "
    "UNION ALL SELECT id, code, name_vi, name_en, type, parent_id, leader_name, leader_title, "
    "valid_from, valid_to FROM org_units WHERE stored_at <= ?1 ORDER BY 1";

// Columns 0–16 of a task row, shared by tasks and task_versions.
constexpr char kTaskColumns[] =
    "plan_id, group_id, code, title_vi, title_en, description, parent_id, lead_unit_id, kind, "
    "assigned_on, start_on, deadline, cadence, expected_output, priority, classified";

Result<Task> TaskRow(const Statement& s) {
  Task task;
  task.id = s.IdAt<TaskId>(0);
  task.plan = s.IdAt<PlanId>(1);
  task.group = s.IdAt<TaskGroupId>(2);
  task.code = s.Text(3);
  task.title_vi = s.Text(4);
  task.title_en = s.Text(5);
  task.description = s.Text(6);
  task.parent = s.IdAt<TaskId>(7);
  task.lead_unit = s.IdAt<OrgUnitId>(8);
  PW_SQL_ASSIGN(task.kind, ParseStored<TaskKind>(s, 9, "task kind", ParseTaskKind));
  PW_SQL_ASSIGN(task.assigned_on, s.DateAt(10));
  PW_SQL_ASSIGN(task.start, s.OptionalDateAt(11));
  PW_SQL_ASSIGN(task.deadline, s.OptionalDateAt(12));
  if (!s.IsNull(13)) {
    PW_SQL_ASSIGN(task.cadence, ParseStored<PeriodType>(s, 13, "task cadence", ParsePeriodType));
  }
  task.expected_output = s.Text(14);
  task.priority = static_cast<int>(s.Int(15));
  task.classified = s.Int(16) != 0;
  return task;
}

const std::string& SelectTasksOfPlan() {
  static const std::string sql =
      std::string("SELECT id, ") + kTaskColumns + " FROM tasks WHERE plan_id = ?1 ORDER BY id";
  return sql;
}

const std::string& SelectTask() {
  static const std::string sql =
      std::string("SELECT id, ") + kTaskColumns + " FROM tasks WHERE id = ?1";
  return sql;
}

// Archived versions: TaskRow's columns, then the lists (17, 18), stored_at and superseded_at.
const std::string& SelectTaskVersions() {
  static const std::string sql = std::string("SELECT task_id, ") + kTaskColumns +
                                 ", coordinating_unit_ids, indicator_ids, stored_at, "
                                 "superseded_at FROM task_versions WHERE task_id = ?1 "
                                 "ORDER BY version";
  return sql;
}

// Current rows of plan ?1 recorded at or before ?2: they are still current at ?2.
const std::string& SelectTasksOfPlanAsOf() {
  static const std::string sql = std::string("SELECT id, ") + kTaskColumns +
                                 " FROM tasks WHERE plan_id = ?1 AND stored_at <= ?2 ORDER BY id";
  return sql;
}

// Archived versions of plan ?1 that were current at ?2.
const std::string& SelectTaskVersionsOfPlanAsOf() {
  static const std::string sql = std::string("SELECT task_id, ") + kTaskColumns +
                                 ", coordinating_unit_ids, indicator_ids FROM task_versions "
                                 "WHERE plan_id = ?1 AND stored_at <= ?2 AND superseded_at > ?2 "
                                 "ORDER BY task_id";
  return sql;
}

constexpr char kSelectTaskStamp[] = "SELECT stored_at FROM tasks WHERE id = ?1";

// A task_versions row: TaskRow's columns with the lists as written by the history writer.
Result<Task> TaskVersionRow(const Statement& s) {
  PW_SQL_ASSIGN(Task version, TaskRow(s));
  auto units = ParseIdList<OrgUnitId>(s.Text(17));
  if (!units) return Internal("stored coordinating units: " + units.error().message);
  auto indicators = ParseIdList<IndicatorId>(s.Text(18));
  if (!indicators) return Internal("stored task indicators: " + indicators.error().message);
  version.coordinating_units = std::move(*units);
  version.indicators = std::move(*indicators);
  return version;
}

// `text` in the stored form, so a text comparison with stored_at compares instants (a 1–9
// digit fraction is truncated to milliseconds). invalid_argument naming it otherwise.
Result<std::string> StoredInstant(const std::string& text) {
  PW_SQL_ASSIGN(std::int64_t ms, ParseTimestamp(text));
  return FormatTimestamp(ms);
}

constexpr char kSelectPlanCoordinatingUnits[] =
    "SELECT c.task_id, c.org_unit_id FROM task_coordinating_units c "
    "JOIN tasks t ON t.id = c.task_id WHERE t.plan_id = ?1 ORDER BY c.task_id, c.position";
constexpr char kSelectPlanTaskIndicators[] =
    "SELECT i.task_id, i.indicator_id FROM task_indicators i "
    "JOIN tasks t ON t.id = i.task_id WHERE t.plan_id = ?1 ORDER BY i.task_id, i.position";
constexpr char kSelectTaskCoordinatingUnits[] =
    "SELECT task_id, org_unit_id FROM task_coordinating_units WHERE task_id = ?1 "
    "ORDER BY position";
constexpr char kSelectTaskIndicators[] =
    "SELECT task_id, indicator_id FROM task_indicators WHERE task_id = ?1 ORDER BY position";

// Appends (owner id, member id) rows of `sql` bound to `key` to the list `member` of the owner.
template <typename Owner, typename Member>
Status FillLists(Connection& connection, std::string_view sql, std::int64_t key,
                 std::vector<Owner>& owners, std::vector<Member> Owner::*member) {
  std::unordered_map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < owners.size(); ++i) index[owners[i].id.value] = i;
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  stmt.BindInt(1, key);
  while (true) {
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return {};
    auto it = index.find(stmt.Int(0));
    if (it == index.end()) continue;
    (owners[it->second].*member).push_back(Member{stmt.Int(1)});
  }
}

Result<TaskEvent> TaskEventRow(const Statement& s) {
  TaskEvent event;
  event.task = s.IdAt<TaskId>(0);
  PW_SQL_ASSIGN(event.kind,
                ParseStored<TaskEventKind>(s, 1, "task event kind", ParseTaskEventKind));
  PW_SQL_ASSIGN(event.on, s.DateAt(2));
  if (!s.IsNull(3)) event.progress_percent = static_cast<int>(s.Int(3));
  PW_SQL_ASSIGN(event.completed_on, s.OptionalDateAt(4));
  PW_SQL_ASSIGN(event.new_deadline, s.OptionalDateAt(5));
  if (!s.IsNull(6)) {
    PW_SQL_ASSIGN(event.period, ParseStored<Period>(s, 6, "period", Period::Parse));
  }
  event.actor = s.Text(7);
  event.requested_by = s.Text(8);
  event.reason = s.Text(9);
  event.difficulties = s.Text(10);
  event.proposals = s.Text(11);
  event.evidence = s.Text(12);
  event.new_lead_unit = s.IdAt<OrgUnitId>(13);
  return event;
}

constexpr char kSelectIndicators[] =
    "SELECT id, code, name_vi, name_en, unit_of_measure, indicator_class, value_type, "
    "unit_aggregation, numerator_id, denominator_id, factor, time_aggregation, direction, "
    "period_type, baseline_value, baseline_date, min_value, max_value, at_risk_threshold, "
    "data_source, responsible_unit_id FROM indicators WHERE deleted_at IS NULL ORDER BY id";

Result<Indicator> IndicatorRow(const Statement& s) {
  Indicator ind;
  ind.id = s.IdAt<IndicatorId>(0);
  ind.code = s.Text(1);
  ind.name_vi = s.Text(2);
  ind.name_en = s.Text(3);
  ind.unit_of_measure = s.Text(4);
  PW_SQL_ASSIGN(ind.indicator_class,
                ParseStored<IndicatorClass>(s, 5, "indicator class", ParseIndicatorClass));
  PW_SQL_ASSIGN(ind.value_type, ParseStored<ValueType>(s, 6, "value type", ParseValueType));
  PW_SQL_ASSIGN(ind.unit_aggregation,
                ParseStored<UnitAggregation>(s, 7, "unit aggregation", ParseUnitAggregation));
  ind.numerator = s.IdAt<IndicatorId>(8);
  ind.denominator = s.IdAt<IndicatorId>(9);
  ind.factor = s.Double(10);
  PW_SQL_ASSIGN(ind.time_aggregation,
                ParseStored<TimeAggregation>(s, 11, "time aggregation", ParseTimeAggregation));
  PW_SQL_ASSIGN(ind.direction, ParseStored<Direction>(s, 12, "direction", ParseDirection));
  PW_SQL_ASSIGN(ind.period_type, ParseStored<PeriodType>(s, 13, "period type", ParsePeriodType));
  ind.baseline_value = s.OptionalDoubleAt(14);
  PW_SQL_ASSIGN(ind.baseline_date, s.OptionalDateAt(15));
  ind.min_value = s.OptionalDoubleAt(16);
  ind.max_value = s.OptionalDoubleAt(17);
  ind.at_risk_threshold = s.Double(18);
  ind.data_source = s.Text(19);
  ind.responsible_unit = s.IdAt<OrgUnitId>(20);
  return ind;
}

// Targets list by (indicator, unit with none first, date), the unique index's order.
constexpr char kSelectTargets[] =
    "SELECT indicator_id, unit_id, target_date, value FROM targets "
    "ORDER BY indicator_id, coalesce(unit_id, 0), target_date";

// Columns 0–3 as TargetRow reads them, then stored_at and superseded_at ('' for the current
// value): the archived versions of the key (?1 indicator, ?2 unit or 0, ?3 date) in append
// order, then the current row.
constexpr char kSelectTargetHistory[] =
    "SELECT indicator_id, unit_id, target_date, value, stored_at, superseded_at, 0, sequence "
    "FROM target_versions WHERE indicator_id = ?1 AND coalesce(unit_id, 0) = ?2 AND "
    "target_date = ?3 "
    "UNION ALL SELECT indicator_id, unit_id, target_date, value, stored_at, '', 1, 0 "
    "FROM targets WHERE indicator_id = ?1 AND coalesce(unit_id, 0) = ?2 AND target_date = ?3 "
    "ORDER BY 7, 8";

// The value of each target current at ?1: [stored_at, superseded_at) holds it. A current row
// recorded at or before ?1 excludes every archived version of the same key, which ended earlier.
constexpr char kSelectTargetsAsOf[] =
    "SELECT indicator_id, unit_id, target_date, value FROM ("
    "SELECT indicator_id, unit_id, target_date, value FROM target_versions "
    "WHERE stored_at <= ?1 AND superseded_at > ?1 "
    "UNION ALL SELECT indicator_id, unit_id, target_date, value FROM targets "
    "WHERE stored_at <= ?1) AS t ORDER BY indicator_id, coalesce(unit_id, 0), target_date";

Result<Target> TargetRow(const Statement& s) {
  Target target;
  target.indicator = s.IdAt<IndicatorId>(0);
  target.unit = s.IdAt<OrgUnitId>(1);
  PW_SQL_ASSIGN(target.date, s.DateAt(2));
  target.value = s.Double(3);
  return target;
}

// Columns of a data value in data_values and data_value_versions; column 8 is the tombstone flag.
Result<DataValue> DataValueRow(const Statement& s) {
  DataValue value;
  value.indicator = s.IdAt<IndicatorId>(0);
  value.unit = s.IdAt<OrgUnitId>(1);
  PW_SQL_ASSIGN(value.period, ParseStored<Period>(s, 2, "period", Period::Parse));
  value.value = s.Double(3);
  value.comment = s.Text(4);
  PW_SQL_ASSIGN(value.state, ParseStored<ValueState>(s, 5, "value state", ParseValueState));
  value.stored_by = s.Text(6);
  value.stored_at = s.Text(7);
  value.deleted = s.Int(8) != 0;
  return value;
}

// data_values holds no deleted value: DeleteDataValue removes the row.
constexpr char kSelectCurrentDataValues[] =
    "SELECT indicator_id, unit_id, period, value, comment, state, stored_by, stored_at, 0 "
    "FROM data_values WHERE (indicator_id = ?1 OR ?1 IS NULL) AND (unit_id = ?2 OR ?2 IS NULL) "
    "ORDER BY indicator_id, unit_id, period_start, period_rank";

// The latest version at or before ?3 of each value, unless that version is a tombstone (the
// value was deleted by then). Stamps grow with sequence, and versions written in one transaction
// share a stamp, so the latest is the highest sequence.
constexpr char kSelectDataValuesAsOf[] =
    "SELECT v.indicator_id, v.unit_id, v.period, v.value, v.comment, v.state, v.stored_by, "
    "v.stored_at, v.deleted FROM data_value_versions v "
    "WHERE v.stored_at <= ?3 AND v.deleted = 0 AND (v.indicator_id = ?1 OR ?1 IS NULL) "
    "AND (v.unit_id = ?2 OR ?2 IS NULL) "
    "AND v.sequence = (SELECT max(w.sequence) FROM data_value_versions w "
    "WHERE w.indicator_id = v.indicator_id AND w.unit_id = v.unit_id "
    "AND w.period_start = v.period_start AND w.period_rank = v.period_rank "
    "AND w.stored_at <= ?3) "
    "ORDER BY v.indicator_id, v.unit_id, v.period_start, v.period_rank";

constexpr char kSelectDataValueHistory[] =
    "SELECT indicator_id, unit_id, period, value, comment, state, stored_by, stored_at, deleted "
    "FROM data_value_versions WHERE indicator_id = ?1 AND unit_id = ?2 AND period_start = ?3 "
    "AND period_rank = ?4 ORDER BY sequence";

}  // namespace

Result<std::vector<OrgUnit>> ReadOrgUnits(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectOrgUnits));
  return Collect<OrgUnit>(stmt, OrgUnitRow);
}

Result<std::vector<Succession>> ReadSuccessions(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt,
                connection.Prepare("SELECT predecessor_id, successor_id, effective_on "
                                   "FROM successions ORDER BY effective_on, predecessor_id, "
                                   "successor_id"));
  return Collect<Succession>(stmt, [](const Statement& s) -> Result<Succession> {
    Succession succession;
    succession.predecessor = s.IdAt<OrgUnitId>(0);
    succession.successor = s.IdAt<OrgUnitId>(1);
    PW_SQL_ASSIGN(succession.effective_on, s.DateAt(2));
    return succession;
  });
}

Result<std::vector<Directive>> ReadDirectives(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt,
                connection.Prepare("SELECT id, number, kind, issuer, issued_on, title_vi, "
                                   "title_en, url FROM directives WHERE deleted_at IS NULL "
                                   "ORDER BY id"));
  return Collect<Directive>(stmt, [](const Statement& s) -> Result<Directive> {
    Directive directive;
    directive.id = s.IdAt<DirectiveId>(0);
    directive.number = s.Text(1);
    directive.kind = s.Text(2);
    directive.issuer = s.Text(3);
    PW_SQL_ASSIGN(directive.issued_on, s.OptionalDateAt(4));
    directive.title_vi = s.Text(5);
    directive.title_en = s.Text(6);
    directive.url = s.Text(7);
    return directive;
  });
}

Result<std::vector<Plan>> ReadPlans(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt,
                connection.Prepare("SELECT id, code, title_vi, title_en, issuer_id, parent_id, "
                                   "start_on, end_on, standing_agency_id FROM plans "
                                   "WHERE deleted_at IS NULL ORDER BY id"));
  PW_SQL_ASSIGN(auto plans, Collect<Plan>(stmt, [](const Statement& s) -> Result<Plan> {
                  Plan plan;
                  plan.id = s.IdAt<PlanId>(0);
                  plan.code = s.Text(1);
                  plan.title_vi = s.Text(2);
                  plan.title_en = s.Text(3);
                  plan.issuer = s.IdAt<OrgUnitId>(4);
                  plan.parent = s.IdAt<PlanId>(5);
                  PW_SQL_ASSIGN(plan.start, s.OptionalDateAt(6));
                  PW_SQL_ASSIGN(plan.end, s.OptionalDateAt(7));
                  plan.standing_agency = s.IdAt<OrgUnitId>(8);
                  return plan;
                }));
  std::unordered_map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < plans.size(); ++i) index[plans[i].id.value] = i;
  {
    PW_SQL_ASSIGN(auto links,
                  connection.Prepare("SELECT plan_id, directive_id FROM plan_directives "
                                     "ORDER BY plan_id, position"));
    while (true) {
      PW_SQL_ASSIGN(bool row, links.Step());
      if (!row) break;
      if (auto it = index.find(links.Int(0)); it != index.end()) {
        plans[it->second].directives.push_back(links.IdAt<DirectiveId>(1));
      }
    }
  }
  PW_SQL_ASSIGN(auto stages, connection.Prepare("SELECT plan_id, stage FROM plan_stages "
                                                "ORDER BY plan_id, position"));
  while (true) {
    PW_SQL_ASSIGN(bool row, stages.Step());
    if (!row) break;
    if (auto it = index.find(stages.Int(0)); it != index.end()) {
      plans[it->second].stages.push_back(stages.Text(1));
    }
  }
  return plans;
}

Result<std::vector<TaskGroup>> ReadTaskGroups(Connection& connection, PlanId plan) {
  PW_SQL_TRY(RequirePlan(connection, plan));
  PW_SQL_ASSIGN(auto stmt,
                connection.Prepare("SELECT id, plan_id, code, title_vi, title_en, display_order, "
                                   "parent_id FROM task_groups WHERE plan_id = ?1 AND "
                                   "deleted_at IS NULL ORDER BY id"));
  stmt.BindInt(1, plan.value);
  return Collect<TaskGroup>(stmt, [](const Statement& s) -> Result<TaskGroup> {
    TaskGroup group;
    group.id = s.IdAt<TaskGroupId>(0);
    group.plan = s.IdAt<PlanId>(1);
    group.code = s.Text(2);
    group.title_vi = s.Text(3);
    group.title_en = s.Text(4);
    group.order = static_cast<int>(s.Int(5));
    group.parent = s.IdAt<TaskGroupId>(6);
    return group;
  });
}

Result<std::vector<Task>> ReadTasks(Connection& connection, PlanId plan) {
  PW_SQL_TRY(RequirePlan(connection, plan));
  std::vector<Task> tasks;
  {
    PW_SQL_ASSIGN(auto stmt, connection.Prepare(SelectTasksOfPlan()));
    stmt.BindInt(1, plan.value);
    PW_SQL_ASSIGN(tasks, Collect<Task>(stmt, TaskRow));
  }
  PW_SQL_TRY(FillLists(connection, kSelectPlanCoordinatingUnits, plan.value, tasks,
                       &Task::coordinating_units));
  PW_SQL_TRY(
      FillLists(connection, kSelectPlanTaskIndicators, plan.value, tasks, &Task::indicators));
  return tasks;
}

Result<std::optional<Task>> ReadTask(Connection& connection, TaskId id) {
  std::vector<Task> tasks;
  {
    PW_SQL_ASSIGN(auto stmt, connection.Prepare(SelectTask()));
    stmt.BindInt(1, id.value);
    PW_SQL_ASSIGN(tasks, Collect<Task>(stmt, TaskRow));
  }
  if (tasks.empty()) return std::optional<Task>();
  PW_SQL_TRY(FillLists(connection, kSelectTaskCoordinatingUnits, id.value, tasks,
                       &Task::coordinating_units));
  PW_SQL_TRY(FillLists(connection, kSelectTaskIndicators, id.value, tasks, &Task::indicators));
  return std::optional<Task>(std::move(tasks.front()));
}

Result<std::vector<TaskEvent>> ReadTaskEvents(Connection& connection, PlanId plan) {
  PW_SQL_TRY(RequirePlan(connection, plan));
  PW_SQL_ASSIGN(
      auto stmt,
      connection.Prepare("SELECT e.task_id, e.kind, e.on_date, e.progress_percent, e.completed_on, "
                         "e.new_deadline, e.period, e.actor, e.requested_by, e.reason, "
                         "e.difficulties, e.proposals, e.evidence, e.new_lead_unit_id "
                         "FROM task_events e "
                         "JOIN tasks t ON t.id = e.task_id WHERE t.plan_id = ?1 "
                         "ORDER BY e.sequence"));
  stmt.BindInt(1, plan.value);
  return Collect<TaskEvent>(stmt, TaskEventRow);
}

Result<std::vector<Indicator>> ReadIndicators(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectIndicators));
  return Collect<Indicator>(stmt, IndicatorRow);
}

Result<std::vector<Target>> ReadTargets(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectTargets));
  return Collect<Target>(stmt, TargetRow);
}

Result<std::vector<Version<Target>>> ReadTargetHistory(Connection& connection,
                                                       IndicatorId indicator, OrgUnitId unit,
                                                       Date date) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectTargetHistory));
  stmt.BindInt(1, indicator.value);
  stmt.BindInt(2, unit.value);
  stmt.BindDate(3, date);
  return Collect<Version<Target>>(stmt, [](const Statement& s) -> Result<Version<Target>> {
    PW_SQL_ASSIGN(Target value, TargetRow(s));
    return Version<Target>{value, s.Text(4), s.Text(5)};
  });
}

Result<std::vector<Target>> ReadTargetsAsOf(Connection& connection, const std::string& as_of) {
  PW_SQL_ASSIGN(const std::string instant, StoredInstant(as_of));
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectTargetsAsOf));
  stmt.BindText(1, instant);
  return Collect<Target>(stmt, TargetRow);
}

Result<std::vector<DataValue>> ReadDataValues(Connection& connection, const DataValueQuery& query) {
  std::optional<std::string> as_of;
  if (query.as_of) {
    PW_SQL_ASSIGN(as_of, StoredInstant(*query.as_of));
  }
  PW_SQL_ASSIGN(auto stmt,
                connection.Prepare(as_of ? kSelectDataValuesAsOf : kSelectCurrentDataValues));
  if (query.indicator) {
    stmt.BindInt(1, query.indicator->value);
  } else {
    stmt.BindNull(1);
  }
  if (query.unit) {
    stmt.BindInt(2, query.unit->value);
  } else {
    stmt.BindNull(2);
  }
  if (as_of) stmt.BindText(3, *as_of);
  return Collect<DataValue>(stmt, DataValueRow);
}

Status ScanDataValues(Connection& connection, const std::function<void(const ValueCell&)>& visit) {
  PW_SQL_ASSIGN(auto stmt, connection.PrepareScan(
                               "SELECT indicator_id, unit_id, period, value FROM data_values"));
  while (true) {
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return {};
    ValueCell cell;
    cell.indicator = IndicatorId{stmt.Int(0)};
    cell.unit = OrgUnitId{stmt.Int(1)};
    PW_SQL_ASSIGN(cell.period, ParseStored<Period>(stmt, 2, "period", Period::Parse));
    cell.value = stmt.Double(3);
    visit(cell);
  }
}

Status ScanValueVersions(Connection& connection, std::int64_t after,
                         const std::function<void(const ValueVersionCell&)>& visit) {
  PW_SQL_ASSIGN(auto stmt, connection.PrepareScan("SELECT sequence, indicator_id, unit_id, period, "
                                                  "value, deleted FROM data_value_versions "
                                                  "WHERE sequence > ?1 ORDER BY sequence"));
  stmt.BindInt(1, after);
  while (true) {
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return {};
    ValueVersionCell version;
    version.sequence = stmt.Int(0);
    version.cell.indicator = IndicatorId{stmt.Int(1)};
    version.cell.unit = OrgUnitId{stmt.Int(2)};
    PW_SQL_ASSIGN(version.cell.period, ParseStored<Period>(stmt, 3, "period", Period::Parse));
    version.cell.value = stmt.Double(4);
    version.erased = stmt.Int(5) != 0;
    visit(version);
  }
}

Result<std::int64_t> ReadLastValueSequence(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt,
                connection.Prepare("SELECT coalesce(max(sequence), 0) FROM data_value_versions"));
  PW_SQL_ASSIGN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

Result<CommitLogSummary> ReadCommitLog(Connection& connection, std::int64_t after,
                                       std::int64_t upto) {
  CommitLogSummary summary;
  if (upto <= after) {
    summary.complete = true;
    return summary;
  }
  PW_SQL_ASSIGN(auto stmt,
                connection.Prepare("SELECT serial, catalog, plans FROM commit_log "
                                   "WHERE serial > ?1 AND serial <= ?2 ORDER BY serial"));
  stmt.BindInt(1, after);
  stmt.BindInt(2, upto);
  std::int64_t expected = after + 1;
  bool contiguous = true;
  while (true) {
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) break;
    contiguous = contiguous && stmt.Int(0) == expected;
    ++expected;
    summary.catalog = summary.catalog || stmt.Int(1) != 0;
    const std::string plans = stmt.Text(2);
    const char* at = plans.data();
    const char* end = at + plans.size();
    while (at < end) {
      std::int64_t id = 0;
      auto [next, ec] = std::from_chars(at, end, id);
      if (ec != std::errc()) return Internal("commit_log: unreadable plans '" + plans + "'");
      summary.plans.push_back(PlanId{id});
      at = next < end && *next == ' ' ? next + 1 : next;
    }
  }
  summary.complete = contiguous && expected == upto + 1;
  std::ranges::sort(summary.plans);
  const auto [first, last] = std::ranges::unique(summary.plans);
  summary.plans.erase(first, last);
  return summary;
}

Result<std::vector<DataValue>> ReadDataValueHistory(Connection& connection, IndicatorId indicator,
                                                    OrgUnitId unit, const Period& period) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectDataValueHistory));
  stmt.BindInt(1, indicator.value);
  stmt.BindInt(2, unit.value);
  stmt.BindDate(3, period.start());
  stmt.BindInt(4, static_cast<std::int64_t>(period.type()));
  return Collect<DataValue>(stmt, DataValueRow);
}

Result<std::vector<Version<Task>>> ReadTaskHistory(Connection& connection, TaskId task) {
  std::string current_recorded_at;
  {
    PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectTaskStamp));
    stmt.BindInt(1, task.value);
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return NotFound("task " + std::to_string(task.value) + " does not exist");
    current_recorded_at = stmt.Text(0);
  }
  std::vector<Version<Task>> history;
  {
    PW_SQL_ASSIGN(auto stmt, connection.Prepare(SelectTaskVersions()));
    stmt.BindInt(1, task.value);
    PW_SQL_ASSIGN(history,
                  Collect<Version<Task>>(stmt, [](const Statement& s) -> Result<Version<Task>> {
                    PW_SQL_ASSIGN(Task value, TaskVersionRow(s));
                    return Version<Task>{std::move(value), s.Text(19), s.Text(20)};
                  }));
  }
  PW_SQL_ASSIGN(std::optional<Task> current, ReadTask(connection, task));
  if (!current) return Internal("task " + std::to_string(task.value) + " vanished while read");
  history.push_back(Version<Task>{std::move(*current), std::move(current_recorded_at), ""});
  return history;
}

Result<std::vector<Version<OrgUnit>>> ReadOrgUnitHistory(Connection& connection, OrgUnitId unit) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectOrgUnitHistory));
  stmt.BindInt(1, unit.value);
  PW_SQL_ASSIGN(auto history,
                Collect<Version<OrgUnit>>(stmt, [](const Statement& s) -> Result<Version<OrgUnit>> {
                  PW_SQL_ASSIGN(OrgUnit value, OrgUnitRow(s));
                  return Version<OrgUnit>{std::move(value), s.Text(10), s.Text(11)};
                }));
  // The current row is always part of the result when the unit exists.
  if (history.empty()) {
    return NotFound("org unit " + std::to_string(unit.value) + " does not exist");
  }
  return history;
}

Result<std::vector<Task>> ReadTasksAsOf(Connection& connection, PlanId plan,
                                        const std::string& as_of) {
  PW_SQL_ASSIGN(const std::string instant, StoredInstant(as_of));
  PW_SQL_TRY(RequirePlan(connection, plan));
  std::vector<Task> current;
  {
    PW_SQL_ASSIGN(auto stmt, connection.Prepare(SelectTasksOfPlanAsOf()));
    stmt.BindInt(1, plan.value);
    stmt.BindText(2, instant);
    PW_SQL_ASSIGN(current, Collect<Task>(stmt, TaskRow));
  }
  // The current lists belong to the current rows only, so they are filled before the merge.
  PW_SQL_TRY(FillLists(connection, kSelectPlanCoordinatingUnits, plan.value, current,
                       &Task::coordinating_units));
  PW_SQL_TRY(
      FillLists(connection, kSelectPlanTaskIndicators, plan.value, current, &Task::indicators));
  std::vector<Task> archived;
  {
    PW_SQL_ASSIGN(auto stmt, connection.Prepare(SelectTaskVersionsOfPlanAsOf()));
    stmt.BindInt(1, plan.value);
    stmt.BindText(2, instant);
    PW_SQL_ASSIGN(archived, Collect<Task>(stmt, TaskVersionRow));
  }
  std::vector<Task> tasks;
  tasks.reserve(current.size() + archived.size());
  std::merge(std::make_move_iterator(current.begin()), std::make_move_iterator(current.end()),
             std::make_move_iterator(archived.begin()), std::make_move_iterator(archived.end()),
             std::back_inserter(tasks), [](const Task& a, const Task& b) { return a.id < b.id; });
  return tasks;
}

Result<std::vector<OrgUnit>> ReadOrgUnitsAsOf(Connection& connection, const std::string& as_of) {
  PW_SQL_ASSIGN(const std::string instant, StoredInstant(as_of));
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectOrgUnitsAsOf));
  stmt.BindText(1, instant);
  return Collect<OrgUnit>(stmt, OrgUnitRow);
}

}  // namespace planwatch::sql
