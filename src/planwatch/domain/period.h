// Reporting periods, identified as in DHIS2: `2025` (year), `2025S1` (half), `2025Q3` (quarter),
// `202503` (month).
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"

namespace planwatch {

// Ordered from coarsest to finest.
enum class PeriodType { kYear, kHalf, kQuarter, kMonth };

// "yearly", "half_yearly", "quarterly", "monthly".
std::string_view PeriodTypeName(PeriodType type);
// Accepts the names above (and "half-yearly"); invalid_argument otherwise.
Result<PeriodType> ParsePeriodType(std::string_view text);

class Period {
 public:
  // invalid_argument, with a message that names the input and the accepted forms, for anything
  // but the four forms above with ASCII digits, a year 1..9999, S1–S2, Q1–Q4, months 01–12.
  // Upper case only (`2025q3` is rejected), no spaces, signs or separators; weekly, daily and
  // other DHIS2 period types are rejected as unsupported. The input in the message is truncated
  // and has control characters and invalid UTF-8 escaped, so it is safe to show or serialize.
  static Result<Period> Parse(std::string_view text);

  // The period of `type` that contains `date`.
  static Period Containing(Date date, PeriodType type);
  static Period Year(int year);
  // index: half 1–2, quarter 1–4, month 1–12. The caller guarantees the range (checked by assert).
  static Period Of(PeriodType type, int year, int index);

  PeriodType type() const { return type_; }
  int year() const { return year_; }
  int index() const { return index_; }  // 1 for years

  Date start() const;  // first day
  Date end() const;    // last day, inclusive

  bool Contains(Date date) const;
  // True when `other` lies entirely within this period (a period contains itself).
  bool Contains(const Period& other) const;

  // The coarser period containing this one: month → quarter → half → year. `type` must not be
  // finer than this period's type (checked by assert); widening to the own type is the identity.
  Period Widen(PeriodType type) const;
  // The adjacent period of the same type, across year ends (202512 → 202601). Plain arithmetic:
  // stepping past year 9999 or before year 1 gives a period whose ToString() does not Parse.
  Period Next() const;
  Period Previous() const;

  // The canonical identifier (`2025`, `2025S1`, `2025Q3`, `202503`); Parse(ToString()) == *this
  // for years 1..9999.
  std::string ToString() const;

  // Periods order by start date, then coarser first.
  friend std::strong_ordering operator<=>(const Period& a, const Period& b);
  friend bool operator==(const Period&, const Period&) = default;

 private:
  Period(PeriodType type, int year, int index) : type_(type), year_(year), index_(index) {}

  PeriodType type_ = PeriodType::kYear;
  int year_ = 1970;
  int index_ = 1;
};

// An inclusive run of consecutive periods of one type: `first` .. `last`.
struct PeriodRange {
  Period first;
  Period last;

  // "2025Q1..2025Q4", or a single period. invalid_argument when the ends differ in type or
  // `last` precedes `first`.
  static Result<PeriodRange> Parse(std::string_view text);
  // invalid_argument when the ends differ in type or `last` precedes `first`.
  static Result<PeriodRange> Make(Period first, Period last);

  // first, first.Next(), …, last.
  std::vector<Period> Periods() const;
  bool Contains(const Period& p) const;  // `p` lies within first.start()..last.end()
  // "2025Q1..2025Q4", or just "2025Q1" when first == last; Parse(ToString()) gives it back.
  std::string ToString() const;
};

}  // namespace planwatch
