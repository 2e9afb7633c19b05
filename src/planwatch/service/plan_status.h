// The task-status figures of a plan as of a date: what `planwatch status` prints and what the
// analytics endpoint will serve, with the same fields.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/analytics/analytics.h"
#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/org_unit.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task_rates.h"
#include "planwatch/domain/task_status.h"

namespace planwatch {

enum class StatusGroupBy { kNone, kGroup, kUnit };
// "group", "unit"; invalid_argument otherwise.
Result<StatusGroupBy> ParseStatusGroupBy(std::string_view text);

struct StatusQuery {
  std::string plan_code;
  Date as_of;
  // Only tasks led by this unit (by code), or by the units it succeeded in a restructure; empty:
  // every task of the plan.
  std::string unit_code;
  // With unit_code: also tasks led by units beneath it.
  bool subtree = false;
  CompletionView view = CompletionView::kVerified;
  StatusGroupBy group_by = StatusGroupBy::kNone;
};

struct StatusRow {
  std::string code;  // task group or lead unit code
  std::string name_vi;
  std::string name_en;
  StatusSummary summary;
};

struct PlanStatus {
  Plan plan;
  Date as_of;
  CompletionView view = CompletionView::kVerified;
  std::optional<OrgUnit> unit;
  bool subtree = false;
  StatusSummary summary;
  std::vector<StatusRow> rows;  // per group (plan order) or per lead unit (by code), when asked
};

// A rate as the percent shown to people: one decimal, truncated rather than rounded, so that a
// figure never overstates what was achieved (124 of 169 is 73.37%, shown as 73.3%, as the
// province reports it; 1,999 of 2,000 shows 99.9%, never 100.0%). Computed from the counts in
// integer arithmetic. none when the denominator is 0.
std::optional<double> RatePercent(int numerator, int denominator);

// not_found when the plan or the unit does not exist.
Result<PlanStatus> GetPlanStatus(const Analytics& analytics, const StatusQuery& query);

// The JSON form shared by the CLI and the API: plan, as_of, view, total, done, done_on_time,
// done_late, in_progress_on_time, overdue, cancelled, due, due_done_on_time, recurring_*,
// slip_days, completion_rate and on_time_rate (RatePercent: percent, one decimal, null when
// nothing counts), and `rows` when grouped.
nlohmann::json ToJson(const PlanStatus& status);

// The figures of ToJson that every status has (counts, slip_days and the two rates), in the
// order people read them: what a review compares and a published review lists.
inline constexpr std::string_view kPlanStatusFigures[] = {"total",
                                                          "done",
                                                          "done_on_time",
                                                          "done_late",
                                                          "in_progress_on_time",
                                                          "overdue",
                                                          "cancelled",
                                                          "due",
                                                          "due_done_on_time",
                                                          "recurring_reported",
                                                          "recurring_missing",
                                                          "recurring_not_due",
                                                          "slip_days",
                                                          "completion_rate",
                                                          "on_time_rate"};

}  // namespace planwatch
