#include "planwatch/service/data_value_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

// The items of a comma-separated list; an empty item is refused.
Result<std::vector<std::string>> ListParam(std::string_view name, std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const std::size_t comma = text.find(',');
    std::string_view item = TrimAscii(text.substr(0, comma));
    if (item.empty())
      return BadQueryParam(name, "invalid", "expected a comma-separated list of codes");
    items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

Result<Date> DateParam(std::string_view name, std::string_view text) {
  auto date = Date::Parse(text);
  if (!date) {
    return BadQueryParam(
        name, "invalid",
        fmt::format("expected a date YYYY-MM-DD, got \"{}\"", EchoForMessage(text)));
  }
  return *date;
}

// The chunk size handed to the caller's sink.
constexpr std::size_t kPiece = 16 * 1024;

}  // namespace

Status CheckCodeIdScheme(std::string_view name, std::string_view value) {
  if (EqualsIgnoreAsciiCase(value, "code")) return {};
  return BadQueryParam(
      name, "invalid",
      fmt::format("\"{}\" is not supported: only code is, ids in planwatch are codes",
                  EchoForMessage(value)));
}

Result<DataValueSetQuery> ParseDataValueSetQuery(const QueryParams& params) {
  DataValueSetQuery q;
  for (const auto& [name, value] : params) {
    if (name == "dataElement" || name == "orgUnit") {
      auto items = ListParam(name, value);
      if (!items) return std::unexpected(items.error());
      (name == "dataElement" ? q.data_elements : q.org_units) = std::move(*items);
    } else if (name == "period") {
      auto items = ListParam(name, value);
      if (!items) return std::unexpected(items.error());
      for (const std::string& text : *items) {
        auto period = Period::Parse(text);
        if (!period) return BadQueryParam(name, "invalid", period.error().message);
        q.periods.push_back(*period);
      }
    } else if (name == "children") {
      if (value != "true" && value != "false") {
        return BadQueryParam(
            name, "invalid",
            fmt::format("expected true or false, got \"{}\"", EchoForMessage(value)));
      }
      q.children = value == "true";
    } else if (name == "startDate" || name == "endDate") {
      auto date = DateParam(name, value);
      if (!date) return std::unexpected(date.error());
      (name == "startDate" ? q.start_date : q.end_date) = *date;
    } else if (name == "dataElementIdScheme" || name == "orgUnitIdScheme" || name == "idScheme") {
      if (auto ok = CheckCodeIdScheme(name, value); !ok) return std::unexpected(ok.error());
    } else {
      return BadQueryParam(name, "unknown_field",
                           fmt::format("unknown parameter \"{}\"; accepted: dataElement, orgUnit, "
                                       "children, period, startDate, endDate, dataElementIdScheme, "
                                       "orgUnitIdScheme, idScheme",
                                       EchoForMessage(name)));
    }
  }
  if (q.start_date.has_value() != q.end_date.has_value()) {
    const std::string_view missing = q.start_date ? "endDate" : "startDate";
    return BadQueryParam(missing, "required", "startDate and endDate go together");
  }
  if (q.start_date && !q.periods.empty()) {
    return BadQueryParam("period", "invalid",
                         "give either period or startDate and endDate, not both");
  }
  if (q.start_date && *q.start_date > *q.end_date) {
    return BadQueryParam(
        "endDate", "invalid",
        fmt::format("{} is before startDate {}", q.end_date->ToString(), q.start_date->ToString()));
  }
  return q;
}

std::string Dhis2Number(double value) {
  if (value == 0) return "0";  // also -0
  // Fixed notation with the shortest round-trip digits: never an exponent.
  std::array<char, 400> buf{};
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed);
  if (ec != std::errc()) return fmt::format("{}", value);
  return std::string(buf.data(), end);
}

Status WriteDataValueSet(StoreReader& store, const Principal& p, const DataValueSetQuery& query,
                         const std::function<void(std::string_view)>& out,
                         const DataValueSetOptions& options) {
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  const AccessPolicy policy(*tree);
  auto all_indicators = store.Indicators();
  if (!all_indicators) return std::unexpected(all_indicators.error());

  std::vector<const Indicator*> indicators;
  if (query.data_elements.empty()) {
    for (const Indicator& i : *all_indicators) indicators.push_back(&i);
  } else {
    for (const std::string& code : query.data_elements) {
      auto it = std::ranges::find(*all_indicators, code, &Indicator::code);
      if (it == all_indicators->end()) {
        return NotFound(fmt::format("unknown data element '{}'", EchoForMessage(code)));
      }
      if (std::ranges::find(indicators, &*it) == indicators.end()) indicators.push_back(&*it);
    }
  }
  std::ranges::sort(indicators, {}, &Indicator::code);

  std::vector<OrgUnitId> roots;
  for (const std::string& code : query.org_units) {
    const OrgUnit* unit = tree->FindByCode(code);
    if (unit == nullptr)
      return NotFound(fmt::format("unknown org unit '{}'", EchoForMessage(code)));
    if (!policy.CanReadValues(p, unit->id)) {
      return Fail(ErrorCode::kPermissionDenied,
                  fmt::format("{} may not read the values of org unit '{}'",
                              EchoForMessage(p.login), EchoForMessage(code)));
    }
    roots.push_back(unit->id);
  }
  // Unit filter: by subtree with children=true, else the units themselves (queried one by one).
  auto wanted_unit = [&](OrgUnitId unit) {
    if (roots.empty()) return true;
    return std::ranges::any_of(roots, [&](OrgUnitId root) {
      return query.children ? tree->InSubtree(unit, root) : unit == root;
    });
  };
  auto wanted_period = [&](const Period& period) {
    if (!query.periods.empty())
      return std::ranges::find(query.periods, period) != query.periods.end();
    if (query.start_date)
      return *query.start_date <= period.start() && period.end() <= *query.end_date;
    return true;
  };
  // The store is asked per unit when the units are few and exact, else per indicator.
  std::vector<std::optional<OrgUnitId>> unit_queries;
  if (!roots.empty() && !query.children) {
    std::unordered_set<std::int64_t> seen;
    for (OrgUnitId root : roots) {
      if (seen.insert(root.value).second) unit_queries.emplace_back(root);
    }
  } else {
    unit_queries.emplace_back(std::nullopt);
  }

  std::vector<std::int8_t> readable(tree->size(), -1);
  auto can_read = [&](OrgUnitId unit) {
    const int index = tree->Index(unit);
    if (index < 0) return false;
    std::int8_t& known = readable[static_cast<std::size_t>(index)];
    if (known < 0) known = policy.CanReadValues(p, unit) ? 1 : 0;
    return known == 1;
  };

  std::string piece;
  piece.reserve(kPiece + 1024);
  piece += "{\"dataValues\":[";
  std::size_t written = 0;
  for (const Indicator* indicator : indicators) {
    for (const std::optional<OrgUnitId>& unit : unit_queries) {
      DataValueQuery dq;
      dq.indicator = indicator->id;
      dq.unit = unit;
      auto values = store.DataValues(dq);
      if (!values) return std::unexpected(values.error());
      for (const DataValue& v : *values) {
        if (!wanted_unit(v.unit) || !wanted_period(v.period) || !can_read(v.unit)) continue;
        const OrgUnit* u = tree->Find(v.unit);
        if (u == nullptr) continue;
        if (++written > options.max_values) {
          return InvalidArgument(fmt::format(
              "more than {} values match; narrow the export with dataElement, orgUnit or period",
              options.max_values));
        }
        std::string text;
        if (indicator->value_type == ValueType::kBoolean && (v.value == 0 || v.value == 1)) {
          text = v.value == 1 ? "true" : "false";
        } else {
          text = Dhis2Number(v.value);
        }
        nlohmann::ordered_json item{{"dataElement", indicator->code},
                                    {"period", v.period.ToString()},
                                    {"orgUnit", u->code},
                                    {"value", std::move(text)},
                                    {"storedBy", v.stored_by},
                                    {"lastUpdated", v.stored_at},
                                    {"created", v.stored_at},
                                    {"comment", v.comment},
                                    {"followup", false}};
        if (written > 1) piece += ',';
        piece += item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (piece.size() >= kPiece) {
          out(piece);
          piece.clear();
        }
      }
    }
  }
  piece += "]}";
  out(piece);
  return {};
}

}  // namespace planwatch
