#include "planwatch/storage/sql/reports.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "planwatch/storage/sql/rows.h"
#include "planwatch/storage/sql/status_macros.h"

namespace planwatch::sql {
namespace {

constexpr char kReportColumns[] =
    "id, plan_id, unit_id, period, revision, supersedes_id, state, due_on, results, "
    "difficulties, proposals, content, required_items, present_items, created_by, created_at, "
    "updated_at, first_submitted_at, submitted_at, submitted_by, signing_key_id, "
    "signature_algorithm, signature_public_key, signature, signer_login, signer_name, signed_at, "
    "signed_content";
// The same columns with the bulky ones left out (ReportQuery::summaries_only).
constexpr char kSummaryColumns[] =
    "id, plan_id, unit_id, period, revision, supersedes_id, state, due_on, results, "
    "difficulties, proposals, '', required_items, present_items, created_by, created_at, "
    "updated_at, first_submitted_at, submitted_at, submitted_by, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL";

constexpr char kSelectSchedule[] =
    "SELECT period_type, due_day FROM report_schedules WHERE plan_id = ?1";
constexpr char kDeleteSchedule[] = "DELETE FROM report_schedules WHERE plan_id = ?1";
constexpr char kInsertScheduleItem[] =
    "INSERT INTO report_schedules (plan_id, period_type, due_day) VALUES (?1, ?2, ?3)";
constexpr char kLivePlan[] = "SELECT 1 FROM plans WHERE id = ?1 AND deleted_at IS NULL";
constexpr char kUnitExists[] = "SELECT 1 FROM org_units WHERE id = ?1";
constexpr char kReportState[] = "SELECT state FROM reports WHERE id = ?1";
constexpr char kReportKey[] = "SELECT plan_id, unit_id, period FROM reports WHERE id = ?1";
constexpr char kKeyTaken[] =
    "SELECT id FROM reports WHERE plan_id = ?1 AND unit_id = ?2 AND period = ?3 AND "
    "revision = ?4 AND id <> ?5";
constexpr char kInsertReport[] =
    "INSERT INTO reports (plan_id, unit_id, period, period_start, period_rank, revision, "
    "supersedes_id, state, due_on, results, difficulties, proposals, content, required_items, "
    "present_items, created_by, first_submitted_at, submitted_at, submitted_by, signing_key_id, "
    "signature_algorithm, signature_public_key, signature, signer_login, signer_name, signed_at, "
    "signed_content, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, "
    "?28)";
constexpr char kUpdateReport[] =
    "UPDATE reports SET plan_id = ?1, unit_id = ?2, period = ?3, period_start = ?4, "
    "period_rank = ?5, revision = ?6, supersedes_id = ?7, state = ?8, due_on = ?9, "
    "results = ?10, difficulties = ?11, proposals = ?12, content = ?13, required_items = ?14, "
    "present_items = ?15, created_by = ?16, first_submitted_at = ?17, submitted_at = ?18, "
    "submitted_by = ?19, signing_key_id = ?20, signature_algorithm = ?21, "
    "signature_public_key = ?22, signature = ?23, signer_login = ?24, signer_name = ?25, "
    "signed_at = ?26, signed_content = ?27, updated_at = ?28 WHERE id = ?29";
constexpr char kSelectEvents[] =
    "SELECT sequence, report_id, action, from_state, to_state, actor, comment, at "
    "FROM report_events WHERE report_id = ?1 ORDER BY sequence";
constexpr char kInsertEvent[] =
    "INSERT INTO report_events (report_id, action, from_state, to_state, actor, comment, at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

std::string ReportName(ReportId id) { return "report " + std::to_string(id.value); }

// Stored text of an enum column through its domain parser; internal when it does not parse.
template <typename T, typename ParseFn>
Result<T> StoredEnum(const std::string& text, std::string_view column, ParseFn parse) {
  auto parsed = parse(text);
  if (!parsed) {
    return Internal("stored " + std::string(column) + " '" + text +
                    "' is invalid: " + parsed.error().message);
  }
  return *parsed;
}

Result<ReportRecord> ReportRow(const Statement& s) {
  ReportRecord r;
  r.id = s.IdAt<ReportId>(0);
  r.plan = s.IdAt<PlanId>(1);
  r.unit = s.IdAt<OrgUnitId>(2);
  PW_SQL_ASSIGN(r.period, StoredEnum<Period>(s.Text(3), "report period", Period::Parse));
  r.revision = static_cast<int>(s.Int(4));
  r.supersedes = s.IdAt<ReportId>(5);
  PW_SQL_ASSIGN(r.state, StoredEnum<ReportState>(s.Text(6), "report state", ParseReportState));
  PW_SQL_ASSIGN(r.due_on, s.DateAt(7));
  r.results = s.Text(8);
  r.difficulties = s.Text(9);
  r.proposals = s.Text(10);
  r.content = s.Text(11);
  r.required_items = static_cast<int>(s.Int(12));
  r.present_items = static_cast<int>(s.Int(13));
  r.created_by = s.Text(14);
  r.created_at = s.Text(15);
  r.updated_at = s.Text(16);
  r.first_submitted_at = s.Text(17);  // NULL reads as ""
  r.submitted_at = s.Text(18);
  r.submitted_by = s.Text(19);
  if (!s.IsNull(23)) {
    StoredReportSignature sig;
    sig.key = s.IdAt<SigningKeyId>(20);
    sig.algorithm = s.Text(21);
    sig.public_key = s.Text(22);
    sig.signature = s.Text(23);
    sig.signer_login = s.Text(24);
    sig.signer_name = s.Text(25);
    sig.signed_at = s.Text(26);
    sig.content = s.Text(27);
    r.signature = std::move(sig);
  }
  return r;
}

Result<ReportEvent> EventRow(const Statement& s) {
  ReportEvent e;
  e.sequence = s.Int(0);
  e.report = s.IdAt<ReportId>(1);
  PW_SQL_ASSIGN(e.action, StoredEnum<ReportAction>(s.Text(2), "report action", ParseReportAction));
  if (!s.IsNull(3)) {
    PW_SQL_ASSIGN(e.from, StoredEnum<ReportState>(s.Text(3), "report state", ParseReportState));
  }
  PW_SQL_ASSIGN(e.to, StoredEnum<ReportState>(s.Text(4), "report state", ParseReportState));
  e.actor = s.Text(5);
  e.comment = s.Text(6);
  e.at = s.Text(7);
  return e;
}

void BindOptionalText(Statement& stmt, int index, const std::string& text) {
  if (text.empty()) {
    stmt.BindNull(index);
  } else {
    stmt.BindText(index, text);
  }
}

// Binds ?1..?27 of kInsertReport / kUpdateReport (the same order in both).
void BindReport(Statement& stmt, const ReportRecord& r) {
  stmt.BindInt(1, r.plan.value);
  stmt.BindInt(2, r.unit.value);
  stmt.BindText(3, r.period.ToString());
  stmt.BindDate(4, r.period.start());
  stmt.BindInt(5, static_cast<std::int64_t>(r.period.type()));
  stmt.BindInt(6, r.revision);
  stmt.BindId(7, r.supersedes);
  stmt.BindText(8, ReportStateName(r.state));
  stmt.BindDate(9, r.due_on);
  stmt.BindText(10, r.results);
  stmt.BindText(11, r.difficulties);
  stmt.BindText(12, r.proposals);
  stmt.BindText(13, r.content);
  stmt.BindInt(14, r.required_items);
  stmt.BindInt(15, r.present_items);
  stmt.BindText(16, r.created_by);
  BindOptionalText(stmt, 17, r.first_submitted_at);
  BindOptionalText(stmt, 18, r.submitted_at);
  stmt.BindText(19, r.submitted_by);
  if (r.signature) {
    const StoredReportSignature& sig = *r.signature;
    stmt.BindId(20, sig.key);
    stmt.BindText(21, sig.algorithm);
    stmt.BindText(22, sig.public_key);
    stmt.BindText(23, sig.signature);
    stmt.BindText(24, sig.signer_login);
    stmt.BindText(25, sig.signer_name);
    stmt.BindText(26, sig.signed_at);
    stmt.BindText(27, sig.content);
  } else {
    for (int i = 20; i <= 27; ++i) stmt.BindNull(i);
  }
}

// The checks of WriteReport that need no database.
Status ValidateReport(const ReportRecord& r, const std::string& subject) {
  if (r.revision < 1) {
    return InvalidArgument(subject + ": revision must be 1 or more, not " +
                           std::to_string(r.revision));
  }
  if ((r.revision == 1) != !r.supersedes) {
    return InvalidArgument(subject + ": supersedes must name the previous revision exactly when " +
                           "the revision is above 1");
  }
  if (r.required_items < 0 || r.present_items < 0 || r.present_items > r.required_items) {
    return InvalidArgument(subject + ": present_items must lie within 0..required_items");
  }
  if ((r.state == ReportState::kApproved || r.state == ReportState::kAccepted) && !r.signature) {
    return InvalidArgument(subject + ": an " + std::string(ReportStateName(r.state)) +
                           " report needs a signature");
  }
  return {};
}

}  // namespace

Result<std::vector<ReportScheduleItem>> ReadReportSchedule(Connection& connection, PlanId plan) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectSchedule));
  stmt.BindInt(1, plan.value);
  std::vector<ReportScheduleItem> items;
  while (true) {
    PW_SQL_ASSIGN(bool has_row, stmt.Step());
    if (!has_row) break;
    ReportScheduleItem item;
    PW_SQL_ASSIGN(item.period_type,
                  StoredEnum<PeriodType>(stmt.Text(0), "period type", ParsePeriodType));
    item.due_day = static_cast<int>(stmt.Int(1));
    items.push_back(item);
  }
  std::ranges::sort(items, {}, &ReportScheduleItem::period_type);
  return items;
}

Result<std::vector<ReportRecord>> ReadReports(Connection& connection, const ReportQuery& query) {
  std::string sql = "SELECT ";
  sql += query.summaries_only ? kSummaryColumns : kReportColumns;
  sql += " FROM reports WHERE 1 = 1";
  // Parameters are numbered in the order they appear: only those of the filters set.
  if (query.plan) sql += " AND plan_id = ?";
  if (query.unit) sql += " AND unit_id = ?";
  if (query.period) sql += " AND period = ?";
  if (query.state) sql += " AND state = ?";
  sql += " ORDER BY id";
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  int parameter = 0;
  if (query.plan) stmt.BindInt(++parameter, query.plan->value);
  if (query.unit) stmt.BindInt(++parameter, query.unit->value);
  if (query.period) stmt.BindText(++parameter, query.period->ToString());
  if (query.state) stmt.BindText(++parameter, ReportStateName(*query.state));
  std::vector<ReportRecord> out;
  while (true) {
    PW_SQL_ASSIGN(bool has_row, stmt.Step());
    if (!has_row) return out;
    PW_SQL_ASSIGN(ReportRecord r, ReportRow(stmt));
    out.push_back(std::move(r));
  }
}

Result<ReportRecord> ReadReport(Connection& connection, ReportId id) {
  const std::string sql = std::string("SELECT ") + kReportColumns + " FROM reports WHERE id = ?1";
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  stmt.BindInt(1, id.value);
  PW_SQL_ASSIGN(bool found, stmt.Step());
  if (!found) return NotFound(ReportName(id) + " does not exist");
  return ReportRow(stmt);
}

Result<std::vector<ReportEvent>> ReadReportEvents(Connection& connection, ReportId report) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectEvents));
  stmt.BindInt(1, report.value);
  std::vector<ReportEvent> out;
  while (true) {
    PW_SQL_ASSIGN(bool has_row, stmt.Step());
    if (!has_row) return out;
    PW_SQL_ASSIGN(ReportEvent e, EventRow(stmt));
    out.push_back(std::move(e));
  }
}

Status WriteReportSchedule(WriteContext& context, PlanId plan,
                           const std::vector<ReportScheduleItem>& items) {
  Connection& c = context.connection();
  const std::string subject = "report schedule of plan " + std::to_string(plan.value);
  PW_SQL_ASSIGN(bool plan_exists, HasRow(c, kLivePlan, plan.value));
  if (!plan_exists) return InvalidArgument(subject + ": the plan does not exist");
  if (!items.empty()) {
    if (auto valid = ValidateReportSchedule(items); !valid) {
      Error error = std::move(valid).error();
      error.message = subject + ": " + error.message;
      return std::unexpected(std::move(error));
    }
  }
  PW_SQL_TRY(context.Stamp());
  {
    PW_SQL_ASSIGN(auto del, c.Prepare(kDeleteSchedule));
    del.BindInt(1, plan.value);
    PW_SQL_TRY(del.Run());
  }
  for (const ReportScheduleItem& item : items) {
    PW_SQL_ASSIGN(auto ins, c.Prepare(kInsertScheduleItem));
    ins.BindInt(1, plan.value);
    ins.BindText(2, PeriodTypeName(item.period_type));
    ins.BindInt(3, item.due_day);
    PW_SQL_TRY(ins.Run());
  }
  return {};
}

Result<ReportId> WriteReport(WriteContext& context, const ReportRecord& report) {
  Connection& c = context.connection();
  const std::string subject =
      report.id ? ReportName(report.id) : "new report for " + report.period.ToString();
  if (report.id) {
    PW_SQL_ASSIGN(auto state_stmt, c.Prepare(kReportState));
    state_stmt.BindInt(1, report.id.value);
    PW_SQL_ASSIGN(bool exists, state_stmt.Step());
    if (!exists) return NotFound(ReportName(report.id) + " does not exist");
    if (state_stmt.Text(0) == ReportStateName(ReportState::kAccepted)) {
      return Fail(ErrorCode::kFailedPrecondition,
                  ReportName(report.id) + " is accepted and can no longer change");
    }
  }
  PW_SQL_TRY(ValidateReport(report, subject));
  PW_SQL_ASSIGN(bool plan_exists, HasRow(c, kLivePlan, report.plan.value));
  if (!plan_exists) {
    return InvalidArgument(subject + ": plan " + std::to_string(report.plan.value) +
                           " does not exist");
  }
  PW_SQL_ASSIGN(bool unit_exists, HasRow(c, kUnitExists, report.unit.value));
  if (!unit_exists) {
    return InvalidArgument(subject + ": org unit " + std::to_string(report.unit.value) +
                           " does not exist");
  }
  if (report.supersedes) {
    PW_SQL_ASSIGN(auto key, c.Prepare(kReportKey));
    key.BindInt(1, report.supersedes.value);
    PW_SQL_ASSIGN(bool found, key.Step());
    if (!found) {
      return InvalidArgument(subject + ": supersedes " + ReportName(report.supersedes) +
                             ", which does not exist");
    }
    if (key.Int(0) != report.plan.value || key.Int(1) != report.unit.value ||
        key.Text(2) != report.period.ToString()) {
      return InvalidArgument(subject + ": supersedes " + ReportName(report.supersedes) +
                             ", which is of another plan, unit or period");
    }
  }
  {
    PW_SQL_ASSIGN(auto taken, c.Prepare(kKeyTaken));
    taken.BindInt(1, report.plan.value);
    taken.BindInt(2, report.unit.value);
    taken.BindText(3, report.period.ToString());
    taken.BindInt(4, report.revision);
    taken.BindInt(5, report.id.value);
    PW_SQL_ASSIGN(bool found, taken.Step());
    if (found) {
      return Conflict(subject + ": revision " + std::to_string(report.revision) + " of the " +
                      report.period.ToString() + " report of that unit already exists (report " +
                      std::to_string(taken.Int(0)) + ")");
    }
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(report.id ? kUpdateReport : kInsertReport));
  BindReport(stmt, report);
  stmt.BindText(28, stamp);
  if (report.id) stmt.BindInt(29, report.id.value);
  PW_SQL_TRY(stmt.Run());
  if (report.id) return report.id;
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("reports", "id"));
  return ReportId{inserted};
}

Status WriteReportEvent(WriteContext& context, const ReportEvent& event) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(bool exists, HasRow(c, "SELECT 1 FROM reports WHERE id = ?1", event.report.value));
  if (!exists) {
    return InvalidArgument("event of " + ReportName(event.report) + ": the report does not exist");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertEvent));
  stmt.BindInt(1, event.report.value);
  stmt.BindText(2, ReportActionName(event.action));
  if (event.from) {
    stmt.BindText(3, ReportStateName(*event.from));
  } else {
    stmt.BindNull(3);
  }
  stmt.BindText(4, ReportStateName(event.to));
  stmt.BindText(5, event.actor);
  stmt.BindText(6, event.comment);
  stmt.BindText(7, stamp);
  return stmt.Run();
}

}  // namespace planwatch::sql
