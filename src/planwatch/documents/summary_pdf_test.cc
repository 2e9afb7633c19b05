#include "planwatch/documents/summary_pdf.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "planwatch/documents/test_files.h"

namespace planwatch {
namespace {

using testing_files::Occurrences;
using testing_files::Run;
using testing_files::ScratchFile;

Date D(const char* text) { return *Date::Parse(text); }

// The demo province's year: 124 of 169 tasks verified done (73.3%).
SummaryDocument Demo(DocumentLanguage lang) {
  SummaryDocument doc;
  doc.lang = lang;
  doc.title =
      "Kế hoạch thực hiện Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công "
      "nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia";
  doc.plan_code = "333-KH/TU";
  doc.issuer = "Tỉnh ủy Sơn La";
  doc.period = "2025";
  doc.as_of = D("2025-12-31");
  StatusSummary& v = doc.headline.verified;
  v.total = 169;
  v.done = 124;
  v.done_on_time = 101;
  v.done_late = 23;
  v.in_progress_on_time = 15;
  v.overdue = 30;
  v.cancelled = 2;
  v.due = 150;
  v.due_done_on_time = 101;
  v.recurring_reported = 9;
  v.recurring_missing = 3;
  doc.headline.claimed = v;
  doc.headline.claimed.done = 131;
  doc.headline.completion_percent = 73.3;
  doc.headline.claimed_completion_percent = 77.5;
  doc.headline.on_time_percent = 67.3;
  const char* groups[] = {"Nâng cao nhận thức, đột phá về đổi mới tư duy",
                          "Hoàn thiện thể chế, chính sách",
                          "Tăng đầu tư, hoàn thiện hạ tầng cho khoa học, công nghệ",
                          "Phát triển, trọng dụng nhân lực chất lượng cao",
                          "Đẩy mạnh chuyển đổi số trong hoạt động của cơ quan hệ thống chính trị",
                          "Thúc đẩy mạnh mẽ hoạt động nghiên cứu, ứng dụng",
                          "Tăng cường hợp tác quốc tế",
                          "Bảo đảm an ninh mạng, an toàn thông tin"};
  int i = 0;
  for (const char* g : groups) {
    ++i;
    doc.groups.push_back(GroupCompletion{std::to_string(i) + ". " + g, 10 + i, 20, std::nullopt});
    doc.groups.back().percent = (10.0 + i) * 100 / 20;
  }
  doc.indicators = {
      {"CT01", "Số bộ dữ liệu mở trên cổng dữ liệu", "bộ", 658, 700, 112.5,
       IndicatorStatus::kOnTrack},
      {"CT02", "Thủ tục hành chính trực tuyến toàn trình", "thủ tục", 967, 1200, 85.2,
       IndicatorStatus::kAtRisk},
      {"CT03", "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục", "%", 93.2, 100, 140,
       IndicatorStatus::kOnTrack},
      {"CT04", "Chữ ký số công cộng cấp cho người dân", "chữ ký", 22336, 60000, 41.7,
       IndicatorStatus::kOffTrack},
      {"CT05", "Thôn, bản được phủ sóng 4G mới", "thôn", std::nullopt, 120, std::nullopt,
       IndicatorStatus::kNoData},
      {"CT06", "Doanh nghiệp ứng dụng công nghệ số", "doanh nghiệp", 1059, std::nullopt,
       std::nullopt, IndicatorStatus::kNoData},
  };
  for (int t = 1; t <= 60; ++t) {
    TaskLine line;
    line.code = "NV" + std::to_string(100 + t);
    line.title =
        "Xây dựng cơ sở dữ liệu dùng chung của tỉnh, kết nối liên thông với cơ sở dữ "
        "liệu quốc gia (đợt " +
        std::to_string(t) + ")";
    line.lead_unit = t % 2 == 0 ? "Sở Khoa học và Công nghệ" : "UBND phường Chiềng An";
    line.status = t <= 30   ? TaskStatus::kOverdue
                  : t <= 40 ? TaskStatus::kInProgressOnTime
                  : t <= 50 ? TaskStatus::kDoneOnTime
                            : TaskStatus::kDoneLate;
    line.deadline = D("2025-09-30");
    if (t == 3) line.original_deadline = D("2025-06-30");
    line.progress_percent = 40;
    if (t > 40) line.completed_on = D("2025-10-15");
    doc.tasks.push_back(line);
  }
  doc.ranking = std::vector<RankingLine>{
      {1, 3, "Phường Tô Hiệu", "Phường", "Lò Văn Minh, Chủ tịch UBND", 92.5, Rating::kExcellent,
       95.0},
      {2, 3, "Phường Chiềng An", "Phường", "Cầm Thị Hoa, Chủ tịch UBND", 71.25, Rating::kGood,
       70.0},
      {std::nullopt, 3, "Phường Chiềng Sinh", "Phường", "", std::nullopt, std::nullopt,
       std::nullopt},
  };
  doc.notes = std::vector<UnitNote>{
      {"Phường Chiềng An",
       "Hạ tầng mạng ở các bản vùng cao còn yếu; thiếu cán bộ chuyên trách chuyển đổi số.",
       "Đề nghị tỉnh hỗ trợ kinh phí lắp đặt trạm phát sóng 4G cho 5 bản."},
      {"Sở Khoa học và Công nghệ", "", "Ban hành quy chế chia sẻ dữ liệu dùng chung."},
  };
  return doc;
}

struct Rendered {
  std::string text;  // pdftotext's output
  int pages = 0;     // PNG pages pdftoppm rendered
};

// Renders `doc`, extracts its text and renders every page to build/documents-shots/<name>-N.png.
Rendered RenderAndRead(const SummaryDocument& doc, const std::string& name) {
  auto pdf = RenderSummaryPdf(doc);
  EXPECT_TRUE(pdf.has_value()) << pdf.error().ToString();
  if (!pdf) return {};
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
  ScratchFile file("planwatch_" + name + ".pdf", *pdf);
  Rendered out;
  int status = -1;
  out.text = Run("pdftotext -enc UTF-8 '" + file.path() + "' -", &status);
  EXPECT_EQ(status, 0);
  const std::filesystem::path shots = PW_DOCUMENT_SHOTS_DIR;
  std::filesystem::create_directories(shots);
  for (const auto& entry : std::filesystem::directory_iterator(shots)) {
    if (entry.path().filename().string().starts_with(name + "-")) {
      std::filesystem::remove(entry.path());
    }
  }
  Run("pdftoppm -png -r 60 '" + file.path() + "' '" + (shots / name).string() + "'", &status);
  EXPECT_EQ(status, 0);
  for (const auto& entry : std::filesystem::directory_iterator(shots)) {
    const std::string f = entry.path().filename().string();
    if (f.starts_with(name + "-") && f.ends_with(".png")) ++out.pages;
  }
  return out;
}

TEST(SummaryPdfTest, VietnameseHeadingsAndFiguresComeOutAsText) {
  const Rendered r = RenderAndRead(Demo(DocumentLanguage::kVi), "summary_vi");
  for (const char* text : {"BÁO CÁO TÓM TẮT TÌNH HÌNH THỰC HIỆN KẾ HOẠCH",
                           "Tỷ lệ hoàn thành",
                           "73,3%",
                           "Đã xác minh 124/169 nhiệm vụ",
                           "Đơn vị báo cáo: 131/169 (77,5%)",
                           "Tỷ lệ đúng hạn",
                           "67,3%",
                           "101/150",
                           "Hoàn thành theo nhóm nhiệm vụ",
                           "Chỉ tiêu đánh giá",
                           "Quá hạn (30)",
                           "Đang thực hiện trong hạn (10)",
                           "Hoàn thành đúng hạn (10)",
                           "Hoàn thành trễ hạn (10)",
                           "Xếp hạng đơn vị",
                           "Phường Tô Hiệu",
                           "Xuất sắc",
                           "92,5",
                           "Khó khăn, vướng mắc",
                           "Đề nghị tỉnh hỗ trợ kinh phí",
                           "Số bộ dữ liệu mở trên cổng dữ liệu",
                           "22.336",
                           "112,5%",
                           "Chưa có mục tiêu",
                           "1.059",
                           "Chưa có số liệu",
                           "Số liệu đến ngày 31/12/2025",
                           "ban đầu 30/06/2025"}) {
    EXPECT_NE(r.text.find(text), std::string::npos) << text;
  }
  ASSERT_GE(r.pages, 3);
  for (int page = 1; page <= r.pages; ++page) {
    const std::string footer = "Trang " + std::to_string(page) + "/" + std::to_string(r.pages);
    EXPECT_EQ(Occurrences(r.text, footer), 1) << footer;
  }
}

TEST(SummaryPdfTest, LongTablesContinueWithTheirHeaderRepeated) {
  const Rendered r = RenderAndRead(Demo(DocumentLanguage::kVi), "summary_vi_tables");
  // 30 overdue tasks do not fit under the charts: the table goes on over the next page.
  EXPECT_NE(r.text.find("Quá hạn (30) (tiếp theo)"), std::string::npos);
  EXPECT_GE(Occurrences(r.text, "Đơn vị chủ trì"), 3);
  for (const char* code : {"NV101", "NV130", "NV131", "NV160"}) {
    EXPECT_EQ(Occurrences(r.text, code), 1) << code;
  }
}

TEST(SummaryPdfTest, EnglishLabels) {
  const Rendered r = RenderAndRead(Demo(DocumentLanguage::kEn), "summary_en");
  for (const char* text :
       {"PLAN IMPLEMENTATION SUMMARY", "Completion rate", "73.3%", "On-time rate", "Overdue (30)",
        "Unit ranking", "Excellent", "22,336", "Figures as of 31/12/2025"}) {
    EXPECT_NE(r.text.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(r.text.find("Tỷ lệ hoàn thành"), std::string::npos);
  EXPECT_EQ(Occurrences(r.text, "Page 1/" + std::to_string(r.pages)), 1);
}

TEST(SummaryPdfTest, MissingSectionsSaySoAndEmptyOnesSayNone) {
  SummaryDocument doc = Demo(DocumentLanguage::kVi);
  doc.tasks.clear();
  doc.ranking.reset();
  doc.notes = std::vector<UnitNote>{};
  const Rendered r = RenderAndRead(doc, "summary_vi_short");
  EXPECT_NE(r.text.find("Chưa có dữ liệu xếp hạng cho kỳ này."), std::string::npos);
  EXPECT_NE(r.text.find("Các đơn vị không nêu khó khăn hay đề xuất."), std::string::npos);
  EXPECT_EQ(r.text.find("Danh sách nhiệm vụ theo tình trạng"), std::string::npos);
}

TEST(SummaryPdfTest, NoTasksAtAllStillRenders) {
  SummaryDocument doc;
  doc.title = "Kế hoạch trống";
  doc.period = "2026";
  doc.as_of = D("2026-01-10");
  const Rendered r = RenderAndRead(doc, "summary_empty");
  EXPECT_EQ(r.pages, 1);
  EXPECT_NE(r.text.find("Tỷ lệ hoàn thành"), std::string::npos);
  EXPECT_NE(r.text.find("Trang 1/1"), std::string::npos);
}

TEST(SummaryPdfTest, RefusesImpossibleInputNamingTheField) {
  SummaryDocument doc = Demo(DocumentLanguage::kVi);
  doc.title.clear();
  auto r = RenderSummaryPdf(doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "title: the document needs a title");

  doc = Demo(DocumentLanguage::kVi);
  doc.groups[1].done = 21;
  r = RenderSummaryPdf(doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "groups[1] (\"2. Hoàn thiện thể chế, chính sách\"): done 21 of total 20 is impossible");

  doc = Demo(DocumentLanguage::kVi);
  doc.headline.claimed.overdue = -1;
  r = RenderSummaryPdf(doc);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "headline.claimed: a count is negative (-1)");
}

TEST(FormatTest, PercentsUseTheLanguagesDecimalMark) {
  EXPECT_EQ(FormatPercent(73.3, DocumentLanguage::kVi), "73,3%");
  EXPECT_EQ(FormatPercent(73.3, DocumentLanguage::kEn), "73.3%");
  EXPECT_EQ(FormatPercent(100.0, DocumentLanguage::kVi), "100,0%");
  EXPECT_EQ(FormatPercent(std::nullopt, DocumentLanguage::kVi), "—");
}

TEST(FormatTest, NumbersGroupThousands) {
  EXPECT_EQ(FormatNumber(22336, DocumentLanguage::kVi), "22.336");
  EXPECT_EQ(FormatNumber(22336, DocumentLanguage::kEn), "22,336");
  EXPECT_EQ(FormatNumber(93.2, DocumentLanguage::kVi), "93,2");
  EXPECT_EQ(FormatNumber(1234567.126, DocumentLanguage::kEn), "1,234,567.13");
  EXPECT_EQ(FormatNumber(-1500, DocumentLanguage::kVi), "-1.500");
  EXPECT_EQ(FormatNumber(0, DocumentLanguage::kVi), "0");
  EXPECT_EQ(FormatNumber(std::nullopt, DocumentLanguage::kEn), "—");
}

TEST(FormatTest, LanguageNames) {
  EXPECT_EQ(ParseDocumentLanguage("vi"), DocumentLanguage::kVi);
  EXPECT_EQ(ParseDocumentLanguage("en"), DocumentLanguage::kEn);
  auto bad = ParseDocumentLanguage("fr");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "unknown language \"fr\": expected vi or en");
  EXPECT_EQ(DocumentLanguageName(DocumentLanguage::kEn), "en");
}

}  // namespace
}  // namespace planwatch
