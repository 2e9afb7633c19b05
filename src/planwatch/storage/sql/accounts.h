// Users, sessions, API tokens, evidence files and task comments: their StoreReader reads
// and Transaction writes (store.h) as functions of a Connection or a WriteContext. Internal to
// storage.
//
// Reads: stored text that does not parse (a role name) is internal. Writes validate before they
// write and may leave partial rows on failure: the caller runs each one inside a savepoint.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/access.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/write.h"
#include "planwatch/storage/store.h"

namespace planwatch::sql {

Result<std::vector<UserRecord>> ReadUsers(Connection& connection);
Result<std::optional<UserRecord>> ReadUserById(Connection& connection, UserId id);
// The login is compared exactly (case-sensitive).
Result<std::optional<UserRecord>> ReadUserByLogin(Connection& connection, std::string_view login);
Result<std::optional<SessionRecord>> ReadSessionByHash(Connection& connection,
                                                       std::string_view id_hash);
// Login attempts (store.h): the StoreReader reads of the same names.
Result<LoginFailureCount> ReadLoginFailures(Connection& connection, std::string_view login,
                                            const std::string& since);
Result<LoginFailureCount> ReadAddressFailures(Connection& connection, std::string_view address_hash,
                                              const std::string& since);
Result<std::vector<LoginAttemptRecord>> ReadRecentLoginAttempts(Connection& connection,
                                                                std::string_view login, int limit);
// Revoked tokens too (revoked_at set): the caller decides.
Result<std::optional<ApiTokenRecord>> ReadApiTokenByHash(Connection& connection,
                                                         std::string_view token_hash);
// Every token of the user, revoked ones included, by id; empty for an unknown user.
Result<std::vector<ApiTokenRecord>> ReadApiTokens(Connection& connection, UserId user);
// By id; empty when the task has none or does not exist.
Result<std::vector<EvidenceFile>> ReadEvidenceFiles(Connection& connection, TaskId task);
// not_found naming the id when the file does not exist (both).
Result<EvidenceFile> ReadEvidence(Connection& connection, EvidenceId id);
Result<std::string> ReadEvidenceContent(Connection& connection, EvidenceId id);
// By id; empty when the task has none or does not exist.
Result<std::vector<TaskComment>> ReadTaskComments(Connection& connection, TaskId task);

// Inserts (id none; created_at = the stamp) or replaces the user (created_at kept).
// invalid_argument for an empty login or an org unit that does not exist (none is allowed);
// conflict naming the login when another user holds it; not_found when the id does not exist.
Result<UserId> WriteUser(WriteContext& context, const UserRecord& user);
// Inserts the session. created_at, expires_at and last_seen_at (unless empty) must be instants (see
// ParseTimestamp) and are stored in the stored form ("…T08:15:00.000Z"), so they compare as text.
// invalid_argument for an empty id_hash, a malformed instant or a user that does not exist;
// conflict when a session with that id_hash exists.
Status WriteSession(WriteContext& context, const SessionRecord& session);
// The Transaction writes of the same names (store.h), with the same errors.
Result<std::int64_t> WriteLoginAttempt(WriteContext& context, const LoginAttemptRecord& attempt);
Status DeleteLoginAttemptsBefore(WriteContext& context, const std::string& instant);
Status WriteSessionLastSeen(WriteContext& context, std::string_view id_hash,
                            const std::string& instant);
// Succeeds whether or not there was anything to delete.
Status DeleteSessionRow(WriteContext& context, std::string_view id_hash);
Status DeleteSessionsOfUser(WriteContext& context, UserId user);
Status DeleteExpiredSessionRows(WriteContext& context, const std::string& instant);
// Inserts (id none; created_at = the stamp, not revoked) or replaces the token's user, name and
// hash (created_at and revoked_at kept: only RevokeApiTokenRow revokes).
// invalid_argument for an empty token_hash or a user that does not exist; conflict when another
// token has the hash; not_found when the id does not exist.
Result<ApiTokenId> WriteApiToken(WriteContext& context, const ApiTokenRecord& token);
// revoked_at = the stamp; a token already revoked keeps its first revocation instant.
// not_found when the token does not exist.
Status RevokeApiTokenRow(WriteContext& context, ApiTokenId id);
// Inserts the file (uploaded_at = the stamp). invalid_argument when the task does not exist or
// meta.size is not the content's length in bytes.
Result<EvidenceId> WriteEvidence(WriteContext& context, const EvidenceFile& meta,
                                 std::string_view content);
// Inserts the comment (created_at = the stamp). invalid_argument when the task does not exist or
// the body is empty.
Result<CommentId> WriteTaskComment(WriteContext& context, const TaskComment& comment);

}  // namespace planwatch::sql
