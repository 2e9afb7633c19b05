// Feeds arbitrary bytes to the CSV import: the first byte picks the kind, the rest is the file.
// Imports run as dry runs over a small stored fixture, so references can resolve and the deeper
// checks are reached. Oracle: no crash; a refused file is invalid_argument (or conflict) with a
// message; an accepted one accounts for every row.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "planwatch/service/import.h"
#include "planwatch/storage/store.h"

namespace {

using planwatch::DataKind;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string g_path;

void RemoveFixture() {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(g_path + suffix);
}

void Load(planwatch::Store& store, DataKind kind, const char* csv) {
  std::istringstream in(csv);
  Check(planwatch::ImportCsv(store, kind, in).has_value());
}

planwatch::Store& Fixture() {
  static std::unique_ptr<planwatch::Store> store = [] {
    g_path = (std::filesystem::temp_directory_path() /
              ("planwatch_import_fuzz_" + std::to_string(::getpid()) + ".db"))
                 .string();
    RemoveFixture();
    std::atexit(RemoveFixture);
    auto opened = planwatch::Store::Open(planwatch::StoreOptions{g_path, true});
    Check(opened.has_value());
    planwatch::Store& s = **opened;
    Load(s, DataKind::kUnits,
         "code,name_vi,type,parent_code,valid_to,successor_codes\n"
         "SL,Sơn La,province,,,\nD,Sở,department,SL,,\nC,Xã,commune,SL,,\n"
         "OLD,Xã cũ,commune,SL,2025-06-30,C\n");
    Load(s, DataKind::kDirectives, "number,kind,title_vi\n57-NQ/TW,resolution,Nghị quyết\n");
    Load(s, DataKind::kPlans,
         "code,title_vi,issuer_code,standing_agency_code,directive_numbers\n"
         "K,Kế hoạch,SL,D,57-NQ/TW\n");
    Load(s, DataKind::kTaskGroups, "plan_code,code,title_vi\nK,G1,Nhóm\n");
    Load(s, DataKind::kIndicators,
         "code,name_vi,value_type,unit_aggregation,numerator_code,denominator_code,factor,"
         "period_type,min_value,max_value\n"
         "N,Tử số,count,sum,,,,monthly,,\nM,Mẫu số,count,sum,,,,monthly,,\n"
         "R,Tỷ lệ,percent,ratio,N,M,100,monthly,0,100\n");
    Load(s, DataKind::kTasks,
         "plan_code,code,group_code,title_vi,lead_unit_code,assigned_on,deadline,kind,cadence\n"
         "K,T1,G1,Việc,D,2025-01-01,2025-06-30,deadline,\n"
         "K,T2,G1,Định kỳ,C,2025-01-01,,recurring,monthly\n");
    Load(s, DataKind::kTaskUpdates,
         "plan_code,task_code,kind,date,completed_on\nK,T1,claim,2025-06-01,2025-05-30\n");
    return std::move(*opened);
  }();
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
