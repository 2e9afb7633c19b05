#include "planwatch/domain/indicator_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>

#include "planwatch/base/enum_names.h"

namespace planwatch {
namespace {

// "Latest" means latest end date; the period order breaks ties between types ending together.
bool EndsBefore(const Period& a, const Period& b) {
  const Date ea = a.end();
  const Date eb = b.end();
  if (ea != eb) return ea < eb;
  return a < b;
}

std::vector<PeriodValue> SortedByPeriod(std::span<const PeriodValue> values) {
  std::vector<PeriodValue> sorted(values.begin(), values.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const PeriodValue& a, const PeriodValue& b) {
    return EndsBefore(a.period, b.period);
  });
  return sorted;
}

std::vector<OrgUnitId> Distinct(std::span<const OrgUnitId> units) {
  std::vector<OrgUnitId> out(units.begin(), units.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::span<const PeriodValue> ValuesOf(const ValuesByUnit& values, OrgUnitId unit) {
  const auto it = values.find(unit);
  if (it == values.end()) return {};
  return it->second;
}

// Values whose period has started on or before `date` (later ones are plans, not data).
std::vector<PeriodValue> StartedBy(std::span<const PeriodValue> values, Date date) {
  std::vector<PeriodValue> out;
  for (const PeriodValue& v : values) {
    if (v.period.start() <= date) out.push_back(v);
  }
  return out;
}

// Values that count towards a flow's or an average's level: periods ending after the baseline.
std::vector<PeriodValue> AfterBaseline(const Indicator& indicator,
                                       std::span<const PeriodValue> values) {
  std::vector<PeriodValue> out;
  for (const PeriodValue& v : values) {
    if (!indicator.baseline_date || v.period.end() > *indicator.baseline_date) out.push_back(v);
  }
  return out;
}

double Median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const std::size_t n = xs.size();
  return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2.0;
}

bool NearlyEqual(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Aggregation

std::optional<double> AggregateOverTime(TimeAggregation aggregation,
                                        std::span<const PeriodValue> values) {
  if (values.empty()) return std::nullopt;
  switch (aggregation) {
    case TimeAggregation::kSum: {
      double sum = 0;
      for (const PeriodValue& v : values) sum += v.value;
      return sum;
    }
    case TimeAggregation::kAverage: {
      double sum = 0;
      for (const PeriodValue& v : values) sum += v.value;
      return sum / static_cast<double>(values.size());
    }
    case TimeAggregation::kLast: {
      const PeriodValue* latest = &values.front();
      for (const PeriodValue& v : values) {
        if (!EndsBefore(v.period, latest->period)) latest = &v;
      }
      return latest->value;
    }
  }
  return std::nullopt;
}

std::optional<double> AggregateOverTime(TimeAggregation aggregation,
                                        std::span<const PeriodValue> values,
                                        const PeriodRange& window) {
  std::vector<PeriodValue> inside;
  for (const PeriodValue& v : values) {
    if (window.Contains(v.period)) inside.push_back(v);
  }
  return AggregateOverTime(aggregation, inside);
}

Result<std::optional<double>> AggregateOverUnits(UnitAggregation aggregation,
                                                 std::span<const double> values) {
  if (aggregation == UnitAggregation::kRatio) {
    return InvalidArgument(
        "aggregation over units 'ratio' needs numerator and denominator terms, not values");
  }
  if (values.empty()) return std::optional<double>();
  switch (aggregation) {
    case UnitAggregation::kSum:
    case UnitAggregation::kAverage: {
      double sum = 0;
      for (double v : values) sum += v;
      if (aggregation == UnitAggregation::kSum) return sum;
      return sum / static_cast<double>(values.size());
    }
    case UnitAggregation::kMin:
      return *std::min_element(values.begin(), values.end());
    case UnitAggregation::kMax:
      return *std::max_element(values.begin(), values.end());
    case UnitAggregation::kRatio:
      break;
  }
  return std::optional<double>();
}

std::optional<double> RatioOverUnits(std::span<const RatioTerms> units, double factor) {
  double numerator = 0;
  double denominator = 0;
  for (const RatioTerms& t : units) {
    numerator += t.numerator;
    denominator += t.denominator;
  }
  if (units.empty() || denominator == 0) return std::nullopt;
  return numerator * factor / denominator;
}

Result<std::optional<double>> Rollup(const Indicator& indicator, const ValuesByUnit& values,
                                     std::span<const OrgUnitId> units, const PeriodRange& window) {
  if (indicator.unit_aggregation == UnitAggregation::kRatio) {
    return InvalidArgument(fmt::format(
        "indicator {} is a ratio: roll it up from its numerator and denominator", indicator.code));
  }
  std::vector<double> per_unit;
  for (OrgUnitId unit : Distinct(units)) {
    if (auto v = AggregateOverTime(indicator.time_aggregation, ValuesOf(values, unit), window)) {
      per_unit.push_back(*v);
    }
  }
  return AggregateOverUnits(indicator.unit_aggregation, per_unit);
}

Result<std::optional<double>> RollupRatio(const Indicator& ratio, const Indicator& numerator,
                                          const ValuesByUnit& numerator_values,
                                          const Indicator& denominator,
                                          const ValuesByUnit& denominator_values,
                                          std::span<const OrgUnitId> units,
                                          const PeriodRange& window) {
  if (ratio.unit_aggregation != UnitAggregation::kRatio) {
    return InvalidArgument(fmt::format("indicator {} is not a ratio (aggregation over units {})",
                                       ratio.code, UnitAggregationName(ratio.unit_aggregation)));
  }
  if (ratio.numerator && ratio.numerator != numerator.id) {
    return InvalidArgument(
        fmt::format("indicator {} is not the numerator of ratio {}", numerator.code, ratio.code));
  }
  if (ratio.denominator && ratio.denominator != denominator.id) {
    return InvalidArgument(fmt::format("indicator {} is not the denominator of ratio {}",
                                       denominator.code, ratio.code));
  }
  std::vector<RatioTerms> terms;
  for (OrgUnitId unit : Distinct(units)) {
    const auto num =
        AggregateOverTime(numerator.time_aggregation, ValuesOf(numerator_values, unit), window);
    const auto den =
        AggregateOverTime(denominator.time_aggregation, ValuesOf(denominator_values, unit), window);
    if (num && den) terms.push_back({*num, *den});
  }
  return RatioOverUnits(terms, ratio.factor);
}

// ---------------------------------------------------------------------------------------------
// Trajectory and achievement

std::vector<Target> ApplicableTargets(std::span<const Target> targets, OrgUnitId unit) {
  // Keyed by date: a unit target (rank 1) replaces a general one (rank 0); within a rank the
  // later input wins.
  std::vector<std::pair<int, Target>> chosen;
  for (const Target& t : targets) {
    int rank = 0;
    if (t.unit) {
      if (!unit || t.unit != unit) continue;
      rank = 1;
    }
    auto it = std::find_if(chosen.begin(), chosen.end(),
                           [&](const auto& c) { return c.second.date == t.date; });
    if (it == chosen.end()) {
      chosen.emplace_back(rank, t);
    } else if (rank >= it->first) {
      *it = {rank, t};
    }
  }
  std::vector<Target> out;
  out.reserve(chosen.size());
  for (const auto& c : chosen) out.push_back(c.second);
  std::sort(out.begin(), out.end(),
            [](const Target& a, const Target& b) { return a.date < b.date; });
  return out;
}

double ExpectedValue(const Baseline& baseline, std::span<const Target> targets, Date date) {
  if (date <= baseline.date || targets.empty()) return baseline.value;
  std::vector<Target> sorted(targets.begin(), targets.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Target& a, const Target& b) { return a.date < b.date; });
  double prev_value = baseline.value;
  Date prev_date = baseline.date;
  for (const Target& next : sorted) {
    if (next.date < date) {
      if (next.date > prev_date) {
        prev_value = next.value;
        prev_date = next.date;
      }
      continue;
    }
    if (next.date == date) return next.value;
    const double span_days = next.date.DaysSince(prev_date);
    const double elapsed = date.DaysSince(prev_date);
    return prev_value + (next.value - prev_value) * (elapsed / span_days);
  }
  return sorted.back().value;
}

Result<Baseline> BaselineOf(const Indicator& indicator) {
  if (!indicator.baseline_value || !indicator.baseline_date) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("indicator {} has no baseline (value and date)", indicator.code));
  }
  return Baseline{*indicator.baseline_value, *indicator.baseline_date};
}

double Achievement(Direction direction, double baseline, double expected, double actual) {
  if (NearlyEqual(expected, baseline)) {
    const bool good = direction == Direction::kUp ? actual >= expected : actual <= expected;
    return good ? 1.0 : 0.0;
  }
  if (direction == Direction::kDown) return (baseline - actual) / (baseline - expected);
  return (actual - baseline) / (expected - baseline);
}

// ---------------------------------------------------------------------------------------------
// Status colour

namespace {
constexpr NameTable<IndicatorStatus, 5> kIndicatorStatusNames{{
    {IndicatorStatus::kOnTrack, "on_track"},
    {IndicatorStatus::kAtRisk, "at_risk"},
    {IndicatorStatus::kOffTrack, "off_track"},
    {IndicatorStatus::kNoData, "no_data"},
    {IndicatorStatus::kStale, "stale"},
}};
}  // namespace

std::string_view IndicatorStatusName(IndicatorStatus status) {
  return NameOf(kIndicatorStatusNames, status);
}

Result<IndicatorStatus> ParseIndicatorStatus(std::string_view text) {
  return ParseName(kIndicatorStatusNames, "indicator status", text);
}

IndicatorStatus StatusForAchievement(double achievement, double at_risk_threshold) {
  if (achievement >= 1.0) return IndicatorStatus::kOnTrack;
  if (achievement >= at_risk_threshold) return IndicatorStatus::kAtRisk;
  return IndicatorStatus::kOffTrack;
}

Period LastExpectedPeriod(PeriodType type, Date date) {
  return Period::Containing(date, type).Previous();
}

bool IsStale(std::span<const PeriodValue> values, PeriodType type, Date date) {
  const Date expected_end = LastExpectedPeriod(type, date).end();
  bool any = false;
  for (const PeriodValue& v : values) {
    if (v.period.start() > date) continue;
    any = true;
    if (v.period.end() >= expected_end) return false;
  }
  return any;
}

std::optional<double> LevelOn(const Indicator& indicator, std::span<const PeriodValue> values,
                              Date date) {
  const std::vector<PeriodValue> started = StartedBy(values, date);
  if (indicator.time_aggregation == TimeAggregation::kLast) {
    return AggregateOverTime(TimeAggregation::kLast, started);
  }
  const std::vector<PeriodValue> counted = AfterBaseline(indicator, started);
  const auto aggregate = AggregateOverTime(indicator.time_aggregation, counted);
  if (!aggregate) return std::nullopt;
  if (indicator.time_aggregation == TimeAggregation::kSum) {
    return indicator.baseline_value.value_or(0) + *aggregate;
  }
  return aggregate;
}

Result<Evaluation> Evaluate(const Indicator& indicator, std::span<const Target> targets,
                            std::span<const PeriodValue> values, Date date) {
  auto baseline = BaselineOf(indicator);
  if (!baseline) return std::unexpected(baseline.error());
  if (targets.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("indicator {} has no target", indicator.code));
  }
  Evaluation e;
  e.last_expected = LastExpectedPeriod(indicator.period_type, date);
  e.expected = ExpectedValue(*baseline, targets, date);
  const std::vector<PeriodValue> started = SortedByPeriod(StartedBy(values, date));
  if (!started.empty()) e.latest = started.back().period;
  e.actual = LevelOn(indicator, started, date);
  if (e.actual) {
    e.achievement = Achievement(indicator.direction, baseline->value, e.expected, *e.actual);
  }
  if (!e.actual) {
    e.status = IndicatorStatus::kNoData;
  } else if (IsStale(started, indicator.period_type, date)) {
    e.status = IndicatorStatus::kStale;
  } else {
    e.status = StatusForAchievement(*e.achievement, indicator.at_risk_threshold);
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// Early warning

std::optional<double> ProjectTrend(std::span<const PeriodValue> values, int points, Date date) {
  if (points < 3 || values.size() < 3) return std::nullopt;
  const std::vector<PeriodValue> sorted = SortedByPeriod(values);
  const std::size_t n = std::min(sorted.size(), static_cast<std::size_t>(points));
  const std::span<const PeriodValue> last(sorted.end() - static_cast<std::ptrdiff_t>(n),
                                          sorted.end());
  // Centred on the mean x so that day numbers around 20,000 do not cost precision.
  double mean_x = 0;
  double mean_y = 0;
  for (const PeriodValue& v : last) {
    mean_x += v.period.end().days_since_epoch();
    mean_y += v.value;
  }
  mean_x /= static_cast<double>(n);
  mean_y /= static_cast<double>(n);
  double sxx = 0;
  double sxy = 0;
  for (const PeriodValue& v : last) {
    const double dx = v.period.end().days_since_epoch() - mean_x;
    sxx += dx * dx;
    sxy += dx * (v.value - mean_y);
  }
  if (sxx == 0) return std::nullopt;
  const double slope = sxy / sxx;
  return mean_y + slope * (date.days_since_epoch() - mean_x);
}

std::optional<std::vector<double>> RobustZScores(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  std::vector<double> xs(values.begin(), values.end());
  for (double x : xs) {
    if (!std::isfinite(x)) return std::nullopt;
  }
  const double median = Median(xs);
  std::vector<double> deviations;
  deviations.reserve(xs.size());
  for (double x : xs) deviations.push_back(std::fabs(x - median));
  const double mad = Median(deviations);
  double scale = 0;
  if (mad > 0) {
    scale = mad / 0.6745;
  } else {
    double mean_ad = 0;
    for (double d : deviations) mean_ad += d;
    mean_ad /= static_cast<double>(deviations.size());
    scale = 1.253314 * mean_ad;
  }
  if (scale == 0) return std::nullopt;
  std::vector<double> z;
  z.reserve(xs.size());
  for (double x : xs) z.push_back((x - median) / scale);
  return z;
}

std::string_view WarningKindName(WarningKind kind) {
  switch (kind) {
    case WarningKind::kProjectionMissesTarget:
      return "projection_misses_target";
    case WarningKind::kStaleData:
      return "stale_data";
    case WarningKind::kOutlier:
      return "outlier";
  }
  return "unknown";
}

Result<std::vector<Warning>> EarlyWarnings(const Indicator& indicator,
                                           std::span<const Target> targets,
                                           std::span<const PeriodValue> values, Date date,
                                           const EarlyWarningOptions& options) {
  if (options.trend_points < 3) {
    return InvalidArgument(
        fmt::format("trend_points must be at least 3, got {}", options.trend_points));
  }
  if (!(options.outlier_z > 0) || !std::isfinite(options.outlier_z)) {
    return InvalidArgument(fmt::format("outlier_z must be positive, got {}", options.outlier_z));
  }
  std::vector<PeriodValue> history;
  for (const PeriodValue& v : SortedByPeriod(StartedBy(values, date))) {
    if (std::isfinite(v.value)) history.push_back(v);
  }
  std::vector<Warning> warnings;

  std::vector<Target> ahead;
  for (const Target& t : targets) {
    if (t.date >= date) ahead.push_back(t);
  }
  std::stable_sort(ahead.begin(), ahead.end(),
                   [](const Target& a, const Target& b) { return a.date < b.date; });
  if (!ahead.empty()) {
    std::vector<PeriodValue> levels;
    if (indicator.time_aggregation == TimeAggregation::kSum) {
      double level = indicator.baseline_value.value_or(0);
      for (const PeriodValue& v : AfterBaseline(indicator, history)) {
        level += v.value;
        levels.push_back({v.period, level});
      }
    } else {
      levels = history;
    }
    const Target& target = ahead.front();
    if (auto projected = ProjectTrend(levels, options.trend_points, target.date)) {
      const bool misses = indicator.direction == Direction::kUp ? *projected < target.value
                                                                : *projected > target.value;
      if (misses) {
        Warning w;
        w.kind = WarningKind::kProjectionMissesTarget;
        w.period = levels.back().period;
        w.date = target.date;
        w.value = *projected;
        w.reference = target.value;
        warnings.push_back(w);
      }
    }
  }

  if (IsStale(history, indicator.period_type, date)) {
    const Period last_expected = LastExpectedPeriod(indicator.period_type, date);
    int missing = 0;
    for (Period p = Period::Containing(history.back().period.end(), indicator.period_type).Next();
         p.end() <= last_expected.end(); p = p.Next()) {
      ++missing;
    }
    Warning w;
    w.kind = WarningKind::kStaleData;
    w.period = last_expected;
    w.value = missing;
    warnings.push_back(w);
  }

  if (!history.empty()) {
    std::vector<double> xs;
    xs.reserve(history.size());
    for (const PeriodValue& v : history) xs.push_back(v.value);
    const double median = Median(xs);
    const auto z = RobustZScores(xs);
    const ValueBounds bounds = EffectiveBounds(indicator);
    for (std::size_t i = 0; i < history.size(); ++i) {
      const double x = history[i].value;
      std::optional<double> crossed;
      if (bounds.min && x < *bounds.min) crossed = bounds.min;
      if (bounds.max && x > *bounds.max) crossed = bounds.max;
      const bool z_flag = z && std::fabs((*z)[i]) > options.outlier_z;
      if (!z_flag && !crossed) continue;
      Warning w;
      w.kind = WarningKind::kOutlier;
      w.period = history[i].period;
      w.value = x;
      w.reference = median;
      if (z) w.z_score = (*z)[i];
      w.bound = crossed;
      warnings.push_back(w);
    }
  }
  return warnings;
}

// ---------------------------------------------------------------------------------------------
// Validation

ValueBounds EffectiveBounds(const Indicator& indicator) {
  ValueBounds b{indicator.min_value, indicator.max_value};
  switch (indicator.value_type) {
    case ValueType::kPercent:
      if (!b.min) b.min = 0.0;
      if (!b.max) b.max = 100.0;
      break;
    case ValueType::kCount:
      b.min = std::max(b.min.value_or(0.0), 0.0);
      break;
    case ValueType::kBoolean:
      b.min = 0.0;
      b.max = 1.0;
      break;
    case ValueType::kNumber:
    case ValueType::kMoney:
      break;
  }
  return b;
}

Status ValidateValue(const Indicator& indicator, double value) {
  if (!std::isfinite(value)) {
    return InvalidArgument(
        fmt::format("indicator {}: value {} is not a finite number", indicator.code, value));
  }
  const ValueBounds b = EffectiveBounds(indicator);
  if (b.min && value < *b.min) {
    return InvalidArgument(fmt::format("indicator {}: value {} is below the minimum {}",
                                       indicator.code, value, *b.min));
  }
  if (b.max && value > *b.max) {
    return InvalidArgument(fmt::format("indicator {}: value {} is above the maximum {}",
                                       indicator.code, value, *b.max));
  }
  if (indicator.value_type == ValueType::kCount && value != std::floor(value)) {
    return InvalidArgument(
        fmt::format("indicator {}: value {} is not a whole number (count)", indicator.code, value));
  }
  if (indicator.value_type == ValueType::kBoolean && value != 0.0 && value != 1.0) {
    return InvalidArgument(
        fmt::format("indicator {}: value {} is not 0 or 1 (boolean)", indicator.code, value));
  }
  return {};
}

Status ValidateRatioInputs(const Indicator& numerator, double numerator_value,
                           const Indicator& denominator, double denominator_value) {
  if (!std::isfinite(numerator_value) || !std::isfinite(denominator_value) ||
      numerator_value > denominator_value) {
    return InvalidArgument(
        fmt::format("numerator {} value {} must not exceed denominator {} value {}", numerator.code,
                    numerator_value, denominator.code, denominator_value));
  }
  return {};
}

}  // namespace planwatch
