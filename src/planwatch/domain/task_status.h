// The status of a task on a date D, reconstructed from what was assigned (Task) and the ledger
// of what happened afterwards (TaskEvent). Pure functions: no I/O, no clock; thread-compatible.
//
// The rules (SPEC §3 "Task status on a date D"):
// - A task does not exist before its assigned_on: on such a D its status is kNotAssigned.
// - The deadline in force on D is the new_deadline of the latest amend approved on or before D
//   (latest by `on`, ledger order for ties); otherwise the original deadline.
// - A cancel approved on or before D makes the task kCancelled on D; cancelled after D, the task
//   still counts on D.
// - Claims: a return sends back the latest claim that still stands (made before the return and
//   not yet returned); a verify verifies that same claim and may correct its completed_on. A
//   return or verify with no standing claim has no effect. On D, the standing claim is the
//   latest claim made on or before D and not returned on or before D.
// - Done on D, verified view: the standing claim was verified on or before D. Claimed view: a
//   standing claim exists (verification not needed).
//   completed_on = the correction of the latest verify (on or before D) that gave one, else the
//   claim's completed_on, else (a claim without a date) the claim's own date.
// - done and completed_on <= deadline in force → kDoneOnTime, else kDoneLate;
//   not done and D <= deadline in force → kInProgressOnTime, else kOverdue.
//   A deadline task without any deadline is never late and never overdue.
// - Recurring tasks are judged per period of their cadence; on D, by the latest period that
//   ended on or before D: kRecurringReported if a progress event for exactly that period was
//   recorded on or before D, else kRecurringMissing. When no period has ended between
//   assigned_on and D (or the task has no cadence), the status is kRecurringNotDue.
//
// Events are taken in ledger (append) order; they need not be sorted by `on`. Where a rule needs
// dates, events are ordered by `on`, keeping ledger order among events of the same day.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/task.h"

namespace planwatch {

enum class TaskStatus {
  kNotAssigned,        // D precedes assigned_on: the task does not exist yet
  kDoneOnTime,         // done, completed_on <= deadline in force
  kDoneLate,           // done, completed_on > deadline in force
  kInProgressOnTime,   // not done, D <= deadline in force
  kOverdue,            // not done, D > deadline in force
  kCancelled,          // cancelled on or before D
  kRecurringReported,  // recurring: the period judged on D has a progress update
  kRecurringMissing,   // recurring: the period judged on D has no progress update
  kRecurringNotDue,    // recurring: no period has ended yet since assigned_on
};

// "not_assigned", "done_on_time", "done_late", "in_progress_on_time", "overdue", "cancelled",
// "reported", "missing", "not_due".
std::string_view TaskStatusName(TaskStatus status);
// Accepts exactly the names above; invalid_argument naming the input and the accepted names
// otherwise.
Result<TaskStatus> ParseTaskStatus(std::string_view text);

// True for kDoneOnTime and kDoneLate.
bool IsDone(TaskStatus status);

// Which completions count as done: verified by the standing agency (the default for every rate)
// or merely claimed by the lead unit.
enum class CompletionView { kVerified, kClaimed };

// "verified", "claimed".
std::string_view CompletionViewName(CompletionView view);
// Accepts exactly the names above; invalid_argument naming the input otherwise.
Result<CompletionView> ParseCompletionView(std::string_view text);

// Everything known about one task on a date D. When the status is kNotAssigned only `status`
// and `original_deadline` are filled.
struct TaskState {
  TaskStatus status = TaskStatus::kNotAssigned;

  // Deadline tasks: the deadline in force on D; none for recurring tasks or when no deadline was
  // ever set.
  std::optional<Date> deadline;
  // The deadline as assigned (Task::deadline), kept visible beside the one in force.
  std::optional<Date> original_deadline;
  // deadline − original_deadline, in days: positive for an extension, negative when brought
  // forward; 0 when either is none.
  int slip_days = 0;
  // Number of amendments (of deadline or lead unit) approved on or before D.
  int amendments = 0;

  // The lead unit in force on D: the new_lead_unit of the latest amendment approved on or before
  // D that names one, otherwise Task::lead_unit. Rates "for a unit as lead" count by it.
  OrgUnitId lead_unit;

  // Set when the task is done on D in the requested view (also kept when it was later
  // cancelled): the date the output was produced, after any correction by a verify.
  std::optional<Date> completed_on;
  // A claim stands on D: made on or before D and not returned on or before D.
  bool claimed = false;
  // The standing claim was verified on or before D.
  bool verified = false;
  std::optional<Date> claimed_on;   // date of the standing claim
  std::optional<Date> verified_on;  // date of the first verify of the standing claim

  // From the latest progress or claim event on or before D that carries each of them.
  std::optional<int> progress_percent;
  std::string difficulties;
  std::string proposals;

  // Date of the first cancel on or before D.
  std::optional<Date> cancelled_on;

  // Recurring tasks: the period judged on D (the latest one that ended on or before D and on or
  // after assigned_on); none when kRecurringNotDue.
  std::optional<Period> period;
};

// The status of `task` on `d`. `events_of_task` is the task's ledger in append order; events of
// other tasks (a different TaskEvent::task) are ignored.
TaskState EvaluateTask(const Task& task, std::span<const TaskEvent> events_of_task, Date d,
                       CompletionView view);

// A task's ledger ordered for evaluation: by `on`, ledger order kept for events of the same day.
// The pointers point into `events_of_task`, which must outlive the result. Ordering once and
// evaluating many dates with EvaluateOrderedLedger avoids sorting per date.
std::vector<const TaskEvent*> OrderLedger(std::span<const TaskEvent> events_of_task);

// EvaluateTask over a ledger already ordered as OrderLedger orders it (by `on`, ties in ledger
// order). Every pointer must be non-null; events of other tasks are ignored.
TaskState EvaluateOrderedLedger(const Task& task, std::span<const TaskEvent* const> ordered, Date d,
                                CompletionView view);

// A recurring task's report for a period is due this many days after the period ends (by the
// 20th of the next month for a monthly task); a period is judged once its report is overdue, so
// nobody is counted as missing a report on the last day of the month.
inline constexpr int kRecurringReportDueDays = 20;

// The status of one reporting `period` of a task on `d`: kNotAssigned if d < assigned_on;
// kCancelled if cancelled on or before d; kRecurringReported if a progress event for exactly
// `period` was recorded on or before d (an early report counts); kRecurringNotDue while its
// report is not yet overdue (d <= period.end() + kRecurringReportDueDays) or when the period
// ended before assigned_on; kRecurringMissing otherwise. Meant for recurring tasks; the task's
// kind and cadence are not checked, so `period` may be of any type.
TaskStatus RecurringStatus(const Task& task, std::span<const TaskEvent> events_of_task,
                           const Period& period, Date d);

// The period of `cadence` judged on `d` for a recurring task assigned on `assigned_on`: the
// latest period whose report is overdue on d (period.end() + kRecurringReportDueDays < d),
// provided it ended on or after assigned_on; none otherwise.
std::optional<Period> JudgedPeriod(PeriodType cadence, Date assigned_on, Date d);

}  // namespace planwatch
