#include "planwatch/domain/task_rates.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <unordered_map>
#include <vector>

namespace planwatch {
namespace {

// Evaluates every task that passes `filter` and calls visit(task, state). Events are bucketed
// by task in one pass (a counting sort keeps ledger order) and only each bucket is sorted by
// date, so the cost stays linear in the number of events plus the per-task sorts.
template <typename Visit>
void EvaluateAll(std::span<const Task> tasks, std::span<const TaskEvent> events, Date d,
                 CompletionView view, const TaskFilter& filter, Visit&& visit) {
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::unordered_map<TaskId, std::size_t> bucket_of;  // task id → bucket
  std::vector<std::pair<const Task*, std::size_t>> selected;
  bucket_of.reserve(tasks.size());
  for (const Task& task : tasks) {
    // The lead unit can change by amendment, so it is matched after evaluation.
    if (filter.plan && task.plan != *filter.plan) continue;
    if (filter.groups && !filter.groups->contains(task.group)) continue;
    const auto [it, inserted] = bucket_of.try_emplace(task.id, bucket_of.size());
    selected.emplace_back(&task, it->second);
  }
  if (selected.empty()) return;

  const std::size_t buckets = bucket_of.size();
  std::vector<std::size_t> event_bucket(events.size(), kNone);
  std::vector<std::size_t> begin(buckets + 1, 0);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto it = bucket_of.find(events[i].task);
    if (it == bucket_of.end()) continue;
    event_bucket[i] = it->second;
    ++begin[it->second + 1];
  }
  for (std::size_t b = 0; b < buckets; ++b) begin[b + 1] += begin[b];
  std::vector<const TaskEvent*> ordered(begin[buckets]);
  std::vector<std::size_t> next(begin.begin(), begin.end() - 1);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (event_bucket[i] != kNone) ordered[next[event_bucket[i]]++] = &events[i];
  }
  const auto by_date = [](const TaskEvent* a, const TaskEvent* b) { return a->on < b->on; };
  for (std::size_t b = 0; b < buckets; ++b) {
    const auto first = ordered.begin() + static_cast<std::ptrdiff_t>(begin[b]);
    const auto last = ordered.begin() + static_cast<std::ptrdiff_t>(begin[b + 1]);
    if (!std::is_sorted(first, last, by_date)) std::stable_sort(first, last, by_date);
  }

  for (const auto& [task, bucket] : selected) {
    const std::span<const TaskEvent* const> ledger(ordered.data() + begin[bucket],
                                                   begin[bucket + 1] - begin[bucket]);
    const TaskState state = EvaluateOrderedLedger(*task, ledger, d, view);
    if (filter.lead_units && !filter.lead_units->contains(state.lead_unit)) continue;
    visit(*task, state);
  }
}

void Count(const Task& task, const TaskState& state, Date d, StatusSummary& s) {
  switch (state.status) {
    case TaskStatus::kNotAssigned:
      return;
    case TaskStatus::kCancelled:
      ++(task.kind == TaskKind::kRecurring ? s.recurring_cancelled : s.cancelled);
      return;
    case TaskStatus::kRecurringReported:
      ++s.recurring_reported;
      return;
    case TaskStatus::kRecurringMissing:
      ++s.recurring_missing;
      return;
    case TaskStatus::kRecurringNotDue:
      ++s.recurring_not_due;
      return;
    case TaskStatus::kDoneOnTime:
      ++s.done;
      ++s.done_on_time;
      break;
    case TaskStatus::kDoneLate:
      ++s.done;
      ++s.done_late;
      break;
    case TaskStatus::kInProgressOnTime:
      ++s.in_progress_on_time;
      break;
    case TaskStatus::kOverdue:
      ++s.overdue;
      break;
  }
  ++s.total;
  s.slip_days += state.slip_days;
  if (state.deadline && *state.deadline <= d) {
    ++s.due;
    if (state.status == TaskStatus::kDoneOnTime) ++s.due_done_on_time;
  }
}

void ComputeRates(StatusSummary& s) {
  if (s.total > 0) s.completion_rate = static_cast<double>(s.done) / s.total;
  if (s.due > 0) s.on_time_rate = static_cast<double>(s.due_done_on_time) / s.due;
}

template <typename Key, typename KeyOf>
std::map<Key, StatusSummary> SummarizeBy(std::span<const Task> tasks,
                                         std::span<const TaskEvent> events, Date d,
                                         CompletionView view, const TaskFilter& filter,
                                         KeyOf key_of) {
  std::map<Key, StatusSummary> out;
  EvaluateAll(tasks, events, d, view, filter, [&](const Task& task, const TaskState& state) {
    Count(task, state, d, out[key_of(task, state)]);
  });
  for (auto& [key, summary] : out) ComputeRates(summary);
  return out;
}

}  // namespace

bool Matches(const Task& task, const TaskState& state, const TaskFilter& filter) {
  if (filter.plan && task.plan != *filter.plan) return false;
  if (filter.groups && !filter.groups->contains(task.group)) return false;
  if (filter.lead_units && !filter.lead_units->contains(state.lead_unit)) return false;
  return true;
}

StatusSummary Combine(const StatusSummary& a, const StatusSummary& b) {
  StatusSummary s;
  s.total = a.total + b.total;
  s.done = a.done + b.done;
  s.done_on_time = a.done_on_time + b.done_on_time;
  s.done_late = a.done_late + b.done_late;
  s.in_progress_on_time = a.in_progress_on_time + b.in_progress_on_time;
  s.overdue = a.overdue + b.overdue;
  s.cancelled = a.cancelled + b.cancelled;
  s.due = a.due + b.due;
  s.due_done_on_time = a.due_done_on_time + b.due_done_on_time;
  s.recurring_reported = a.recurring_reported + b.recurring_reported;
  s.recurring_missing = a.recurring_missing + b.recurring_missing;
  s.recurring_not_due = a.recurring_not_due + b.recurring_not_due;
  s.recurring_cancelled = a.recurring_cancelled + b.recurring_cancelled;
  s.slip_days = a.slip_days + b.slip_days;
  ComputeRates(s);
  return s;
}

StatusSummary Summarize(std::span<const Task> tasks, std::span<const TaskEvent> events, Date d,
                        CompletionView view, const TaskFilter& filter) {
  StatusSummary s;
  EvaluateAll(tasks, events, d, view, filter,
              [&](const Task& task, const TaskState& state) { Count(task, state, d, s); });
  ComputeRates(s);
  return s;
}

std::map<TaskGroupId, StatusSummary> SummarizeByGroup(std::span<const Task> tasks,
                                                      std::span<const TaskEvent> events, Date d,
                                                      CompletionView view,
                                                      const TaskFilter& filter) {
  return SummarizeBy<TaskGroupId>(tasks, events, d, view, filter,
                                  [](const Task& t, const TaskState&) { return t.group; });
}

std::map<OrgUnitId, StatusSummary> SummarizeByLeadUnit(std::span<const Task> tasks,
                                                       std::span<const TaskEvent> events, Date d,
                                                       CompletionView view,
                                                       const TaskFilter& filter) {
  return SummarizeBy<OrgUnitId>(tasks, events, d, view, filter,
                                [](const Task&, const TaskState& s) { return s.lead_unit; });
}

}  // namespace planwatch
