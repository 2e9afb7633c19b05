#include "planwatch/storage/sql/write.h"

#include <cmath>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "planwatch/storage/sql/read.h"
#include "planwatch/storage/sql/rows.h"
#include "planwatch/storage/sql/status_macros.h"
#include "planwatch/storage/sql/timestamp.h"

namespace planwatch::sql {
namespace {

// Existence of a row by id, one constant statement per table. "Live": not soft-deleted; an
// update, and a row placed inside another (a task in a plan, a value of an indicator), needs a
// live one, while a list naming a row (a plan's directives, a task's indicators, a ratio's
// parts) may keep naming a deleted one.
constexpr char kOrgUnitExists[] = "SELECT 1 FROM org_units WHERE id = ?1";
constexpr char kDirectiveExists[] = "SELECT 1 FROM directives WHERE id = ?1";
constexpr char kDirectiveLive[] = "SELECT 1 FROM directives WHERE id = ?1 AND deleted_at IS NULL";
constexpr char kPlanLive[] = "SELECT 1 FROM plans WHERE id = ?1 AND deleted_at IS NULL";
constexpr char kTaskGroupLive[] = "SELECT 1 FROM task_groups WHERE id = ?1 AND deleted_at IS NULL";
constexpr char kTaskGroupLiveInPlan[] =
    "SELECT 1 FROM task_groups WHERE id = ?1 AND plan_id = ?2 AND deleted_at IS NULL";
constexpr char kTaskExists[] = "SELECT 1 FROM tasks WHERE id = ?1";
constexpr char kIndicatorExists[] = "SELECT 1 FROM indicators WHERE id = ?1";
constexpr char kIndicatorLive[] = "SELECT 1 FROM indicators WHERE id = ?1 AND deleted_at IS NULL";

// Whether following parent links up from ?1 reaches ?2. UNION stops on an existing cycle.
constexpr char kOrgUnitAncestry[] =
    "WITH RECURSIVE up(id) AS (SELECT CAST(?1 AS bigint) UNION SELECT o.parent_id FROM org_units o "
    "JOIN up ON o.id = up.id WHERE o.parent_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?2";
constexpr char kPlanAncestry[] =
    "WITH RECURSIVE up(id) AS (SELECT CAST(?1 AS bigint) UNION SELECT p.parent_id FROM plans p "
    "JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?2";
constexpr char kTaskGroupAncestry[] =
    "WITH RECURSIVE up(id) AS (SELECT CAST(?1 AS bigint) UNION SELECT g.parent_id FROM task_groups "
    "g "
    "JOIN up ON g.id = up.id WHERE g.parent_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?2";
constexpr char kTaskAncestry[] =
    "WITH RECURSIVE up(id) AS (SELECT CAST(?1 AS bigint) UNION SELECT t.parent_id FROM tasks t "
    "JOIN up ON t.id = up.id WHERE t.parent_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?2";

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// invalid_argument "<subject>: <what> <id> does not exist" unless `id` is none or exists.
template <typename Tag>
Status RequireRow(Connection& connection, std::string_view exists_sql, Id<Tag> id,
                  const std::string& subject, std::string_view what) {
  if (!id) return {};
  PW_SQL_ASSIGN(bool found, HasRow(connection, exists_sql, id.value));
  if (!found) {
    return InvalidArgument(subject + ": " + std::string(what) + " " + std::to_string(id.value) +
                           " does not exist");
  }
  return {};
}

// invalid_argument when `self` (an existing row) would become its own ancestor via `parent`.
template <typename Tag>
Status RequireNoCycle(Connection& connection, std::string_view ancestry_sql, Id<Tag> self,
                      Id<Tag> parent, const std::string& subject) {
  if (!self || !parent) return {};
  PW_SQL_ASSIGN(bool cycle, HasRow(connection, ancestry_sql, parent.value, self.value));
  if (cycle) {
    return InvalidArgument(subject + ": parent " + std::to_string(parent.value) +
                           " would make it its own ancestor");
  }
  return {};
}

Status RequireCode(std::string_view code, std::string_view what) {
  if (code.empty()) return InvalidArgument(std::string(what) + " is empty");
  return {};
}

Status RequireFinite(double value, const std::string& subject, std::string_view field) {
  if (!std::isfinite(value)) {
    return InvalidArgument(subject + ": " + std::string(field) + " is not a finite number");
  }
  return {};
}

template <typename Tag>
Status RequireDistinct(const std::vector<Id<Tag>>& ids, const std::string& subject,
                       std::string_view what) {
  std::set<std::int64_t> seen;
  for (Id<Tag> id : ids) {
    if (!seen.insert(id.value).second) {
      return InvalidArgument(subject + ": " + std::string(what) + " " + std::to_string(id.value) +
                             " is listed twice");
    }
  }
  return {};
}

// conflict when `sql` (?1 code, ?2 own id, ?3 scope) finds another row holding the code; `sql`
// selects that row's id and whether it is deleted.
Status RequireFreeCode(Connection& connection, std::string_view sql, std::string_view code,
                       std::int64_t own_id, std::optional<std::int64_t> scope,
                       const std::string& what) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  stmt.BindText(1, code);
  stmt.BindInt(2, own_id);
  if (scope) stmt.BindInt(3, *scope);
  PW_SQL_ASSIGN(bool taken, stmt.Step());
  if (taken) {
    std::string message = what + " " + Quoted(code) + " is already taken";
    if (scope) message += " in plan " + std::to_string(*scope);
    const char* by = stmt.Bool(1) ? " (by deleted id " : " (by id ";
    return Conflict(message + by + std::to_string(stmt.Int(0)) + ")");
  }
  return {};
}

// not_found unless the row `id` of `exists_sql`'s table exists.
template <typename Tag>
Status RequireExisting(Connection& connection, std::string_view exists_sql, Id<Tag> id,
                       std::string_view what) {
  PW_SQL_ASSIGN(bool found, HasRow(connection, exists_sql, id.value));
  if (!found) {
    return NotFound(std::string(what) + " " + std::to_string(id.value) + " does not exist");
  }
  return {};
}

template <typename Tag>
std::string JoinIds(const std::vector<Id<Tag>>& ids) {
  std::string text;
  for (Id<Tag> id : ids) {
    if (!text.empty()) text += ',';
    text += std::to_string(id.value);
  }
  return text;
}

// Replaces the ordered list rows of `owner`: `delete_sql` (?1 owner), `insert_sql` (?1 owner,
// ?2 position, ?3 member).
template <typename Tag>
Status ReplaceIdList(Connection& connection, const char* delete_sql, const char* insert_sql,
                     std::int64_t owner, const std::vector<Id<Tag>>& members) {
  {
    PW_SQL_ASSIGN(auto del, connection.Prepare(delete_sql));
    del.BindInt(1, owner);
    PW_SQL_TRY(del.Run());
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    PW_SQL_ASSIGN(auto ins, connection.Prepare(insert_sql));
    ins.BindInt(1, owner);
    ins.BindInt(2, static_cast<std::int64_t>(i));
    ins.BindInt(3, members[i].value);
    PW_SQL_TRY(ins.Run());
  }
  return {};
}

// ---- org units ----

constexpr char kOrgUnitCodeTaken[] = "SELECT id, 0 FROM org_units WHERE code = ?1 AND id <> ?2";
constexpr char kArchiveOrgUnit[] =
    "INSERT INTO org_unit_versions (org_unit_id, version, code, name_vi, name_en, type, "
    "parent_id, leader_name, leader_title, valid_from, valid_to, stored_at, superseded_at) "
    "SELECT id, version, code, name_vi, name_en, type, parent_id, leader_name, leader_title, "
    "valid_from, valid_to, stored_at, ?2 FROM org_units WHERE id = ?1";
constexpr char kInsertOrgUnit[] =
    "INSERT INTO org_units (code, name_vi, name_en, type, parent_id, leader_name, leader_title, "
    "valid_from, valid_to, stored_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1)";
constexpr char kUpdateOrgUnit[] =
    "UPDATE org_units SET code = ?1, name_vi = ?2, name_en = ?3, type = ?4, parent_id = ?5, "
    "leader_name = ?6, leader_title = ?7, valid_from = ?8, valid_to = ?9, stored_at = ?10, "
    "version = version + 1 WHERE id = ?11";

// ---- tasks ----

constexpr char kTaskCodeTaken[] =
    "SELECT id, 0 FROM tasks WHERE code = ?1 AND id <> ?2 AND plan_id = ?3";
constexpr char kTaskVersion[] = "SELECT version, stored_at FROM tasks WHERE id = ?1";
constexpr char kArchiveTask[] =
    "INSERT INTO task_versions (task_id, version, plan_id, group_id, code, title_vi, title_en, "
    "description, parent_id, lead_unit_id, coordinating_unit_ids, kind, assigned_on, start_on, "
    "deadline, cadence, expected_output, priority, indicator_ids, classified, stored_at, "
    "superseded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
    "?16, ?17, ?18, ?19, ?20, ?21, ?22)";
constexpr char kInsertTask[] =
    "INSERT INTO tasks (plan_id, group_id, code, title_vi, title_en, description, parent_id, "
    "lead_unit_id, kind, assigned_on, start_on, deadline, cadence, expected_output, priority, "
    "classified, stored_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
    "?13, ?14, ?15, ?16, ?17, 1)";
constexpr char kUpdateTask[] =
    "UPDATE tasks SET plan_id = ?1, group_id = ?2, code = ?3, title_vi = ?4, title_en = ?5, "
    "description = ?6, parent_id = ?7, lead_unit_id = ?8, kind = ?9, assigned_on = ?10, "
    "start_on = ?11, deadline = ?12, cadence = ?13, expected_output = ?14, priority = ?15, "
    "classified = ?16, stored_at = ?17, version = version + 1 WHERE id = ?18";

void BindCadence(Statement& stmt, int index, const std::optional<PeriodType>& cadence) {
  if (cadence) {
    stmt.BindText(index, PeriodTypeName(*cadence));
  } else {
    stmt.BindNull(index);
  }
}

// Keeps the current version of `id` in task_versions, superseded at `stamp`.
Status ArchiveTask(Connection& connection, TaskId id, const std::string& stamp) {
  std::int64_t version = 0;
  std::string stored_at;
  {
    PW_SQL_ASSIGN(auto stmt, connection.Prepare(kTaskVersion));
    stmt.BindInt(1, id.value);
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return NotFound("task " + std::to_string(id.value) + " does not exist");
    version = stmt.Int(0);
    stored_at = stmt.Text(1);
  }
  PW_SQL_ASSIGN(std::optional<Task> current, ReadTask(connection, id));
  if (!current) return NotFound("task " + std::to_string(id.value) + " does not exist");
  const Task& t = *current;
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kArchiveTask));
  stmt.BindInt(1, t.id.value);
  stmt.BindInt(2, version);
  stmt.BindId(3, t.plan);
  stmt.BindId(4, t.group);
  stmt.BindText(5, t.code);
  stmt.BindText(6, t.title_vi);
  stmt.BindText(7, t.title_en);
  stmt.BindText(8, t.description);
  stmt.BindId(9, t.parent);
  stmt.BindId(10, t.lead_unit);
  stmt.BindText(11, JoinIds(t.coordinating_units));
  stmt.BindText(12, TaskKindName(t.kind));
  stmt.BindDate(13, t.assigned_on);
  stmt.BindOptionalDate(14, t.start);
  stmt.BindOptionalDate(15, t.deadline);
  BindCadence(stmt, 16, t.cadence);
  stmt.BindText(17, t.expected_output);
  stmt.BindInt(18, t.priority);
  stmt.BindText(19, JoinIds(t.indicators));
  stmt.BindBool(20, t.classified);
  stmt.BindText(21, stored_at);
  stmt.BindText(22, stamp);
  return stmt.Run();
}

// ---- targets ----

// Each statement finds the target by its key as the unique index does: ?1 indicator, ?2 unit (0
// for none), ?3 date.
constexpr char kSelectTargetValue[] =
    "SELECT value FROM targets WHERE indicator_id = ?1 AND coalesce(unit_id, 0) = ?2 AND "
    "target_date = ?3";
// Keeps the current value in target_versions, superseded at ?4.
constexpr char kArchiveTarget[] =
    "INSERT INTO target_versions (indicator_id, unit_id, target_date, value, stored_at, "
    "superseded_at) SELECT indicator_id, unit_id, target_date, value, stored_at, ?4 "
    "FROM targets WHERE indicator_id = ?1 AND coalesce(unit_id, 0) = ?2 AND target_date = ?3";
constexpr char kUpdateTarget[] =
    "UPDATE targets SET value = ?4, stored_at = ?5 WHERE indicator_id = ?1 AND "
    "coalesce(unit_id, 0) = ?2 AND target_date = ?3";
constexpr char kInsertTarget[] =
    "INSERT INTO targets (indicator_id, unit_id, target_date, value, stored_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

// ---- data values ----

constexpr char kInsertDataValueVersion[] =
    "INSERT INTO data_value_versions (indicator_id, unit_id, period, period_start, period_rank, "
    "value, comment, state, stored_by, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr char kUpsertDataValue[] =
    "INSERT INTO data_values (indicator_id, unit_id, period, period_start, period_rank, value, "
    "comment, state, stored_by, stored_at, version_sequence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11) ON CONFLICT (indicator_id, unit_id, period_start, period_rank) DO UPDATE "
    "SET period = excluded.period, value = excluded.value, comment = excluded.comment, "
    "state = excluded.state, stored_by = excluded.stored_by, stored_at = excluded.stored_at, "
    "version_sequence = excluded.version_sequence";

}  // namespace

Result<std::string> WriteContext::Stamp() {
  if (stamp_) return *stamp_;
  PW_SQL_ASSIGN(auto stmt, connection_.Prepare(
                               "UPDATE write_clock SET last_stamp_ms = "
                               "CASE WHEN ?1 > last_stamp_ms THEN ?1 ELSE last_stamp_ms + 1 END "
                               "WHERE id = 1 RETURNING last_stamp_ms"));
  stmt.BindInt(1, now_ms_());
  PW_SQL_ASSIGN(bool row, stmt.Step());
  if (!row) return Internal("write_clock has no row");
  const std::int64_t ms = stmt.Int(0);
  PW_SQL_TRY(stmt.Run());
  stamp_ = FormatTimestamp(ms);
  return *stamp_;
}

Result<OrgUnitId> WriteOrgUnit(WriteContext& context, const OrgUnit& unit) {
  Connection& c = context.connection();
  const std::string subject = "org unit " + Quoted(unit.code);
  PW_SQL_TRY(RequireCode(unit.code, "org unit code"));
  if (unit.id) PW_SQL_TRY(RequireExisting(c, kOrgUnitExists, unit.id, "org unit"));
  PW_SQL_TRY(RequireRow(c, kOrgUnitExists, unit.parent, subject, "parent org unit"));
  PW_SQL_TRY(RequireNoCycle(c, kOrgUnitAncestry, unit.id, unit.parent, subject));
  PW_SQL_TRY(RequireFreeCode(c, kOrgUnitCodeTaken, unit.code, unit.id.value, std::nullopt,
                             "org unit code"));
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  if (unit.id) {
    PW_SQL_ASSIGN(auto archive, c.Prepare(kArchiveOrgUnit));
    archive.BindInt(1, unit.id.value);
    archive.BindText(2, stamp);
    PW_SQL_TRY(archive.Run());
  }
  PW_SQL_ASSIGN(auto stmt, c.Prepare(unit.id ? kUpdateOrgUnit : kInsertOrgUnit));
  stmt.BindText(1, unit.code);
  stmt.BindText(2, unit.name_vi);
  stmt.BindText(3, unit.name_en);
  stmt.BindText(4, OrgUnitTypeName(unit.type));
  stmt.BindId(5, unit.parent);
  stmt.BindText(6, unit.leader_name);
  stmt.BindText(7, unit.leader_title);
  stmt.BindOptionalDate(8, unit.valid_from);
  stmt.BindOptionalDate(9, unit.valid_to);
  stmt.BindText(10, stamp);
  if (unit.id) stmt.BindInt(11, unit.id.value);
  PW_SQL_TRY(stmt.Run());
  if (unit.id) return unit.id;
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("org_units", "id"));
  return OrgUnitId{inserted};
}

Status WriteSuccession(WriteContext& context, const Succession& succession) {
  Connection& c = context.connection();
  const std::string subject = "succession " + std::to_string(succession.predecessor.value) +
                              " -> " + std::to_string(succession.successor.value);
  if (!succession.predecessor || !succession.successor) {
    return InvalidArgument(subject + ": predecessor and successor are required");
  }
  if (succession.predecessor == succession.successor) {
    return InvalidArgument(subject + ": a unit cannot succeed itself");
  }
  PW_SQL_TRY(
      RequireRow(c, kOrgUnitExists, succession.predecessor, subject, "predecessor org unit"));
  PW_SQL_TRY(RequireRow(c, kOrgUnitExists, succession.successor, subject, "successor org unit"));
  PW_SQL_ASSIGN(auto stmt, c.Prepare("INSERT INTO successions (predecessor_id, successor_id, "
                                     "effective_on) VALUES (?1, ?2, ?3) ON CONFLICT "
                                     "(predecessor_id, successor_id) DO UPDATE SET effective_on = "
                                     "excluded.effective_on"));
  stmt.BindInt(1, succession.predecessor.value);
  stmt.BindInt(2, succession.successor.value);
  stmt.BindDate(3, succession.effective_on);
  return stmt.Run();
}

Result<DirectiveId> WriteDirective(WriteContext& context, const Directive& directive) {
  Connection& c = context.connection();
  PW_SQL_TRY(RequireCode(directive.number, "directive number"));
  if (directive.id) {
    PW_SQL_TRY(RequireExisting(c, kDirectiveLive, directive.id, "directive"));
  }
  PW_SQL_TRY(RequireFreeCode(c,
                             "SELECT id, deleted_at IS NOT NULL FROM directives "
                             "WHERE number = ?1 AND id <> ?2",
                             directive.number, directive.id.value, std::nullopt,
                             "directive number"));
  PW_SQL_ASSIGN(
      auto stmt,
      c.Prepare(directive.id ? "UPDATE directives SET number = ?1, kind = ?2, issuer = ?3, "
                               "issued_on = ?4, title_vi = ?5, title_en = ?6, url = ?7 "
                               "WHERE id = ?8"
                             : "INSERT INTO directives (number, kind, issuer, issued_on, "
                               "title_vi, title_en, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt.BindText(1, directive.number);
  stmt.BindText(2, directive.kind);
  stmt.BindText(3, directive.issuer);
  stmt.BindOptionalDate(4, directive.issued_on);
  stmt.BindText(5, directive.title_vi);
  stmt.BindText(6, directive.title_en);
  stmt.BindText(7, directive.url);
  if (directive.id) stmt.BindInt(8, directive.id.value);
  PW_SQL_TRY(stmt.Run());
  if (directive.id) return directive.id;
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("directives", "id"));
  return DirectiveId{inserted};
}

Result<PlanId> WritePlan(WriteContext& context, const Plan& plan) {
  Connection& c = context.connection();
  const std::string subject = "plan " + Quoted(plan.code);
  PW_SQL_TRY(RequireCode(plan.code, "plan code"));
  if (plan.id) PW_SQL_TRY(RequireExisting(c, kPlanLive, plan.id, "plan"));
  PW_SQL_TRY(RequireRow(c, kOrgUnitExists, plan.issuer, subject, "issuing org unit"));
  PW_SQL_TRY(
      RequireRow(c, kOrgUnitExists, plan.standing_agency, subject, "standing agency org unit"));
  PW_SQL_TRY(RequireRow(c, kPlanLive, plan.parent, subject, "parent plan"));
  PW_SQL_TRY(RequireNoCycle(c, kPlanAncestry, plan.id, plan.parent, subject));
  PW_SQL_TRY(RequireDistinct(plan.directives, subject, "directive"));
  for (DirectiveId directive : plan.directives) {
    if (!directive) return InvalidArgument(subject + ": directive 0 does not exist");
    PW_SQL_TRY(RequireRow(c, kDirectiveExists, directive, subject, "directive"));
  }
  PW_SQL_TRY(RequireFreeCode(c,
                             "SELECT id, deleted_at IS NOT NULL FROM plans "
                             "WHERE code = ?1 AND id <> ?2",
                             plan.code, plan.id.value, std::nullopt, "plan code"));
  PW_SQL_ASSIGN(auto stmt,
                c.Prepare(plan.id ? "UPDATE plans SET code = ?1, title_vi = ?2, title_en = ?3, "
                                    "issuer_id = ?4, parent_id = ?5, start_on = ?6, "
                                    "end_on = ?7, standing_agency_id = ?8 WHERE id = ?9"
                                  : "INSERT INTO plans (code, title_vi, title_en, issuer_id, "
                                    "parent_id, start_on, end_on, standing_agency_id) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  stmt.BindText(1, plan.code);
  stmt.BindText(2, plan.title_vi);
  stmt.BindText(3, plan.title_en);
  stmt.BindId(4, plan.issuer);
  stmt.BindId(5, plan.parent);
  stmt.BindOptionalDate(6, plan.start);
  stmt.BindOptionalDate(7, plan.end);
  stmt.BindId(8, plan.standing_agency);
  if (plan.id) stmt.BindInt(9, plan.id.value);
  PW_SQL_TRY(stmt.Run());
  PlanId id = plan.id;
  if (!id) {
    PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("plans", "id"));
    id = PlanId{inserted};
  }

  PW_SQL_TRY(ReplaceIdList(c, "DELETE FROM plan_directives WHERE plan_id = ?1",
                           "INSERT INTO plan_directives (plan_id, position, directive_id) "
                           "VALUES (?1, ?2, ?3)",
                           id.value, plan.directives));
  {
    PW_SQL_ASSIGN(auto del, c.Prepare("DELETE FROM plan_stages WHERE plan_id = ?1"));
    del.BindInt(1, id.value);
    PW_SQL_TRY(del.Run());
  }
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    PW_SQL_ASSIGN(auto ins, c.Prepare("INSERT INTO plan_stages (plan_id, position, stage) "
                                      "VALUES (?1, ?2, ?3)"));
    ins.BindInt(1, id.value);
    ins.BindInt(2, static_cast<std::int64_t>(i));
    ins.BindText(3, plan.stages[i]);
    PW_SQL_TRY(ins.Run());
  }
  return id;
}

Result<TaskGroupId> WriteTaskGroup(WriteContext& context, const TaskGroup& group) {
  Connection& c = context.connection();
  const std::string subject = "task group " + Quoted(group.code);
  PW_SQL_TRY(RequireCode(group.code, "task group code"));
  if (group.id) {
    PW_SQL_TRY(RequireExisting(c, kTaskGroupLive, group.id, "task group"));
  }
  if (!group.plan) return InvalidArgument(subject + ": plan is required");
  PW_SQL_TRY(RequireRow(c, kPlanLive, group.plan, subject, "plan"));
  if (group.parent) {
    PW_SQL_ASSIGN(bool in_plan,
                  HasRow(c, kTaskGroupLiveInPlan, group.parent.value, group.plan.value));
    if (!in_plan) {
      return InvalidArgument(subject + ": parent task group " + std::to_string(group.parent.value) +
                             " does not exist in plan " + std::to_string(group.plan.value));
    }
  }
  PW_SQL_TRY(RequireNoCycle(c, kTaskGroupAncestry, group.id, group.parent, subject));
  PW_SQL_TRY(RequireFreeCode(c,
                             "SELECT id, deleted_at IS NOT NULL FROM task_groups "
                             "WHERE code = ?1 AND id <> ?2 AND plan_id = ?3",
                             group.code, group.id.value, group.plan.value, "task group code"));
  PW_SQL_ASSIGN(auto stmt, c.Prepare(group.id ? "UPDATE task_groups SET plan_id = ?1, code = ?2, "
                                                "title_vi = ?3, title_en = ?4, display_order = ?5, "
                                                "parent_id = ?6 WHERE id = ?7"
                                              : "INSERT INTO task_groups (plan_id, code, title_vi, "
                                                "title_en, display_order, parent_id) VALUES "
                                                "(?1, ?2, ?3, ?4, ?5, ?6)"));
  stmt.BindInt(1, group.plan.value);
  stmt.BindText(2, group.code);
  stmt.BindText(3, group.title_vi);
  stmt.BindText(4, group.title_en);
  stmt.BindInt(5, group.order);
  stmt.BindId(6, group.parent);
  if (group.id) stmt.BindInt(7, group.id.value);
  PW_SQL_TRY(stmt.Run());
  if (group.id) return group.id;
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("task_groups", "id"));
  return TaskGroupId{inserted};
}

Result<TaskId> WriteTask(WriteContext& context, const Task& task) {
  Connection& c = context.connection();
  const std::string subject = "task " + Quoted(task.code);
  PW_SQL_TRY(RequireCode(task.code, "task code"));
  if (task.id) PW_SQL_TRY(RequireExisting(c, kTaskExists, task.id, "task"));
  if (!task.plan) return InvalidArgument(subject + ": plan is required");
  PW_SQL_TRY(RequireRow(c, kPlanLive, task.plan, subject, "plan"));
  if (task.group) {
    PW_SQL_ASSIGN(bool in_plan, HasRow(c, kTaskGroupLiveInPlan, task.group.value, task.plan.value));
    if (!in_plan) {
      return InvalidArgument(subject + ": task group " + std::to_string(task.group.value) +
                             " does not exist in plan " + std::to_string(task.plan.value));
    }
  }
  PW_SQL_TRY(RequireRow(c, kTaskExists, task.parent, subject, "parent task"));
  PW_SQL_TRY(RequireNoCycle(c, kTaskAncestry, task.id, task.parent, subject));
  PW_SQL_TRY(RequireRow(c, kOrgUnitExists, task.lead_unit, subject, "lead unit"));
  PW_SQL_TRY(RequireDistinct(task.coordinating_units, subject, "coordinating unit"));
  for (OrgUnitId unit : task.coordinating_units) {
    if (!unit) return InvalidArgument(subject + ": coordinating unit 0 does not exist");
    PW_SQL_TRY(RequireRow(c, kOrgUnitExists, unit, subject, "coordinating unit"));
  }
  PW_SQL_TRY(RequireDistinct(task.indicators, subject, "indicator"));
  for (IndicatorId indicator : task.indicators) {
    if (!indicator) return InvalidArgument(subject + ": indicator 0 does not exist");
    PW_SQL_TRY(RequireRow(c, kIndicatorExists, indicator, subject, "indicator"));
  }
  PW_SQL_TRY(
      RequireFreeCode(c, kTaskCodeTaken, task.code, task.id.value, task.plan.value, "task code"));
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  if (task.id) PW_SQL_TRY(ArchiveTask(c, task.id, stamp));

  PW_SQL_ASSIGN(auto stmt, c.Prepare(task.id ? kUpdateTask : kInsertTask));
  stmt.BindInt(1, task.plan.value);
  stmt.BindId(2, task.group);
  stmt.BindText(3, task.code);
  stmt.BindText(4, task.title_vi);
  stmt.BindText(5, task.title_en);
  stmt.BindText(6, task.description);
  stmt.BindId(7, task.parent);
  stmt.BindId(8, task.lead_unit);
  stmt.BindText(9, TaskKindName(task.kind));
  stmt.BindDate(10, task.assigned_on);
  stmt.BindOptionalDate(11, task.start);
  stmt.BindOptionalDate(12, task.deadline);
  BindCadence(stmt, 13, task.cadence);
  stmt.BindText(14, task.expected_output);
  stmt.BindInt(15, task.priority);
  stmt.BindBool(16, task.classified);
  stmt.BindText(17, stamp);
  if (task.id) stmt.BindInt(18, task.id.value);
  PW_SQL_TRY(stmt.Run());
  TaskId id = task.id;
  if (!id) {
    PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("tasks", "id"));
    id = TaskId{inserted};
  }

  PW_SQL_TRY(ReplaceIdList(c, "DELETE FROM task_coordinating_units WHERE task_id = ?1",
                           "INSERT INTO task_coordinating_units (task_id, position, "
                           "org_unit_id) VALUES (?1, ?2, ?3)",
                           id.value, task.coordinating_units));
  PW_SQL_TRY(ReplaceIdList(c, "DELETE FROM task_indicators WHERE task_id = ?1",
                           "INSERT INTO task_indicators (task_id, position, indicator_id) "
                           "VALUES (?1, ?2, ?3)",
                           id.value, task.indicators));
  return id;
}

Status WriteTaskEvent(WriteContext& context, const TaskEvent& event) {
  Connection& c = context.connection();
  const std::string subject = std::string(TaskEventKindName(event.kind)) + " event";
  if (!event.task) return InvalidArgument(subject + ": task is required");
  PW_SQL_TRY(RequireRow(c, kTaskExists, event.task, subject, "task"));
  PW_SQL_TRY(RequireRow(c, kOrgUnitExists, event.new_lead_unit, subject, "new lead unit"));
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt,
                c.Prepare("INSERT INTO task_events (task_id, kind, on_date, progress_percent, "
                          "completed_on, new_deadline, period, actor, requested_by, reason, "
                          "difficulties, proposals, evidence, stored_at, new_lead_unit_id) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                          "?14, ?15)"));
  stmt.BindInt(1, event.task.value);
  stmt.BindText(2, TaskEventKindName(event.kind));
  stmt.BindDate(3, event.on);
  if (event.progress_percent) {
    stmt.BindInt(4, *event.progress_percent);
  } else {
    stmt.BindNull(4);
  }
  stmt.BindOptionalDate(5, event.completed_on);
  stmt.BindOptionalDate(6, event.new_deadline);
  if (event.period) {
    stmt.BindText(7, event.period->ToString());
  } else {
    stmt.BindNull(7);
  }
  stmt.BindText(8, event.actor);
  stmt.BindText(9, event.requested_by);
  stmt.BindText(10, event.reason);
  stmt.BindText(11, event.difficulties);
  stmt.BindText(12, event.proposals);
  stmt.BindText(13, event.evidence);
  stmt.BindText(14, stamp);
  stmt.BindId(15, event.new_lead_unit);
  return stmt.Run();
}

Result<IndicatorId> WriteIndicator(WriteContext& context, const Indicator& ind) {
  Connection& c = context.connection();
  const std::string subject = "indicator " + Quoted(ind.code);
  PW_SQL_TRY(RequireCode(ind.code, "indicator code"));
  if (ind.id) PW_SQL_TRY(RequireExisting(c, kIndicatorLive, ind.id, "indicator"));
  PW_SQL_TRY(RequireRow(c, kIndicatorExists, ind.numerator, subject, "numerator indicator"));
  PW_SQL_TRY(RequireRow(c, kIndicatorExists, ind.denominator, subject, "denominator indicator"));
  if (ind.id && (ind.numerator == ind.id || ind.denominator == ind.id)) {
    return InvalidArgument(subject + ": a ratio cannot be computed from itself");
  }
  PW_SQL_TRY(RequireRow(c, kOrgUnitExists, ind.responsible_unit, subject, "responsible org unit"));
  PW_SQL_TRY(RequireFinite(ind.factor, subject, "factor"));
  PW_SQL_TRY(RequireFinite(ind.at_risk_threshold, subject, "at_risk_threshold"));
  if (ind.baseline_value) PW_SQL_TRY(RequireFinite(*ind.baseline_value, subject, "baseline"));
  if (ind.min_value) PW_SQL_TRY(RequireFinite(*ind.min_value, subject, "min_value"));
  if (ind.max_value) PW_SQL_TRY(RequireFinite(*ind.max_value, subject, "max_value"));
  PW_SQL_TRY(RequireFreeCode(c,
                             "SELECT id, deleted_at IS NOT NULL FROM indicators "
                             "WHERE code = ?1 AND id <> ?2",
                             ind.code, ind.id.value, std::nullopt, "indicator code"));
  PW_SQL_ASSIGN(
      auto stmt,
      c.Prepare(ind.id ? "UPDATE indicators SET code = ?1, name_vi = ?2, name_en = ?3, "
                         "unit_of_measure = ?4, indicator_class = ?5, value_type = ?6, "
                         "unit_aggregation = ?7, numerator_id = ?8, denominator_id = ?9, "
                         "factor = ?10, time_aggregation = ?11, direction = ?12, "
                         "period_type = ?13, baseline_value = ?14, baseline_date = ?15, "
                         "min_value = ?16, max_value = ?17, at_risk_threshold = ?18, "
                         "data_source = ?19, responsible_unit_id = ?20 WHERE id = ?21"
                       : "INSERT INTO indicators (code, name_vi, name_en, unit_of_measure, "
                         "indicator_class, value_type, unit_aggregation, numerator_id, "
                         "denominator_id, factor, time_aggregation, direction, period_type, "
                         "baseline_value, baseline_date, min_value, max_value, "
                         "at_risk_threshold, data_source, responsible_unit_id) VALUES (?1, ?2, "
                         "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
                         "?18, ?19, ?20)"));
  stmt.BindText(1, ind.code);
  stmt.BindText(2, ind.name_vi);
  stmt.BindText(3, ind.name_en);
  stmt.BindText(4, ind.unit_of_measure);
  stmt.BindText(5, IndicatorClassName(ind.indicator_class));
  stmt.BindText(6, ValueTypeName(ind.value_type));
  stmt.BindText(7, UnitAggregationName(ind.unit_aggregation));
  stmt.BindId(8, ind.numerator);
  stmt.BindId(9, ind.denominator);
  stmt.BindDouble(10, ind.factor);
  stmt.BindText(11, TimeAggregationName(ind.time_aggregation));
  stmt.BindText(12, DirectionName(ind.direction));
  stmt.BindText(13, PeriodTypeName(ind.period_type));
  stmt.BindOptionalDouble(14, ind.baseline_value);
  stmt.BindOptionalDate(15, ind.baseline_date);
  stmt.BindOptionalDouble(16, ind.min_value);
  stmt.BindOptionalDouble(17, ind.max_value);
  stmt.BindDouble(18, ind.at_risk_threshold);
  stmt.BindText(19, ind.data_source);
  stmt.BindId(20, ind.responsible_unit);
  if (ind.id) stmt.BindInt(21, ind.id.value);
  PW_SQL_TRY(stmt.Run());
  if (ind.id) return ind.id;
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("indicators", "id"));
  return IndicatorId{inserted};
}

Status WriteTarget(WriteContext& context, const Target& target) {
  Connection& c = context.connection();
  const std::string subject = "target of indicator " + std::to_string(target.indicator.value) +
                              " on " + target.date.ToString();
  if (!target.indicator) return InvalidArgument(subject + ": indicator is required");
  PW_SQL_TRY(RequireRow(c, kIndicatorLive, target.indicator, subject, "indicator"));
  PW_SQL_TRY(RequireRow(c, kOrgUnitExists, target.unit, subject, "org unit"));
  PW_SQL_TRY(RequireFinite(target.value, subject, "value"));
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  // Statements below bind the key as ?1 indicator, ?2 unit (0 for none), ?3 date.
  auto bind_key = [&](Statement& stmt) {
    stmt.BindInt(1, target.indicator.value);
    stmt.BindInt(2, target.unit.value);
    stmt.BindDate(3, target.date);
  };
  bool exists = false;
  {
    PW_SQL_ASSIGN(auto current, c.Prepare(kSelectTargetValue));
    bind_key(current);
    PW_SQL_ASSIGN(exists, current.Step());
    // The same value again is no change: no version, and the current one keeps its instant.
    if (exists && current.Double(0) == target.value) return {};
  }
  if (exists) {
    {
      PW_SQL_ASSIGN(auto archive, c.Prepare(kArchiveTarget));
      bind_key(archive);
      archive.BindText(4, stamp);
      PW_SQL_TRY(archive.Run());
    }
    PW_SQL_ASSIGN(auto update, c.Prepare(kUpdateTarget));
    bind_key(update);
    update.BindDouble(4, target.value);
    update.BindText(5, stamp);
    return update.Run();
  }
  PW_SQL_ASSIGN(auto insert, c.Prepare(kInsertTarget));
  insert.BindInt(1, target.indicator.value);
  insert.BindId(2, target.unit);
  insert.BindDate(3, target.date);
  insert.BindDouble(4, target.value);
  insert.BindText(5, stamp);
  return insert.Run();
}

Status WriteDataValue(WriteContext& context, const DataValue& value) {
  Connection& c = context.connection();
  const std::string subject = "data value of indicator " + std::to_string(value.indicator.value) +
                              ", org unit " + std::to_string(value.unit.value) + ", period " +
                              value.period.ToString();
  if (!value.indicator) return InvalidArgument(subject + ": indicator is required");
  if (!value.unit) return InvalidArgument(subject + ": org unit is required");
  PW_SQL_TRY(RequireRow(c, kIndicatorLive, value.indicator, subject, "indicator"));
  PW_SQL_TRY(RequireRow(c, kOrgUnitExists, value.unit, subject, "org unit"));
  PW_SQL_TRY(RequireFinite(value.value, subject, "value"));
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  const std::string period = value.period.ToString();
  const std::string period_start = value.period.start().ToString();
  const auto period_rank = static_cast<std::int64_t>(value.period.type());
  {
    PW_SQL_ASSIGN(auto version, c.Prepare(kInsertDataValueVersion));
    version.BindInt(1, value.indicator.value);
    version.BindInt(2, value.unit.value);
    version.BindText(3, period);
    version.BindText(4, period_start);
    version.BindInt(5, period_rank);
    version.BindDouble(6, value.value);
    version.BindText(7, value.comment);
    version.BindText(8, ValueStateName(value.state));
    version.BindText(9, value.stored_by);
    version.BindText(10, stamp);
    PW_SQL_TRY(version.Run());
  }
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("data_value_versions", "sequence"));
  const std::int64_t sequence = inserted;
  PW_SQL_ASSIGN(auto current, c.Prepare(kUpsertDataValue));
  current.BindInt(1, value.indicator.value);
  current.BindInt(2, value.unit.value);
  current.BindText(3, period);
  current.BindText(4, period_start);
  current.BindInt(5, period_rank);
  current.BindDouble(6, value.value);
  current.BindText(7, value.comment);
  current.BindText(8, ValueStateName(value.state));
  current.BindText(9, value.stored_by);
  current.BindText(10, stamp);
  current.BindInt(11, sequence);
  return current.Run();
}

namespace {

// Whether each distinct indicator (live) and org unit of one bulk call exists, looked up once.
class ReferenceChecks {
 public:
  explicit ReferenceChecks(Connection& connection) : connection_(connection) {}

  Result<bool> IndicatorLive(IndicatorId id) {
    return Known(indicators_, kIndicatorLive, id.value);
  }
  Result<bool> OrgUnitExists(OrgUnitId id) { return Known(units_, kOrgUnitExists, id.value); }

 private:
  // Values usually come grouped by indicator and unit: the previous answer is checked first.
  struct Cache {
    std::int64_t last_id = 0;
    bool last_found = false;
    std::unordered_map<std::int64_t, bool> found;
  };

  Result<bool> Known(Cache& cache, std::string_view sql, std::int64_t id) {
    if (id == cache.last_id) return cache.last_found;
    auto it = cache.found.find(id);
    if (it == cache.found.end()) {
      PW_SQL_ASSIGN(bool found, HasRow(connection_, sql, id));
      it = cache.found.emplace(id, found).first;
    }
    cache.last_id = id;
    cache.last_found = it->second;
    return it->second;
  }

  Connection& connection_;
  Cache indicators_;
  Cache units_;
};

// The first check of WriteDataValue that `value` fails, with the same message; OK otherwise.
Status CheckDataValue(ReferenceChecks& checks, const DataValue& value) {
  auto refused = [&](std::string_view what) {
    return InvalidArgument("data value of indicator " + std::to_string(value.indicator.value) +
                           ", org unit " + std::to_string(value.unit.value) + ", period " +
                           value.period.ToString() + ": " + std::string(what));
  };
  if (!value.indicator) return refused("indicator is required");
  if (!value.unit) return refused("org unit is required");
  PW_SQL_ASSIGN(bool indicator, checks.IndicatorLive(value.indicator));
  if (!indicator) {
    return refused("indicator " + std::to_string(value.indicator.value) + " does not exist");
  }
  PW_SQL_ASSIGN(bool unit, checks.OrgUnitExists(value.unit));
  if (!unit) return refused("org unit " + std::to_string(value.unit.value) + " does not exist");
  if (!std::isfinite(value.value)) return refused("value is not a finite number");
  return {};
}

// Rows of data_value_versions inserted by one statement: fewer statement runs per value.
constexpr int kVersionBlockRows = 64;
constexpr int kVersionColumns = 9;  // every column of kInsertDataValueVersion but stored_at

// INSERT of kVersionBlockRows versions: row r binds ?(9r+1)..?(9r+9) in kInsertDataValueVersion's
// order; the stamp, shared by all, is the last parameter.
const std::string& VersionBlockSql() {
  static const std::string sql = [] {
    std::string text =
        "INSERT INTO data_value_versions (indicator_id, unit_id, period, period_start, "
        "period_rank, value, comment, state, stored_by, stored_at) VALUES ";
    const int stamp = kVersionBlockRows * kVersionColumns + 1;
    for (int row = 0; row < kVersionBlockRows; ++row) {
      text += row == 0 ? "(" : ", (";
      for (int column = 1; column <= kVersionColumns; ++column) {
        text += "?" + std::to_string(row * kVersionColumns + column) + ", ";
      }
      text += "?" + std::to_string(stamp) + ")";
    }
    return text;
  }();
  return sql;
}

// Binds one version's columns from parameter `first` on, in kInsertDataValueVersion's order.
void BindVersion(Statement& stmt, int first, const DataValue& value, std::string& period,
                 std::string& period_start) {
  period = value.period.ToString();
  period_start = value.period.start().ToString();
  stmt.BindInt(first, value.indicator.value);
  stmt.BindInt(first + 1, value.unit.value);
  stmt.BindText(first + 2, period);
  stmt.BindText(first + 3, period_start);
  stmt.BindInt(first + 4, static_cast<std::int64_t>(value.period.type()));
  stmt.BindDouble(first + 5, value.value);
  stmt.BindText(first + 6, value.comment);
  stmt.BindText(first + 7, ValueStateName(value.state));
  stmt.BindText(first + 8, value.stored_by);
}

constexpr char kLastDataValueVersion[] =
    "SELECT coalesce(max(sequence), 0) FROM data_value_versions";
// Makes every version after sequence ?1 current, in sequence order, so that of two versions of
// one key the later one stays current.
constexpr char kUpsertDataValuesFromVersions[] =
    "INSERT INTO data_values (indicator_id, unit_id, period_start, period_rank, period, value, "
    "comment, state, stored_by, stored_at, version_sequence) SELECT indicator_id, unit_id, "
    "period_start, period_rank, period, value, comment, state, stored_by, stored_at, sequence "
    "FROM data_value_versions WHERE sequence > ?1 ORDER BY sequence ON CONFLICT (indicator_id, "
    "unit_id, period_start, period_rank) DO UPDATE SET period = excluded.period, "
    "value = excluded.value, comment = excluded.comment, state = excluded.state, "
    "stored_by = excluded.stored_by, stored_at = excluded.stored_at, "
    "version_sequence = excluded.version_sequence";
// PostgreSQL's INSERT ... ON CONFLICT may not touch one row twice: the latest version of each
// key only.
constexpr char kUpsertDataValuesFromVersionsPostgres[] =
    "INSERT INTO data_values (indicator_id, unit_id, period_start, period_rank, period, value, "
    "comment, state, stored_by, stored_at, version_sequence) SELECT DISTINCT ON (indicator_id, "
    "unit_id, period_start, period_rank) indicator_id, unit_id, period_start, period_rank, "
    "period, value, comment, state, stored_by, stored_at, sequence FROM data_value_versions "
    "WHERE sequence > ?1 ORDER BY indicator_id, unit_id, period_start, period_rank, sequence DESC "
    "ON CONFLICT (indicator_id, unit_id, period_start, period_rank) DO UPDATE SET "
    "period = excluded.period, value = excluded.value, comment = excluded.comment, "
    "state = excluded.state, stored_by = excluded.stored_by, stored_at = excluded.stored_at, "
    "version_sequence = excluded.version_sequence";

Error AtItem(Error error, std::size_t index) {
  error.message = "values[" + std::to_string(index) + "]: " + error.message;
  return error;
}

// Appends one version per value (blocks of kVersionBlockRows, the rest one by one), then makes
// them current with one statement. The values have been checked.
Status WriteDataValueRows(Connection& c, std::span<const DataValue> values,
                          const std::string& stamp) {
  std::int64_t before = 0;
  {
    PW_SQL_ASSIGN(auto last, c.Prepare(kLastDataValueVersion));
    PW_SQL_ASSIGN(bool row, last.Step());
    if (row) before = last.Int(0);
  }
  std::string period;
  std::string period_start;
  const std::size_t blocks = values.size() / kVersionBlockRows;
  for (std::size_t block = 0; block < blocks; ++block) {
    const std::size_t first = block * kVersionBlockRows;
    auto stmt = c.Prepare(VersionBlockSql());
    if (!stmt) return std::unexpected(AtItem(std::move(stmt).error(), first));
    for (int row = 0; row < kVersionBlockRows; ++row) {
      BindVersion(*stmt, row * kVersionColumns + 1, values[first + row], period, period_start);
    }
    stmt->BindText(kVersionBlockRows * kVersionColumns + 1, stamp);
    if (Status run = stmt->Run(); !run)
      return std::unexpected(AtItem(std::move(run).error(), first));
  }
  for (std::size_t i = blocks * kVersionBlockRows; i < values.size(); ++i) {
    auto stmt = c.Prepare(kInsertDataValueVersion);
    if (!stmt) return std::unexpected(AtItem(std::move(stmt).error(), i));
    BindVersion(*stmt, 1, values[i], period, period_start);
    stmt->BindText(kVersionColumns + 1, stamp);
    if (Status run = stmt->Run(); !run) return std::unexpected(AtItem(std::move(run).error(), i));
  }
  PW_SQL_ASSIGN(auto current,
                c.Prepare(c.dialect() == Dialect::kPostgres ? kUpsertDataValuesFromVersionsPostgres
                                                            : kUpsertDataValuesFromVersions));
  current.BindInt(1, before);
  if (Status run = current.Run(); !run) return std::unexpected(AtItem(std::move(run).error(), 0));
  return {};
}

}  // namespace

Status WriteDataValues(WriteContext& context, std::span<const DataValue> values) {
  if (values.empty()) return {};
  ReferenceChecks checks(context.connection());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (Status checked = CheckDataValue(checks, values[i]); !checked) {
      return std::unexpected(AtItem(std::move(checked).error(), i));
    }
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  return WriteDataValueRows(context.connection(), values, stamp);
}

namespace {

// Marks the live row ?2 deleted at ?1; `what` names it in the not_found message.
Status SoftDelete(WriteContext& context, const char* sql, std::int64_t id, std::string_view what) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(sql));
  stmt.BindText(1, stamp);
  stmt.BindInt(2, id);
  PW_SQL_TRY(stmt.Run());
  if (c.Changes() == 0) {
    return NotFound(std::string(what) + " " + std::to_string(id) +
                    " does not exist or is already deleted");
  }
  return {};
}

// The current row of a value (?1 indicator, ?2 unit, ?3 period start, ?4 period rank).
constexpr char kSelectCurrentDataValue[] =
    "SELECT period, value, comment, state FROM data_values WHERE indicator_id = ?1 AND "
    "unit_id = ?2 AND period_start = ?3 AND period_rank = ?4";
constexpr char kInsertDataValueTombstone[] =
    "INSERT INTO data_value_versions (indicator_id, unit_id, period, period_start, period_rank, "
    "value, comment, state, stored_by, stored_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, 1)";
constexpr char kDeleteCurrentDataValue[] =
    "DELETE FROM data_values WHERE indicator_id = ?1 AND unit_id = ?2 AND period_start = ?3 AND "
    "period_rank = ?4";

}  // namespace

Status DeleteDirectiveRow(WriteContext& context, DirectiveId id) {
  return SoftDelete(context,
                    "UPDATE directives SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL",
                    id.value, "directive");
}

Status DeletePlanRow(WriteContext& context, PlanId id) {
  return SoftDelete(context,
                    "UPDATE plans SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL",
                    id.value, "plan");
}

Status DeleteTaskGroupRow(WriteContext& context, TaskGroupId id) {
  return SoftDelete(context,
                    "UPDATE task_groups SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL",
                    id.value, "task group");
}

Status DeleteIndicatorRow(WriteContext& context, IndicatorId id) {
  return SoftDelete(context,
                    "UPDATE indicators SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL",
                    id.value, "indicator");
}

Status DeleteDataValueRow(WriteContext& context, IndicatorId indicator, OrgUnitId unit,
                          const Period& period, std::string_view stored_by) {
  Connection& c = context.connection();
  const std::string period_start = period.start().ToString();
  const auto period_rank = static_cast<std::int64_t>(period.type());
  auto bind_key = [&](Statement& stmt) {
    stmt.BindInt(1, indicator.value);
    stmt.BindInt(2, unit.value);
    stmt.BindText(3, period_start);
    stmt.BindInt(4, period_rank);
  };
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  {
    PW_SQL_ASSIGN(auto current, c.Prepare(kSelectCurrentDataValue));
    bind_key(current);
    PW_SQL_ASSIGN(bool found, current.Step());
    if (!found) {
      return NotFound("data value of indicator " + std::to_string(indicator.value) + ", org unit " +
                      std::to_string(unit.value) + ", period " + period.ToString() +
                      " does not exist");
    }
    // The tombstone carries the value it ended, so history shows what was deleted.
    PW_SQL_ASSIGN(auto tombstone, c.Prepare(kInsertDataValueTombstone));
    tombstone.BindInt(1, indicator.value);
    tombstone.BindInt(2, unit.value);
    tombstone.BindText(3, current.Text(0));
    tombstone.BindText(4, period_start);
    tombstone.BindInt(5, period_rank);
    tombstone.BindDouble(6, current.Double(1));
    tombstone.BindText(7, current.Text(2));
    tombstone.BindText(8, current.Text(3));
    tombstone.BindText(9, stored_by);
    tombstone.BindText(10, stamp);
    PW_SQL_TRY(tombstone.Run());
  }
  PW_SQL_ASSIGN(auto remove, c.Prepare(kDeleteCurrentDataValue));
  bind_key(remove);
  return remove.Run();
}

}  // namespace planwatch::sql
