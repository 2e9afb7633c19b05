// Documents for people, built from the data and authorized here: the plan summary PDF for
// steering meetings and the XLSX workbooks officials work in (the task table of a plan as of a
// date, the unit ranking of a period). The renderers are in documents/ and know nothing of the
// store; this layer fills their structs.
//
// Authorization: the summary and the ranking are figures over the whole plan, for those who may
// read analytics of the plan's issuing unit (its subtree holds every unit the plan concerns) and
// for the plan's administrators. The task table is for every signed-in user, with only the tasks
// the caller may read (a classified task only for its own units, the plan's administrators and
// steering), the same rule as GET /tasks. Every task table printed in the summary follows it too.
//
// Thread-safety: stateless functions over a StoreReader; callers serialize use of the reader.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "planwatch/analytics/analytics.h"
#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/documents/summary_pdf.h"
#include "planwatch/documents/workbook.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/period.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct PlanSummaryRequest {
  std::string plan_code;
  Period period = Period::Year(1970);
  DocumentLanguage lang = DocumentLanguage::kVi;
};

// The summary of `plan_code` for `period`, with task figures judged on the period's last day
// capped at `today` (a period still running is shown as it stands today), verified completion
// with claimed beside it, per task group in plan order; the indicator figures of the plan's
// issuing unit over the period; every task the caller may read with its status and lead unit;
// the difficulties and proposals of the units' latest submitted (or later) report revisions for
// the plan and period; and the unit ranking when scorecards are available (SummaryDocument::
// ranking is none otherwise). `utc_offset` is the deployment's offset, for scorecard freshness.
// invalid_argument when the period starts after `today`; not_found for an unknown plan;
// permission_denied (naming the caller) when the caller may not read the plan's figures.
Result<SummaryDocument> BuildPlanSummary(StoreReader& store, const Analytics& analytics,
                                         const Principal& p, const PlanSummaryRequest& request,
                                         Date today, std::chrono::minutes utc_offset);
// BuildPlanSummary rendered (RenderSummaryPdf): the PDF's bytes.
Result<std::string> PlanSummaryPdf(StoreReader& store, const Principal& p,
                                   const PlanSummaryRequest& request, Date today,
                                   std::chrono::minutes utc_offset);

// The task table of `plan_code` as of `as_of` (status judged on that date, verified view): one
// sheet "Nhiệm vụ" with code, title, group, lead unit (in force on the date), deadline (in
// force), original deadline, status, progress, completed_on and the latest difficulties; tasks
// assigned after `as_of` are left out; rows by group order, then task code.
// not_found for an unknown plan.
Result<Workbook> BuildTaskWorkbook(StoreReader& store, const Principal& p,
                                   std::string_view plan_code, Date as_of);
Result<std::string> TasksXlsx(StoreReader& store, const Principal& p, std::string_view plan_code,
                              Date as_of);

// The unit ranking of `period` for `plan_code`: one sheet "Bảng xếp hạng", ranked within peer
// groups (communes against communes), with the score's components, rating, task counts, data
// freshness and leader (service/scorecards.h ComputeScorecards). Same authorization as the
// summary; not_found for an unknown plan.
Result<Workbook> BuildScorecardWorkbook(StoreReader& store, const Principal& p,
                                        std::string_view plan_code, const Period& period,
                                        Date today, std::chrono::minutes utc_offset);
Result<std::string> ScorecardsXlsx(StoreReader& store, const Principal& p,
                                   std::string_view plan_code, const Period& period, Date today,
                                   std::chrono::minutes utc_offset);

// The indicators of `plan_code` for `year` (the indicators its tasks are linked to; every
// indicator when none of its tasks names one), two sheets:
// - "Chỉ tiêu": code, name, unit of measure, period type, direction, then the figures of the
//   plan's issuing unit for the year as GET /api/v1/analytics/indicators answers them (unit =
//   the issuer, periods = the year): the target (value and its date), the year's value (rollup
//   per SPEC §3: a stock's latest value, a flow's sum), achievement and status; figures empty
//   when the caller may not read the issuer's analytics (a plan administrator outside it);
// - "Số liệu": the approved values of those indicators whose period lies in the year, of the
//   units of the issuer's subtree the caller may read (AccessPolicy::CanReadValues), by
//   indicator code, unit code and period: indicator code and name, unit code and name, period,
//   value, state.
// Rows by indicator code. Numbers are numbers with thousands grouping, dates dd/mm/yyyy.
// Same authorization as the ranking; not_found for an unknown plan.
Result<Workbook> BuildIndicatorWorkbook(StoreReader& store, const Analytics& analytics,
                                        const Principal& p, std::string_view plan_code, int year,
                                        Date today);
Result<std::string> IndicatorsXlsx(StoreReader& store, const Analytics& analytics,
                                   const Principal& p, std::string_view plan_code, int year,
                                   Date today);

// The downloads of the HTTP API, decoded from their query parameters:
//   kPlanSummaryPdf  GET /api/v1/exports/plan-summary.pdf?plan=&period=&lang=
//                    plan (code, required), period (DHIS2 period, default the current year),
//                    lang (vi|en, default `default_lang`: the request's language)
//   kScorecardsXlsx  GET /api/v1/exports/scorecards.xlsx?plan=&period=
//   kTasksXlsx       GET /api/v1/exports/tasks.xlsx?plan=&as_of=   (as_of default today)
//   kIndicatorsXlsx  GET /api/v1/exports/indicators.xlsx?plan=&year=  (year 1..9999, default
//                    the current year)
// invalid_argument with a detail naming the parameter (unknown, missing, malformed); otherwise
// the errors of the use case.
enum class ExportKind { kPlanSummaryPdf, kScorecardsXlsx, kTasksXlsx, kIndicatorsXlsx };

struct ExportFile {
  std::string file_name;     // ExportFileName(...)
  std::string content_type;  // application/pdf or the XLSX media type
  std::string bytes;
};

inline constexpr std::string_view kXlsxContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

Result<ExportFile> ExportDocument(StoreReader& store, const Analytics& analytics,
                                  const Principal& p, ExportKind kind, const QueryParams& params,
                                  Date today, std::chrono::minutes utc_offset,
                                  DocumentLanguage default_lang);

// A download's file name: `stem`, the plan code and `qualifier` joined by "-", with anything but
// ASCII letters, digits, "-" and "_" replaced by "-", then `.extension`:
// ExportFileName("plan-summary", "333-KH/TU", "2025", "pdf") == "plan-summary-333-KH-TU-2025.pdf".
std::string ExportFileName(std::string_view stem, std::string_view plan_code,
                           std::string_view qualifier, std::string_view extension);

}  // namespace planwatch
