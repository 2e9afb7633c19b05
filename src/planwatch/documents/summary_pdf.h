// The PDF summary of a plan for a period, printed for steering meetings: headline figures,
// charts, task tables, the unit ranking and the units' difficulties and proposals. A4 portrait;
// every text is shaped by Pango (so Vietnamese diacritics come out right) in DejaVu Sans, which
// covers Vietnamese (Debian fonts-dejavu-core).
//
// A pure renderer from plain data: no storage, no clock. Thread-safe: each call draws on its own
// surface with its own layouts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/scorecard.h"
#include "planwatch/domain/task_rates.h"
#include "planwatch/domain/task_status.h"

namespace planwatch {

// The language of the document's own labels (headings, column names, status names). Names that
// come with the data are shown as given.
enum class DocumentLanguage { kVi, kEn };
// "vi", "en".
std::string_view DocumentLanguageName(DocumentLanguage lang);
// Accepts "vi" and "en"; invalid_argument naming the input otherwise.
Result<DocumentLanguage> ParseDocumentLanguage(std::string_view text);

// A percent as printed: one decimal, with a decimal comma in Vietnamese ("73,3%") and a point
// in English ("73.3%"); "—" when none. The value is shown as given (already truncated, see
// service/plan_status.h RatePercent).
std::string FormatPercent(std::optional<double> percent, DocumentLanguage lang);
// A number with thousands grouped ("22.336" in Vietnamese, "22,336" in English) and at most two
// decimals, trailing zeros dropped; "—" when none.
std::string FormatNumber(std::optional<double> value, DocumentLanguage lang);

// Task statuses and ratings as printed ("Quá hạn" / "Overdue", "Xuất sắc" / "Excellent").
std::string_view TaskStatusLabel(TaskStatus status, DocumentLanguage lang);
std::string_view RatingLabel(Rating rating, DocumentLanguage lang);

// The plan's figures on the summary's date.
struct SummaryHeadline {
  StatusSummary verified;  // counts in the verified view: the status breakdown chart
  StatusSummary claimed;   // the same in the claimed view
  // Percents (73.3 for 124 of 169), as RatePercent computes them; none when nothing counts.
  std::optional<double> completion_percent;          // verified
  std::optional<double> claimed_completion_percent;  // claimed, shown beside it
  std::optional<double> on_time_percent;             // verified
};

// Completion of one task group, as a horizontal bar.
struct GroupCompletion {
  std::string label;  // "1. Nâng cao nhận thức…" (code and title)
  int done = 0;
  int total = 0;
  std::optional<double> percent;  // done / total, as RatePercent
};

// One indicator's achievement, as a bar in its status colour.
struct IndicatorAchievement {
  std::string code;
  std::string name;
  std::string unit_of_measure;
  std::optional<double> value;
  std::optional<double> target;
  std::optional<double> achievement_percent;  // 100 = on the trajectory; none without data
  IndicatorStatus status = IndicatorStatus::kNoData;
};

struct TaskLine {
  std::string code;
  std::string title;
  std::string lead_unit;  // the lead unit's name
  TaskStatus status = TaskStatus::kInProgressOnTime;
  std::optional<Date> deadline;  // in force
  std::optional<Date> original_deadline;
  std::optional<int> progress_percent;
  std::optional<Date> completed_on;
};

struct RankingLine {
  std::optional<int> rank;
  int peer_count = 0;
  std::string unit;       // the unit's name
  std::string unit_type;  // peer group label, e.g. "Xã" or "commune"
  std::string leader;     // name and title
  std::optional<double> score;
  std::optional<Rating> rating;
  std::optional<double> on_time_percent;
};

struct UnitNote {
  std::string unit;  // the unit's name
  std::string difficulties;
  std::string proposals;
};

struct SummaryDocument {
  DocumentLanguage lang = DocumentLanguage::kVi;
  std::string title;      // the plan's title
  std::string plan_code;  // "333-KH/TU"
  std::string issuer;     // the issuing unit's name
  std::string period;     // "2025", "2025Q3"
  Date as_of;             // the date the figures are judged on
  SummaryHeadline headline;
  std::vector<GroupCompletion> groups;           // in plan order
  std::vector<IndicatorAchievement> indicators;  // in the order to show
  std::vector<TaskLine> tasks;                   // grouped by status when drawn, overdue first
  // The ranking and the notes are optional sections: none leaves the section out (with a line
  // saying the data is unavailable); an empty list prints the section with "none".
  std::optional<std::vector<RankingLine>> ranking;  // in rank order
  std::optional<std::vector<UnitNote>> notes;
};

// The PDF's bytes. invalid_argument (naming the field) for negative counts or a title that is
// empty; internal when cairo fails (its status text included).
Result<std::string> RenderSummaryPdf(const SummaryDocument& document);

}  // namespace planwatch
