// Workbook imports and exports in the import format, and the changes an import reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "planwatch/documents/workbook.h"
#include "planwatch/documents/xlsx_reader.h"
#include "planwatch/service/demo.h"
#include "planwatch/service/export.h"
#include "planwatch/service/file_imports.h"
#include "planwatch/service/import.h"
#include "planwatch/storage/store.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class ImportWorkbookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_import_workbook_test_" + std::to_string(::getpid()) + "_" +
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

  ImportSummary MustImportCsv(DataKind kind, const std::string& csv, bool dry_run = false) {
    std::istringstream in(csv);
    ImportOptions options;
    options.dry_run = dry_run;
    auto summary = ImportCsv(*store_, kind, in, options);
    EXPECT_TRUE(summary.has_value()) << summary.error().ToString();
    return summary.value_or(ImportSummary{});
  }
  void LoadBasics() {
    MustImportCsv(DataKind::kUnits,
                  "code,name_vi,type,parent_code\n"
                  "SL,Tỉnh Sơn La,province,\n"
                  "SL-SKHCN,Sở Khoa học và Công nghệ,department,SL\n"
                  "SL-VPTU,Văn phòng Tỉnh ủy,department,SL\n");
    MustImportCsv(DataKind::kPlans,
                  "code,title_vi,issuer_code,standing_agency_code,start\n"
                  "333-KH/TU,Kế hoạch 333,SL,SL-SKHCN,2025-05-07\n");
  }
  Result<ImportSummary> ImportBook(const Workbook& book, std::optional<DataKind> kind = {},
                                   bool dry_run = false) {
    auto bytes = RenderWorkbook(book);
    EXPECT_TRUE(bytes.has_value()) << bytes.error().ToString();
    if (!bytes) return std::unexpected(bytes.error());
    ImportOptions options;
    options.dry_run = dry_run;
    return ImportWorkbook(*store_, *bytes, kind, options);
  }
  std::vector<std::string> UnitCodes() {
    auto units = store_->OrgUnits();
    EXPECT_TRUE(units.has_value());
    std::vector<std::string> codes;
    for (const OrgUnit& u : units.value_or(std::vector<OrgUnit>{})) codes.push_back(u.code);
    std::ranges::sort(codes);
    return codes;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
};

Sheet TextSheet(std::string name, std::string title, std::vector<std::string> headers,
                std::vector<std::vector<std::string>> rows) {
  Sheet sheet;
  sheet.name = std::move(name);
  sheet.title = std::move(title);
  for (std::string& h : headers) sheet.columns.push_back(Column{std::move(h)});
  for (const auto& row : rows) {
    std::vector<Cell> cells;
    for (const std::string& text : row) {
      cells.push_back(text.empty() ? Cell::Empty() : Cell::Text(text));
    }
    sheet.rows.push_back(std::move(cells));
  }
  return sheet;
}

// Every Vietnamese header of `kind`, in order.
std::vector<std::string> HeadersVi(DataKind kind) {
  std::vector<std::string> out;
  for (const ColumnSpec& c : ColumnsOf(kind)) out.emplace_back(c.name_vi);
  return out;
}

std::vector<std::string> TaskRow(std::string code, std::string lead, std::string deadline) {
  return {"333-KH/TU", code,         "", "Nhiệm vụ " + code, "", "", "",  lead, "",
          "deadline",  "2025-05-07", "", deadline,           "", "", "0", "",   "không"};
}

TEST_F(ImportWorkbookTest, SheetWithATitleRowAboveTheHeaderImports) {
  Workbook book{
      {TextSheet("Đơn vị", "Danh sách đơn vị — tỉnh Sơn La", {"Mã", "Tên", "Loại", "Mã đơn vị cha"},
                 {{"SL", "Tỉnh Sơn La", "province", ""},
                  {"SL-SKHCN", "Sở Khoa học và Công nghệ", "department", "SL"}})}};
  auto summary = ImportBook(book);
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  EXPECT_EQ(summary->rows, 2);
  EXPECT_EQ(summary->inserted, 2);
  EXPECT_THAT(summary->kinds, ElementsAre(DataKind::kUnits));
  EXPECT_THAT(UnitCodes(), ElementsAre("SL", "SL-SKHCN"));
}

TEST_F(ImportWorkbookTest, OneSheetBookIsTheKindNamedWhateverItsName) {
  Workbook book{
      {TextSheet("Sheet1", "", {"code", "name_vi", "type"}, {{"SL", "Tỉnh Sơn La", "province"}})}};
  auto without_kind = ImportBook(book);
  ASSERT_FALSE(without_kind.has_value());
  EXPECT_EQ(without_kind.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(without_kind.error().message, HasSubstr("\"Sheet1\""));
  auto with_kind = ImportBook(book, DataKind::kUnits);
  ASSERT_TRUE(with_kind.has_value()) << with_kind.error().ToString();
  EXPECT_EQ(with_kind->inserted, 1);
}

TEST_F(ImportWorkbookTest, SheetsAreImportedInLoadOrderWhateverTheirTabOrder) {
  Workbook book{{
      TextSheet("Hướng dẫn", "Hướng dẫn", {"Cột"}, {{"Mã"}}),
      TextSheet("task-groups", "", {"Mã kế hoạch", "Mã", "Tên"},
                {{"333-KH/TU", "N1", "Lãnh đạo, chỉ đạo"}}),
      TextSheet("KẾ HOẠCH", "", {"Mã", "Tên", "Mã đơn vị ban hành", "Mã cơ quan thường trực"},
                {{"333-KH/TU", "Kế hoạch 333", "SL", "SL"}}),
      TextSheet("Don vi", "", {"Mã", "Tên", "Loại"}, {{"SL", "Tỉnh Sơn La", "province"}}),
  }};
  auto summary = ImportBook(book);
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  EXPECT_THAT(summary->kinds,
              ElementsAre(DataKind::kUnits, DataKind::kPlans, DataKind::kTaskGroups));
  EXPECT_EQ(summary->inserted, 3);
  auto plans = store_->Plans();
  ASSERT_TRUE(plans.has_value());
  ASSERT_THAT(*plans, SizeIs(1));
  auto groups = store_->TaskGroups((*plans)[0].id);
  ASSERT_TRUE(groups.has_value());
  ASSERT_THAT(*groups, SizeIs(1));
  EXPECT_EQ((*groups)[0].title_vi, "Lãnh đạo, chỉ đạo");
}

TEST_F(ImportWorkbookTest, AnErrorInALaterSheetWritesNothingOfAnySheet) {
  Workbook book{{
      TextSheet("Đơn vị", "", {"Mã", "Tên", "Loại"}, {{"SL", "Tỉnh Sơn La", "province"}}),
      TextSheet("Kế hoạch", "", {"Mã", "Tên", "Mã đơn vị ban hành", "Mã cơ quan thường trực"},
                {{"333-KH/TU", "Kế hoạch 333", "SL", "SL-NOPE"}}),
  }};
  auto summary = ImportBook(book);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(summary.error().message,
            "1 of 1 rows of sheet \"Kế hoạch\" have errors; nothing was imported");
  EXPECT_THAT(summary.error().details,
              ElementsAre(ErrorDetail{3, "Mã cơ quan thường trực", "D3: unknown unit 'SL-NOPE'",
                                      "Kế hoạch"}));
  EXPECT_THAT(UnitCodes(), IsEmpty());
}

TEST_F(ImportWorkbookTest, ErrorsNameTheSheetTheRowTheHeaderAndTheCell) {
  LoadBasics();
  Workbook book{{TextSheet(
      "Nhiệm vụ", "Nhiệm vụ — xuất ngày 22/11/2026", HeadersVi(DataKind::kTasks),
      {TaskRow("1.01", "SL-SKHCN", "15/06/2025"), TaskRow("1.02", "SL-NOPE", "ngày 31/02/2025"),
       TaskRow("1.03", "SL-VPTU", "31/02/2025")})}};
  auto summary = ImportBook(book);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(
      summary.error().details,
      ElementsAre(
          ErrorDetail{4, "Đơn vị chủ trì", "H4: unknown unit 'SL-NOPE'", "Nhiệm vụ"},
          ErrorDetail{4, "Thời hạn",
                      "M4: 'ngày 31/02/2025' is not a date (YYYY-MM-DD or dd/mm/yyyy)", "Nhiệm vụ"},
          ErrorDetail{5, "Thời hạn", "M5: '31/02/2025' is not a date (YYYY-MM-DD or dd/mm/yyyy)",
                      "Nhiệm vụ"}));
  EXPECT_THAT(summary.error().ToString(),
              HasSubstr("\n  sheet Nhiệm vụ, line 4, column Đơn vị chủ trì: H4: unknown unit "
                        "'SL-NOPE'\n"));
  auto plans = store_->Plans();
  ASSERT_TRUE(plans.has_value());
  auto tasks = store_->Tasks((*plans)[0].id);
  ASSERT_TRUE(tasks.has_value());
  EXPECT_THAT(*tasks, IsEmpty());
}

TEST_F(ImportWorkbookTest, DayMonthYearTextDatesAreAcceptedInWorkbooksOnly) {
  LoadBasics();
  Workbook book{{TextSheet("Nhiệm vụ", "", HeadersVi(DataKind::kTasks),
                           {TaskRow("1.01", "SL-SKHCN", "5/6/2025")})}};
  auto summary = ImportBook(book);
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  auto plans = store_->Plans();
  ASSERT_TRUE(plans.has_value());
  auto tasks = store_->Tasks((*plans)[0].id);
  ASSERT_TRUE(tasks.has_value());
  ASSERT_THAT(*tasks, SizeIs(1));
  EXPECT_EQ((*tasks)[0].deadline, Date::Parse("2025-06-05").value());

  std::istringstream csv(
      "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
      "333-KH/TU,1.02,Hai,SL-SKHCN,2025-05-07,05/06/2025\n");
  auto from_csv = ImportCsv(*store_, DataKind::kTasks, csv);
  ASSERT_FALSE(from_csv.has_value());
  EXPECT_THAT(
      from_csv.error().details,
      ElementsAre(ErrorDetail{2, "deadline", "'05/06/2025' is not a date (expected YYYY-MM-DD)"}));
}

TEST_F(ImportWorkbookTest, ValuesOutsideTheHeadedColumnsAreRefused) {
  Workbook book{{TextSheet("Đơn vị", "", {"Mã", "Tên", "Loại", ""},
                           {{"SL", "Tỉnh Sơn La", "province", "ghi chú lạc"}})}};
  auto summary = ImportBook(book);
  ASSERT_FALSE(summary.has_value());
  EXPECT_THAT(
      summary.error().details,
      ElementsAre(ErrorDetail{3, "", "D3: a value in a column without a header", "Đơn vị"}));
}

TEST_F(ImportWorkbookTest, AWrongHeaderIsReportedWithItsCell) {
  Workbook book{{TextSheet("Đơn vị", "", {"Mã", "Tên", "Màu"}, {{"SL", "Tỉnh Sơn La", "đỏ"}})}};
  auto summary = ImportBook(book);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().message,
            "the header of sheet \"Đơn vị\" (units) is wrong; nothing was imported");
  EXPECT_THAT(
      summary.error().details,
      ElementsAre(ErrorDetail{2, "Màu", "C2: unknown column 'Màu' for units", "Đơn vị"},
                  ErrorDetail{2, "type", "required column 'type' (Loại) is missing", "Đơn vị"}));
}

TEST_F(ImportWorkbookTest, NotAWorkbookIsInvalidArgument) {
  auto summary = ImportWorkbook(*store_, "PK\x03\x04 truncated", std::nullopt);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(summary.error().message, HasSubstr("not a valid .xlsx"));
}

TEST_F(ImportWorkbookTest, DryRunReportsExactlyWhatWouldChange) {
  LoadBasics();
  auto summary = MustImportCsv(DataKind::kUnits,
                               "code,name_vi,type,parent_code,leader_name\n"
                               "SL,Tỉnh Sơn La,province,,\n"
                               "SL-SKHCN,Sở Khoa học và Công nghệ tỉnh Sơn La,department,SL,\n"
                               "SL-SNV,Sở Nội vụ,department,SL,Lò Văn Mừng\n"
                               "SL-VPTU,Văn phòng Tỉnh ủy,department,SL,\n",
                               /*dry_run=*/true);
  EXPECT_EQ(summary.inserted, 1);
  EXPECT_EQ(summary.updated, 1);
  EXPECT_EQ(summary.unchanged, 2);
  EXPECT_THAT(
      summary.changes,
      ElementsAre(
          ImportChange{DataKind::kUnits,
                       "",
                       3,
                       "SL-SKHCN",
                       ImportChange::Action::kUpdate,
                       {FieldChange{"name_vi", "Sở Khoa học và Công nghệ",
                                    "Sở Khoa học và Công nghệ tỉnh Sơn La"}}},
          ImportChange{DataKind::kUnits,
                       "",
                       4,
                       "SL-SNV",
                       ImportChange::Action::kInsert,
                       {FieldChange{"code", "", "SL-SNV"}, FieldChange{"name_vi", "", "Sở Nội vụ"},
                        FieldChange{"type", "", "department"}, FieldChange{"parent_code", "", "SL"},
                        FieldChange{"leader_name", "", "Lò Văn Mừng"}}}));
  EXPECT_THAT(UnitCodes(), ElementsAre("SL", "SL-SKHCN", "SL-VPTU"));

  const nlohmann::json json = ImportSummaryJson(summary, true);
  EXPECT_EQ(json["changes_total"], 2);
  EXPECT_EQ(json["changes"][0],
            nlohmann::json::parse(R"({"kind":"units","line":3,"key":"SL-SKHCN","action":"update",
              "fields":[{"column":"name_vi","before":"Sở Khoa học và Công nghệ",
                         "after":"Sở Khoa học và Công nghệ tỉnh Sơn La"}]})"));
}

TEST_F(ImportWorkbookTest, LedgerChangesAreTheAppendedEvents) {
  LoadBasics();
  MustImportCsv(DataKind::kTasks,
                "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
                "333-KH/TU,1.01,Một,SL-SKHCN,2025-05-07,2025-06-15\n");
  const std::string first =
      "plan_code,task_code,kind,date,progress_percent\n"
      "333-KH/TU,1.01,progress,2025-05-21,40\n";
  MustImportCsv(DataKind::kTaskUpdates, first);
  auto again =
      MustImportCsv(DataKind::kTaskUpdates, first + "333-KH/TU,1.01,progress,2025-05-28,70\n");
  EXPECT_EQ(again.inserted, 1);
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_THAT(again.changes,
              ElementsAre(ImportChange{
                  DataKind::kTaskUpdates,
                  "",
                  3,
                  "333-KH/TU/1.01",
                  ImportChange::Action::kInsert,
                  {FieldChange{"plan_code", "", "333-KH/TU"}, FieldChange{"task_code", "", "1.01"},
                   FieldChange{"kind", "", "progress"}, FieldChange{"date", "", "2025-05-28"},
                   FieldChange{"progress_percent", "", "70"}}}));
}

TEST_F(ImportWorkbookTest, ExportedWorkbookLaysOutTheImportFormat) {
  LoadBasics();
  MustImportCsv(DataKind::kTasks,
                "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline,priority\n"
                "333-KH/TU,1.01,Một,SL-SKHCN,2025-05-07,2025-06-15,2\n");
  const DataKind kinds[] = {DataKind::kTasks, DataKind::kUnits};
  auto bytes = ExportWorkbook(*store_, kinds, Date::Parse("2026-11-22").value());
  ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
  auto book = ReadXlsx(*bytes);
  ASSERT_TRUE(book.has_value()) << book.error().ToString();
  ASSERT_THAT(book->sheets, SizeIs(2));
  const XlsxSheet& tasks = book->sheets[0];
  EXPECT_EQ(tasks.name, "Nhiệm vụ");
  ASSERT_THAT(tasks.rows, SizeIs(3));
  EXPECT_EQ(tasks.rows[0].cells, std::vector<std::string>{"Nhiệm vụ — xuất ngày 22/11/2026"});
  EXPECT_EQ(tasks.rows[1].cells, HeadersVi(DataKind::kTasks));
  EXPECT_EQ(tasks.rows[2].number, 3);
  EXPECT_EQ(tasks.rows[2].cells,
            (std::vector<std::string>{"333-KH/TU", "1.01", "", "Một", "", "", "", "SL-SKHCN", "",
                                      "deadline", "2025-05-07", "", "2025-06-15", "", "", "2", "",
                                      "không"}));
  EXPECT_EQ(book->sheets[1].name, "Đơn vị");

  auto summary = ImportWorkbook(*store_, *bytes, std::nullopt);
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  EXPECT_EQ(summary->unchanged, 4);
  EXPECT_THAT(summary->changes, IsEmpty());
}

TEST_F(ImportWorkbookTest, ExportOfTheDemoImportsBackUnchangedForEveryKind) {
  auto loaded = LoadDemo(*store_, DefaultDemoDir());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  auto bytes = ExportWorkbook(*store_, AllDataKinds(), Date::Parse("2026-11-22").value());
  ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
  auto summary = ImportWorkbook(*store_, *bytes, std::nullopt);
  ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  EXPECT_EQ(summary->kinds.size(), AllDataKinds().size());
  EXPECT_GT(summary->rows, 100);
  EXPECT_EQ(summary->inserted, 0);
  EXPECT_EQ(summary->updated, 0);
  EXPECT_EQ(summary->unchanged, summary->rows);
  EXPECT_THAT(summary->changes, IsEmpty());
  for (DataKind kind : AllDataKinds()) {
    std::ostringstream csv;
    ASSERT_TRUE(ExportCsv(*store_, kind, csv).has_value());
    std::istringstream in(csv.str());
    auto again = ImportCsv(*store_, kind, in);
    ASSERT_TRUE(again.has_value()) << again.error().ToString();
    EXPECT_THAT(again->changes, IsEmpty()) << DataKindName(kind);
  }
}

TEST_F(ImportWorkbookTest, TemplateHasTheHeadersAnExampleAndTheGuide) {
  auto bytes = TemplateWorkbook(DataKind::kTasks);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
  auto book = ReadXlsx(*bytes);
  ASSERT_TRUE(book.has_value()) << book.error().ToString();
  ASSERT_THAT(book->sheets, SizeIs(2));
  EXPECT_EQ(book->sheets[0].name, "Nhiệm vụ");
  ASSERT_THAT(book->sheets[0].rows, SizeIs(3));
  EXPECT_EQ(book->sheets[0].rows[1].cells, HeadersVi(DataKind::kTasks));
  EXPECT_EQ(book->sheets[0].rows[2].cells[0], "333-KH/TU");
  const XlsxSheet& guide = book->sheets[1];
  EXPECT_EQ(guide.name, "Hướng dẫn");
  ASSERT_THAT(guide.rows, SizeIs(2 + ColumnsOf(DataKind::kTasks).size()));
  EXPECT_EQ(guide.rows[2].cells[0], "Mã kế hoạch");
  EXPECT_EQ(guide.rows[2].cells[1], "plan_code");
  EXPECT_EQ(guide.rows[2].cells[2], "có");

  EXPECT_EQ(TemplateCsv(DataKind::kTargets), "\xEF\xBB\xBFMã chỉ tiêu,Mã đơn vị,Ngày,Giá trị\r\n");
}

TEST_F(ImportWorkbookTest, EveryKindsTemplateImportsItsExample) {
  // Each example refers only to records the examples before it create (Sơn La, plan 333-KH/TU).
  MustImportCsv(DataKind::kUnits,
                "code,name_vi,type,parent_code\nSL,Tỉnh Sơn La,province,\n"
                "SL-VPTU,Văn phòng Tỉnh ủy,department,SL\n");
  for (DataKind kind : AllDataKinds()) {
    auto bytes = TemplateWorkbook(kind);
    ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
    auto summary = ImportWorkbook(*store_, *bytes, kind);
    ASSERT_TRUE(summary.has_value()) << DataKindName(kind) << ": " << summary.error().ToString();
    EXPECT_EQ(summary->inserted, 1) << DataKindName(kind);
  }
}

TEST(WorkbookChoices, ListsOverExcelsLimitOrWithCommasAreRefused) {
  Workbook book{{TextSheet("Đơn vị", "", {"Loại"}, {})}};
  book.sheets[0].columns[0].choices.assign(30, "mot-gia-tri");  // 30 × 12 − 1 = 359 characters
  auto too_long = RenderWorkbook(book);
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().message,
            "sheet \"Đơn vị\" column \"Loại\": the choices are longer than Excel's 255 characters");
  book.sheets[0].columns[0].choices = {"có", "a,b"};
  auto comma = RenderWorkbook(book);
  ASSERT_FALSE(comma.has_value());
  EXPECT_EQ(comma.error().message,
            "sheet \"Đơn vị\" column \"Loại\": choice \"a,b\" is empty or holds a comma");
}

TEST(SheetNames, KindsAreFoundByVietnameseOrEnglishNames) {
  EXPECT_EQ(DataKindOfSheet("Nhiệm vụ"), DataKind::kTasks);
  EXPECT_EQ(DataKindOfSheet("NHIEM VU"), DataKind::kTasks);
  EXPECT_EQ(DataKindOfSheet("task_updates"), DataKind::kTaskUpdates);
  EXPECT_EQ(DataKindOfSheet("Cập nhật nhiệm vụ"), DataKind::kTaskUpdates);
  EXPECT_EQ(DataKindOfSheet("Số liệu"), DataKind::kDataValues);
  EXPECT_EQ(DataKindOfSheet("Hướng dẫn"), std::nullopt);
  for (DataKind kind : AllDataKinds()) {
    EXPECT_EQ(DataKindOfSheet(DataKindSheetName(kind)), kind);
    EXPECT_EQ(DataKindOfSheet(DataKindName(kind)), kind);
  }
}

}  // namespace
}  // namespace planwatch
