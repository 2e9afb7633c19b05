// Writes of the model inside a write transaction: the Transaction::Put* contract (store.h) as
// functions of a WriteContext. Internal to storage.
//
// Every function validates before it writes: invalid_argument for an empty code, a number that
// is not finite, a list naming the same id twice, or a reference (parent, plan, group, unit,
// directive, indicator, task) to a row that does not exist, naming the row and the reference;
// conflict naming the code when a unique code is taken by another row; not_found when an update
// names an id that does not exist or is soft-deleted. A deleted plan, task group or indicator
// cannot be the owner of a new or updated row (a task's plan or group, a group's plan or parent,
// a plan's parent, a target's or data value's indicator): invalid_argument as if it did not
// exist; lists naming rows (a plan's directives, a task's indicators, a ratio's numerator and
// denominator) may keep naming deleted ones. A deleted row's code stays taken. A function that
// fails may have written part of its rows: the caller runs each one inside a savepoint.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/org_unit.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"
#include "planwatch/storage/sql/connection.h"

namespace planwatch::sql {

// What the writes of one transaction share: its connection (inside the engine's write
// transaction, where writers take turns) and its single stored_at.
class WriteContext {
 public:
  // `now_ms`: the clock, milliseconds since the Unix epoch.
  WriteContext(Connection& connection, std::function<std::int64_t()> now_ms)
      : connection_(connection), now_ms_(std::move(now_ms)) {}

  Connection& connection() { return connection_; }

  // The instant every write of this transaction is stamped with. Fixed on first use as the
  // later of the clock and 1 ms after the last stamp this database ever issued (recorded in
  // write_clock), so stamps strictly increase in commit order even when the clock stalls or
  // steps back. Call it outside any savepoint that may be rolled back.
  Result<std::string> Stamp();

 private:
  Connection& connection_;
  std::function<std::int64_t()> now_ms_;
  std::optional<std::string> stamp_;
};

Result<OrgUnitId> WriteOrgUnit(WriteContext& context, const OrgUnit& unit);
Status WriteSuccession(WriteContext& context, const Succession& succession);
Result<DirectiveId> WriteDirective(WriteContext& context, const Directive& directive);
Result<PlanId> WritePlan(WriteContext& context, const Plan& plan);
Result<TaskGroupId> WriteTaskGroup(WriteContext& context, const TaskGroup& group);
Result<TaskId> WriteTask(WriteContext& context, const Task& task);
Status WriteTaskEvent(WriteContext& context, const TaskEvent& event);
Result<IndicatorId> WriteIndicator(WriteContext& context, const Indicator& indicator);
Status WriteTarget(WriteContext& context, const Target& target);
Status WriteDataValue(WriteContext& context, const DataValue& value);
Status WriteDataValues(WriteContext& context, std::span<const DataValue> values);

// Soft deletes: deleted_at = the transaction's stamp. not_found (naming the id) when the row
// does not exist or is already deleted.
Status DeleteDirectiveRow(WriteContext& context, DirectiveId id);
Status DeletePlanRow(WriteContext& context, PlanId id);
Status DeleteTaskGroupRow(WriteContext& context, TaskGroupId id);
Status DeleteIndicatorRow(WriteContext& context, IndicatorId id);
// Appends a tombstone version (deleted = 1, carrying the ended value, comment and state, with
// `stored_by` and the stamp) and removes the current row. not_found when there is no current
// value.
Status DeleteDataValueRow(WriteContext& context, IndicatorId indicator, OrgUnitId unit,
                          const Period& period, std::string_view stored_by);

}  // namespace planwatch::sql
