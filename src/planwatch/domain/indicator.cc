#include "planwatch/domain/indicator.h"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <utility>

#include "planwatch/base/enum_names.h"

namespace planwatch {
namespace {

constexpr NameTable<IndicatorClass, 2> kIndicatorClassNames{{
    {IndicatorClass::kStrategic, "strategic"},
    {IndicatorClass::kOperational, "operational"},
}};
constexpr NameTable<ValueType, 5> kValueTypeNames{{
    {ValueType::kNumber, "number"},
    {ValueType::kPercent, "percent"},
    {ValueType::kCount, "count"},
    {ValueType::kMoney, "money"},
    {ValueType::kBoolean, "boolean"},
}};
constexpr NameTable<UnitAggregation, 5> kUnitAggregationNames{{
    {UnitAggregation::kSum, "sum"},
    {UnitAggregation::kAverage, "average"},
    {UnitAggregation::kMin, "min"},
    {UnitAggregation::kMax, "max"},
    {UnitAggregation::kRatio, "ratio"},
}};
constexpr NameTable<TimeAggregation, 3> kTimeAggregationNames{{
    {TimeAggregation::kSum, "sum"},
    {TimeAggregation::kLast, "last"},
    {TimeAggregation::kAverage, "average"},
}};
constexpr NameTable<Direction, 2> kDirectionNames{{
    {Direction::kUp, "up"},
    {Direction::kDown, "down"},
}};
constexpr NameTable<ValueState, 3> kValueStateNames{{
    {ValueState::kDraft, "draft"},
    {ValueState::kSubmitted, "submitted"},
    {ValueState::kApproved, "approved"},
}};

}  // namespace

std::string_view IndicatorClassName(IndicatorClass v) { return NameOf(kIndicatorClassNames, v); }
std::string_view ValueTypeName(ValueType v) { return NameOf(kValueTypeNames, v); }
std::string_view UnitAggregationName(UnitAggregation v) { return NameOf(kUnitAggregationNames, v); }
std::string_view TimeAggregationName(TimeAggregation v) { return NameOf(kTimeAggregationNames, v); }
std::string_view DirectionName(Direction v) { return NameOf(kDirectionNames, v); }
std::string_view ValueStateName(ValueState v) { return NameOf(kValueStateNames, v); }

Result<IndicatorClass> ParseIndicatorClass(std::string_view text) {
  return ParseName(kIndicatorClassNames, "indicator class", text);
}
Result<ValueType> ParseValueType(std::string_view text) {
  return ParseName(kValueTypeNames, "value type", text);
}
Result<UnitAggregation> ParseUnitAggregation(std::string_view text) {
  return ParseName(kUnitAggregationNames, "aggregation over units", text);
}
Result<TimeAggregation> ParseTimeAggregation(std::string_view text) {
  return ParseName(kTimeAggregationNames, "aggregation over time", text);
}
Result<Direction> ParseDirection(std::string_view text) {
  return ParseName(kDirectionNames, "direction", text);
}
Result<ValueState> ParseValueState(std::string_view text) {
  return ParseName(kValueStateNames, "value state", text);
}

}  // namespace planwatch
