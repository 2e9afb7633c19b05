// Reads of the model from a connection of either engine: the StoreReader contract (store.h) as
// functions of a Connection, shared by the Store (on a read snapshot) and by Transactions (on their
// own connection). Internal to storage.
//
// Stored text that does not parse (a date, an enum name, a period) is internal: the file was
// written by something else or is corrupt.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/org_unit.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/store.h"

namespace planwatch::sql {

Result<std::vector<OrgUnit>> ReadOrgUnits(Connection& connection);
Result<std::vector<Succession>> ReadSuccessions(Connection& connection);
Result<std::vector<Directive>> ReadDirectives(Connection& connection);
Result<std::vector<Plan>> ReadPlans(Connection& connection);
// Soft-deleted directives, plans, task groups and indicators are left out of every list, and
// a deleted plan reads as one that does not exist.
// not_found when the plan does not exist (also for the two below).
Result<std::vector<TaskGroup>> ReadTaskGroups(Connection& connection, PlanId plan);
Result<std::vector<Task>> ReadTasks(Connection& connection, PlanId plan);
Result<std::vector<TaskEvent>> ReadTaskEvents(Connection& connection, PlanId plan);
Result<std::vector<Indicator>> ReadIndicators(Connection& connection);
Result<std::vector<Target>> ReadTargets(Connection& connection);
// A value whose latest version (now, or at as_of) is a tombstone is absent.
// invalid_argument when query.as_of is not an instant (see ParseTimestamp).
Result<std::vector<DataValue>> ReadDataValues(Connection& connection, const DataValueQuery& query);
Status ScanDataValues(Connection& connection, const std::function<void(const ValueCell&)>& visit);
Status ScanValueVersions(Connection& connection, std::int64_t after,
                         const std::function<void(const ValueVersionCell&)>& visit);
Result<std::int64_t> ReadLastValueSequence(Connection& connection);
Result<CommitLogSummary> ReadCommitLog(Connection& connection, std::int64_t after,
                                       std::int64_t upto);
// Tombstones included, with `deleted` set.
Result<std::vector<DataValue>> ReadDataValueHistory(Connection& connection, IndicatorId indicator,
                                                    OrgUnitId unit, const Period& period);
// not_found when the task (the unit) does not exist.
Result<std::vector<Version<Task>>> ReadTaskHistory(Connection& connection, TaskId task);
Result<std::vector<Version<OrgUnit>>> ReadOrgUnitHistory(Connection& connection, OrgUnitId unit);
// invalid_argument when `as_of` is not an instant (see ParseTimestamp); ReadTasksAsOf:
// not_found when the plan does not exist.
Result<std::vector<Task>> ReadTasksAsOf(Connection& connection, PlanId plan,
                                        const std::string& as_of);
Result<std::vector<OrgUnit>> ReadOrgUnitsAsOf(Connection& connection, const std::string& as_of);
// Empty when the target never existed.
Result<std::vector<Version<Target>>> ReadTargetHistory(Connection& connection,
                                                       IndicatorId indicator, OrgUnitId unit,
                                                       Date date);
// invalid_argument when `as_of` is not an instant (see ParseTimestamp).
Result<std::vector<Target>> ReadTargetsAsOf(Connection& connection, const std::string& as_of);

// One current row; none when the id does not exist.
Result<std::optional<Task>> ReadTask(Connection& connection, TaskId task);

}  // namespace planwatch::sql
