// UTC instants as planwatch stores them (stored_at, applied_at): ISO 8601 with milliseconds,
// "2025-06-20T08:15:00.123Z". This fixed-width form orders as text exactly as in time.
// Internal to storage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"

namespace planwatch::sql {

// Milliseconds since 1970-01-01T00:00:00Z, from the system clock.
std::int64_t SystemNowMs();

// `ms` since the Unix epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ". The caller keeps years in 1..9999.
std::string FormatTimestamp(std::int64_t ms);

// Accepts "YYYY-MM-DDTHH:MM:SSZ" with an optional fraction of 1 to 9 digits after the seconds
// (".1", ".123", ".123456"), truncated to milliseconds. invalid_argument naming the text and
// the accepted form otherwise (a date alone, a time zone offset, a missing "Z", bad digits).
Result<std::int64_t> ParseTimestamp(std::string_view text);

}  // namespace planwatch::sql
