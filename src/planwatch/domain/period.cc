#include "planwatch/domain/period.h"

#include <fmt/format.h>

#include <cassert>
#include <chrono>
#include <cstddef>

#include "planwatch/base/text.h"

namespace planwatch {
namespace {

constexpr std::string_view kAcceptedForms = "(accepted: 2025, 2025S1, 2025Q3, 202503)";
// Inputs are echoed in messages; a long one is cut so the message stays readable.

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool AllAsciiDigits(std::string_view s) {
  for (char c : s) {
    if (!IsAsciiDigit(c)) return false;
  }
  return true;
}

int DigitsValue(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

int PeriodsPerYear(PeriodType type) {
  switch (type) {
    case PeriodType::kYear:
      return 1;
    case PeriodType::kHalf:
      return 2;
    case PeriodType::kQuarter:
      return 4;
    case PeriodType::kMonth:
      return 12;
  }
  return 1;
}

int MonthsPerPeriod(PeriodType type) { return 12 / PeriodsPerYear(type); }

// Months counted from January of year 0; periods align on months, so comparing these compares
// dates without calendar arithmetic.
int FirstMonthOrdinal(const Period& p) {
  return p.year() * 12 + (p.index() - 1) * MonthsPerPeriod(p.type());
}
int LastMonthOrdinal(const Period& p) {
  return FirstMonthOrdinal(p) + MonthsPerPeriod(p.type()) - 1;
}

Date DateOf(std::chrono::year_month_day ymd) {
  return Date::FromDays(
      static_cast<std::int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count()));
}

// The reason `rest` (what follows a valid 4-digit year) is not a period suffix, or "" if it is.
std::string SuffixProblem(std::string_view rest) {
  if (rest.empty()) return "";
  if (rest.find_first_of("Ww") != std::string_view::npos) {
    return "weekly periods are not supported";
  }
  if (rest.find_first_of("-/.") != std::string_view::npos) {
    return "separators are not allowed (write a month as 202503)";
  }
  const char kind = rest[0];
  if (kind == 's' || kind == 'q') {
    return fmt::format("period identifiers are upper case (write {}, not {})",
                       static_cast<char>(kind - 'a' + 'A'), kind);
  }
  if (kind == 'S') {
    if (rest.size() == 2 && (rest[1] == '1' || rest[1] == '2')) return "";
    return "half must be S1 or S2";
  }
  if (kind == 'Q') {
    if (rest.size() == 2 && rest[1] >= '1' && rest[1] <= '4') return "";
    return "quarter must be Q1–Q4";
  }
  if (AllAsciiDigits(rest)) {
    if (rest.size() == 2) {
      const int month = DigitsValue(rest);
      if (month >= 1 && month <= 12) return "";
      return "month must be 01–12";
    }
    if (rest.size() == 1) return "month must have two digits (e.g. 202503)";
    if (rest.size() == 4) return "daily periods are not supported";
    return "too many digits";
  }
  return "not a year, half, quarter or month";
}

// The reason `text` is not a period, or "" if it is one.
std::string PeriodProblem(std::string_view text) {
  if (text.empty()) return "it is empty";
  if (text.find_first_of(" \t\n\r\v\f") != std::string_view::npos) {
    return "spaces are not allowed";
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return "only ASCII characters are allowed (digits must be 0–9)";
    }
  }
  if (text[0] == '+' || text[0] == '-') return "a sign is not allowed";
  if (text.size() < 4 || !AllAsciiDigits(text.substr(0, 4))) {
    return "it must start with a 4-digit year";
  }
  if (DigitsValue(text.substr(0, 4)) == 0) return "year must be 0001–9999";
  return SuffixProblem(text.substr(4));
}

}  // namespace

std::string_view PeriodTypeName(PeriodType type) {
  switch (type) {
    case PeriodType::kYear:
      return "yearly";
    case PeriodType::kHalf:
      return "half_yearly";
    case PeriodType::kQuarter:
      return "quarterly";
    case PeriodType::kMonth:
      return "monthly";
  }
  return "yearly";
}

Result<PeriodType> ParsePeriodType(std::string_view text) {
  if (text == "yearly") return PeriodType::kYear;
  if (text == "half_yearly" || text == "half-yearly") return PeriodType::kHalf;
  if (text == "quarterly") return PeriodType::kQuarter;
  if (text == "monthly") return PeriodType::kMonth;
  return InvalidArgument(
      fmt::format("'{}' is not a period type (accepted: yearly, half_yearly, quarterly, monthly)",
                  EchoForMessage(text)));
}

Result<Period> Period::Parse(std::string_view text) {
  if (const std::string problem = PeriodProblem(text); !problem.empty()) {
    return InvalidArgument(
        fmt::format("'{}' is not a period: {} {}", EchoForMessage(text), problem, kAcceptedForms));
  }
  const int year = DigitsValue(text.substr(0, 4));
  if (text.size() == 4) return Year(year);
  if (text[4] == 'S') return Of(PeriodType::kHalf, year, text[5] - '0');
  if (text[4] == 'Q') return Of(PeriodType::kQuarter, year, text[5] - '0');
  return Of(PeriodType::kMonth, year, DigitsValue(text.substr(4, 2)));
}

Period Period::Containing(Date date, PeriodType type) {
  return Of(PeriodType::kMonth, date.year(), date.month()).Widen(type);
}

Period Period::Year(int year) { return Period(PeriodType::kYear, year, 1); }

Period Period::Of(PeriodType type, int year, int index) {
  assert(index >= 1 && index <= PeriodsPerYear(type));
  return Period(type, year, index);
}

Date Period::start() const {
  using std::chrono::month, std::chrono::year, std::chrono::day;
  const int first_month = (index_ - 1) * MonthsPerPeriod(type_) + 1;
  return DateOf(year{year_} / month{static_cast<unsigned>(first_month)} / day{1});
}

Date Period::end() const {
  using std::chrono::month, std::chrono::year, std::chrono::last;
  const int last_month = index_ * MonthsPerPeriod(type_);
  return DateOf(
      std::chrono::year_month_day{year{year_} / month{static_cast<unsigned>(last_month)} / last});
}

bool Period::Contains(Date date) const { return start() <= date && date <= end(); }

bool Period::Contains(const Period& other) const {
  return FirstMonthOrdinal(*this) <= FirstMonthOrdinal(other) &&
         LastMonthOrdinal(other) <= LastMonthOrdinal(*this);
}

Period Period::Widen(PeriodType type) const {
  assert(type <= type_);
  const int first_month = (index_ - 1) * MonthsPerPeriod(type_) + 1;
  return Period(type, year_, (first_month - 1) / MonthsPerPeriod(type) + 1);
}

Period Period::Next() const {
  if (index_ == PeriodsPerYear(type_)) return Period(type_, year_ + 1, 1);
  return Period(type_, year_, index_ + 1);
}

Period Period::Previous() const {
  if (index_ == 1) return Period(type_, year_ - 1, PeriodsPerYear(type_));
  return Period(type_, year_, index_ - 1);
}

std::string Period::ToString() const {
  switch (type_) {
    case PeriodType::kYear:
      return fmt::format("{:04}", year_);
    case PeriodType::kHalf:
      return fmt::format("{:04}S{}", year_, index_);
    case PeriodType::kQuarter:
      return fmt::format("{:04}Q{}", year_, index_);
    case PeriodType::kMonth:
      return fmt::format("{:04}{:02}", year_, index_);
  }
  return fmt::format("{:04}", year_);
}

std::strong_ordering operator<=>(const Period& a, const Period& b) {
  if (auto c = FirstMonthOrdinal(a) <=> FirstMonthOrdinal(b); std::is_neq(c)) return c;
  // PeriodType is declared coarsest first.
  return a.type_ <=> b.type_;
}

Result<PeriodRange> PeriodRange::Parse(std::string_view text) {
  constexpr std::string_view kSeparator = "..";
  const std::size_t sep = text.find(kSeparator);
  const std::string_view first_text = text.substr(0, sep);
  auto first = Period::Parse(first_text);
  if (!first) {
    return InvalidArgument(
        fmt::format("'{}' is not a period range: {}", EchoForMessage(text), first.error().message));
  }
  if (sep == std::string_view::npos) return Make(*first, *first);
  auto last = Period::Parse(text.substr(sep + kSeparator.size()));
  if (!last) {
    return InvalidArgument(
        fmt::format("'{}' is not a period range: {}", EchoForMessage(text), last.error().message));
  }
  return Make(*first, *last);
}

Result<PeriodRange> PeriodRange::Make(Period first, Period last) {
  if (first.type() != last.type()) {
    return InvalidArgument(fmt::format(
        "'{}..{}' is not a period range: its ends differ in type ({} and {})", first.ToString(),
        last.ToString(), PeriodTypeName(first.type()), PeriodTypeName(last.type())));
  }
  if (last < first) {
    return InvalidArgument(
        fmt::format("'{}..{}' is not a period range: the last period precedes the first",
                    first.ToString(), last.ToString()));
  }
  return PeriodRange{first, last};
}

std::vector<Period> PeriodRange::Periods() const {
  std::vector<Period> out;
  for (Period p = first; p <= last; p = p.Next()) out.push_back(p);
  return out;
}

bool PeriodRange::Contains(const Period& p) const {
  return FirstMonthOrdinal(first) <= FirstMonthOrdinal(p) &&
         LastMonthOrdinal(p) <= LastMonthOrdinal(last);
}

std::string PeriodRange::ToString() const {
  if (first == last) return first.ToString();
  return fmt::format("{}..{}", first.ToString(), last.ToString());
}

}  // namespace planwatch
