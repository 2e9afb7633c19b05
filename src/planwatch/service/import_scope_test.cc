// Records exports and imports confined to one unit's subtree (ExportScope,
// ImportOptions::scope), as the API runs them for an administrator of one of several roots.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "planwatch/documents/xlsx_reader.h"
#include "planwatch/service/export.h"
#include "planwatch/service/import.h"
#include "planwatch/storage/store.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Two roots: Sơn La (SL) and Q. Directive 57-NQ/TW is cited by both plans, 01-SL and 02-Q by one
// each, 99-FREE by none. Indicator I-ALL has no responsible unit. Task Q.01 of Q's plan has
// SL-SKHCN as a coordinating unit.
constexpr const char* kFixture[][2] = {
    {"units",
     "code,name_vi,type,parent_code,valid_from,valid_to,successor_codes\n"
     "SL,Tỉnh Sơn La,province,,2020-01-01,,\n"
     "SL-SKHCN,Sở Khoa học và Công nghệ Sơn La,department,SL,2020-01-01,,\n"
     "SL-OLD,Xã Cũ,commune,SL,2020-01-01,2024-12-31,SL-NEW\n"
     "SL-NEW,Xã Mới,commune,SL,2025-01-01,,\n"
     "Q,Tỉnh Q,province,,2020-01-01,,\n"
     "Q-SKH,Sở Kế hoạch Q,department,Q,2020-01-01,,\n"},
    {"directives",
     "number,kind,title_vi\n"
     "57-NQ/TW,resolution,Nghị quyết 57\n"
     "01-SL,plan,Văn bản của Sơn La\n"
     "02-Q,plan,Văn bản của Q\n"
     "99-FREE,dispatch,Công văn chưa dẫn chiếu\n"},
    {"plans",
     "code,title_vi,issuer_code,directive_numbers,start,end,standing_agency_code\n"
     "KH-SL,Kế hoạch Sơn La,SL,57-NQ/TW;01-SL,2025-01-01,2030-12-31,SL-SKHCN\n"
     "KH-Q,Kế hoạch Q,Q,57-NQ/TW;02-Q,2025-01-01,2030-12-31,Q-SKH\n"},
    {"task-groups",
     "plan_code,code,title_vi,order\n"
     "KH-SL,N1,Nhóm Sơn La,1\n"
     "KH-Q,NQ,Nhóm Q,1\n"},
    {"indicators",
     "code,name_vi,value_type,unit_aggregation,time_aggregation,period_type,"
     "responsible_unit_code\n"
     "I-SL,Chỉ tiêu Sơn La,number,sum,sum,yearly,SL-SKHCN\n"
     "I-Q,Chỉ tiêu Q,number,sum,sum,yearly,Q-SKH\n"
     "I-ALL,Chỉ tiêu chung,number,sum,sum,yearly,\n"},
    {"targets",
     "indicator_code,unit_code,date,value\n"
     "I-SL,SL-SKHCN,2026-12-31,10\n"
     "I-Q,Q-SKH,2026-12-31,20\n"
     "I-SL,,2027-12-31,30\n"
     "I-ALL,Q,2026-12-31,40\n"},
    {"tasks",
     "plan_code,code,group_code,title_vi,lead_unit_code,coordinating_unit_codes,kind,"
     "assigned_on,deadline,classified\n"
     "KH-SL,1.01,N1,Nhiệm vụ Sơn La,SL-SKHCN,,deadline,2025-01-15,2026-06-30,false\n"
     "KH-SL,1.02,N1,Nhiệm vụ mật Sơn La,SL-SKHCN,,deadline,2025-01-15,2026-06-30,true\n"
     "KH-Q,Q.01,NQ,Nhiệm vụ của Q,Q-SKH,SL-SKHCN,deadline,2025-01-15,2026-06-30,false\n"},
    {"task-updates",
     "plan_code,task_code,kind,date,progress_percent,actor\n"
     "KH-SL,1.01,progress,2025-03-01,50,Người Sơn La\n"
     "KH-Q,Q.01,progress,2025-03-02,20,Người Q\n"},
    {"data-values",
     "indicator_code,unit_code,period,value,state\n"
     "I-SL,SL-SKHCN,2025,5,approved\n"
     "I-Q,Q-SKH,2025,6,approved\n"
     "I-ALL,SL,2025,7,approved\n"
     "I-ALL,Q,2025,8,approved\n"},
};

class ImportScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_import_scope_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    for (const auto& [kind_name, csv] : kFixture) {
      auto kind = ParseDataKind(kind_name);
      ASSERT_TRUE(kind.has_value());
      auto summary = Import(*kind, csv, std::nullopt);
      ASSERT_TRUE(summary.has_value()) << kind_name << ": " << summary.error().ToString();
    }
    auto units = store_->OrgUnits();
    ASSERT_TRUE(units.has_value());
    for (const OrgUnit& u : *units) {
      if (u.code == "SL") sl_ = u.id;
      if (u.code == "Q") q_ = u.id;
      if (u.code == "SL-SKHCN") sl_skhcn_ = u.id;
    }
    ASSERT_TRUE(sl_ && q_ && sl_skhcn_);
  }
  void TearDown() override {
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }

  Result<ImportSummary> Import(DataKind kind, const std::string& csv,
                               std::optional<OrgUnitId> scope) {
    std::istringstream in(csv);
    ImportOptions options;
    options.scope = scope;
    return ImportCsv(*store_, kind, in, options);
  }

  std::vector<std::string> Keys(DataKind kind, ExportScope scope) {
    auto rows = ExportRows(*store_, kind, scope);
    EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
    std::vector<std::string> keys;
    for (const ExportRow& row : rows.value_or(std::vector<ExportRow>{})) keys.push_back(row.key);
    return keys;
  }

  std::string Csv(DataKind kind, ExportScope scope) {
    std::ostringstream out;
    auto st = ExportCsv(*store_, kind, out, scope);
    EXPECT_TRUE(st.has_value()) << st.error().ToString();
    return out.str();
  }

  // Every kind as the CLI exports it: equal fingerprints, equal data.
  std::string Fingerprint() {
    std::string all;
    for (DataKind kind : AllDataKinds()) all += Csv(kind, std::nullopt);
    return all;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  OrgUnitId sl_, q_, sl_skhcn_;
};

TEST_F(ImportScopeTest, ExportAsEachRootHoldsOnlyItsRecords) {
  EXPECT_THAT(Keys(DataKind::kUnits, sl_), ElementsAre("SL", "SL-NEW", "SL-OLD", "SL-SKHCN"));
  EXPECT_THAT(Keys(DataKind::kUnits, q_), ElementsAre("Q", "Q-SKH"));
  EXPECT_THAT(Keys(DataKind::kDirectives, sl_), ElementsAre("01-SL", "57-NQ/TW", "99-FREE"));
  EXPECT_THAT(Keys(DataKind::kDirectives, q_), ElementsAre("02-Q", "57-NQ/TW", "99-FREE"));
  EXPECT_THAT(Keys(DataKind::kPlans, sl_), ElementsAre("KH-SL"));
  EXPECT_THAT(Keys(DataKind::kPlans, q_), ElementsAre("KH-Q"));
  EXPECT_THAT(Keys(DataKind::kTaskGroups, sl_), ElementsAre("KH-SL/N1"));
  EXPECT_THAT(Keys(DataKind::kTaskGroups, q_), ElementsAre("KH-Q/NQ"));
  EXPECT_THAT(Keys(DataKind::kIndicators, sl_), ElementsAre("I-ALL", "I-SL"));
  EXPECT_THAT(Keys(DataKind::kIndicators, q_), ElementsAre("I-ALL", "I-Q"));
  EXPECT_THAT(Keys(DataKind::kTargets, sl_),
              ElementsAre("I-SL//2027-12-31", "I-SL/SL-SKHCN/2026-12-31"));
  EXPECT_THAT(Keys(DataKind::kTargets, q_),
              ElementsAre("I-ALL/Q/2026-12-31", "I-Q/Q-SKH/2026-12-31"));
  EXPECT_THAT(Keys(DataKind::kTasks, sl_), ElementsAre("KH-SL/1.01", "KH-SL/1.02"));
  EXPECT_THAT(Keys(DataKind::kTasks, q_), ElementsAre("KH-Q/Q.01"));
  EXPECT_THAT(Keys(DataKind::kTaskUpdates, sl_), ElementsAre("KH-SL/1.01"));
  EXPECT_THAT(Keys(DataKind::kTaskUpdates, q_), ElementsAre("KH-Q/Q.01"));
  EXPECT_THAT(Keys(DataKind::kDataValues, sl_), ElementsAre("I-ALL/SL/2025", "I-SL/SL-SKHCN/2025"));
  EXPECT_THAT(Keys(DataKind::kDataValues, q_), ElementsAre("I-ALL/Q/2025", "I-Q/Q-SKH/2025"));
  // A subtree below a root: only SL-SKHCN's own records (no plan names it as issuer, but it is
  // KH-SL's standing agency).
  EXPECT_THAT(Keys(DataKind::kUnits, sl_skhcn_), ElementsAre("SL-SKHCN"));
  EXPECT_THAT(Keys(DataKind::kPlans, sl_skhcn_), ElementsAre("KH-SL"));
  EXPECT_THAT(Keys(DataKind::kDataValues, sl_skhcn_), ElementsAre("I-SL/SL-SKHCN/2025"));
  // Unscoped (the CLI): everything.
  EXPECT_THAT(Keys(DataKind::kPlans, std::nullopt), ElementsAre("KH-Q", "KH-SL"));
  EXPECT_THAT(Keys(DataKind::kTasks, std::nullopt),
              ElementsAre("KH-Q/Q.01", "KH-SL/1.01", "KH-SL/1.02"));
  // A unit that does not exist holds nothing.
  EXPECT_THAT(Keys(DataKind::kUnits, OrgUnitId{9999}), IsEmpty());
  EXPECT_THAT(Keys(DataKind::kTasks, OrgUnitId{9999}), IsEmpty());

  // The titles themselves, classified ones included, in CSV and in the workbook.
  const std::string q_tasks = Csv(DataKind::kTasks, q_);
  EXPECT_THAT(q_tasks, HasSubstr("Nhiệm vụ của Q"));
  EXPECT_THAT(q_tasks, Not(HasSubstr("Nhiệm vụ Sơn La")));
  EXPECT_THAT(q_tasks, Not(HasSubstr("Nhiệm vụ mật Sơn La")));
  const std::string sl_tasks = Csv(DataKind::kTasks, sl_);
  EXPECT_THAT(sl_tasks, HasSubstr("Nhiệm vụ mật Sơn La"));
  EXPECT_THAT(sl_tasks, Not(HasSubstr("Nhiệm vụ của Q")));
  EXPECT_THAT(Csv(DataKind::kUnits, q_), Not(HasSubstr("Sơn La")));
  auto bytes = ExportWorkbook(*store_, AllDataKinds(), Date::Parse("2026-01-05").value(), q_);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
  auto book = ReadXlsx(*bytes);
  ASSERT_TRUE(book.has_value()) << book.error().ToString();
  std::string cells;
  for (const XlsxSheet& sheet : book->sheets) {
    for (const XlsxRow& row : sheet.rows) {
      for (const std::string& cell : row.cells) cells += cell + "\n";
    }
  }
  EXPECT_THAT(cells, HasSubstr("Nhiệm vụ của Q"));
  EXPECT_THAT(cells, Not(HasSubstr("Nhiệm vụ Sơn La")));
  EXPECT_THAT(cells, Not(HasSubstr("Nhiệm vụ mật Sơn La")));
  EXPECT_THAT(cells, Not(HasSubstr("Kế hoạch Sơn La")));
  EXPECT_THAT(cells, Not(HasSubstr("Văn bản của Sơn La")));
  EXPECT_THAT(cells, Not(HasSubstr("Người Sơn La")));
  // The one reference Q's records hold to Sơn La: Q.01's coordinating unit.
  EXPECT_THAT(cells, HasSubstr("SL-SKHCN"));
}

TEST_F(ImportScopeTest, ScopedExportsImportBackUnchangedUnderTheSameScope) {
  const std::string before = Fingerprint();
  for (OrgUnitId scope : {sl_, q_}) {
    auto bytes = ExportWorkbook(*store_, AllDataKinds(), Date::Parse("2026-01-05").value(), scope);
    ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
    ImportOptions options;
    options.scope = scope;
    auto summary = ImportWorkbook(*store_, *bytes, std::nullopt, options);
    ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
    EXPECT_EQ(summary->inserted, 0);
    EXPECT_EQ(summary->updated, 0);
    EXPECT_EQ(summary->unchanged, summary->rows);
    EXPECT_EQ(summary->rows, scope == sl_ ? 18 : 15);
    for (DataKind kind : AllDataKinds()) {
      auto again = Import(kind, Csv(kind, scope), scope);
      ASSERT_TRUE(again.has_value()) << DataKindName(kind) << ": " << again.error().ToString();
      EXPECT_EQ(again->inserted + again->updated, 0) << DataKindName(kind);
    }
  }
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(ImportScopeTest, ScopedImportNamingTheOtherRootIsRefusedWithEveryRow) {
  const std::string tasks =
      "plan_code,code,group_code,title_vi,lead_unit_code,coordinating_unit_codes,kind,"
      "assigned_on,deadline\n"
      "KH-Q,Q.02,NQ,Phối hợp với Sơn La,Q-SKH,SL-SKHCN,deadline,2025-02-01,2026-12-31\n"
      "KH-Q,Q.03,NQ,Giao cho Sơn La,SL,,deadline,2025-02-01,2026-12-31\n"
      "KH-SL,1.03,N1,Chen vào kế hoạch Sơn La,Q-SKH,,deadline,2025-02-01,2026-12-31\n"
      "KH-Q,Q.04,NQ,Việc của Q,Q-SKH,,deadline,2025-02-01,2026-12-31\n"
      "KH-SL,1.01,N1,Đổi tên nhiệm vụ Sơn La,SL-SKHCN,,deadline,2025-01-15,2026-06-30\n";
  const std::string before = Fingerprint();
  auto refused = Import(DataKind::kTasks, tasks, q_);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message,
            "4 of 5 rows reach outside your scope (Q); nothing was imported");
  EXPECT_THAT(refused.error().details,
              ElementsAre(ErrorDetail{2, "coordinating_unit_codes",
                                      "unit SL-SKHCN is outside your scope (Q)"},
                          ErrorDetail{3, "lead_unit_code", "unit SL is outside your scope (Q)"},
                          ErrorDetail{4, "plan_code", "plan KH-SL is outside your scope (Q)"},
                          ErrorDetail{6, "plan_code", "plan KH-SL is outside your scope (Q)"}));
  EXPECT_EQ(Fingerprint(), before);

  // Dry run as well: the same answer.
  {
    std::istringstream in(tasks);
    ImportOptions options;
    options.scope = q_;
    options.dry_run = true;
    auto dry = ImportCsv(*store_, DataKind::kTasks, in, options);
    ASSERT_FALSE(dry.has_value());
    EXPECT_EQ(dry.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(dry.error().details.size(), 4u);
  }

  // The whole database (the CLI) takes the same file.
  auto unscoped = Import(DataKind::kTasks, tasks, std::nullopt);
  ASSERT_TRUE(unscoped.has_value()) << unscoped.error().ToString();
  EXPECT_EQ(unscoped->inserted, 4);
  EXPECT_EQ(unscoped->updated, 1);
  EXPECT_THAT(Keys(DataKind::kTasks, std::nullopt),
              ElementsAre("KH-Q/Q.01", "KH-Q/Q.02", "KH-Q/Q.03", "KH-Q/Q.04", "KH-SL/1.01",
                          "KH-SL/1.02", "KH-SL/1.03"));
}

TEST_F(ImportScopeTest, ScopedUnitImportKeepsTheTreeInTheSubtree) {
  const std::string units =
      "code,name_vi,type,parent_code\n"
      "Q-NEW,Xã mới của Q,commune,Q-SKH\n"
      "Q-BAD,Xã dưới Sơn La,commune,SL\n"
      "ROOT2,Tỉnh mới,province,\n"
      "SL-SKHCN,Sở đổi tên,department,SL\n"
      "Q,Tỉnh Q,province,SL\n"
      "Q-DEEP,Thôn của xã mới,village,Q-NEW\n";
  const std::string before = Fingerprint();
  auto refused = Import(DataKind::kUnits, units, q_);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(refused.error().details,
              ElementsAre(ErrorDetail{3, "parent_code", "unit SL is outside your scope (Q)"},
                          ErrorDetail{4, "parent_code",
                                      "unit ROOT2 would be a root unit, outside your scope (Q)"},
                          ErrorDetail{5, "code", "unit SL-SKHCN is outside your scope (Q)"},
                          ErrorDetail{6, "parent_code",
                                      "unit Q is your scope (Q); its parent can not change here"}));
  EXPECT_EQ(Fingerprint(), before);

  auto unscoped = Import(DataKind::kUnits,
                         "code,name_vi,type,parent_code\n"
                         "Q-NEW,Xã mới của Q,commune,Q-SKH\n"
                         "Q-BAD,Xã dưới Sơn La,commune,SL\n"
                         "ROOT2,Tỉnh mới,province,\n"
                         "SL-SKHCN,Sở đổi tên,department,SL\n"
                         "Q-DEEP,Thôn của xã mới,village,Q-NEW\n",
                         std::nullopt);
  ASSERT_TRUE(unscoped.has_value()) << unscoped.error().ToString();
  EXPECT_EQ(unscoped->inserted, 4);
  EXPECT_EQ(unscoped->updated, 1);

  // Within the subtree, new units under new units of the same file are fine.
  auto inside = Import(DataKind::kUnits,
                       "code,name_vi,type,parent_code\n"
                       "Q-C1,Xã một,commune,Q\n"
                       "Q-V1,Thôn một,village,Q-C1\n"
                       "Q,Tỉnh Q (mới),province,\n",
                       q_);
  ASSERT_TRUE(inside.has_value()) << inside.error().ToString();
  EXPECT_EQ(inside->inserted, 2);
  EXPECT_EQ(inside->updated, 1);
}

TEST_F(ImportScopeTest, EveryKindRefusesRecordsOfTheOtherRoot) {
  struct Case {
    DataKind kind;
    std::string csv;
    std::vector<ErrorDetail> details;
  };
  const std::vector<Case> cases = {
      {DataKind::kDirectives,
       "number,kind,title_vi\n"
       "57-NQ/TW,resolution,Nghị quyết 57\n"                // shared and unchanged: passes
       "57-NQ/TW-B,resolution,Nghị quyết mới\n"             // new: passes
       "01-SL,plan,Văn bản của Sơn La (sửa)\n"              // cited only by Sơn La's plan
       "99-FREE,dispatch,Công văn chưa dẫn chiếu (sửa)\n",  // cited by none: passes
       {{4, "number", "directive 01-SL is cited by a plan outside your scope (Q)"}}},
      {DataKind::kDirectives,
       "number,kind,title_vi\n"
       "57-NQ/TW,resolution,Nghị quyết 57 (sửa)\n",  // shared, changed
       {{2, "number", "directive 57-NQ/TW is cited by a plan outside your scope (Q)"}}},
      {DataKind::kPlans,
       "code,title_vi,issuer_code,standing_agency_code\n"
       "KH-Q2,Kế hoạch mới,Q,SL-SKHCN\n"
       "KH-SL,Kế hoạch Sơn La (sửa),SL,SL-SKHCN\n"
       "KH-Q3,Kế hoạch ban hành bởi Sơn La,SL,Q-SKH\n",
       {{2, "standing_agency_code", "unit SL-SKHCN is outside your scope (Q)"},
        {3, "code", "plan KH-SL is outside your scope (Q)"},
        {4, "issuer_code", "unit SL is outside your scope (Q)"}}},
      {DataKind::kTaskGroups,
       "plan_code,code,title_vi\n"
       "KH-Q,NQ2,Nhóm mới\n"
       "KH-SL,N2,Nhóm chen vào\n",
       {{3, "plan_code", "plan KH-SL is outside your scope (Q)"}}},
      {DataKind::kIndicators,
       "code,name_vi,value_type,unit_aggregation,time_aggregation,period_type,"
       "responsible_unit_code\n"
       "I-SL,Chỉ tiêu Sơn La (sửa),number,sum,sum,yearly,SL-SKHCN\n"
       "I-Q2,Chỉ tiêu mới,number,sum,sum,yearly,SL\n"
       "I-ALL,Chỉ tiêu chung (sửa),number,sum,sum,yearly,\n",
       {{2, "code", "indicator I-SL is outside your scope (Q)"},
        {3, "responsible_unit_code", "unit SL is outside your scope (Q)"}}},
      {DataKind::kTargets,
       "indicator_code,unit_code,date,value\n"
       "I-Q,Q-SKH,2027-12-31,25\n"
       "I-Q,SL-SKHCN,2027-12-31,25\n"
       "I-SL,,2027-12-31,99\n"
       "I-ALL,,2027-12-31,1\n"
       "I-Q,,2027-12-31,50\n",
       {{3, "unit_code", "unit SL-SKHCN is outside your scope (Q)"},
        {4, "unit_code", "a target for every unit of indicator I-SL is outside your scope (Q)"},
        {5, "unit_code", "a target for every unit of indicator I-ALL is outside your scope (Q)"}}},
      {DataKind::kTaskUpdates,
       "plan_code,task_code,kind,date,progress_percent,actor\n"
       "KH-Q,Q.01,progress,2025-04-01,40,Người Q\n"
       "KH-SL,1.01,progress,2025-04-01,90,Người Q\n",
       {{3, "plan_code", "plan KH-SL is outside your scope (Q)"}}},
      {DataKind::kDataValues,
       "indicator_code,unit_code,period,value\n"
       "I-ALL,Q,2026,1\n"
       "I-ALL,SL,2026,1\n"
       "I-SL,SL-SKHCN,2025,500\n",
       {{3, "unit_code", "unit SL is outside your scope (Q)"},
        {4, "unit_code", "unit SL-SKHCN is outside your scope (Q)"}}},
  };
  const std::string before = Fingerprint();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.csv);
    auto refused = Import(c.kind, c.csv, q_);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(refused.error().details, c.details);
    EXPECT_EQ(Fingerprint(), before);
  }
  // The same files as Sơn La's administrator: refused for Q's records instead.
  auto as_sl = Import(DataKind::kTaskUpdates,
                      "plan_code,task_code,kind,date,progress_percent,actor\n"
                      "KH-Q,Q.01,progress,2025-04-01,40,Người Sơn La\n"
                      "KH-SL,1.01,progress,2025-04-01,90,Người Sơn La\n",
                      sl_);
  ASSERT_FALSE(as_sl.has_value());
  EXPECT_THAT(as_sl.error().details,
              ElementsAre(ErrorDetail{2, "plan_code", "plan KH-Q is outside your scope (SL)"}));
  // Below a root: SL-SKHCN's subtree holds the plan it is the standing agency of, and the tasks
  // it leads.
  auto as_unit = Import(DataKind::kTaskUpdates,
                        "plan_code,task_code,kind,date,progress_percent,actor\n"
                        "KH-SL,1.01,progress,2025-04-01,90,Người Sơn La\n",
                        sl_skhcn_);
  ASSERT_TRUE(as_unit.has_value()) << as_unit.error().ToString();
  EXPECT_EQ(as_unit->inserted, 1);
}

TEST_F(ImportScopeTest, ScopeProblemsAmongOtherErrorsAreInvalidArgumentWithBoth) {
  auto refused = Import(DataKind::kDataValues,
                        "indicator_code,unit_code,period,value\n"
                        "I-NONE,Q,2026,1\n"
                        "I-ALL,SL,2026,1\n",
                        q_);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message, "2 of 2 rows have errors; nothing was imported");
  EXPECT_THAT(refused.error().details,
              ElementsAre(ErrorDetail{2, "indicator_code", "unknown indicator 'I-NONE'"},
                          ErrorDetail{3, "unit_code", "unit SL is outside your scope (Q)"}));
}

TEST_F(ImportScopeTest, ScopedWorkbookImportNamesSheetAndCell) {
  const DataKind kinds[] = {DataKind::kTasks};
  // Every task, as the CLI exports them, imported as Q's administrator.
  auto bytes = ExportWorkbook(*store_, kinds, Date::Parse("2026-01-05").value());
  ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
  ImportOptions options;
  options.scope = q_;
  auto refused = ImportWorkbook(*store_, *bytes, std::nullopt, options);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message,
            "2 of 3 rows of sheet \"Nhiệm vụ\" reach outside your scope (Q); nothing was "
            "imported");
  // Row 1 the title, row 2 the headers, row 3 KH-Q/Q.01, rows 4 and 5 Sơn La's tasks.
  EXPECT_THAT(
      refused.error().details,
      ElementsAre(
          ErrorDetail{4, "Mã kế hoạch", "A4: plan KH-SL is outside your scope (Q)", "Nhiệm vụ"},
          ErrorDetail{5, "Mã kế hoạch", "A5: plan KH-SL is outside your scope (Q)", "Nhiệm vụ"}));
}

}  // namespace
}  // namespace planwatch
