#include "planwatch/documents/summary_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <numbers>
#include <string>
#include <utility>

namespace planwatch {
namespace {

// A4 portrait in PostScript points.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 42;
constexpr double kContentTop = 62;
constexpr double kContentBottom = kPageHeight - 52;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr const char* kFontFamily = "DejaVu Sans";

struct Rgb {
  double r = 0;
  double g = 0;
  double b = 0;
};
constexpr Rgb Hex(unsigned v) {
  return Rgb{((v >> 16) & 0xFF) / 255.0, ((v >> 8) & 0xFF) / 255.0, (v & 0xFF) / 255.0};
}

// The colours everyone reads task status by.
constexpr Rgb kGreen = Hex(0x2e7d32);
constexpr Rgb kBlue = Hex(0x1565c0);
constexpr Rgb kOrange = Hex(0xef6c00);
constexpr Rgb kRed = Hex(0xc62828);
constexpr Rgb kGrey = Hex(0x757575);
constexpr Rgb kInk = Hex(0x212121);
constexpr Rgb kMuted = Hex(0x616161);
constexpr Rgb kRule = Hex(0xbdbdbd);
constexpr Rgb kTrack = Hex(0xeeeeee);
constexpr Rgb kHeaderFill = Hex(0xe3eaf3);
constexpr Rgb kStripe = Hex(0xf7f7f7);
constexpr Rgb kAccent = Hex(0x0d47a1);

using L = DocumentLanguage;

const char* T(L lang, const char* vi, const char* en) { return lang == L::kVi ? vi : en; }

std::string DateText(Date d) {
  return fmt::format("{:02}/{:02}/{:04}", d.day(), d.month(), d.year());
}
std::string DateText(const std::optional<Date>& d) { return d ? DateText(*d) : "—"; }

Rgb StatusColour(TaskStatus s) {
  switch (s) {
    case TaskStatus::kDoneOnTime:
    case TaskStatus::kRecurringReported:
      return kGreen;
    case TaskStatus::kInProgressOnTime:
      return kBlue;
    case TaskStatus::kDoneLate:
      return kOrange;
    case TaskStatus::kOverdue:
    case TaskStatus::kRecurringMissing:
      return kRed;
    case TaskStatus::kCancelled:
    case TaskStatus::kNotAssigned:
    case TaskStatus::kRecurringNotDue:
      return kGrey;
  }
  return kGrey;
}

const char* StatusLabel(TaskStatus s, L lang) {
  switch (s) {
    case TaskStatus::kNotAssigned:
      return T(lang, "Chưa giao", "Not assigned");
    case TaskStatus::kDoneOnTime:
      return T(lang, "Hoàn thành đúng hạn", "Done on time");
    case TaskStatus::kDoneLate:
      return T(lang, "Hoàn thành trễ hạn", "Done late");
    case TaskStatus::kInProgressOnTime:
      return T(lang, "Đang thực hiện trong hạn", "In progress, on time");
    case TaskStatus::kOverdue:
      return T(lang, "Quá hạn", "Overdue");
    case TaskStatus::kCancelled:
      return T(lang, "Đã hủy", "Cancelled");
    case TaskStatus::kRecurringReported:
      return T(lang, "Thường xuyên – đã báo cáo", "Recurring – reported");
    case TaskStatus::kRecurringMissing:
      return T(lang, "Thường xuyên – chưa báo cáo", "Recurring – not reported");
    case TaskStatus::kRecurringNotDue:
      return T(lang, "Thường xuyên – chưa đến kỳ", "Recurring – not yet due");
  }
  return "";
}

const char* RatingText(Rating r, L lang) {
  switch (r) {
    case Rating::kExcellent:
      return T(lang, "Xuất sắc", "Excellent");
    case Rating::kGood:
      return T(lang, "Tốt", "Good");
    case Rating::kCompleted:
      return T(lang, "Hoàn thành", "Completed");
    case Rating::kNotCompleted:
      return T(lang, "Chưa hoàn thành", "Not completed");
  }
  return "";
}

Rgb IndicatorColour(IndicatorStatus s) {
  switch (s) {
    case IndicatorStatus::kOnTrack:
      return kGreen;
    case IndicatorStatus::kAtRisk:
      return kOrange;
    case IndicatorStatus::kOffTrack:
      return kRed;
    case IndicatorStatus::kNoData:
    case IndicatorStatus::kStale:
      return kGrey;
  }
  return kGrey;
}

const char* IndicatorLabel(IndicatorStatus s, L lang) {
  switch (s) {
    case IndicatorStatus::kOnTrack:
      return T(lang, "Đạt tiến độ", "On track");
    case IndicatorStatus::kAtRisk:
      return T(lang, "Có nguy cơ chậm", "At risk");
    case IndicatorStatus::kOffTrack:
      return T(lang, "Chậm tiến độ", "Off track");
    case IndicatorStatus::kNoData:
      return T(lang, "Chưa có số liệu", "No data");
    case IndicatorStatus::kStale:
      return T(lang, "Số liệu chưa cập nhật", "Stale data");
  }
  return "";
}

// The order task tables are printed in: what needs attention first.
constexpr std::array kTableOrder = {
    TaskStatus::kOverdue,         TaskStatus::kRecurringMissing, TaskStatus::kInProgressOnTime,
    TaskStatus::kDoneLate,        TaskStatus::kDoneOnTime,       TaskStatus::kRecurringReported,
    TaskStatus::kRecurringNotDue, TaskStatus::kCancelled,        TaskStatus::kNotAssigned,
};

struct Font {
  double size = 9;
  bool bold = false;
};
constexpr Font kBody{8.5, false};
constexpr Font kBodyBold{8.5, true};
constexpr Font kSmall{7.5, false};
constexpr Font kSmallBold{7.5, true};
constexpr Font kHeading{12, true};

enum class Align { kLeft, kCenter, kRight };

cairo_status_t AppendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

cairo_status_t Discard(void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }

// Pango's default font map, cairo's font caches and fontconfig's configuration live for the rest
// of the process once a layout is made. They are released at exit, so that a leak checker run
// over planwatch reports only what planwatch itself leaks.
PangoLayout* MakeLayout(cairo_t* cr) {
  static std::once_flag release_at_exit;
  std::call_once(release_at_exit, [] {
    std::atexit([] {
      pango_cairo_font_map_set_default(nullptr);
      cairo_debug_reset_static_data();
      FcFini();
    });
  });
  return pango_cairo_create_layout(cr);
}

// Text and shapes on one cairo context; every text goes through Pango.
class Canvas {
 public:
  explicit Canvas(cairo_t* cr) : cr_(cr), layout_(MakeLayout(cr)) {
    font_ = pango_font_description_new();
    pango_font_description_set_family(font_, kFontFamily);
  }
  ~Canvas() {
    pango_font_description_free(font_);
    g_object_unref(layout_);
  }
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  cairo_t* cr() const { return cr_; }

  // Lays out `text` within `width` (wrapped on words; at most `max_lines` lines, the last one
  // ellipsized, when max_lines > 0) and returns its height.
  double Measure(std::string_view text, Font font, double width, int max_lines = 0) {
    Prepare(text, font, width, Align::kLeft, max_lines);
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout_, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  double MeasureWidth(std::string_view text, Font font) {
    Prepare(text, font, -1, Align::kLeft, 0);
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout_, &w, &h);
    return static_cast<double>(w) / PANGO_SCALE;
  }

  // Draws `text` with its top at `y`; returns its height.
  double Draw(std::string_view text, double x, double y, Font font, double width, Rgb colour,
              Align align = Align::kLeft, int max_lines = 0) {
    Prepare(text, font, width, align, max_lines);
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout_, &w, &h);
    cairo_set_source_rgb(cr_, colour.r, colour.g, colour.b);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout_);
    // Leave no current point behind: a later arc would draw a line from it.
    cairo_new_path(cr_);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // The lines of `text` wrapped within `width`: each line's height and baseline offset, for
  // paragraphs that may continue on the next page.
  struct Line {
    double height = 0;
    double baseline = 0;
  };
  std::vector<Line> Lines(std::string_view text, Font font, double width) {
    Prepare(text, font, width, Align::kLeft, 0);
    std::vector<Line> out;
    PangoLayoutIter* it = pango_layout_get_iter(layout_);
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const int baseline = pango_layout_iter_get_baseline(it);
      out.push_back(Line{static_cast<double>(logical.height) / PANGO_SCALE,
                         static_cast<double>(baseline - logical.y) / PANGO_SCALE});
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return out;
  }
  // Draws line `index` of the layout last prepared by Lines() with its top at `y`.
  void DrawLine(int index, double x, double y, const Line& line, Rgb colour) {
    PangoLayoutLine* l = pango_layout_get_line_readonly(layout_, index);
    if (l == nullptr) return;
    cairo_set_source_rgb(cr_, colour.r, colour.g, colour.b);
    cairo_move_to(cr_, x, y + line.baseline);
    pango_cairo_show_layout_line(cr_, l);
    cairo_new_path(cr_);
  }

  void Fill(double x, double y, double w, double h, Rgb colour) {
    cairo_set_source_rgb(cr_, colour.r, colour.g, colour.b);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
  }
  void HLine(double x0, double x1, double y, Rgb colour, double width = 0.6) {
    cairo_set_source_rgb(cr_, colour.r, colour.g, colour.b);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x0, y);
    cairo_line_to(cr_, x1, y);
    cairo_stroke(cr_);
  }
  void Frame(double x, double y, double w, double h, Rgb colour, double width = 0.6) {
    cairo_set_source_rgb(cr_, colour.r, colour.g, colour.b);
    cairo_set_line_width(cr_, width);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_stroke(cr_);
  }
  void Dot(double cx, double cy, double r, Rgb colour) {
    cairo_set_source_rgb(cr_, colour.r, colour.g, colour.b);
    cairo_new_path(cr_);
    cairo_arc(cr_, cx, cy, r, 0, 2 * std::numbers::pi);
    cairo_fill(cr_);
  }

 private:
  void Prepare(std::string_view text, Font font, double width, Align align, int max_lines) {
    pango_font_description_set_absolute_size(font_, font.size * PANGO_SCALE);
    pango_font_description_set_weight(font_, font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout_, font_);
    pango_layout_set_text(layout_, text.data(), static_cast<int>(text.size()));
    pango_layout_set_width(layout_, width < 0 ? -1 : static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout_, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(layout_, max_lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_height(layout_, max_lines > 0 ? -max_lines : -1);
    pango_layout_set_alignment(layout_, align == Align::kLeft     ? PANGO_ALIGN_LEFT
                                        : align == Align::kCenter ? PANGO_ALIGN_CENTER
                                                                  : PANGO_ALIGN_RIGHT);
  }

  cairo_t* cr_;
  PangoLayout* layout_;
  PangoFontDescription* font_;
};

struct TableColumn {
  std::string header;
  double width = 0;
  Align align = Align::kLeft;
};

struct TableCell {
  std::string text;
  std::optional<Rgb> dot;  // a status dot before the text
  bool bold = false;
};

// Lays out the summary page by page. Run twice: once to count the pages, once to draw with
// "Trang n/N" in the footers.
class Renderer {
 public:
  Renderer(cairo_t* cr, const SummaryDocument& doc, int total_pages)
      : canvas_(cr), doc_(doc), lang_(doc.lang), total_pages_(total_pages) {}

  int Run() {
    NewPage();
    TitleBlock();
    Headline();
    StatusChart();
    GroupBars();
    IndicatorBars();
    TaskTables();
    Ranking();
    Notes();
    cairo_show_page(canvas_.cr());
    return page_;
  }

 private:
  const char* Tr(const char* vi, const char* en) const { return T(lang_, vi, en); }

  void NewPage() {
    if (page_ > 0) cairo_show_page(canvas_.cr());
    ++page_;
    y_ = kContentTop;
    // Header: plan and date; footer: page numbers.
    const std::string left =
        doc_.plan_code.empty() ? doc_.title : doc_.plan_code + " · " + doc_.title;
    canvas_.Draw(left, kMargin, 26, kSmall, kContentWidth * 0.68, kMuted, Align::kLeft, 1);
    canvas_.Draw(
        fmt::format("{} {}", Tr("Số liệu đến ngày", "Figures as of"), DateText(doc_.as_of)),
        kMargin + kContentWidth * 0.7, 26, kSmall, kContentWidth * 0.3, kMuted, Align::kRight, 1);
    canvas_.HLine(kMargin, kPageWidth - kMargin, 42, kRule);
    canvas_.HLine(kMargin, kPageWidth - kMargin, kContentBottom + 14, kRule);
    canvas_.Draw(fmt::format("planwatch · {} {}", Tr("Kỳ báo cáo", "Period"), doc_.period), kMargin,
                 kContentBottom + 20, kSmall, kContentWidth * 0.6, kMuted);
    const std::string pages =
        total_pages_ > 0 ? fmt::format("{}/{}", page_, total_pages_) : fmt::format("{}", page_);
    canvas_.Draw(fmt::format("{} {}", Tr("Trang", "Page"), pages), kMargin + kContentWidth * 0.6,
                 kContentBottom + 20, kSmall, kContentWidth * 0.4, kMuted, Align::kRight);
  }

  // Starts a new page unless `height` fits below the cursor.
  void Ensure(double height) {
    if (y_ + height > kContentBottom) NewPage();
  }

  void Section(const std::string& title, double keep_with) {
    ++section_;
    const std::string text = fmt::format("{}. {}", section_, title);
    const double h = canvas_.Measure(text, kHeading, kContentWidth);
    Ensure(8 + h + 6 + keep_with);
    if (y_ > kContentTop) y_ += 8;
    canvas_.Draw(text, kMargin, y_, kHeading, kContentWidth, kAccent);
    y_ += h + 2;
    canvas_.HLine(kMargin, kPageWidth - kMargin, y_, kAccent, 0.8);
    y_ += 6;
  }

  void Paragraph(const std::string& text, Font font, Rgb colour, double indent = 0) {
    const double width = kContentWidth - indent;
    const auto lines = canvas_.Lines(text, font, width);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (y_ + lines[i].height > kContentBottom) {
        NewPage();
        // NewPage drew with the same layout object: lay the paragraph out again.
        canvas_.Lines(text, font, width);
      }
      canvas_.DrawLine(static_cast<int>(i), kMargin + indent, y_, lines[i], colour);
      y_ += lines[i].height;
    }
  }

  void TitleBlock() {
    y_ += canvas_.Draw(
        Tr("BÁO CÁO TÓM TẮT TÌNH HÌNH THỰC HIỆN KẾ HOẠCH", "PLAN IMPLEMENTATION SUMMARY"), kMargin,
        y_, Font{10, true}, kContentWidth, kMuted, Align::kCenter);
    y_ += 4;
    y_ +=
        canvas_.Draw(doc_.title, kMargin, y_, Font{15, true}, kContentWidth, kInk, Align::kCenter);
    y_ += 4;
    std::string line = fmt::format("{} {} · {} {} · {} {}", Tr("Kế hoạch", "Plan"), doc_.plan_code,
                                   Tr("Kỳ", "Period"), doc_.period,
                                   Tr("Số liệu đến ngày", "Figures as of"), DateText(doc_.as_of));
    if (!doc_.issuer.empty()) {
      line += fmt::format("\n{}: {}", Tr("Đơn vị ban hành", "Issued by"), doc_.issuer);
    }
    y_ += canvas_.Draw(line, kMargin, y_, kBody, kContentWidth, kMuted, Align::kCenter);
    y_ += 10;
  }

  void FigureBox(double x, double w, double h, const std::string& label, const std::string& value,
                 Rgb colour, const std::string& note) {
    canvas_.Fill(x, y_, w, h, Hex(0xfafafa));
    canvas_.Fill(x, y_, 3, h, colour);
    canvas_.Frame(x, y_, w, h, kRule, 0.5);
    double yy = y_ + 7;
    yy += canvas_.Draw(label, x + 10, yy, kBodyBold, w - 16, kMuted, Align::kLeft, 2);
    yy += 1;
    yy += canvas_.Draw(value, x + 10, yy, Font{22, true}, w - 16, colour, Align::kLeft, 1);
    canvas_.Draw(note, x + 10, yy + 1, kSmall, w - 16, kMuted, Align::kLeft, 3);
  }

  void Headline() {
    const SummaryHeadline& h = doc_.headline;
    Section(Tr("Kết quả chung", "Overall results"), 90);
    const double gap = 10;
    const double w = (kContentWidth - 2 * gap) / 3;
    const double box_h = 84;
    FigureBox(kMargin, w, box_h, Tr("Tỷ lệ hoàn thành", "Completion rate"),
              FormatPercent(h.completion_percent, lang_), kGreen,
              fmt::format("{} {}/{} {}\n{}: {}/{} ({})", Tr("Đã xác minh", "Verified"),
                          h.verified.done, h.verified.total, Tr("nhiệm vụ", "tasks"),
                          Tr("Đơn vị báo cáo", "Claimed"), h.claimed.done, h.claimed.total,
                          FormatPercent(h.claimed_completion_percent, lang_)));
    FigureBox(
        kMargin + w + gap, w, box_h, Tr("Tỷ lệ đúng hạn", "On-time rate"),
        FormatPercent(h.on_time_percent, lang_), kBlue,
        fmt::format("{}/{} {}", h.verified.due_done_on_time, h.verified.due,
                    Tr("nhiệm vụ đến hạn hoàn thành đúng hạn", "tasks due were done on time")));
    FigureBox(
        kMargin + 2 * (w + gap), w, box_h, Tr("Nhiệm vụ quá hạn", "Overdue tasks"),
        fmt::format("{}", h.verified.overdue), h.verified.overdue > 0 ? kRed : kGrey,
        fmt::format("{}: {} · {}: {}", Tr("Đang thực hiện", "In progress"),
                    h.verified.in_progress_on_time, Tr("Trễ hạn", "Late"), h.verified.done_late));
    y_ += box_h + 6;
    const int recurring =
        h.verified.recurring_reported + h.verified.recurring_missing + h.verified.recurring_not_due;
    if (recurring > 0) {
      y_ += canvas_.Draw(
          fmt::format("{}: {} ({} {}, {} {})", Tr("Nhiệm vụ thường xuyên", "Recurring tasks"),
                      recurring, h.verified.recurring_reported, Tr("đã báo cáo", "reported"),
                      h.verified.recurring_missing, Tr("chưa báo cáo", "not reported")),
          kMargin, y_, kSmall, kContentWidth, kMuted);
      y_ += 2;
    }
  }

  void StatusChart() {
    const StatusSummary& s = doc_.headline.verified;
    struct Slice {
      TaskStatus status;
      int count;
    };
    const std::array slices = {
        Slice{TaskStatus::kDoneOnTime, s.done_on_time},
        Slice{TaskStatus::kInProgressOnTime, s.in_progress_on_time},
        Slice{TaskStatus::kDoneLate, s.done_late},
        Slice{TaskStatus::kOverdue, s.overdue},
        Slice{TaskStatus::kCancelled, s.cancelled},
    };
    int sum = 0;
    for (const Slice& sl : slices) sum += sl.count;

    const double radius = 58;
    const double thickness = 22;
    Section(Tr("Tình trạng nhiệm vụ", "Task status"), 2 * radius + 8);
    const double cx = kMargin + radius + 12;
    const double cy = y_ + radius + 4;
    cairo_t* cr = canvas_.cr();
    cairo_set_line_width(cr, thickness);
    if (sum == 0) {
      cairo_set_source_rgb(cr, kTrack.r, kTrack.g, kTrack.b);
      cairo_new_path(cr);
      cairo_arc(cr, cx, cy, radius - thickness / 2, 0, 2 * std::numbers::pi);
      cairo_stroke(cr);
    } else {
      double angle = -std::numbers::pi / 2;
      for (const Slice& sl : slices) {
        if (sl.count == 0) continue;
        const double sweep = 2 * std::numbers::pi * sl.count / sum;
        const Rgb c = StatusColour(sl.status);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_new_path(cr);
        cairo_arc(cr, cx, cy, radius - thickness / 2, angle, angle + sweep);
        cairo_stroke(cr);
        angle += sweep;
      }
    }
    // The total in the hole.
    const std::string total = fmt::format("{}", sum);
    const double th = canvas_.Measure(total, Font{16, true}, 2 * (radius - thickness));
    canvas_.Draw(total, cx - (radius - thickness), cy - th / 2 - 5, Font{16, true},
                 2 * (radius - thickness), kInk, Align::kCenter);
    canvas_.Draw(Tr("nhiệm vụ", "tasks"), cx - (radius - thickness), cy + th / 2 - 5, kSmall,
                 2 * (radius - thickness), kMuted, Align::kCenter);

    // Legend with counts and shares.
    const double lx = cx + radius + 36;
    const double lw = kPageWidth - kMargin - lx;
    double ly = cy - radius + 10;
    for (const Slice& sl : slices) {
      canvas_.Fill(lx, ly + 2, 10, 10, StatusColour(sl.status));
      canvas_.Draw(StatusLabel(sl.status, lang_), lx + 16, ly, kBody, lw * 0.55, kInk);
      canvas_.Draw(fmt::format("{}", sl.count), lx + 16 + lw * 0.55, ly, kBodyBold, 40, kInk,
                   Align::kRight);
      const std::optional<double> share =
          sum > 0 ? std::optional<double>(std::floor(1000.0 * sl.count / sum) / 10) : std::nullopt;
      canvas_.Draw(FormatPercent(share, lang_), lx + 16 + lw * 0.55 + 46, ly, kBody, 60, kMuted,
                   Align::kRight);
      ly += 19;
    }
    y_ = cy + radius + 10;
  }

  // A horizontal bar: the track, then `fraction` (0..1 of the track) filled.
  void Bar(double x, double y, double w, double h, double fraction, Rgb colour) {
    canvas_.Fill(x, y, w, h, kTrack);
    const double f = std::clamp(fraction, 0.0, 1.0);
    if (f > 0) canvas_.Fill(x, y, std::max(w * f, 1.0), h, colour);
  }

  void GroupBars() {
    if (doc_.groups.empty()) return;
    const double label_w = 230;
    const double bar_x = kMargin + label_w + 10;
    const double value_w = 92;
    const double bar_w = kContentWidth - label_w - 10 - value_w - 6;
    bool first = true;
    for (const GroupCompletion& g : doc_.groups) {
      const double lh = canvas_.Measure(g.label, kBody, label_w, 3);
      const double row_h = std::max(lh, 12.0) + 6;
      if (first) {
        Section(Tr("Hoàn thành theo nhóm nhiệm vụ", "Completion by task group"), row_h);
        first = false;
      }
      Ensure(row_h);
      canvas_.Draw(g.label, kMargin, y_, kBody, label_w, kInk, Align::kLeft, 3);
      const double fraction = g.total > 0 ? static_cast<double>(g.done) / g.total : 0;
      Bar(bar_x, y_ + 1, bar_w, 10, fraction, kGreen);
      canvas_.Draw(fmt::format("{}/{} · {}", g.done, g.total, FormatPercent(g.percent, lang_)),
                   bar_x + bar_w + 6, y_, kBody, value_w, kInk, Align::kRight);
      y_ += row_h;
    }
  }

  void IndicatorBars() {
    if (doc_.indicators.empty()) return;
    const double label_w = 250;
    const double bar_x = kMargin + label_w + 10;
    const double value_w = 110;
    const double bar_w = kContentWidth - label_w - 10 - value_w - 6;
    constexpr double kScale = 1.2;  // bars run to 120%, with a mark at 100%
    bool first = true;
    for (const IndicatorAchievement& i : doc_.indicators) {
      const std::string name = i.code.empty() ? i.name : i.code + " · " + i.name;
      const std::string figures =
          fmt::format("{}: {} · {}: {}{}", Tr("Thực hiện", "Actual"), FormatNumber(i.value, lang_),
                      Tr("Mục tiêu", "Target"), FormatNumber(i.target, lang_),
                      i.unit_of_measure.empty() ? "" : " " + i.unit_of_measure);
      const double lh =
          canvas_.Measure(name, kBody, label_w, 2) + canvas_.Measure(figures, kSmall, label_w, 1);
      const double row_h = std::max(lh, 14.0) + 6;
      if (first) {
        Section(Tr("Chỉ tiêu đánh giá", "Indicators"), row_h + 14);
        canvas_.Draw(Tr("Mức đạt so với lộ trình (vạch dọc: 100%)",
                        "Achievement against the trajectory (mark: 100%)"),
                     bar_x, y_, kSmall, bar_w + value_w, kMuted);
        y_ += 12;
        first = false;
      }
      Ensure(row_h);
      double yy = y_;
      yy += canvas_.Draw(name, kMargin, yy, kBody, label_w, kInk, Align::kLeft, 2);
      canvas_.Draw(figures, kMargin, yy, kSmall, label_w, kMuted, Align::kLeft, 1);
      const Rgb colour = IndicatorColour(i.status);
      const double fraction = i.achievement_percent ? *i.achievement_percent / 100 / kScale : 0;
      Bar(bar_x, y_ + 2, bar_w, 10, fraction, colour);
      cairo_set_source_rgb(canvas_.cr(), kInk.r, kInk.g, kInk.b);
      cairo_set_line_width(canvas_.cr(), 0.8);
      cairo_move_to(canvas_.cr(), bar_x + bar_w / kScale, y_);
      cairo_line_to(canvas_.cr(), bar_x + bar_w / kScale, y_ + 14);
      cairo_stroke(canvas_.cr());
      canvas_.Draw(
          i.achievement_percent ? FormatPercent(i.achievement_percent, lang_) : std::string("—"),
          bar_x + bar_w + 6, y_, kBodyBold, value_w, colour, Align::kRight);
      canvas_.Draw(IndicatorNote(i), bar_x + bar_w + 6, y_ + 11, kSmall, value_w, colour,
                   Align::kRight);
      y_ += std::max(row_h, 26.0);
    }
  }

  // The status under the bar; a value that cannot be judged says why.
  const char* IndicatorNote(const IndicatorAchievement& i) const {
    if (i.status == IndicatorStatus::kNoData && i.value && !i.achievement_percent) {
      return i.target ? Tr("Chưa có giá trị cơ sở", "No baseline")
                      : Tr("Chưa có mục tiêu", "No target");
    }
    return IndicatorLabel(i.status, lang_);
  }

  double RowHeight(const std::vector<TableColumn>& cols, const std::vector<TableCell>& cells,
                   Font font) {
    double h = 0;
    for (std::size_t c = 0; c < cols.size() && c < cells.size(); ++c) {
      const double inset = cells[c].dot ? 10 : 0;
      h = std::max(h, canvas_.Measure(cells[c].text, cells[c].bold ? kBodyBold : font,
                                      cols[c].width - 6 - inset, 6));
    }
    return h + 6;
  }

  void TableHeader(const std::vector<TableColumn>& cols) {
    std::vector<TableCell> cells;
    for (const TableColumn& c : cols) cells.push_back(TableCell{c.header, std::nullopt, true});
    const double h = RowHeight(cols, cells, kSmallBold);
    canvas_.Fill(kMargin, y_, kContentWidth, h, kHeaderFill);
    double x = kMargin;
    for (const TableColumn& c : cols) {
      canvas_.Draw(c.header, x + 3, y_ + 3, kSmallBold, c.width - 6, kInk, c.align, 6);
      x += c.width;
    }
    y_ += h;
  }

  // A table whose rows continue on the next pages, with the header repeated and `caption`
  // marked as continued.
  void Table(const std::string& caption, const std::vector<TableColumn>& cols,
             const std::vector<std::vector<TableCell>>& rows) {
    std::vector<TableCell> header_cells;
    for (const TableColumn& c : cols)
      header_cells.push_back(TableCell{c.header, std::nullopt, true});
    const double header_h = RowHeight(cols, header_cells, kSmallBold);
    const double caption_h =
        caption.empty() ? 0 : canvas_.Measure(caption, kBodyBold, kContentWidth) + 4;
    const double first_row_h = rows.empty() ? 0 : RowHeight(cols, rows.front(), kBody);
    Ensure(caption_h + header_h + first_row_h + 4);
    y_ += 4;
    if (!caption.empty()) {
      canvas_.Draw(caption, kMargin, y_, kBodyBold, kContentWidth, kInk);
      y_ += caption_h;
    }
    TableHeader(cols);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double h = RowHeight(cols, rows[r], kBody);
      if (y_ + h > kContentBottom) {
        NewPage();
        if (!caption.empty()) {
          const std::string more = caption + Tr(" (tiếp theo)", " (continued)");
          y_ += canvas_.Draw(more, kMargin, y_, kBodyBold, kContentWidth, kInk) + 4;
        }
        TableHeader(cols);
      }
      if (r % 2 == 1) canvas_.Fill(kMargin, y_, kContentWidth, h, kStripe);
      double x = kMargin;
      for (std::size_t c = 0; c < cols.size() && c < rows[r].size(); ++c) {
        const TableCell& cell = rows[r][c];
        double inset = 0;
        if (cell.dot) {
          canvas_.Dot(x + 7, y_ + 8, 3, *cell.dot);
          inset = 10;
        }
        canvas_.Draw(cell.text, x + 3 + inset, y_ + 3, cell.bold ? kBodyBold : kBody,
                     cols[c].width - 6 - inset, kInk, cols[c].align, 6);
        x += cols[c].width;
      }
      canvas_.HLine(kMargin, kPageWidth - kMargin, y_ + h, Hex(0xe0e0e0), 0.4);
      y_ += h;
    }
  }

  void TaskTables() {
    if (doc_.tasks.empty()) return;
    Section(Tr("Danh sách nhiệm vụ theo tình trạng", "Tasks by status"), 60);
    const std::vector<TableColumn> cols = {
        {Tr("Mã", "Code"), 48, Align::kLeft},
        {Tr("Nhiệm vụ", "Task"), 190, Align::kLeft},
        {Tr("Đơn vị chủ trì", "Lead unit"), 100, Align::kLeft},
        {Tr("Hạn", "Deadline"), 102, Align::kLeft},
        {Tr("Tiến độ / hoàn thành", "Progress / done on"), kContentWidth - 48 - 190 - 100 - 102,
         Align::kRight},
    };
    for (TaskStatus status : kTableOrder) {
      std::vector<std::vector<TableCell>> rows;
      for (const TaskLine& t : doc_.tasks) {
        if (t.status != status) continue;
        std::string deadline = DateText(t.deadline);
        if (t.original_deadline && t.deadline && *t.original_deadline != *t.deadline) {
          deadline +=
              fmt::format("\n({} {})", Tr("ban đầu", "originally"), DateText(*t.original_deadline));
        }
        std::string progress;
        if (t.completed_on) {
          progress = DateText(*t.completed_on);
        } else if (t.progress_percent) {
          progress = fmt::format("{}%", *t.progress_percent);
        } else {
          progress = "—";
        }
        rows.push_back(
            {TableCell{t.code, StatusColour(status), false},
             TableCell{t.title, std::nullopt, false}, TableCell{t.lead_unit, std::nullopt, false},
             TableCell{deadline, std::nullopt, false}, TableCell{progress, std::nullopt, false}});
      }
      if (rows.empty()) continue;
      Table(fmt::format("{} ({})", StatusLabel(status, lang_), rows.size()), cols, rows);
      y_ += 6;
    }
  }

  void Unavailable(const char* vi, const char* en) {
    Ensure(14);
    y_ += canvas_.Draw(Tr(vi, en), kMargin, y_, kBody, kContentWidth, kMuted) + 4;
  }

  void Ranking() {
    Section(Tr("Xếp hạng đơn vị", "Unit ranking"), 40);
    if (!doc_.ranking) {
      Unavailable("Chưa có dữ liệu xếp hạng cho kỳ này.",
                  "No ranking is available for this period.");
      return;
    }
    if (doc_.ranking->empty()) {
      Unavailable("Không có đơn vị nào được chấm điểm trong kỳ.",
                  "No unit was scored in this period.");
      return;
    }
    const std::vector<TableColumn> cols = {
        {Tr("Hạng", "Rank"), 42, Align::kCenter},
        {Tr("Đơn vị", "Unit"), 150, Align::kLeft},
        {Tr("Loại", "Type"), 62, Align::kLeft},
        {Tr("Điểm", "Score"), 44, Align::kRight},
        {Tr("Xếp loại", "Rating"), 78, Align::kLeft},
        {Tr("Đúng hạn", "On time"), 50, Align::kRight},
        {Tr("Lãnh đạo", "Leader"), kContentWidth - 42 - 150 - 62 - 44 - 78 - 50, Align::kLeft},
    };
    std::vector<std::vector<TableCell>> rows;
    for (const RankingLine& r : *doc_.ranking) {
      const std::string rank =
          r.rank ? fmt::format("{}/{}", *r.rank, r.peer_count) : std::string("—");
      std::optional<Rgb> dot;
      if (r.rating) {
        dot = *r.rating == Rating::kExcellent || *r.rating == Rating::kGood ? kGreen
              : *r.rating == Rating::kCompleted                             ? kBlue
                                                                            : kRed;
      }
      rows.push_back(
          {TableCell{rank, std::nullopt, true}, TableCell{r.unit, std::nullopt, false},
           TableCell{r.unit_type, std::nullopt, false},
           TableCell{FormatNumber(r.score ? std::optional<double>(std::floor(*r.score * 10) / 10)
                                          : std::nullopt,
                                  lang_),
                     std::nullopt, true},
           TableCell{r.rating ? RatingText(*r.rating, lang_) : "—", dot, false},
           TableCell{FormatPercent(r.on_time_percent, lang_), std::nullopt, false},
           TableCell{r.leader, std::nullopt, false}});
    }
    Table("", cols, rows);
  }

  void Notes() {
    Section(Tr("Khó khăn, vướng mắc và đề xuất của các đơn vị",
               "Difficulties and proposals of the units"),
            40);
    if (!doc_.notes) {
      Unavailable("Chưa có báo cáo định kỳ của kỳ này.",
                  "No periodic reports are available for this period.");
      return;
    }
    if (doc_.notes->empty()) {
      Unavailable("Các đơn vị không nêu khó khăn hay đề xuất.",
                  "No unit reported difficulties or proposals.");
      return;
    }
    for (const UnitNote& n : *doc_.notes) {
      Ensure(40);
      y_ += 4;
      Paragraph(n.unit, kBodyBold, kInk);
      y_ += 2;
      if (!n.difficulties.empty()) {
        Paragraph(fmt::format("{}: {}", Tr("Khó khăn, vướng mắc", "Difficulties"), n.difficulties),
                  kBody, kInk, 10);
      }
      if (!n.proposals.empty()) {
        Paragraph(fmt::format("{}: {}", Tr("Đề xuất, kiến nghị", "Proposals"), n.proposals), kBody,
                  kInk, 10);
      }
      y_ += 4;
    }
  }

  Canvas canvas_;
  const SummaryDocument& doc_;
  L lang_;
  int total_pages_;
  int page_ = 0;
  int section_ = 0;
  double y_ = kContentTop;
};

Status CheckSummary(const StatusSummary& s, std::string_view view) {
  for (int v : {s.total, s.done, s.done_on_time, s.done_late, s.in_progress_on_time, s.overdue,
                s.cancelled, s.due, s.due_done_on_time, s.recurring_reported, s.recurring_missing,
                s.recurring_not_due, s.recurring_cancelled}) {
    if (v < 0)
      return InvalidArgument(fmt::format("headline.{}: a count is negative ({})", view, v));
  }
  return {};
}

// Draws the document once; the page count, or an error from cairo.
Result<int> Draw(const SummaryDocument& doc, int total_pages, std::string* out) {
  cairo_surface_t* surface =
      out != nullptr
          ? cairo_pdf_surface_create_for_stream(AppendBytes, out, kPageWidth, kPageHeight)
          : cairo_pdf_surface_create_for_stream(Discard, nullptr, kPageWidth, kPageHeight);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(surface));
    cairo_surface_destroy(surface);
    return Internal("cannot start the PDF: " + why);
  }
  cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "planwatch");
  cairo_t* cr = cairo_create(surface);
  int pages = 0;
  {
    Renderer renderer(cr, doc, total_pages);
    pages = renderer.Run();
  }
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Internal(std::string("drawing the PDF: ") + cairo_status_to_string(status));
  }
  return pages;
}

// Groups the integer part by thousands with `sep`.
std::string Grouped(std::string digits, char sep) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(sep);
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string_view DocumentLanguageName(DocumentLanguage lang) {
  return lang == DocumentLanguage::kVi ? "vi" : "en";
}

Result<DocumentLanguage> ParseDocumentLanguage(std::string_view text) {
  if (text == "vi") return DocumentLanguage::kVi;
  if (text == "en") return DocumentLanguage::kEn;
  return InvalidArgument(fmt::format("unknown language \"{}\": expected vi or en", text));
}

std::string_view TaskStatusLabel(TaskStatus status, DocumentLanguage lang) {
  return StatusLabel(status, lang);
}

std::string_view RatingLabel(Rating rating, DocumentLanguage lang) {
  return RatingText(rating, lang);
}

std::string FormatPercent(std::optional<double> percent, DocumentLanguage lang) {
  if (!percent || !std::isfinite(*percent)) return "—";
  std::string text = fmt::format("{:.1f}%", *percent);
  if (lang == DocumentLanguage::kVi) std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

std::string FormatNumber(std::optional<double> value, DocumentLanguage lang) {
  if (!value || !std::isfinite(*value)) return "—";
  std::string text = fmt::format("{:.2f}", std::abs(*value));
  const std::size_t dot = text.find('.');
  std::string integer = text.substr(0, dot);
  std::string fraction = text.substr(dot + 1);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  const bool vi = lang == DocumentLanguage::kVi;
  std::string out = Grouped(integer, vi ? '.' : ',');
  if (!fraction.empty()) out += (vi ? ',' : '.') + fraction;
  if (*value < 0 && out != "0") out.insert(out.begin(), '-');
  return out;
}

Result<std::string> RenderSummaryPdf(const SummaryDocument& document) {
  if (document.title.empty()) return InvalidArgument("title: the document needs a title");
  if (auto ok = CheckSummary(document.headline.verified, "verified"); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = CheckSummary(document.headline.claimed, "claimed"); !ok) {
    return std::unexpected(ok.error());
  }
  for (std::size_t i = 0; i < document.groups.size(); ++i) {
    const GroupCompletion& g = document.groups[i];
    if (g.done < 0 || g.total < 0 || g.done > g.total) {
      return InvalidArgument(fmt::format("groups[{}] (\"{}\"): done {} of total {} is impossible",
                                         i, g.label, g.done, g.total));
    }
  }
  // The first pass counts the pages, so that every footer can say "Trang n/N".
  auto pages = Draw(document, 0, nullptr);
  if (!pages) return std::unexpected(pages.error());
  std::string bytes;
  auto drawn = Draw(document, *pages, &bytes);
  if (!drawn) return std::unexpected(drawn.error());
  return bytes;
}

}  // namespace planwatch
