#include "planwatch/storage/sql/accounts.h"

#include <cstdint>
#include <string>
#include <utility>

#include "planwatch/storage/sql/rows.h"
#include "planwatch/storage/sql/status_macros.h"
#include "planwatch/storage/sql/timestamp.h"

namespace planwatch::sql {
namespace {

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// ---- users ----

constexpr char kSelectUsers[] =
    "SELECT id, login, display_name, role, org_unit_id, password_hash, disabled, created_at, "
    "email "
    "FROM users ORDER BY id";
constexpr char kSelectUserById[] =
    "SELECT id, login, display_name, role, org_unit_id, password_hash, disabled, created_at, "
    "email "
    "FROM users WHERE id = ?1";
constexpr char kSelectUserByLogin[] =
    "SELECT id, login, display_name, role, org_unit_id, password_hash, disabled, created_at, "
    "email "
    "FROM users WHERE login = ?1";
constexpr char kUserExists[] = "SELECT 1 FROM users WHERE id = ?1";
constexpr char kLoginTaken[] = "SELECT id FROM users WHERE login = ?1 AND id <> ?2";
constexpr char kInsertUser[] =
    "INSERT INTO users (login, display_name, role, org_unit_id, password_hash, disabled, "
    "created_at, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr char kUpdateUser[] =
    "UPDATE users SET login = ?1, display_name = ?2, role = ?3, org_unit_id = ?4, "
    "password_hash = ?5, disabled = ?6, email = ?8 WHERE id = ?7";

Result<UserRecord> UserRow(const Statement& s) {
  UserRecord user;
  user.id = s.IdAt<UserId>(0);
  user.login = s.Text(1);
  user.display_name = s.Text(2);
  const std::string role = s.Text(3);
  auto parsed = ParseRole(role);
  if (!parsed) return Internal("stored role '" + role + "' is invalid: " + parsed.error().message);
  user.role = *parsed;
  user.unit = s.IdAt<OrgUnitId>(4);
  user.password_hash = s.Text(5);
  user.disabled = s.Int(6) != 0;
  user.created_at = s.Text(7);
  user.email = s.Text(8);
  return user;
}

// ---- sessions ----

constexpr char kSelectSession[] =
    "SELECT id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at FROM sessions "
    "WHERE id_hash = ?1";
constexpr char kSessionExists[] = "SELECT 1 FROM sessions WHERE id_hash = ?1";
constexpr char kInsertSession[] =
    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

Result<SessionRecord> SessionRow(const Statement& s) {
  SessionRecord session;
  session.id_hash = s.Text(0);
  session.user = s.IdAt<UserId>(1);
  session.csrf_token = s.Text(2);
  session.created_at = s.Text(3);
  session.expires_at = s.Text(4);
  session.last_seen_at = s.Text(5);  // NULL reads as ""
  return session;
}

// ---- login attempts ----

constexpr char kCountLoginFailures[] =
    "SELECT count(*), min(at) FROM login_attempts "
    "WHERE login = ?1 AND outcome = 'bad_credentials' AND at > ?2";
constexpr char kCountAddressFailures[] =
    "SELECT count(*), min(at) FROM login_attempts "
    "WHERE address_hash = ?1 AND outcome = 'bad_credentials' AND at > ?2";
constexpr char kSelectRecentAttempts[] =
    "SELECT id, at, login, address_hash, outcome FROM login_attempts "
    "WHERE login = ?1 AND outcome IN ('ok', 'bad_credentials') ORDER BY id DESC LIMIT ?2";
constexpr char kInsertAttempt[] =
    "INSERT INTO login_attempts (at, login, address_hash, outcome) VALUES (?1, ?2, ?3, ?4)";

Result<LoginOutcome> ParseOutcome(const std::string& text) {
  for (LoginOutcome o : {LoginOutcome::kOk, LoginOutcome::kBadCredentials,
                         LoginOutcome::kRefusedRate, LoginOutcome::kRefusedDelay}) {
    if (LoginOutcomeName(o) == text) return o;
  }
  return Internal("stored login outcome '" + text + "' is invalid");
}

Result<LoginAttemptRecord> AttemptRow(const Statement& s) {
  LoginAttemptRecord attempt;
  attempt.id = s.Int(0);
  attempt.at = s.Text(1);
  attempt.login = s.Text(2);
  attempt.address_hash = s.Text(3);
  auto outcome = ParseOutcome(s.Text(4));
  if (!outcome) return std::unexpected(outcome.error());
  attempt.outcome = *outcome;
  return attempt;
}

// ---- API tokens ----

constexpr char kSelectTokenByHash[] =
    "SELECT id, user_id, name, token_hash, created_at, revoked_at FROM api_tokens "
    "WHERE token_hash = ?1";
constexpr char kSelectTokensOfUser[] =
    "SELECT id, user_id, name, token_hash, created_at, revoked_at FROM api_tokens "
    "WHERE user_id = ?1 ORDER BY id";
constexpr char kTokenExists[] = "SELECT 1 FROM api_tokens WHERE id = ?1";
constexpr char kTokenHashTaken[] = "SELECT id FROM api_tokens WHERE token_hash = ?1 AND id <> ?2";
constexpr char kInsertToken[] =
    "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr char kUpdateToken[] =
    "UPDATE api_tokens SET user_id = ?1, name = ?2, token_hash = ?3 WHERE id = ?4";
constexpr char kRevokeToken[] =
    "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?1) WHERE id = ?2";

Result<ApiTokenRecord> TokenRow(const Statement& s) {
  ApiTokenRecord token;
  token.id = s.IdAt<ApiTokenId>(0);
  token.user = s.IdAt<UserId>(1);
  token.name = s.Text(2);
  token.token_hash = s.Text(3);
  token.created_at = s.Text(4);
  token.revoked_at = s.Text(5);  // NULL reads as ""
  return token;
}

// ---- evidence ----

constexpr char kSelectEvidenceOfTask[] =
    "SELECT id, task_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at "
    "FROM evidence_files WHERE task_id = ?1 ORDER BY id";
constexpr char kSelectEvidence[] =
    "SELECT id, task_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at "
    "FROM evidence_files WHERE id = ?1";
constexpr char kSelectEvidenceContent[] = "SELECT content FROM evidence_files WHERE id = ?1";
constexpr char kInsertEvidence[] =
    "INSERT INTO evidence_files (task_id, file_name, content_type, size, sha256, uploaded_by, "
    "uploaded_at, content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

constexpr char kSelectCommentsOfTask[] =
    "SELECT id, task_id, author, author_name, body, created_at FROM task_comments "
    "WHERE task_id = ?1 ORDER BY id";
constexpr char kInsertComment[] =
    "INSERT INTO task_comments (task_id, author, author_name, body, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

Result<TaskComment> CommentRow(const Statement& s) {
  TaskComment comment;
  comment.id = s.IdAt<CommentId>(0);
  comment.task = s.IdAt<TaskId>(1);
  comment.author = s.Text(2);
  comment.author_name = s.Text(3);
  comment.body = s.Text(4);
  comment.created_at = s.Text(5);
  return comment;
}

Result<EvidenceFile> EvidenceRow(const Statement& s) {
  EvidenceFile file;
  file.id = s.IdAt<EvidenceId>(0);
  file.task = s.IdAt<TaskId>(1);
  file.file_name = s.Text(2);
  file.content_type = s.Text(3);
  file.size = s.Int(4);
  file.sha256 = s.Text(5);
  file.uploaded_by = s.Text(6);
  file.uploaded_at = s.Text(7);
  return file;
}

std::string EvidenceMissing(EvidenceId id) {
  return "evidence file " + std::to_string(id.value) + " does not exist";
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

Result<LoginFailureCount> CountFailures(Connection& connection, const char* sql,
                                        std::string_view key, const std::string& since) {
  PW_SQL_ASSIGN(const std::string stored, StoredInstant(since, "login failures", "since"));
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  stmt.BindText(1, key);
  stmt.BindText(2, stored);
  PW_SQL_ASSIGN(bool row, stmt.Step());
  if (!row) return Internal("count of login failures returned no row");
  return LoginFailureCount{static_cast<int>(stmt.Int(0)), stmt.Text(1)};
}

}  // namespace

Result<LoginFailureCount> ReadLoginFailures(Connection& connection, std::string_view login,
                                            const std::string& since) {
  return CountFailures(connection, kCountLoginFailures, login, since);
}

Result<LoginFailureCount> ReadAddressFailures(Connection& connection, std::string_view address_hash,
                                              const std::string& since) {
  return CountFailures(connection, kCountAddressFailures, address_hash, since);
}

Result<std::vector<LoginAttemptRecord>> ReadRecentLoginAttempts(Connection& connection,
                                                                std::string_view login, int limit) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectRecentAttempts));
  stmt.BindText(1, login);
  stmt.BindInt(2, limit < 0 ? 0 : limit);
  return Collect<LoginAttemptRecord>(stmt, AttemptRow);
}

Result<std::int64_t> WriteLoginAttempt(WriteContext& context, const LoginAttemptRecord& attempt) {
  if (attempt.login.empty()) return InvalidArgument("login attempt: login is empty");
  const std::string subject = "login attempt of " + Quoted(attempt.login);
  PW_SQL_ASSIGN(const std::string at, StoredInstant(attempt.at, subject, "at"));
  if (LoginOutcomeName(attempt.outcome) == "unknown") {
    return InvalidArgument(subject + ": outcome " +
                           std::to_string(static_cast<int>(attempt.outcome)) + " is not known");
  }
  PW_SQL_TRY(context.Stamp());
  Connection& c = context.connection();
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertAttempt));
  stmt.BindText(1, at);
  stmt.BindText(2, attempt.login);
  stmt.BindText(3, attempt.address_hash);
  stmt.BindText(4, LoginOutcomeName(attempt.outcome));
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("login_attempts", "id"));
  return inserted;
}

Status DeleteLoginAttemptsBefore(WriteContext& context, const std::string& instant) {
  PW_SQL_ASSIGN(const std::string stored, StoredInstant(instant, "login attempts", "instant"));
  PW_SQL_TRY(context.Stamp());
  PW_SQL_ASSIGN(auto stmt,
                context.connection().Prepare("DELETE FROM login_attempts WHERE at < ?1"));
  stmt.BindText(1, stored);
  return stmt.Run();
}

Status WriteSessionLastSeen(WriteContext& context, std::string_view id_hash,
                            const std::string& instant) {
  PW_SQL_ASSIGN(const std::string stored, StoredInstant(instant, "session", "last_seen_at"));
  PW_SQL_TRY(context.Stamp());
  PW_SQL_ASSIGN(auto stmt, context.connection().Prepare(
                               "UPDATE sessions SET last_seen_at = ?1 WHERE id_hash = ?2"));
  stmt.BindText(1, stored);
  stmt.BindText(2, id_hash);
  return stmt.Run();
}

Result<std::vector<UserRecord>> ReadUsers(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectUsers));
  return Collect<UserRecord>(stmt, UserRow);
}

Result<std::optional<UserRecord>> ReadUserById(Connection& connection, UserId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectUserById));
  stmt.BindInt(1, id.value);
  return First<UserRecord>(stmt, UserRow);
}

Result<std::optional<UserRecord>> ReadUserByLogin(Connection& connection, std::string_view login) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectUserByLogin));
  stmt.BindText(1, login);
  return First<UserRecord>(stmt, UserRow);
}

Result<std::optional<SessionRecord>> ReadSessionByHash(Connection& connection,
                                                       std::string_view id_hash) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectSession));
  stmt.BindText(1, id_hash);
  return First<SessionRecord>(stmt, SessionRow);
}

Result<std::optional<ApiTokenRecord>> ReadApiTokenByHash(Connection& connection,
                                                         std::string_view token_hash) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectTokenByHash));
  stmt.BindText(1, token_hash);
  return First<ApiTokenRecord>(stmt, TokenRow);
}

Result<std::vector<ApiTokenRecord>> ReadApiTokens(Connection& connection, UserId user) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectTokensOfUser));
  stmt.BindInt(1, user.value);
  return Collect<ApiTokenRecord>(stmt, TokenRow);
}

Result<std::vector<EvidenceFile>> ReadEvidenceFiles(Connection& connection, TaskId task) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectEvidenceOfTask));
  stmt.BindInt(1, task.value);
  return Collect<EvidenceFile>(stmt, EvidenceRow);
}

Result<EvidenceFile> ReadEvidence(Connection& connection, EvidenceId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectEvidence));
  stmt.BindInt(1, id.value);
  PW_SQL_ASSIGN(std::optional<EvidenceFile> file, First<EvidenceFile>(stmt, EvidenceRow));
  if (!file) return NotFound(EvidenceMissing(id));
  return std::move(*file);
}

Result<std::string> ReadEvidenceContent(Connection& connection, EvidenceId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectEvidenceContent));
  stmt.BindInt(1, id.value);
  PW_SQL_ASSIGN(bool found, stmt.Step());
  if (!found) return NotFound(EvidenceMissing(id));
  return stmt.Blob(0);
}

Result<std::vector<TaskComment>> ReadTaskComments(Connection& connection, TaskId task) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectCommentsOfTask));
  stmt.BindInt(1, task.value);
  return Collect<TaskComment>(stmt, CommentRow);
}

Result<UserId> WriteUser(WriteContext& context, const UserRecord& user) {
  Connection& c = context.connection();
  const std::string subject = "user " + Quoted(user.login);
  if (user.login.empty()) return InvalidArgument("user login is empty");
  if (user.id) {
    PW_SQL_ASSIGN(bool exists, HasRow(c, kUserExists, user.id.value));
    if (!exists) return NotFound("user " + std::to_string(user.id.value) + " does not exist");
  }
  if (user.unit) {
    PW_SQL_ASSIGN(bool unit_exists,
                  HasRow(c, "SELECT 1 FROM org_units WHERE id = ?1", user.unit.value));
    if (!unit_exists) {
      return InvalidArgument(subject + ": org unit " + std::to_string(user.unit.value) +
                             " does not exist");
    }
  }
  {
    PW_SQL_ASSIGN(auto taken, c.Prepare(kLoginTaken));
    taken.BindText(1, user.login);
    taken.BindInt(2, user.id.value);
    PW_SQL_ASSIGN(bool found, taken.Step());
    if (found) {
      return Conflict("login " + Quoted(user.login) + " is already taken (by user " +
                      std::to_string(taken.Int(0)) + ")");
    }
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(user.id ? kUpdateUser : kInsertUser));
  stmt.BindText(1, user.login);
  stmt.BindText(2, user.display_name);
  stmt.BindText(3, RoleName(user.role));
  stmt.BindId(4, user.unit);
  stmt.BindText(5, user.password_hash);
  stmt.BindBool(6, user.disabled);
  if (user.id) {
    stmt.BindInt(7, user.id.value);
  } else {
    stmt.BindText(7, stamp);
  }
  stmt.BindText(8, user.email);
  PW_SQL_TRY(stmt.Run());
  if (user.id) return user.id;
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("users", "id"));
  return UserId{inserted};
}

Status WriteSession(WriteContext& context, const SessionRecord& session) {
  Connection& c = context.connection();
  const std::string subject = "session of user " + std::to_string(session.user.value);
  if (session.id_hash.empty()) return InvalidArgument(subject + ": id_hash is empty");
  PW_SQL_ASSIGN(std::string created_at, StoredInstant(session.created_at, subject, "created_at"));
  PW_SQL_ASSIGN(std::string expires_at, StoredInstant(session.expires_at, subject, "expires_at"));
  std::string last_seen_at;
  if (!session.last_seen_at.empty()) {
    PW_SQL_ASSIGN(last_seen_at, StoredInstant(session.last_seen_at, subject, "last_seen_at"));
  }
  PW_SQL_ASSIGN(bool user_exists, HasRow(c, kUserExists, session.user.value));
  if (!user_exists) {
    return InvalidArgument(subject + ": user " + std::to_string(session.user.value) +
                           " does not exist");
  }
  {
    PW_SQL_ASSIGN(auto exists, c.Prepare(kSessionExists));
    exists.BindText(1, session.id_hash);
    PW_SQL_ASSIGN(bool found, exists.Step());
    // The hash is not echoed: it identifies a live session.
    if (found) return Conflict(subject + ": a session with that id hash already exists");
  }
  PW_SQL_TRY(context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertSession));
  stmt.BindText(1, session.id_hash);
  stmt.BindInt(2, session.user.value);
  stmt.BindText(3, session.csrf_token);
  stmt.BindText(4, created_at);
  stmt.BindText(5, expires_at);
  if (last_seen_at.empty()) {
    stmt.BindNull(6);
  } else {
    stmt.BindText(6, last_seen_at);
  }
  return stmt.Run();
}

Status DeleteSessionRow(WriteContext& context, std::string_view id_hash) {
  PW_SQL_TRY(context.Stamp());
  PW_SQL_ASSIGN(auto stmt, context.connection().Prepare("DELETE FROM sessions "
                                                        "WHERE id_hash = ?1"));
  stmt.BindText(1, id_hash);
  return stmt.Run();
}

Status DeleteSessionsOfUser(WriteContext& context, UserId user) {
  PW_SQL_TRY(context.Stamp());
  PW_SQL_ASSIGN(auto stmt, context.connection().Prepare("DELETE FROM sessions "
                                                        "WHERE user_id = ?1"));
  stmt.BindInt(1, user.value);
  return stmt.Run();
}

Status DeleteExpiredSessionRows(WriteContext& context, const std::string& instant) {
  PW_SQL_ASSIGN(const std::string stored, StoredInstant(instant, "expired sessions", "instant"));
  PW_SQL_TRY(context.Stamp());
  PW_SQL_ASSIGN(auto stmt, context.connection().Prepare("DELETE FROM sessions "
                                                        "WHERE expires_at <= ?1"));
  stmt.BindText(1, stored);
  return stmt.Run();
}

Result<ApiTokenId> WriteApiToken(WriteContext& context, const ApiTokenRecord& token) {
  Connection& c = context.connection();
  const std::string subject = "API token " + Quoted(token.name);
  if (token.token_hash.empty()) return InvalidArgument(subject + ": token_hash is empty");
  if (token.id) {
    PW_SQL_ASSIGN(bool exists, HasRow(c, kTokenExists, token.id.value));
    if (!exists) {
      return NotFound("API token " + std::to_string(token.id.value) + " does not exist");
    }
  }
  PW_SQL_ASSIGN(bool user_exists, HasRow(c, kUserExists, token.user.value));
  if (!user_exists) {
    return InvalidArgument(subject + ": user " + std::to_string(token.user.value) +
                           " does not exist");
  }
  {
    PW_SQL_ASSIGN(auto taken, c.Prepare(kTokenHashTaken));
    taken.BindText(1, token.token_hash);
    taken.BindInt(2, token.id.value);
    PW_SQL_ASSIGN(bool found, taken.Step());
    if (found) {
      return Conflict(subject + ": the token hash is already taken (by token " +
                      std::to_string(taken.Int(0)) + ")");
    }
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(token.id ? kUpdateToken : kInsertToken));
  stmt.BindInt(1, token.user.value);
  stmt.BindText(2, token.name);
  stmt.BindText(3, token.token_hash);
  if (token.id) {
    stmt.BindInt(4, token.id.value);
  } else {
    stmt.BindText(4, stamp);
  }
  PW_SQL_TRY(stmt.Run());
  if (token.id) return token.id;
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("api_tokens", "id"));
  return ApiTokenId{inserted};
}

Status RevokeApiTokenRow(WriteContext& context, ApiTokenId id) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kRevokeToken));
  stmt.BindText(1, stamp);
  stmt.BindInt(2, id.value);
  PW_SQL_TRY(stmt.Run());
  if (c.Changes() == 0) {
    return NotFound("API token " + std::to_string(id.value) + " does not exist");
  }
  return {};
}

Result<EvidenceId> WriteEvidence(WriteContext& context, const EvidenceFile& meta,
                                 std::string_view content) {
  Connection& c = context.connection();
  const std::string subject = "evidence file " + Quoted(meta.file_name);
  PW_SQL_ASSIGN(bool task_exists, HasRow(c, "SELECT 1 FROM tasks WHERE id = ?1", meta.task.value));
  if (!task_exists) {
    return InvalidArgument(subject + ": task " + std::to_string(meta.task.value) +
                           " does not exist");
  }
  if (meta.size != static_cast<std::int64_t>(content.size())) {
    return InvalidArgument(subject + ": size " + std::to_string(meta.size) +
                           " is not the content's " + std::to_string(content.size()) + " bytes");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertEvidence));
  stmt.BindInt(1, meta.task.value);
  stmt.BindText(2, meta.file_name);
  stmt.BindText(3, meta.content_type);
  stmt.BindInt(4, meta.size);
  stmt.BindText(5, meta.sha256);
  stmt.BindText(6, meta.uploaded_by);
  stmt.BindText(7, stamp);
  stmt.BindBlob(8, content);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("evidence_files", "id"));
  return EvidenceId{inserted};
}

Result<CommentId> WriteTaskComment(WriteContext& context, const TaskComment& comment) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(bool task_exists,
                HasRow(c, "SELECT 1 FROM tasks WHERE id = ?1", comment.task.value));
  if (!task_exists) {
    return InvalidArgument("comment: task " + std::to_string(comment.task.value) +
                           " does not exist");
  }
  if (comment.body.empty()) return InvalidArgument("comment: the body is empty");
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertComment));
  stmt.BindInt(1, comment.task.value);
  stmt.BindText(2, comment.author);
  stmt.BindText(3, comment.author_name);
  stmt.BindText(4, comment.body);
  stmt.BindText(5, stamp);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("task_comments", "id"));
  return CommentId{inserted};
}

}  // namespace planwatch::sql

namespace planwatch {

std::string_view LoginOutcomeName(LoginOutcome outcome) {
  switch (outcome) {
    case LoginOutcome::kOk:
      return "ok";
    case LoginOutcome::kBadCredentials:
      return "bad_credentials";
    case LoginOutcome::kRefusedRate:
      return "refused_rate";
    case LoginOutcome::kRefusedDelay:
      return "refused_delay";
  }
  return "unknown";
}

}  // namespace planwatch
