#include "planwatch/storage/sql/urging.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "planwatch/storage/sql/rows.h"
#include "planwatch/storage/sql/status_macros.h"
#include "planwatch/storage/sql/timestamp.h"

namespace planwatch::sql {
namespace {

// A stored enum name through `parse`; internal (naming the column) when it does not parse.
template <typename Parse>
auto StoredName(const Statement& s, int column, std::string_view what, Parse parse)
    -> decltype(parse(std::string_view())) {
  const std::string text = s.Text(column);
  auto parsed = parse(text);
  if (!parsed) return Internal("stored " + std::string(what) + " '" + text + "' is invalid");
  return parsed;
}

// `text` as a stored instant; invalid_argument naming `subject` and `field` otherwise.
Result<std::string> StoredInstant(const std::string& text, const std::string& subject,
                                  std::string_view field) {
  auto ms = ParseTimestamp(text);
  if (!ms) {
    return InvalidArgument(subject + ": " + std::string(field) + ": " + ms.error().message);
  }
  return FormatTimestamp(*ms);
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// ---- rules ----

constexpr char kSelectRules[] =
    "SELECT reminder_days_before, notice_days_after, explanation_days_after, "
    "inspection_days_after FROM urging_rules WHERE plan_id = ?1";
constexpr char kUpsertRules[] =
    "INSERT INTO urging_rules (plan_id, reminder_days_before, notice_days_after, "
    "explanation_days_after, inspection_days_after, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT (plan_id) DO UPDATE SET reminder_days_before = excluded.reminder_days_before, "
    "notice_days_after = excluded.notice_days_after, "
    "explanation_days_after = excluded.explanation_days_after, "
    "inspection_days_after = excluded.inspection_days_after, stored_at = excluded.stored_at";
constexpr char kLivePlanExists[] = "SELECT 1 FROM plans WHERE id = ?1 AND deleted_at IS NULL";

// ---- urgings ----

constexpr char kSelectUrgings[] =
    "SELECT id, subject_kind, task_id, indicator_id, period, plan_id, unit_id, rung, due_on, "
    "raised_on, message, answer, answered_by, answered_at, created_at FROM urgings "
    "WHERE (plan_id = ?1 OR ?1 IS NULL) AND (unit_id = ?2 OR ?2 IS NULL) "
    "AND (rung = ?3 OR ?3 IS NULL) AND (subject_kind = ?4 OR ?4 IS NULL) "
    "AND (task_id = ?5 OR ?5 IS NULL) "
    "AND (?6 = 0 OR (rung = 'explanation_request' AND answer IS NULL)) ORDER BY id";
constexpr char kSelectUrgingById[] =
    "SELECT id, subject_kind, task_id, indicator_id, period, plan_id, unit_id, rung, due_on, "
    "raised_on, message, answer, answered_by, answered_at, created_at FROM urgings "
    "WHERE id = ?1";
constexpr char kUrgingKeyTaken[] = "SELECT id FROM urgings WHERE subject_key = ?1 AND rung = ?2";
constexpr char kInsertUrging[] =
    "INSERT INTO urgings (subject_kind, subject_key, task_id, indicator_id, period, plan_id, "
    "unit_id, rung, due_on, raised_on, message, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
constexpr char kAnswerUrging[] =
    "UPDATE urgings SET answer = ?1, answered_by = ?2, answered_at = ?3 WHERE id = ?4";

Result<UrgingRecord> UrgingRow(const Statement& s) {
  UrgingRecord u;
  u.id = s.IdAt<UrgingId>(0);
  PW_SQL_ASSIGN(u.subject, StoredName(s, 1, "urging subject", ParseUrgingSubjectKind));
  u.task = s.IdAt<TaskId>(2);
  u.indicator = s.IdAt<IndicatorId>(3);
  if (!s.IsNull(4)) {
    const std::string text = s.Text(4);
    auto period = Period::Parse(text);
    if (!period) return Internal("stored urging period '" + text + "' is invalid");
    u.period = *period;
  }
  u.plan = s.IdAt<PlanId>(5);
  u.unit = s.IdAt<OrgUnitId>(6);
  PW_SQL_ASSIGN(u.rung, StoredName(s, 7, "urging rung", ParseUrgingRung));
  PW_SQL_ASSIGN(u.due_on, s.DateAt(8));
  PW_SQL_ASSIGN(u.raised_on, s.DateAt(9));
  u.message = s.Text(10);
  u.answer = s.Text(11);
  u.answered_by = s.Text(12);
  u.answered_at = s.Text(13);
  u.created_at = s.Text(14);
  return u;
}

// ---- notifications ----

constexpr char kSelectNotifications[] =
    "SELECT id, user_id, urging_id, source, title, body, link, created_at, read_at "
    "FROM notifications WHERE user_id = ?1 AND (?2 = 0 OR read_at IS NULL) ORDER BY id";
constexpr char kSelectNotificationById[] =
    "SELECT id, user_id, urging_id, source, title, body, link, created_at, read_at "
    "FROM notifications WHERE id = ?1";
constexpr char kInsertNotification[] =
    "INSERT INTO notifications (user_id, urging_id, source, title, body, link, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr char kReadNotification[] =
    "UPDATE notifications SET read_at = coalesce(read_at, ?1) WHERE id = ?2";
constexpr char kReadAllNotifications[] =
    "UPDATE notifications SET read_at = ?1 WHERE user_id = ?2 AND read_at IS NULL";

Result<NotificationRecord> NotificationRow(const Statement& s) {
  NotificationRecord n;
  n.id = s.IdAt<NotificationId>(0);
  n.user = s.IdAt<UserId>(1);
  n.urging = s.IdAt<UrgingId>(2);
  n.source = s.Text(3);
  n.title = s.Text(4);
  n.body = s.Text(5);
  n.link = s.Text(6);
  n.created_at = s.Text(7);
  n.read_at = s.Text(8);
  return n;
}

// ---- webhooks ----

constexpr char kSelectWebhooks[] =
    "SELECT id, url, secret, events, active, created_by, created_at, deleted_at FROM webhooks "
    "WHERE deleted_at IS NULL ORDER BY id";
constexpr char kSelectWebhookById[] =
    "SELECT id, url, secret, events, active, created_by, created_at, deleted_at FROM webhooks "
    "WHERE id = ?1";
constexpr char kLiveWebhookExists[] = "SELECT 1 FROM webhooks WHERE id = ?1 AND deleted_at IS NULL";
constexpr char kInsertWebhook[] =
    "INSERT INTO webhooks (url, secret, events, active, created_by, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr char kUpdateWebhook[] =
    "UPDATE webhooks SET url = ?1, secret = ?2, events = ?3, active = ?4 WHERE id = ?5";
constexpr char kDeleteWebhook[] = "UPDATE webhooks SET deleted_at = ?1 WHERE id = ?2";

Result<WebhookRecord> WebhookRow(const Statement& s) {
  WebhookRecord w;
  w.id = s.IdAt<WebhookId>(0);
  w.url = s.Text(1);
  w.secret = s.Text(2);
  w.events = Split(s.Text(3));
  w.active = s.Int(4) != 0;
  w.created_by = s.Text(5);
  w.created_at = s.Text(6);
  w.deleted_at = s.Text(7);
  return w;
}

// ---- outbox ----

constexpr char kSelectOutbox[] =
    "SELECT id, channel, destination, webhook_id, event, subject, payload, idempotency_key, "
    "state, attempts, next_attempt_at, delivered_at, last_error, created_at, urging_id "
    "FROM outbox WHERE (state = ?1 OR ?1 IS NULL) AND (next_attempt_at <= ?2 OR ?2 IS NULL) "
    "AND (channel = ?3 OR ?3 IS NULL) ORDER BY id LIMIT ?4";
constexpr char kSelectOutboxById[] =
    "SELECT id, channel, destination, webhook_id, event, subject, payload, idempotency_key, "
    "state, attempts, next_attempt_at, delivered_at, last_error, created_at, urging_id "
    "FROM outbox WHERE id = ?1";
constexpr char kKeyTaken[] = "SELECT id FROM outbox WHERE idempotency_key = ?1";
constexpr char kInsertOutbox[] =
    "INSERT INTO outbox (channel, destination, webhook_id, event, subject, payload, "
    "idempotency_key, state, attempts, next_attempt_at, last_error, created_at, urging_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, '', ?9, ?10)";
constexpr char kStartRow[] =
    "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?1";
constexpr char kInsertAttempt[] =
    "INSERT INTO outbox_attempts (outbox_id, number, started_at, outcome, error) "
    "VALUES (?1, ?2, ?3, 'open', '')";
constexpr char kCloseAttempt[] =
    "UPDATE outbox_attempts SET finished_at = ?1, outcome = ?2, error = ?3 "
    "WHERE outbox_id = ?4 AND outcome = 'open'";
constexpr char kEndRow[] =
    "UPDATE outbox SET state = ?1, next_attempt_at = coalesce(?2, next_attempt_at), "
    "delivered_at = ?3, last_error = ?4 WHERE id = ?5";
constexpr char kSelectAttempts[] =
    "SELECT outbox_id, number, started_at, finished_at, outcome, error FROM outbox_attempts "
    "WHERE outbox_id = ?1 ORDER BY number";

Result<OutboxRecord> OutboxRow(const Statement& s) {
  OutboxRecord o;
  o.id = s.IdAt<OutboxId>(0);
  PW_SQL_ASSIGN(o.channel, StoredName(s, 1, "delivery channel", ParseDeliveryChannel));
  o.destination = s.Text(2);
  o.webhook = s.IdAt<WebhookId>(3);
  o.event = s.Text(4);
  o.subject = s.Text(5);
  o.payload = s.Text(6);
  o.idempotency_key = s.Text(7);
  PW_SQL_ASSIGN(o.state, StoredName(s, 8, "delivery state", ParseDeliveryState));
  o.attempts = static_cast<int>(s.Int(9));
  o.next_attempt_at = s.Text(10);
  o.delivered_at = s.Text(11);
  o.last_error = s.Text(12);
  o.created_at = s.Text(13);
  o.urging = s.IdAt<UrgingId>(14);
  return o;
}

Result<DeliveryAttempt> AttemptRow(const Statement& s) {
  DeliveryAttempt a;
  a.outbox = s.IdAt<OutboxId>(0);
  a.number = static_cast<int>(s.Int(1));
  a.started_at = s.Text(2);
  a.finished_at = s.Text(3);
  PW_SQL_ASSIGN(a.outcome, StoredName(s, 4, "attempt outcome", ParseAttemptOutcome));
  a.error = s.Text(5);
  return a;
}

// Binds through `bind` when `present`, else NULL.
template <typename Present, typename BindFn>
void BindIf(Statement& stmt, int index, const Present& present, BindFn bind) {
  if (present) {
    bind(index);
  } else {
    stmt.BindNull(index);
  }
}

std::string Id(std::int64_t id) { return std::to_string(id); }

// The unique key of an urging's subject, after checking the fields fit its kind.
Result<std::string> SubjectKey(const UrgingRecord& u) {
  const std::string what = "urging of " + std::string(UrgingSubjectKindName(u.subject));
  switch (u.subject) {
    case UrgingSubjectKind::kTask:
      if (!u.task || u.indicator || u.period) {
        return InvalidArgument(what + ": needs a task, and no indicator or period");
      }
      return "task:" + Id(u.task.value);
    case UrgingSubjectKind::kReport:
      if (!u.plan || !u.period || u.task || u.indicator) {
        return InvalidArgument(what + ": needs a plan and a period, and no task or indicator");
      }
      return "report:" + Id(u.plan.value) + ":" + Id(u.unit.value) + ":" + u.period->ToString();
    case UrgingSubjectKind::kIndicator:
      break;
  }
  if (!u.indicator || !u.period || u.task) {
    return InvalidArgument(what + ": needs an indicator and a period, and no task");
  }
  return "indicator:" + Id(u.indicator.value) + ":" + Id(u.unit.value) + ":" + u.period->ToString();
}

}  // namespace

// ---- reads ----

Result<std::optional<UrgingRules>> ReadPlanUrgingRules(Connection& connection, PlanId plan) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectRules));
  stmt.BindInt(1, plan.value);
  return First<UrgingRules>(stmt, [](const Statement& s) -> Result<UrgingRules> {
    UrgingRules r;
    r.reminder_days_before = static_cast<int>(s.Int(0));
    r.notice_days_after = static_cast<int>(s.Int(1));
    r.explanation_days_after = static_cast<int>(s.Int(2));
    r.inspection_days_after = static_cast<int>(s.Int(3));
    return r;
  });
}

Result<std::vector<UrgingRecord>> ReadUrgings(Connection& connection, const UrgingQuery& query) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectUrgings));
  BindIf(stmt, 1, query.plan, [&](int i) { stmt.BindInt(i, query.plan->value); });
  BindIf(stmt, 2, query.unit, [&](int i) { stmt.BindInt(i, query.unit->value); });
  BindIf(stmt, 3, query.rung, [&](int i) { stmt.BindText(i, UrgingRungName(*query.rung)); });
  BindIf(stmt, 4, query.subject,
         [&](int i) { stmt.BindText(i, UrgingSubjectKindName(*query.subject)); });
  BindIf(stmt, 5, query.task, [&](int i) { stmt.BindInt(i, query.task->value); });
  stmt.BindBool(6, query.open_only);
  return Collect<UrgingRecord>(stmt, UrgingRow);
}

Result<std::optional<UrgingRecord>> ReadUrgingById(Connection& connection, UrgingId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectUrgingById));
  stmt.BindInt(1, id.value);
  return First<UrgingRecord>(stmt, UrgingRow);
}

Result<std::vector<NotificationRecord>> ReadNotifications(Connection& connection,
                                                          const NotificationQuery& query) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectNotifications));
  stmt.BindInt(1, query.user.value);
  stmt.BindBool(2, query.unread_only);
  return Collect<NotificationRecord>(stmt, NotificationRow);
}

Result<std::optional<NotificationRecord>> ReadNotificationById(Connection& connection,
                                                               NotificationId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectNotificationById));
  stmt.BindInt(1, id.value);
  return First<NotificationRecord>(stmt, NotificationRow);
}

Result<std::vector<WebhookRecord>> ReadWebhooks(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectWebhooks));
  return Collect<WebhookRecord>(stmt, WebhookRow);
}

Result<std::optional<WebhookRecord>> ReadWebhookById(Connection& connection, WebhookId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectWebhookById));
  stmt.BindInt(1, id.value);
  return First<WebhookRecord>(stmt, WebhookRow);
}

Result<std::vector<OutboxRecord>> ReadOutbox(Connection& connection, const OutboxQuery& query) {
  std::optional<std::string> due_by;
  if (query.due_by) {
    PW_SQL_ASSIGN(due_by, StoredInstant(*query.due_by, "outbox query", "due_by"));
  }
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectOutbox));
  BindIf(stmt, 1, query.state, [&](int i) { stmt.BindText(i, DeliveryStateName(*query.state)); });
  BindIf(stmt, 2, due_by, [&](int i) { stmt.BindText(i, *due_by); });
  BindIf(stmt, 3, query.channel,
         [&](int i) { stmt.BindText(i, DeliveryChannelName(*query.channel)); });
  stmt.BindInt(4, query.limit > 0 ? query.limit : std::numeric_limits<std::int64_t>::max());
  return Collect<OutboxRecord>(stmt, OutboxRow);
}

Result<std::optional<OutboxRecord>> ReadOutboxById(Connection& connection, OutboxId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectOutboxById));
  stmt.BindInt(1, id.value);
  return First<OutboxRecord>(stmt, OutboxRow);
}

Result<std::vector<DeliveryAttempt>> ReadDeliveryAttempts(Connection& connection, OutboxId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectAttempts));
  stmt.BindInt(1, id.value);
  return Collect<DeliveryAttempt>(stmt, AttemptRow);
}

// ---- writes ----

Status WriteUrgingRules(WriteContext& context, PlanId plan, const UrgingRules& rules) {
  Connection& c = context.connection();
  if (auto valid = ValidateUrgingRules(rules); !valid) {
    Error error = std::move(valid).error();
    error.message = "plan " + Id(plan.value) + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  PW_SQL_ASSIGN(bool exists, HasRow(c, kLivePlanExists, plan.value));
  if (!exists) return InvalidArgument("plan " + Id(plan.value) + " does not exist");
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kUpsertRules));
  stmt.BindInt(1, plan.value);
  stmt.BindInt(2, rules.reminder_days_before);
  stmt.BindInt(3, rules.notice_days_after);
  stmt.BindInt(4, rules.explanation_days_after);
  stmt.BindInt(5, rules.inspection_days_after);
  stmt.BindText(6, stamp);
  return stmt.Run();
}

Result<UrgingId> WriteUrging(WriteContext& context, const UrgingRecord& u) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(std::string key, SubjectKey(u));
  const std::string subject = "urging " + key + " " + std::string(UrgingRungName(u.rung));
  if (u.task) {
    PW_SQL_ASSIGN(bool found, HasRow(c, "SELECT 1 FROM tasks WHERE id = ?1", u.task.value));
    if (!found) return InvalidArgument(subject + ": task " + Id(u.task.value) + " does not exist");
  }
  if (u.plan) {
    PW_SQL_ASSIGN(bool found, HasRow(c, "SELECT 1 FROM plans WHERE id = ?1", u.plan.value));
    if (!found) return InvalidArgument(subject + ": plan " + Id(u.plan.value) + " does not exist");
  }
  if (u.indicator) {
    PW_SQL_ASSIGN(bool found,
                  HasRow(c, "SELECT 1 FROM indicators WHERE id = ?1", u.indicator.value));
    if (!found) {
      return InvalidArgument(subject + ": indicator " + Id(u.indicator.value) + " does not exist");
    }
  }
  PW_SQL_ASSIGN(bool unit_found, HasRow(c, "SELECT 1 FROM org_units WHERE id = ?1", u.unit.value));
  if (!unit_found) {
    return InvalidArgument(subject + ": org unit " + Id(u.unit.value) + " does not exist");
  }
  {
    PW_SQL_ASSIGN(auto taken, c.Prepare(kUrgingKeyTaken));
    taken.BindText(1, key);
    taken.BindText(2, UrgingRungName(u.rung));
    PW_SQL_ASSIGN(bool found, taken.Step());
    if (found) return Conflict(subject + " was already raised (urging " + Id(taken.Int(0)) + ")");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertUrging));
  stmt.BindText(1, UrgingSubjectKindName(u.subject));
  stmt.BindText(2, key);
  stmt.BindId(3, u.task);
  stmt.BindId(4, u.indicator);
  BindIf(stmt, 5, u.period, [&](int i) { stmt.BindText(i, u.period->ToString()); });
  stmt.BindId(6, u.plan);
  stmt.BindInt(7, u.unit.value);
  stmt.BindText(8, UrgingRungName(u.rung));
  stmt.BindDate(9, u.due_on);
  stmt.BindDate(10, u.raised_on);
  stmt.BindText(11, u.message);
  stmt.BindText(12, stamp);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("urgings", "id"));
  return UrgingId{inserted};
}

Status WriteUrgingAnswer(WriteContext& context, UrgingId id, std::string_view text,
                         std::string_view answered_by) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(std::optional<UrgingRecord> urging, ReadUrgingById(c, id));
  const std::string subject = "urging " + Id(id.value);
  if (!urging) return NotFound(subject + " does not exist");
  if (urging->rung != UrgingRung::kExplanationRequest) {
    return Fail(ErrorCode::kFailedPrecondition, subject + " is a " +
                                                    std::string(UrgingRungName(urging->rung)) +
                                                    ": only an explanation request is answered");
  }
  if (!urging->answered_at.empty()) {
    return Conflict(subject + " was already answered at " + urging->answered_at);
  }
  if (text.empty()) return InvalidArgument(subject + ": the answer is empty");
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kAnswerUrging));
  stmt.BindText(1, text);
  stmt.BindText(2, answered_by);
  stmt.BindText(3, stamp);
  stmt.BindInt(4, id.value);
  return stmt.Run();
}

Result<NotificationId> WriteNotification(WriteContext& context, const NotificationRecord& n) {
  Connection& c = context.connection();
  const std::string subject = "notification for user " + Id(n.user.value);
  if (n.source.empty()) return InvalidArgument(subject + ": the source is empty");
  if (n.title.empty()) return InvalidArgument(subject + ": the title is empty");
  PW_SQL_ASSIGN(bool user_found, HasRow(c, "SELECT 1 FROM users WHERE id = ?1", n.user.value));
  if (!user_found) return InvalidArgument(subject + ": the user does not exist");
  if (n.urging) {
    PW_SQL_ASSIGN(bool found, HasRow(c, "SELECT 1 FROM urgings WHERE id = ?1", n.urging.value));
    if (!found) {
      return InvalidArgument(subject + ": urging " + Id(n.urging.value) + " does not exist");
    }
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertNotification));
  stmt.BindInt(1, n.user.value);
  stmt.BindId(2, n.urging);
  stmt.BindText(3, n.source);
  stmt.BindText(4, n.title);
  stmt.BindText(5, n.body);
  stmt.BindText(6, n.link);
  stmt.BindText(7, stamp);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("notifications", "id"));
  return NotificationId{inserted};
}

Status WriteNotificationRead(WriteContext& context, NotificationId id) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(bool found, HasRow(c, "SELECT 1 FROM notifications WHERE id = ?1", id.value));
  if (!found) return NotFound("notification " + Id(id.value) + " does not exist");
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kReadNotification));
  stmt.BindText(1, stamp);
  stmt.BindInt(2, id.value);
  return stmt.Run();
}

Result<int> WriteNotificationsReadOf(WriteContext& context, UserId user) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kReadAllNotifications));
  stmt.BindText(1, stamp);
  stmt.BindInt(2, user.value);
  PW_SQL_TRY(stmt.Run());
  return static_cast<int>(c.Changes());
}

Result<WebhookId> WriteWebhook(WriteContext& context, const WebhookRecord& w) {
  Connection& c = context.connection();
  const std::string subject = "webhook " + (w.id ? Id(w.id.value) : "'" + w.url + "'");
  if (w.url.empty()) return InvalidArgument(subject + ": the url is empty");
  if (w.secret.empty()) return InvalidArgument(subject + ": the secret is empty");
  for (std::size_t i = 0; i < w.events.size(); ++i) {
    if (w.events[i].empty() || w.events[i].find(',') != std::string::npos) {
      return InvalidArgument(subject + ": event '" + w.events[i] + "' is not an event name");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (w.events[j] == w.events[i]) {
        return InvalidArgument(subject + ": event '" + w.events[i] + "' is listed twice");
      }
    }
  }
  if (w.id) {
    PW_SQL_ASSIGN(bool live, HasRow(c, kLiveWebhookExists, w.id.value));
    if (!live) return NotFound("webhook " + Id(w.id.value) + " does not exist");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(w.id ? kUpdateWebhook : kInsertWebhook));
  stmt.BindText(1, w.url);
  stmt.BindText(2, w.secret);
  stmt.BindText(3, Join(w.events));
  stmt.BindBool(4, w.active);
  if (w.id) {
    stmt.BindInt(5, w.id.value);
  } else {
    stmt.BindText(5, w.created_by);
    stmt.BindText(6, stamp);
  }
  PW_SQL_TRY(stmt.Run());
  if (w.id) return w.id;
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("webhooks", "id"));
  return WebhookId{inserted};
}

Status DeleteWebhookRow(WriteContext& context, WebhookId id) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(bool live, HasRow(c, kLiveWebhookExists, id.value));
  if (!live) return NotFound("webhook " + Id(id.value) + " does not exist");
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kDeleteWebhook));
  stmt.BindText(1, stamp);
  stmt.BindInt(2, id.value);
  return stmt.Run();
}

Result<OutboxId> WriteOutbox(WriteContext& context, const OutboxRecord& m) {
  Connection& c = context.connection();
  const std::string subject = "outbox message '" + m.idempotency_key + "'";
  if (m.idempotency_key.empty()) return InvalidArgument("outbox message: the key is empty");
  if (m.destination.empty()) return InvalidArgument(subject + ": the destination is empty");
  std::optional<std::string> next;
  if (!m.next_attempt_at.empty()) {
    PW_SQL_ASSIGN(next, StoredInstant(m.next_attempt_at, subject, "next_attempt_at"));
  }
  if (m.channel == DeliveryChannel::kWebhook) {
    if (!m.webhook) return InvalidArgument(subject + ": a webhook message names no webhook");
    PW_SQL_ASSIGN(bool found, HasRow(c, "SELECT 1 FROM webhooks WHERE id = ?1", m.webhook.value));
    if (!found) {
      return InvalidArgument(subject + ": webhook " + Id(m.webhook.value) + " does not exist");
    }
  } else if (m.webhook) {
    return InvalidArgument(subject + ": an e-mail names a webhook");
  }
  if (m.urging) {
    PW_SQL_ASSIGN(bool found, HasRow(c, "SELECT 1 FROM urgings WHERE id = ?1", m.urging.value));
    if (!found) {
      return InvalidArgument(subject + ": urging " + Id(m.urging.value) + " does not exist");
    }
  }
  {
    PW_SQL_ASSIGN(auto taken, c.Prepare(kKeyTaken));
    taken.BindText(1, m.idempotency_key);
    PW_SQL_ASSIGN(bool found, taken.Step());
    if (found) return Conflict(subject + " is already queued (outbox " + Id(taken.Int(0)) + ")");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertOutbox));
  stmt.BindText(1, DeliveryChannelName(m.channel));
  stmt.BindText(2, m.destination);
  stmt.BindId(3, m.webhook);
  stmt.BindText(4, m.event);
  stmt.BindText(5, m.subject);
  stmt.BindText(6, m.payload);
  stmt.BindText(7, m.idempotency_key);
  stmt.BindText(8, next.value_or(stamp));
  stmt.BindText(9, stamp);
  stmt.BindId(10, m.urging);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("outbox", "id"));
  return OutboxId{inserted};
}

Result<int> WriteAttemptStart(WriteContext& context, OutboxId id, const std::string& started_at) {
  Connection& c = context.connection();
  const std::string subject = "outbox " + Id(id.value);
  PW_SQL_ASSIGN(std::string started, StoredInstant(started_at, subject, "started_at"));
  PW_SQL_ASSIGN(std::optional<OutboxRecord> row, ReadOutboxById(c, id));
  if (!row) return NotFound(subject + " does not exist");
  if (row->state != DeliveryState::kPending) {
    return Fail(ErrorCode::kFailedPrecondition, subject + " is " +
                                                    std::string(DeliveryStateName(row->state)) +
                                                    ", not pending: no attempt can start");
  }
  PW_SQL_TRY(context.Stamp());
  {
    PW_SQL_ASSIGN(auto stmt, c.Prepare(kStartRow));
    stmt.BindInt(1, id.value);
    PW_SQL_TRY(stmt.Run());
  }
  const int number = row->attempts + 1;
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertAttempt));
  stmt.BindInt(1, id.value);
  stmt.BindInt(2, number);
  stmt.BindText(3, started);
  PW_SQL_TRY(stmt.Run());
  return number;
}

Status WriteAttemptEnd(WriteContext& context, OutboxId id, const DeliveryAttemptEnd& end) {
  Connection& c = context.connection();
  const std::string subject = "outbox " + Id(id.value);
  if (end.outcome == AttemptOutcome::kOpen) {
    return InvalidArgument(subject + ": an attempt cannot end as open");
  }
  PW_SQL_ASSIGN(std::string finished, StoredInstant(end.finished_at, subject, "finished_at"));
  std::optional<std::string> next;
  const bool again =
      end.outcome == AttemptOutcome::kRetry || end.outcome == AttemptOutcome::kInterrupted;
  if (again) {
    PW_SQL_ASSIGN(next, StoredInstant(end.next_attempt_at, subject, "next_attempt_at"));
  }
  PW_SQL_ASSIGN(std::optional<OutboxRecord> row, ReadOutboxById(c, id));
  if (!row) return NotFound(subject + " does not exist");
  if (row->state != DeliveryState::kSending) {
    return Fail(ErrorCode::kFailedPrecondition, subject + " is " +
                                                    std::string(DeliveryStateName(row->state)) +
                                                    ", not sending: it has no open attempt");
  }
  PW_SQL_TRY(context.Stamp());
  {
    PW_SQL_ASSIGN(auto stmt, c.Prepare(kCloseAttempt));
    stmt.BindText(1, finished);
    stmt.BindText(2, AttemptOutcomeName(end.outcome));
    stmt.BindText(3, end.error);
    stmt.BindInt(4, id.value);
    PW_SQL_TRY(stmt.Run());
  }
  DeliveryState state = DeliveryState::kPending;
  if (end.outcome == AttemptOutcome::kDelivered) state = DeliveryState::kDelivered;
  if (end.outcome == AttemptOutcome::kFailed) state = DeliveryState::kFailed;
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kEndRow));
  stmt.BindText(1, DeliveryStateName(state));
  BindIf(stmt, 2, next, [&](int i) { stmt.BindText(i, *next); });
  BindIf(stmt, 3, state == DeliveryState::kDelivered, [&](int i) { stmt.BindText(i, finished); });
  stmt.BindText(4, state == DeliveryState::kDelivered ? row->last_error : end.error);
  stmt.BindInt(5, id.value);
  return stmt.Run();
}

}  // namespace planwatch::sql
