#include "planwatch/base/date.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace planwatch {
namespace {

using ::testing::HasSubstr;

Date D(int y, int m, int d) {
  auto date = Date::FromYmd(y, m, d);
  EXPECT_TRUE(date.has_value()) << y << "-" << m << "-" << d;
  return date.value_or(Date());
}

// ---------------------------------------------------------------------------------------------
// Leap years and month lengths.

struct LeapCase {
  int year;
  bool leap;
};

class LeapYearTest : public ::testing::TestWithParam<LeapCase> {};

TEST_P(LeapYearTest, FollowsTheGregorianRule) {
  const LeapCase& c = GetParam();
  EXPECT_EQ(IsLeapYear(c.year), c.leap);
  EXPECT_EQ(DaysInMonth(c.year, 2), c.leap ? 29 : 28);
  EXPECT_EQ(Date::FromYmd(c.year, 2, 29).has_value(), c.leap);
}

INSTANTIATE_TEST_SUITE_P(Years, LeapYearTest,
                         ::testing::Values(LeapCase{1900, false}, LeapCase{2000, true},
                                           LeapCase{2024, true}, LeapCase{2100, false},
                                           LeapCase{2023, false}, LeapCase{2025, false},
                                           LeapCase{2400, true}, LeapCase{1600, true},
                                           LeapCase{4, true}, LeapCase{1, false},
                                           LeapCase{9996, true}, LeapCase{9999, false}));

TEST(DateTest, DaysInEveryMonth) {
  const std::vector<int> expected = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) {
    EXPECT_EQ(DaysInMonth(2025, m), expected[m - 1]) << m;
    EXPECT_EQ(DaysInMonth(2024, m), m == 2 ? 29 : expected[m - 1]) << m;
  }
}

// ---------------------------------------------------------------------------------------------
// FromYmd.

TEST(DateTest, FromYmdKeepsItsFields) {
  const Date d = D(2024, 2, 29);
  EXPECT_EQ(d.year(), 2024);
  EXPECT_EQ(d.month(), 2);
  EXPECT_EQ(d.day(), 29);
  EXPECT_EQ(d.ToString(), "2024-02-29");
}

TEST(DateTest, FromYmdAcceptsTheExtremes) {
  EXPECT_EQ(D(1, 1, 1).ToString(), "0001-01-01");
  EXPECT_EQ(D(9999, 12, 31).ToString(), "9999-12-31");
  EXPECT_EQ(D(9999, 12, 31).DaysSince(D(1, 1, 1)), 3652058);
}

struct BadYmd {
  int year, month, day;
  std::string_view shown;
};

class FromYmdErrorTest : public ::testing::TestWithParam<BadYmd> {};

TEST_P(FromYmdErrorTest, IsInvalidArgumentNamingTheDate) {
  const BadYmd& c = GetParam();
  auto d = Date::FromYmd(c.year, c.month, c.day);
  ASSERT_FALSE(d.has_value()) << d->ToString();
  EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(d.error().message, std::string(c.shown) + " is not a calendar date");
}

INSTANTIATE_TEST_SUITE_P(
    NotCalendarDates, FromYmdErrorTest,
    ::testing::Values(BadYmd{2025, 2, 29, "2025-02-29"}, BadYmd{1900, 2, 29, "1900-02-29"},
                      BadYmd{2100, 2, 29, "2100-02-29"}, BadYmd{2025, 2, 30, "2025-02-30"},
                      BadYmd{2025, 4, 31, "2025-04-31"}, BadYmd{2025, 0, 1, "2025-00-01"},
                      BadYmd{2025, 13, 1, "2025-13-01"}, BadYmd{2025, 1, 0, "2025-01-00"},
                      BadYmd{2025, 1, 32, "2025-01-32"}, BadYmd{0, 1, 1, "0000-01-01"},
                      BadYmd{10000, 1, 1, "10000-01-01"}));

// ---------------------------------------------------------------------------------------------
// Parse.

struct ParseCase {
  std::string_view text;
  int year, month, day;
};

class DateParseTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(DateParseTest, ReadsYearMonthDay) {
  const ParseCase& c = GetParam();
  auto d = Date::Parse(c.text);
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->year(), c.year);
  EXPECT_EQ(d->month(), c.month);
  EXPECT_EQ(d->day(), c.day);
  EXPECT_EQ(d->ToString(), c.text);
}

INSTANTIATE_TEST_SUITE_P(
    Valid, DateParseTest,
    ::testing::Values(ParseCase{"2025-01-05", 2025, 1, 5}, ParseCase{"2024-02-29", 2024, 2, 29},
                      ParseCase{"2000-02-29", 2000, 2, 29}, ParseCase{"2025-12-31", 2025, 12, 31},
                      ParseCase{"2026-01-01", 2026, 1, 1}, ParseCase{"1970-01-01", 1970, 1, 1},
                      ParseCase{"0001-01-01", 1, 1, 1}, ParseCase{"9999-12-31", 9999, 12, 31}));

struct ParseErrorCase {
  std::string_view text;
  std::string_view reason;
};

class DateParseErrorTest : public ::testing::TestWithParam<ParseErrorCase> {};

TEST_P(DateParseErrorTest, IsInvalidArgumentNamingTheInput) {
  const ParseErrorCase& c = GetParam();
  auto d = Date::Parse(c.text);
  ASSERT_FALSE(d.has_value()) << "accepted as " << d->ToString();
  EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(d.error().message, "'" + std::string(c.text) + "' is " + std::string(c.reason));
}

constexpr std::string_view kNotADate = "not a date: expected YYYY-MM-DD";
constexpr std::string_view kNotCalendar = "not a calendar date";

INSTANTIATE_TEST_SUITE_P(
    Invalid, DateParseErrorTest,
    ::testing::Values(
        ParseErrorCase{"2025-1-05", kNotADate}, ParseErrorCase{"2025-01-5", kNotADate},
        ParseErrorCase{" 2025-01-05", kNotADate}, ParseErrorCase{"2025-01-05 ", kNotADate},
        ParseErrorCase{"2025/01/05", kNotADate}, ParseErrorCase{"2025.01.05", kNotADate},
        ParseErrorCase{"20250105", kNotADate}, ParseErrorCase{"", kNotADate},
        ParseErrorCase{"２０２５-01-05", kNotADate}, ParseErrorCase{"٢٠٢٥-٠١-٠٥", kNotADate},
        ParseErrorCase{"2025-01-05T00:00", kNotADate}, ParseErrorCase{"+025-01-05", kNotADate},
        ParseErrorCase{"-025-01-05", kNotADate}, ParseErrorCase{"2025-+1-05", kNotADate},
        ParseErrorCase{"2025-0a-05", kNotADate}, ParseErrorCase{"05-01-2025", kNotADate},
        ParseErrorCase{"2025-02-30", kNotCalendar}, ParseErrorCase{"2023-02-29", kNotCalendar},
        ParseErrorCase{"1900-02-29", kNotCalendar}, ParseErrorCase{"2025-13-01", kNotCalendar},
        ParseErrorCase{"2025-00-10", kNotCalendar}, ParseErrorCase{"2025-04-31", kNotCalendar},
        ParseErrorCase{"2025-01-00", kNotCalendar}, ParseErrorCase{"0000-01-01", kNotCalendar}));

TEST(DateTest, ParseRejectsEmbeddedNul) {
  auto d = Date::Parse(std::string_view("2025-01-0\0", 10));
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
}

// Parse(ToString()) is the identity for every day from 1899 to 2101.
TEST(DateTest, ToStringRoundTripsThroughParseForEveryDay) {
  const Date last = D(2101, 1, 1);
  int days = 0;
  for (Date d = D(1899, 12, 31); d <= last; d = d.AddDays(1)) {
    auto back = Date::Parse(d.ToString());
    ASSERT_TRUE(back.has_value()) << d.ToString();
    ASSERT_EQ(*back, d);
    ++days;
  }
  EXPECT_EQ(days, 73416);
}

// ---------------------------------------------------------------------------------------------
// Epoch days, arithmetic, ordering.

TEST(DateTest, DefaultIsTheEpoch) {
  const Date d;
  EXPECT_EQ(d.days_since_epoch(), 0);
  EXPECT_EQ(d.ToString(), "1970-01-01");
  EXPECT_EQ(d, D(1970, 1, 1));
}

TEST(DateTest, DaysSinceEpoch) {
  EXPECT_EQ(D(1970, 1, 2).days_since_epoch(), 1);
  EXPECT_EQ(D(1969, 12, 31).days_since_epoch(), -1);
  EXPECT_EQ(D(2000, 1, 1).days_since_epoch(), 10957);
  EXPECT_EQ(D(2025, 1, 1).days_since_epoch(), 20089);
  EXPECT_EQ(Date::FromDays(20089), D(2025, 1, 1));
  EXPECT_EQ(Date::FromDays(-719162).ToString(), "0001-01-01");
}

struct AddCase {
  Date from;
  int days;
  std::string_view expected;
};

class AddDaysTest : public ::testing::TestWithParam<AddCase> {};

TEST_P(AddDaysTest, MovesAcrossMonthAndYearEnds) {
  const AddCase& c = GetParam();
  const Date to = c.from.AddDays(c.days);
  EXPECT_EQ(to.ToString(), c.expected);
  EXPECT_EQ(to.DaysSince(c.from), c.days);
  EXPECT_EQ(c.from.DaysSince(to), -c.days);
}

INSTANTIATE_TEST_SUITE_P(
    Steps, AddDaysTest,
    ::testing::Values(AddCase{Date::FromDays(20088), 1, "2025-01-01"},   // 2024-12-31
                      AddCase{Date::FromDays(20089), -1, "2024-12-31"},  // 2025-01-01
                      AddCase{Date::FromDays(20089), 365, "2026-01-01"},
                      AddCase{Date::FromDays(19723), 366, "2025-01-01"},  // 2024-01-01
                      AddCase{Date::FromDays(19781), 1, "2024-02-29"},    // 2024-02-28
                      AddCase{Date::FromDays(20147), 1, "2025-03-01"},    // 2025-02-28
                      AddCase{Date::FromDays(20089), 0, "2025-01-01"},
                      AddCase{Date::FromDays(10956), 1, "2000-01-01"},  // 1999-12-31
                      AddCase{Date::FromDays(0), -1, "1969-12-31"},
                      AddCase{Date::FromDays(20089), -3653, "2015-01-01"}));

TEST(DateTest, DaysSinceAcrossYearEnds) {
  EXPECT_EQ(D(2025, 1, 1).DaysSince(D(2024, 12, 31)), 1);
  EXPECT_EQ(D(2025, 1, 1).DaysSince(D(2024, 1, 1)), 366);
  EXPECT_EQ(D(2026, 1, 1).DaysSince(D(2025, 1, 1)), 365);
  EXPECT_EQ(D(2024, 3, 1).DaysSince(D(2024, 2, 28)), 2);
  EXPECT_EQ(D(2025, 3, 1).DaysSince(D(2025, 2, 28)), 1);
  EXPECT_EQ(D(2024, 12, 31).DaysSince(D(2025, 1, 10)), -10);
  EXPECT_EQ(D(2101, 1, 1).DaysSince(D(2001, 1, 1)), 36524);  // 2100 is not leap
  EXPECT_EQ(D(2001, 1, 1).DaysSince(D(1901, 1, 1)), 36525);  // 2000 is
}

TEST(DateTest, OrdersChronologically) {
  EXPECT_LT(D(2024, 12, 31), D(2025, 1, 1));
  EXPECT_LT(D(2025, 1, 31), D(2025, 2, 1));
  EXPECT_GT(D(2025, 3, 1), D(2024, 2, 29));
  EXPECT_EQ(D(2025, 6, 15), D(2025, 6, 15));
  EXPECT_NE(D(2025, 6, 15), D(2025, 6, 16));
}

TEST(DateTest, ToStringPadsWithZeros) {
  EXPECT_EQ(D(5, 6, 7).ToString(), "0005-06-07");
  EXPECT_EQ(D(999, 9, 9).ToString(), "0999-09-09");
  EXPECT_EQ(D(2025, 10, 10).ToString(), "2025-10-10");
}

}  // namespace
}  // namespace planwatch
