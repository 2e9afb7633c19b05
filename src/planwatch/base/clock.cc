#include "planwatch/base/clock.h"

#include <fmt/format.h>

#include <cctype>

#include "planwatch/base/text.h"

namespace planwatch {

Date DateAt(std::chrono::system_clock::time_point instant, std::chrono::minutes utc_offset) {
  const auto days = std::chrono::floor<std::chrono::days>(instant + utc_offset);
  return Date::FromDays(static_cast<std::int32_t>(days.time_since_epoch().count()));
}

Date TodayUtc() { return DateAt(std::chrono::system_clock::now(), std::chrono::minutes{0}); }

Date TodayAt(std::chrono::minutes utc_offset) {
  return DateAt(std::chrono::system_clock::now(), utc_offset);
}

Result<std::chrono::minutes> ParseUtcOffset(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument(fmt::format(
        "'{}' is not a UTC offset such as +07:00 (from -14:00 to +14:00)", EchoForMessage(text)));
  };
  if (text == "Z" || text == "z") return std::chrono::minutes{0};
  // ±HH:MM or ±HHMM.
  std::string digits;
  if (text.size() < 5 || (text[0] != '+' && text[0] != '-')) return bad();
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ':' && i == 3 && text.size() == 6) continue;
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return bad();
    digits += c;
  }
  if (digits.size() != 4) return bad();
  const int hours = (digits[0] - '0') * 10 + (digits[1] - '0');
  const int minutes = (digits[2] - '0') * 10 + (digits[3] - '0');
  if (minutes >= 60 || hours * 60 + minutes > 14 * 60) return bad();
  const int total = hours * 60 + minutes;
  return std::chrono::minutes{text[0] == '-' ? -total : total};
}

}  // namespace planwatch
