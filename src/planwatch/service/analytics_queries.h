// The analytics endpoints' use cases: task-status figures of a plan and indicator rollups with
// targets, trajectory, achievement and status colour — authorized once against the caller's
// scope. References are by code here (plan, unit, indicator), as in the CLI.
#pragma once

#include <nlohmann/json.hpp>

#include "planwatch/analytics/analytics.h"
#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/service/resources.h"

namespace planwatch {

// GET /api/v1/analytics/tasks?plan=&as_of=&unit=&subtree=&claimed=&group_by=status|group|unit
//   plan (code, required); as_of (date, default today); unit (code; default: the caller's scope
//   unit with subtree=true unless the scope is a root); subtree (true|false); claimed
//   (true|false: count claimed rather than verified completion); group_by: status (no rows: the
//   status breakdown itself), group, unit.
// Answers exactly ToJson(PlanStatus) — the fields of `planwatch status --format json`.
// invalid_argument naming the parameter; not_found for an unknown plan or unit;
// permission_denied when the unit is outside the caller's scope.
Result<nlohmann::json> TaskAnalytics(const Analytics& analytics, const Principal& p,
                                     const QueryParams& params, Date today);

// GET /api/v1/analytics/indicators?indicator=&unit=&periods=&by=children|period
//   indicator (code; default every indicator), unit (code; default the caller's scope unit),
//   periods (a DHIS2 period or range "2025Q1..2025Q4"; default the current year), by: none (one
//   row per indicator for the unit), children (one row per child unit in force at the window's
//   end), period (one row per period of the indicator's period type in the window).
// Each row: indicator (code, names, unit of measure, direction), unit (code, names) or period,
// value (rollup per SPEC §3; null without data), target (value and date, or null), expected (the
// trajectory value at the row's end date, or null without baseline), achievement (or null) and
// status (on_track, at_risk, off_track, no_data).
Result<nlohmann::json> IndicatorAnalytics(const Analytics& analytics, const Principal& p,
                                          const QueryParams& params, Date today);

}  // namespace planwatch
