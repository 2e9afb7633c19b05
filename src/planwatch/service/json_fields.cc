#include "planwatch/service/json_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "planwatch/base/text.h"

namespace planwatch {
namespace {

using nlohmann::json;

std::string_view TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "a value";
  }
}

}  // namespace

std::string FieldMessage(std::string_view code, std::string_view text) {
  return fmt::format("{}: {}", code, text);
}

JsonFields::JsonFields(const json& body, Mode mode, std::initializer_list<std::string_view> known)
    : body_(body), mode_(mode) {
  if (!body_.is_object()) {
    Add("", "type", fmt::format("the body must be a JSON object, not {}", TypeName(body_)));
    return;
  }
  for (const auto& [key, value] : body_.items()) {
    if (std::ranges::find(known, std::string_view(key)) == known.end()) {
      Add(key, "unknown_field", fmt::format("unknown field \"{}\"", EchoForMessage(key)));
    }
  }
}

void JsonFields::Add(std::string_view field, std::string_view code, std::string_view text) {
  errors_.push_back(ErrorDetail{0, std::string(field), FieldMessage(code, text)});
}

bool JsonFields::Has(std::string_view name) const {
  return body_.is_object() && body_.contains(name);
}

const json* JsonFields::Find(std::string_view name, bool required) {
  if (!body_.is_object()) return nullptr;
  auto it = body_.find(name);
  if (it == body_.end()) {
    if (required && mode_ == Mode::kCreate) Add(name, "required", "this field is required");
    return nullptr;
  }
  if (it->is_null() && required) {
    Add(name, "required", "this field is required and cannot be null");
    return nullptr;
  }
  return &*it;
}

bool JsonFields::Text(std::string_view name, std::string& out, bool required,
                      std::size_t max_bytes) {
  const json* v = Find(name, required);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.clear();
    return true;
  }
  if (!v->is_string()) {
    Add(name, "type", fmt::format("expected a string, got {}", TypeName(*v)));
    return false;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    Add(name, "too_long", fmt::format("at most {} bytes", max_bytes));
    return false;
  }
  if (required && TrimAscii(s).empty()) {
    Add(name, "required", "this field cannot be empty");
    return false;
  }
  out = s;
  return true;
}

bool JsonFields::Integer(std::string_view name, int& out, bool required, int min, int max) {
  const json* v = Find(name, required);
  if (v == nullptr) return false;
  if (!v->is_number_integer() && !v->is_number_unsigned()) {
    Add(name, "type", fmt::format("expected an integer, got {}", TypeName(*v)));
    return false;
  }
  if (v->is_number_unsigned() ? v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)
                              : (v->get<std::int64_t>() < min || v->get<std::int64_t>() > max)) {
    Add(name, "out_of_range", fmt::format("must be between {} and {}", min, max));
    return false;
  }
  out = static_cast<int>(v->get<std::int64_t>());
  return true;
}

bool JsonFields::OptionalInteger(std::string_view name, std::optional<int>& out, int min, int max) {
  const json* v = Find(name, false);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.reset();
    return true;
  }
  int value = 0;
  if (!Integer(name, value, false, min, max)) return false;
  out = value;
  return true;
}

bool JsonFields::Number(std::string_view name, double& out, bool required) {
  const json* v = Find(name, required);
  if (v == nullptr) return false;
  if (!v->is_number()) {
    Add(name, "type", fmt::format("expected a number, got {}", TypeName(*v)));
    return false;
  }
  double d = v->get<double>();
  if (!std::isfinite(d)) {
    Add(name, "out_of_range", "must be a finite number");
    return false;
  }
  out = d;
  return true;
}

bool JsonFields::OptionalNumber(std::string_view name, std::optional<double>& out) {
  const json* v = Find(name, false);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.reset();
    return true;
  }
  double d = 0;
  if (!Number(name, d)) return false;
  out = d;
  return true;
}

bool JsonFields::Boolean(std::string_view name, bool& out, bool required) {
  const json* v = Find(name, required);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    Add(name, "type", fmt::format("expected true or false, got {}", TypeName(*v)));
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool JsonFields::DateField(std::string_view name, Date& out, bool required) {
  std::string text;
  if (!Text(name, text, required, 64)) return false;
  auto d = Date::Parse(text);
  if (!d) {
    Add(name, "invalid", d.error().message);
    return false;
  }
  out = *d;
  return true;
}

bool JsonFields::OptionalDate(std::string_view name, std::optional<Date>& out) {
  const json* v = Find(name, false);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.reset();
    return true;
  }
  Date d;
  if (!DateField(name, d)) return false;
  out = d;
  return true;
}

bool JsonFields::PeriodField(std::string_view name, Period& out, bool required) {
  std::string text;
  if (!Text(name, text, required, 64)) return false;
  auto p = Period::Parse(text);
  if (!p) {
    Add(name, "invalid", p.error().message);
    return false;
  }
  out = *p;
  return true;
}

bool JsonFields::OptionalPeriod(std::string_view name, std::optional<Period>& out) {
  const json* v = Find(name, false);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.reset();
    return true;
  }
  Period p = Period::Year(1970);
  if (!PeriodField(name, p)) return false;
  out = p;
  return true;
}

bool JsonFields::TextList(std::string_view name, std::vector<std::string>& out,
                          std::size_t max_items) {
  const json* v = Find(name, false);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.clear();
    return true;
  }
  if (!v->is_array() || v->size() > max_items ||
      !std::ranges::all_of(*v, [](const json& e) { return e.is_string(); })) {
    Add(name, "type", fmt::format("expected an array of at most {} strings", max_items));
    return false;
  }
  out.clear();
  for (const json& e : *v) out.push_back(e.get<std::string>());
  return true;
}

bool JsonFields::RawId(std::string_view name, std::int64_t& out, bool required) {
  const json* v = Find(name, required);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out = 0;
    return true;
  }
  if (!(v->is_number_integer() || v->is_number_unsigned()) ||
      (v->is_number_integer() && v->get<std::int64_t>() <= 0)) {
    Add(name, "type",
        fmt::format("expected an id (a positive integer) or null, got {}", TypeName(*v)));
    return false;
  }
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    Add(name, "out_of_range", "id too large");
    return false;
  }
  out = v->get<std::int64_t>();
  return true;
}

bool JsonFields::RawIdList(std::string_view name, std::vector<std::int64_t>& out) {
  const json* v = Find(name, false);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.clear();
    return true;
  }
  if (!v->is_array() || v->size() > 1000 || !std::ranges::all_of(*v, [](const json& e) {
        return (e.is_number_unsigned() || (e.is_number_integer() && e.get<std::int64_t>() > 0)) &&
               e.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX);
      })) {
    Add(name, "type", "expected an array of ids (positive integers)");
    return false;
  }
  out.clear();
  for (const json& e : *v) out.push_back(e.get<std::int64_t>());
  return true;
}

Status JsonFields::Finish() const {
  if (errors_.empty()) return {};
  return Fail(ErrorCode::kInvalidArgument, "invalid request body", errors_);
}

json DateJson(const std::optional<Date>& d) {
  if (!d) return nullptr;
  return d->ToString();
}

Result<json> ParseJsonBody(std::string_view body) {
  if (auto bad = FirstInvalidUtf8(body); bad) {
    return InvalidArgument(fmt::format("the body is not valid UTF-8 (byte {})", *bad + 1));
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    // Parse again only to learn where; the exception carries the byte offset.
    try {
      const json unreachable = json::parse(body);
      return parsed;  // not reached: the same text failed above
    } catch (const json::parse_error& e) {
      return InvalidArgument(fmt::format("malformed JSON at byte {}", e.byte));
    } catch (const json::out_of_range&) {
      // nlohmann's only other parse failure (406): a number beyond a double, such as 1e999.
      return InvalidArgument("malformed JSON: a number is out of range");
    }
    return InvalidArgument("malformed JSON");
  }
  return parsed;
}

}  // namespace planwatch
