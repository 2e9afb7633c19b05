#include "planwatch/storage/sql/feedback.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <utility>

#include "planwatch/storage/sql/status_macros.h"

namespace planwatch::sql {
namespace {

constexpr char kColumns[] =
    "id, target_kind, target_id, plan_id, kind, text, author_login, author_name, contact, "
    "address_hash, state, answer, answered_by, answered_at, reason, created_at, updated_at";

constexpr char kInsertFeedback[] =
    "INSERT INTO feedback (target_kind, target_id, plan_id, kind, text, author_login, "
    "author_name, contact, address_hash, state, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'new', ?10, ?10)";
constexpr char kInsertEvent[] =
    "INSERT INTO feedback_events (feedback_id, state, actor, note, at) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kSelectEvents[] =
    "SELECT feedback_id, state, actor, note, at FROM feedback_events WHERE feedback_id = ?1 "
    "ORDER BY id";
constexpr char kSelectState[] = "SELECT state FROM feedback WHERE id = ?1";
constexpr char kUpdateAccepted[] = "UPDATE feedback SET state = ?1, updated_at = ?2 WHERE id = ?3";
constexpr char kUpdateAnswered[] =
    "UPDATE feedback SET state = 'answered', answer = ?1, answered_by = ?2, answered_at = ?3, "
    "updated_at = ?3 WHERE id = ?4";
constexpr char kUpdateRejected[] =
    "UPDATE feedback SET state = 'rejected', reason = ?1, updated_at = ?2 WHERE id = ?3";

template <typename Enum, typename Parse>
Result<Enum> StoredEnum(const std::string& text, std::string_view column, Parse parse) {
  auto parsed = parse(text);
  if (!parsed) {
    return Internal(fmt::format("stored feedback {} '{}' is invalid: {}", column, text,
                                parsed.error().message));
  }
  return *parsed;
}

Result<FeedbackRecord> FeedbackRow(const Statement& s) {
  FeedbackRecord f;
  f.id = s.IdAt<FeedbackId>(0);
  PW_SQL_ASSIGN(f.target.kind,
                StoredEnum<FeedbackTargetKind>(s.Text(1), "target_kind", ParseFeedbackTargetKind));
  f.target.id = s.Int(2);
  f.plan = s.IdAt<PlanId>(3);
  PW_SQL_ASSIGN(f.kind, StoredEnum<FeedbackKind>(s.Text(4), "kind", ParseFeedbackKind));
  f.text = s.Text(5);
  f.author_login = s.Text(6);
  f.author_name = s.Text(7);
  f.contact = s.Text(8);
  f.address_hash = s.Text(9);
  PW_SQL_ASSIGN(f.state, StoredEnum<FeedbackState>(s.Text(10), "state", ParseFeedbackState));
  f.answer = s.Text(11);
  f.answered_by = s.Text(12);
  f.answered_at = s.Text(13);
  f.reason = s.Text(14);
  f.created_at = s.Text(15);
  f.updated_at = s.Text(16);
  return f;
}

Result<FeedbackEvent> EventRow(const Statement& s) {
  FeedbackEvent e;
  e.feedback = s.IdAt<FeedbackId>(0);
  PW_SQL_ASSIGN(e.state, StoredEnum<FeedbackState>(s.Text(1), "event state", ParseFeedbackState));
  e.actor = s.Text(2);
  e.note = s.Text(3);
  e.at = s.Text(4);
  return e;
}

Result<std::int64_t> Count(Connection& c, const char* sql, std::int64_t id) {
  PW_SQL_ASSIGN(auto stmt, c.Prepare(sql));
  stmt.BindInt(1, id);
  PW_SQL_ASSIGN(bool has_row, stmt.Step());
  return has_row ? stmt.Int(0) : 0;
}

// The plan a live target belongs to (none for an indicator); invalid_argument naming "target"
// when the target does not exist or is deleted (a task: when its plan is deleted).
Result<PlanId> TargetPlan(Connection& c, const FeedbackTarget& target) {
  const std::string missing =
      fmt::format("target: no {} with id {}", FeedbackTargetKindName(target.kind), target.id);
  switch (target.kind) {
    case FeedbackTargetKind::kPlan: {
      PW_SQL_ASSIGN(
          std::int64_t n,
          Count(c, "SELECT count(*) FROM plans WHERE id = ?1 AND deleted_at IS NULL", target.id));
      if (n == 0) return InvalidArgument(missing);
      return PlanId{target.id};
    }
    case FeedbackTargetKind::kTask: {
      PW_SQL_ASSIGN(std::int64_t plan,
                    Count(c,
                          "SELECT t.plan_id FROM tasks t JOIN plans p ON p.id = t.plan_id "
                          "WHERE t.id = ?1 AND p.deleted_at IS NULL",
                          target.id));
      if (plan == 0) return InvalidArgument(missing);
      return PlanId{plan};
    }
    case FeedbackTargetKind::kIndicator: {
      PW_SQL_ASSIGN(std::int64_t n,
                    Count(c, "SELECT count(*) FROM indicators WHERE id = ?1 AND deleted_at IS NULL",
                          target.id));
      if (n == 0) return InvalidArgument(missing);
      return PlanId{};
    }
  }
  return Internal("unknown feedback target kind");
}

}  // namespace

Result<std::vector<FeedbackRecord>> ReadFeedback(Connection& connection,
                                                 const FeedbackQuery& query) {
  // Unset filters bind NULL and match everything.
  const std::string sql = fmt::format(
      "SELECT {} FROM feedback WHERE (state = ?1 OR ?1 IS NULL) AND (plan_id = ?2 OR ?2 IS NULL) "
      "AND (target_kind = ?3 OR ?3 IS NULL) AND ((target_kind = ?4 AND target_id = ?5) OR "
      "?4 IS NULL) ORDER BY id",
      kColumns);
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql.c_str()));
  if (query.state) {
    stmt.BindText(1, FeedbackStateName(*query.state));
  } else {
    stmt.BindNull(1);
  }
  if (query.plan) {
    stmt.BindInt(2, query.plan->value);
  } else {
    stmt.BindNull(2);
  }
  if (query.target_kind) {
    stmt.BindText(3, FeedbackTargetKindName(*query.target_kind));
  } else {
    stmt.BindNull(3);
  }
  if (query.target) {
    stmt.BindText(4, FeedbackTargetKindName(query.target->kind));
    stmt.BindInt(5, query.target->id);
  } else {
    stmt.BindNull(4);
    stmt.BindNull(5);
  }
  std::vector<FeedbackRecord> out;
  while (true) {
    PW_SQL_ASSIGN(bool has_row, stmt.Step());
    if (!has_row) return out;
    PW_SQL_ASSIGN(FeedbackRecord row, FeedbackRow(stmt));
    out.push_back(std::move(row));
  }
}

Result<std::optional<FeedbackRecord>> ReadFeedbackById(Connection& connection, FeedbackId id) {
  const std::string sql = fmt::format("SELECT {} FROM feedback WHERE id = ?1", kColumns);
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql.c_str()));
  stmt.BindInt(1, id.value);
  PW_SQL_ASSIGN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<FeedbackRecord>();
  PW_SQL_ASSIGN(FeedbackRecord row, FeedbackRow(stmt));
  return std::optional<FeedbackRecord>(std::move(row));
}

Result<std::vector<FeedbackEvent>> ReadFeedbackEvents(Connection& connection, FeedbackId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectEvents));
  stmt.BindInt(1, id.value);
  std::vector<FeedbackEvent> out;
  while (true) {
    PW_SQL_ASSIGN(bool has_row, stmt.Step());
    if (!has_row) return out;
    PW_SQL_ASSIGN(FeedbackEvent row, EventRow(stmt));
    out.push_back(std::move(row));
  }
}

Result<std::string> ReadFeedbackAddressKey(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare("SELECT key FROM feedback_address_key "
                                              "WHERE id = 1"));
  PW_SQL_ASSIGN(bool has_row, stmt.Step());
  if (!has_row) return Internal("the feedback address key is missing");
  return stmt.Blob(0);
}

Result<FeedbackId> WriteFeedback(WriteContext& context, const FeedbackRecord& feedback) {
  Connection& c = context.connection();
  if (feedback.text.empty()) return InvalidArgument("feedback text: the text is empty");
  if (feedback.target.id <= 0) {
    return InvalidArgument(fmt::format("target: {} is not an id", feedback.target.id));
  }
  PW_SQL_ASSIGN(PlanId plan, TargetPlan(c, feedback.target));
  if (feedback.plan != plan) {
    return InvalidArgument(fmt::format("plan: {} {} belongs to plan {}, not {}",
                                       FeedbackTargetKindName(feedback.target.kind),
                                       feedback.target.id, plan.value, feedback.plan.value));
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertFeedback));
  stmt.BindText(1, FeedbackTargetKindName(feedback.target.kind));
  stmt.BindInt(2, feedback.target.id);
  stmt.BindId(3, plan);
  stmt.BindText(4, FeedbackKindName(feedback.kind));
  stmt.BindText(5, feedback.text);
  stmt.BindText(6, feedback.author_login);
  stmt.BindText(7, feedback.author_name);
  stmt.BindText(8, feedback.contact);
  stmt.BindText(9, feedback.address_hash);
  stmt.BindText(10, stamp);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("feedback", "id"));
  const FeedbackId id{inserted};
  PW_SQL_ASSIGN(auto event, c.Prepare(kInsertEvent));
  event.BindInt(1, id.value);
  event.BindText(2, FeedbackStateName(FeedbackState::kNew));
  event.BindText(3, feedback.author_login);
  event.BindText(4, "");
  event.BindText(5, stamp);
  PW_SQL_TRY(event.Run());
  return id;
}

Status WriteFeedbackEvent(WriteContext& context, const FeedbackEvent& event) {
  Connection& c = context.connection();
  const std::string subject = fmt::format("feedback {}", event.feedback.value);
  if (event.state == FeedbackState::kNew) {
    return InvalidArgument(subject + ": state: feedback cannot move back to new");
  }
  if (event.note.empty() &&
      (event.state == FeedbackState::kAnswered || event.state == FeedbackState::kRejected)) {
    return InvalidArgument(subject + ": note: an answer or a reason is required");
  }
  FeedbackState from = FeedbackState::kNew;
  {
    PW_SQL_ASSIGN(auto current, c.Prepare(kSelectState));
    current.BindInt(1, event.feedback.value);
    PW_SQL_ASSIGN(bool found, current.Step());
    if (!found) return NotFound(subject + " does not exist");
    PW_SQL_ASSIGN(from, StoredEnum<FeedbackState>(current.Text(0), "state", ParseFeedbackState));
  }
  if (auto allowed = CheckFeedbackTransition(from, event.state); !allowed) {
    return Fail(allowed.error().code, subject + ": " + allowed.error().message);
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  if (event.state == FeedbackState::kAnswered) {
    PW_SQL_ASSIGN(auto update, c.Prepare(kUpdateAnswered));
    update.BindText(1, event.note);
    update.BindText(2, event.actor);
    update.BindText(3, stamp);
    update.BindInt(4, event.feedback.value);
    PW_SQL_TRY(update.Run());
  } else if (event.state == FeedbackState::kRejected) {
    PW_SQL_ASSIGN(auto update, c.Prepare(kUpdateRejected));
    update.BindText(1, event.note);
    update.BindText(2, stamp);
    update.BindInt(3, event.feedback.value);
    PW_SQL_TRY(update.Run());
  } else {
    PW_SQL_ASSIGN(auto update, c.Prepare(kUpdateAccepted));
    update.BindText(1, FeedbackStateName(event.state));
    update.BindText(2, stamp);
    update.BindInt(3, event.feedback.value);
    PW_SQL_TRY(update.Run());
  }
  PW_SQL_ASSIGN(auto insert, c.Prepare(kInsertEvent));
  insert.BindInt(1, event.feedback.value);
  insert.BindText(2, FeedbackStateName(event.state));
  insert.BindText(3, event.actor);
  insert.BindText(4, event.note);
  insert.BindText(5, stamp);
  return insert.Run();
}

}  // namespace planwatch::sql
