#include "planwatch/domain/period.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace planwatch {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kAccepted = "(accepted: 2025, 2025S1, 2025Q3, 202503)";

Date D(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

Period P(std::string_view text) {
  auto p = Period::Parse(text);
  EXPECT_TRUE(p.has_value()) << text << ": " << (p ? "" : p.error().message);
  return p.value_or(Period::Year(1970));
}

// ---------------------------------------------------------------------------------------------
// Parse: accepted forms.

struct ValidCase {
  std::string_view text;
  PeriodType type;
  int year;
  int index;
  std::string_view start;
  std::string_view end;
};

class PeriodParseValidTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(PeriodParseValidTest, ParsesTypeYearIndexAndBounds) {
  const ValidCase& c = GetParam();
  auto p = Period::Parse(c.text);
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->type(), c.type);
  EXPECT_EQ(p->year(), c.year);
  EXPECT_EQ(p->index(), c.index);
  EXPECT_EQ(p->start().ToString(), c.start);
  EXPECT_EQ(p->end().ToString(), c.end);
}

TEST_P(PeriodParseValidTest, ToStringIsTheInput) {
  const ValidCase& c = GetParam();
  EXPECT_EQ(P(c.text).ToString(), c.text);
}

INSTANTIATE_TEST_SUITE_P(
    AcceptedForms, PeriodParseValidTest,
    ::testing::Values(
        ValidCase{"2025", PeriodType::kYear, 2025, 1, "2025-01-01", "2025-12-31"},
        ValidCase{"0001", PeriodType::kYear, 1, 1, "0001-01-01", "0001-12-31"},
        ValidCase{"9999", PeriodType::kYear, 9999, 1, "9999-01-01", "9999-12-31"},
        ValidCase{"2025S1", PeriodType::kHalf, 2025, 1, "2025-01-01", "2025-06-30"},
        ValidCase{"2025S2", PeriodType::kHalf, 2025, 2, "2025-07-01", "2025-12-31"},
        ValidCase{"2025Q1", PeriodType::kQuarter, 2025, 1, "2025-01-01", "2025-03-31"},
        ValidCase{"2024Q1", PeriodType::kQuarter, 2024, 1, "2024-01-01", "2024-03-31"},
        ValidCase{"2025Q2", PeriodType::kQuarter, 2025, 2, "2025-04-01", "2025-06-30"},
        ValidCase{"2025Q3", PeriodType::kQuarter, 2025, 3, "2025-07-01", "2025-09-30"},
        ValidCase{"2025Q4", PeriodType::kQuarter, 2025, 4, "2025-10-01", "2025-12-31"},
        ValidCase{"202501", PeriodType::kMonth, 2025, 1, "2025-01-01", "2025-01-31"},
        ValidCase{"202402", PeriodType::kMonth, 2024, 2, "2024-02-01", "2024-02-29"},
        ValidCase{"202502", PeriodType::kMonth, 2025, 2, "2025-02-01", "2025-02-28"},
        ValidCase{"190002", PeriodType::kMonth, 1900, 2, "1900-02-01", "1900-02-28"},
        ValidCase{"200002", PeriodType::kMonth, 2000, 2, "2000-02-01", "2000-02-29"},
        ValidCase{"210002", PeriodType::kMonth, 2100, 2, "2100-02-01", "2100-02-28"},
        ValidCase{"202504", PeriodType::kMonth, 2025, 4, "2025-04-01", "2025-04-30"},
        ValidCase{"202509", PeriodType::kMonth, 2025, 9, "2025-09-01", "2025-09-30"},
        ValidCase{"202512", PeriodType::kMonth, 2025, 12, "2025-12-01", "2025-12-31"},
        ValidCase{"999912", PeriodType::kMonth, 9999, 12, "9999-12-01", "9999-12-31"},
        ValidCase{"000101", PeriodType::kMonth, 1, 1, "0001-01-01", "0001-01-31"}));

// ---------------------------------------------------------------------------------------------
// Parse: rejected inputs. Each message names the input, gives a reason and lists the forms.

struct InvalidCase {
  std::string_view text;
  std::string_view echoed;  // how the input appears in the message
  std::string_view reason;
};

class PeriodParseInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(PeriodParseInvalidTest, IsInvalidArgumentNamingInputReasonAndForms) {
  const InvalidCase& c = GetParam();
  auto p = Period::Parse(c.text);
  ASSERT_FALSE(p.has_value()) << "accepted: " << p->ToString();
  EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(p.error().message, HasSubstr("'" + std::string(c.echoed) + "' is not a period: "));
  EXPECT_THAT(p.error().message, HasSubstr(c.reason));
  EXPECT_THAT(p.error().message, HasSubstr(kAccepted));
}

INSTANTIATE_TEST_SUITE_P(
    RejectedForms, PeriodParseInvalidTest,
    ::testing::Values(
        InvalidCase{"2025Q5", "2025Q5", "quarter must be Q1–Q4"},
        InvalidCase{"2025Q0", "2025Q0", "quarter must be Q1–Q4"},
        InvalidCase{"2025Q", "2025Q", "quarter must be Q1–Q4"},
        InvalidCase{"2025Q12", "2025Q12", "quarter must be Q1–Q4"},
        InvalidCase{"202513", "202513", "month must be 01–12"},
        InvalidCase{"202500", "202500", "month must be 01–12"},
        InvalidCase{"202599", "202599", "month must be 01–12"},
        InvalidCase{"20250", "20250", "month must have two digits"},
        InvalidCase{"2025S3", "2025S3", "half must be S1 or S2"},
        InvalidCase{"2025S0", "2025S0", "half must be S1 or S2"},
        InvalidCase{"2025S", "2025S", "half must be S1 or S2"}, InvalidCase{"", "", "it is empty"},
        InvalidCase{" 2025", " 2025", "spaces are not allowed"},
        InvalidCase{"2025 ", "2025 ", "spaces are not allowed"},
        InvalidCase{"2025 Q1", "2025 Q1", "spaces are not allowed"},
        InvalidCase{"2025\t", "2025\\x09", "spaces are not allowed"},
        InvalidCase{"2025q3", "2025q3", "upper case (write Q, not q)"},
        InvalidCase{"2025s1", "2025s1", "upper case (write S, not s)"},
        InvalidCase{"２０２５", "２０２５",
                    "only ASCII characters are allowed (digits must be 0–9)"},
        InvalidCase{"٢٠٢٥", "٢٠٢٥", "only ASCII characters are allowed (digits must be 0–9)"},
        InvalidCase{"2025Ｑ1", "2025Ｑ1", "only ASCII characters are allowed"},
        InvalidCase{"2025-03", "2025-03", "separators are not allowed (write a month as 202503)"},
        InvalidCase{"2025/03", "2025/03", "separators are not allowed"},
        InvalidCase{"2025.03", "2025.03", "separators are not allowed"},
        InvalidCase{"2025W1", "2025W1", "weekly periods are not supported"},
        InvalidCase{"2025W52", "2025W52", "weekly periods are not supported"},
        InvalidCase{"2025BiW1", "2025BiW1", "weekly periods are not supported"},
        InvalidCase{"20250115", "20250115", "daily periods are not supported"},
        InvalidCase{"+2025", "+2025", "a sign is not allowed"},
        InvalidCase{"-2025", "-2025", "a sign is not allowed"},
        InvalidCase{"0000", "0000", "year must be 0001–9999"},
        InvalidCase{"0000Q1", "0000Q1", "year must be 0001–9999"},
        InvalidCase{"000001", "000001", "year must be 0001–9999"},
        InvalidCase{"10000", "10000", "month must have two digits"},
        InvalidCase{"2025123", "2025123", "too many digits"},
        InvalidCase{"25", "25", "it must start with a 4-digit year"},
        InvalidCase{"25Q1", "25Q1", "it must start with a 4-digit year"},
        InvalidCase{"Q12025", "Q12025", "it must start with a 4-digit year"},
        InvalidCase{"FY2025", "FY2025", "it must start with a 4-digit year"},
        InvalidCase{"2025April", "2025April", "not a year, half, quarter or month"},
        InvalidCase{"202501B", "202501B", "not a year, half, quarter or month"},
        InvalidCase{"2025M03", "2025M03", "not a year, half, quarter or month"}));

TEST(PeriodParseTest, QuarterMessageIsExact) {
  auto p = Period::Parse("2025Q5");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().message,
            "'2025Q5' is not a period: quarter must be Q1–Q4 "
            "(accepted: 2025, 2025S1, 2025Q3, 202503)");
}

TEST(PeriodParseTest, ControlBytesAndInvalidUtf8AreEscapedInTheMessage) {
  const std::string text = std::string("20") + '\0' + "5\xFF\x01\\";
  auto p = Period::Parse(text);
  ASSERT_FALSE(p.has_value());
  EXPECT_THAT(p.error().message, HasSubstr("'20\\x005\\xFF\\x01\\x5C' is not a period"));
}

TEST(PeriodParseTest, TruncatedUtf8SequenceIsEscaped) {
  auto p = Period::Parse("2025\xE2\x82");  // first two bytes of a three-byte character
  ASSERT_FALSE(p.has_value());
  EXPECT_THAT(p.error().message, HasSubstr("'2025\\xE2\\x82'"));
}

TEST(PeriodParseTest, LongInputIsTruncatedInTheMessage) {
  const std::string text(1000, '7');
  auto p = Period::Parse(text);
  ASSERT_FALSE(p.has_value());
  EXPECT_THAT(p.error().message, HasSubstr("'" + std::string(40, '7') + "…'"));
  EXPECT_LT(p.error().message.size(), 200u);
}

// Every two-byte suffix after a valid year: exactly S1–S2, Q1–Q4 and 01–12 are accepted.
TEST(PeriodParseTest, ExhaustiveTwoByteSuffixes) {
  std::set<std::string> expected = {"S1", "S2", "Q1", "Q2", "Q3", "Q4"};
  for (int m = 1; m <= 12; ++m) expected.insert((m < 10 ? "0" : "") + std::to_string(m));
  int accepted = 0;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      std::string text = "2025";
      text += static_cast<char>(a);
      text += static_cast<char>(b);
      auto p = Period::Parse(text);
      const bool valid = expected.count(text.substr(4)) > 0;
      ASSERT_EQ(p.has_value(), valid) << "suffix bytes " << a << "," << b;
      if (valid) {
        ++accepted;
        EXPECT_EQ(p->ToString(), text);
      } else {
        EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
      }
    }
  }
  EXPECT_EQ(accepted, 18);
}

TEST(PeriodParseTest, EveryFourDigitYearButZeroIsAYear) {
  for (int y = 0; y <= 9999; ++y) {
    char text[5];
    std::snprintf(text, sizeof text, "%04d", y);
    auto p = Period::Parse(text);
    if (y == 0) {
      ASSERT_FALSE(p.has_value());
      continue;
    }
    ASSERT_TRUE(p.has_value()) << text;
    EXPECT_EQ(*p, Period::Year(y));
    EXPECT_EQ(p->ToString(), text);
  }
}

TEST(PeriodParseTest, EveryPeriodOfSampleYearsRoundTrips) {
  for (int year : {1, 9, 99, 999, 1900, 2000, 2024, 2025, 9999}) {
    for (PeriodType type :
         {PeriodType::kYear, PeriodType::kHalf, PeriodType::kQuarter, PeriodType::kMonth}) {
      const int count = type == PeriodType::kYear      ? 1
                        : type == PeriodType::kHalf    ? 2
                        : type == PeriodType::kQuarter ? 4
                                                       : 12;
      for (int i = 1; i <= count; ++i) {
        const Period p = Period::Of(type, year, i);
        auto back = Period::Parse(p.ToString());
        ASSERT_TRUE(back.has_value()) << p.ToString();
        EXPECT_EQ(*back, p);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Construction and bounds.

TEST(PeriodTest, YearAndOfBuildTheSamePeriodsAsParse) {
  EXPECT_EQ(Period::Year(2025), P("2025"));
  EXPECT_EQ(Period::Year(2025).index(), 1);
  EXPECT_EQ(Period::Of(PeriodType::kYear, 2025, 1), P("2025"));
  EXPECT_EQ(Period::Of(PeriodType::kHalf, 2025, 2), P("2025S2"));
  EXPECT_EQ(Period::Of(PeriodType::kQuarter, 2025, 3), P("2025Q3"));
  EXPECT_EQ(Period::Of(PeriodType::kMonth, 2025, 3), P("202503"));
  EXPECT_NE(Period::Of(PeriodType::kMonth, 2025, 1), Period::Of(PeriodType::kQuarter, 2025, 1));
}

TEST(PeriodTest, ToStringPadsYearAndMonth) {
  EXPECT_EQ(Period::Year(7).ToString(), "0007");
  EXPECT_EQ(Period::Of(PeriodType::kMonth, 42, 3).ToString(), "004203");
  EXPECT_EQ(Period::Of(PeriodType::kQuarter, 300, 4).ToString(), "0300Q4");
  EXPECT_EQ(Period::Of(PeriodType::kHalf, 2025, 1).ToString(), "2025S1");
}

TEST(PeriodTest, ConsecutivePeriodsTileTheCalendarWithoutGaps) {
  for (PeriodType type :
       {PeriodType::kYear, PeriodType::kHalf, PeriodType::kQuarter, PeriodType::kMonth}) {
    Period p = Period::Of(type, 1899, 1);
    for (int step = 0; step < 400; ++step) {
      const Period next = p.Next();
      ASSERT_EQ(next.start(), p.end().AddDays(1)) << p.ToString();
      ASSERT_LT(p.start(), p.end());
      p = next;
    }
  }
}

TEST(PeriodTest, LengthsInDays) {
  EXPECT_EQ(P("2024").end().DaysSince(P("2024").start()) + 1, 366);
  EXPECT_EQ(P("2025").end().DaysSince(P("2025").start()) + 1, 365);
  EXPECT_EQ(P("2025Q1").end().DaysSince(P("2025Q1").start()) + 1, 90);
  EXPECT_EQ(P("2024Q1").end().DaysSince(P("2024Q1").start()) + 1, 91);
  EXPECT_EQ(P("2025S1").end().DaysSince(P("2025S1").start()) + 1, 181);
  EXPECT_EQ(P("2025S2").end().DaysSince(P("2025S2").start()) + 1, 184);
}

// ---------------------------------------------------------------------------------------------
// Containment.

TEST(PeriodContainsTest, DatesAtTheBoundaries) {
  const Period q1 = P("2025Q1");
  EXPECT_FALSE(q1.Contains(D("2024-12-31")));
  EXPECT_TRUE(q1.Contains(D("2025-01-01")));
  EXPECT_TRUE(q1.Contains(D("2025-02-14")));
  EXPECT_TRUE(q1.Contains(D("2025-03-31")));
  EXPECT_FALSE(q1.Contains(D("2025-04-01")));

  const Period feb = P("202402");
  EXPECT_TRUE(feb.Contains(D("2024-02-29")));
  EXPECT_FALSE(feb.Contains(D("2024-03-01")));
  EXPECT_FALSE(feb.Contains(D("2024-01-31")));

  const Period s2 = P("2025S2");
  EXPECT_FALSE(s2.Contains(D("2025-06-30")));
  EXPECT_TRUE(s2.Contains(D("2025-07-01")));
  EXPECT_TRUE(s2.Contains(D("2025-12-31")));
  EXPECT_FALSE(s2.Contains(D("2026-01-01")));
}

TEST(PeriodContainsTest, QuarterContainsExactlyItsThreeMonths) {
  const Period q2 = P("2025Q2");
  std::vector<std::string> contained;
  for (int m = 1; m <= 12; ++m) {
    const Period month = Period::Of(PeriodType::kMonth, 2025, m);
    if (q2.Contains(month)) contained.push_back(month.ToString());
  }
  EXPECT_EQ(contained, (std::vector<std::string>{"202504", "202505", "202506"}));
}

TEST(PeriodContainsTest, MonthIsNotContainedByAnotherQuarterOrYear) {
  EXPECT_FALSE(P("2025Q1").Contains(P("202504")));
  EXPECT_FALSE(P("2025Q3").Contains(P("202506")));
  EXPECT_FALSE(P("2024Q1").Contains(P("202501")));
  EXPECT_FALSE(P("2024").Contains(P("202501")));
  EXPECT_FALSE(P("2025S1").Contains(P("202507")));
}

TEST(PeriodContainsTest, YearContainsAllItsPeriods) {
  const Period year = P("2025");
  for (int m = 1; m <= 12; ++m) {
    EXPECT_TRUE(year.Contains(Period::Of(PeriodType::kMonth, 2025, m))) << m;
  }
  for (int q = 1; q <= 4; ++q)
    EXPECT_TRUE(year.Contains(Period::Of(PeriodType::kQuarter, 2025, q)));
  EXPECT_TRUE(year.Contains(P("2025S1")));
  EXPECT_TRUE(year.Contains(P("2025S2")));
}

TEST(PeriodContainsTest, HalfContainsItsQuartersOnly) {
  EXPECT_TRUE(P("2025S1").Contains(P("2025Q1")));
  EXPECT_TRUE(P("2025S1").Contains(P("2025Q2")));
  EXPECT_FALSE(P("2025S1").Contains(P("2025Q3")));
  EXPECT_TRUE(P("2025S2").Contains(P("2025Q4")));
  EXPECT_FALSE(P("2025S2").Contains(P("2025Q2")));
}

TEST(PeriodContainsTest, FinerNeverContainsCoarserButContainsItself) {
  EXPECT_FALSE(P("202501").Contains(P("2025Q1")));
  EXPECT_FALSE(P("2025Q1").Contains(P("2025S1")));
  EXPECT_FALSE(P("2025S1").Contains(P("2025")));
  for (std::string_view t : {"2025", "2025S2", "2025Q3", "202511"}) {
    EXPECT_TRUE(P(t).Contains(P(t))) << t;
  }
}

// ---------------------------------------------------------------------------------------------
// Widen, Containing.

struct WidenCase {
  std::string_view from;
  PeriodType to;
  std::string_view expected;
};

class PeriodWidenTest : public ::testing::TestWithParam<WidenCase> {};

TEST_P(PeriodWidenTest, WidensToTheContainingPeriod) {
  const WidenCase& c = GetParam();
  const Period from = P(c.from);
  const Period wide = from.Widen(c.to);
  EXPECT_EQ(wide.ToString(), c.expected);
  EXPECT_TRUE(wide.Contains(from));
}

INSTANTIATE_TEST_SUITE_P(MonthQuarterHalfYear, PeriodWidenTest,
                         ::testing::Values(WidenCase{"202501", PeriodType::kQuarter, "2025Q1"},
                                           WidenCase{"202503", PeriodType::kQuarter, "2025Q1"},
                                           WidenCase{"202504", PeriodType::kQuarter, "2025Q2"},
                                           WidenCase{"202509", PeriodType::kQuarter, "2025Q3"},
                                           WidenCase{"202510", PeriodType::kQuarter, "2025Q4"},
                                           WidenCase{"202512", PeriodType::kQuarter, "2025Q4"},
                                           WidenCase{"202506", PeriodType::kHalf, "2025S1"},
                                           WidenCase{"202507", PeriodType::kHalf, "2025S2"},
                                           WidenCase{"202512", PeriodType::kYear, "2025"},
                                           WidenCase{"2025Q2", PeriodType::kHalf, "2025S1"},
                                           WidenCase{"2025Q3", PeriodType::kHalf, "2025S2"},
                                           WidenCase{"2025Q4", PeriodType::kYear, "2025"},
                                           WidenCase{"2025S2", PeriodType::kYear, "2025"},
                                           WidenCase{"202508", PeriodType::kMonth, "202508"},
                                           WidenCase{"2025Q3", PeriodType::kQuarter, "2025Q3"},
                                           WidenCase{"2025", PeriodType::kYear, "2025"}));

struct ContainingCase {
  std::string_view date;
  PeriodType type;
  std::string_view expected;
};

class PeriodContainingTest : public ::testing::TestWithParam<ContainingCase> {};

TEST_P(PeriodContainingTest, FindsThePeriodOfTheDate) {
  const ContainingCase& c = GetParam();
  const Period p = Period::Containing(D(c.date), c.type);
  EXPECT_EQ(p.ToString(), c.expected);
  EXPECT_EQ(p.type(), c.type);
}

INSTANTIATE_TEST_SUITE_P(
    Dates, PeriodContainingTest,
    ::testing::Values(ContainingCase{"2024-02-29", PeriodType::kMonth, "202402"},
                      ContainingCase{"2024-02-29", PeriodType::kQuarter, "2024Q1"},
                      ContainingCase{"2024-02-29", PeriodType::kHalf, "2024S1"},
                      ContainingCase{"2024-02-29", PeriodType::kYear, "2024"},
                      ContainingCase{"2025-06-30", PeriodType::kHalf, "2025S1"},
                      ContainingCase{"2025-06-30", PeriodType::kQuarter, "2025Q2"},
                      ContainingCase{"2025-07-01", PeriodType::kHalf, "2025S2"},
                      ContainingCase{"2025-07-01", PeriodType::kQuarter, "2025Q3"},
                      ContainingCase{"2025-12-31", PeriodType::kQuarter, "2025Q4"},
                      ContainingCase{"2025-12-31", PeriodType::kMonth, "202512"},
                      ContainingCase{"2026-01-01", PeriodType::kYear, "2026"},
                      ContainingCase{"0001-01-01", PeriodType::kQuarter, "0001Q1"},
                      ContainingCase{"9999-12-31", PeriodType::kMonth, "999912"}));

TEST(PeriodContainingTest, EveryDayOfALeapYearLiesInItsPeriodOfEachType) {
  for (Date d = D("2024-01-01"); d <= D("2024-12-31"); d = d.AddDays(1)) {
    for (PeriodType type :
         {PeriodType::kYear, PeriodType::kHalf, PeriodType::kQuarter, PeriodType::kMonth}) {
      const Period p = Period::Containing(d, type);
      ASSERT_TRUE(p.Contains(d)) << d.ToString() << " " << p.ToString();
      ASSERT_FALSE(p.Next().Contains(d));
      ASSERT_FALSE(p.Previous().Contains(d));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Next, Previous.

struct StepCase {
  std::string_view from;
  std::string_view next;
};

class PeriodStepTest : public ::testing::TestWithParam<StepCase> {};

TEST_P(PeriodStepTest, NextAndPreviousAreInverse) {
  const StepCase& c = GetParam();
  EXPECT_EQ(P(c.from).Next().ToString(), c.next);
  EXPECT_EQ(P(c.next).Previous().ToString(), c.from);
}

INSTANTIATE_TEST_SUITE_P(
    AcrossYearEnds, PeriodStepTest,
    ::testing::Values(StepCase{"202512", "202601"}, StepCase{"202511", "202512"},
                      StepCase{"202501", "202502"}, StepCase{"2024Q4", "2025Q1"},
                      StepCase{"2025Q2", "2025Q3"}, StepCase{"2024S2", "2025S1"},
                      StepCase{"2025S1", "2025S2"}, StepCase{"2025", "2026"},
                      StepCase{"199912", "200001"}, StepCase{"0001", "0002"}));

TEST(PeriodStepTest, PreviousOfFirstQuarterIsLastQuarterOfPreviousYear) {
  EXPECT_EQ(P("2025Q1").Previous(), P("2024Q4"));
  EXPECT_EQ(P("202601").Previous(), P("202512"));
  EXPECT_EQ(P("2025S1").Previous(), P("2024S2"));
}

TEST(PeriodStepTest, TwelveMonthsLaterIsTheSameMonthNextYear) {
  Period p = P("202507");
  for (int i = 0; i < 12; ++i) p = p.Next();
  EXPECT_EQ(p, P("202607"));
  for (int i = 0; i < 24; ++i) p = p.Previous();
  EXPECT_EQ(p, P("202407"));
}

TEST(PeriodStepTest, SteppingOutsideTheParseableYearsIsArithmetic) {
  const Period after = P("999912").Next();
  EXPECT_EQ(after.year(), 10000);
  EXPECT_EQ(after.index(), 1);
  EXPECT_EQ(after.Previous(), P("999912"));
  EXPECT_FALSE(Period::Parse(after.ToString()).has_value());
  const Period before = P("0001Q1").Previous();
  EXPECT_EQ(before.year(), 0);
  EXPECT_EQ(before.index(), 4);
  EXPECT_EQ(before.Next(), P("0001Q1"));
}

// ---------------------------------------------------------------------------------------------
// Ordering.

TEST(PeriodOrderTest, ByStartThenCoarserFirst) {
  EXPECT_LT(P("2025"), P("2025S1"));
  EXPECT_LT(P("2025S1"), P("2025Q1"));
  EXPECT_LT(P("2025Q1"), P("202501"));
  EXPECT_LT(P("202501"), P("202502"));
  EXPECT_LT(P("202503"), P("2025Q2"));
  EXPECT_LT(P("2025Q2"), P("202504"));
  EXPECT_LT(P("202412"), P("2025"));
  EXPECT_LT(P("2024"), P("202401").Next());
  EXPECT_LT(P("2025S1"), P("2025S2"));
  EXPECT_GT(P("2025S2"), P("202506"));
  EXPECT_EQ(P("2025Q3") <=> P("2025Q3"), std::strong_ordering::equal);
}

TEST(PeriodOrderTest, SortingAMixedList) {
  std::vector<Period> v;
  for (std::string_view t : {"202604", "2025Q3", "2026", "202507", "2025S2", "2025", "2025Q1",
                             "202501", "2025S1", "202412"}) {
    v.push_back(P(t));
  }
  std::sort(v.begin(), v.end());
  std::vector<std::string> got;
  for (const Period& p : v) got.push_back(p.ToString());
  EXPECT_EQ(got, (std::vector<std::string>{"202412", "2025", "2025S1", "2025Q1", "202501", "2025S2",
                                           "2025Q3", "202507", "2026", "202604"}));
}

// Every pair of periods of 2024–2026: order and containment agree with their dates.
TEST(PeriodOrderTest, AgreesWithDatesForEveryPairOfPeriods) {
  std::vector<Period> all;
  for (int year = 2024; year <= 2026; ++year) {
    for (auto [type, count] :
         {std::pair{PeriodType::kYear, 1}, std::pair{PeriodType::kHalf, 2},
          std::pair{PeriodType::kQuarter, 4}, std::pair{PeriodType::kMonth, 12}}) {
      for (int i = 1; i <= count; ++i) all.push_back(Period::Of(type, year, i));
    }
  }
  ASSERT_EQ(all.size(), 57u);
  for (const Period& a : all) {
    for (const Period& b : all) {
      const bool before = a.start() < b.start() || (a.start() == b.start() && a.type() < b.type());
      EXPECT_EQ(a < b, before) << a.ToString() << " " << b.ToString();
      EXPECT_EQ(a == b, a.start() == b.start() && a.type() == b.type());
      EXPECT_EQ(a.Contains(b), a.start() <= b.start() && b.end() <= a.end())
          << a.ToString() << " " << b.ToString();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Period types.

TEST(PeriodTypeTest, NamesRoundTrip) {
  const std::vector<std::pair<PeriodType, std::string_view>> names = {
      {PeriodType::kYear, "yearly"},
      {PeriodType::kHalf, "half_yearly"},
      {PeriodType::kQuarter, "quarterly"},
      {PeriodType::kMonth, "monthly"}};
  for (const auto& [type, name] : names) {
    EXPECT_EQ(PeriodTypeName(type), name);
    auto parsed = ParsePeriodType(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(*parsed, type);
  }
}

TEST(PeriodTypeTest, AcceptsHyphenatedHalfYearly) {
  auto t = ParsePeriodType("half-yearly");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, PeriodType::kHalf);
}

TEST(PeriodTypeTest, RejectsOtherNamesNamingTheInput) {
  for (std::string_view text : {"weekly", "Monthly", "month", "", " yearly", "half yearly"}) {
    auto t = ParsePeriodType(text);
    ASSERT_FALSE(t.has_value()) << text;
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(t.error().message, HasSubstr("'" + std::string(text) + "' is not a period type"));
    EXPECT_THAT(t.error().message, HasSubstr("yearly, half_yearly, quarterly, monthly"));
  }
}

// ---------------------------------------------------------------------------------------------
// PeriodRange.

std::vector<std::string> Names(const std::vector<Period>& periods) {
  std::vector<std::string> out;
  for (const Period& p : periods) out.push_back(p.ToString());
  return out;
}

TEST(PeriodRangeTest, ParsesQuartersOfAYear) {
  auto r = PeriodRange::Parse("2025Q1..2025Q4");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->first, P("2025Q1"));
  EXPECT_EQ(r->last, P("2025Q4"));
  EXPECT_EQ(Names(r->Periods()),
            (std::vector<std::string>{"2025Q1", "2025Q2", "2025Q3", "2025Q4"}));
  EXPECT_EQ(r->ToString(), "2025Q1..2025Q4");
}

TEST(PeriodRangeTest, SinglePeriod) {
  auto r = PeriodRange::Parse("202503");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first, P("202503"));
  EXPECT_EQ(r->last, P("202503"));
  EXPECT_EQ(Names(r->Periods()), (std::vector<std::string>{"202503"}));
  EXPECT_EQ(r->ToString(), "202503");
  auto same = PeriodRange::Parse("202503..202503");
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->ToString(), "202503");
}

TEST(PeriodRangeTest, MonthsAcrossAYearEnd) {
  auto r = PeriodRange::Parse("202411..202602");
  ASSERT_TRUE(r.has_value());
  const std::vector<Period> periods = r->Periods();
  ASSERT_EQ(periods.size(), 16u);
  EXPECT_EQ(periods.front(), P("202411"));
  EXPECT_EQ(periods[2], P("202501"));
  EXPECT_EQ(periods.back(), P("202602"));
}

TEST(PeriodRangeTest, YearsAndHalves) {
  auto years = PeriodRange::Parse("2020..2025");
  ASSERT_TRUE(years.has_value());
  EXPECT_EQ(years->Periods().size(), 6u);
  auto halves = PeriodRange::Parse("2024S2..2025S2");
  ASSERT_TRUE(halves.has_value());
  EXPECT_EQ(Names(halves->Periods()), (std::vector<std::string>{"2024S2", "2025S1", "2025S2"}));
}

TEST(PeriodRangeTest, ContainsPeriodsOfAnyTypeWithinItsDates) {
  auto r = PeriodRange::Parse("2025Q2..2025Q3");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->Contains(P("202504")));
  EXPECT_TRUE(r->Contains(P("202509")));
  EXPECT_TRUE(r->Contains(P("2025Q2")));
  EXPECT_FALSE(r->Contains(P("202503")));
  EXPECT_FALSE(r->Contains(P("202510")));
  EXPECT_FALSE(r->Contains(P("2025S1")));  // starts before the range
  EXPECT_FALSE(r->Contains(P("2025")));
  auto halves = PeriodRange::Parse("2025S1..2025S2");
  ASSERT_TRUE(halves.has_value());
  EXPECT_TRUE(halves->Contains(P("2025")));
  EXPECT_FALSE(halves->Contains(P("2026Q1")));
}

struct RangeErrorCase {
  std::string_view text;
  std::string_view message_part;
};

class PeriodRangeParseErrorTest : public ::testing::TestWithParam<RangeErrorCase> {};

TEST_P(PeriodRangeParseErrorTest, IsInvalidArgumentNamingTheInput) {
  const RangeErrorCase& c = GetParam();
  auto r = PeriodRange::Parse(c.text);
  ASSERT_FALSE(r.has_value()) << "accepted: " << r->ToString();
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message,
              HasSubstr("'" + std::string(c.text) + "' is not a period range: "));
  EXPECT_THAT(r.error().message, HasSubstr(c.message_part));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, PeriodRangeParseErrorTest,
    ::testing::Values(
        RangeErrorCase{"2025Q1..202506", "its ends differ in type (quarterly and monthly)"},
        RangeErrorCase{"2025..2025S2", "its ends differ in type (yearly and half_yearly)"},
        RangeErrorCase{"2025Q4..2025Q1", "the last period precedes the first"},
        RangeErrorCase{"202601..202512", "the last period precedes the first"},
        RangeErrorCase{"2026..2025", "the last period precedes the first"},
        RangeErrorCase{"2025Q1..2025Q5", "'2025Q5' is not a period: quarter must be Q1–Q4"},
        RangeErrorCase{"2025Q0..2025Q4", "'2025Q0' is not a period: quarter must be Q1–Q4"},
        RangeErrorCase{"2025Q1..", "'' is not a period: it is empty"},
        RangeErrorCase{"..2025Q1", "'' is not a period: it is empty"},
        RangeErrorCase{"", "'' is not a period: it is empty"},
        RangeErrorCase{"2025Q1 .. 2025Q2", "spaces are not allowed"},
        RangeErrorCase{"2025Q1...2025Q2", "'.2025Q2' is not a period"},
        RangeErrorCase{"2025..2026..2027", "'2026..2027' is not a period"},
        RangeErrorCase{"2025Q1-2025Q4", "separators are not allowed"}));

TEST(PeriodRangeTest, MakeChecksTypeAndOrder) {
  auto ok = PeriodRange::Make(P("202501"), P("202503"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->Periods().size(), 3u);

  auto mixed = PeriodRange::Make(P("2025"), P("202503"));
  ASSERT_FALSE(mixed.has_value());
  EXPECT_EQ(mixed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(mixed.error().message,
            "'2025..202503' is not a period range: its ends differ in type (yearly and monthly)");

  auto reversed = PeriodRange::Make(P("202503"), P("202501"));
  ASSERT_FALSE(reversed.has_value());
  EXPECT_EQ(reversed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(reversed.error().message,
            "'202503..202501' is not a period range: the last period precedes the first");
}

TEST(PeriodRangeTest, ToStringRoundTripsThroughParse) {
  for (std::string_view text :
       {"2025", "2020..2030", "2025S1..2026S2", "2025Q2..2027Q1", "202412..202501"}) {
    auto r = PeriodRange::Parse(text);
    ASSERT_TRUE(r.has_value()) << text;
    EXPECT_EQ(r->ToString(), text);
    auto back = PeriodRange::Parse(r->ToString());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->first, r->first);
    EXPECT_EQ(back->last, r->last);
  }
}

TEST(PeriodRangeTest, LongestMonthlyRangeEnumeratesEveryMonth) {
  auto r = PeriodRange::Parse("000101..999912");
  ASSERT_TRUE(r.has_value());
  const std::vector<Period> periods = r->Periods();
  ASSERT_EQ(periods.size(), 9999u * 12u);
  EXPECT_EQ(periods[12], P("000201"));
  EXPECT_TRUE(std::is_sorted(periods.begin(), periods.end()));
}

}  // namespace
}  // namespace planwatch
