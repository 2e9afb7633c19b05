// Parses arbitrary bytes as a Date and checks what parses: the canonical form round-trips, the
// fields form a real calendar date, and stepping a day crosses month and year ends correctly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "planwatch/base/date.h"
#include "planwatch/base/text.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto date = planwatch::Date::Parse(text);
  if (!date) {
    // Every error names the input in valid UTF-8, so it can be shown and serialised safely.
    Check(!planwatch::FirstInvalidUtf8(date.error().message).has_value());
    return 0;
  }
  Check(date->ToString() == text);
  Check(date->month() >= 1 && date->month() <= 12);
  Check(date->day() >= 1 && date->day() <= planwatch::DaysInMonth(date->year(), date->month()));
  const planwatch::Date next = date->AddDays(1);
  Check(next.DaysSince(*date) == 1);
  Check(next.day() == 1 ? date->day() == planwatch::DaysInMonth(date->year(), date->month())
                        : next.day() == date->day() + 1);
  auto again = planwatch::Date::FromYmd(date->year(), date->month(), date->day());
  Check(again.has_value() && *again == *date);
  return 0;
}
