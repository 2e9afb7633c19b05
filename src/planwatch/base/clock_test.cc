#include "planwatch/base/clock.h"

#include <gtest/gtest.h>

#include <chrono>

namespace planwatch {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_days;

Date D(std::string_view text) { return *Date::Parse(text); }

std::chrono::system_clock::time_point At(std::chrono::year_month_day day, hours h, minutes m) {
  return sys_days{day} + h + m;
}

TEST(DateAtTest, HanoiIsAheadOfUtcFromFiveInTheEveningUtc) {
  using std::chrono::December;
  using std::chrono::year;
  const auto evening = At(year{2025} / December / 31, hours{16}, minutes{59});
  EXPECT_EQ(DateAt(evening, hours{7}), D("2025-12-31"));
  const auto five = At(year{2025} / December / 31, hours{17}, minutes{0});
  EXPECT_EQ(DateAt(five, minutes{0}), D("2025-12-31"));
  EXPECT_EQ(DateAt(five, hours{7}), D("2026-01-01"));
  // West of Greenwich the local date lags.
  const auto early = At(year{2026} / std::chrono::January / 1, hours{4}, minutes{0});
  EXPECT_EQ(DateAt(early, -(hours{5})), D("2025-12-31"));
  EXPECT_EQ(DateAt(early, minutes{0}), D("2026-01-01"));
}

TEST(DateAtTest, TodayAtIsWithinADayOfUtc) {
  const Date utc = TodayUtc();
  const Date east = TodayAt(hours{14});
  const Date west = TodayAt(-hours{12});
  EXPECT_TRUE(east == utc || east == utc.AddDays(1));
  EXPECT_TRUE(west == utc || west == utc.AddDays(-1));
}

TEST(ParseUtcOffsetTest, AcceptsTheUsualForms) {
  EXPECT_EQ(*ParseUtcOffset("+07:00"), minutes{420});
  EXPECT_EQ(*ParseUtcOffset("+0700"), minutes{420});
  EXPECT_EQ(*ParseUtcOffset("-05:30"), minutes{-330});
  EXPECT_EQ(*ParseUtcOffset("Z"), minutes{0});
  EXPECT_EQ(*ParseUtcOffset("+14:00"), minutes{840});
}

TEST(ParseUtcOffsetTest, RefusesOthersNamingTheText) {
  for (std::string_view bad : {"", "7", "+7", "07:00", "+07:0", "+07:60", "+14:01", "+1a:00",
                               "UTC+7", "+07:00:00", "Asia/Ho_Chi_Minh"}) {
    auto r = ParseUtcOffset(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(r.error().message.find(std::string(bad)), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace planwatch
