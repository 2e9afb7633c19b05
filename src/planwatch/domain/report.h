// Periodic reports (báo cáo định kỳ): a unit's submission for one plan and one period. The rules
// here are pure: the lifecycle (which state may go to which, by which action, by whom), the
// report schedule and due dates, the periods a schedule expects within a span, the timeliness of
// one report and the completeness of its content. No I/O, no clock; thread-compatible.
//
// Lifecycle (every transition is recorded as an event by the service):
//
//   draft ──submit──▶ submitted ──approve──▶ approved ──accept──▶ accepted ──revise──▶ (new
//     ▲ edit             │ return               │ return                      revision, draft)
//     └──────────────────┴───────▶ returned ◀───┘
//                                   │ edit, submit ──▶ submitted
//
//   submit:  draft | returned → submitted      the unit's officers and leaders
//   approve: submitted → approved             the unit's leaders (approval signs the report)
//   accept:  approved → accepted              the plan's standing agency (its administrators)
//   return:  submitted → returned             the unit's leaders or the standing agency
//            approved → returned              the standing agency
//   edit:    draft → draft, returned → returned   the unit's officers and leaders
//   revise:  accepted → a new revision in draft   the unit's officers and leaders
// An accepted report never changes again; a correction is a new revision that supersedes it.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/plan.h"

namespace planwatch {

enum class ReportState { kDraft, kSubmitted, kApproved, kAccepted, kReturned };
// "draft", "submitted", "approved", "accepted", "returned".
std::string_view ReportStateName(ReportState state);
// Exactly the names above; invalid_argument naming the input and the accepted names otherwise.
Result<ReportState> ParseReportState(std::string_view text);

enum class ReportAction { kCreate, kEdit, kSubmit, kApprove, kAccept, kReturn, kRevise };
// "create", "edit", "submit", "approve", "accept", "return", "revise".
std::string_view ReportActionName(ReportAction action);
// Exactly the names above; invalid_argument naming the input otherwise.
Result<ReportAction> ParseReportAction(std::string_view text);

// The parts a principal can play towards one report.
enum class ReportParty {
  kUnitOfficer,     // a unit_officer whose scope holds the report's unit
  kUnitLeader,      // a unit_leader whose scope holds the report's unit
  kStandingAgency,  // an administrator of the report's plan (AccessPolicy::CanAdministerPlan)
};
// "unit_officer", "unit_leader", "standing_agency".
std::string_view ReportPartyName(ReportParty party);

struct ReportTransition {
  ReportState from;
  ReportAction action;
  ReportState to;  // kRevise: the state of the new revision (the old one stays accepted)
  bool by_officer;
  bool by_leader;
  bool by_agency;
};

// Every allowed transition (the table above); anything not listed is refused. kCreate has no
// "from" and is not listed: a new report starts in kDraft.
std::span<const ReportTransition> ReportTransitions();

// The state that `action` leads to from `from`. failed_precondition naming the state and the
// action ("a submitted report cannot be accepted") when the table has no such transition.
Result<ReportState> NextReportState(ReportState from, ReportAction action);

// True when `party` may take `action` from `from` (false when no such transition exists).
bool PartyMayTake(ReportParty party, ReportState from, ReportAction action);

// Draft and returned reports may be edited, and their content is re-gathered; from submission on
// the content is frozen.
bool IsReportEditable(ReportState state);

// ---- Access (AccessPolicy's scope rules applied to reports) ----

// The parties `p` plays towards a report of `unit` under `plan`, in ReportParty order: officer or
// leader by role when the unit is in scope, standing agency when p administers the plan.
std::vector<ReportParty> ReportPartiesOf(const AccessPolicy& policy, const Principal& p,
                                         const Plan& plan, OrgUnitId unit);
// Readers: everyone whose scope holds the unit (any role, steering included), and the plan's
// administrators.
bool CanReadReport(const AccessPolicy& policy, const Principal& p, const Plan& plan,
                   OrgUnitId unit);
// Starting a report (create): the unit's officers and leaders.
bool CanStartReport(const AccessPolicy& policy, const Principal& p, const Plan& plan,
                    OrgUnitId unit);
// Whether one of p's parties may take `action` on a report of `unit` in state `from`.
bool CanTakeReportAction(const AccessPolicy& policy, const Principal& p, const Plan& plan,
                         OrgUnitId unit, ReportState from, ReportAction action);
// Setting the plan's report schedule: the plan's administrators.
bool CanSetReportSchedule(const AccessPolicy& policy, const Principal& p, const Plan& plan);

// ---- Schedules and due dates ----

// One reported period type and its due day: the report for a period is due on day `due_day`
// of the month after the period ends.
struct ReportScheduleItem {
  PeriodType period_type = PeriodType::kMonth;
  int due_day = 20;

  friend bool operator==(const ReportScheduleItem&, const ReportScheduleItem&) = default;
};

inline constexpr int kDefaultReportDueDay = 20;
inline constexpr int kMaxReportDueDay = 28;  // every month has it

// The schedule of a plan that has none of its own: monthly, due on the 20th.
std::vector<ReportScheduleItem> DefaultReportSchedule();

// invalid_argument with one detail per offending item (field "items[i].due_day" or
// "items[i].period_type") when a due day is outside 1..28 or a period type appears twice, and
// (field "items") when the schedule is empty.
Status ValidateReportSchedule(std::span<const ReportScheduleItem> schedule);

// The due day of `type` in `schedule`; none when the schedule does not report that type.
std::optional<int> DueDayOf(std::span<const ReportScheduleItem> schedule, PeriodType type);

// Day `due_day` (1..28) of the month after `period` ends: the report for 202510 with due day 20
// is due 2025-11-20; for 2025Q4, 2026-01-20.
Date ReportDueOn(const Period& period, int due_day);

// Every period of each type in `schedule` that lies within `span` (a period type coarser than
// the span's contributes nothing), in Period order.
std::vector<Period> ExpectedReportPeriods(std::span<const ReportScheduleItem> schedule,
                                          const Period& span);

// ---- Timeliness ----

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

// "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC), the form every stored instant has.
std::string FormatInstant(Instant instant);
// Accepts "YYYY-MM-DDTHH:MM:SSZ" with an optional fraction of 1–9 digits (truncated to
// milliseconds). invalid_argument naming the text otherwise.
Result<Instant> ParseInstant(std::string_view text);

enum class ReportTimeliness {
  kOnTime,    // first submitted on or before the due date (local end of day)
  kLate,      // first submitted after it
  kMissing,   // not submitted, and the due date has passed
  kNotYetDue  // not submitted, due date today or later
};
// "on_time", "late", "missing", "not_yet_due".
std::string_view ReportTimelinessName(ReportTimeliness timeliness);

// True when `submitted_at` falls on or before `due_on` in local time (UTC + utc_offset), that
// is, at or before 23:59:59.999 local on the due date.
bool SubmittedOnTime(Instant submitted_at, Date due_on, std::chrono::minutes utc_offset);

// The timeliness of one report: by its first submission instant when it has one; otherwise
// missing once the local date `today` is after `due_on`, else not yet due.
ReportTimeliness JudgeTimeliness(std::optional<Instant> first_submitted_at, Date due_on, Date today,
                                 std::chrono::minutes utc_offset);

// ---- Completeness ----

// What the completeness rule needs to know of one task the reporting unit leads.
struct ReportTaskFacts {
  std::string code;
  std::vector<IndicatorId> indicators;  // Task::indicators
  bool done_before_period = false;      // done (claimed) on the day before the period starts
  bool cancelled = false;               // cancelled on or before the period's last day
  bool updated_in_period = false;       // a progress or claim event dated within the period
};

enum class MissingItemKind { kValue, kUpdate };
// "value", "update".
std::string_view MissingItemKindName(MissingItemKind kind);

struct MissingReportItem {
  MissingItemKind kind = MissingItemKind::kValue;
  std::string code;  // the indicator's code (kValue) or the task's (kUpdate)

  friend bool operator==(const MissingReportItem&, const MissingReportItem&) = default;
};

struct ReportCompleteness {
  int required = 0;
  int present = 0;
  std::vector<MissingReportItem> missing;  // values first (by indicator code), then updates

  // present / required; 1 when nothing is required.
  double Ratio() const;
};

// Required: one value for `period` of each indicator linked to a task that is not cancelled
// (each indicator once) whose period type is the period's; and an update within the period for
// each task that is neither cancelled nor done before the period. `indicators` gives the linked
// indicators' codes and period types (a linked id absent from it requires nothing);
// `with_value` lists the indicators the unit has a value for exactly `period`.
ReportCompleteness JudgeCompleteness(const Period& period, std::span<const ReportTaskFacts> tasks,
                                     std::span<const Indicator> indicators,
                                     std::span<const IndicatorId> with_value);

}  // namespace planwatch
