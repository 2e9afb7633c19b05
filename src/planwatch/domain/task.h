// Tasks and their ledger of events. A task row holds what was assigned; everything that happens
// afterwards (progress, claims, verification, amendments, cancellation) is an event, so the
// status on any past date can be reconstructed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/period.h"

namespace planwatch {

enum class TaskKind {
  kDeadline,   // one deliverable by a deadline
  kRecurring,  // "regular, continuous": judged per reporting period
};
std::string_view TaskKindName(TaskKind kind);  // "deadline", "recurring"
Result<TaskKind> ParseTaskKind(std::string_view text);

struct Task {
  TaskId id;
  PlanId plan;
  TaskGroupId group;
  std::string code;  // unique within the plan
  std::string title_vi;
  std::string title_en;
  std::string description;
  TaskId parent;  // cascade: a task split into sub-tasks for departments and communes
  OrgUnitId lead_unit;
  std::vector<OrgUnitId> coordinating_units;
  TaskKind kind = TaskKind::kDeadline;
  Date assigned_on;  // the task exists from this date on
  std::optional<Date> start;
  std::optional<Date> deadline;       // the original deadline (deadline tasks)
  std::optional<PeriodType> cadence;  // reporting period of a recurring task
  std::string expected_output;
  int priority = 0;  // 0 normal, higher is more urgent
  std::vector<IndicatorId> indicators;
  bool classified = false;

  friend bool operator==(const Task&, const Task&) = default;
};

enum class TaskEventKind {
  kProgress,  // lead unit reports progress, difficulties, proposals (and a period for recurring)
  kClaim,     // lead unit claims done, with completed_on
  kVerify,    // standing agency verifies the latest claim (completed_on may correct the date)
  kReturn,    // standing agency sends the latest claim back
  kAmend,     // approved change of deadline and/or lead unit; `on` is the approval date
  kCancel,    // cancelled by the standing agency on `on`
};
std::string_view TaskEventKindName(TaskEventKind kind);  // "progress", "claim", …
Result<TaskEventKind> ParseTaskEventKind(std::string_view text);

struct TaskEvent {
  TaskId task;
  TaskEventKind kind = TaskEventKind::kProgress;
  Date on;  // when it happened (claimed, verified, approved, cancelled)
  std::optional<int> progress_percent;
  std::optional<Date> completed_on;  // claim, verify
  std::optional<Date> new_deadline;  // amend: the deadline in force from `on`
  OrgUnitId new_lead_unit;           // amend: the unit that leads from `on` (none: unchanged)
  std::optional<Period> period;      // progress of a recurring task
  std::string actor;                 // who reported, approved or verified
  std::string requested_by;          // amend: who asked
  std::string reason;                // amend, cancel, return
  std::string difficulties;
  std::string proposals;
  std::string evidence;  // links to the output or product

  friend bool operator==(const TaskEvent&, const TaskEvent&) = default;
};

}  // namespace planwatch
