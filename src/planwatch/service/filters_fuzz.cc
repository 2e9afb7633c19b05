// Feeds arbitrary query parameters to every list filter and query decoder: the resource lists
// (every kind, as a root administrator over a small stored fixture, so filters on codes, units,
// dates and states reach the store), CKAN's package_search, the DHIS2 export query and the bulk
// ingest's parameters. Input: lines "name=value" (the first '=' splits; a later duplicate name
// replaces an earlier one, as the HTTP layer refuses repeats). Oracle: no crash; a refusal is
// invalid_argument (or not_found for a filter naming a missing record) with a message.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_fixture.h"

#include "planwatch/base/date.h"
#include "planwatch/service/data_value_sets.h"
#include "planwatch/service/ingest.h"
#include "planwatch/service/open_data.h"
#include "planwatch/service/resources.h"

namespace {

using planwatch::ErrorCode;
using planwatch::fuzz::Check;

struct Fixture {
  std::unique_ptr<planwatch::Store> store;
  std::unique_ptr<planwatch::Resources> resources;
  planwatch::Principal admin;
};

Fixture& Get() {
  static Fixture fixture = [] {
    Fixture f;
    f.store = planwatch::fuzz::OpenFixture("filters");
    auto units = f.store->OrgUnits();
    Check(units.has_value() && !units->empty());
    f.admin = planwatch::Principal{planwatch::UserId{1}, "fuzz", planwatch::Role::kAdmin,
                                   units->front().id};
    f.resources = std::make_unique<planwatch::Resources>(
        *f.store, [] { return planwatch::Date::FromYmd(2025, 6, 30).value(); });
    return f;
  }();
  return fixture;
}

template <typename T>
void CheckRefusal(const planwatch::Result<T>& result) {
  if (result) return;
  Check(result.error().code == ErrorCode::kInvalidArgument ||
        result.error().code == ErrorCode::kNotFound);
  Check(!result.error().message.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Fixture& f = Get();
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  planwatch::QueryParams params;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    const std::size_t eq = line.find('=');
    params.insert_or_assign(
        std::string(line.substr(0, eq)),
        eq == std::string_view::npos ? std::string() : std::string(line.substr(eq + 1)));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  switch (data[0] % 4) {
    case 0: {
      const planwatch::ResourceKind kinds[] = {
          planwatch::ResourceKind::kOrgUnit, planwatch::ResourceKind::kDirective,
          planwatch::ResourceKind::kPlan,    planwatch::ResourceKind::kTaskGroup,
          planwatch::ResourceKind::kTask,    planwatch::ResourceKind::kIndicator};
      auto page = f.resources->List(f.admin, kinds[(data[0] / 4) % 6], params);
      CheckRefusal(page);
      if (page) Check(page->items.is_array() && page->items.size() <= 1000);
      break;
    }
    case 1:
      CheckRefusal(planwatch::ParseCkanSearch(params));
      break;
    case 2:
      CheckRefusal(planwatch::ParseDataValueSetQuery(params));
      break;
    default:
      CheckRefusal(planwatch::ParseIngestParams(params));
      break;
  }
  return 0;
}
