// Parses arbitrary bytes as a Period and as a PeriodRange and checks the invariants of whatever
// parses: canonical round trip, bounds, containment, widening and stepping.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "planwatch/domain/period.h"

namespace {

using planwatch::Period;
using planwatch::PeriodRange;
using planwatch::PeriodType;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckPeriod(const Period& p) {
  auto back = Period::Parse(p.ToString());
  Check(back.has_value() && *back == p);
  Check(p.start() <= p.end());
  Check(p.Contains(p.start()) && p.Contains(p.end()));
  Check(!p.Contains(p.start().AddDays(-1)) && !p.Contains(p.end().AddDays(1)));
  Check(p.Contains(p));
  Check(p.Widen(PeriodType::kYear).Contains(p));
  Check(p.Widen(p.type()) == p);
  Check(p.Next().Previous() == p && p.Previous().Next() == p);
  Check(p < p.Next() && p.Previous() < p);
  Check(p.Next().start() == p.end().AddDays(1));
  Check(Period::Containing(p.start(), p.type()) == p);
  Check(Period::Containing(p.end(), p.type()) == p);
}

void CheckRange(const PeriodRange& r) {
  Check(r.first.type() == r.last.type() && r.first <= r.last);
  auto back = PeriodRange::Parse(r.ToString());
  Check(back.has_value() && back->first == r.first && back->last == r.last);
  const auto periods = r.Periods();
  Check(!periods.empty() && periods.front() == r.first && periods.back() == r.last);
  for (std::size_t i = 0; i < periods.size(); ++i) {
    Check(r.Contains(periods[i]));
    if (i > 0) Check(periods[i - 1].Next() == periods[i]);
  }
  Check(!r.Contains(r.first.Previous()) && !r.Contains(r.last.Next()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto p = Period::Parse(text)) {
    // The accepted forms are canonical: only the identifier itself parses to this period.
    Check(p->ToString() == text);
    CheckPeriod(*p);
  } else {
    Check(p.error().code == planwatch::ErrorCode::kInvalidArgument);
    Check(p.error().message.find(" is not a period: ") != std::string::npos);
  }
  if (auto r = PeriodRange::Parse(text)) {
    CheckRange(*r);
  } else {
    Check(r.error().code == planwatch::ErrorCode::kInvalidArgument);
  }
  return 0;
}
