#include "planwatch/base/date.h"

#include <fmt/format.h>

#include "planwatch/base/text.h"

namespace planwatch {
namespace {

bool ParseDigits(std::string_view s, int& out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return !s.empty();
}

}  // namespace

bool IsLeapYear(int year) { return std::chrono::year{year}.is_leap(); }

int DaysInMonth(int year, int month) {
  const auto last = std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} /
                    std::chrono::last;
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

Result<Date> Date::FromYmd(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return InvalidArgument(
        fmt::format("{:04}-{:02}-{:02} is not a calendar date", year, month, day));
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  return Date(static_cast<std::int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count()));
}

Result<Date> Date::Parse(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text.substr(0, 4), y) ||
      !ParseDigits(text.substr(5, 2), m) || !ParseDigits(text.substr(8, 2), d)) {
    return InvalidArgument(
        fmt::format("'{}' is not a date: expected YYYY-MM-DD", EchoForMessage(text)));
  }
  auto date = FromYmd(y, m, d);
  if (!date)
    return InvalidArgument(fmt::format("'{}' is not a calendar date", EchoForMessage(text)));
  return date;
}

std::chrono::year_month_day Date::Ymd() const {
  return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{days_}}};
}

int Date::year() const { return static_cast<int>(Ymd().year()); }
int Date::month() const { return static_cast<int>(static_cast<unsigned>(Ymd().month())); }
int Date::day() const { return static_cast<int>(static_cast<unsigned>(Ymd().day())); }

std::string Date::ToString() const {
  const auto ymd = Ymd();
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

}  // namespace planwatch
