// Periodic reports as use cases: create, edit, submit, approve (signed), accept, return and
// revise a unit's report for a plan and a period; the inbox; the plan's report schedule; and
// the compliance figures (who reported, on time, how completely). The rules are in
// domain/report.h; each use case is authorized once (domain/report.h's access predicates over
// AccessPolicy) and written in one transaction together with its event.
//
// Reads answer not_found for a report the caller may not read, so ids out of scope are not
// revealed; a caller who may read a report but not take an action is permission_denied; an
// action the report's state does not allow is failed_precondition naming the state and the
// action. Every change of a report needs the ETag the caller last read (If-Match):
// version_required without one, version_mismatch when the report changed since.
//
// Thread-safety: a Reports may be shared by threads (it holds only references and options).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/report.h"
#include "planwatch/service/resources.h"
#include "planwatch/service/signing.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// The current instant (UTC).
using InstantFn = std::function<Instant()>;

struct ReportsOptions {
  // Today's local date: lists judge timeliness by it. none: the local date of now() at
  // utc_offset.
  TodayFn today;
  // The instant of submissions and signatures. none: the system clock.
  InstantFn now;
  // The local zone: a report is on time when its first submission's local date is on or before
  // its due date.
  std::chrono::minutes utc_offset{0};
};

// One expected reporter's figures over a span (ReportComplianceOf).
struct ReportComplianceRow {
  OrgUnitId unit;
  std::string unit_code;
  std::string unit_name_vi;
  std::string unit_name_en;
  int expected = 0;     // reports expected from the unit for periods within the span
  int submitted = 0;    // of those, submitted at least once: on_time + late
  int on_time = 0;      // first submitted by the due date (local end of day)
  int late = 0;         // first submitted after it
  int missing = 0;      // due date passed, never submitted
  int not_yet_due = 0;  // not submitted, due date today or later
  int due = 0;          // on_time + late + missing
  // on_time / due; none when nothing is due.
  std::optional<double> timeliness;
  // Mean completeness (0..1) of the submitted reports (each report line's latest submitted
  // revision); none when none was submitted.
  std::optional<double> completeness;
  std::string last_submitted_at;  // the latest submission instant; empty when none

  friend bool operator==(const ReportComplianceRow&, const ReportComplianceRow&) = default;
};

// The plan's schedule: its own, or DefaultReportSchedule() when it has none.
Result<std::vector<ReportScheduleItem>> EffectiveReportSchedule(StoreReader& store, PlanId plan);

// The units expected to report on `plan` for `period`: those leading (lead unit in force on the
// period's last day) at least one task of the plan that is assigned by then and not cancelled
// on that day. None when the period lies outside the plan's start..end. By id.
Result<std::vector<OrgUnitId>> ExpectedReporters(StoreReader& store, PlanId plan,
                                                 const Period& period);

// Per expected reporter of `plan`, the reports expected for the periods of the plan's schedule
// within `span` (ExpectedReportPeriods), each judged by JudgeTimeliness against its due date with
// the first submission of the report line (its first revision), and `today` (local date).
// Rows by unit code. not_found when the plan does not exist.
Result<std::vector<ReportComplianceRow>> ReportComplianceOf(StoreReader& store, PlanId plan,
                                                            const Period& span, Date today,
                                                            std::chrono::minutes utc_offset);

// The signed file of an approved or accepted report, to download.
struct SignedReportDownload {
  std::string file_name;  // "report-<unit code>-<period>-r<revision>.json"
  std::string content;    // SignedReportFile()
};

class Reports {
 public:
  // `signer`: signs approvals; null when signing is not configured (approval is then
  // failed_precondition "signing is not configured"). Not owned; must outlive this object.
  Reports(Store& store, Signer* signer, ReportsOptions options);

  // GET /reports: a page of report summaries the caller may read, by id. Parameters: plan, unit
  // (ids), period, state, inbox ("true": only what awaits the caller's action — drafts and
  // returned reports for the unit's officers and leaders, submitted ones for its leaders,
  // approved ones for the plan's standing agency), limit (1–1000, default 50), offset.
  // invalid_argument naming an unknown or malformed parameter.
  Result<Page> List(const Principal& p, const QueryParams& params);

  // POST /reports {plan, unit, period}: a new draft (revision 1) with its content gathered.
  // invalid_argument naming the field for a missing plan or unit, a malformed period, or a
  // period type the plan's schedule does not report; permission_denied unless p is one of the
  // unit's officers or leaders; conflict when a report for (plan, unit, period) exists.
  Result<Resource> Create(const Principal& p, const nlohmann::json& body);

  // The report with its content and signature.
  Result<Resource> Get(const Principal& p, std::int64_t id);

  // PATCH /reports/{id} {results, difficulties, proposals} (each ≤ 8000 bytes): draft or
  // returned reports only; the content is gathered again.
  Result<Resource> Edit(const Principal& p, std::int64_t id, const nlohmann::json& body,
                        const std::optional<std::string>& if_match);

  // POST /reports/{id}/<action> for submit, approve, accept, return and revise. Bodies: return
  // {comment} (required, ≤ 2000 bytes); revise {comment} (optional); the others {} or empty.
  // submit gathers the content a last time and freezes it with submitted_at/by; approve signs the
  // frozen content with the approving leader's key; revise creates the next revision (a draft
  // superseding the accepted report, which stays as it is) and returns it.
  Result<Resource> Act(const Principal& p, std::int64_t id, ReportAction action,
                       const nlohmann::json& body, const std::optional<std::string>& if_match);

  // The report's events, oldest first: [{action, from (null on creation), to, actor, comment,
  // at}].
  Result<nlohmann::json> Events(const Principal& p, std::int64_t id);

  // The signed file of an approved or accepted report; failed_precondition for any other state.
  Result<SignedReportDownload> Signed(const Principal& p, std::int64_t id);

  // GET /plans/{id}/report-schedule: {"plan", "default" (true when the plan has none of its
  // own), "items": [{"period_type", "due_day"}]}; readable by every signed-in user.
  Result<Resource> Schedule(const Principal& p, std::int64_t plan_id);
  // PUT /plans/{id}/report-schedule {"items": [...]} by the plan's administrators.
  Result<Resource> SetSchedule(const Principal& p, std::int64_t plan_id, const nlohmann::json& body,
                               const std::optional<std::string>& if_match);

  // GET /reports/compliance?plan=&period=: {"plan", "period", "items": [row…]} with the rows of
  // the units the caller may read reports of.
  Result<nlohmann::json> Compliance(const Principal& p, const QueryParams& params);

 private:
  Date Today() const;
  Instant Now() const;

  Store& store_;
  Signer* signer_;
  ReportsOptions options_;
};

// The JSON of a compliance row (unit, unit_code, unit names, the counts, timeliness,
// completeness, last_submitted_at; null for what is none or empty).
nlohmann::json ToJson(const ReportComplianceRow& row);

}  // namespace planwatch
