#include "planwatch/domain/review.h"

#include "planwatch/base/enum_names.h"

namespace planwatch {
namespace {

constexpr NameTable<ReviewKind, 3> kReviewKindNames{{
    {ReviewKind::kInterim, "interim"},
    {ReviewKind::kAnnual, "annual"},
    {ReviewKind::kFinal, "final"},
}};

}  // namespace

std::string_view ReviewKindName(ReviewKind kind) { return NameOf(kReviewKindNames, kind); }

Result<ReviewKind> ParseReviewKind(std::string_view text) {
  return ParseName(kReviewKindNames, "review kind", text);
}

}  // namespace planwatch
