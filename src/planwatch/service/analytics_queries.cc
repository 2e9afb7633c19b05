#include "planwatch/service/analytics_queries.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/text.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/period.h"
#include "planwatch/service/indicator_figures.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/plan_status.h"

namespace planwatch {
namespace {

using nlohmann::json;

constexpr std::string_view kTaskParams[] = {"plan",    "as_of",   "unit",
                                            "subtree", "claimed", "group_by"};
constexpr std::string_view kIndicatorParams[] = {"indicator", "unit", "periods", "by"};

std::unexpected<Error> BadParam(std::string_view name, std::string_view code,
                                std::string_view text) {
  const std::string echoed = EchoForMessage(name);
  return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", echoed),
              {ErrorDetail{0, echoed, FieldMessage(code, text)}});
}

Status RefuseUnknown(const QueryParams& params, std::span<const std::string_view> known) {
  for (const auto& [name, value] : params) {
    if (std::ranges::find(known, std::string_view(name)) == known.end()) {
      return BadParam(name, "unknown_field",
                      fmt::format("unknown parameter \"{}\"; accepted: {}", EchoForMessage(name),
                                  fmt::join(known, ", ")));
    }
  }
  return {};
}

const std::string* Find(const QueryParams& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

// A code parameter: none when absent; invalid when present but empty.
Result<std::optional<std::string>> CodeParam(const QueryParams& params, std::string_view name) {
  const std::string* text = Find(params, name);
  if (!text) return std::nullopt;
  if (text->empty()) return BadParam(name, "invalid", "must not be empty");
  return *text;
}

Result<std::optional<bool>> BoolParam(const QueryParams& params, std::string_view name) {
  const std::string* text = Find(params, name);
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  return BadParam(name, "invalid",
                  fmt::format("expected true or false, got \"{}\"", EchoForMessage(*text)));
}

std::unexpected<Error> Denied(const Principal& p, std::string_view what) {
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("{} may not read analytics of {}", EchoForMessage(p.login), what));
}

json UnitJson(const OrgUnit& unit) {
  return {{"code", unit.code}, {"name_vi", unit.name_vi}, {"name_en", unit.name_en}};
}

json IndicatorJson(const Indicator& i) {
  return {{"code", i.code},
          {"name_vi", i.name_vi},
          {"name_en", i.name_en},
          {"unit_of_measure", i.unit_of_measure},
          {"direction", DirectionName(i.direction)}};
}

json Number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

enum class IndicatorRowsBy { kNone, kChildren, kPeriod };

std::string_view RowsByName(IndicatorRowsBy by) {
  switch (by) {
    case IndicatorRowsBy::kNone:
      return "none";
    case IndicatorRowsBy::kChildren:
      return "children";
    case IndicatorRowsBy::kPeriod:
      return "period";
  }
  return "none";
}

// The periods of `type` that lie entirely within `window`, in order.
std::vector<Period> PeriodsWithin(const PeriodRange& window, PeriodType type) {
  std::vector<Period> out;
  const Date end = window.last.end();
  for (Period p = Period::Containing(window.first.start(), type); p.start() <= end; p = p.Next()) {
    if (window.Contains(p)) out.push_back(p);
  }
  return out;
}

// GetIndicatorFigures per (unit, window), each computed once per request.
class FigureSource {
 public:
  FigureSource(const Analytics& analytics, std::string indicator_code)
      : analytics_(analytics), indicator_code_(std::move(indicator_code)) {}

  // The figure of `indicator` for `unit`'s subtree over `window`; internal if it is missing.
  Result<const IndicatorFigure*> Figure(const OrgUnit& unit, const PeriodRange& window,
                                        const Indicator& indicator) {
    const auto key = std::make_pair(unit.code, window.ToString());
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      auto figures = GetIndicatorFigures(analytics_, unit.code, window, indicator_code_);
      if (!figures) return std::unexpected(figures.error());
      it = cache_.emplace(key, std::move(*figures)).first;
    }
    for (const IndicatorFigure& f : it->second.figures) {
      if (f.indicator.id == indicator.id) return &f;
    }
    return Internal(fmt::format("no figure for indicator '{}'", indicator.code));
  }

 private:
  const Analytics& analytics_;
  std::string indicator_code_;
  std::map<std::pair<std::string, std::string>, IndicatorFigures> cache_;
};

// The level of the row's indicator on `end`, comparable with the trajectory (LevelOn, over the
// subtree's rollup): a flow accumulates on its baseline (baseline + the periods ending after the
// baseline date up to `end`), an average is taken over those periods; a stock and a ratio are
// the row's own value.
Result<std::optional<double>> LevelOnTrajectory(FigureSource& figures, const OrgUnit& unit,
                                                const Indicator& indicator,
                                                const Baseline& baseline,
                                                std::optional<double> row_value, Date end) {
  if (indicator.unit_aggregation == UnitAggregation::kRatio ||
      indicator.time_aggregation == TimeAggregation::kLast) {
    return row_value;
  }
  const Period first = Period::Containing(baseline.date.AddDays(1), indicator.period_type);
  const Period last = Period::Containing(end, indicator.period_type);
  if (last < first) return std::optional<double>();
  auto figure = figures.Figure(unit, PeriodRange{first, last}, indicator);
  if (!figure) return std::unexpected(figure.error());
  const std::optional<double> since = (*figure)->value;
  if (!since) return std::optional<double>();
  if (indicator.time_aggregation == TimeAggregation::kSum) return baseline.value + *since;
  return since;
}

// One row: the figure compared with the trajectory of the unit's applicable targets on `end`.
Result<json> Row(FigureSource& figures, const OrgUnit& unit, const PeriodRange& window,
                 const Indicator& indicator, std::span<const Target> indicator_targets) {
  auto figure = figures.Figure(unit, window, indicator);
  if (!figure) return std::unexpected(figure.error());
  const IndicatorFigure& f = **figure;
  const Date end = window.last.end();

  json row = {{"indicator", IndicatorJson(indicator)}};
  row["value"] = Number(f.value);
  row["target"] = f.target ? json{{"value", f.target->value}, {"date", f.target->date.ToString()}}
                           : json(nullptr);

  std::optional<double> expected;
  std::optional<double> achievement;
  const std::vector<Target> applicable = ApplicableTargets(indicator_targets, unit.id);
  auto baseline = BaselineOf(indicator);
  // Without a baseline or a target there is no trajectory to judge against (as Evaluate).
  if (baseline && !applicable.empty()) {
    expected = ExpectedValue(*baseline, applicable, end);
    if (f.value) {
      auto level = LevelOnTrajectory(figures, unit, indicator, *baseline, f.value, end);
      if (!level) return std::unexpected(level.error());
      if (*level) {
        achievement = Achievement(indicator.direction, baseline->value, *expected, **level);
      }
    }
  }
  row["expected"] = Number(expected);
  row["achievement"] = Number(achievement);
  row["status"] =
      achievement
          ? IndicatorStatusName(StatusForAchievement(*achievement, indicator.at_risk_threshold))
          : IndicatorStatusName(IndicatorStatus::kNoData);
  return row;
}

}  // namespace

Result<json> TaskAnalytics(const Analytics& analytics, const Principal& p,
                           const QueryParams& params, Date today) {
  if (auto known = RefuseUnknown(params, kTaskParams); !known) {
    return std::unexpected(known.error());
  }
  StatusQuery query;
  const std::string* plan = Find(params, "plan");
  if (!plan || plan->empty()) return BadParam("plan", "required", "the plan code is required");
  query.plan_code = *plan;

  query.as_of = today;
  if (const std::string* text = Find(params, "as_of")) {
    auto date = Date::Parse(*text);
    if (!date) {
      return BadParam("as_of", "invalid",
                      fmt::format("expected a date YYYY-MM-DD, got \"{}\"", EchoForMessage(*text)));
    }
    query.as_of = *date;
  }
  auto unit_code = CodeParam(params, "unit");
  if (!unit_code) return std::unexpected(unit_code.error());
  auto subtree = BoolParam(params, "subtree");
  if (!subtree) return std::unexpected(subtree.error());
  auto claimed = BoolParam(params, "claimed");
  if (!claimed) return std::unexpected(claimed.error());
  query.view = claimed->value_or(false) ? CompletionView::kClaimed : CompletionView::kVerified;
  if (const std::string* text = Find(params, "group_by"); text && *text != "status") {
    auto group_by = ParseStatusGroupBy(*text);
    if (!group_by) {
      return BadParam(
          "group_by", "invalid",
          fmt::format("expected status, group or unit, got \"{}\"", EchoForMessage(*text)));
    }
    query.group_by = *group_by;
  }

  const std::shared_ptr<const Catalog> catalog = analytics.catalog();
  const OrgTree* tree = &catalog->tree;
  const AccessPolicy policy(*tree);
  if (*unit_code) {
    const OrgUnit* unit = tree->FindByCode(**unit_code);
    if (!unit) return NotFound(fmt::format("no unit '{}'", EchoForMessage(**unit_code)));
    if (!policy.CanReadAnalytics(p, unit->id)) return Denied(p, "unit " + unit->code);
    query.unit_code = unit->code;
    query.subtree = subtree->value_or(false);
  } else {
    const OrgUnit* scope = tree->Find(p.scope);
    if (!scope) return Denied(p, "any unit");
    if (scope->parent) {
      // Below a root, the caller's figures are those of its own subtree.
      if (!policy.CanReadAnalytics(p, scope->id)) return Denied(p, "unit " + scope->code);
      query.unit_code = scope->code;
      query.subtree = subtree->value_or(true);
    } else if (!policy.CanReadAnalytics(p, OrgUnitId{})) {
      return Denied(p, "the whole plan");
    }
  }

  auto status = GetPlanStatus(analytics, query);
  if (!status) return std::unexpected(status.error());
  return ToJson(*status);
}

Result<json> IndicatorAnalytics(const Analytics& analytics, const Principal& p,
                                const QueryParams& params, Date today) {
  if (auto known = RefuseUnknown(params, kIndicatorParams); !known) {
    return std::unexpected(known.error());
  }
  auto indicator_code = CodeParam(params, "indicator");
  if (!indicator_code) return std::unexpected(indicator_code.error());
  auto unit_code = CodeParam(params, "unit");
  if (!unit_code) return std::unexpected(unit_code.error());

  const Period this_year = Period::Year(today.year());
  PeriodRange window{this_year, this_year};
  if (const std::string* text = Find(params, "periods")) {
    auto parsed = PeriodRange::Parse(*text);
    if (!parsed) return BadParam("periods", "invalid", parsed.error().message);
    window = *parsed;
  }
  IndicatorRowsBy by = IndicatorRowsBy::kNone;
  if (const std::string* text = Find(params, "by")) {
    if (*text == "none") {
      by = IndicatorRowsBy::kNone;
    } else if (*text == "children") {
      by = IndicatorRowsBy::kChildren;
    } else if (*text == "period") {
      by = IndicatorRowsBy::kPeriod;
    } else {
      return BadParam(
          "by", "invalid",
          fmt::format("expected none, children or period, got \"{}\"", EchoForMessage(*text)));
    }
  }

  const std::shared_ptr<const Catalog> catalog = analytics.catalog();
  const OrgTree* tree = &catalog->tree;
  const AccessPolicy policy(*tree);
  const OrgUnit* unit = nullptr;
  if (*unit_code) {
    unit = tree->FindByCode(**unit_code);
    if (!unit) return NotFound(fmt::format("no unit '{}'", EchoForMessage(**unit_code)));
  } else {
    unit = tree->Find(p.scope);
    if (!unit) return Denied(p, "any unit");
  }
  if (!policy.CanReadAnalytics(p, unit->id)) return Denied(p, "unit " + unit->code);

  std::vector<const Indicator*> wanted;
  for (const Indicator& i : catalog->indicators) {
    if (!*indicator_code || i.code == **indicator_code) wanted.push_back(&i);
  }
  if (*indicator_code && wanted.empty()) {
    return NotFound(fmt::format("no indicator '{}'", EchoForMessage(**indicator_code)));
  }
  std::ranges::sort(wanted, {}, &Indicator::code);

  std::vector<const OrgUnit*> children;
  if (by == IndicatorRowsBy::kChildren) {
    const Date end = window.last.end();
    for (OrgUnitId id : tree->Children(unit->id)) {
      const OrgUnit* child = tree->Find(id);
      if (child && child->ActiveOn(end)) children.push_back(child);
    }
  }

  FigureSource figures(analytics, indicator_code->value_or(""));
  json rows = json::array();
  for (const Indicator* indicator : wanted) {
    std::vector<Target> own;
    for (const Target& t : catalog->targets) {
      if (t.indicator == indicator->id) own.push_back(t);
    }
    switch (by) {
      case IndicatorRowsBy::kNone: {
        auto row = Row(figures, *unit, window, *indicator, own);
        if (!row) return std::unexpected(row.error());
        (*row)["unit"] = UnitJson(*unit);
        rows.push_back(std::move(*row));
        break;
      }
      case IndicatorRowsBy::kChildren:
        for (const OrgUnit* child : children) {
          auto row = Row(figures, *child, window, *indicator, own);
          if (!row) return std::unexpected(row.error());
          (*row)["unit"] = UnitJson(*child);
          rows.push_back(std::move(*row));
        }
        break;
      case IndicatorRowsBy::kPeriod:
        for (const Period& period : PeriodsWithin(window, indicator->period_type)) {
          auto row = Row(figures, *unit, PeriodRange{period, period}, *indicator, own);
          if (!row) return std::unexpected(row.error());
          (*row)["period"] = period.ToString();
          rows.push_back(std::move(*row));
        }
        break;
    }
  }
  return json{{"unit", UnitJson(*unit)},
              {"periods", window.ToString()},
              {"by", RowsByName(by)},
              {"rows", std::move(rows)}};
}

}  // namespace planwatch
