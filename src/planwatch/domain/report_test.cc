#include "planwatch/domain/report.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "planwatch/domain/org_tree.h"

namespace planwatch {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Date D(const char* text) { return *Date::Parse(text); }
Period P(const char* text) { return *Period::Parse(text); }
Instant I(const char* text) { return *ParseInstant(text); }

constexpr ReportState kAllStates[] = {ReportState::kDraft, ReportState::kSubmitted,
                                      ReportState::kApproved, ReportState::kAccepted,
                                      ReportState::kReturned};
constexpr ReportAction kAllActions[] = {
    ReportAction::kCreate, ReportAction::kEdit,   ReportAction::kSubmit, ReportAction::kApprove,
    ReportAction::kAccept, ReportAction::kReturn, ReportAction::kRevise};

TEST(ReportNamesTest, RoundTripAndRejectOthers) {
  for (ReportState s : kAllStates) EXPECT_EQ(*ParseReportState(ReportStateName(s)), s);
  for (ReportAction a : kAllActions) EXPECT_EQ(*ParseReportAction(ReportActionName(a)), a);
  EXPECT_EQ(ReportStateName(ReportState::kReturned), "returned");
  EXPECT_EQ(ReportActionName(ReportAction::kRevise), "revise");
  auto bad = ParseReportState("Draft");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("'Draft'"), std::string::npos);
  EXPECT_FALSE(ParseReportAction("delete").has_value());
  EXPECT_EQ(ReportTimelinessName(ReportTimeliness::kNotYetDue), "not_yet_due");
  EXPECT_EQ(MissingItemKindName(MissingItemKind::kUpdate), "update");
  EXPECT_EQ(ReportPartyName(ReportParty::kStandingAgency), "standing_agency");
}

// Every (state, action) pair against the whole table: the target and the parties.
TEST(ReportTransitionsTest, ExactlyTheDocumentedTransitionsExist) {
  // (from, action) -> (to, officer, leader, agency)
  const std::map<std::pair<ReportState, ReportAction>, std::tuple<ReportState, bool, bool, bool>>
      expected = {
          {{ReportState::kDraft, ReportAction::kEdit}, {ReportState::kDraft, true, true, false}},
          {{ReportState::kReturned, ReportAction::kEdit},
           {ReportState::kReturned, true, true, false}},
          {{ReportState::kDraft, ReportAction::kSubmit},
           {ReportState::kSubmitted, true, true, false}},
          {{ReportState::kReturned, ReportAction::kSubmit},
           {ReportState::kSubmitted, true, true, false}},
          {{ReportState::kSubmitted, ReportAction::kApprove},
           {ReportState::kApproved, false, true, false}},
          {{ReportState::kSubmitted, ReportAction::kReturn},
           {ReportState::kReturned, false, true, true}},
          {{ReportState::kApproved, ReportAction::kReturn},
           {ReportState::kReturned, false, false, true}},
          {{ReportState::kApproved, ReportAction::kAccept},
           {ReportState::kAccepted, false, false, true}},
          {{ReportState::kAccepted, ReportAction::kRevise},
           {ReportState::kDraft, true, true, false}},
      };
  EXPECT_EQ(ReportTransitions().size(), expected.size());
  for (ReportState from : kAllStates) {
    for (ReportAction action : kAllActions) {
      SCOPED_TRACE(std::string(ReportStateName(from)) + " " +
                   std::string(ReportActionName(action)));
      auto next = NextReportState(from, action);
      auto it = expected.find({from, action});
      if (it == expected.end()) {
        ASSERT_FALSE(next.has_value());
        EXPECT_EQ(next.error().code, ErrorCode::kFailedPrecondition);
        EXPECT_NE(next.error().message.find(std::string(ReportStateName(from))), std::string::npos);
        EXPECT_NE(next.error().message.find(std::string(ReportActionName(action))),
                  std::string::npos);
        EXPECT_FALSE(PartyMayTake(ReportParty::kUnitOfficer, from, action));
        EXPECT_FALSE(PartyMayTake(ReportParty::kUnitLeader, from, action));
        EXPECT_FALSE(PartyMayTake(ReportParty::kStandingAgency, from, action));
        continue;
      }
      const auto& [to, officer, leader, agency] = it->second;
      ASSERT_TRUE(next.has_value());
      EXPECT_EQ(*next, to);
      EXPECT_EQ(PartyMayTake(ReportParty::kUnitOfficer, from, action), officer);
      EXPECT_EQ(PartyMayTake(ReportParty::kUnitLeader, from, action), leader);
      EXPECT_EQ(PartyMayTake(ReportParty::kStandingAgency, from, action), agency);
    }
  }
}

TEST(ReportTransitionsTest, MessageNamesStateAndAction) {
  auto refused = NextReportState(ReportState::kAccepted, ReportAction::kSubmit);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message,
            "an accepted report cannot be submitted (action 'submit' is not allowed in state "
            "'accepted')");
}

TEST(ReportTransitionsTest, OnlyDraftAndReturnedAreEditable) {
  EXPECT_TRUE(IsReportEditable(ReportState::kDraft));
  EXPECT_TRUE(IsReportEditable(ReportState::kReturned));
  EXPECT_FALSE(IsReportEditable(ReportState::kSubmitted));
  EXPECT_FALSE(IsReportEditable(ReportState::kApproved));
  EXPECT_FALSE(IsReportEditable(ReportState::kAccepted));
}

// P (province) with the standing agency D and communes C1, C2; Q another root.
constexpr OrgUnitId kP{1}, kD{2}, kC1{3}, kC2{4}, kQ{5};

OrgUnit Unit(OrgUnitId id, const char* code, OrgUnitId parent) {
  OrgUnit u;
  u.id = id;
  u.code = code;
  u.name_vi = code;
  u.parent = parent;
  return u;
}

class ReportAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tree = OrgTree::Build({Unit(kP, "P", {}), Unit(kD, "D", kP), Unit(kC1, "C1", kP),
                                Unit(kC2, "C2", kP), Unit(kQ, "Q", {})});
    ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
    tree_ = std::move(*tree);
    plan_.id = PlanId{1};
    plan_.issuer = kP;
    plan_.standing_agency = kD;
  }
  static Principal As(Role role, OrgUnitId scope) { return Principal{UserId{7}, "u", role, scope}; }

  OrgTree tree_;
  Plan plan_;
};

TEST_F(ReportAccessTest, PartiesFollowRoleAndScope) {
  AccessPolicy policy(tree_);
  using V = std::vector<ReportParty>;
  EXPECT_EQ(ReportPartiesOf(policy, As(Role::kUnitOfficer, kC1), plan_, kC1),
            V{ReportParty::kUnitOfficer});
  EXPECT_EQ(ReportPartiesOf(policy, As(Role::kUnitLeader, kC1), plan_, kC1),
            V{ReportParty::kUnitLeader});
  EXPECT_EQ(ReportPartiesOf(policy, As(Role::kUnitLeader, kC2), plan_, kC1), V{});
  EXPECT_EQ(ReportPartiesOf(policy, As(Role::kStandingAgency, kD), plan_, kC1),
            V{ReportParty::kStandingAgency});
  EXPECT_EQ(ReportPartiesOf(policy, As(Role::kSteering, kP), plan_, kC1), V{});
  EXPECT_EQ(ReportPartiesOf(policy, As(Role::kViewer, kC1), plan_, kC1), V{});
}

TEST_F(ReportAccessTest, ReadersAreTheScopeAndThePlanAdministrators) {
  AccessPolicy policy(tree_);
  EXPECT_TRUE(CanReadReport(policy, As(Role::kViewer, kC1), plan_, kC1));
  EXPECT_TRUE(CanReadReport(policy, As(Role::kSteering, kP), plan_, kC1));
  EXPECT_TRUE(CanReadReport(policy, As(Role::kStandingAgency, kD), plan_, kC1));
  EXPECT_FALSE(CanReadReport(policy, As(Role::kUnitOfficer, kC2), plan_, kC1));
  EXPECT_FALSE(CanReadReport(policy, As(Role::kSteering, kQ), plan_, kC1));
  EXPECT_FALSE(CanReadReport(policy, Principal{}, plan_, kC1));
}

TEST_F(ReportAccessTest, ActionsNeedTheRightParty) {
  AccessPolicy policy(tree_);
  const Principal officer = As(Role::kUnitOfficer, kC1);
  const Principal leader = As(Role::kUnitLeader, kC1);
  const Principal agency = As(Role::kStandingAgency, kD);
  EXPECT_TRUE(CanStartReport(policy, officer, plan_, kC1));
  EXPECT_TRUE(CanStartReport(policy, leader, plan_, kC1));
  EXPECT_FALSE(CanStartReport(policy, agency, plan_, kC1));
  EXPECT_FALSE(CanStartReport(policy, officer, plan_, kC2));
  EXPECT_TRUE(
      CanTakeReportAction(policy, officer, plan_, kC1, ReportState::kDraft, ReportAction::kSubmit));
  EXPECT_FALSE(CanTakeReportAction(policy, officer, plan_, kC1, ReportState::kSubmitted,
                                   ReportAction::kApprove));
  EXPECT_TRUE(CanTakeReportAction(policy, leader, plan_, kC1, ReportState::kSubmitted,
                                  ReportAction::kApprove));
  EXPECT_FALSE(CanTakeReportAction(policy, leader, plan_, kC1, ReportState::kApproved,
                                   ReportAction::kAccept));
  EXPECT_TRUE(CanTakeReportAction(policy, agency, plan_, kC1, ReportState::kApproved,
                                  ReportAction::kAccept));
  EXPECT_TRUE(CanTakeReportAction(policy, agency, plan_, kC1, ReportState::kApproved,
                                  ReportAction::kReturn));
  EXPECT_FALSE(CanTakeReportAction(policy, leader, plan_, kC1, ReportState::kApproved,
                                   ReportAction::kReturn));
  EXPECT_TRUE(CanSetReportSchedule(policy, agency, plan_));
  EXPECT_FALSE(CanSetReportSchedule(policy, leader, plan_));
}

TEST(ReportScheduleTest, DueOnIsTheNthDayOfTheMonthAfterThePeriod) {
  EXPECT_EQ(ReportDueOn(P("202510"), 20), D("2025-11-20"));
  EXPECT_EQ(ReportDueOn(P("202512"), 20), D("2026-01-20"));
  EXPECT_EQ(ReportDueOn(P("202501"), 28), D("2025-02-28"));
  EXPECT_EQ(ReportDueOn(P("202401"), 1), D("2024-02-01"));
  EXPECT_EQ(ReportDueOn(P("2025Q4"), 20), D("2026-01-20"));
  EXPECT_EQ(ReportDueOn(P("2025S1"), 15), D("2025-07-15"));
  EXPECT_EQ(ReportDueOn(P("2025"), 10), D("2026-01-10"));
}

TEST(ReportScheduleTest, DefaultIsMonthlyOnThe20th) {
  const auto schedule = DefaultReportSchedule();
  ASSERT_EQ(schedule.size(), 1u);
  EXPECT_EQ(schedule[0].period_type, PeriodType::kMonth);
  EXPECT_EQ(schedule[0].due_day, 20);
  EXPECT_EQ(DueDayOf(schedule, PeriodType::kMonth), 20);
  EXPECT_EQ(DueDayOf(schedule, PeriodType::kQuarter), std::nullopt);
}

TEST(ReportScheduleTest, ValidationNamesEveryBadItem) {
  EXPECT_TRUE(ValidateReportSchedule(DefaultReportSchedule()).has_value());
  const std::vector<ReportScheduleItem> bad = {
      {PeriodType::kMonth, 29}, {PeriodType::kQuarter, 5}, {PeriodType::kMonth, 0}};
  auto status = ValidateReportSchedule(bad);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(status.error().details.size(), 3u);
  EXPECT_EQ(status.error().details[0].field, "items[0].due_day");
  EXPECT_EQ(status.error().details[1].field, "items[2].due_day");
  EXPECT_EQ(status.error().details[2].field, "items[2].period_type");
  auto empty = ValidateReportSchedule({});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().details.at(0).field, "items");
}

TEST(ReportScheduleTest, ExpectedPeriodsLieWithinTheSpan) {
  const std::vector<ReportScheduleItem> monthly = DefaultReportSchedule();
  EXPECT_EQ(ExpectedReportPeriods(monthly, P("2025Q4")),
            (std::vector<Period>{P("202510"), P("202511"), P("202512")}));
  EXPECT_EQ(ExpectedReportPeriods(monthly, P("2025")).size(), 12u);
  EXPECT_EQ(ExpectedReportPeriods(monthly, P("202503")), std::vector<Period>{P("202503")});
  const std::vector<ReportScheduleItem> both = {{PeriodType::kQuarter, 10},
                                                {PeriodType::kMonth, 20}};
  EXPECT_EQ(ExpectedReportPeriods(both, P("2025Q4")),
            (std::vector<Period>{P("2025Q4"), P("202510"), P("202511"), P("202512")}));
  const std::vector<ReportScheduleItem> yearly = {{PeriodType::kYear, 15}};
  EXPECT_TRUE(ExpectedReportPeriods(yearly, P("2025Q4")).empty());
  EXPECT_EQ(ExpectedReportPeriods(yearly, P("2025")), std::vector<Period>{P("2025")});
}

TEST(ReportInstantTest, FormatAndParseRoundTrip) {
  EXPECT_EQ(FormatInstant(I("2025-11-20T16:59:59.999Z")), "2025-11-20T16:59:59.999Z");
  EXPECT_EQ(FormatInstant(I("2025-11-20T16:59:59Z")), "2025-11-20T16:59:59.000Z");
  EXPECT_EQ(FormatInstant(I("2025-11-20T16:59:59.5Z")), "2025-11-20T16:59:59.500Z");
  EXPECT_EQ(FormatInstant(I("2025-11-20T16:59:59.123456789Z")), "2025-11-20T16:59:59.123Z");
  for (const char* bad :
       {"2025-11-20", "2025-11-20T16:59:59", "2025-11-20T16:59:59+07:00", "2025-11-20T24:00:00Z",
        "2025-02-30T10:00:00Z", "2025-11-20T16:59:59.Z", "2025-11-20 16:59:59Z"}) {
    auto parsed = ParseInstant(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find(bad), std::string::npos);
  }
}

TEST(ReportTimelinessTest, OnTimeUntilTheLocalEndOfTheDueDate) {
  const Date due = D("2025-11-20");
  const minutes vn = hours{7};
  // 23:59:59.999 on the due date in Hanoi is 16:59:59.999 UTC.
  EXPECT_TRUE(SubmittedOnTime(I("2025-11-20T16:59:59.999Z"), due, vn));
  EXPECT_FALSE(SubmittedOnTime(I("2025-11-20T17:00:00.000Z"), due, vn));
  // In UTC the same instant is still on the due date.
  EXPECT_TRUE(SubmittedOnTime(I("2025-11-20T17:00:00.000Z"), due, minutes{0}));
  // West of Greenwich: 02:00 UTC on the 21st is the 20th locally.
  EXPECT_TRUE(SubmittedOnTime(I("2025-11-21T02:00:00.000Z"), due, -hours{5}));
  EXPECT_TRUE(SubmittedOnTime(I("2025-10-05T00:00:00.000Z"), due, vn));
}

TEST(ReportTimelinessTest, JudgedByFirstSubmissionOrToday) {
  const Date due = D("2025-11-20");
  const minutes vn = hours{7};
  EXPECT_EQ(JudgeTimeliness(I("2025-11-19T03:00:00Z"), due, D("2025-12-30"), vn),
            ReportTimeliness::kOnTime);
  EXPECT_EQ(JudgeTimeliness(I("2025-11-21T03:00:00Z"), due, D("2025-11-21"), vn),
            ReportTimeliness::kLate);
  EXPECT_EQ(JudgeTimeliness(std::nullopt, due, D("2025-11-20"), vn), ReportTimeliness::kNotYetDue);
  EXPECT_EQ(JudgeTimeliness(std::nullopt, due, D("2025-11-21"), vn), ReportTimeliness::kMissing);
}

Indicator Ind(std::int64_t id, const char* code, PeriodType type) {
  Indicator i;
  i.id = IndicatorId{id};
  i.code = code;
  i.period_type = type;
  return i;
}

TEST(ReportCompletenessTest, CountsValuesOfLinkedIndicatorsAndUpdatesOfOpenTasks) {
  const std::vector<Indicator> indicators = {
      Ind(1, "I-MONTH", PeriodType::kMonth), Ind(2, "I-YEAR", PeriodType::kYear),
      Ind(3, "I-B", PeriodType::kMonth), Ind(4, "I-CANCELLED", PeriodType::kMonth)};
  std::vector<ReportTaskFacts> tasks(4);
  tasks[0] = {"T1", {IndicatorId{1}, IndicatorId{2}}, false, false, true};
  tasks[1] = {"T2", {IndicatorId{3}, IndicatorId{1}}, false, false, false};
  tasks[2] = {"T3", {}, true, false, false};                // done before: no update needed
  tasks[3] = {"T4", {IndicatorId{4}}, false, true, false};  // cancelled: nothing required
  const std::vector<IndicatorId> with_value = {IndicatorId{1}, IndicatorId{2}};
  const ReportCompleteness c = JudgeCompleteness(P("202510"), tasks, indicators, with_value);
  // Values: I-MONTH (present), I-B (missing); updates: T1 (present), T2 (missing).
  EXPECT_EQ(c.required, 4);
  EXPECT_EQ(c.present, 2);
  EXPECT_DOUBLE_EQ(c.Ratio(), 0.5);
  EXPECT_EQ(c.missing, (std::vector<MissingReportItem>{{MissingItemKind::kValue, "I-B"},
                                                       {MissingItemKind::kUpdate, "T2"}}));
}

TEST(ReportCompletenessTest, NothingRequiredIsComplete) {
  const ReportCompleteness c = JudgeCompleteness(P("202510"), {}, {}, {});
  EXPECT_EQ(c.required, 0);
  EXPECT_DOUBLE_EQ(c.Ratio(), 1.0);
  EXPECT_TRUE(c.missing.empty());
}

TEST(ReportCompletenessTest, AYearlyReportRequiresYearlyValues) {
  const std::vector<Indicator> indicators = {Ind(1, "M", PeriodType::kMonth),
                                             Ind(2, "Y", PeriodType::kYear)};
  const std::vector<ReportTaskFacts> tasks = {
      {"T1", {IndicatorId{1}, IndicatorId{2}}, true, false, false}};
  const ReportCompleteness c = JudgeCompleteness(P("2025"), tasks, indicators, {});
  EXPECT_EQ(c.required, 1);
  EXPECT_EQ(c.present, 0);
  EXPECT_EQ(c.missing, (std::vector<MissingReportItem>{{MissingItemKind::kValue, "Y"}}));
}

}  // namespace
}  // namespace planwatch
