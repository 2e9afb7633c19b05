#include "planwatch/domain/task_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/domain/task.h"

namespace planwatch {
namespace {

using ::testing::HasSubstr;

Date D(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

Period P(std::string_view text) {
  auto p = Period::Parse(text);
  EXPECT_TRUE(p.has_value()) << text;
  return p.value_or(Period::Year(1970));
}

constexpr TaskId kTask{7};

Task DeadlineTask(std::string_view assigned_on, std::string_view deadline) {
  Task t;
  t.id = kTask;
  t.kind = TaskKind::kDeadline;
  t.assigned_on = D(assigned_on);
  t.deadline = D(deadline);
  return t;
}

Task RecurringTask(std::string_view assigned_on, PeriodType cadence) {
  Task t;
  t.id = kTask;
  t.kind = TaskKind::kRecurring;
  t.assigned_on = D(assigned_on);
  t.cadence = cadence;
  return t;
}

TaskEvent Event(TaskEventKind kind, std::string_view on) {
  TaskEvent e;
  e.task = kTask;
  e.kind = kind;
  e.on = D(on);
  return e;
}

TaskEvent Claim(std::string_view on, std::string_view completed_on) {
  TaskEvent e = Event(TaskEventKind::kClaim, on);
  e.completed_on = D(completed_on);
  return e;
}

TaskEvent Verify(std::string_view on) { return Event(TaskEventKind::kVerify, on); }

TaskEvent VerifyCorrecting(std::string_view on, std::string_view completed_on) {
  TaskEvent e = Event(TaskEventKind::kVerify, on);
  e.completed_on = D(completed_on);
  return e;
}

TaskEvent Return(std::string_view on) { return Event(TaskEventKind::kReturn, on); }

TaskEvent Amend(std::string_view on, std::string_view new_deadline) {
  TaskEvent e = Event(TaskEventKind::kAmend, on);
  e.new_deadline = D(new_deadline);
  return e;
}

TaskEvent Cancel(std::string_view on) { return Event(TaskEventKind::kCancel, on); }

TaskEvent Progress(std::string_view on, std::optional<int> percent) {
  TaskEvent e = Event(TaskEventKind::kProgress, on);
  e.progress_percent = percent;
  return e;
}

TaskEvent PeriodReport(std::string_view on, std::string_view period) {
  TaskEvent e = Event(TaskEventKind::kProgress, on);
  e.period = P(period);
  return e;
}

TaskStatus StatusOn(const Task& task, const std::vector<TaskEvent>& events, std::string_view d,
                    CompletionView view = CompletionView::kVerified) {
  return EvaluateTask(task, events, D(d), view).status;
}

// --- names -------------------------------------------------------------------------------

TEST(TaskKindTest, NamesRoundTrip) {
  EXPECT_EQ(TaskKindName(TaskKind::kDeadline), "deadline");
  EXPECT_EQ(TaskKindName(TaskKind::kRecurring), "recurring");
  EXPECT_EQ(ParseTaskKind("deadline").value(), TaskKind::kDeadline);
  EXPECT_EQ(ParseTaskKind("recurring").value(), TaskKind::kRecurring);
}

TEST(TaskKindTest, ParseRejectsOtherNamesNamingInputAndAcceptedNames) {
  for (std::string_view bad : {"", "Deadline", "regular", "recurring "}) {
    auto kind = ParseTaskKind(bad);
    ASSERT_FALSE(kind.has_value()) << bad;
    EXPECT_EQ(kind.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(kind.error().message, HasSubstr("'" + std::string(bad) + "'"));
    EXPECT_THAT(kind.error().message, HasSubstr("deadline, recurring"));
  }
}

TEST(TaskEventKindTest, NamesRoundTrip) {
  const std::vector<std::pair<TaskEventKind, std::string_view>> all = {
      {TaskEventKind::kProgress, "progress"}, {TaskEventKind::kClaim, "claim"},
      {TaskEventKind::kVerify, "verify"},     {TaskEventKind::kReturn, "return"},
      {TaskEventKind::kAmend, "amend"},       {TaskEventKind::kCancel, "cancel"},
  };
  for (const auto& [kind, name] : all) {
    EXPECT_EQ(TaskEventKindName(kind), name);
    EXPECT_EQ(ParseTaskEventKind(name).value(), kind) << name;
  }
}

TEST(TaskEventKindTest, ParseRejectsOtherNamesNamingInputAndAcceptedNames) {
  for (std::string_view bad : {"done", "Claim", "", "verified"}) {
    auto kind = ParseTaskEventKind(bad);
    ASSERT_FALSE(kind.has_value()) << bad;
    EXPECT_EQ(kind.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(kind.error().message, HasSubstr("'" + std::string(bad) + "'"));
    EXPECT_THAT(kind.error().message, HasSubstr("progress, claim, verify, return, amend, cancel"));
  }
}

TEST(TaskStatusNameTest, NamesRoundTrip) {
  const std::vector<std::pair<TaskStatus, std::string_view>> all = {
      {TaskStatus::kNotAssigned, "not_assigned"},
      {TaskStatus::kDoneOnTime, "done_on_time"},
      {TaskStatus::kDoneLate, "done_late"},
      {TaskStatus::kInProgressOnTime, "in_progress_on_time"},
      {TaskStatus::kOverdue, "overdue"},
      {TaskStatus::kCancelled, "cancelled"},
      {TaskStatus::kRecurringReported, "reported"},
      {TaskStatus::kRecurringMissing, "missing"},
      {TaskStatus::kRecurringNotDue, "not_due"},
  };
  for (const auto& [status, name] : all) {
    EXPECT_EQ(TaskStatusName(status), name);
    EXPECT_EQ(ParseTaskStatus(name).value(), status) << name;
  }
  auto bad = ParseTaskStatus("late");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message, HasSubstr("'late'"));
  EXPECT_THAT(bad.error().message, HasSubstr("done_late"));
}

TEST(TaskStatusNameTest, IsDoneOnlyForDoneStatuses) {
  EXPECT_TRUE(IsDone(TaskStatus::kDoneOnTime));
  EXPECT_TRUE(IsDone(TaskStatus::kDoneLate));
  EXPECT_FALSE(IsDone(TaskStatus::kInProgressOnTime));
  EXPECT_FALSE(IsDone(TaskStatus::kOverdue));
  EXPECT_FALSE(IsDone(TaskStatus::kCancelled));
  EXPECT_FALSE(IsDone(TaskStatus::kRecurringReported));
}

TEST(CompletionViewTest, NamesRoundTrip) {
  EXPECT_EQ(CompletionViewName(CompletionView::kVerified), "verified");
  EXPECT_EQ(CompletionViewName(CompletionView::kClaimed), "claimed");
  EXPECT_EQ(ParseCompletionView("claimed").value(), CompletionView::kClaimed);
  EXPECT_EQ(ParseCompletionView("verified").value(), CompletionView::kVerified);
  auto bad = ParseCompletionView("both");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message, HasSubstr("'both'"));
  EXPECT_THAT(bad.error().message, HasSubstr("verified, claimed"));
}

// --- existence and plain deadlines ------------------------------------------------------

TEST(TaskStatusTest, TaskDoesNotExistBeforeItsAssignedDate) {
  const Task task = DeadlineTask("2025-05-07", "2025-06-30");
  const TaskState state = EvaluateTask(task, {}, D("2025-05-06"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kNotAssigned);
  EXPECT_EQ(state.original_deadline, D("2025-06-30"));
  EXPECT_EQ(state.deadline, std::nullopt);
  EXPECT_EQ(StatusOn(task, {}, "2025-05-07"), TaskStatus::kInProgressOnTime);
}

TEST(TaskStatusTest, InProgressOnTimeUpToAndIncludingTheDeadline) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  EXPECT_EQ(StatusOn(task, {}, "2025-03-01"), TaskStatus::kInProgressOnTime);
  const TaskState state = EvaluateTask(task, {}, D("2025-06-30"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kInProgressOnTime);
  EXPECT_EQ(state.deadline, D("2025-06-30"));
  EXPECT_EQ(state.slip_days, 0);
  EXPECT_FALSE(state.claimed);
  EXPECT_EQ(state.completed_on, std::nullopt);
}

TEST(TaskStatusTest, OverdueFromTheDayAfterTheDeadline) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  EXPECT_EQ(StatusOn(task, {}, "2025-07-01"), TaskStatus::kOverdue);
  EXPECT_EQ(StatusOn(task, {}, "2026-07-01"), TaskStatus::kOverdue);
}

TEST(TaskStatusTest, CompletedExactlyOnTheDeadlineIsOnTime) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Claim("2025-07-02", "2025-06-30"), Verify("2025-07-05")};
  const TaskState state = EvaluateTask(task, events, D("2025-07-10"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kDoneOnTime);
  EXPECT_EQ(state.completed_on, D("2025-06-30"));
  EXPECT_TRUE(state.claimed);
  EXPECT_TRUE(state.verified);
  EXPECT_EQ(state.claimed_on, D("2025-07-02"));
  EXPECT_EQ(state.verified_on, D("2025-07-05"));
}

TEST(TaskStatusTest, CompletedTheDayAfterTheDeadlineIsLate) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Claim("2025-07-01", "2025-07-01"), Verify("2025-07-01")};
  const TaskState state = EvaluateTask(task, events, D("2025-07-01"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kDoneLate);
  EXPECT_EQ(state.completed_on, D("2025-07-01"));
}

TEST(TaskStatusTest, DeadlineTaskWithoutDeadlineIsNeverOverdueNorLate) {
  Task task = DeadlineTask("2025-01-01", "2025-06-30");
  task.deadline.reset();
  EXPECT_EQ(StatusOn(task, {}, "2030-01-01"), TaskStatus::kInProgressOnTime);
  const std::vector<TaskEvent> events = {Claim("2029-01-01", "2029-01-01"), Verify("2029-01-02")};
  const TaskState state = EvaluateTask(task, events, D("2030-01-01"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kDoneOnTime);
  EXPECT_EQ(state.deadline, std::nullopt);
  EXPECT_EQ(state.slip_days, 0);
}

// --- amendments ----------------------------------------------------------------------------

TEST(TaskStatusTest, ExtensionApprovedAfterTheDeadlinePassed) {
  // Overdue on 10 April; an extension to 31 May approved on 15 April makes it on time again.
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  std::vector<TaskEvent> events = {Amend("2025-04-15", "2025-05-31")};

  const TaskState before = EvaluateTask(task, events, D("2025-04-10"), CompletionView::kVerified);
  EXPECT_EQ(before.status, TaskStatus::kOverdue);
  EXPECT_EQ(before.deadline, D("2025-03-31"));
  EXPECT_EQ(before.slip_days, 0);
  EXPECT_EQ(before.amendments, 0);

  const TaskState after = EvaluateTask(task, events, D("2025-04-20"), CompletionView::kVerified);
  EXPECT_EQ(after.status, TaskStatus::kInProgressOnTime);
  EXPECT_EQ(after.deadline, D("2025-05-31"));
  EXPECT_EQ(after.original_deadline, D("2025-03-31"));
  EXPECT_EQ(after.slip_days, 61);
  EXPECT_EQ(after.amendments, 1);

  events.push_back(Claim("2025-05-20", "2025-05-18"));
  events.push_back(Verify("2025-05-25"));
  const TaskState done = EvaluateTask(task, events, D("2025-06-30"), CompletionView::kVerified);
  EXPECT_EQ(done.status, TaskStatus::kDoneOnTime);
  EXPECT_EQ(done.completed_on, D("2025-05-18"));
  EXPECT_EQ(done.slip_days, 61);
}

TEST(TaskStatusTest, CompletionJudgedByTheDeadlineInForceOnD) {
  // Completed after the original deadline; late until the extension is approved.
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  const std::vector<TaskEvent> events = {Claim("2025-04-05", "2025-04-04"), Verify("2025-04-06"),
                                         Amend("2025-04-15", "2025-04-30")};
  EXPECT_EQ(StatusOn(task, events, "2025-04-10"), TaskStatus::kDoneLate);
  EXPECT_EQ(StatusOn(task, events, "2025-04-15"), TaskStatus::kDoneOnTime);
}

TEST(TaskStatusTest, LatestOfSeveralAmendmentsIsInForceEvenWhenLedgerIsOutOfDateOrder) {
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  // Appended out of date order: the 1 June approval was recorded before the 1 May one.
  const std::vector<TaskEvent> events = {Amend("2025-03-01", "2025-04-30"),
                                         Amend("2025-06-01", "2025-09-30"),
                                         Amend("2025-05-01", "2025-06-30")};
  auto at = [&](std::string_view d) {
    return EvaluateTask(task, events, D(d), CompletionView::kVerified);
  };
  EXPECT_EQ(at("2025-02-28").deadline, D("2025-03-31"));
  EXPECT_EQ(at("2025-03-01").deadline, D("2025-04-30"));
  EXPECT_EQ(at("2025-05-01").deadline, D("2025-06-30"));
  EXPECT_EQ(at("2025-05-01").amendments, 2);
  EXPECT_EQ(at("2025-06-01").deadline, D("2025-09-30"));
  EXPECT_EQ(at("2025-06-01").slip_days, 183);
  EXPECT_EQ(at("2025-06-01").amendments, 3);
  EXPECT_EQ(at("2025-07-15").status, TaskStatus::kInProgressOnTime);
}

TEST(TaskStatusTest, AmendmentApprovedOnDAppliesOnD) {
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  const std::vector<TaskEvent> events = {Amend("2025-04-15", "2025-05-31")};
  EXPECT_EQ(StatusOn(task, events, "2025-04-14"), TaskStatus::kOverdue);
  EXPECT_EQ(StatusOn(task, events, "2025-04-15"), TaskStatus::kInProgressOnTime);
}

TEST(TaskStatusTest, SameDayAmendmentsFollowLedgerOrder) {
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  const std::vector<TaskEvent> events = {Amend("2025-03-10", "2025-06-30"),
                                         Amend("2025-03-10", "2025-04-30")};
  const TaskState state = EvaluateTask(task, events, D("2025-03-10"), CompletionView::kVerified);
  EXPECT_EQ(state.deadline, D("2025-04-30"));
  EXPECT_EQ(state.slip_days, 30);
}

TEST(TaskStatusTest, DeadlineBroughtForwardGivesNegativeSlip) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Amend("2025-02-01", "2025-05-31")};
  const TaskState state = EvaluateTask(task, events, D("2025-06-15"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kOverdue);
  EXPECT_EQ(state.slip_days, -30);
}

TEST(TaskStatusTest, AmendmentWithoutNewDeadlineIsNotAnExtension) {
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  const std::vector<TaskEvent> events = {Amend("2025-02-01", "2025-05-31"),
                                         Event(TaskEventKind::kAmend, "2025-03-01")};
  const TaskState state = EvaluateTask(task, events, D("2025-04-01"), CompletionView::kVerified);
  EXPECT_EQ(state.deadline, D("2025-05-31"));
  EXPECT_EQ(state.amendments, 1);
}

// --- cancellation --------------------------------------------------------------------------

TEST(TaskStatusTest, CancelledTaskCountsUntilTheDayBeforeItsCancellation) {
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  const std::vector<TaskEvent> events = {Cancel("2025-06-01")};
  EXPECT_EQ(StatusOn(task, events, "2025-05-31"), TaskStatus::kOverdue);
  const TaskState state = EvaluateTask(task, events, D("2025-06-01"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kCancelled);
  EXPECT_EQ(state.cancelled_on, D("2025-06-01"));
  EXPECT_EQ(StatusOn(task, events, "2026-01-01"), TaskStatus::kCancelled);
  EXPECT_EQ(EvaluateTask(task, events, D("2025-05-31"), CompletionView::kVerified).cancelled_on,
            std::nullopt);
}

TEST(TaskStatusTest, CancellationOutranksCompletionButKeepsItVisible) {
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  const std::vector<TaskEvent> events = {Claim("2025-03-01", "2025-03-01"), Verify("2025-03-02"),
                                         Cancel("2025-04-01"), Cancel("2025-05-01")};
  EXPECT_EQ(StatusOn(task, events, "2025-03-31"), TaskStatus::kDoneOnTime);
  const TaskState state = EvaluateTask(task, events, D("2025-06-01"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kCancelled);
  EXPECT_EQ(state.cancelled_on, D("2025-04-01"));
  EXPECT_EQ(state.completed_on, D("2025-03-01"));
}

// --- claims, verification, returns -----------------------------------------------------

TEST(TaskStatusTest, ClaimedButUnverifiedIsDoneOnlyInTheClaimedView) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Claim("2025-06-10", "2025-06-09")};

  const TaskState verified = EvaluateTask(task, events, D("2025-06-20"), CompletionView::kVerified);
  EXPECT_EQ(verified.status, TaskStatus::kInProgressOnTime);
  EXPECT_TRUE(verified.claimed);
  EXPECT_FALSE(verified.verified);
  EXPECT_EQ(verified.claimed_on, D("2025-06-10"));
  EXPECT_EQ(verified.completed_on, std::nullopt);

  const TaskState claimed = EvaluateTask(task, events, D("2025-06-20"), CompletionView::kClaimed);
  EXPECT_EQ(claimed.status, TaskStatus::kDoneOnTime);
  EXPECT_EQ(claimed.completed_on, D("2025-06-09"));

  // Still unverified after the deadline: overdue in verified figures.
  EXPECT_EQ(StatusOn(task, events, "2025-07-01"), TaskStatus::kOverdue);
  EXPECT_EQ(StatusOn(task, events, "2025-07-01", CompletionView::kClaimed),
            TaskStatus::kDoneOnTime);
}

TEST(TaskStatusTest, ClaimAfterDIsNotDoneOnDEvenInClaimedView) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  // The output was produced on 1 June but only claimed on 5 June.
  const std::vector<TaskEvent> events = {Claim("2025-06-05", "2025-06-01")};
  EXPECT_EQ(StatusOn(task, events, "2025-06-04", CompletionView::kClaimed),
            TaskStatus::kInProgressOnTime);
  EXPECT_EQ(StatusOn(task, events, "2025-06-05", CompletionView::kClaimed),
            TaskStatus::kDoneOnTime);
}

TEST(TaskStatusTest, VerificationAfterDMeansNotDoneOnD) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Claim("2025-06-25", "2025-06-25"), Verify("2025-07-10")};
  EXPECT_EQ(StatusOn(task, events, "2025-07-09"), TaskStatus::kOverdue);
  // Verified later, judged by completed_on: on time.
  EXPECT_EQ(StatusOn(task, events, "2025-07-10"), TaskStatus::kDoneOnTime);
}

TEST(TaskStatusTest, ReturnedClaimThenNewClaim) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Claim("2025-06-01", "2025-05-30"), Return("2025-06-05"),
                                         Claim("2025-07-03", "2025-07-02"), Verify("2025-07-08")};

  EXPECT_EQ(StatusOn(task, events, "2025-06-04", CompletionView::kClaimed),
            TaskStatus::kDoneOnTime);
  // From the return date on the first claim counts nowhere.
  const TaskState returned = EvaluateTask(task, events, D("2025-06-05"), CompletionView::kClaimed);
  EXPECT_EQ(returned.status, TaskStatus::kInProgressOnTime);
  EXPECT_FALSE(returned.claimed);
  EXPECT_EQ(returned.claimed_on, std::nullopt);
  EXPECT_EQ(StatusOn(task, events, "2025-07-01", CompletionView::kClaimed), TaskStatus::kOverdue);

  EXPECT_EQ(StatusOn(task, events, "2025-07-05"), TaskStatus::kOverdue);
  EXPECT_EQ(StatusOn(task, events, "2025-07-05", CompletionView::kClaimed), TaskStatus::kDoneLate);
  const TaskState done = EvaluateTask(task, events, D("2025-07-08"), CompletionView::kVerified);
  EXPECT_EQ(done.status, TaskStatus::kDoneLate);
  EXPECT_EQ(done.completed_on, D("2025-07-02"));
  EXPECT_EQ(done.claimed_on, D("2025-07-03"));
}

TEST(TaskStatusTest, ReturnAfterVerificationUndoesTheCompletionFromItsDate) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Claim("2025-06-01", "2025-06-01"), Verify("2025-06-02"),
                                         Return("2025-06-20")};
  EXPECT_EQ(StatusOn(task, events, "2025-06-19"), TaskStatus::kDoneOnTime);
  const TaskState state = EvaluateTask(task, events, D("2025-06-20"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kInProgressOnTime);
  EXPECT_FALSE(state.verified);
  EXPECT_EQ(state.verified_on, std::nullopt);
}

TEST(TaskStatusTest, ReturnSendsBackTheLatestStandingClaim) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  // Two claims, one return: the second claim goes back, the first still stands.
  std::vector<TaskEvent> events = {Claim("2025-06-01", "2025-05-31"),
                                   Claim("2025-06-03", "2025-06-02"), Return("2025-06-04")};
  TaskState state = EvaluateTask(task, events, D("2025-06-10"), CompletionView::kClaimed);
  EXPECT_EQ(state.claimed_on, D("2025-06-01"));
  EXPECT_EQ(state.completed_on, D("2025-05-31"));
  // A second return sends back the first claim too.
  events.push_back(Return("2025-06-05"));
  state = EvaluateTask(task, events, D("2025-06-10"), CompletionView::kClaimed);
  EXPECT_FALSE(state.claimed);
  EXPECT_EQ(state.status, TaskStatus::kInProgressOnTime);
}

TEST(TaskStatusTest, VerifyAppliesToTheClaimStandingWhenItIsMade) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  // The verify of the first claim does not verify the second one made later.
  const std::vector<TaskEvent> events = {Claim("2025-06-01", "2025-06-01"), Verify("2025-06-02"),
                                         Claim("2025-06-10", "2025-06-09")};
  EXPECT_EQ(StatusOn(task, events, "2025-06-05"), TaskStatus::kDoneOnTime);
  const TaskState state = EvaluateTask(task, events, D("2025-06-12"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kInProgressOnTime);
  EXPECT_TRUE(state.claimed);
  EXPECT_FALSE(state.verified);
  EXPECT_EQ(state.claimed_on, D("2025-06-10"));
}

TEST(TaskStatusTest, VerifyOrReturnWithoutAStandingClaimHasNoEffect) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Verify("2025-05-01"), Return("2025-05-02"),
                                         Claim("2025-05-03", "2025-05-03"), Return("2025-05-04"),
                                         Verify("2025-05-05")};
  const TaskState state = EvaluateTask(task, events, D("2025-05-10"), CompletionView::kClaimed);
  EXPECT_EQ(state.status, TaskStatus::kInProgressOnTime);
  EXPECT_FALSE(state.claimed);
  EXPECT_FALSE(state.verified);

  const std::vector<TaskEvent> early_verify = {Verify("2025-05-01"),
                                               Claim("2025-05-03", "2025-05-03")};
  const TaskState unverified =
      EvaluateTask(task, early_verify, D("2025-05-10"), CompletionView::kVerified);
  EXPECT_EQ(unverified.status, TaskStatus::kInProgressOnTime);
  EXPECT_TRUE(unverified.claimed);
  EXPECT_FALSE(unverified.verified);
}

TEST(TaskStatusTest, VerifyCorrectingCompletedOnPastTheDeadlineMakesItLate) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Claim("2025-06-28", "2025-06-28"),
                                         VerifyCorrecting("2025-07-05", "2025-07-03")};
  // Before the verify, the claimed view trusts the unit's date.
  const TaskState claimed = EvaluateTask(task, events, D("2025-07-04"), CompletionView::kClaimed);
  EXPECT_EQ(claimed.status, TaskStatus::kDoneOnTime);
  EXPECT_EQ(claimed.completed_on, D("2025-06-28"));

  const TaskState verified = EvaluateTask(task, events, D("2025-07-05"), CompletionView::kVerified);
  EXPECT_EQ(verified.status, TaskStatus::kDoneLate);
  EXPECT_EQ(verified.completed_on, D("2025-07-03"));
  // Once verified, the claimed view uses the corrected date too.
  EXPECT_EQ(StatusOn(task, events, "2025-07-05", CompletionView::kClaimed), TaskStatus::kDoneLate);
}

TEST(TaskStatusTest, LatestCorrectionWinsAndAPlainVerifyKeepsIt) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {
      Claim("2025-07-01", "2025-07-01"), VerifyCorrecting("2025-07-02", "2025-06-20"),
      VerifyCorrecting("2025-07-03", "2025-06-25"), Verify("2025-07-04")};
  const TaskState state = EvaluateTask(task, events, D("2025-07-10"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kDoneOnTime);
  EXPECT_EQ(state.completed_on, D("2025-06-25"));
  EXPECT_EQ(state.verified_on, D("2025-07-02"));
  EXPECT_EQ(EvaluateTask(task, events, D("2025-07-02"), CompletionView::kVerified).completed_on,
            D("2025-06-20"));
}

TEST(TaskStatusTest, ClaimWithoutCompletionDateUsesTheClaimDate) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> events = {Event(TaskEventKind::kClaim, "2025-07-01"),
                                         Verify("2025-07-02")};
  const TaskState state = EvaluateTask(task, events, D("2025-07-02"), CompletionView::kVerified);
  EXPECT_EQ(state.completed_on, D("2025-07-01"));
  EXPECT_EQ(state.status, TaskStatus::kDoneLate);
}

TEST(TaskStatusTest, LedgerIsOrderedByDateNotByAppendOrder) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  // The verify was appended before the (back-dated) claim it verifies, and the return of an
  // older claim was appended last: evaluated by date, the claim of 10 June stands verified.
  const std::vector<TaskEvent> events = {Verify("2025-06-12"), Claim("2025-06-10", "2025-06-09"),
                                         Claim("2025-06-01", "2025-06-01"), Return("2025-06-05")};
  const TaskState state = EvaluateTask(task, events, D("2025-06-15"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kDoneOnTime);
  EXPECT_EQ(state.claimed_on, D("2025-06-10"));
  EXPECT_EQ(state.completed_on, D("2025-06-09"));
}

TEST(TaskStatusTest, SameDayClaimAndReturnFollowLedgerOrder) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  const std::vector<TaskEvent> returned_then_claimed = {
      Claim("2025-06-01", "2025-06-01"), Return("2025-06-10"), Claim("2025-06-10", "2025-06-10")};
  EXPECT_EQ(StatusOn(task, returned_then_claimed, "2025-06-10", CompletionView::kClaimed),
            TaskStatus::kDoneOnTime);
  const std::vector<TaskEvent> claimed_then_returned = {
      Claim("2025-06-01", "2025-06-01"), Claim("2025-06-10", "2025-06-10"), Return("2025-06-10")};
  const TaskState state =
      EvaluateTask(task, claimed_then_returned, D("2025-06-10"), CompletionView::kClaimed);
  EXPECT_EQ(state.claimed_on, D("2025-06-01"));
}

TEST(TaskStatusTest, EventsOfOtherTasksAreIgnored) {
  const Task task = DeadlineTask("2025-01-01", "2025-06-30");
  std::vector<TaskEvent> events = {Claim("2025-06-01", "2025-06-01"), Verify("2025-06-02"),
                                   Cancel("2025-06-03"), Amend("2025-06-03", "2025-12-31")};
  for (TaskEvent& e : events) e.task = TaskId{8};
  const TaskState state = EvaluateTask(task, events, D("2025-07-01"), CompletionView::kClaimed);
  EXPECT_EQ(state.status, TaskStatus::kOverdue);
  EXPECT_EQ(state.deadline, D("2025-06-30"));
}

// --- calendar boundaries ----------------------------------------------------------------

TEST(TaskStatusTest, YearEndDeadline) {
  const Task task = DeadlineTask("2025-05-07", "2025-12-31");
  EXPECT_EQ(StatusOn(task, {}, "2025-12-31"), TaskStatus::kInProgressOnTime);
  EXPECT_EQ(StatusOn(task, {}, "2026-01-01"), TaskStatus::kOverdue);

  const std::vector<TaskEvent> on_31_dec = {Claim("2026-01-02", "2025-12-31"),
                                            Verify("2026-01-05")};
  EXPECT_EQ(StatusOn(task, on_31_dec, "2026-01-05"), TaskStatus::kDoneOnTime);
  EXPECT_EQ(StatusOn(task, on_31_dec, "2026-01-04"), TaskStatus::kOverdue);
  const std::vector<TaskEvent> on_1_jan = {Claim("2026-01-01", "2026-01-01"), Verify("2026-01-01")};
  EXPECT_EQ(StatusOn(task, on_1_jan, "2026-01-01"), TaskStatus::kDoneLate);
}

TEST(TaskStatusTest, ExtensionAcrossTheYearCountsSlipDays) {
  const Task task = DeadlineTask("2025-01-01", "2025-12-31");
  const std::vector<TaskEvent> events = {Amend("2025-12-20", "2026-01-31")};
  const TaskState state = EvaluateTask(task, events, D("2026-01-01"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kInProgressOnTime);
  EXPECT_EQ(state.slip_days, 31);
}

TEST(TaskStatusTest, LeapDayDeadline) {
  const Task task = DeadlineTask("2024-01-15", "2024-02-29");
  EXPECT_EQ(StatusOn(task, {}, "2024-02-29"), TaskStatus::kInProgressOnTime);
  EXPECT_EQ(StatusOn(task, {}, "2024-03-01"), TaskStatus::kOverdue);
  const std::vector<TaskEvent> late = {Claim("2024-03-01", "2024-03-01"), Verify("2024-03-04")};
  const TaskState state = EvaluateTask(task, late, D("2024-03-04"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kDoneLate);
  EXPECT_EQ(state.completed_on, D("2024-03-01"));
  const std::vector<TaskEvent> on_time = {Claim("2024-02-29", "2024-02-29"), Verify("2024-03-04")};
  EXPECT_EQ(StatusOn(task, on_time, "2024-03-04"), TaskStatus::kDoneOnTime);
}

// --- progress, difficulties, proposals --------------------------------------------------

TEST(TaskStatusTest, ProgressDifficultiesAndProposalsAreTheLatestOnOrBeforeD) {
  const Task task = DeadlineTask("2025-01-01", "2025-12-31");
  TaskEvent march = Progress("2025-03-31", 20);
  march.difficulties = "thiếu kinh phí";
  march.proposals = "bổ sung ngân sách";
  TaskEvent june = Progress("2025-06-30", 55);
  june.difficulties = "chậm giải ngân";
  TaskEvent july = Progress("2025-07-15", std::nullopt);  // narrative only
  july.proposals = "gia hạn";
  TaskEvent claim = Claim("2025-11-01", "2025-10-30");
  claim.progress_percent = 100;
  const std::vector<TaskEvent> events = {june, march, july, claim};

  TaskState state = EvaluateTask(task, events, D("2025-03-30"), CompletionView::kVerified);
  EXPECT_EQ(state.progress_percent, std::nullopt);
  EXPECT_EQ(state.difficulties, "");

  state = EvaluateTask(task, events, D("2025-04-01"), CompletionView::kVerified);
  EXPECT_EQ(state.progress_percent, 20);
  EXPECT_EQ(state.difficulties, "thiếu kinh phí");
  EXPECT_EQ(state.proposals, "bổ sung ngân sách");

  state = EvaluateTask(task, events, D("2025-07-20"), CompletionView::kVerified);
  EXPECT_EQ(state.progress_percent, 55);
  EXPECT_EQ(state.difficulties, "chậm giải ngân");
  EXPECT_EQ(state.proposals, "gia hạn");

  state = EvaluateTask(task, events, D("2025-11-01"), CompletionView::kVerified);
  EXPECT_EQ(state.progress_percent, 100);
}

// --- recurring tasks ------------------------------------------------------------------------

TEST(RecurringTaskTest, MonthlyTaskIsJudgedByTheLatestMonthWhoseReportIsOverdue) {
  const Task task = RecurringTask("2025-01-01", PeriodType::kMonth);
  const std::vector<TaskEvent> events = {PeriodReport("2025-02-05", "202501"),
                                         PeriodReport("2025-04-02", "202503")};
  // February's report is due by 20 March: until then January is judged.
  const TaskState jan = EvaluateTask(task, events, D("2025-03-15"), CompletionView::kVerified);
  EXPECT_EQ(jan.period, P("202501"));
  EXPECT_EQ(jan.status, TaskStatus::kRecurringReported);
  EXPECT_EQ(jan.deadline, std::nullopt);
  EXPECT_EQ(EvaluateTask(task, events, D("2025-03-20"), CompletionView::kVerified).period,
            P("202501"));

  const TaskState feb = EvaluateTask(task, events, D("2025-03-21"), CompletionView::kVerified);
  EXPECT_EQ(feb.period, P("202502"));
  EXPECT_EQ(feb.status, TaskStatus::kRecurringMissing);

  // Not missing on the last day of March, nor before its report falls due on 20 April.
  EXPECT_EQ(EvaluateTask(task, events, D("2025-03-31"), CompletionView::kVerified).period,
            P("202502"));
  EXPECT_EQ(EvaluateTask(task, events, D("2025-04-20"), CompletionView::kVerified).period,
            P("202502"));
  const TaskState mar = EvaluateTask(task, events, D("2025-04-21"), CompletionView::kVerified);
  EXPECT_EQ(mar.period, P("202503"));
  EXPECT_EQ(mar.status, TaskStatus::kRecurringReported);
}

TEST(RecurringTaskTest, NotDueUntilAPeriodsReportIsOverdue) {
  const Task task = RecurringTask("2025-01-10", PeriodType::kMonth);
  EXPECT_EQ(StatusOn(task, {}, "2025-01-09"), TaskStatus::kNotAssigned);
  const TaskState state = EvaluateTask(task, {}, D("2025-01-30"), CompletionView::kVerified);
  EXPECT_EQ(state.status, TaskStatus::kRecurringNotDue);
  EXPECT_EQ(state.period, std::nullopt);
  EXPECT_EQ(StatusOn(task, {}, "2025-01-31"), TaskStatus::kRecurringNotDue);
  // The month it was assigned in is judged once its report is overdue (after 20 February).
  EXPECT_EQ(StatusOn(task, {}, "2025-02-20"), TaskStatus::kRecurringNotDue);
  EXPECT_EQ(StatusOn(task, {}, "2025-02-21"), TaskStatus::kRecurringMissing);
}

TEST(RecurringTaskTest, QuarterlyTaskAcrossTheYearEnd) {
  const Task task = RecurringTask("2025-05-07", PeriodType::kQuarter);
  const std::vector<TaskEvent> events = {PeriodReport("2025-10-03", "2025Q3"),
                                         PeriodReport("2026-01-04", "2025Q4")};
  EXPECT_EQ(StatusOn(task, events, "2025-07-20"), TaskStatus::kRecurringNotDue);
  EXPECT_EQ(StatusOn(task, events, "2025-07-21"), TaskStatus::kRecurringMissing);   // Q2
  EXPECT_EQ(StatusOn(task, events, "2025-12-31"), TaskStatus::kRecurringReported);  // Q3
  const TaskState state = EvaluateTask(task, events, D("2026-01-21"), CompletionView::kVerified);
  EXPECT_EQ(state.period, P("2025Q4"));
  EXPECT_EQ(state.status, TaskStatus::kRecurringReported);
}

TEST(RecurringTaskTest, ReportForAnotherPeriodOrTypeDoesNotCount) {
  const Task task = RecurringTask("2025-01-01", PeriodType::kQuarter);
  // Monthly reports inside the quarter are not a report for the quarter.
  const std::vector<TaskEvent> events = {PeriodReport("2025-04-01", "202503"),
                                         PeriodReport("2025-04-01", "2025Q2"),
                                         Progress("2025-04-01", 50)};
  EXPECT_EQ(StatusOn(task, events, "2025-04-21"), TaskStatus::kRecurringMissing);
}

TEST(RecurringTaskTest, CancelledRecurringTask) {
  const Task task = RecurringTask("2025-01-01", PeriodType::kMonth);
  const std::vector<TaskEvent> events = {Cancel("2025-06-01")};
  EXPECT_EQ(StatusOn(task, events, "2025-05-31"), TaskStatus::kRecurringMissing);
  EXPECT_EQ(StatusOn(task, events, "2025-06-01"), TaskStatus::kCancelled);
}

TEST(RecurringTaskTest, WithoutCadenceItIsNeverDue) {
  Task task = RecurringTask("2025-01-01", PeriodType::kMonth);
  task.cadence.reset();
  EXPECT_EQ(StatusOn(task, {}, "2026-01-01"), TaskStatus::kRecurringNotDue);
}

TEST(RecurringStatusTest, StatusOfOnePeriod) {
  const Task task = RecurringTask("2025-02-10", PeriodType::kMonth);
  const std::vector<TaskEvent> events = {PeriodReport("2025-03-03", "202502"),
                                         PeriodReport("2025-05-20", "202504")};
  const Date d = D("2025-05-10");
  EXPECT_EQ(RecurringStatus(task, events, P("202502"), d), TaskStatus::kRecurringReported);
  EXPECT_EQ(RecurringStatus(task, events, P("202503"), d), TaskStatus::kRecurringMissing);
  // Its report is due by 20 May, and came that day.
  EXPECT_EQ(RecurringStatus(task, events, P("202504"), d), TaskStatus::kRecurringNotDue);
  EXPECT_EQ(RecurringStatus(task, events, P("202504"), D("2025-05-20")),
            TaskStatus::kRecurringReported);
  // Not ended yet, and ended before the task existed.
  EXPECT_EQ(RecurringStatus(task, events, P("202505"), d), TaskStatus::kRecurringNotDue);
  EXPECT_EQ(RecurringStatus(task, events, P("202501"), d), TaskStatus::kRecurringNotDue);
  EXPECT_EQ(RecurringStatus(task, events, P("202501"), D("2025-02-09")), TaskStatus::kNotAssigned);
}

TEST(RecurringStatusTest, EarlyReportCountsAndCancellationWins) {
  const Task task = RecurringTask("2025-01-01", PeriodType::kMonth);
  std::vector<TaskEvent> events = {PeriodReport("2025-05-28", "202505")};
  EXPECT_EQ(RecurringStatus(task, events, P("202505"), D("2025-05-29")),
            TaskStatus::kRecurringReported);
  events.push_back(Cancel("2025-07-01"));
  EXPECT_EQ(RecurringStatus(task, events, P("202506"), D("2025-06-30")),
            TaskStatus::kRecurringNotDue);
  const std::vector<TaskEvent> before_cancel = {events[0]};
  EXPECT_EQ(RecurringStatus(task, before_cancel, P("202506"), D("2025-07-21")),
            TaskStatus::kRecurringMissing);
  EXPECT_EQ(RecurringStatus(task, events, P("202506"), D("2025-07-01")), TaskStatus::kCancelled);
}

TEST(JudgedPeriodTest, LatestPeriodWhoseReportIsOverdue) {
  const Date assigned = D("2024-01-01");
  EXPECT_EQ(JudgedPeriod(PeriodType::kMonth, assigned, D("2024-03-01")), P("202401"));
  EXPECT_EQ(JudgedPeriod(PeriodType::kMonth, assigned, D("2024-03-20")), P("202401"));
  EXPECT_EQ(JudgedPeriod(PeriodType::kMonth, assigned, D("2024-03-21")), P("202402"));  // leap
  EXPECT_EQ(JudgedPeriod(PeriodType::kHalf, assigned, D("2024-12-30")), P("2024S1"));
  EXPECT_EQ(JudgedPeriod(PeriodType::kYear, assigned, D("2025-01-21")), P("2024"));
  EXPECT_EQ(JudgedPeriod(PeriodType::kYear, assigned, D("2025-01-20")), std::nullopt);
  EXPECT_EQ(JudgedPeriod(PeriodType::kQuarter, D("2024-04-01"), D("2024-04-01")), std::nullopt);
}

// --- ordered ledgers ------------------------------------------------------------------------

TEST(OrderLedgerTest, OrdersByDateKeepingLedgerOrderForTies) {
  const std::vector<TaskEvent> events = {Amend("2025-03-10", "2025-06-30"), Cancel("2025-01-01"),
                                         Amend("2025-03-10", "2025-04-30"), Verify("2025-02-01")};
  const std::vector<const TaskEvent*> ordered = OrderLedger(events);
  ASSERT_EQ(ordered.size(), 4u);
  EXPECT_EQ(ordered[0], &events[1]);
  EXPECT_EQ(ordered[1], &events[3]);
  EXPECT_EQ(ordered[2], &events[0]);
  EXPECT_EQ(ordered[3], &events[2]);
}

TEST(OrderLedgerTest, EvaluatingAnOrderedLedgerMatchesEvaluateTask) {
  const Task task = DeadlineTask("2025-01-01", "2025-03-31");
  const std::vector<TaskEvent> events = {Claim("2025-04-20", "2025-04-18"),
                                         Amend("2025-04-15", "2025-05-31"), Verify("2025-04-22")};
  const std::vector<const TaskEvent*> ordered = OrderLedger(events);
  for (std::string_view d :
       {"2025-03-31", "2025-04-10", "2025-04-15", "2025-04-21", "2025-04-22"}) {
    const TaskState a = EvaluateTask(task, events, D(d), CompletionView::kVerified);
    const TaskState b = EvaluateOrderedLedger(task, ordered, D(d), CompletionView::kVerified);
    EXPECT_EQ(a.status, b.status) << d;
    EXPECT_EQ(a.deadline, b.deadline) << d;
    EXPECT_EQ(a.completed_on, b.completed_on) << d;
  }
  EXPECT_EQ(EvaluateOrderedLedger(task, ordered, D("2025-04-22"), CompletionView::kVerified).status,
            TaskStatus::kDoneOnTime);
}

}  // namespace
}  // namespace planwatch
