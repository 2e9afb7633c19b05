#include "planwatch/service/indicator_figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/org_tree.h"

namespace planwatch {
Result<IndicatorFigures> GetIndicatorFigures(const Analytics& analytics, std::string_view unit_code,
                                             const PeriodRange& window,
                                             std::string_view indicator_code) {
  const std::shared_ptr<const Catalog> catalog = analytics.catalog();
  const OrgUnit* unit = catalog->tree.FindByCode(unit_code);
  if (!unit) return NotFound(fmt::format("no unit '{}'", unit_code));

  IndicatorFigures result{*unit, window, {}};
  std::vector<const Indicator*> wanted;
  for (const Indicator& i : catalog->indicators) {
    if (indicator_code.empty() || i.code == indicator_code) wanted.push_back(&i);
  }
  if (!indicator_code.empty() && wanted.empty()) {
    return NotFound(fmt::format("no indicator '{}'", indicator_code));
  }
  std::ranges::sort(wanted, {}, &Indicator::code);

  for (const Indicator* indicator : wanted) {
    IndicatorFigure figure{*indicator, std::nullopt, std::nullopt};
    // Over the unit's subtree and the units each of them succeeded, so that a ward formed by
    // merging communes shows their figures from before the merge.
    auto value = analytics.Rollup(indicator->id, unit->id, window);
    if (!value) return std::unexpected(value.error());
    figure.value = *value;

    std::vector<Target> own;
    for (const Target& t : catalog->targets) {
      if (t.indicator == indicator->id) own.push_back(t);
    }
    std::vector<Target> applicable = ApplicableTargets(own, unit->id);
    std::ranges::sort(applicable, {}, &Target::date);
    const Date end = window.last.end();
    auto next = std::ranges::find_if(applicable, [&](const Target& t) { return t.date >= end; });
    if (next != applicable.end()) {
      figure.target = *next;
    } else if (!applicable.empty()) {
      figure.target = applicable.back();
    }
    result.figures.push_back(std::move(figure));
  }
  return result;
}

nlohmann::json ToJson(const IndicatorFigures& figures) {
  nlohmann::json rows = nlohmann::json::array();
  for (const IndicatorFigure& f : figures.figures) {
    nlohmann::json row = {
        {"indicator", f.indicator.code},
        {"name_vi", f.indicator.name_vi},
        {"name_en", f.indicator.name_en},
        {"unit_of_measure", f.indicator.unit_of_measure},
        {"class", IndicatorClassName(f.indicator.indicator_class)},
        {"value", f.value ? nlohmann::json(*f.value) : nlohmann::json(nullptr)},
        {"target", f.target ? nlohmann::json(f.target->value) : nlohmann::json(nullptr)},
        {"target_date",
         f.target ? nlohmann::json(f.target->date.ToString()) : nlohmann::json(nullptr)},
    };
    rows.push_back(std::move(row));
  }
  return {
      {"unit", figures.unit.code}, {"periods", figures.window.ToString()}, {"indicators", rows}};
}

}  // namespace planwatch
