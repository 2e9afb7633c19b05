// The small stored model the fuzz targets run against, so that references resolve and the deeper
// checks are reached: a province with a department, a commune and a merged commune; a directive;
// a plan with a task group; count indicators and a ratio of them; a deadline task (claimed) and a
// recurring one. The database lives in the temporary folder for the process and is removed at exit.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "planwatch/service/import.h"
#include "planwatch/storage/store.h"

namespace planwatch::fuzz {

inline void Check(bool ok) {
  if (!ok) __builtin_trap();
}

inline std::string& FixturePath() {
  static std::string path;
  return path;
}

inline void RemoveFixture() {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(FixturePath() + suffix);
  }
}

inline void Load(Store& store, DataKind kind, const char* csv) {
  std::istringstream in(csv);
  Check(ImportCsv(store, kind, in).has_value());
}

// Opens a new fixture database named after `target` and the process, and loads the model.
inline std::unique_ptr<Store> OpenFixture(const std::string& target) {
  FixturePath() = (std::filesystem::temp_directory_path() /
                   ("planwatch_" + target + "_fuzz_" + std::to_string(::getpid()) + ".db"))
                      .string();
  RemoveFixture();
  std::atexit(RemoveFixture);
  auto opened = Store::Open(StoreOptions{FixturePath(), true});
  Check(opened.has_value());
  Store& s = **opened;
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
}

}  // namespace planwatch::fuzz
