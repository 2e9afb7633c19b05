// Feeds arbitrary bytes to the CSV import: the first byte picks the kind, the rest is the file.
// Imports run as dry runs over a small stored fixture, so references can resolve and the deeper
// checks are reached. Oracle: no crash; a refused file is invalid_argument (or conflict) with a
// message; an accepted one accounts for every row.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "fuzz_fixture.h"

#include "planwatch/service/import.h"
#include "planwatch/storage/store.h"

namespace {

using planwatch::DataKind;
using planwatch::fuzz::Check;

planwatch::Store& Fixture() {
  static std::unique_ptr<planwatch::Store> store = planwatch::fuzz::OpenFixture("import");
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  planwatch::Store& store = Fixture();
  const auto kinds = planwatch::AllDataKinds();
  const DataKind kind = kinds[data[0] % kinds.size()];
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  planwatch::ImportOptions options;
  options.dry_run = true;
  auto result = planwatch::ImportCsv(store, kind, in, options);
  if (!result) {
    Check(result.error().code == planwatch::ErrorCode::kInvalidArgument ||
          result.error().code == planwatch::ErrorCode::kConflict);
    Check(!result.error().message.empty());
    return 0;
  }
  Check(result->inserted + result->updated + result->unchanged == result->rows);
  return 0;
}
