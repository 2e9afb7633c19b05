#include "planwatch/domain/task_rates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "planwatch/domain/task.h"
#include "planwatch/domain/task_status.h"

namespace planwatch {
namespace {

Date D(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

constexpr PlanId kPlan{1};
constexpr PlanId kOtherPlan{2};

Task DeadlineTask(std::int64_t id, std::string_view assigned_on, std::string_view deadline) {
  Task t;
  t.id = TaskId{id};
  t.plan = kPlan;
  t.group = TaskGroupId{1};
  t.lead_unit = OrgUnitId{1};
  t.kind = TaskKind::kDeadline;
  t.assigned_on = D(assigned_on);
  t.deadline = D(deadline);
  return t;
}

Task RecurringTask(std::int64_t id, std::string_view assigned_on) {
  Task t;
  t.id = TaskId{id};
  t.plan = kPlan;
  t.group = TaskGroupId{1};
  t.lead_unit = OrgUnitId{1};
  t.kind = TaskKind::kRecurring;
  t.assigned_on = D(assigned_on);
  t.cadence = PeriodType::kMonth;
  return t;
}

TaskEvent Event(std::int64_t task, TaskEventKind kind, std::string_view on) {
  TaskEvent e;
  e.task = TaskId{task};
  e.kind = kind;
  e.on = D(on);
  return e;
}

TaskEvent Claim(std::int64_t task, std::string_view on, std::string_view completed_on) {
  TaskEvent e = Event(task, TaskEventKind::kClaim, on);
  e.completed_on = D(completed_on);
  return e;
}

TaskEvent Verify(std::int64_t task, std::string_view on) {
  return Event(task, TaskEventKind::kVerify, on);
}

TaskEvent Return(std::int64_t task, std::string_view on) {
  return Event(task, TaskEventKind::kReturn, on);
}

TaskEvent Amend(std::int64_t task, std::string_view on, std::string_view new_deadline) {
  TaskEvent e = Event(task, TaskEventKind::kAmend, on);
  e.new_deadline = D(new_deadline);
  return e;
}

TaskEvent Cancel(std::int64_t task, std::string_view on) {
  return Event(task, TaskEventKind::kCancel, on);
}

TaskEvent MonthReport(std::int64_t task, std::string_view on, std::string_view period) {
  TaskEvent e = Event(task, TaskEventKind::kProgress, on);
  e.period = Period::Parse(period).value();
  return e;
}

void Append(std::vector<TaskEvent>& to, std::initializer_list<TaskEvent> events) {
  to.insert(to.end(), events.begin(), events.end());
}

// Six deadline tasks, one per status on 2025-07-10, plus one not yet assigned:
//   1 done on time, 2 done late, 3 in progress (deadline 2025-09-30), 4 overdue,
//   5 cancelled, 6 done on time ahead of a deadline not yet due, 7 assigned 2025-08-01.
struct SmallPlan {
  std::vector<Task> tasks = {
      DeadlineTask(1, "2025-01-01", "2025-06-30"), DeadlineTask(2, "2025-01-01", "2025-06-30"),
      DeadlineTask(3, "2025-01-01", "2025-09-30"), DeadlineTask(4, "2025-01-01", "2025-06-30"),
      DeadlineTask(5, "2025-01-01", "2025-06-30"), DeadlineTask(6, "2025-01-01", "2025-12-31"),
      DeadlineTask(7, "2025-08-01", "2025-12-31"),
  };
  std::vector<TaskEvent> events = {
      Claim(1, "2025-06-20", "2025-06-20"),
      Verify(1, "2025-06-22"),
      Claim(2, "2025-07-02", "2025-07-01"),
      Verify(2, "2025-07-03"),
      Cancel(5, "2025-07-01"),
      Claim(6, "2025-05-01", "2025-04-30"),
      Verify(6, "2025-05-02"),
  };
};

TEST(TaskRatesTest, NoTasksHasNoRates) {
  const StatusSummary s = Summarize({}, {}, D("2025-12-31"), CompletionView::kVerified);
  EXPECT_EQ(s, StatusSummary{});
  EXPECT_EQ(s.completion_rate, std::nullopt);
  EXPECT_EQ(s.on_time_rate, std::nullopt);
}

TEST(TaskRatesTest, CountsEveryStatus) {
  const SmallPlan plan;
  const StatusSummary s =
      Summarize(plan.tasks, plan.events, D("2025-07-10"), CompletionView::kVerified);
  EXPECT_EQ(s.total, 5);
  EXPECT_EQ(s.done, 3);
  EXPECT_EQ(s.done_on_time, 2);
  EXPECT_EQ(s.done_late, 1);
  EXPECT_EQ(s.in_progress_on_time, 1);
  EXPECT_EQ(s.overdue, 1);
  EXPECT_EQ(s.cancelled, 1);
  EXPECT_EQ(s.total, s.done + s.in_progress_on_time + s.overdue);
  ASSERT_TRUE(s.completion_rate.has_value());
  EXPECT_DOUBLE_EQ(*s.completion_rate, 0.6);
}

TEST(TaskRatesTest, OnTimeRateCountsOnlyTasksDueByD) {
  const SmallPlan plan;
  const StatusSummary s =
      Summarize(plan.tasks, plan.events, D("2025-07-10"), CompletionView::kVerified);
  // Due by 10 July: tasks 1 (on time), 2 (late), 4 (overdue). Task 6 is done on time but its
  // deadline is in December, task 3 is not due yet.
  EXPECT_EQ(s.due, 3);
  EXPECT_EQ(s.due_done_on_time, 1);
  ASSERT_TRUE(s.on_time_rate.has_value());
  EXPECT_DOUBLE_EQ(*s.on_time_rate, 1.0 / 3);
}

TEST(TaskRatesTest, OnTimeRateIsNoneWhenNothingIsDue) {
  const SmallPlan plan;
  const StatusSummary s =
      Summarize(plan.tasks, plan.events, D("2025-06-01"), CompletionView::kVerified);
  EXPECT_EQ(s.total, 6);
  EXPECT_EQ(s.done, 1);  // task 6
  EXPECT_EQ(s.due, 0);
  EXPECT_EQ(s.on_time_rate, std::nullopt);
  ASSERT_TRUE(s.completion_rate.has_value());
  EXPECT_DOUBLE_EQ(*s.completion_rate, 1.0 / 6);
}

TEST(TaskRatesTest, CompletionRateIsNoneWhenEveryTaskIsCancelled) {
  const std::vector<Task> tasks = {DeadlineTask(1, "2025-01-01", "2025-06-30"),
                                   DeadlineTask(2, "2025-01-01", "2025-03-31")};
  const std::vector<TaskEvent> events = {Cancel(1, "2025-02-01"), Cancel(2, "2025-02-01")};
  const StatusSummary s = Summarize(tasks, events, D("2025-12-31"), CompletionView::kVerified);
  EXPECT_EQ(s.total, 0);
  EXPECT_EQ(s.cancelled, 2);
  EXPECT_EQ(s.due, 0);
  EXPECT_EQ(s.completion_rate, std::nullopt);
  EXPECT_EQ(s.on_time_rate, std::nullopt);
}

TEST(TaskRatesTest, TasksAssignedAfterDAreNotCounted) {
  const SmallPlan plan;
  const StatusSummary before =
      Summarize(plan.tasks, plan.events, D("2025-07-31"), CompletionView::kVerified);
  const StatusSummary after =
      Summarize(plan.tasks, plan.events, D("2025-08-01"), CompletionView::kVerified);
  EXPECT_EQ(before.total, 5);
  EXPECT_EQ(after.total, 6);
  EXPECT_EQ(after.in_progress_on_time, before.in_progress_on_time + 1);
  const StatusSummary none =
      Summarize(plan.tasks, plan.events, D("2024-12-31"), CompletionView::kVerified);
  EXPECT_EQ(none, StatusSummary{});
}

TEST(TaskRatesTest, CancelledTaskCountsUntilTheDayBeforeItsCancellation) {
  const SmallPlan plan;
  const StatusSummary before =
      Summarize(plan.tasks, plan.events, D("2025-06-30"), CompletionView::kVerified);
  EXPECT_EQ(before.cancelled, 0);
  EXPECT_EQ(before.total, 6);
  EXPECT_EQ(before.due, 4);  // tasks 1, 2, 4, 5 are due on 30 June
  const StatusSummary on =
      Summarize(plan.tasks, plan.events, D("2025-07-01"), CompletionView::kVerified);
  EXPECT_EQ(on.cancelled, 1);
  EXPECT_EQ(on.total, 5);
  EXPECT_EQ(on.due, 3);
}

TEST(TaskRatesTest, RecurringTasksAreCountedSeparately) {
  std::vector<Task> tasks = {DeadlineTask(1, "2025-01-01", "2025-06-30"),
                             RecurringTask(2, "2025-01-01"), RecurringTask(3, "2025-01-01"),
                             RecurringTask(4, "2025-03-10"), RecurringTask(5, "2025-01-01")};
  const std::vector<TaskEvent> events = {MonthReport(2, "2025-03-02", "202502"),
                                         MonthReport(3, "2025-02-03", "202501"),
                                         Cancel(5, "2025-03-01")};
  const StatusSummary s = Summarize(tasks, events, D("2025-03-15"), CompletionView::kVerified);
  EXPECT_EQ(s.recurring_reported, 1);   // task 2, February
  EXPECT_EQ(s.recurring_missing, 1);    // task 3 reported January only
  EXPECT_EQ(s.recurring_not_due, 1);    // task 4, assigned in March
  EXPECT_EQ(s.recurring_cancelled, 1);  // task 5
  EXPECT_EQ(s.cancelled, 0);
  EXPECT_EQ(s.total, 1);
  EXPECT_EQ(s.in_progress_on_time, 1);
  EXPECT_EQ(s.due, 0);
}

TEST(TaskRatesTest, LeadUnitHandedOverByAmendmentCountsForTheNewUnitFromItsDate) {
  // Task 1 is led by unit 1 until unit 2 takes it over on 1 July; task 2 stays with unit 1.
  const std::vector<Task> tasks = {DeadlineTask(1, "2025-01-01", "2025-09-30"),
                                   DeadlineTask(2, "2025-01-01", "2025-09-30")};
  TaskEvent handover = Event(1, TaskEventKind::kAmend, "2025-07-01");
  handover.new_lead_unit = OrgUnitId{2};
  handover.reason = "commune merged";
  const std::vector<TaskEvent> events = {handover};
  auto led_by = [&](std::int64_t unit, std::string_view day) {
    TaskFilter filter;
    filter.lead_units = {OrgUnitId{unit}};
    return Summarize(tasks, events, D(day), CompletionView::kVerified, filter).total;
  };
  EXPECT_EQ(led_by(1, "2025-06-30"), 2);
  EXPECT_EQ(led_by(2, "2025-06-30"), 0);
  EXPECT_EQ(led_by(1, "2025-07-01"), 1);
  EXPECT_EQ(led_by(2, "2025-07-01"), 1);
  const auto by_unit =
      SummarizeByLeadUnit(tasks, events, D("2025-07-01"), CompletionView::kVerified);
  ASSERT_EQ(by_unit.size(), 2u);
  EXPECT_EQ(by_unit.at(OrgUnitId{2}).total, 1);
  // A lead-unit amendment leaves the deadline alone.
  const TaskState state =
      EvaluateTask(tasks[0], events, D("2025-07-01"), CompletionView::kVerified);
  EXPECT_EQ(state.lead_unit, OrgUnitId{2});
  EXPECT_EQ(state.deadline, D("2025-09-30"));
  EXPECT_EQ(state.slip_days, 0);
  EXPECT_EQ(state.amendments, 1);
}

TEST(TaskRatesTest, OnlyRecurringTasksLeaveRatesUndefined) {
  const std::vector<Task> tasks = {RecurringTask(2, "2025-01-01")};
  const std::vector<TaskEvent> events = {MonthReport(2, "2025-03-02", "202502")};
  const StatusSummary s = Summarize(tasks, events, D("2025-03-21"), CompletionView::kVerified);
  EXPECT_EQ(s.recurring_reported, 1);
  EXPECT_EQ(s.total, 0);
  EXPECT_EQ(s.completion_rate, std::nullopt);
  EXPECT_EQ(s.on_time_rate, std::nullopt);
}

TEST(TaskRatesTest, ClaimedViewCountsUnverifiedClaims) {
  const std::vector<Task> tasks = {
      DeadlineTask(1, "2025-01-01", "2025-06-30"), DeadlineTask(2, "2025-01-01", "2025-06-30"),
      DeadlineTask(3, "2025-01-01", "2025-06-30"), DeadlineTask(4, "2025-01-01", "2025-06-30")};
  const std::vector<TaskEvent> events = {
      Claim(1, "2025-06-01", "2025-06-01"), Verify(1, "2025-06-02"),
      Claim(2, "2025-06-10", "2025-06-10"),  // never verified
      Claim(3, "2025-07-05", "2025-07-04"),  // late, never verified
      Claim(4, "2025-06-01", "2025-06-01"), Return(4, "2025-06-03")};
  const StatusSummary verified =
      Summarize(tasks, events, D("2025-07-31"), CompletionView::kVerified);
  EXPECT_EQ(verified.done, 1);
  EXPECT_EQ(verified.overdue, 3);
  EXPECT_DOUBLE_EQ(verified.completion_rate.value(), 0.25);
  EXPECT_DOUBLE_EQ(verified.on_time_rate.value(), 0.25);

  const StatusSummary claimed = Summarize(tasks, events, D("2025-07-31"), CompletionView::kClaimed);
  EXPECT_EQ(claimed.done, 3);
  EXPECT_EQ(claimed.done_on_time, 2);
  EXPECT_EQ(claimed.done_late, 1);
  EXPECT_EQ(claimed.overdue, 1);  // task 4: its claim was returned
  EXPECT_DOUBLE_EQ(claimed.completion_rate.value(), 0.75);
  EXPECT_DOUBLE_EQ(claimed.on_time_rate.value(), 0.5);
}

TEST(TaskRatesTest, SlipDaysAreSummedOverCountedTasks) {
  const std::vector<Task> tasks = {
      DeadlineTask(1, "2025-01-01", "2025-06-30"), DeadlineTask(2, "2025-01-01", "2025-06-30"),
      DeadlineTask(3, "2025-01-01", "2025-06-30"), DeadlineTask(4, "2025-08-01", "2025-09-30")};
  const std::vector<TaskEvent> events = {
      // Task 1: +10 days.
      Amend(1, "2025-06-01", "2025-07-10"),
      // Task 2: +61 days, the later amendment in force.
      Amend(2, "2025-06-01", "2025-07-31"), Amend(2, "2025-07-20", "2025-08-30"),
      // Task 3: cancelled, task 4: not assigned yet; neither counts.
      Amend(3, "2025-06-01", "2025-12-31"), Cancel(3, "2025-07-01"),
      Amend(4, "2025-08-02", "2025-10-30")};
  const StatusSummary s = Summarize(tasks, events, D("2025-07-25"), CompletionView::kVerified);
  EXPECT_EQ(s.slip_days, 71);
  EXPECT_EQ(s.total, 2);
  EXPECT_EQ(s.overdue, 1);
  EXPECT_EQ(s.in_progress_on_time, 1);
  EXPECT_EQ(s.due, 1);
}

// --- filters ----------------------------------------------------------------------------

// Tasks over two plans, three groups and three lead units; all overdue on 2025-12-31 except
// the ones listed as done.
std::vector<Task> FilterFixture() {
  std::vector<Task> tasks;
  const std::int64_t groups[] = {10, 10, 11, 12, 12, 12, 10, 11};
  const std::int64_t units[] = {100, 101, 100, 102, 101, 100, 102, 102};
  for (int i = 0; i < 8; ++i) {
    Task t = DeadlineTask(i + 1, "2025-01-01", "2025-06-30");
    t.group = TaskGroupId{groups[i]};
    t.lead_unit = OrgUnitId{units[i]};
    t.plan = i < 6 ? kPlan : kOtherPlan;
    tasks.push_back(t);
  }
  return tasks;
}

std::vector<TaskEvent> FilterFixtureEvents() {
  // Tasks 1, 4 and 7 are done on time.
  return {Claim(1, "2025-06-01", "2025-06-01"), Verify(1, "2025-06-02"),
          Claim(4, "2025-06-01", "2025-06-01"), Verify(4, "2025-06-02"),
          Claim(7, "2025-06-01", "2025-06-01"), Verify(7, "2025-06-02")};
}

TEST(TaskFilterTest, MatchesEveryPresentCondition) {
  Task t = DeadlineTask(1, "2025-01-01", "2025-06-30");
  t.group = TaskGroupId{10};
  t.lead_unit = OrgUnitId{100};
  TaskState st;
  st.lead_unit = t.lead_unit;
  EXPECT_TRUE(Matches(t, st, TaskFilter{}));
  EXPECT_TRUE(Matches(t, st,
                      TaskFilter{.plan = kPlan,
                                 .groups = {{TaskGroupId{10}}},
                                 .lead_units = {{OrgUnitId{100}, OrgUnitId{101}}}}));
  EXPECT_FALSE(Matches(t, st, TaskFilter{.plan = kOtherPlan}));
  EXPECT_FALSE(Matches(t, st, TaskFilter{.groups = {{TaskGroupId{11}}}}));
  EXPECT_FALSE(Matches(t, st, TaskFilter{.lead_units = {{OrgUnitId{101}}}}));
  EXPECT_FALSE(Matches(t, st, TaskFilter{.groups = std::unordered_set<TaskGroupId>{}}));
  // The lead unit matched is the one in force on the date judged.
  st.lead_unit = OrgUnitId{101};
  EXPECT_TRUE(Matches(t, st, TaskFilter{.lead_units = {{OrgUnitId{101}}}}));
}

TEST(TaskFilterTest, ByPlan) {
  const std::vector<Task> tasks = FilterFixture();
  const std::vector<TaskEvent> events = FilterFixtureEvents();
  const StatusSummary s =
      Summarize(tasks, events, D("2025-12-31"), CompletionView::kVerified, {.plan = kPlan});
  EXPECT_EQ(s.total, 6);
  EXPECT_EQ(s.done, 2);
  const StatusSummary other =
      Summarize(tasks, events, D("2025-12-31"), CompletionView::kVerified, {.plan = kOtherPlan});
  EXPECT_EQ(other.total, 2);
  EXPECT_EQ(other.done, 1);
  EXPECT_DOUBLE_EQ(other.completion_rate.value(), 0.5);
}

TEST(TaskFilterTest, ByGroups) {
  const std::vector<Task> tasks = FilterFixture();
  const std::vector<TaskEvent> events = FilterFixtureEvents();
  TaskFilter filter;
  filter.groups = {TaskGroupId{10}};
  StatusSummary s = Summarize(tasks, events, D("2025-12-31"), CompletionView::kVerified, filter);
  EXPECT_EQ(s.total, 3);  // tasks 1, 2, 7
  EXPECT_EQ(s.done, 2);   // tasks 1, 7
  // A group with its sub-group, expanded by the caller.
  filter.groups = {TaskGroupId{10}, TaskGroupId{11}};
  s = Summarize(tasks, events, D("2025-12-31"), CompletionView::kVerified, filter);
  EXPECT_EQ(s.total, 5);
  EXPECT_EQ(s.done, 2);
  EXPECT_EQ(s.overdue, 3);
}

TEST(TaskFilterTest, ByLeadUnits) {
  const std::vector<Task> tasks = FilterFixture();
  const std::vector<TaskEvent> events = FilterFixtureEvents();
  TaskFilter filter;
  filter.lead_units = {OrgUnitId{102}};
  StatusSummary s = Summarize(tasks, events, D("2025-12-31"), CompletionView::kVerified, filter);
  EXPECT_EQ(s.total, 3);  // tasks 4, 7, 8
  EXPECT_EQ(s.done, 2);
  filter.lead_units = {OrgUnitId{100}, OrgUnitId{101}};
  s = Summarize(tasks, events, D("2025-12-31"), CompletionView::kVerified, filter);
  EXPECT_EQ(s.total, 5);
  EXPECT_EQ(s.done, 1);
}

TEST(TaskFilterTest, AllConditionsMustHold) {
  const std::vector<Task> tasks = FilterFixture();
  const std::vector<TaskEvent> events = FilterFixtureEvents();
  TaskFilter filter;
  filter.plan = kPlan;
  filter.groups = {TaskGroupId{12}};
  filter.lead_units = {OrgUnitId{100}, OrgUnitId{102}};
  const StatusSummary s =
      Summarize(tasks, events, D("2025-12-31"), CompletionView::kVerified, filter);
  EXPECT_EQ(s.total, 2);  // tasks 4 and 6; task 5 is led by 101
  EXPECT_EQ(s.done, 1);
  EXPECT_EQ(s.overdue, 1);
}

TEST(TaskFilterTest, EmptySetAdmitsNoTask) {
  const std::vector<Task> tasks = FilterFixture();
  TaskFilter filter;
  filter.lead_units = std::unordered_set<OrgUnitId>{};
  EXPECT_EQ(
      Summarize(tasks, FilterFixtureEvents(), D("2025-12-31"), CompletionView::kVerified, filter),
      StatusSummary{});
}

TEST(TaskRatesTest, SummarizeByGroup) {
  const std::vector<Task> tasks = FilterFixture();
  const std::vector<TaskEvent> events = FilterFixtureEvents();
  const auto by_group = SummarizeByGroup(tasks, events, D("2025-12-31"), CompletionView::kVerified);
  ASSERT_EQ(by_group.size(), 3u);
  auto it = by_group.begin();
  EXPECT_EQ(it->first, TaskGroupId{10});
  EXPECT_EQ(it->second.total, 3);
  EXPECT_EQ(it->second.done, 2);
  EXPECT_DOUBLE_EQ(it->second.completion_rate.value(), 2.0 / 3);
  ++it;
  EXPECT_EQ(it->first, TaskGroupId{11});
  EXPECT_EQ(it->second.total, 2);
  EXPECT_EQ(it->second.done, 0);
  EXPECT_DOUBLE_EQ(it->second.completion_rate.value(), 0.0);
  ++it;
  EXPECT_EQ(it->first, TaskGroupId{12});
  EXPECT_EQ(it->second.total, 3);
  EXPECT_EQ(it->second.done, 1);

  const auto plan_only = SummarizeByGroup(tasks, events, D("2025-12-31"), CompletionView::kVerified,
                                          {.plan = kOtherPlan});
  ASSERT_EQ(plan_only.size(), 2u);
  EXPECT_EQ(plan_only.at(TaskGroupId{10}).total, 1);
  EXPECT_EQ(plan_only.at(TaskGroupId{11}).total, 1);
}

TEST(TaskRatesTest, SummarizeByGroupKeepsGroupsWithNothingAssignedYet) {
  std::vector<Task> tasks = {DeadlineTask(1, "2025-01-01", "2025-06-30"),
                             DeadlineTask(2, "2026-01-01", "2026-06-30")};
  tasks[1].group = TaskGroupId{5};
  const auto by_group = SummarizeByGroup(tasks, {}, D("2025-12-31"), CompletionView::kVerified);
  ASSERT_EQ(by_group.size(), 2u);
  EXPECT_EQ(by_group.at(TaskGroupId{5}), StatusSummary{});
  EXPECT_EQ(by_group.at(TaskGroupId{1}).overdue, 1);
}

TEST(TaskRatesTest, SummarizeByLeadUnit) {
  const std::vector<Task> tasks = FilterFixture();
  const std::vector<TaskEvent> events = FilterFixtureEvents();
  TaskFilter filter;
  filter.groups = {TaskGroupId{10}, TaskGroupId{12}};
  const auto by_unit =
      SummarizeByLeadUnit(tasks, events, D("2025-12-31"), CompletionView::kVerified, filter);
  // Groups 10 and 12: tasks 1 (100, done), 2 (101), 4 (102, done), 5 (101), 6 (100), 7 (102, done).
  ASSERT_EQ(by_unit.size(), 3u);
  EXPECT_EQ(by_unit.begin()->first, OrgUnitId{100});
  EXPECT_EQ(by_unit.at(OrgUnitId{100}).total, 2);
  EXPECT_EQ(by_unit.at(OrgUnitId{100}).done, 1);
  EXPECT_EQ(by_unit.at(OrgUnitId{101}).total, 2);
  EXPECT_EQ(by_unit.at(OrgUnitId{101}).done, 0);
  EXPECT_EQ(by_unit.at(OrgUnitId{101}).overdue, 2);
  EXPECT_EQ(by_unit.at(OrgUnitId{102}).total, 2);
  EXPECT_EQ(by_unit.at(OrgUnitId{102}).done, 2);
  EXPECT_DOUBLE_EQ(by_unit.at(OrgUnitId{102}).on_time_rate.value(), 1.0);
}

// --- event grouping -------------------------------------------------------------------------

TEST(TaskRatesTest, EventsOfDifferentTasksMayBeInterleavedInAnyOrder) {
  const SmallPlan plan;
  std::vector<TaskEvent> interleaved = plan.events;
  // Reverse the order across tasks while keeping each task's own ledger order.
  std::stable_sort(interleaved.begin(), interleaved.end(),
                   [](const TaskEvent& a, const TaskEvent& b) { return a.task > b.task; });
  ASSERT_NE(interleaved.front().task, plan.events.front().task);
  EXPECT_EQ(Summarize(plan.tasks, interleaved, D("2025-07-10"), CompletionView::kVerified),
            Summarize(plan.tasks, plan.events, D("2025-07-10"), CompletionView::kVerified));
}

TEST(TaskRatesTest, LedgerOrderWithinATaskDecidesSameDayEvents) {
  const std::vector<Task> tasks = {DeadlineTask(1, "2025-01-01", "2025-06-30"),
                                   DeadlineTask(2, "2025-01-01", "2025-06-30")};
  // Same day: task 1's claim is returned, task 2 is returned and then claimed again.
  const std::vector<TaskEvent> events = {
      Claim(1, "2025-06-10", "2025-06-10"), Claim(2, "2025-06-01", "2025-06-01"),
      Return(2, "2025-06-10"), Return(1, "2025-06-10"), Claim(2, "2025-06-10", "2025-06-09")};
  const StatusSummary s = Summarize(tasks, events, D("2025-06-10"), CompletionView::kClaimed);
  EXPECT_EQ(s.done, 1);
  EXPECT_EQ(s.in_progress_on_time, 1);
}

TEST(TaskRatesTest, EventsOfUnknownTasksAreIgnored) {
  const SmallPlan plan;
  std::vector<TaskEvent> events = plan.events;
  Append(events, {Claim(99, "2025-06-01", "2025-06-01"), Verify(99, "2025-06-02"),
                  Cancel(98, "2025-06-01")});
  EXPECT_EQ(Summarize(plan.tasks, events, D("2025-07-10"), CompletionView::kVerified),
            Summarize(plan.tasks, plan.events, D("2025-07-10"), CompletionView::kVerified));
}

// Deterministic pseudo-random plan: every Summarize must agree with evaluating each task on
// its own and counting by hand.
TEST(TaskRatesTest, AgreesWithEvaluatingEachTaskAlone) {
  std::uint64_t seed = 12345;
  auto next = [&seed](int n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((seed >> 33) % static_cast<std::uint64_t>(n));
  };
  const Date base = D("2025-01-01");
  std::vector<Task> tasks;
  std::vector<std::vector<TaskEvent>> ledgers;
  for (int i = 0; i < 300; ++i) {
    Task t;
    t.id = TaskId{1000 + i};
    t.plan = kPlan;
    t.group = TaskGroupId{1 + next(4)};
    t.lead_unit = OrgUnitId{1 + next(5)};
    t.assigned_on = base.AddDays(next(60));
    t.kind = next(10) == 0 ? TaskKind::kRecurring : TaskKind::kDeadline;
    if (t.kind == TaskKind::kRecurring) {
      t.cadence = PeriodType::kMonth;
    } else {
      t.deadline = t.assigned_on.AddDays(30 + next(300));
    }
    std::vector<TaskEvent> ledger;
    const int n = next(7);
    for (int k = 0; k < n; ++k) {
      TaskEvent e;
      e.task = t.id;
      e.kind = static_cast<TaskEventKind>(next(6));
      e.on = t.assigned_on.AddDays(next(365));
      if (e.kind == TaskEventKind::kClaim || next(3) == 0) e.completed_on = e.on.AddDays(-next(5));
      if (e.kind == TaskEventKind::kAmend) e.new_deadline = e.on.AddDays(next(120));
      if (e.kind == TaskEventKind::kProgress) {
        e.period = Period::Containing(e.on.AddDays(-10), PeriodType::kMonth);
      }
      ledger.push_back(e);
    }
    tasks.push_back(t);
    ledgers.push_back(ledger);
  }
  // Round-robin interleaving across tasks, each ledger kept in order.
  std::vector<TaskEvent> events;
  for (std::size_t k = 0; k < 7; ++k) {
    for (const auto& ledger : ledgers) {
      if (k < ledger.size()) events.push_back(ledger[k]);
    }
  }

  for (std::string_view day : {"2025-03-01", "2025-07-15", "2025-12-31", "2026-06-30"}) {
    for (CompletionView view : {CompletionView::kVerified, CompletionView::kClaimed}) {
      const Date d = D(day);
      TaskFilter filter;
      filter.lead_units = {OrgUnitId{2}, OrgUnitId{3}};
      StatusSummary expected;
      for (std::size_t i = 0; i < tasks.size(); ++i) {
        const TaskState st = EvaluateTask(tasks[i], ledgers[i], d, view);
        if (!Matches(tasks[i], st, filter)) continue;
        const bool counted = tasks[i].kind == TaskKind::kDeadline &&
                             st.status != TaskStatus::kNotAssigned &&
                             st.status != TaskStatus::kCancelled;
        if (!counted) continue;
        ++expected.total;
        expected.done += IsDone(st.status) ? 1 : 0;
        expected.overdue += st.status == TaskStatus::kOverdue ? 1 : 0;
        expected.slip_days += st.slip_days;
        if (st.deadline && *st.deadline <= d) {
          ++expected.due;
          expected.due_done_on_time += st.status == TaskStatus::kDoneOnTime ? 1 : 0;
        }
      }
      const StatusSummary s = Summarize(tasks, events, d, view, filter);
      EXPECT_EQ(s.total, expected.total) << day;
      EXPECT_EQ(s.done, expected.done) << day;
      EXPECT_EQ(s.overdue, expected.overdue) << day;
      EXPECT_EQ(s.slip_days, expected.slip_days) << day;
      EXPECT_EQ(s.due, expected.due) << day;
      EXPECT_EQ(s.due_done_on_time, expected.due_done_on_time) << day;
      EXPECT_GT(s.total, 0) << day;
    }
  }
}

// --- the seeds' figure: 124 of 169 ------------------------------------------------------------

// The 2025 tasks of a province plan, judged on 31 Dec 2025:
//   100 completed on time and verified, 24 completed late and verified  → 124 done;
//   10 claimed on time in December but verified only on 8 Jan 2026;
//   8 claimed, then returned and never claimed again;
//   15 never claimed (one of them cancelled only in February 2026, so it still counts);
//   12 extended into 2026 by amendments approved in November → in progress on time;
// plus tasks that must not count: 3 cancelled in October, 5 recurring, 2 assigned in 2026.
struct ProvincePlan {
  std::vector<Task> tasks;
  std::vector<TaskEvent> events;

  ProvincePlan() {
    std::int64_t id = 0;
    auto add = [&](std::string_view assigned_on, std::string_view deadline) {
      Task t = DeadlineTask(++id, assigned_on, deadline);
      t.group = TaskGroupId{1 + id % 10};
      t.lead_unit = OrgUnitId{100 + id % 7};
      tasks.push_back(t);
      return id;
    };
    for (int i = 0; i < 100; ++i) {
      const auto t = add("2025-05-07", "2025-09-30");
      Append(events, {Claim(t, "2025-09-25", "2025-09-30"), Verify(t, "2025-10-05")});
    }
    for (int i = 0; i < 24; ++i) {
      const auto t = add("2025-05-07", "2025-09-30");
      Append(events, {Claim(t, "2025-10-15", "2025-10-14"), Verify(t, "2025-12-31")});
    }
    for (int i = 0; i < 10; ++i) {
      const auto t = add("2025-05-07", "2025-12-15");
      Append(events, {Claim(t, "2025-12-10", "2025-12-10"), Verify(t, "2026-01-08")});
    }
    for (int i = 0; i < 8; ++i) {
      const auto t = add("2025-05-07", "2025-11-30");
      Append(events, {Claim(t, "2025-11-20", "2025-11-20"), Return(t, "2025-11-25")});
    }
    for (int i = 0; i < 15; ++i) {
      const auto t = add("2025-05-07", "2025-11-15");
      if (i == 0) Append(events, {Cancel(t, "2026-02-01")});
    }
    for (int i = 0; i < 12; ++i) {
      const auto t = add("2025-05-07", "2025-10-31");
      Append(events, {Amend(t, "2025-11-10", "2026-03-31")});
    }
    for (int i = 0; i < 3; ++i) {
      const auto t = add("2025-05-07", "2025-12-31");
      Append(events, {Cancel(t, "2025-10-01")});
    }
    for (int i = 0; i < 5; ++i) {
      Task t = RecurringTask(++id, "2025-05-07");
      tasks.push_back(t);
      Append(events, {MonthReport(t.id.value, "2025-12-05", "202511")});
    }
    for (int i = 0; i < 2; ++i) add("2026-01-05", "2026-06-30");
  }
};

TEST(ProvincePlanTest, Completed124Of169TasksOn31December) {
  const ProvincePlan plan;
  const StatusSummary s =
      Summarize(plan.tasks, plan.events, D("2025-12-31"), CompletionView::kVerified);
  EXPECT_EQ(s.total, 169);
  EXPECT_EQ(s.done, 124);
  EXPECT_EQ(s.done_on_time, 100);
  EXPECT_EQ(s.done_late, 24);
  EXPECT_EQ(s.in_progress_on_time, 12);
  EXPECT_EQ(s.overdue, 10 + 8 + 15);
  EXPECT_EQ(s.cancelled, 3);
  EXPECT_EQ(s.recurring_reported, 5);  // November's reports; December's are due by 20 January
  EXPECT_EQ(s.recurring_missing, 0);
  EXPECT_EQ(s.due, 157);
  EXPECT_EQ(s.due_done_on_time, 100);
  EXPECT_EQ(s.slip_days, 12 * 151);
  ASSERT_TRUE(s.completion_rate.has_value());
  EXPECT_DOUBLE_EQ(*s.completion_rate, 124.0 / 169.0);
  EXPECT_NEAR(*s.completion_rate, 0.7337, 0.00005);
  EXPECT_DOUBLE_EQ(s.on_time_rate.value(), 100.0 / 157.0);
}

TEST(ProvincePlanTest, ClaimedViewAndLaterVerification) {
  const ProvincePlan plan;
  const StatusSummary claimed =
      Summarize(plan.tasks, plan.events, D("2025-12-31"), CompletionView::kClaimed);
  EXPECT_EQ(claimed.total, 169);
  EXPECT_EQ(claimed.done, 134);
  EXPECT_EQ(claimed.done_on_time, 110);
  EXPECT_DOUBLE_EQ(claimed.completion_rate.value(), 134.0 / 169.0);

  // Verified on 8 Jan 2026: the claimed completions now count, and the two 2026 tasks exist.
  const StatusSummary january =
      Summarize(plan.tasks, plan.events, D("2026-01-08"), CompletionView::kVerified);
  EXPECT_EQ(january.total, 171);
  EXPECT_EQ(january.done, 134);
  // 1 February: one more task cancelled.
  const StatusSummary february =
      Summarize(plan.tasks, plan.events, D("2026-02-01"), CompletionView::kVerified);
  EXPECT_EQ(february.total, 170);
  EXPECT_EQ(february.cancelled, 4);
}

TEST(ProvincePlanTest, GroupsAndUnitsAddUpToThePlan) {
  const ProvincePlan plan;
  const Date d = D("2025-12-31");
  const auto by_group = SummarizeByGroup(plan.tasks, plan.events, d, CompletionView::kVerified);
  const auto by_unit = SummarizeByLeadUnit(plan.tasks, plan.events, d, CompletionView::kVerified);
  EXPECT_EQ(by_group.size(), 10u);  // the recurring tasks are in group 1
  int total = 0, done = 0;
  for (const auto& [group, s] : by_group) {
    total += s.total;
    done += s.done;
  }
  EXPECT_EQ(total, 169);
  EXPECT_EQ(done, 124);
  total = done = 0;
  for (const auto& [unit, s] : by_unit) {
    total += s.total;
    done += s.done;
  }
  EXPECT_EQ(total, 169);
  EXPECT_EQ(done, 124);
  EXPECT_EQ(by_unit.size(), 7u + 1u);  // units 100..106, plus unit 1 leading the recurring tasks
}

}  // namespace
}  // namespace planwatch
