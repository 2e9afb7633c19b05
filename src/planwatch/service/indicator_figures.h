// Indicator figures for a unit's subtree over a window of periods: the rollup users compare with
// the targets (what `planwatch indicators` prints).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "planwatch/analytics/analytics.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/org_unit.h"
#include "planwatch/domain/period.h"

namespace planwatch {

struct IndicatorFigure {
  Indicator indicator;
  // Rolled up over the unit and every unit beneath it (each with the units it succeeded in a
  // restructure) within the window (SPEC §3: over time by
  // the indicator's time aggregation, then over units; ratios as sum/sum × factor). none: no data.
  std::optional<double> value;
  // The target that applies to the unit (its own, else the general one) on the window's end:
  // the first target dated on or after it, else the last one. none: no target.
  std::optional<Target> target;
};

struct IndicatorFigures {
  OrgUnit unit;
  PeriodRange window;
  std::vector<IndicatorFigure> figures;  // by indicator code
};

// Every indicator (or only `indicator_code` when not empty) for `unit_code` over `window`.
// not_found when the unit or the indicator does not exist.
Result<IndicatorFigures> GetIndicatorFigures(const Analytics& analytics, std::string_view unit_code,
                                             const PeriodRange& window,
                                             std::string_view indicator_code = {});

nlohmann::json ToJson(const IndicatorFigures& figures);

}  // namespace planwatch
