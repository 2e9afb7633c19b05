// Periodic reports, their events and report schedules: the StoreReader reads and
// Transaction writes of store.h's "Reports" section as functions of a Connection or a
// WriteContext. Internal to storage.
//
// Reads: stored text that does not parse (a state, a period) is internal. Writes validate before
// they write and may leave partial rows on failure: the caller runs each one inside a savepoint.
#pragma once

#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/report.h"
#include "planwatch/storage/reports.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/write.h"

namespace planwatch::sql {

// Coarsest period type first; empty when the plan has no schedule of its own or does not exist.
Result<std::vector<ReportScheduleItem>> ReadReportSchedule(Connection& connection, PlanId plan);
// By id.
Result<std::vector<ReportRecord>> ReadReports(Connection& connection, const ReportQuery& query);
// not_found naming the id when the report does not exist.
Result<ReportRecord> ReadReport(Connection& connection, ReportId id);
// In append order; empty when the report has none or does not exist.
Result<std::vector<ReportEvent>> ReadReportEvents(Connection& connection, ReportId report);

// Replaces the plan's schedule (empty: no schedule of its own). invalid_argument when the plan
// does not exist or is deleted, or the items break ValidateReportSchedule (an empty list
// excepted).
Status WriteReportSchedule(WriteContext& context, PlanId plan,
                           const std::vector<ReportScheduleItem>& items);
// Inserts (id none: created_at = updated_at = the stamp) or replaces (updated_at = the stamp,
// created_at kept) the report. invalid_argument naming the field for a plan or unit that does
// not exist, a revision below 1, a revision above 1 without `supersedes` (or 1 with it), a
// superseded report of another plan, unit or period, present_items outside 0..required_items,
// approved or accepted without a signature; conflict when another report has the same (plan,
// unit, period, revision); not_found when the id does not exist; failed_precondition when the
// stored report is accepted (immutable).
Result<ReportId> WriteReport(WriteContext& context, const ReportRecord& report);
// Appends the event (sequence and `at` = the stamp set here). invalid_argument when the report
// does not exist.
Status WriteReportEvent(WriteContext& context, const ReportEvent& event);

}  // namespace planwatch::sql
