#include "planwatch/documents/workbook.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "planwatch/documents/test_files.h"

namespace planwatch {
namespace {

using testing_files::ScratchFile;

Date D(const char* text) { return *Date::Parse(text); }

Workbook TwoSheets() {
  Sheet tasks;
  tasks.name = "Nhiệm vụ";
  tasks.title = "Kế hoạch 333-KH/TU — nhiệm vụ đến ngày 31/12/2025";
  tasks.columns = {
      {"Mã", 8}, {"Đơn vị chủ trì", 30}, {"Hạn", 12}, {"Tiến độ", 10}, {"Số bộ dữ liệu", 14}};
  tasks.rows = {
      {Cell::Text("NV01"), Cell::Text("Sở Khoa học và Công nghệ"), Cell::On(D("2025-12-31")),
       Cell::Percent(0.733), Cell::Number(658, "#,##0")},
      {Cell::Text("NV02"), Cell::Text("Phường Chiềng An"), Cell::Empty(), Cell::Percent(1)},
  };
  Sheet ranking;
  ranking.name = "Bảng xếp hạng";
  ranking.title = "Xếp hạng đơn vị";
  ranking.columns = {{"Hạng", 6}, {"Đơn vị", 30}};
  ranking.rows = {{Cell::Number(1), Cell::Text("Phường Tô Hiệu")}};
  return Workbook{{tasks, ranking}};
}

class WorkbookFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto bytes = RenderWorkbook(TwoSheets());
    ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
    ASSERT_EQ(bytes->substr(0, 2), "PK");  // a zip archive
    file_ = std::make_unique<ScratchFile>("planwatch_workbook_test.xlsx", *bytes);
  }
  std::string Part(const std::string& name) {
    int status = -1;
    std::string out = testing_files::Run("unzip -p '" + file_->path() + "' " + name, &status);
    EXPECT_EQ(status, 0) << name;
    return out;
  }
  std::unique_ptr<ScratchFile> file_;
};

TEST_F(WorkbookFileTest, IsAValidZipListingBothSheetsInOrder) {
  int status = -1;
  testing_files::Run("unzip -tq '" + file_->path() + "'", &status);
  EXPECT_EQ(status, 0);
  const std::string workbook = Part("xl/workbook.xml");
  const auto first = workbook.find("<sheet name=\"Nhiệm vụ\" sheetId=\"1\"");
  const auto second = workbook.find("<sheet name=\"Bảng xếp hạng\" sheetId=\"2\"");
  EXPECT_NE(first, std::string::npos) << workbook;
  EXPECT_NE(second, std::string::npos) << workbook;
  EXPECT_LT(first, second);
}

TEST_F(WorkbookFileTest, SharedStringsHoldTheVietnameseHeadersAndText) {
  const std::string strings = Part("xl/sharedStrings.xml");
  for (const char* text : {"Đơn vị chủ trì", "Tiến độ", "Số bộ dữ liệu", "Phường Chiềng An",
                           "Kế hoạch 333-KH/TU — nhiệm vụ đến ngày 31/12/2025", "Phường Tô Hiệu"}) {
    EXPECT_NE(strings.find(std::string("<t>") + text + "</t>"), std::string::npos) << text;
  }
}

TEST_F(WorkbookFileTest, HeaderRowIsFrozenAndFilteredOverTheData) {
  const std::string sheet = Part("xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<pane ySplit=\"2\" topLeftCell=\"A3\" activePane=\"bottomLeft\" "
                       "state=\"frozen\"/>"),
            std::string::npos)
      << sheet;
  EXPECT_NE(sheet.find("<autoFilter ref=\"A2:E4\"/>"), std::string::npos) << sheet;
  // Column B is 30 characters wide.
  EXPECT_NE(sheet.find("<col min=\"2\" max=\"2\" width=\"30.7109375\" customWidth=\"1\"/>"),
            std::string::npos)
      << sheet;
  const std::string ranking = Part("xl/worksheets/sheet2.xml");
  EXPECT_NE(ranking.find("<autoFilter ref=\"A2:B3\"/>"), std::string::npos) << ranking;
}

TEST_F(WorkbookFileTest, CellsKeepTheirTypes) {
  const std::string sheet = Part("xl/worksheets/sheet1.xml");
  // 31/12/2025 is Excel day 46022; the percent is the fraction; the number is the number.
  EXPECT_NE(sheet.find("<c r=\"C3\" s=\""), std::string::npos);
  EXPECT_NE(sheet.find("<v>46022</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>0.733</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>658</v>"), std::string::npos) << sheet;
  EXPECT_EQ(sheet.find("<c r=\"C4\""), std::string::npos) << "an empty cell is not written";
  const std::string styles = Part("xl/styles.xml");
  EXPECT_NE(styles.find("formatCode=\"dd/mm/yyyy\""), std::string::npos) << styles;
  EXPECT_NE(styles.find("formatCode=\"0.0%\""), std::string::npos) << styles;
  EXPECT_NE(styles.find("formatCode=\"#,##0\""), std::string::npos) << styles;
  EXPECT_NE(styles.find("<b/>"), std::string::npos) << "the header row is bold";
}

TEST(RenderWorkbookTest, RefusesAWorkbookWithoutSheets) {
  auto r = RenderWorkbook(Workbook{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "a workbook needs at least one sheet");
}

TEST(RenderWorkbookTest, RefusesBadSheetNamesNamingThem) {
  Workbook long_name = TwoSheets();
  long_name.sheets[0].name = "Nhiệm vụ của các sở, ban, ngành tỉnh";  // 36 characters
  auto r = RenderWorkbook(long_name);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("\"Nhiệm vụ của các sở, ban, ngành tỉnh\""), std::string::npos)
      << r.error().message;

  Workbook slash = TwoSheets();
  slash.sheets[1].name = "Quý 1/2025";
  r = RenderWorkbook(slash);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "sheet name \"Quý 1/2025\" must not contain any of []:*?/\\");

  Workbook twice = TwoSheets();
  twice.sheets[0].name = "Data";
  twice.sheets[1].name = "DATA";
  r = RenderWorkbook(twice);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "sheet name \"DATA\" is used twice");
}

TEST(RenderWorkbookTest, ThirtyOneVietnameseCharactersAreAllowed) {
  Workbook wb = TwoSheets();
  wb.sheets[0].name = "Nhiệm vụ của các sở ban ngành t";  // 31 characters, more bytes
  auto r = RenderWorkbook(wb);
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
}

TEST(RenderWorkbookTest, RefusesRowsLongerThanTheColumnsNamingSheetAndRow) {
  Workbook wb = TwoSheets();
  wb.sheets[1].rows.push_back({Cell::Number(2), Cell::Text("x"), Cell::Text("extra")});
  auto r = RenderWorkbook(wb);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "sheet \"Bảng xếp hạng\" row 2 has 3 cells for 2 columns");
}

TEST(RenderWorkbookTest, RefusesNumbersThatAreNotFinite) {
  Workbook wb = TwoSheets();
  wb.sheets[0].rows[1][3] = Cell::Percent(std::nan(""));
  auto r = RenderWorkbook(wb);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "sheet \"Nhiệm vụ\" row 2 has a number that is not finite");
}

TEST(RenderWorkbookTest, RefusesSheetsWithoutColumnsOrWithBadWidths) {
  Workbook wb = TwoSheets();
  wb.sheets[1].columns.clear();
  wb.sheets[1].rows.clear();
  auto r = RenderWorkbook(wb);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "sheet \"Bảng xếp hạng\" has no columns");

  wb = TwoSheets();
  wb.sheets[0].columns[1].width = 0;
  r = RenderWorkbook(wb);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "sheet \"Nhiệm vụ\" column 2 (\"Đơn vị chủ trì\"): width 0 is not in (0, 255]");
}

}  // namespace
}  // namespace planwatch
