// Indicator rules (SPEC §3 "Indicators"): aggregation over time and over org units, rollups,
// the trajectory from baseline to targets, achievement, status colours, early warnings and
// validation of values. Pure functions: no I/O, no clock, no shared state; thread-compatible.
//
// Units of measure: values are in the indicator's own unit; achievements are fractions
// (1.0 = 100%); dates are calendar dates and trajectories interpolate on day counts.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/period.h"

namespace planwatch {

// ---------------------------------------------------------------------------------------------
// Aggregation

// One value of one indicator for one unit.
struct PeriodValue {
  Period period = Period::Year(1970);
  double value = 0;

  friend bool operator==(const PeriodValue&, const PeriodValue&) = default;
};

// An indicator's values by org unit, each unit's (period, value) pairs in any order, at most one
// value per period. A unit absent from the map has no values. Which values count (approved
// only, as of a date) is the caller's choice: the rules use every value they are given.
using ValuesByUnit = std::unordered_map<OrgUnitId, std::vector<PeriodValue>>;

// One unit's values aggregated over time:
// - kSum (a flow): the sum of the values present;
// - kLast (a stock): the value of the latest period present (latest by end date; for periods of
//   one type simply the latest period), so a missing last month falls back to the month before;
// - kAverage: the mean of the values present (missing periods are not zeros).
// Values may come in any order. No values → none. With two values for the same period (a caller
// bug), kSum and kAverage count both and kLast takes the one that comes later in `values`.
std::optional<double> AggregateOverTime(TimeAggregation aggregation,
                                        std::span<const PeriodValue> values);

// As above, over the values whose period lies within `window` (PeriodRange::Contains: a month
// lies within a year window; a year does not lie within a month window).
std::optional<double> AggregateOverTime(TimeAggregation aggregation,
                                        std::span<const PeriodValue> values,
                                        const PeriodRange& window);

// One value per reporting unit aggregated over units: kSum, kAverage (the mean of the units
// given: a unit that did not report must be left out, not passed as 0), kMin, kMax. No values →
// none. kRatio cannot be computed from plain values: invalid_argument (use RatioOverUnits).
Result<std::optional<double>> AggregateOverUnits(UnitAggregation aggregation,
                                                 std::span<const double> values);

// One unit's numerator and denominator, each already aggregated over time.
struct RatioTerms {
  double numerator = 0;
  double denominator = 0;
};

// sum(numerator) / sum(denominator) × factor over the units given — never the average of the
// units' ratios. No units, or a denominator sum of 0 → none. A unit that lacks either term must
// be left out by the caller (Rollup does so).
std::optional<double> RatioOverUnits(std::span<const RatioTerms> units, double factor);

// The indicator rolled up over `units` within `window`: each unit's values are aggregated over
// time first (indicator.time_aggregation), then the units that have a value are aggregated
// over units (indicator.unit_aggregation). A unit listed twice counts once.
// invalid_argument (naming the indicator code) for a ratio indicator: use RollupRatio.
//
// By period: call once per period with a one-period window, e.g.
//   for (const Period& p : range.Periods()) Rollup(indicator, values, units, PeriodRange{p, p});
// By child unit: call once per child with `units` = the child's subtree.
Result<std::optional<double>> Rollup(const Indicator& indicator, const ValuesByUnit& values,
                                     std::span<const OrgUnitId> units, const PeriodRange& window);

// A ratio indicator rolled up over `units` within `window`: per unit, the numerator values are
// aggregated over time with numerator.time_aggregation and the denominator values with
// denominator.time_aggregation; units that have both terms are summed and divided
// (RatioOverUnits with ratio.factor). A unit with only one of the two terms is left out, so
// that a missing denominator never inflates the ratio. A unit listed twice counts once.
// invalid_argument (naming the codes) when `ratio` is not a ratio indicator, or when its
// numerator/denominator ids are set and differ from numerator.id/denominator.id.
Result<std::optional<double>> RollupRatio(const Indicator& ratio, const Indicator& numerator,
                                          const ValuesByUnit& numerator_values,
                                          const Indicator& denominator,
                                          const ValuesByUnit& denominator_values,
                                          std::span<const OrgUnitId> units,
                                          const PeriodRange& window);

// ---------------------------------------------------------------------------------------------
// Trajectory and achievement

struct Baseline {
  double value = 0;
  Date date;
};

// The targets that apply to `unit`, sorted by date: the general targets (unit none) and the
// unit's own, where a unit target replaces a general target of the same date. With `unit` none,
// only the general targets. Targets of other units are dropped. Among targets with the same
// unit and date, the one that comes later in `targets` wins. The indicator field is not looked
// at: pass one indicator's targets.
std::vector<Target> ApplicableTargets(std::span<const Target> targets, OrgUnitId unit);

// The expected value on `date` on the trajectory, with `targets` in any order:
// - on or before the baseline date: the baseline value;
// - after the last target: the last target's value; no targets at all: the baseline value;
// - otherwise the straight line, interpolated on day counts, from the previous point (the latest
//   of the baseline and the targets dated before `date`) to the next target (the first target
//   dated on or after `date`); on a target's date, exactly that target's value.
double ExpectedValue(const Baseline& baseline, std::span<const Target> targets, Date date);

// The indicator's baseline; failed_precondition, naming the code, when it has none (value or
// date missing).
Result<Baseline> BaselineOf(const Indicator& indicator);

// Achievement as a fraction (1.0 = 100%), unbounded (negative when moving away from the target,
// above 1 when ahead):
//   up:   (actual − baseline) / (expected − baseline)
//   down: (baseline − actual) / (baseline − expected)   (the same number: the mirror of up)
// When expected equals baseline (within 1e-9 relative to the larger magnitude, at least 1e-9),
// the ratio is undefined and the result is 1 if actual is at least as good as expected (≥ for
// up, ≤ for down), else 0.
double Achievement(Direction direction, double baseline, double expected, double actual);

// ---------------------------------------------------------------------------------------------
// Status colour

enum class IndicatorStatus { kOnTrack, kAtRisk, kOffTrack, kNoData, kStale };

// "on_track", "at_risk", "off_track", "no_data", "stale".
std::string_view IndicatorStatusName(IndicatorStatus status);
// Accepts the names above; invalid_argument naming the input and the accepted names otherwise.
Result<IndicatorStatus> ParseIndicatorStatus(std::string_view text);

// kOnTrack when achievement ≥ 1.0, kAtRisk when ≥ at_risk_threshold, else kOffTrack (NaN is
// kOffTrack).
IndicatorStatus StatusForAchievement(double achievement, double at_risk_threshold);

// The last period for which a value is expected on `date`: the latest period of `type` that
// ended before `date` (the period containing `date`, even on its last day, is still open).
Period LastExpectedPeriod(PeriodType type, Date date);

// True when `values` (one unit's, any order) has values that started by `date` but none for
// LastExpectedPeriod(type, date) or any later period started by `date` (a value reported early
// for the open period counts as fresh). False when there are no such values at all (no data).
bool IsStale(std::span<const PeriodValue> values, PeriodType type, Date date);

// The level of the indicator on `date` for one unit, comparable with the trajectory, from the
// values whose period started on or before `date`:
// - kLast: the latest such value;
// - kSum: a flow accumulates on its baseline: baseline value (0 without baseline) + the sum of
//   the values of periods ending after the baseline date (all of them without baseline);
// - kAverage: the mean of the values of periods ending after the baseline date (all without).
// None when no value qualifies.
std::optional<double> LevelOn(const Indicator& indicator, std::span<const PeriodValue> values,
                              Date date);

struct Evaluation {
  IndicatorStatus status = IndicatorStatus::kNoData;
  Period last_expected = Period::Year(1970);  // LastExpectedPeriod(indicator.period_type, date)
  std::optional<Period> latest;               // the latest period with a value started by date
  std::optional<double> actual;               // LevelOn(indicator, values, date)
  double expected = 0;                        // ExpectedValue on date
  std::optional<double> achievement;          // when actual is known
};

// The status of one unit's indicator on `date`, with `targets` the targets applicable to the
// unit (ApplicableTargets), `values` the unit's values in any order. In order:
// kNoData when no value started by `date` (or none qualifies for LevelOn); kStale when IsStale;
// otherwise StatusForAchievement(Achievement(...), indicator.at_risk_threshold).
// achievement is filled whenever actual is known (also when stale).
// failed_precondition (naming the code) when the indicator has no baseline or `targets` is
// empty.
Result<Evaluation> Evaluate(const Indicator& indicator, std::span<const Target> targets,
                            std::span<const PeriodValue> values, Date date);

// ---------------------------------------------------------------------------------------------
// Early warning

// The least-squares straight line through the last `points` values (by period, ≥ 3 needed;
// fewer available → all of them), with x = the day number (days since 1970-01-01) of each
// period's end and y = the value, evaluated at `date`. None with fewer than 3 values or when
// all x are equal.
std::optional<double> ProjectTrend(std::span<const PeriodValue> values, int points, Date date);

// Robust z-scores of `values`, in input order: 0.6745 · (x − median) / MAD, where MAD is the
// median of |x − median|. When MAD is 0 (more than half the values equal), the fallback is
// (x − median) / (1.253314 · MeanAD), MeanAD the mean of |x − median| (1.253314 ≈ √(π/2) makes
// both estimate the standard deviation of a normal). None when both are 0 (all values equal)
// or `values` is empty.
std::optional<std::vector<double>> RobustZScores(std::span<const double> values);

enum class WarningKind { kProjectionMissesTarget, kStaleData, kOutlier };

// "projection_misses_target", "stale_data", "outlier".
std::string_view WarningKindName(WarningKind kind);

// One early warning. Which fields are filled depends on the kind:
// - kProjectionMissesTarget: date = the target date, value = the projected value, reference =
//   the target value, period = the latest period used in the trend;
// - kStaleData: period = the last expected period (missing), value = how many periods of the
//   indicator's type are missing since the latest value;
// - kOutlier: period = the value's period, value = the value, reference = the median of the
//   unit's history, z_score = its robust z-score when computable, bound = the validation bound
//   crossed, if any.
struct Warning {
  WarningKind kind = WarningKind::kOutlier;
  std::optional<Period> period;
  std::optional<Date> date;
  double value = 0;
  double reference = 0;
  std::optional<double> z_score;
  std::optional<double> bound;
};

struct EarlyWarningOptions {
  int trend_points = 6;    // the trend uses the last this-many values; at least 3
  double outlier_z = 3.5;  // |robust z| above this flags an outlier; positive
};

// Early warnings for one unit's indicator on `date` (values in any order; those whose period
// started after `date`, and non-finite values, are ignored), in this order:
// 1. kProjectionMissesTarget when a target is dated on or after `date` (the first such one of
//    `targets`, the unit's applicable targets) and the trend (ProjectTrend over the LevelOn
//    series: for kSum the running cumulative level, otherwise the values) projected to its
//    date falls short of it: below for `up`, above for `down`. Exactly on target is no warning.
// 2. kStaleData when IsStale.
// 3. kOutlier, in period order, for each value with |robust z| > outlier_z over the unit's
//    history (the raw values), or outside the indicator's bounds (EffectiveBounds).
// invalid_argument (naming the option) when trend_points < 3 or outlier_z is not positive.
Result<std::vector<Warning>> EarlyWarnings(const Indicator& indicator,
                                           std::span<const Target> targets,
                                           std::span<const PeriodValue> values, Date date,
                                           const EarlyWarningOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Validation

// Inclusive bounds; none = unbounded on that side.
struct ValueBounds {
  std::optional<double> min;
  std::optional<double> max;
};

// The bounds a value must respect: min_value/max_value; for kPercent 0 and 100 where not set;
// for kCount a minimum of at least 0; for kBoolean 0 and 1.
ValueBounds EffectiveBounds(const Indicator& indicator);

// OK when `value` is acceptable for `indicator`; otherwise invalid_argument whose message names
// the indicator code, the value and the bound or rule broken:
// finite numbers only (NaN and ±inf rejected); within EffectiveBounds (inclusive);
// kCount: a whole number; kBoolean: exactly 0 or 1.
Status ValidateValue(const Indicator& indicator, double value);

// Cross-indicator rule for a ratio's inputs for the same unit and period: numerator ≤
// denominator. invalid_argument naming both codes and values otherwise (also for non-finite
// values).
Status ValidateRatioInputs(const Indicator& numerator, double numerator_value,
                           const Indicator& denominator, double denominator_value);

}  // namespace planwatch
