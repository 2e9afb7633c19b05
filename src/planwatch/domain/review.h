// Reviews (SPEC §2 "Review", §3 "Reviews, openness, feedback"): an interim, annual or final
// evaluation of a plan whose figures are frozen as of a date. Pure: no I/O.
#pragma once

#include <string_view>

#include "planwatch/base/error.h"

namespace planwatch {

enum class ReviewKind {
  kInterim,  // sơ kết: part-way through the plan
  kAnnual,   // the figures of a year
  kFinal,    // tổng kết: at the plan's end
};

// "interim", "annual", "final".
std::string_view ReviewKindName(ReviewKind kind);
// Accepts exactly the names above; invalid_argument naming the input and the accepted names
// otherwise.
Result<ReviewKind> ParseReviewKind(std::string_view text);

}  // namespace planwatch
