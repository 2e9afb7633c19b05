// The current date and time. Kept behind one header so that rules never read the clock
// themselves: they take the date as an argument.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"

namespace planwatch {

// Today's date in UTC.
Date TodayUtc();

// The calendar date at `instant` where clocks read UTC + `utc_offset` (Vietnam: +7 h). A deadline
// or a claim "today" is a local day: at 06:00 in Hanoi it is already tomorrow's date in UTC + 7
// while UTC still reads yesterday.
Date DateAt(std::chrono::system_clock::time_point instant, std::chrono::minutes utc_offset);

// DateAt(now, utc_offset).
Date TodayAt(std::chrono::minutes utc_offset);

// "+07:00", "-05:30", "+0700", "Z" → the offset. invalid_argument naming the text when it is not
// one, or beyond ±14:00.
Result<std::chrono::minutes> ParseUtcOffset(std::string_view text);

}  // namespace planwatch
