#include "planwatch/domain/task_status.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "planwatch/base/enum_names.h"

namespace planwatch {
namespace {

constexpr NameTable<TaskStatus, 9> kStatusNames{{
    {TaskStatus::kNotAssigned, "not_assigned"},
    {TaskStatus::kDoneOnTime, "done_on_time"},
    {TaskStatus::kDoneLate, "done_late"},
    {TaskStatus::kInProgressOnTime, "in_progress_on_time"},
    {TaskStatus::kOverdue, "overdue"},
    {TaskStatus::kCancelled, "cancelled"},
    {TaskStatus::kRecurringReported, "reported"},
    {TaskStatus::kRecurringMissing, "missing"},
    {TaskStatus::kRecurringNotDue, "not_due"},
}};

constexpr NameTable<CompletionView, 2> kViewNames{{
    {CompletionView::kVerified, "verified"},
    {CompletionView::kClaimed, "claimed"},
}};

// One claim of the ledger and what happened to it up to D.
struct ClaimRecord {
  const TaskEvent* claim = nullptr;
  bool returned = false;
  std::optional<Date> verified_on;  // first verify
  std::optional<Date> corrected;    // latest verify correction
};

// Returns and verifies act on the latest claim not yet returned, so returning a later claim
// lets an earlier one stand again.
ClaimRecord* StandingClaim(std::vector<ClaimRecord>& claims) {
  for (auto it = claims.rbegin(); it != claims.rend(); ++it) {
    if (!it->returned) return &*it;
  }
  return nullptr;
}

bool ReportedFor(std::span<const TaskEvent> events, TaskId task, const Period& period, Date d) {
  return std::any_of(events.begin(), events.end(), [&](const TaskEvent& e) {
    return e.task == task && e.kind == TaskEventKind::kProgress && e.on <= d && e.period &&
           *e.period == period;
  });
}

}  // namespace

std::string_view TaskStatusName(TaskStatus status) { return NameOf(kStatusNames, status); }

Result<TaskStatus> ParseTaskStatus(std::string_view text) {
  return ParseName(kStatusNames, "task status", text);
}

bool IsDone(TaskStatus status) {
  return status == TaskStatus::kDoneOnTime || status == TaskStatus::kDoneLate;
}

std::string_view CompletionViewName(CompletionView view) { return NameOf(kViewNames, view); }

Result<CompletionView> ParseCompletionView(std::string_view text) {
  return ParseName(kViewNames, "completion view", text);
}

std::optional<Period> JudgedPeriod(PeriodType cadence, Date assigned_on, Date d) {
  const Date last_overdue_end = d.AddDays(-(kRecurringReportDueDays + 1));
  Period p = Period::Containing(last_overdue_end, cadence);
  if (p.end() > last_overdue_end) p = p.Previous();
  if (p.end() < assigned_on) return std::nullopt;
  return p;
}

std::vector<const TaskEvent*> OrderLedger(std::span<const TaskEvent> events_of_task) {
  std::vector<const TaskEvent*> ordered;
  ordered.reserve(events_of_task.size());
  for (const TaskEvent& e : events_of_task) ordered.push_back(&e);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const TaskEvent* a, const TaskEvent* b) { return a->on < b->on; });
  return ordered;
}

TaskState EvaluateTask(const Task& task, std::span<const TaskEvent> events_of_task, Date d,
                       CompletionView view) {
  const std::vector<const TaskEvent*> ordered = OrderLedger(events_of_task);
  return EvaluateOrderedLedger(task, ordered, d, view);
}

TaskState EvaluateOrderedLedger(const Task& task, std::span<const TaskEvent* const> ordered, Date d,
                                CompletionView view) {
  TaskState state;
  state.original_deadline = task.deadline;
  state.lead_unit = task.lead_unit;
  if (d < task.assigned_on) return state;

  std::optional<Date> amended;
  std::vector<ClaimRecord> claims;
  bool reported_judged = false;
  const bool recurring = task.kind == TaskKind::kRecurring;
  if (recurring && task.cadence) state.period = JudgedPeriod(*task.cadence, task.assigned_on, d);

  for (const TaskEvent* e : ordered) {
    if (e->on > d) break;  // ordered by date: nothing later counts on D
    if (e->task != task.id) continue;
    switch (e->kind) {
      case TaskEventKind::kProgress:
        if (state.period && e->period && *e->period == *state.period) reported_judged = true;
        [[fallthrough]];
      case TaskEventKind::kClaim:
        if (e->progress_percent) state.progress_percent = e->progress_percent;
        if (!e->difficulties.empty()) state.difficulties = e->difficulties;
        if (!e->proposals.empty()) state.proposals = e->proposals;
        if (e->kind == TaskEventKind::kClaim) {
          ClaimRecord& c = claims.emplace_back();
          c.claim = e;
        }
        break;
      case TaskEventKind::kVerify:
        if (ClaimRecord* c = StandingClaim(claims)) {
          if (!c->verified_on) c->verified_on = e->on;
          if (e->completed_on) c->corrected = e->completed_on;
        }
        break;
      case TaskEventKind::kReturn:
        if (ClaimRecord* c = StandingClaim(claims)) c->returned = true;
        break;
      case TaskEventKind::kAmend:
        if (e->new_deadline) amended = e->new_deadline;
        if (e->new_lead_unit) state.lead_unit = e->new_lead_unit;
        if (e->new_deadline || e->new_lead_unit) ++state.amendments;
        break;
      case TaskEventKind::kCancel:
        if (!state.cancelled_on) state.cancelled_on = e->on;
        break;
    }
  }

  if (const ClaimRecord* c = StandingClaim(claims)) {
    state.claimed = true;
    state.claimed_on = c->claim->on;
    state.verified = c->verified_on.has_value();
    state.verified_on = c->verified_on;
    if (state.verified || view == CompletionView::kClaimed) {
      state.completed_on = c->corrected             ? *c->corrected
                           : c->claim->completed_on ? *c->claim->completed_on
                                                    : c->claim->on;
    }
  }

  if (!recurring) {
    state.deadline = amended ? amended : task.deadline;
    if (state.deadline && task.deadline) {
      state.slip_days = state.deadline->DaysSince(*task.deadline);
    }
  }

  if (state.cancelled_on) {
    state.status = TaskStatus::kCancelled;
  } else if (recurring) {
    if (!state.period) {
      state.status = TaskStatus::kRecurringNotDue;
    } else {
      state.status =
          reported_judged ? TaskStatus::kRecurringReported : TaskStatus::kRecurringMissing;
    }
  } else if (state.completed_on) {
    state.status = (!state.deadline || *state.completed_on <= *state.deadline)
                       ? TaskStatus::kDoneOnTime
                       : TaskStatus::kDoneLate;
  } else {
    state.status = (!state.deadline || d <= *state.deadline) ? TaskStatus::kInProgressOnTime
                                                             : TaskStatus::kOverdue;
  }
  return state;
}

TaskStatus RecurringStatus(const Task& task, std::span<const TaskEvent> events_of_task,
                           const Period& period, Date d) {
  if (d < task.assigned_on) return TaskStatus::kNotAssigned;
  const bool cancelled =
      std::any_of(events_of_task.begin(), events_of_task.end(), [&](const TaskEvent& e) {
        return e.task == task.id && e.kind == TaskEventKind::kCancel && e.on <= d;
      });
  if (cancelled) return TaskStatus::kCancelled;
  if (ReportedFor(events_of_task, task.id, period, d)) return TaskStatus::kRecurringReported;
  if (d <= period.end().AddDays(kRecurringReportDueDays) || period.end() < task.assigned_on) {
    return TaskStatus::kRecurringNotDue;
  }
  return TaskStatus::kRecurringMissing;
}

}  // namespace planwatch
