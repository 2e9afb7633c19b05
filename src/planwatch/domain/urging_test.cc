#include "planwatch/domain/urging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <climits>
#include <vector>

namespace planwatch {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Date D(std::string_view text) { return Date::Parse(text).value(); }

constexpr UrgingRung kR = UrgingRung::kReminder;
constexpr UrgingRung kN = UrgingRung::kNotice;
constexpr UrgingRung kE = UrgingRung::kExplanationRequest;
constexpr UrgingRung kI = UrgingRung::kInspectionFlag;

TEST(UrgingRungTest, NamesRoundTripAndUnknownNamesAreRefused) {
  for (UrgingRung rung : {kR, kN, kE, kI}) {
    EXPECT_EQ(ParseUrgingRung(UrgingRungName(rung)).value(), rung);
    EXPECT_EQ(ParseUrgingEvent(UrgingEventName(rung)).value(), rung);
  }
  EXPECT_EQ(UrgingRungName(kE), "explanation_request");
  EXPECT_EQ(UrgingEventName(kN), "urging.notice");
  EXPECT_EQ(UrgingEventName(kI), "urging.inspection_flag");
  auto bad = ParseUrgingRung("Notice");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message, HasSubstr("'Notice'"));
  auto bad_event = ParseUrgingEvent("urging.later");
  ASSERT_FALSE(bad_event.has_value());
  EXPECT_THAT(bad_event.error().message, HasSubstr("'urging.later'"));
  EXPECT_THAT(bad_event.error().message, HasSubstr("urging.reminder"));
  EXPECT_FALSE(ParseUrgingEvent("notice").has_value());
  EXPECT_EQ(UrgingRungLabelVi(kE), "Yêu cầu giải trình");
  EXPECT_EQ(UrgingRungLabelEn(kI), "Inspection flag");
}

TEST(UrgingRungTest, OtherEnumsRoundTrip) {
  for (auto k :
       {UrgingSubjectKind::kTask, UrgingSubjectKind::kReport, UrgingSubjectKind::kIndicator}) {
    EXPECT_EQ(ParseUrgingSubjectKind(UrgingSubjectKindName(k)).value(), k);
  }
  for (auto c : {DeliveryChannel::kEmail, DeliveryChannel::kWebhook}) {
    EXPECT_EQ(ParseDeliveryChannel(DeliveryChannelName(c)).value(), c);
  }
  for (auto s : {DeliveryState::kPending, DeliveryState::kSending, DeliveryState::kDelivered,
                 DeliveryState::kFailed}) {
    EXPECT_EQ(ParseDeliveryState(DeliveryStateName(s)).value(), s);
  }
  for (auto o : {AttemptOutcome::kOpen, AttemptOutcome::kDelivered, AttemptOutcome::kRetry,
                 AttemptOutcome::kFailed, AttemptOutcome::kInterrupted}) {
    EXPECT_EQ(ParseAttemptOutcome(AttemptOutcomeName(o)).value(), o);
  }
  EXPECT_EQ(DeliveryStateName(DeliveryState::kSending), "sending");
  EXPECT_EQ(AttemptOutcomeName(AttemptOutcome::kInterrupted), "interrupted");
  EXPECT_FALSE(ParseDeliveryState("sent").has_value());
  EXPECT_FALSE(ParseDeliveryChannel("sms").has_value());
  EXPECT_FALSE(ParseUrgingSubjectKind("plan").has_value());
}

TEST(UrgingRulesTest, DefaultsAreValid) {
  const UrgingRules rules;
  EXPECT_EQ(rules.reminder_days_before, 7);
  EXPECT_EQ(rules.notice_days_after, 1);
  EXPECT_EQ(rules.explanation_days_after, 10);
  EXPECT_EQ(rules.inspection_days_after, 30);
  EXPECT_TRUE(ValidateUrgingRules(rules).has_value());
  EXPECT_TRUE(ValidateUrgingRules({0, 1, 2, 3}).has_value());
  EXPECT_TRUE(ValidateUrgingRules({3650, 3648, 3649, 3650}).has_value());
}

TEST(UrgingRulesTest, EachBrokenBoundIsNamed) {
  auto neg = ValidateUrgingRules({-1, 1, 10, 30});
  ASSERT_FALSE(neg.has_value());
  EXPECT_EQ(neg.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(neg.error().details.size(), 1u);
  EXPECT_EQ(neg.error().details[0].field, "reminder_days_before");
  EXPECT_THAT(neg.error().message, HasSubstr("reminder_days_before is -1"));

  auto zero_notice = ValidateUrgingRules({7, 0, 10, 30});
  ASSERT_FALSE(zero_notice.has_value());
  EXPECT_EQ(zero_notice.error().details[0].field, "notice_days_after");

  auto order = ValidateUrgingRules({7, 10, 10, 5});
  ASSERT_FALSE(order.has_value());
  ASSERT_EQ(order.error().details.size(), 2u);
  EXPECT_EQ(order.error().details[0].field, "explanation_days_after");
  EXPECT_EQ(order.error().details[1].field, "inspection_days_after");
  EXPECT_THAT(order.error().details[0].message, HasSubstr("more than notice_days_after (10)"));

  auto too_long = ValidateUrgingRules({3651, 1, 10, 3651});
  ASSERT_FALSE(too_long.has_value());
  ASSERT_EQ(too_long.error().details.size(), 2u);
  EXPECT_EQ(too_long.error().details[0].field, "reminder_days_before");
  EXPECT_EQ(too_long.error().details[1].field, "inspection_days_after");
}

TEST(RungDateTest, LadderDatesAroundTheDueDate) {
  const UrgingRules rules;
  const Date due = D("2025-06-30");
  EXPECT_EQ(RungDate(rules, kR, due), D("2025-06-23"));
  EXPECT_EQ(RungDate(rules, kN, due), D("2025-07-01"));
  EXPECT_EQ(RungDate(rules, kE, due), D("2025-07-10"));
  EXPECT_EQ(RungDate(rules, kI, due), D("2025-07-30"));
}

TEST(RungsDueTest, EachDayOfTheLadder) {
  const UrgingRules rules;
  const Date due = D("2025-06-30");
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2025-06-22")), IsEmpty());
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2025-06-23")), ElementsAre(kR));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2025-06-30")), ElementsAre(kR));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2025-07-01")), ElementsAre(kR, kN));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2025-07-09")), ElementsAre(kR, kN));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2025-07-10")), ElementsAre(kR, kN, kE));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2025-07-29")), ElementsAre(kR, kN, kE));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2025-07-30")), ElementsAre(kR, kN, kE, kI));
  // A scan that missed months still raises every rung, each once (the caller filters).
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2026-12-31")), ElementsAre(kR, kN, kE, kI));
}

TEST(RungsDueTest, MetSubjectsAreNeverUrged) {
  const UrgingRules rules;
  const Date due = D("2025-06-30");
  EXPECT_THAT(RungsDue(rules, due, D("2025-06-20"), D("2025-06-25")), IsEmpty());
  EXPECT_THAT(RungsDue(rules, due, D("2025-07-05"), D("2025-07-05")), IsEmpty());
  // Met late: nothing is raised after the fact.
  EXPECT_THAT(RungsDue(rules, due, D("2025-07-05"), D("2025-08-30")), IsEmpty());
  // A completion dated after today does not count yet.
  EXPECT_THAT(RungsDue(rules, due, D("2025-07-06"), D("2025-07-05")), ElementsAre(kR, kN));
}

TEST(RungsDueTest, CustomRules) {
  const UrgingRules rules{0, 3, 4, 5};
  const Date due = D("2024-02-28");
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2024-02-27")), IsEmpty());
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2024-02-28")), ElementsAre(kR));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2024-03-01")), ElementsAre(kR));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2024-03-02")), ElementsAre(kR, kN));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2024-03-03")), ElementsAre(kR, kN, kE));
  EXPECT_THAT(RungsDue(rules, due, std::nullopt, D("2024-03-04")), ElementsAre(kR, kN, kE, kI));
}

TEST(RungsDueTest, ExhaustiveAgainstTheRungDates) {
  const UrgingRules rules{2, 1, 3, 6};
  const Date due = D("2025-01-10");
  for (int offset = -5; offset <= 10; ++offset) {
    const Date today = due.AddDays(offset);
    std::vector<UrgingRung> expected;
    for (UrgingRung rung : {kR, kN, kE, kI}) {
      if (RungDate(rules, rung, due) <= today) expected.push_back(rung);
    }
    EXPECT_EQ(RungsDue(rules, due, std::nullopt, today), expected) << today.ToString();
    for (int met = -5; met <= 10; ++met) {
      const auto got = RungsDue(rules, due, due.AddDays(met), today);
      if (met <= offset) {
        EXPECT_THAT(got, IsEmpty());
      } else {
        EXPECT_EQ(got, expected);
      }
    }
  }
}

TEST(BackoffTest, DoublesFromTheBaseUpToTheCapThenFails) {
  const BackoffPolicy policy{seconds(30), seconds(300), 6};
  EXPECT_EQ(RetryDelay(policy, 1), seconds(30));
  EXPECT_EQ(RetryDelay(policy, 2), seconds(60));
  EXPECT_EQ(RetryDelay(policy, 3), seconds(120));
  EXPECT_EQ(RetryDelay(policy, 4), seconds(240));
  EXPECT_EQ(RetryDelay(policy, 5), seconds(300));
  EXPECT_EQ(RetryDelay(policy, 6), std::nullopt);
  EXPECT_EQ(RetryDelay(policy, 7), std::nullopt);
  EXPECT_EQ(RetryDelay(policy, 0), seconds(30));
}

TEST(BackoffTest, DefaultsAndHugeCountsDoNotOverflow) {
  const BackoffPolicy defaults;
  EXPECT_EQ(defaults.base, seconds(30));
  EXPECT_EQ(defaults.cap, seconds(6 * 3600));
  EXPECT_EQ(defaults.max_attempts, 8);
  EXPECT_EQ(RetryDelay(defaults, 7), seconds(1920));
  EXPECT_EQ(RetryDelay(defaults, 8), std::nullopt);
  const BackoffPolicy wide{seconds(1), seconds(LLONG_MAX), INT_MAX};
  EXPECT_EQ(RetryDelay(wide, 63), seconds(1LL << 62));
  EXPECT_EQ(RetryDelay(wide, 1000), seconds(LLONG_MAX));
  const BackoffPolicy one{seconds(5), seconds(5), 1};
  EXPECT_EQ(RetryDelay(one, 1), std::nullopt);
}

TEST(BackoffTest, ValidationNamesTheField) {
  EXPECT_TRUE(ValidateBackoffPolicy({}).has_value());
  auto base = ValidateBackoffPolicy({seconds(0), seconds(10), 3});
  ASSERT_FALSE(base.has_value());
  EXPECT_EQ(base.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(base.error().details[0].field, "base");
  auto cap = ValidateBackoffPolicy({seconds(10), seconds(5), 3});
  ASSERT_FALSE(cap.has_value());
  EXPECT_EQ(cap.error().details[0].field, "cap");
  EXPECT_THAT(cap.error().message, HasSubstr("cap (5 s)"));
  auto attempts = ValidateBackoffPolicy({seconds(10), seconds(10), 0});
  ASSERT_FALSE(attempts.has_value());
  EXPECT_EQ(attempts.error().details[0].field, "max_attempts");
}

}  // namespace
}  // namespace planwatch
