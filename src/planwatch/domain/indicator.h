// Indicators (KPIs), their targets and data values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/period.h"

namespace planwatch {

enum class IndicatorClass { kStrategic, kOperational };
enum class ValueType { kNumber, kPercent, kCount, kMoney, kBoolean };
enum class UnitAggregation { kSum, kAverage, kMin, kMax, kRatio };
enum class TimeAggregation { kSum, kLast, kAverage };
enum class Direction { kUp, kDown };
enum class ValueState { kDraft, kSubmitted, kApproved };

// Lower-case names as used in files and JSON ("strategic", "percent", "ratio", "last", "up",
// "approved"); each Parse* is invalid_argument for anything else.
std::string_view IndicatorClassName(IndicatorClass v);
std::string_view ValueTypeName(ValueType v);
std::string_view UnitAggregationName(UnitAggregation v);
std::string_view TimeAggregationName(TimeAggregation v);
std::string_view DirectionName(Direction v);
std::string_view ValueStateName(ValueState v);
Result<IndicatorClass> ParseIndicatorClass(std::string_view text);
Result<ValueType> ParseValueType(std::string_view text);
Result<UnitAggregation> ParseUnitAggregation(std::string_view text);
Result<TimeAggregation> ParseTimeAggregation(std::string_view text);
Result<Direction> ParseDirection(std::string_view text);
Result<ValueState> ParseValueState(std::string_view text);

struct Indicator {
  IndicatorId id;
  std::string code;  // unique
  std::string name_vi;
  std::string name_en;
  std::string unit_of_measure;  // "%", "datasets", "VND bn", …
  IndicatorClass indicator_class = IndicatorClass::kOperational;
  ValueType value_type = ValueType::kNumber;
  UnitAggregation unit_aggregation = UnitAggregation::kSum;
  IndicatorId numerator;    // ratio only
  IndicatorId denominator;  // ratio only
  double factor = 1.0;      // ratio = sum(numerator) / sum(denominator) × factor
  TimeAggregation time_aggregation = TimeAggregation::kLast;
  Direction direction = Direction::kUp;
  PeriodType period_type = PeriodType::kMonth;
  std::optional<double> baseline_value;
  std::optional<Date> baseline_date;
  std::optional<double> min_value;  // validation bounds, inclusive
  std::optional<double> max_value;
  double at_risk_threshold = 0.8;  // achievement at or above this (and below 1) is at_risk
  std::string data_source;
  OrgUnitId responsible_unit;

  friend bool operator==(const Indicator&, const Indicator&) = default;
};

// A target value to reach by `date`; for one unit, or for every unit when `unit` is none.
struct Target {
  IndicatorId indicator;
  OrgUnitId unit;
  Date date;
  double value = 0;

  friend bool operator==(const Target&, const Target&) = default;
};

// One indicator value for one org unit and one period. Every write is kept, so any past state
// can be queried; `stored_at` is the UTC time of the write, ISO 8601 with milliseconds
// (e.g. "2025-06-20T08:15:00.000Z"), set by storage.
struct DataValue {
  IndicatorId indicator;
  OrgUnitId unit;
  Period period = Period::Year(1970);
  double value = 0;
  std::string comment;
  ValueState state = ValueState::kApproved;
  std::string stored_by;
  std::string stored_at;
  // Only in DataValueHistory(): this version ended the value (DeleteDataValue).
  bool deleted = false;
};

}  // namespace planwatch
