#include "planwatch/service/indicator_figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/org_tree.h"

namespace planwatch {
namespace {

Result<ValuesByUnit> ValuesOf(StoreReader& store, IndicatorId indicator,
                              const std::vector<OrgUnitId>& units) {
  DataValueQuery query;
  query.indicator = indicator;
  auto values = store.DataValues(query);
  if (!values) return std::unexpected(values.error());
  ValuesByUnit out;
  for (const DataValue& v : *values) out[v.unit].push_back(PeriodValue{v.period, v.value});
  std::erase_if(out,
                [&](const auto& entry) { return !std::ranges::binary_search(units, entry.first); });
  return out;
}

}  // namespace

Result<IndicatorFigures> GetIndicatorFigures(StoreReader& store, std::string_view unit_code,
                                             const PeriodRange& window,
                                             std::string_view indicator_code) {
  auto units = store.OrgUnits();
  if (!units) return std::unexpected(units.error());
  auto successions = store.Successions();
  if (!successions) return std::unexpected(successions.error());
  auto tree = OrgTree::Build(*units, *successions);
  if (!tree) return std::unexpected(tree.error());
  const OrgUnit* unit = tree->FindByCode(unit_code);
  if (!unit) return NotFound(fmt::format("no unit '{}'", unit_code));
  // The unit's subtree, and the units each of them succeeded, so that a ward formed by merging
  // communes shows their figures from before the merge.
  std::vector<OrgUnitId> subtree;
  for (OrgUnitId id : tree->Subtree(unit->id)) {
    subtree.push_back(id);
    for (OrgUnitId predecessor : tree->Predecessors(id)) subtree.push_back(predecessor);
  }
  std::ranges::sort(subtree);
  subtree.erase(std::unique(subtree.begin(), subtree.end()), subtree.end());

  auto indicators = store.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  std::map<IndicatorId, const Indicator*> by_id;
  for (const Indicator& i : *indicators) by_id[i.id] = &i;
  auto targets = store.Targets();
  if (!targets) return std::unexpected(targets.error());

  IndicatorFigures result{*unit, window, {}};
  std::vector<const Indicator*> wanted;
  for (const Indicator& i : *indicators) {
    if (indicator_code.empty() || i.code == indicator_code) wanted.push_back(&i);
  }
  if (!indicator_code.empty() && wanted.empty()) {
    return NotFound(fmt::format("no indicator '{}'", indicator_code));
  }
  std::ranges::sort(wanted, {}, &Indicator::code);

  std::map<IndicatorId, ValuesByUnit> cache;
  auto values_of = [&](IndicatorId id) -> Result<const ValuesByUnit*> {
    if (auto it = cache.find(id); it != cache.end()) return &it->second;
    auto values = ValuesOf(store, id, subtree);
    if (!values) return std::unexpected(values.error());
    return &cache.emplace(id, std::move(*values)).first->second;
  };

  for (const Indicator* indicator : wanted) {
    IndicatorFigure figure{*indicator, std::nullopt, std::nullopt};
    if (indicator->unit_aggregation == UnitAggregation::kRatio) {
      const Indicator* num =
          by_id.contains(indicator->numerator) ? by_id[indicator->numerator] : nullptr;
      const Indicator* den =
          by_id.contains(indicator->denominator) ? by_id[indicator->denominator] : nullptr;
      if (!num || !den) {
        return Fail(ErrorCode::kFailedPrecondition,
                    fmt::format("ratio indicator '{}' lacks its numerator or denominator",
                                indicator->code));
      }
      auto num_values = values_of(num->id);
      if (!num_values) return std::unexpected(num_values.error());
      auto den_values = values_of(den->id);
      if (!den_values) return std::unexpected(den_values.error());
      auto value = RollupRatio(*indicator, *num, **num_values, *den, **den_values, subtree, window);
      if (!value) return std::unexpected(value.error());
      figure.value = *value;
    } else {
      auto values = values_of(indicator->id);
      if (!values) return std::unexpected(values.error());
      auto value = Rollup(*indicator, **values, subtree, window);
      if (!value) return std::unexpected(value.error());
      figure.value = *value;
    }

    std::vector<Target> own;
    for (const Target& t : *targets) {
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
