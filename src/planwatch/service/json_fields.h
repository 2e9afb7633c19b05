// Strict decoding of JSON request bodies into domain values. Every problem is collected as an
// ErrorDetail naming the field, so a client learns about all of them at once; unknown fields are
// refused (a typo never silently does nothing).
//
// Detail messages start with a stable code ("required", "unknown_field", "type", "invalid",
// "too_long", "out_of_range", "not_found") followed by ": " and an English explanation; the HTTP
// layer translates by code.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/period.h"

namespace planwatch {

// The message of an ErrorDetail made by JsonFields: "<code>: <text>".
std::string FieldMessage(std::string_view code, std::string_view text);

class JsonFields {
 public:
  enum class Mode {
    kCreate,  // required fields must be present
    kPatch,   // only fields present are read; none is required
  };

  // `body` must be an object; otherwise one error for the whole body (field "").
  // Fields not in `known` are reported as unknown.
  JsonFields(const nlohmann::json& body, Mode mode, std::initializer_list<std::string_view> known);

  // Each reader leaves `out` unchanged when the field is absent (or when invalid) and records
  // an error when it is required (kCreate) and absent, or present with the wrong type or value.
  // `null` clears optional fields and is an error for required ones. Returns true when the field
  // was present and valid (so the caller can tell a PATCH touched it).
  bool Text(std::string_view name, std::string& out, bool required = false,
            std::size_t max_bytes = 4096);
  bool Integer(std::string_view name, int& out, bool required = false, int min = INT32_MIN,
               int max = INT32_MAX);
  bool Number(std::string_view name, double& out, bool required = false);
  bool OptionalNumber(std::string_view name, std::optional<double>& out);
  bool OptionalInteger(std::string_view name, std::optional<int>& out, int min, int max);
  bool Boolean(std::string_view name, bool& out, bool required = false);
  bool DateField(std::string_view name, Date& out, bool required = false);
  bool OptionalDate(std::string_view name, std::optional<Date>& out);
  bool OptionalPeriod(std::string_view name, std::optional<Period>& out);
  bool PeriodField(std::string_view name, Period& out, bool required = false);
  bool TextList(std::string_view name, std::vector<std::string>& out, std::size_t max_items = 100);

  template <typename Tag>
  bool Ref(std::string_view name, Id<Tag>& out, bool required = false) {
    std::int64_t v = out.value;
    bool ok = RawId(name, v, required);
    if (ok) out = Id<Tag>{v};
    return ok;
  }
  template <typename Tag>
  bool RefList(std::string_view name, std::vector<Id<Tag>>& out) {
    std::vector<std::int64_t> raw;
    bool ok = RawIdList(name, raw);
    if (ok) {
      out.clear();
      for (std::int64_t v : raw) out.push_back(Id<Tag>{v});
    }
    return ok;
  }
  // An enum by name through `parse` (a Parse* function of the domain).
  template <typename E, typename Parse>
  bool Enum(std::string_view name, E& out, Parse parse, bool required = false) {
    std::string text;
    if (!Text(name, text, required, 64)) return false;
    auto parsed = parse(text);
    if (!parsed) {
      Add(name, "invalid", parsed.error().message);
      return false;
    }
    out = *parsed;
    return true;
  }

  bool Has(std::string_view name) const;
  void Add(std::string_view field, std::string_view code, std::string_view text);
  const std::vector<ErrorDetail>& errors() const { return errors_; }
  // invalid_argument "invalid request body" with every detail, or success.
  Status Finish() const;

 private:
  const nlohmann::json* Find(std::string_view name, bool required);
  bool RawId(std::string_view name, std::int64_t& out, bool required);
  bool RawIdList(std::string_view name, std::vector<std::int64_t>& out);

  const nlohmann::json& body_;
  Mode mode_;
  std::vector<ErrorDetail> errors_;
};

// A date as JSON: "YYYY-MM-DD", or null.
nlohmann::json DateJson(const std::optional<Date>& d);

// Parses a JSON body; invalid_argument ("malformed JSON: …" with the byte offset) otherwise.
// Invalid UTF-8 is refused too.
Result<nlohmann::json> ParseJsonBody(std::string_view body);

}  // namespace planwatch
