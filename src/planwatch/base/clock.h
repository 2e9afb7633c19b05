// The current date and time. Kept behind one header so that rules never read the clock
// themselves: they take the date as an argument.
#pragma once

#include <string>

#include "planwatch/base/date.h"

namespace planwatch {

// Today's date in UTC.
Date TodayUtc();

}  // namespace planwatch
