#include "planwatch/service/documents.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "planwatch/service/demo.h"
#include "planwatch/service/live_analytics.h"

namespace planwatch {
namespace {

using namespace std::chrono_literals;

Date D(const char* text) { return *Date::Parse(text); }

std::string PdfText(const std::string& pdf) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("planwatch_documents_service_" + std::to_string(::getpid()) + ".pdf");
  std::ofstream(path, std::ios::binary) << pdf;
  std::string out;
  FILE* pipe = ::popen(("pdftotext -enc UTF-8 '" + path.string() + "' -").c_str(), "r");
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while (pipe != nullptr && (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    out.append(buffer.data(), n);
  }
  if (pipe != nullptr) ::pclose(pipe);
  std::filesystem::remove(path);
  return out;
}

// The demo province, loaded once: every test here only reads it.
class DocumentsDemoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::filesystem::path(
        std::filesystem::temp_directory_path() /
        ("planwatch_documents_demo_" + std::to_string(::getpid()) + ".db"));
    Remove();
    auto store = Store::Open(StoreOptions{path_->string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = store->release();
    auto analytics = AttachAnalytics(*store_);
    ASSERT_TRUE(analytics.has_value()) << analytics.error().ToString();
    analytics_ = std::move(*analytics);
    auto loaded = LoadDemo(*store_, DefaultDemoDir());
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  }
  static void TearDownTestSuite() {
    analytics_.reset();
    delete store_;
    store_ = nullptr;
    Remove();
    delete path_;
    path_ = nullptr;
  }
  static void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_->string() + suffix);
  }
  static OrgUnitId Unit(const std::string& code) {
    auto units = store_->OrgUnits();
    auto it = std::ranges::find(*units, code, &OrgUnit::code);
    EXPECT_NE(it, units->end()) << code;
    return it->id;
  }
  static Principal Agency() {
    return Principal{UserId{2}, "sl.agency", Role::kStandingAgency, Unit("SL")};
  }
  static Principal Viewer() { return Principal{UserId{3}, "sl.viewer", Role::kViewer, Unit("SL")}; }
  static Principal Officer(const std::string& unit) {
    return Principal{UserId{4}, "officer", Role::kUnitOfficer, Unit(unit)};
  }
  static PlanSummaryRequest Year2025(DocumentLanguage lang = DocumentLanguage::kVi) {
    return PlanSummaryRequest{"333-KH/TU", Period::Year(2025), lang};
  }
  static std::set<std::string> Codes(const Workbook& wb) {
    std::set<std::string> codes;
    for (const auto& row : wb.sheets.at(0).rows) codes.insert(row.at(0).text);
    return codes;
  }

  static inline std::filesystem::path* path_ = nullptr;
  static inline Store* store_ = nullptr;
  static inline std::shared_ptr<Analytics> analytics_;
};

TEST_F(DocumentsDemoTest, SummaryReproducesTheProvincesFigures) {
  auto doc = BuildPlanSummary(*store_, *analytics_, Agency(), Year2025(), D("2026-02-10"), 420min);
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  EXPECT_EQ(doc->as_of, D("2025-12-31"));
  EXPECT_EQ(doc->plan_code, "333-KH/TU");
  EXPECT_EQ(doc->period, "2025");
  EXPECT_EQ(doc->headline.verified.total, 169);
  EXPECT_EQ(doc->headline.verified.done, 124);
  EXPECT_EQ(doc->headline.completion_percent, 73.3);
  EXPECT_GE(doc->headline.claimed.done, doc->headline.verified.done);
  int grouped = 0;
  for (const GroupCompletion& g : doc->groups) grouped += g.total;
  EXPECT_EQ(grouped, 169);
  EXPECT_TRUE(doc->groups.front().label.starts_with("N1. ")) << doc->groups.front().label;
  // Every task shown is one of the plan's, with its lead unit named.
  EXPECT_FALSE(doc->tasks.empty());
  for (const TaskLine& t : doc->tasks) EXPECT_FALSE(t.lead_unit.empty()) << t.code;
  ASSERT_TRUE(doc->ranking.has_value());
  ASSERT_TRUE(doc->notes.has_value());
  EXPECT_FALSE(doc->indicators.empty());

  auto pdf = RenderSummaryPdf(*doc);
  ASSERT_TRUE(pdf.has_value()) << pdf.error().ToString();
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("Tỷ lệ hoàn thành"), std::string::npos);
  EXPECT_NE(text.find("73,3%"), std::string::npos);
  EXPECT_NE(text.find("Đã xác minh 124/169 nhiệm vụ"), std::string::npos);
}

TEST_F(DocumentsDemoTest, SummaryOfARunningPeriodIsJudgedToday) {
  auto doc = BuildPlanSummary(*store_, *analytics_, Agency(), Year2025(DocumentLanguage::kEn),
                              D("2025-09-15"), 420min);
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  EXPECT_EQ(doc->as_of, D("2025-09-15"));
  EXPECT_EQ(doc->lang, DocumentLanguage::kEn);
  EXPECT_LT(doc->headline.verified.done, 124);
}

TEST_F(DocumentsDemoTest, SummaryRefusesOutsidersUnknownPlansAndFuturePeriods) {
  auto denied =
      BuildPlanSummary(*store_, *analytics_, Officer("SL-SNV"), Year2025(), D("2026-02-10"), 0min);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(denied.error().message, "officer may not read the figures of plan 333-KH/TU");

  PlanSummaryRequest unknown = Year2025();
  unknown.plan_code = "999-KH/XX";
  auto missing = BuildPlanSummary(*store_, *analytics_, Agency(), unknown, D("2026-02-10"), 0min);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "no plan '999-KH/XX'");

  PlanSummaryRequest future{"333-KH/TU", Period::Year(2027), DocumentLanguage::kVi};
  auto early = BuildPlanSummary(*store_, *analytics_, Agency(), future, D("2026-02-10"), 0min);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(early.error().message, "period 2027 has not started yet (today is 2026-02-10)");
}

TEST_F(DocumentsDemoTest, TaskWorkbookListsTheTasksAsOfTheDate) {
  auto wb = BuildTaskWorkbook(*store_, Agency(), "333-KH/TU", D("2025-12-31"));
  ASSERT_TRUE(wb.has_value()) << wb.error().ToString();
  ASSERT_EQ(wb->sheets.size(), 1u);
  const Sheet& sheet = wb->sheets[0];
  EXPECT_EQ(sheet.name, "Nhiệm vụ");
  EXPECT_EQ(sheet.title, "Kế hoạch 333-KH/TU — nhiệm vụ đến ngày 31/12/2025");
  ASSERT_EQ(sheet.columns.size(), 10u);
  EXPECT_EQ(sheet.columns[3].header, "Đơn vị chủ trì");
  const auto first =
      std::ranges::find_if(sheet.rows, [](const auto& r) { return r[0].text == "1.01"; });
  ASSERT_NE(first, sheet.rows.end());
  EXPECT_EQ((*first)[2].text.substr(0, 4), "N1. ");
  EXPECT_EQ((*first)[4].kind, CellKind::kDate);
  EXPECT_EQ((*first)[4].date, D("2025-05-31"));
  EXPECT_EQ(Codes(*wb).size(), sheet.rows.size());
  // The plan's administrator sees the classified task; the tasks are in group order.
  EXPECT_TRUE(Codes(*wb).contains("8.05"));
  EXPECT_EQ(sheet.rows.front()[0].text, "1.01");

  auto bytes = RenderWorkbook(*wb);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();
  EXPECT_EQ(bytes->substr(0, 2), "PK");
}

TEST_F(DocumentsDemoTest, TaskWorkbookHidesWhatTheCallerMayNotSee) {
  auto all = BuildTaskWorkbook(*store_, Agency(), "333-KH/TU", D("2025-12-31"));
  auto viewer = BuildTaskWorkbook(*store_, Viewer(), "333-KH/TU", D("2025-12-31"));
  ASSERT_TRUE(all.has_value() && viewer.has_value());
  // The province's viewer holds the classified task's lead unit in scope (access.h), so it sees
  // what the plan's administrator sees; a department's officer sees its own tasks only.
  EXPECT_EQ(Codes(*viewer), Codes(*all));

  auto officer = BuildTaskWorkbook(*store_, Officer("SL-SNV"), "333-KH/TU", D("2025-12-31"));
  ASSERT_TRUE(officer.has_value());
  EXPECT_FALSE(officer->sheets[0].rows.empty());
  EXPECT_LT(officer->sheets[0].rows.size(), viewer->sheets[0].rows.size());
  EXPECT_FALSE(Codes(*officer).contains("8.05"));

  auto missing = BuildTaskWorkbook(*store_, Agency(), "nope", D("2025-12-31"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "no plan 'nope'");
}

TEST_F(DocumentsDemoTest, TaskWorkbookBeforeTheFirstAssignmentIsEmpty) {
  auto wb = BuildTaskWorkbook(*store_, Agency(), "333-KH/TU", D("2025-01-01"));
  ASSERT_TRUE(wb.has_value()) << wb.error().ToString();
  EXPECT_TRUE(wb->sheets[0].rows.empty());
}

TEST_F(DocumentsDemoTest, ScorecardWorkbookRanksTheUnits) {
  auto wb = BuildScorecardWorkbook(*store_, Agency(), "333-KH/TU", Period::Year(2025),
                                   D("2026-02-10"), 420min);
  ASSERT_TRUE(wb.has_value()) << wb.error().ToString();
  const Sheet& sheet = wb->sheets.at(0);
  EXPECT_EQ(sheet.name, "Bảng xếp hạng");
  EXPECT_EQ(sheet.title, "Kế hoạch 333-KH/TU — xếp hạng đơn vị kỳ 2025");
  ASSERT_FALSE(sheet.rows.empty());
  EXPECT_EQ(sheet.columns[4].header, "Đơn vị");
  // The first row of a peer group is ranked 1 (when scored).
  EXPECT_EQ(sheet.rows.front()[1].kind, CellKind::kNumber);
  EXPECT_EQ(sheet.rows.front()[1].number, 1);

  auto denied = BuildScorecardWorkbook(*store_, Officer("SL-SNV"), "333-KH/TU", Period::Year(2025),
                                       D("2026-02-10"), 0min);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(DocumentsDemoTest, IndicatorWorkbookListsThePlansIndicatorsAndValues) {
  auto wb =
      BuildIndicatorWorkbook(*store_, *analytics_, Agency(), "333-KH/TU", 2025, D("2026-02-10"));
  ASSERT_TRUE(wb.has_value()) << wb.error().ToString();
  ASSERT_EQ(wb->sheets.size(), 2U);
  const Sheet& list = wb->sheets[0];
  EXPECT_EQ(list.name, "Chỉ tiêu");
  EXPECT_EQ(list.columns[5].header, "Mục tiêu");
  // The 16 indicators the plan's tasks name, by code.
  ASSERT_EQ(list.rows.size(), 16U);
  EXPECT_EQ(list.rows.front()[0].text, "BIZ_DIGITAL_RATE");
  EXPECT_EQ(list.rows.back()[0].text, "VILLAGES_4G_NEW");
  auto row = std::ranges::find_if(list.rows,
                                  [](const auto& r) { return r[0].text == "PUBLIC_SIGNATURES"; });
  ASSERT_NE(row, list.rows.end());
  EXPECT_EQ((*row)[3].text, "Tháng");
  EXPECT_EQ((*row)[4].text, "Tăng là tốt");
  EXPECT_EQ((*row)[7].kind, CellKind::kNumber);
  EXPECT_EQ((*row)[7].number, 22336);
  EXPECT_EQ((*row)[7].number_format, "#,##0");

  const Sheet& values = wb->sheets[1];
  EXPECT_EQ(values.name, "Số liệu");
  ASSERT_FALSE(values.rows.empty());
  std::set<std::string> codes;
  for (const auto& r : list.rows) codes.insert(r[0].text);
  for (const auto& r : values.rows) {
    EXPECT_TRUE(codes.contains(r[0].text)) << r[0].text;
    EXPECT_TRUE(r[4].text.starts_with("2025")) << r[4].text;
    EXPECT_EQ(r[6].text, "Đã duyệt");
  }

  auto denied = BuildIndicatorWorkbook(*store_, *analytics_, Officer("SL-SNV"), "333-KH/TU", 2025,
                                       D("2026-02-10"));
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  auto unknown =
      BuildIndicatorWorkbook(*store_, *analytics_, Agency(), "NO-PLAN", 2025, D("2026-02-10"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_F(DocumentsDemoTest, IndicatorExportNamesItsYear) {
  auto file = ExportDocument(*store_, *analytics_, Agency(), ExportKind::kIndicatorsXlsx,
                             {{"plan", "333-KH/TU"}}, D("2026-02-10"), 0min, DocumentLanguage::kVi);
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->file_name, "indicators-333-KH-TU-2026.xlsx");
  EXPECT_EQ(file->content_type, kXlsxContentType);
  EXPECT_TRUE(file->bytes.starts_with("PK"));
  auto bad = ExportDocument(*store_, *analytics_, Agency(), ExportKind::kIndicatorsXlsx,
                            {{"plan", "333-KH/TU"}, {"year", "20x5"}}, D("2026-02-10"), 0min,
                            DocumentLanguage::kVi);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(bad.error().details.size(), 1U);
  EXPECT_EQ(bad.error().details[0].field, "year");
}

TEST(ExportFileNameTest, KeepsOnlySafeAsciiCharacters) {
  EXPECT_EQ(ExportFileName("plan-summary", "333-KH/TU", "2025", "pdf"),
            "plan-summary-333-KH-TU-2025.pdf");
  EXPECT_EQ(ExportFileName("tasks", "KHUNG-01-CV/BCĐTW", "2025-12-31", "xlsx"),
            "tasks-KHUNG-01-CV-BC--TW-2025-12-31.xlsx");
}

}  // namespace
}  // namespace planwatch
