#include "planwatch/service/values.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "planwatch/base/text.h"
#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/service/resource_codecs.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

Status Denied(std::string message) {
  return Fail(ErrorCode::kPermissionDenied, std::move(message));
}

Status BadParam(std::string_view name, std::string_view code, const std::string& message) {
  return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", name),
              {ErrorDetail{0, std::string(name), FieldMessage(code, message)}});
}

Result<std::optional<DataValue>> CurrentValue(StoreReader& r, const ValueKey& key) {
  DataValueQuery query;
  query.indicator = key.indicator;
  query.unit = key.unit;
  auto values = r.DataValues(query);
  if (!values) return std::unexpected(values.error());
  for (DataValue& v : *values) {
    if (v.period == key.period) return std::optional<DataValue>(std::move(v));
  }
  return std::optional<DataValue>();
}

std::unexpected<Error> NoValue(const ValueKey& key) {
  return NotFound(fmt::format("no value of indicator {} for unit {} in {}", key.indicator.value,
                              key.unit.value, key.period.ToString()));
}

bool MayApprove(Role role) {
  return role == Role::kUnitLeader || role == Role::kStandingAgency || role == Role::kAdmin;
}

// Checks one value against its indicator and unit; problems go to `fields` under `prefix`.
void CheckValue(JsonFields& f, const std::string& prefix, const DataValue& v,
                const Indicator* indicator, const OrgTree& tree) {
  if (indicator == nullptr) {
    f.Add(prefix + "indicator", "not_found",
          fmt::format("no indicator with id {}", v.indicator.value));
  } else {
    if (v.period.type() != indicator->period_type) {
      f.Add(prefix + "period", "invalid",
            fmt::format("'{}' is not a {} period, as indicator {} is reported", v.period.ToString(),
                        PeriodTypeName(indicator->period_type), indicator->code));
    }
    if (auto valid = ValidateValue(*indicator, v.value); !valid) {
      f.Add(prefix + "value", "out_of_range", valid.error().message);
    }
  }
  if (tree.Find(v.unit) == nullptr) {
    f.Add(prefix + "unit", "not_found", fmt::format("no org unit with id {}", v.unit.value));
  }
}

const Indicator* FindIndicator(const std::vector<Indicator>& all, IndicatorId id) {
  auto it = std::ranges::find_if(all, [&](const Indicator& i) { return i.id == id; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace

Values::Values(Store& store) : store_(store) {}

Result<Page> Values::List(const Principal& p, const QueryParams& params) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  DataValueQuery query;
  Page page;
  std::optional<PeriodRange> periods;
  std::optional<ValueState> state;
  bool subtree = false;
  for (const auto& [name, value] : params) {
    auto as_id = [&](std::string_view n) -> Result<std::int64_t> {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size() || v <= 0) {
        return std::unexpected(
            BadParam(n, "invalid", fmt::format("expected an id, got \"{}\"", EchoForMessage(value)))
                .error());
      }
      return v;
    };
    if (name == "indicator" || name == "unit") {
      auto id = as_id(name);
      if (!id) return std::unexpected(id.error());
      if (name == "indicator") {
        query.indicator = IndicatorId{*id};
      } else {
        query.unit = OrgUnitId{*id};
      }
    } else if (name == "subtree") {
      if (value != "true" && value != "false") {
        return std::unexpected(BadParam(name, "invalid", "expected true or false").error());
      }
      subtree = value == "true";
    } else if (name == "periods") {
      auto range = PeriodRange::Parse(value);
      if (!range) return std::unexpected(BadParam(name, "invalid", range.error().message).error());
      periods = *range;
    } else if (name == "state") {
      auto s = ParseValueState(value);
      if (!s) return std::unexpected(BadParam(name, "invalid", s.error().message).error());
      state = *s;
    } else if (name == "as_of") {
      query.as_of = value;
    } else if (name == "limit" || name == "offset") {
      auto id = as_id(name);
      if (name == "offset" && value == "0") id = 0;
      if (!id || (name == "limit" && *id > 10'000)) {
        return std::unexpected(
            BadParam(name, "invalid", "expected an integer (limit 1–10000, offset 0 or more)")
                .error());
      }
      (name == "limit" ? page.limit : page.offset) = static_cast<int>(*id);
    } else {
      return std::unexpected(BadParam(name, "unknown_field",
                                      fmt::format("unknown parameter \"{}\"", EchoForMessage(name)))
                                 .error());
    }
  }
  OrgUnitId root = query.unit ? *query.unit : OrgUnitId{};
  if (subtree) query.unit.reset();
  if (root && tree->Find(root) == nullptr)
    return NotFound(fmt::format("no org unit with id {}", root.value));
  if (root && !policy.CanReadValues(p, root))
    return std::unexpected(Denied("this unit is outside your scope").error());
  auto values = store_.DataValues(query);
  if (!values) {
    if (values.error().code == ErrorCode::kInvalidArgument) {
      return std::unexpected(BadParam("as_of", "invalid", values.error().message).error());
    }
    return std::unexpected(values.error());
  }
  std::vector<json> items;
  for (const DataValue& v : *values) {
    if (subtree && !tree->InSubtree(v.unit, root)) continue;
    if (periods && !(periods->first <= v.period && v.period <= periods->last)) continue;
    if (periods && v.period.type() != periods->first.type()) continue;
    if (state && v.state != *state) continue;
    if (!policy.CanReadValues(p, v.unit)) continue;
    items.push_back(ToJson(v));
  }
  page.total = static_cast<std::int64_t>(items.size());
  for (std::size_t i = static_cast<std::size_t>(page.offset);
       i < items.size() && page.items.size() < static_cast<std::size_t>(page.limit); ++i) {
    page.items.push_back(std::move(items[i]));
  }
  return page;
}

Result<Resource> Values::Get(const Principal& p, const ValueKey& key) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  if (!AccessPolicy(*tree).CanReadValues(p, key.unit)) return NoValue(key);
  auto current = CurrentValue(store_, key);
  if (!current) return std::unexpected(current.error());
  if (!*current) return NoValue(key);
  json body = ToJson(**current);
  std::string etag = ETagOf(body);
  return Resource{std::move(body), std::move(etag)};
}

Result<Resource> Values::Put(const Principal& p, const ValueKey& key, const json& body,
                             const std::optional<std::string>& if_match) {
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto tree = LoadOrgTree(**tx);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  if (!policy.CanReadValues(p, key.unit)) return NoValue(key);
  if (!policy.CanWriteValues(p, key.unit))
    return std::unexpected(Denied("you may not enter data for this unit").error());
  auto current = CurrentValue(**tx, key);
  if (!current) return std::unexpected(current.error());
  if (*current) {
    if (!if_match) {
      return Fail(ErrorCode::kVersionRequired,
                  "this value exists: send the ETag you last read in If-Match");
    }
    if (*if_match != "*" && *if_match != ETagOf(ToJson(**current))) {
      return Fail(ErrorCode::kVersionMismatch,
                  "the value changed since you read it; read it again and reapply your change");
    }
  }
  DataValue v;
  v.indicator = key.indicator;
  v.unit = key.unit;
  v.period = key.period;
  v.state = MayApprove(p.role) ? ValueState::kApproved : ValueState::kSubmitted;
  v.stored_by = p.login;
  JsonFields f(body, JsonFields::Mode::kCreate, {"value", "comment", "state"});
  f.Number("value", v.value, true);
  f.Text("comment", v.comment, false, 4096);
  f.Enum("state", v.state, ParseValueState);
  auto indicators = (*tx)->Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  // The indicator and the unit are the value's address: unknown ones are not found.
  if (FindIndicator(*indicators, key.indicator) == nullptr || tree->Find(key.unit) == nullptr) {
    return NoValue(key);
  }
  CheckValue(f, "", v, FindIndicator(*indicators, key.indicator), *tree);
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (v.state == ValueState::kApproved && !MayApprove(p.role)) {
    // Names the field, as every refused body field is named.
    return Fail(ErrorCode::kPermissionDenied, "only a unit leader approves values",
                {ErrorDetail{0, "state",
                             FieldMessage("forbidden",
                                          "only a unit leader, a standing agency or an admin "
                                          "stores approved values")}});
  }
  if (auto put = (*tx)->PutDataValue(v); !put) return std::unexpected(put.error());
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  return Get(p, key);
}

Status Values::Delete(const Principal& p, const ValueKey& key,
                      const std::optional<std::string>& if_match) {
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto tree = LoadOrgTree(**tx);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  if (!policy.CanReadValues(p, key.unit)) return NoValue(key);
  auto current = CurrentValue(**tx, key);
  if (!current) return std::unexpected(current.error());
  if (!*current) return NoValue(key);
  if (!policy.CanWriteValues(p, key.unit)) return Denied("you may not enter data for this unit");
  if (!if_match) {
    return Fail(ErrorCode::kVersionRequired, "send the ETag you last read in If-Match");
  }
  if (*if_match != "*" && *if_match != ETagOf(ToJson(**current))) {
    return Fail(ErrorCode::kVersionMismatch,
                "the value changed since you read it; read it again before deleting it");
  }
  if (auto done = (*tx)->DeleteDataValue(key.indicator, key.unit, key.period, p.login); !done) {
    return done;
  }
  return (*tx)->Commit();
}

Result<json> Values::History(const Principal& p, const ValueKey& key) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  if (!AccessPolicy(*tree).CanReadValues(p, key.unit)) return NoValue(key);
  auto history = store_.DataValueHistory(key.indicator, key.unit, key.period);
  if (!history) return std::unexpected(history.error());
  if (history->empty()) return NoValue(key);
  json out = json::array();
  for (const DataValue& v : *history) out.push_back(ToJson(v));
  return out;
}

Result<json> Values::Targets(const Principal& p, IndicatorId indicator) {
  if (!p.user) return std::unexpected(Denied("sign in first").error());
  auto indicators = store_.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  if (FindIndicator(*indicators, indicator) == nullptr) {
    return NotFound(fmt::format("no indicators with id {}", indicator.value));
  }
  auto targets = store_.Targets();
  if (!targets) return std::unexpected(targets.error());
  json out = json::array();
  for (const Target& t : *targets) {
    if (t.indicator == indicator) out.push_back(ToJson(t));
  }
  return out;
}

Result<json> Values::PutTarget(const Principal& p, IndicatorId indicator, const json& body) {
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto tree = LoadOrgTree(**tx);
  if (!tree) return std::unexpected(tree.error());
  auto indicators = (*tx)->Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  const Indicator* found = FindIndicator(*indicators, indicator);
  if (found == nullptr) return NotFound(fmt::format("no indicators with id {}", indicator.value));
  if (!AccessPolicy(*tree).CanManageIndicator(p, *found)) {
    return std::unexpected(Denied("you may not set this indicator's targets").error());
  }
  Target t;
  t.indicator = indicator;
  JsonFields f(body, JsonFields::Mode::kCreate, {"unit", "date", "value"});
  f.Ref("unit", t.unit);
  f.DateField("date", t.date, true);
  f.Number("value", t.value, true);
  if (t.unit && tree->Find(t.unit) == nullptr) {
    f.Add("unit", "not_found", fmt::format("no org unit with id {}", t.unit.value));
  }
  if (f.errors().empty()) {
    if (auto valid = ValidateValue(*found, t.value); !valid) {
      f.Add("value", "out_of_range", valid.error().message);
    }
  }
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (auto put = (*tx)->PutTarget(t); !put) return std::unexpected(put.error());
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  return ToJson(t);
}

}  // namespace planwatch
