#include "planwatch/base/clock.h"

#include <chrono>

namespace planwatch {

Date TodayUtc() {
  const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return Date::FromDays(static_cast<std::int32_t>(days.time_since_epoch().count()));
}

}  // namespace planwatch
