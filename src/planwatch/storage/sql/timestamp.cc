#include "planwatch/storage/sql/timestamp.h"

#include <chrono>
#include <cstdio>

#include "planwatch/base/date.h"

namespace planwatch::sql {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value of `count` ASCII digits at `text[pos]`, or -1.
int Digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatTimestamp(std::int64_t ms) {
  // Floor division so instants before 1970 land on the right day.
  std::int64_t days = ms / kMsPerDay;
  std::int64_t in_day = ms % kMsPerDay;
  if (in_day < 0) {
    in_day += kMsPerDay;
    --days;
  }
  const Date date = Date::FromDays(static_cast<std::int32_t>(days));
  char time[16];
  std::snprintf(time, sizeof time, "T%02d:%02d:%02d.%03dZ", static_cast<int>(in_day / 3'600'000),
                static_cast<int>(in_day / 60'000 % 60), static_cast<int>(in_day / 1000 % 60),
                static_cast<int>(in_day % 1000));
  return date.ToString() + time;
}

Result<std::int64_t> ParseTimestamp(std::string_view text) {
  auto invalid = [&] {
    return InvalidArgument("invalid instant '" + std::string(text) +
                           "': expected UTC ISO 8601 like 2025-06-20T08:15:00.123Z");
  };
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z') {
    return invalid();
  }
  auto date = Date::Parse(text.substr(0, 10));
  const int hour = Digits(text, 11, 2);
  const int minute = Digits(text, 14, 2);
  const int second = Digits(text, 17, 2);
  if (!date || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return invalid();
  }
  int millis = 0;
  const std::string_view rest = text.substr(19, text.size() - 20);  // between seconds and 'Z'
  if (!rest.empty()) {
    const std::size_t fraction = rest.size() - 1;
    if (rest[0] != '.' || fraction < 1 || fraction > 9 || Digits(rest, 1, fraction) < 0) {
      return invalid();
    }
    for (std::size_t i = 1; i <= 3; ++i) millis = millis * 10 + (i <= fraction ? rest[i] - '0' : 0);
  }
  return std::int64_t{date->days_since_epoch()} * kMsPerDay + hour * 3'600'000LL +
         minute * 60'000LL + second * 1000LL + millis;
}

}  // namespace planwatch::sql
