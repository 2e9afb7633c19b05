// Calendar dates (proleptic Gregorian, no time zone) as used by deadlines and periods.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"

namespace planwatch {

class Date {
 public:
  // 1970-01-01.
  constexpr Date() = default;

  // invalid_argument unless year is 1..9999 and month/day form a real date (29 Feb only in
  // leap years).
  static Result<Date> FromYmd(int year, int month, int day);

  // Exactly `YYYY-MM-DD` with ASCII digits; anything else (spaces, `2025-1-5`, `2025-02-30`,
  // a time part) is invalid_argument with a message naming the input.
  static Result<Date> Parse(std::string_view text);

  static constexpr Date FromDays(std::int32_t days_since_epoch) { return Date(days_since_epoch); }

  int year() const;
  int month() const;  // 1..12
  int day() const;    // 1..31
  std::int32_t days_since_epoch() const { return days_; }

  Date AddDays(std::int32_t n) const { return Date(days_ + n); }
  // Days from `other` to this date (positive when this is later).
  std::int32_t DaysSince(Date other) const { return days_ - other.days_; }

  std::string ToString() const;  // YYYY-MM-DD

  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  constexpr explicit Date(std::int32_t days) : days_(days) {}
  std::chrono::year_month_day Ymd() const;

  std::int32_t days_ = 0;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);

}  // namespace planwatch
