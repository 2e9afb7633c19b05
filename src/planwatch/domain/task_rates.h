// Completion and on-time rates of a set of tasks on a date D (SPEC §3): "Completed 124 of 169
// tasks" is `done` of `total`, and completion_rate = 124 / 169.
//
// Completion rate = deadline tasks done on D / deadline tasks assigned on or before D and not
// cancelled on D. On-time rate = tasks due by D (deadline in force <= D) and done on time / tasks
// due by D. Cancelled and recurring tasks are in neither rate; recurring tasks are counted on
// their own. Each task is judged by EvaluateTask (task_status.h).
//
// Pure functions: no I/O; thread-compatible. Cost: O(tasks + events) expected time plus the
// sorting of each task's own ledger by date; memory O(tasks + events) pointers.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <unordered_set>

#include "planwatch/base/date.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/task.h"
#include "planwatch/domain/task_status.h"

namespace planwatch {

struct StatusSummary {
  // Deadline tasks assigned on or before D and not cancelled on D: the completion rate's
  // denominator. total = done + in_progress_on_time + overdue.
  int total = 0;
  int done = 0;  // done_on_time + done_late
  int done_on_time = 0;
  int done_late = 0;
  int in_progress_on_time = 0;
  int overdue = 0;
  // Deadline tasks assigned on or before D and cancelled on or before D (not in total).
  int cancelled = 0;
  // Tasks of `total` whose deadline in force is on or before D: the on-time rate's denominator.
  int due = 0;
  // Tasks of `due` that are done on time: the on-time rate's numerator.
  int due_done_on_time = 0;
  // Recurring tasks assigned on or before D, by the status of the period judged on D; never in
  // `total` or the rates.
  int recurring_reported = 0;
  int recurring_missing = 0;
  int recurring_not_due = 0;
  int recurring_cancelled = 0;  // recurring tasks cancelled on or before D
  // Sum of the slip (deadline in force − original deadline, days) over the tasks of `total`.
  int slip_days = 0;
  // Fractions in [0, 1] (0.7337 for 124 of 169), not percents.
  std::optional<double> completion_rate;  // done / total; none when total = 0
  std::optional<double> on_time_rate;     // due_done_on_time / due; none when due = 0

  friend bool operator==(const StatusSummary&, const StatusSummary&) = default;
};

// The summary of two disjoint sets of tasks judged on the same date in the same view: every
// count added, the rates computed again from the sums.
StatusSummary Combine(const StatusSummary& a, const StatusSummary& b);

// Which tasks a summary covers; every condition that is present must hold, an absent condition
// admits every task. Sets are matched exactly: the caller expands a group into its sub-groups,
// and a unit into its subtree when asked to include it.
struct TaskFilter {
  // Task::plan equals it.
  std::optional<PlanId> plan = std::nullopt;
  // Task::group is in it.
  std::optional<std::unordered_set<TaskGroupId>> groups = std::nullopt;
  // The lead unit in force on the date judged (TaskState::lead_unit) is in it.
  std::optional<std::unordered_set<OrgUnitId>> lead_units = std::nullopt;
};

// True when `task`, in `state` (its evaluation on the date judged), passes every condition.
bool Matches(const Task& task, const TaskState& state, const TaskFilter& filter);

// Summarizes the tasks that pass `filter`, judged on `d` in `view`. `events` holds the events of
// any tasks (events of tasks not in `tasks` are ignored), in any order across tasks and in
// ledger order within each task.
StatusSummary Summarize(std::span<const Task> tasks, std::span<const TaskEvent> events, Date d,
                        CompletionView view, const TaskFilter& filter = {});

// One summary per Task::group (an ungrouped task under TaskGroupId{0}) among the tasks that
// pass `filter`, keys ascending. A group appears when any of its tasks passes the filter, even
// if none is assigned yet on `d` (an all-zero summary). Sub-groups are not folded into parents.
std::map<TaskGroupId, StatusSummary> SummarizeByGroup(std::span<const Task> tasks,
                                                      std::span<const TaskEvent> events, Date d,
                                                      CompletionView view,
                                                      const TaskFilter& filter = {});

// One summary per lead unit in force on `d` (TaskState::lead_unit) among the tasks that pass
// `filter`, keys ascending; same conventions as SummarizeByGroup. Units are not rolled up into
// their parents.
std::map<OrgUnitId, StatusSummary> SummarizeByLeadUnit(std::span<const Task> tasks,
                                                       std::span<const TaskEvent> events, Date d,
                                                       CompletionView view,
                                                       const TaskFilter& filter = {});

}  // namespace planwatch
