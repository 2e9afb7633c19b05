#include "planwatch/service/import.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "planwatch/service/export.h"
#include "planwatch/storage/store.h"

namespace planwatch {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::SizeIs;

MATCHER_P3(DetailAt, line, field, message_part, "") {
  return arg.line == line && arg.field == field &&
         arg.message.find(message_part) != std::string::npos;
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_import_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }

  Result<ImportSummary> Import(DataKind kind, const std::string& csv, ImportOptions options = {}) {
    std::istringstream in(csv);
    return ImportCsv(*store_, kind, in, options);
  }
  ImportSummary MustImport(DataKind kind, const std::string& csv) {
    auto summary = Import(kind, csv);
    EXPECT_TRUE(summary.has_value()) << summary.error().ToString();
    return summary.value_or(ImportSummary{});
  }
  std::string Export(DataKind kind) {
    std::ostringstream out;
    auto st = ExportCsv(*store_, kind, out);
    EXPECT_TRUE(st.has_value()) << st.error().ToString();
    return out.str();
  }
  void LoadBasics() {
    MustImport(DataKind::kUnits,
               "code,name_vi,type,parent_code\n"
               "SL,Tỉnh Sơn La,province,\n"
               "SL-SKHCN,Sở Khoa học và Công nghệ,department,SL\n"
               "SL-W-CA,Phường Chiềng An,ward,SL\n");
    MustImport(DataKind::kPlans,
               "code,title_vi,issuer_code,standing_agency_code,start\n"
               "333-KH/TU,Kế hoạch 333,SL,SL-SKHCN,2025-05-07\n");
    MustImport(DataKind::kTaskGroups, "plan_code,code,title_vi,order\n333-KH/TU,G1,Lãnh đạo,1\n");
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImportTest, UnitsWithVietnameseHeadersAndBom) {
  auto summary = MustImport(DataKind::kUnits,
                            "\xEF\xBB\xBFMã,Tên,Loại,Mã đơn vị cha,Người đứng đầu\r\n"
                            "SL,Tỉnh Sơn La,province,,\r\n"
                            "SL-W-CA,Phường Chiềng An,ward,SL,Trần Công Chính\r\n");
  EXPECT_EQ(summary.rows, 2);
  EXPECT_EQ(summary.inserted, 2);
  auto units = store_->OrgUnits();
  ASSERT_TRUE(units.has_value());
  ASSERT_THAT(*units, SizeIs(2));
  EXPECT_EQ((*units)[1].name_vi, "Phường Chiềng An");
  EXPECT_EQ((*units)[1].leader_name, "Trần Công Chính");
  EXPECT_EQ((*units)[1].parent, (*units)[0].id);
}

TEST_F(ImportTest, HeadersMatchWithoutDiacriticsOrCase) {
  auto summary = MustImport(DataKind::kUnits, "MA,ten,LOAI,ma don vi cha\nSL,Sơn La,province,\n");
  EXPECT_EQ(summary.inserted, 1);
}

TEST_F(ImportTest, ChildBeforeParentInTheSameFile) {
  auto summary = MustImport(DataKind::kUnits,
                            "code,name_vi,type,parent_code\n"
                            "C1,Xã Một,commune,P\n"
                            "P,Tỉnh,province,\n");
  EXPECT_EQ(summary.inserted, 2);
}

TEST_F(ImportTest, ReimportIsUnchangedAndUpdateKeepsHistory) {
  const std::string csv = "code,name_vi,type\nSL,Tỉnh Sơn La,province\n";
  MustImport(DataKind::kUnits, csv);
  auto again = MustImport(DataKind::kUnits, csv);
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(again.inserted + again.updated, 0);
  auto changed = MustImport(DataKind::kUnits, "code,name_vi,type\nSL,Tỉnh Sơn La (mới),province\n");
  EXPECT_EQ(changed.updated, 1);
}

TEST_F(ImportTest, UnknownAndMissingColumnsAreNamed) {
  auto result = Import(DataKind::kUnits, "code,name,colour\nSL,Sơn La,red\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(result.error().details, ElementsAre(DetailAt(1, "name", "unknown column"),
                                                  DetailAt(1, "colour", "unknown column"),
                                                  DetailAt(1, "name_vi", "required column"),
                                                  DetailAt(1, "type", "required column")));
}

TEST_F(ImportTest, CycleInTheUnitTreeNamesTheUnits) {
  auto result = Import(DataKind::kUnits,
                       "code,name_vi,type,parent_code\n"
                       "A,Một,commune,C\n"
                       "B,Hai,commune,A\n"
                       "C,Ba,commune,B\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  ASSERT_FALSE(result.error().details.empty());
  EXPECT_THAT(result.error().details[0].message,
              AllOf(HasSubstr("A"), HasSubstr("B"), HasSubstr("C")));
  auto units = store_->OrgUnits();
  ASSERT_TRUE(units.has_value());
  EXPECT_TRUE(units->empty());
}

TEST_F(ImportTest, CycleThroughAStoredUnitIsFound) {
  MustImport(DataKind::kUnits, "code,name_vi,type,parent_code\nA,Một,commune,\nB,Hai,commune,A\n");
  auto result = Import(DataKind::kUnits, "code,name_vi,type,parent_code\nA,Một,commune,B\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().details, ElementsAre(Field(&ErrorDetail::line, 2)));
}

TEST_F(ImportTest, DuplicateCodesNameBothLines) {
  auto result = Import(DataKind::kUnits,
                       "code,name_vi,type\nSL,Sơn La,province\nX,Xã,commune\nSL,Lặp,province\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().details,
              ElementsAre(DetailAt(4, "code", "already appears on line 2")));
}

TEST_F(ImportTest, InvalidUtf8IsAClearError) {
  auto result = Import(DataKind::kUnits, "code,name_vi,type\nSL,S\xC3\x28n La,province\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(result.error().message, HasSubstr("UTF-8"));
  EXPECT_THAT(result.error().message, HasSubstr("line 2"));
}

TEST_F(ImportTest, EmptyFileIsAClearError) {
  auto result = Import(DataKind::kUnits, "");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().message, HasSubstr("empty"));
}

TEST_F(ImportTest, EveryBadCellOfEveryRowIsReported) {
  LoadBasics();
  MustImport(DataKind::kIndicators,
             "code,name_vi,value_type,period_type,min_value,max_value\n"
             "PCT,Tỷ lệ,percent,monthly,0,100\n");
  auto result = Import(DataKind::kDataValues,
                       "indicator_code,unit_code,period,value\n"
                       "PCT,SL,202503,93.2\n"
                       "PCT,SL,2025Q5,10\n"    // malformed period
                       "PCT,SL,2025,10\n"      // a year for a monthly indicator
                       "PCT,SL,202504,abc\n"   // not a number
                       "PCT,SL,202505,120\n"   // above the bound
                       "NOPE,SL,202506,1\n"    // unknown indicator
                       "PCT,SL,202503,94\n");  // duplicate of line 2
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "6 of 7 rows have errors; nothing was imported");
  EXPECT_THAT(result.error().details,
              ElementsAre(DetailAt(3, "period", "2025Q5"), DetailAt(4, "period", "monthly"),
                          DetailAt(5, "value", "abc"), DetailAt(6, "value", "120"),
                          DetailAt(7, "indicator_code", "NOPE"), DetailAt(8, "period", "line 2")));
  auto values = store_->DataValues(DataValueQuery{});
  ASSERT_TRUE(values.has_value());
  EXPECT_TRUE(values->empty());
}

TEST_F(ImportTest, MalformedDatesAndNumbers) {
  LoadBasics();
  auto result = Import(DataKind::kTasks,
                       "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline,priority\n"
                       "333-KH/TU,T1,Việc,SL-SKHCN,2025-02-30,2025-06-30,0\n"
                       "333-KH/TU,T2,Việc,SL-SKHCN,2025-05-07,30/06/2025,0\n"
                       "333-KH/TU,T3,Việc,SL-SKHCN,2025-05-07,2025-06-30,1.5\n"
                       "333-KH/TU,T4,Việc,SL-SKHCN,2025-05-07,,0\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(
      result.error().details,
      ElementsAre(DetailAt(2, "assigned_on", "2025-02-30"), DetailAt(3, "deadline", "30/06/2025"),
                  DetailAt(4, "priority", "1.5"), DetailAt(5, "deadline", "needs a deadline")));
}

TEST_F(ImportTest, TaskUpdatesAreCheckedAgainstTheLedger) {
  LoadBasics();
  MustImport(DataKind::kTasks,
             "plan_code,code,group_code,title_vi,lead_unit_code,assigned_on,deadline\n"
             "333-KH/TU,T1,G1,Việc một,SL-SKHCN,2025-05-07,2025-06-30\n");
  auto result = Import(DataKind::kTaskUpdates,
                       "plan_code,task_code,kind,date,completed_on,new_deadline,reason\n"
                       "333-KH/TU,T1,verify,2025-06-01,,,\n"
                       "333-KH/TU,T1,amend,2025-06-01,,,\n"
                       "333-KH/TU,T1,claim,2025-06-01,2025-06-05,,\n"
                       "333-KH/TU,T1,teleport,2025-06-01,,,\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().details,
              ElementsAre(DetailAt(2, "kind", "no claimed completion"),
                          DetailAt(3, "new_deadline", "a new deadline or a new lead unit"),
                          DetailAt(3, "reason", "needs a reason"),
                          DetailAt(4, "completed_on", "after the claim's date"),
                          DetailAt(5, "kind", "teleport")));
}

TEST_F(ImportTest, LedgerReimportRecordsNothingTwice) {
  LoadBasics();
  MustImport(DataKind::kTasks,
             "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
             "333-KH/TU,T1,Việc một,SL-SKHCN,2025-05-07,2025-06-30\n");
  const std::string ledger =
      "plan_code,task_code,kind,date,completed_on\n"
      "333-KH/TU,T1,claim,2025-06-20,2025-06-18\n"
      "333-KH/TU,T1,verify,2025-06-25,\n";
  EXPECT_EQ(MustImport(DataKind::kTaskUpdates, ledger).inserted, 2);
  auto again = MustImport(DataKind::kTaskUpdates, ledger);
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.unchanged, 2);
}

TEST_F(ImportTest, DeadlineChangesOnlyByAmendment) {
  LoadBasics();
  MustImport(DataKind::kTasks,
             "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
             "333-KH/TU,T1,Việc một,SL-SKHCN,2025-05-07,2025-06-30\n");
  auto result = Import(DataKind::kTasks,
                       "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
                       "333-KH/TU,T1,Việc một (sửa),SL-SKHCN,2025-05-07,2025-09-30\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().details,
              ElementsAre(DetailAt(2, "deadline", "changes only by an amendment")));
  // Other fields may change; the original deadline stays.
  auto renamed = MustImport(DataKind::kTasks,
                            "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
                            "333-KH/TU,T1,Việc một (sửa),SL-SKHCN,2025-05-07,2025-06-30\n");
  EXPECT_EQ(renamed.updated, 1);
}

TEST_F(ImportTest, LeadUnitChangesOnlyByAmendment) {
  LoadBasics();
  MustImport(DataKind::kTasks,
             "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
             "333-KH/TU,T1,Việc một,SL-SKHCN,2025-05-07,2025-09-30\n");
  auto refused = Import(DataKind::kTasks,
                        "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
                        "333-KH/TU,T1,Việc một,SL-W-CA,2025-05-07,2025-09-30\n");
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().details,
              ElementsAre(DetailAt(2, "lead_unit_code", "changes only by an amendment")));

  auto handover = MustImport(DataKind::kTaskUpdates,
                             "plan_code,task_code,kind,date,new_lead_unit_code,reason\n"
                             "333-KH/TU,T1,amend,2025-07-01,SL-W-CA,Phường chủ trì\n");
  EXPECT_EQ(handover.inserted, 1);
  auto plans = store_->Plans();
  ASSERT_TRUE(plans.has_value());
  auto events = store_->TaskEvents(plans->at(0).id);
  ASSERT_TRUE(events.has_value());
  ASSERT_EQ(events->size(), 1u);
  auto units = store_->OrgUnits();
  ASSERT_TRUE(units.has_value());
  EXPECT_EQ(events->at(0).new_lead_unit, units->at(2).id);  // SL-W-CA
  EXPECT_EQ(events->at(0).new_deadline, std::nullopt);

  auto bad = Import(DataKind::kTaskUpdates,
                    "plan_code,task_code,kind,date,new_lead_unit_code,reason\n"
                    "333-KH/TU,T1,amend,2025-07-02,NOPE,x\n"
                    "333-KH/TU,T1,progress,2025-07-02,SL,\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().details,
              ElementsAre(DetailAt(2, "new_lead_unit_code", "unknown unit 'NOPE'"),
                          DetailAt(3, "new_lead_unit_code", "only an amendment")));
}

TEST_F(ImportTest, MergeIsRecordedAndCanBeReDated) {
  MustImport(DataKind::kUnits,
             "code,name_vi,type,parent_code,valid_from,valid_to,successor_codes\n"
             "SL,Tỉnh,province,,,,\n"
             "NEW,Xã mới,commune,SL,2025-07-01,,\n"
             "A,Xã A,commune,SL,,2025-06-30,NEW\n"
             "B,Xã B,commune,SL,,2025-06-30,NEW\n");
  auto successions = store_->Successions();
  ASSERT_TRUE(successions.has_value());
  ASSERT_EQ(successions->size(), 2u);
  EXPECT_EQ(successions->at(0).effective_on, *Date::Parse("2025-07-01"));
  // The merge took effect a month later than first recorded.
  auto again = Import(DataKind::kUnits,
                      "code,name_vi,type,parent_code,valid_from,valid_to,successor_codes\n"
                      "NEW,Xã mới,commune,SL,2025-08-01,,\n"
                      "A,Xã A,commune,SL,,2025-07-31,NEW\n"
                      "B,Xã B,commune,SL,,2025-07-31,NEW\n");
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  successions = store_->Successions();
  ASSERT_TRUE(successions.has_value());
  ASSERT_EQ(successions->size(), 2u);
  for (const Succession& s : *successions) EXPECT_EQ(s.effective_on, *Date::Parse("2025-08-01"));
  // A successor that does not exist yet on the day after valid_to is refused.
  auto early = Import(DataKind::kUnits,
                      "code,name_vi,type,parent_code,valid_from,valid_to,successor_codes\n"
                      "C,Xã C,commune,SL,,2025-06-30,NEW\n");
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ImportTest, DryRunWritesNothing) {
  ImportOptions options;
  options.dry_run = true;
  auto summary = Import(DataKind::kUnits, "code,name_vi,type\nSL,Sơn La,province\n", options);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->inserted, 1);
  auto units = store_->OrgUnits();
  ASSERT_TRUE(units.has_value());
  EXPECT_TRUE(units->empty());
}

TEST_F(ImportTest, RatioIndicatorNeedsItsInputs) {
  auto result = Import(DataKind::kIndicators,
                       "code,name_vi,unit_aggregation,numerator_code,denominator_code\n"
                       "R,Tỷ lệ,ratio,N,\n"
                       "S,Tổng,sum,N,D\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().details,
              ElementsAre(DetailAt(2, "denominator_code", "numerator and a denominator"),
                          DetailAt(2, "numerator_code", "unknown indicator 'N'"),
                          DetailAt(3, "unit_aggregation", "only a ratio"),
                          DetailAt(3, "numerator_code", "unknown indicator 'N'"),
                          DetailAt(3, "denominator_code", "unknown indicator 'D'")));
}

TEST_F(ImportTest, ReportsProgressThroughEveryStage) {
  MustImport(DataKind::kUnits, "code,name_vi,type\nP,Tỉnh,province\n");
  MustImport(DataKind::kIndicators, "code,name_vi,period_type\nX,Chỉ tiêu,monthly\n");
  std::string csv = "indicator_code,unit_code,period,value\n";
  for (int year = 1000; year < 3100; ++year) {
    for (int month = 1; month <= 12; ++month)
      csv += fmt::format("X,P,{}{:02},{}\n", year, month, month);
  }
  std::vector<std::tuple<std::string, std::size_t, std::size_t>> calls;
  ImportOptions options;
  options.progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
    calls.emplace_back(std::string(stage), done, total);
  };
  auto summary = Import(DataKind::kDataValues, csv, options);
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  EXPECT_EQ(summary->inserted, 25'200);
  std::vector<std::tuple<std::string, std::size_t, std::size_t>> expected = {
      {"reading", 10'000, 0},
      {"reading", 20'000, 0},
      {"checking", 0, 25'200},
      {"writing", 10'000, 25'200},
      {"writing", 20'000, 25'200}};
  EXPECT_EQ(calls, expected);
}

TEST_F(ImportTest, RaggedRowIsNamed) {
  auto result = Import(DataKind::kUnits, "code,name_vi,type\nSL,Sơn La\n");
  ASSERT_FALSE(result.has_value());
  EXPECT_THAT(result.error().details,
              ElementsAre(DetailAt(2, "", "2 fields but the header has 3")));
}

TEST_F(ImportTest, ExportImportsBackUnchanged) {
  LoadBasics();
  MustImport(DataKind::kTasks,
             "plan_code,code,group_code,title_vi,lead_unit_code,coordinating_unit_codes,"
             "assigned_on,deadline,classified\n"
             "333-KH/TU,T1,G1,\"Việc, có dấu phẩy\",SL-SKHCN,SL-W-CA;SL,2025-05-07,2025-06-30,"
             "true\n");
  const std::string exported = Export(DataKind::kTasks);
  auto again = Import(DataKind::kTasks, exported);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->unchanged, 1);
  EXPECT_EQ(Export(DataKind::kTasks), exported);
}

}  // namespace
}  // namespace planwatch
