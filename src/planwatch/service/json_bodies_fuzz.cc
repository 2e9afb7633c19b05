// Feeds arbitrary bytes to the strict JSON body decoding every resource write goes through:
// ParseJsonBody, then the fields of the kind picked by the first byte, in create or patch mode
// (second bit), into a default record. Oracle: no crash; a body that is not JSON is one
// invalid_argument; every field problem is a detail with a stable code before ": "; a body
// without problems finishes cleanly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_fixture.h"

#include "planwatch/service/json_fields.h"
#include "planwatch/service/resource_codecs.h"

namespace {

using planwatch::JsonFields;
using planwatch::fuzz::Check;

bool StableCode(const std::string& message) {
  for (std::string_view code :
       {"required", "unknown_field", "type", "invalid", "too_long", "out_of_range", "not_found"}) {
    if (message.starts_with(code) && message.size() > code.size() + 2 &&
        message.compare(code.size(), 2, ": ") == 0) {
      return true;
    }
  }
  return false;
}

template <typename Record>
void DecodeInto(const nlohmann::json& body, JsonFields::Mode mode) {
  Record record{};
  JsonFields fields = planwatch::MakeFields(body, mode, static_cast<const Record*>(nullptr));
  planwatch::Decode(fields, record);
  for (const planwatch::ErrorDetail& detail : fields.errors()) Check(StableCode(detail.message));
  auto finished = fields.Finish();
  Check(finished.has_value() == fields.errors().empty());
  if (!finished) Check(finished.error().code == planwatch::ErrorCode::kInvalidArgument);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto body = planwatch::ParseJsonBody(text);
  if (!body) {
    Check(body.error().code == planwatch::ErrorCode::kInvalidArgument);
    Check(!body.error().message.empty());
    return 0;
  }
  const auto mode = (flags & 0x80) != 0 ? JsonFields::Mode::kPatch : JsonFields::Mode::kCreate;
  switch (flags % 6) {
    case 0:
      DecodeInto<planwatch::OrgUnit>(*body, mode);
      break;
    case 1:
      DecodeInto<planwatch::Directive>(*body, mode);
      break;
    case 2:
      DecodeInto<planwatch::Plan>(*body, mode);
      break;
    case 3:
      DecodeInto<planwatch::TaskGroup>(*body, mode);
      break;
    case 4:
      DecodeInto<planwatch::Task>(*body, mode);
      break;
    default:
      DecodeInto<planwatch::Indicator>(*body, mode);
      break;
  }
  return 0;
}
