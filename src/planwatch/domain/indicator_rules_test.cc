#include "planwatch/domain/indicator_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/domain/indicator.h"

namespace planwatch {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

Date D(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date());
}

Period P(std::string_view text) {
  auto p = Period::Parse(text);
  EXPECT_TRUE(p.has_value()) << text;
  return p.value_or(Period::Year(1970));
}

PeriodRange R(std::string_view text) {
  auto r = PeriodRange::Parse(text);
  EXPECT_TRUE(r.has_value()) << text;
  return r.value_or(PeriodRange{Period::Year(1970), Period::Year(1970)});
}

PeriodValue V(std::string_view period, double value) { return {P(period), value}; }

Target T(std::string_view date, double value, OrgUnitId unit = {}) {
  return Target{IndicatorId{1}, unit, D(date), value};
}

constexpr OrgUnitId kA{1};
constexpr OrgUnitId kB{2};
constexpr OrgUnitId kC{3};

Indicator MakeIndicator(std::string code, UnitAggregation over_units, TimeAggregation over_time) {
  Indicator i;
  i.code = std::move(code);
  i.unit_aggregation = over_units;
  i.time_aggregation = over_time;
  return i;
}

// ---------------------------------------------------------------------------------------------
// Enum names (indicator.h).

TEST(IndicatorNamesTest, NamesAreTheFileAndJsonNames) {
  EXPECT_EQ(IndicatorClassName(IndicatorClass::kStrategic), "strategic");
  EXPECT_EQ(IndicatorClassName(IndicatorClass::kOperational), "operational");
  EXPECT_EQ(ValueTypeName(ValueType::kNumber), "number");
  EXPECT_EQ(ValueTypeName(ValueType::kPercent), "percent");
  EXPECT_EQ(ValueTypeName(ValueType::kCount), "count");
  EXPECT_EQ(ValueTypeName(ValueType::kMoney), "money");
  EXPECT_EQ(ValueTypeName(ValueType::kBoolean), "boolean");
  EXPECT_EQ(UnitAggregationName(UnitAggregation::kSum), "sum");
  EXPECT_EQ(UnitAggregationName(UnitAggregation::kAverage), "average");
  EXPECT_EQ(UnitAggregationName(UnitAggregation::kMin), "min");
  EXPECT_EQ(UnitAggregationName(UnitAggregation::kMax), "max");
  EXPECT_EQ(UnitAggregationName(UnitAggregation::kRatio), "ratio");
  EXPECT_EQ(TimeAggregationName(TimeAggregation::kSum), "sum");
  EXPECT_EQ(TimeAggregationName(TimeAggregation::kLast), "last");
  EXPECT_EQ(TimeAggregationName(TimeAggregation::kAverage), "average");
  EXPECT_EQ(DirectionName(Direction::kUp), "up");
  EXPECT_EQ(DirectionName(Direction::kDown), "down");
  EXPECT_EQ(ValueStateName(ValueState::kDraft), "draft");
  EXPECT_EQ(ValueStateName(ValueState::kSubmitted), "submitted");
  EXPECT_EQ(ValueStateName(ValueState::kApproved), "approved");
}

TEST(IndicatorNamesTest, ParseAcceptsEveryName) {
  EXPECT_EQ(ParseIndicatorClass("strategic"), IndicatorClass::kStrategic);
  EXPECT_EQ(ParseIndicatorClass("operational"), IndicatorClass::kOperational);
  for (ValueType v : {ValueType::kNumber, ValueType::kPercent, ValueType::kCount, ValueType::kMoney,
                      ValueType::kBoolean}) {
    EXPECT_EQ(ParseValueType(ValueTypeName(v)), v);
  }
  for (UnitAggregation v : {UnitAggregation::kSum, UnitAggregation::kAverage, UnitAggregation::kMin,
                            UnitAggregation::kMax, UnitAggregation::kRatio}) {
    EXPECT_EQ(ParseUnitAggregation(UnitAggregationName(v)), v);
  }
  for (TimeAggregation v :
       {TimeAggregation::kSum, TimeAggregation::kLast, TimeAggregation::kAverage}) {
    EXPECT_EQ(ParseTimeAggregation(TimeAggregationName(v)), v);
  }
  EXPECT_EQ(ParseDirection("up"), Direction::kUp);
  EXPECT_EQ(ParseDirection("down"), Direction::kDown);
  EXPECT_EQ(ParseValueState("draft"), ValueState::kDraft);
  EXPECT_EQ(ParseValueState("submitted"), ValueState::kSubmitted);
  EXPECT_EQ(ParseValueState("approved"), ValueState::kApproved);
}

TEST(IndicatorNamesTest, ParseRejectsOtherTextNamingInputAndAcceptedNames) {
  auto v = ParseValueType("percentage");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(v.error().message, AllOf(HasSubstr("'percentage'"),
                                       HasSubstr("number, percent, count, money, boolean")));

  auto t = ParseTimeAggregation("Last");  // names are lower case
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(t.error().message, AllOf(HasSubstr("'Last'"), HasSubstr("sum, last, average")));

  auto u = ParseUnitAggregation("");
  ASSERT_FALSE(u.has_value());
  EXPECT_THAT(u.error().message, HasSubstr("sum, average, min, max, ratio"));

  EXPECT_EQ(ParseIndicatorClass("strategic ").error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(ParseDirection("upward").error().message, HasSubstr("up, down"));
  EXPECT_THAT(ParseValueState("accepted").error().message,
              AllOf(HasSubstr("'accepted'"), HasSubstr("draft, submitted, approved")));
}

// ---------------------------------------------------------------------------------------------
// Aggregation over time.

std::vector<PeriodValue> Months2025(std::vector<double> values) {
  std::vector<PeriodValue> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    out.push_back({Period::Of(PeriodType::kMonth, 2025, static_cast<int>(i) + 1), values[i]});
  }
  return out;
}

TEST(AggregateOverTimeTest, FlowSumsTheMonthsOfTheYear) {
  auto months = Months2025({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  std::reverse(months.begin(), months.end());
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kSum, months, R("2025")), Optional(78.0));
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kSum, months, R("2025Q2")), Optional(15.0));
}

TEST(AggregateOverTimeTest, StockTakesNovemberWhenDecemberIsMissing) {
  auto months = Months2025({10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110});  // no December
  std::swap(months[10], months[0]);  // input order does not matter
  std::swap(months[4], months[7]);
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kLast, months, R("2025")), Optional(110.0));
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kLast, months, R("202501..202512")),
              Optional(110.0));
}

TEST(AggregateOverTimeTest, StockIgnoresValuesOutsideTheWindow) {
  std::vector<PeriodValue> values = {V("202412", 999), V("202503", 30), V("202602", 777),
                                     V("202506", 60)};
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kLast, values, R("2025")), Optional(60.0));
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kLast, values, R("2025Q1")), Optional(30.0));
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kSum, values, R("2025")), Optional(90.0));
}

TEST(AggregateOverTimeTest, AverageCountsOnlyThePeriodsPresent) {
  std::vector<PeriodValue> values = {V("202503", 20), V("202501", 10)};  // February missing
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kAverage, values, R("2025Q1")), Optional(15.0));
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kAverage, values), Optional(15.0));
}

TEST(AggregateOverTimeTest, NoValuesIsNone) {
  std::vector<PeriodValue> values = {V("202412", 5)};
  for (TimeAggregation a :
       {TimeAggregation::kSum, TimeAggregation::kLast, TimeAggregation::kAverage}) {
    EXPECT_EQ(AggregateOverTime(a, values, R("2025")), std::nullopt) << TimeAggregationName(a);
    EXPECT_EQ(AggregateOverTime(a, std::span<const PeriodValue>()), std::nullopt);
  }
}

TEST(AggregateOverTimeTest, LastPrefersTheLaterEndAcrossPeriodTypes) {
  // A quarterly value ending 30 June is later than the April value.
  std::vector<PeriodValue> values = {V("2025Q2", 7), V("202504", 3)};
  EXPECT_THAT(AggregateOverTime(TimeAggregation::kLast, values), Optional(7.0));
}

// ---------------------------------------------------------------------------------------------
// Aggregation over units.

TEST(AggregateOverUnitsTest, SumAverageMinMax) {
  const std::vector<double> values = {3, -1, 7};
  EXPECT_THAT(AggregateOverUnits(UnitAggregation::kSum, values).value(), Optional(9.0));
  EXPECT_THAT(AggregateOverUnits(UnitAggregation::kAverage, values).value(), Optional(3.0));
  EXPECT_THAT(AggregateOverUnits(UnitAggregation::kMin, values).value(), Optional(-1.0));
  EXPECT_THAT(AggregateOverUnits(UnitAggregation::kMax, values).value(), Optional(7.0));
}

TEST(AggregateOverUnitsTest, NoValuesIsNone) {
  for (UnitAggregation a : {UnitAggregation::kSum, UnitAggregation::kAverage, UnitAggregation::kMin,
                            UnitAggregation::kMax}) {
    auto r = AggregateOverUnits(a, {});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, std::nullopt) << UnitAggregationName(a);
  }
}

TEST(AggregateOverUnitsTest, RatioNeedsTermsNotValues) {
  const std::vector<double> values = {0.5, 0.25};
  auto r = AggregateOverUnits(UnitAggregation::kRatio, values);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr("ratio"));
}

TEST(RatioOverUnitsTest, IsTheRatioOfSumsNotTheAverageOfRatios) {
  // 90/100 and 10/100: both give 50%.
  const std::vector<RatioTerms> even = {{90, 100}, {10, 100}};
  EXPECT_THAT(RatioOverUnits(even, 100), Optional(50.0));
  // 9/10 and 1/1000: the average of ratios would be 45.05%; the ratio of sums is 10/1010.
  const std::vector<RatioTerms> uneven = {{9, 10}, {1, 1000}};
  const auto r = RatioOverUnits(uneven, 100);
  ASSERT_TRUE(r.has_value());
  EXPECT_DOUBLE_EQ(*r, 1000.0 / 1010.0);
  EXPECT_NEAR(*r, 0.990099, 1e-6);
}

TEST(RatioOverUnitsTest, ZeroOrMissingDenominatorIsNone) {
  const std::vector<RatioTerms> zero = {{3, 0}, {0, 0}};
  EXPECT_EQ(RatioOverUnits(zero, 100), std::nullopt);
  EXPECT_EQ(RatioOverUnits({}, 100), std::nullopt);
  const std::vector<RatioTerms> zero_numerator = {{0, 4}};
  EXPECT_THAT(RatioOverUnits(zero_numerator, 1), Optional(0.0));
}

// ---------------------------------------------------------------------------------------------
// Rollup.

TEST(RollupTest, AverageOverUnitsAveragesOnlyTheUnitsThatReported) {
  const Indicator ind = MakeIndicator("AVG", UnitAggregation::kAverage, TimeAggregation::kLast);
  ValuesByUnit values;
  values[kA] = {V("202503", 40)};
  values[kB] = {V("202501", 10), V("202502", 60)};    // B's latest is 60
  const std::vector<OrgUnitId> units = {kA, kB, kC};  // C did not report
  EXPECT_THAT(Rollup(ind, values, units, R("2025Q1")).value(), Optional(50.0));
}

TEST(RollupTest, FlowSumsMonthsPerUnitThenSumsUnits) {
  const Indicator ind = MakeIndicator("FLOW", UnitAggregation::kSum, TimeAggregation::kSum);
  ValuesByUnit values;
  values[kA] = Months2025({1, 2, 3, 4});
  values[kB] = Months2025({10, 20});
  const std::vector<OrgUnitId> units = {kA, kB};
  EXPECT_THAT(Rollup(ind, values, units, R("2025")).value(), Optional(40.0));
}

TEST(RollupTest, MinAndMaxOverUnitsOfTheirLatestValues) {
  Indicator ind = MakeIndicator("MIN", UnitAggregation::kMin, TimeAggregation::kLast);
  ValuesByUnit values;
  values[kA] = {V("202501", 1), V("202502", 8)};
  values[kB] = {V("202502", 5)};
  values[kC] = {V("202501", 2), V("202503", 9)};
  const std::vector<OrgUnitId> units = {kA, kB, kC};
  EXPECT_THAT(Rollup(ind, values, units, R("2025Q1")).value(), Optional(5.0));
  ind.unit_aggregation = UnitAggregation::kMax;
  EXPECT_THAT(Rollup(ind, values, units, R("2025Q1")).value(), Optional(9.0));
  // Only February: A 8, B 5, C has nothing.
  EXPECT_THAT(Rollup(ind, values, units, R("202502")).value(), Optional(8.0));
}

TEST(RollupTest, UnitListedTwiceCountsOnceAndUnlistedUnitsAreIgnored) {
  const Indicator ind = MakeIndicator("SUM", UnitAggregation::kSum, TimeAggregation::kLast);
  ValuesByUnit values;
  values[kA] = {V("2025", 5)};
  values[kB] = {V("2025", 7)};
  values[kC] = {V("2025", 100)};
  const std::vector<OrgUnitId> units = {kA, kB, kA};
  EXPECT_THAT(Rollup(ind, values, units, R("2025")).value(), Optional(12.0));
}

TEST(RollupTest, NoValueInTheWindowIsNone) {
  const Indicator ind = MakeIndicator("SUM", UnitAggregation::kSum, TimeAggregation::kSum);
  ValuesByUnit values;
  values[kA] = {V("202401", 5)};
  const std::vector<OrgUnitId> units = {kA, kB};
  EXPECT_EQ(Rollup(ind, values, units, R("2025")).value(), std::nullopt);
}

TEST(RollupTest, ByPeriodLoopsOverOnePeriodWindows) {
  const Indicator ind = MakeIndicator("FLOW", UnitAggregation::kSum, TimeAggregation::kSum);
  ValuesByUnit values;
  values[kA] = Months2025({1, 2, 3, 4, 5, 6, 7, 8, 9});
  values[kB] = Months2025({100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50});
  const std::vector<OrgUnitId> units = {kA, kB};
  std::vector<std::optional<double>> by_quarter;
  for (const Period& q : R("2025Q1..2025Q4").Periods()) {
    by_quarter.push_back(Rollup(ind, values, units, PeriodRange{q, q}).value());
  }
  EXPECT_THAT(by_quarter,
              ElementsAre(Optional(106.0), Optional(15.0), Optional(24.0), Optional(50.0)));
}

TEST(RollupTest, RejectsARatioIndicatorNamingItsCode) {
  const Indicator ind = MakeIndicator("PCT_4G", UnitAggregation::kRatio, TimeAggregation::kLast);
  auto r = Rollup(ind, {}, {}, R("2025"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr("PCT_4G"));
}

struct RatioFixture {
  Indicator ratio = MakeIndicator("PCT_4G", UnitAggregation::kRatio, TimeAggregation::kLast);
  Indicator numerator = MakeIndicator("VILLAGES_4G", UnitAggregation::kSum, TimeAggregation::kLast);
  Indicator denominator = MakeIndicator("VILLAGES", UnitAggregation::kSum, TimeAggregation::kLast);

  RatioFixture() {
    numerator.id = IndicatorId{11};
    denominator.id = IndicatorId{12};
    ratio.numerator = numerator.id;
    ratio.denominator = denominator.id;
    ratio.factor = 100;
  }
};

TEST(RollupRatioTest, SumsNumeratorsAndDenominatorsOverUnitsThenDivides) {
  RatioFixture f;
  ValuesByUnit num, den;
  num[kA] = {V("202501", 9)};
  den[kA] = {V("202501", 10)};
  num[kB] = {V("202501", 1)};
  den[kB] = {V("202501", 1000)};
  const std::vector<OrgUnitId> units = {kA, kB};
  auto r = RollupRatio(f.ratio, f.numerator, num, f.denominator, den, units, R("2025"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_TRUE(r->has_value());
  EXPECT_DOUBLE_EQ(**r, 1000.0 / 1010.0);  // not (90% + 0.1%) / 2
  // One unit alone: its own ratio.
  const std::vector<OrgUnitId> only_a = {kA};
  EXPECT_THAT(RollupRatio(f.ratio, f.numerator, num, f.denominator, den, only_a, R("2025")).value(),
              Optional(90.0));
}

TEST(RollupRatioTest, AggregatesEachTermOverTimeWithItsOwnRule) {
  RatioFixture f;
  f.numerator.time_aggregation = TimeAggregation::kSum;  // a flow: sums its months
  // Denominator a stock: its latest value, even with December missing.
  ValuesByUnit num, den;
  num[kA] = Months2025({10, 10, 10});            // 30
  den[kA] = {V("202501", 50), V("202511", 60)};  // 60
  num[kB] = {V("202512", 15)};                   // 15
  den[kB] = {V("202506", 90), V("202503", 20)};  // 90
  num[kC] = {V("202505", 40)};                   // no denominator: left out
  const std::vector<OrgUnitId> units = {kA, kB, kC};
  auto r = RollupRatio(f.ratio, f.numerator, num, f.denominator, den, units, R("2025"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_THAT(*r, Optional(::testing::DoubleEq(30.0)));  // (30 + 15) / (60 + 90) × 100
}

TEST(RollupRatioTest, ZeroDenominatorIsNone) {
  RatioFixture f;
  ValuesByUnit num, den;
  num[kA] = {V("2025", 0)};
  den[kA] = {V("2025", 0)};
  const std::vector<OrgUnitId> units = {kA, kB};
  EXPECT_EQ(RollupRatio(f.ratio, f.numerator, num, f.denominator, den, units, R("2025")).value(),
            std::nullopt);
}

TEST(RollupRatioTest, RejectsNonRatioAndMismatchedTerms) {
  RatioFixture f;
  const std::vector<OrgUnitId> units = {kA};
  auto not_ratio = RollupRatio(f.numerator, f.numerator, {}, f.denominator, {}, units, R("2025"));
  ASSERT_FALSE(not_ratio.has_value());
  EXPECT_EQ(not_ratio.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(not_ratio.error().message, HasSubstr("VILLAGES_4G"));

  auto swapped = RollupRatio(f.ratio, f.denominator, {}, f.numerator, {}, units, R("2025"));
  ASSERT_FALSE(swapped.has_value());
  EXPECT_EQ(swapped.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(swapped.error().message, AllOf(HasSubstr("VILLAGES"), HasSubstr("PCT_4G")));
}

// ---------------------------------------------------------------------------------------------
// Trajectory.

// Baseline 0 on 2024-12-31; 365 by 2025-12-31 (1 a day); 1095 by 2026-12-31 (2 a day).
const Baseline kBaseline{0, D("2024-12-31")};
const std::vector<Target> kTargets = {T("2026-12-31", 1095), T("2025-12-31", 365)};

TEST(TrajectoryTest, OnAndBeforeTheBaselineDateIsTheBaseline) {
  EXPECT_EQ(ExpectedValue(kBaseline, kTargets, D("2024-12-31")), 0);
  EXPECT_EQ(ExpectedValue(kBaseline, kTargets, D("2020-06-01")), 0);
}

TEST(TrajectoryTest, MidwayIsOnTheStraightLineByDays) {
  EXPECT_DOUBLE_EQ(ExpectedValue(kBaseline, kTargets, D("2025-07-02")), 183);  // day 183
  EXPECT_DOUBLE_EQ(ExpectedValue(kBaseline, kTargets, D("2025-01-01")), 1);
}

TEST(TrajectoryTest, OnATargetDateIsTheTargetValue) {
  EXPECT_EQ(ExpectedValue(kBaseline, kTargets, D("2025-12-31")), 365);
  EXPECT_EQ(ExpectedValue(kBaseline, kTargets, D("2026-12-31")), 1095);
}

TEST(TrajectoryTest, BetweenTwoTargetsRunsFromThePreviousTarget) {
  // 182 days after 2025-12-31 at 2 a day.
  EXPECT_DOUBLE_EQ(ExpectedValue(kBaseline, kTargets, D("2026-07-01")), 365 + 2 * 182);
}

TEST(TrajectoryTest, AfterTheLastTargetIsTheLastTargetValue) {
  EXPECT_EQ(ExpectedValue(kBaseline, kTargets, D("2027-01-01")), 1095);
  EXPECT_EQ(ExpectedValue(kBaseline, kTargets, D("2045-12-31")), 1095);
}

TEST(TrajectoryTest, NoTargetIsTheBaseline) {
  EXPECT_EQ(ExpectedValue(Baseline{42, D("2024-12-31")}, {}, D("2025-06-01")), 42);
}

TEST(TrajectoryTest, DownwardTrajectory) {
  const Baseline b{50, D("2025-01-01")};
  const std::vector<Target> t = {T("2025-12-31", 10)};         // 364 days later
  EXPECT_DOUBLE_EQ(ExpectedValue(b, t, D("2025-07-02")), 30);  // 182 days: half way
}

TEST(TrajectoryTest, UnitTargetOverridesTheGeneralOneOnTheSameDate) {
  const std::vector<Target> all = {T("2025-12-31", 365), T("2026-12-31", 1095),
                                   T("2025-12-31", 730, kA), T("2025-12-31", 50, kB)};
  const std::vector<Target> for_a = ApplicableTargets(all, kA);
  ASSERT_EQ(for_a.size(), 2u);
  EXPECT_EQ(for_a[0].value, 730);
  EXPECT_EQ(for_a[0].unit, kA);
  EXPECT_EQ(for_a[1].value, 1095);  // the general 2026 target still applies
  EXPECT_DOUBLE_EQ(ExpectedValue(kBaseline, for_a, D("2025-07-02")), 366);  // 2 a day
  // After A's target, the line runs to the general 2026 target: 365 / 365 days.
  EXPECT_DOUBLE_EQ(ExpectedValue(kBaseline, for_a, D("2026-07-02")), 730 + 183);

  // C has no target of its own: the general ones.
  const std::vector<Target> for_c = ApplicableTargets(all, kC);
  ASSERT_EQ(for_c.size(), 2u);
  EXPECT_EQ(for_c[0].value, 365);
  EXPECT_DOUBLE_EQ(ExpectedValue(kBaseline, for_c, D("2025-07-02")), 183);
  // No unit: the general targets only.
  EXPECT_EQ(ApplicableTargets(all, OrgUnitId{}).size(), 2u);
}

TEST(TrajectoryTest, ApplicableTargetsAreSortedAndTheLaterDuplicateWins) {
  const std::vector<Target> all = {T("2030-12-31", 80), T("2025-12-31", 30), T("2025-12-31", 35)};
  const std::vector<Target> t = ApplicableTargets(all, kA);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].date, D("2025-12-31"));
  EXPECT_EQ(t[0].value, 35);
  EXPECT_EQ(t[1].value, 80);
}

TEST(TrajectoryTest, BaselineOfAnIndicatorWithoutBaselineFails) {
  Indicator ind;
  ind.code = "DIGI_SIG";
  ind.baseline_value = 10;
  auto b = BaselineOf(ind);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(b.error().message, HasSubstr("DIGI_SIG"));
  ind.baseline_date = D("2024-12-31");
  ASSERT_TRUE(BaselineOf(ind).has_value());
  EXPECT_EQ(BaselineOf(ind)->value, 10);
  EXPECT_EQ(BaselineOf(ind)->date, D("2024-12-31"));
}

// ---------------------------------------------------------------------------------------------
// Achievement and status.

TEST(AchievementTest, UpIsProgressOverPlannedProgress) {
  EXPECT_EQ(Achievement(Direction::kUp, 0, 100, 80), 0.8);
  EXPECT_EQ(Achievement(Direction::kUp, 0, 100, 100), 1.0);
  EXPECT_DOUBLE_EQ(Achievement(Direction::kUp, 0, 100, 120), 1.2);
  EXPECT_DOUBLE_EQ(Achievement(Direction::kUp, 20, 70, 10), -0.2);  // moved away
  EXPECT_DOUBLE_EQ(Achievement(Direction::kUp, 20, 70, 45), 0.5);
}

TEST(AchievementTest, DownIsMirrored) {
  EXPECT_EQ(Achievement(Direction::kDown, 20, 10, 12), 0.8);
  EXPECT_EQ(Achievement(Direction::kDown, 20, 10, 10), 1.0);
  EXPECT_DOUBLE_EQ(Achievement(Direction::kDown, 20, 10, 5), 1.5);
  EXPECT_DOUBLE_EQ(Achievement(Direction::kDown, 20, 10, 25), -0.5);
}

TEST(AchievementTest, ExpectedEqualToBaselineIsAllOrNothing) {
  EXPECT_EQ(Achievement(Direction::kUp, 10, 10, 10), 1.0);
  EXPECT_EQ(Achievement(Direction::kUp, 10, 10, 11), 1.0);
  EXPECT_EQ(Achievement(Direction::kUp, 10, 10, 9.5), 0.0);
  EXPECT_EQ(Achievement(Direction::kDown, 10, 10, 9), 1.0);
  EXPECT_EQ(Achievement(Direction::kDown, 10, 10, 10.5), 0.0);
  // Floating-point noise in the expected value is treated as equal.
  EXPECT_EQ(Achievement(Direction::kUp, 0.3, 0.1 + 0.2, 0.2), 0.0);
}

TEST(StatusTest, ThresholdsAreInclusive) {
  EXPECT_EQ(StatusForAchievement(1.0, 0.8), IndicatorStatus::kOnTrack);
  EXPECT_EQ(StatusForAchievement(1.7, 0.8), IndicatorStatus::kOnTrack);
  EXPECT_EQ(StatusForAchievement(0.9999, 0.8), IndicatorStatus::kAtRisk);
  EXPECT_EQ(StatusForAchievement(0.8, 0.8), IndicatorStatus::kAtRisk);
  EXPECT_EQ(StatusForAchievement(0.7999, 0.8), IndicatorStatus::kOffTrack);
  EXPECT_EQ(StatusForAchievement(0.85, 0.9), IndicatorStatus::kOffTrack);  // per indicator
  EXPECT_EQ(StatusForAchievement(std::nan(""), 0.8), IndicatorStatus::kOffTrack);
}

TEST(StatusTest, NamesRoundTrip) {
  EXPECT_EQ(IndicatorStatusName(IndicatorStatus::kOnTrack), "on_track");
  EXPECT_EQ(IndicatorStatusName(IndicatorStatus::kAtRisk), "at_risk");
  EXPECT_EQ(IndicatorStatusName(IndicatorStatus::kOffTrack), "off_track");
  EXPECT_EQ(IndicatorStatusName(IndicatorStatus::kNoData), "no_data");
  EXPECT_EQ(IndicatorStatusName(IndicatorStatus::kStale), "stale");
  EXPECT_EQ(ParseIndicatorStatus("at_risk"), IndicatorStatus::kAtRisk);
  auto bad = ParseIndicatorStatus("red");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message, AllOf(HasSubstr("'red'"), HasSubstr("on_track")));
}

TEST(StatusTest, LastExpectedPeriodIsTheLatestClosedPeriod) {
  EXPECT_EQ(LastExpectedPeriod(PeriodType::kMonth, D("2025-07-02")), P("202506"));
  EXPECT_EQ(LastExpectedPeriod(PeriodType::kQuarter, D("2025-07-02")), P("2025Q2"));
  EXPECT_EQ(LastExpectedPeriod(PeriodType::kYear, D("2025-07-02")), P("2024"));
  EXPECT_EQ(LastExpectedPeriod(PeriodType::kMonth, D("2025-12-31")), P("202511"));
  EXPECT_EQ(LastExpectedPeriod(PeriodType::kMonth, D("2025-01-01")), P("202412"));
}

// A monthly stock: 0 on 2025-01-01, 200 by 2025-12-31 (364 days), so 100 on 2025-07-02.
Indicator MonthlyStock() {
  Indicator ind = MakeIndicator("ONLINE_PCT", UnitAggregation::kAverage, TimeAggregation::kLast);
  ind.period_type = PeriodType::kMonth;
  ind.baseline_value = 0;
  ind.baseline_date = D("2025-01-01");
  return ind;
}
const std::vector<Target> kStockTargets = {T("2025-12-31", 200)};

TEST(EvaluateTest, ExactlyOnTheTrajectoryIsOnTrack) {
  const std::vector<PeriodValue> values = {V("202505", 70), V("202506", 100)};
  auto e = Evaluate(MonthlyStock(), kStockTargets, values, D("2025-07-02"));
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->expected, 100);
  EXPECT_THAT(e->actual, Optional(100.0));
  EXPECT_THAT(e->achievement, Optional(1.0));
  EXPECT_EQ(e->status, IndicatorStatus::kOnTrack);
  EXPECT_EQ(e->last_expected, P("202506"));
  EXPECT_THAT(e->latest, Optional(P("202506")));
}

TEST(EvaluateTest, ExactlyEightyPercentIsAtRiskAndBelowIsOffTrack) {
  std::vector<PeriodValue> values = {V("202506", 80)};
  auto e = Evaluate(MonthlyStock(), kStockTargets, values, D("2025-07-02"));
  ASSERT_TRUE(e.has_value());
  EXPECT_THAT(e->achievement, Optional(0.8));
  EXPECT_EQ(e->status, IndicatorStatus::kAtRisk);

  values = {V("202506", 79.9)};
  e = Evaluate(MonthlyStock(), kStockTargets, values, D("2025-07-02"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, IndicatorStatus::kOffTrack);

  Indicator strict = MonthlyStock();
  strict.at_risk_threshold = 0.9;
  values = {V("202506", 85)};
  e = Evaluate(strict, kStockTargets, values, D("2025-07-02"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, IndicatorStatus::kOffTrack);
}

TEST(EvaluateTest, DownIndicatorAtEightyPercent) {
  Indicator ind = MonthlyStock();
  ind.direction = Direction::kDown;
  ind.baseline_value = 50;  // expected 30 on 2025-07-02
  const std::vector<Target> targets = {T("2025-12-31", 10)};
  const std::vector<PeriodValue> values = {V("202506", 34)};
  auto e = Evaluate(ind, targets, values, D("2025-07-02"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->expected, 30);
  EXPECT_THAT(e->achievement, Optional(0.8));
  EXPECT_EQ(e->status, IndicatorStatus::kAtRisk);
}

TEST(EvaluateTest, MissingLastExpectedPeriodIsStale) {
  const std::vector<PeriodValue> values = {V("202503", 150), V("202504", 160)};
  auto e = Evaluate(MonthlyStock(), kStockTargets, values, D("2025-07-02"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, IndicatorStatus::kStale);
  EXPECT_THAT(e->actual, Optional(160.0));
  EXPECT_THAT(e->achievement, Optional(1.6));  // known, but the colour is stale
  EXPECT_TRUE(IsStale(values, PeriodType::kMonth, D("2025-07-02")));
  EXPECT_FALSE(IsStale(values, PeriodType::kMonth, D("2025-05-01")));  // April is the last due
}

TEST(EvaluateTest, ValueForTheOpenPeriodIsFresh) {
  const std::vector<PeriodValue> values = {V("202505", 90), V("202507", 101)};
  EXPECT_FALSE(IsStale(values, PeriodType::kMonth, D("2025-07-02")));
  auto e = Evaluate(MonthlyStock(), kStockTargets, values, D("2025-07-02"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, IndicatorStatus::kOnTrack);
  EXPECT_THAT(e->actual, Optional(101.0));
}

TEST(EvaluateTest, NoValueIsNoData) {
  auto e = Evaluate(MonthlyStock(), kStockTargets, {}, D("2025-07-02"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, IndicatorStatus::kNoData);
  EXPECT_EQ(e->actual, std::nullopt);
  EXPECT_EQ(e->achievement, std::nullopt);
  EXPECT_EQ(e->expected, 100);
  EXPECT_FALSE(IsStale({}, PeriodType::kMonth, D("2025-07-02")));

  // A value for a period that has not started yet is not data on this date.
  const std::vector<PeriodValue> future = {V("202508", 120)};
  e = Evaluate(MonthlyStock(), kStockTargets, future, D("2025-07-02"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, IndicatorStatus::kNoData);
}

TEST(EvaluateTest, NeedsABaselineAndATarget) {
  Indicator ind = MonthlyStock();
  auto no_target = Evaluate(ind, {}, {}, D("2025-07-02"));
  ASSERT_FALSE(no_target.has_value());
  EXPECT_EQ(no_target.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(no_target.error().message, AllOf(HasSubstr("ONLINE_PCT"), HasSubstr("target")));
  ind.baseline_date.reset();
  auto no_baseline = Evaluate(ind, kStockTargets, {}, D("2025-07-02"));
  ASSERT_FALSE(no_baseline.has_value());
  EXPECT_EQ(no_baseline.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(no_baseline.error().message, HasSubstr("baseline"));
}

TEST(EvaluateTest, FlowAccumulatesOnItsBaseline) {
  Indicator ind = MakeIndicator("SIGNATURES", UnitAggregation::kSum, TimeAggregation::kSum);
  ind.baseline_value = 100;
  ind.baseline_date = D("2024-12-31");
  // December 2024 is already inside the baseline; 2025's months add to it.
  const std::vector<PeriodValue> values = {V("202412", 999), V("202501", 10), V("202502", 20),
                                           V("202509", 5)};
  EXPECT_THAT(LevelOn(ind, values, D("2025-03-15")), Optional(130.0));
  EXPECT_THAT(LevelOn(ind, values, D("2025-09-01")), Optional(135.0));
  ind.time_aggregation = TimeAggregation::kAverage;
  EXPECT_THAT(LevelOn(ind, values, D("2025-03-15")), Optional(15.0));
  ind.time_aggregation = TimeAggregation::kLast;
  EXPECT_THAT(LevelOn(ind, values, D("2025-03-15")), Optional(20.0));
}

// ---------------------------------------------------------------------------------------------
// Early warning.

// Values exactly linear in the day number of each month's end: `per_day` × days since
// 2024-12-31, for months 1..n of 2025.
std::vector<PeriodValue> LinearMonths(int n, double per_day, double offset = 0) {
  std::vector<PeriodValue> out;
  for (int m = 1; m <= n; ++m) {
    const Period p = Period::Of(PeriodType::kMonth, 2025, m);
    out.push_back({p, offset + per_day * p.end().DaysSince(D("2024-12-31"))});
  }
  return out;
}

TEST(ProjectTrendTest, FitsAStraightLineOnDays) {
  const auto values = LinearMonths(6, 2);
  EXPECT_THAT(ProjectTrend(values, 6, D("2025-12-31")), Optional(::testing::DoubleNear(730, 1e-6)));
  EXPECT_THAT(ProjectTrend(values, 3, D("2025-12-31")), Optional(::testing::DoubleNear(730, 1e-6)));
}

TEST(ProjectTrendTest, UsesOnlyTheLastPoints) {
  auto values = LinearMonths(6, 1);
  values[0].value = 5000;  // January is far off the line; the last 3 ignore it
  EXPECT_THAT(ProjectTrend(values, 3, D("2025-12-31")), Optional(::testing::DoubleNear(365, 1e-6)));
  EXPECT_THAT(ProjectTrend(values, 6, D("2025-12-31")),
              Optional(::testing::Not(::testing::DoubleNear(365, 1))));
}

TEST(ProjectTrendTest, NeedsThreeValues) {
  EXPECT_EQ(ProjectTrend(LinearMonths(2, 1), 6, D("2025-12-31")), std::nullopt);
  EXPECT_EQ(ProjectTrend(LinearMonths(6, 1), 2, D("2025-12-31")), std::nullopt);
}

TEST(EarlyWarningTest, ProjectionMissingTheTargetWarns) {
  Indicator ind = MakeIndicator("CASHLESS", UnitAggregation::kAverage, TimeAggregation::kLast);
  const auto values = LinearMonths(6, 2);  // heading for 730 on 2025-12-31
  const std::vector<Target> targets = {T("2025-12-31", 800)};
  auto w = EarlyWarnings(ind, targets, values, D("2025-07-02"));
  ASSERT_TRUE(w.has_value()) << w.error().message;
  ASSERT_EQ(w->size(), 1u);
  const Warning& warning = w->front();
  EXPECT_EQ(warning.kind, WarningKind::kProjectionMissesTarget);
  EXPECT_EQ(WarningKindName(warning.kind), "projection_misses_target");
  EXPECT_NEAR(warning.value, 730, 1e-6);
  EXPECT_EQ(warning.reference, 800);
  EXPECT_THAT(warning.date, Optional(D("2025-12-31")));
  EXPECT_THAT(warning.period, Optional(P("202506")));
}

TEST(EarlyWarningTest, ProjectionHittingTheTargetDoesNotWarn) {
  Indicator ind = MakeIndicator("CASHLESS", UnitAggregation::kAverage, TimeAggregation::kLast);
  const auto values = LinearMonths(6, 2);
  const std::vector<Target> targets = {T("2025-12-31", 700), T("2030-12-31", 100000)};
  auto w = EarlyWarnings(ind, targets, values, D("2025-07-02"));
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->empty());
}

TEST(EarlyWarningTest, DownIndicatorMissesWhenProjectedAboveTarget) {
  Indicator ind =
      MakeIndicator("PROCESSING_DAYS", UnitAggregation::kAverage, TimeAggregation::kLast);
  ind.direction = Direction::kDown;
  const auto values = LinearMonths(6, -0.1, 100);  // 63.5 on 2025-12-31
  std::vector<Target> targets = {T("2025-12-31", 60)};
  auto w = EarlyWarnings(ind, targets, values, D("2025-07-02"));
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->size(), 1u);
  EXPECT_EQ(w->front().kind, WarningKind::kProjectionMissesTarget);
  EXPECT_NEAR(w->front().value, 63.5, 1e-6);

  targets = {T("2025-12-31", 65)};
  w = EarlyWarnings(ind, targets, values, D("2025-07-02"));
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->empty());
}

TEST(EarlyWarningTest, FlowIsProjectedOnItsCumulativeLevel) {
  Indicator ind = MakeIndicator("STARTUPS", UnitAggregation::kSum, TimeAggregation::kSum);
  ind.baseline_value = 0;
  ind.baseline_date = D("2024-12-31");
  // One a day: each month's flow is its number of days, so the cumulative level reaches 365.
  std::vector<PeriodValue> values;
  for (int m = 1; m <= 6; ++m)
    values.push_back(
        {Period::Of(PeriodType::kMonth, 2025, m), static_cast<double>(DaysInMonth(2025, m))});
  std::vector<Target> targets = {T("2025-12-31", 400)};
  auto w = EarlyWarnings(ind, targets, values, D("2025-07-02"));
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->size(), 1u);
  EXPECT_NEAR(w->front().value, 365, 1e-6);

  targets = {T("2025-12-31", 360)};  // the monthly flows alone (~30) would miss this
  w = EarlyWarnings(ind, targets, values, D("2025-07-02"));
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->empty());
}

TEST(EarlyWarningTest, TooFewValuesOrNoTargetAheadGiveNoProjection) {
  Indicator ind = MakeIndicator("X", UnitAggregation::kSum, TimeAggregation::kLast);
  std::vector<Target> targets = {T("2025-12-31", 1e9)};
  auto w = EarlyWarnings(ind, targets, LinearMonths(2, 1), D("2025-03-02"));
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->empty());
  targets = {T("2025-01-31", 1e9)};  // already past
  w = EarlyWarnings(ind, targets, LinearMonths(6, 1), D("2025-07-02"));
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->empty());
}

TEST(EarlyWarningTest, StaleDataCountsTheMissingPeriods) {
  Indicator ind = MakeIndicator("X", UnitAggregation::kSum, TimeAggregation::kLast);
  const std::vector<PeriodValue> values = {V("202501", 5), V("202502", 5), V("202503", 5)};
  auto w = EarlyWarnings(ind, {}, values, D("2025-07-02"));
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->size(), 1u);
  EXPECT_EQ(w->front().kind, WarningKind::kStaleData);
  EXPECT_EQ(WarningKindName(WarningKind::kStaleData), "stale_data");
  EXPECT_THAT(w->front().period, Optional(P("202506")));
  EXPECT_EQ(w->front().value, 3);  // April, May, June
}

TEST(EarlyWarningTest, OneSpikeIsTheOnlyOutlier) {
  Indicator ind = MakeIndicator("X", UnitAggregation::kSum, TimeAggregation::kLast);
  const auto values = Months2025({100, 102, 98, 101, 99, 100, 300, 101});
  auto w = EarlyWarnings(ind, {}, values, D("2025-09-05"));
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->size(), 1u);
  const Warning& o = w->front();
  EXPECT_EQ(o.kind, WarningKind::kOutlier);
  EXPECT_EQ(WarningKindName(o.kind), "outlier");
  EXPECT_THAT(o.period, Optional(P("202507")));
  EXPECT_EQ(o.value, 300);
  EXPECT_EQ(o.reference, 100.5);  // median
  // MAD = 1: z = 0.6745 × (300 − 100.5).
  EXPECT_THAT(o.z_score, Optional(::testing::DoubleNear(134.56275, 1e-9)));
  EXPECT_EQ(o.bound, std::nullopt);
}

TEST(RobustZScoresTest, MedianAbsoluteDeviation) {
  const std::vector<double> xs = {100, 102, 98, 101, 99, 100, 300, 101};
  auto z = RobustZScores(xs);
  ASSERT_TRUE(z.has_value());
  ASSERT_EQ(z->size(), xs.size());
  EXPECT_NEAR((*z)[0], -0.33725, 1e-12);
  EXPECT_NEAR((*z)[2], -1.68625, 1e-12);
  EXPECT_NEAR((*z)[6], 134.56275, 1e-9);
}

TEST(RobustZScoresTest, ZeroMadFallsBackToMeanAbsoluteDeviation) {
  // More than half the values equal: MAD = 0. MeanAD = 40 / 6.
  const std::vector<double> xs = {10, 10, 10, 10, 10, 50};
  auto z = RobustZScores(xs);
  ASSERT_TRUE(z.has_value());
  EXPECT_EQ((*z)[0], 0);
  EXPECT_NEAR((*z)[5], 6 / 1.253314, 1e-12);  // 40 / (1.253314 × 40 / 6)
  EXPECT_NEAR((*z)[5], 4.787308, 1e-6);

  Indicator ind = MakeIndicator("X", UnitAggregation::kSum, TimeAggregation::kLast);
  auto w = EarlyWarnings(ind, {}, Months2025(xs), D("2025-07-02"));
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->size(), 1u);
  EXPECT_EQ(w->front().kind, WarningKind::kOutlier);
  EXPECT_THAT(w->front().period, Optional(P("202506")));
}

TEST(RobustZScoresTest, AllEqualHasNoScoresAndNoOutliers) {
  const std::vector<double> xs = {7, 7, 7, 7};
  EXPECT_EQ(RobustZScores(xs), std::nullopt);
  EXPECT_EQ(RobustZScores({}), std::nullopt);
  Indicator ind = MakeIndicator("X", UnitAggregation::kSum, TimeAggregation::kLast);
  auto w = EarlyWarnings(ind, {}, Months2025(xs), D("2025-05-02"));
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->empty());
}

TEST(EarlyWarningTest, ValueBeyondTheBoundsIsAnOutlier) {
  Indicator ind = MakeIndicator("PCT", UnitAggregation::kAverage, TimeAggregation::kLast);
  ind.value_type = ValueType::kPercent;
  const auto values = Months2025({95, 101, 97, 99});  // z of 101 is only 1.01
  auto w = EarlyWarnings(ind, {}, values, D("2025-05-02"));
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->size(), 1u);
  EXPECT_EQ(w->front().kind, WarningKind::kOutlier);
  EXPECT_THAT(w->front().period, Optional(P("202502")));
  EXPECT_THAT(w->front().bound, Optional(100.0));
  EXPECT_THAT(w->front().z_score, Optional(::testing::DoubleNear(1.01175, 1e-9)));
}

TEST(EarlyWarningTest, WarningsComeInOrderProjectionStaleOutliers) {
  Indicator ind = MakeIndicator("X", UnitAggregation::kSum, TimeAggregation::kLast);
  const auto values = Months2025({10, 11, 12, 13, 14, 15, 16, 500, 17});
  const std::vector<Target> targets = {T("2026-12-31", 1e6)};
  auto w = EarlyWarnings(ind, targets, values, D("2025-12-15"));  // October, November missing
  ASSERT_TRUE(w.has_value());
  ASSERT_EQ(w->size(), 3u);
  EXPECT_EQ((*w)[0].kind, WarningKind::kProjectionMissesTarget);
  EXPECT_EQ((*w)[1].kind, WarningKind::kStaleData);
  EXPECT_EQ((*w)[1].value, 2);
  EXPECT_EQ((*w)[2].kind, WarningKind::kOutlier);
  EXPECT_EQ((*w)[2].value, 500);
}

TEST(EarlyWarningTest, RejectsBadOptions) {
  Indicator ind = MakeIndicator("X", UnitAggregation::kSum, TimeAggregation::kLast);
  EarlyWarningOptions options;
  options.trend_points = 2;
  auto w = EarlyWarnings(ind, {}, {}, D("2025-07-02"), options);
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(w.error().message, AllOf(HasSubstr("trend_points"), HasSubstr("2")));
  options = {};
  options.outlier_z = 0;
  w = EarlyWarnings(ind, {}, {}, D("2025-07-02"), options);
  ASSERT_FALSE(w.has_value());
  EXPECT_THAT(w.error().message, HasSubstr("outlier_z"));
}

// ---------------------------------------------------------------------------------------------
// Validation.

Indicator Typed(std::string code, ValueType type) {
  Indicator i;
  i.code = std::move(code);
  i.value_type = type;
  return i;
}

TEST(ValidateValueTest, BoundsAreInclusive) {
  Indicator ind = Typed("TEAMS", ValueType::kNumber);
  ind.min_value = 0;
  ind.max_value = 10;
  EXPECT_TRUE(ValidateValue(ind, 0).has_value());
  EXPECT_TRUE(ValidateValue(ind, 10).has_value());
  auto low = ValidateValue(ind, -0.5);
  ASSERT_FALSE(low.has_value());
  EXPECT_EQ(low.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(low.error().message,
              AllOf(HasSubstr("TEAMS"), HasSubstr("-0.5"), HasSubstr("minimum 0")));
  auto high = ValidateValue(ind, 10.5);
  ASSERT_FALSE(high.has_value());
  EXPECT_THAT(high.error().message,
              AllOf(HasSubstr("TEAMS"), HasSubstr("10.5"), HasSubstr("maximum 10")));
}

TEST(ValidateValueTest, PercentIsZeroToHundredUnlessBoundsSayOtherwise) {
  Indicator ind = Typed("PCT_4G", ValueType::kPercent);
  EXPECT_TRUE(ValidateValue(ind, 0).has_value());
  EXPECT_TRUE(ValidateValue(ind, 100).has_value());
  auto high = ValidateValue(ind, 100.1);
  ASSERT_FALSE(high.has_value());
  EXPECT_THAT(high.error().message,
              AllOf(HasSubstr("PCT_4G"), HasSubstr("100.1"), HasSubstr("maximum 100")));
  EXPECT_FALSE(ValidateValue(ind, -1).has_value());
  ind.max_value = 150;  // e.g. growth as a percent of last year
  EXPECT_TRUE(ValidateValue(ind, 120).has_value());
  EXPECT_FALSE(ValidateValue(ind, -1).has_value());
}

TEST(ValidateValueTest, CountIsANonNegativeWholeNumber) {
  const Indicator ind = Typed("DATASETS", ValueType::kCount);
  EXPECT_TRUE(ValidateValue(ind, 658).has_value());
  EXPECT_TRUE(ValidateValue(ind, 0).has_value());
  auto frac = ValidateValue(ind, 2.5);
  ASSERT_FALSE(frac.has_value());
  EXPECT_THAT(frac.error().message,
              AllOf(HasSubstr("DATASETS"), HasSubstr("2.5"), HasSubstr("whole number")));
  auto negative = ValidateValue(ind, -1);
  ASSERT_FALSE(negative.has_value());
  EXPECT_THAT(negative.error().message, AllOf(HasSubstr("-1"), HasSubstr("minimum 0")));
}

TEST(ValidateValueTest, BooleanIsZeroOrOne) {
  const Indicator ind = Typed("PORTAL_LINKED", ValueType::kBoolean);
  EXPECT_TRUE(ValidateValue(ind, 0).has_value());
  EXPECT_TRUE(ValidateValue(ind, 1).has_value());
  auto half = ValidateValue(ind, 0.5);
  ASSERT_FALSE(half.has_value());
  EXPECT_THAT(half.error().message,
              AllOf(HasSubstr("PORTAL_LINKED"), HasSubstr("0.5"), HasSubstr("0 or 1")));
  EXPECT_THAT(ValidateValue(ind, 2).error().message, HasSubstr("maximum 1"));
}

TEST(ValidateValueTest, OnlyFiniteNumbers) {
  const Indicator ind = Typed("GDP_SHARE", ValueType::kMoney);
  EXPECT_TRUE(ValidateValue(ind, -1e12).has_value());  // money has no default bounds
  auto nan = ValidateValue(ind, std::numeric_limits<double>::quiet_NaN());
  ASSERT_FALSE(nan.has_value());
  EXPECT_EQ(nan.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(nan.error().message,
              AllOf(HasSubstr("GDP_SHARE"), HasSubstr("nan"), HasSubstr("finite")));
  auto inf = ValidateValue(ind, std::numeric_limits<double>::infinity());
  ASSERT_FALSE(inf.has_value());
  EXPECT_THAT(inf.error().message, HasSubstr("inf"));
}

TEST(ValidateValueTest, EffectiveBounds) {
  Indicator count = Typed("C", ValueType::kCount);
  count.min_value = -5;  // a count never goes below 0
  EXPECT_THAT(EffectiveBounds(count).min, Optional(0.0));
  EXPECT_EQ(EffectiveBounds(count).max, std::nullopt);
  Indicator pct = Typed("P", ValueType::kPercent);
  pct.min_value = 10;
  EXPECT_THAT(EffectiveBounds(pct).min, Optional(10.0));
  EXPECT_THAT(EffectiveBounds(pct).max, Optional(100.0));
  EXPECT_EQ(EffectiveBounds(Typed("N", ValueType::kNumber)).min, std::nullopt);
}

TEST(ValidateRatioInputsTest, NumeratorMustNotExceedDenominator) {
  const Indicator num = Typed("VILLAGES_4G", ValueType::kCount);
  const Indicator den = Typed("VILLAGES", ValueType::kCount);
  EXPECT_TRUE(ValidateRatioInputs(num, 9, den, 10).has_value());
  EXPECT_TRUE(ValidateRatioInputs(num, 10, den, 10).has_value());
  auto bad = ValidateRatioInputs(num, 11, den, 10);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message,
              AllOf(HasSubstr("VILLAGES_4G"), HasSubstr("11"), HasSubstr("VILLAGES value 10")));
  EXPECT_FALSE(
      ValidateRatioInputs(num, std::numeric_limits<double>::quiet_NaN(), den, 10).has_value());
}

}  // namespace
}  // namespace planwatch
