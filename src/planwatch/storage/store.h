// The storage interface. Everything above storage/ sees only this header: no SQL, no engine
// types. Engines: SQLite (sqlite/, the embedded default) and PostgreSQL (postgres/, for several
// nodes on one database), both the shared store of sql/.
//
// Ids are assigned by the store. Writes happen inside a Transaction, one per use case: it sees
// its own writes, and Commit() makes all of them durable and visible at once. A Transaction
// destroyed without Commit() rolls back, so an interrupted use case leaves no trace.
//
// History: every change to a task, an org unit, a target or a data value is kept (old versions
// are never overwritten), so any past state can be reconstructed: each version carries the
// instant it became current (the stamp of the transaction that wrote it) and, once replaced, the
// instant it stopped being current. Instants are ISO 8601 UTC with milliseconds
// ("2025-06-20T08:15:00.123Z"): one per transaction, shared by all its writes, strictly
// increasing in commit order, so they sort as text in time order and an instant equal to a stamp
// shows that transaction's writes.
//
// Thread-safety: a Store may be shared by threads; each Transaction belongs to one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
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
#include "planwatch/domain/org_unit.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"
#include "planwatch/storage/audit.h"
#include "planwatch/storage/feedback.h"
#include "planwatch/storage/publications.h"
#include "planwatch/storage/reports.h"
#include "planwatch/storage/reviews.h"
#include "planwatch/storage/signing.h"
#include "planwatch/storage/urging.h"

namespace planwatch {

struct StoreOptions {
  // SQLite: a file path. The file is created (and migrated) if missing.
  // PostgreSQL: a postgresql:// (or postgres://) connection URI of an existing database, which
  // is migrated. Never echoed in messages: it may carry a password.
  std::string location;
  // false: not_found if the database does not exist yet.
  bool create_if_missing = true;
};

// Whether `location` names a PostgreSQL database (postgresql:// or postgres://) rather than a
// SQLite file.
bool IsPostgresLocation(std::string_view location);
// `location` as it may be shown (a log line, a message): a PostgreSQL URI without its password.
std::string DisplayLocation(std::string_view location);

struct DataValueQuery {
  std::optional<IndicatorId> indicator;  // none: every indicator
  std::optional<OrgUnitId> unit;         // none: every unit
  // Only the state as it was at this instant (ISO 8601 UTC, compared as stored_at); none: now.
  std::optional<std::string> as_of;
};

// One current value as the analytics index loads it: no comment, state or stamps.
struct ValueCell {
  IndicatorId indicator;
  OrgUnitId unit;
  Period period = Period::Year(1970);
  double value = 0;
};

// One stored version of a value, as ScanValueVersions hands them over.
struct ValueVersionCell {
  std::int64_t sequence = 0;  // the order stored: a later version has a larger sequence
  ValueCell cell;
  bool erased = false;  // DeleteDataValue's tombstone: cell.value is meaningless
};

// What the commits numbered (after, upto] of the commit serial changed, as the commit log kept
// it: enough for an index that stands at `after` to read again only that.
inline constexpr std::int64_t kCommitLogKept = 100'000;
struct CommitLogSummary {
  // False when the log lacks one of those commits (pruned, or made before the log existed):
  // read everything again.
  bool complete = false;
  bool catalog = false;       // some commit changed the catalog
  std::vector<PlanId> plans;  // the plans whose tasks or ledger some commit changed, ascending
};

// What one committed transaction changed that the analytics index keeps in memory, in the order
// the writes were made (only writes that succeeded). Store::SetCommitObserver hands it over.
struct CommittedChanges {
  struct Value {
    ValueCell cell;
    bool erased = false;  // DeleteDataValue: cell.value is meaningless
  };
  std::vector<Value> values;
  std::vector<Task> tasks;        // PutTask, with the id assigned
  std::vector<TaskEvent> events;  // AppendTaskEvent, after the tasks above
  // Org units, successions, indicators, targets, plans or task groups changed (read them again).
  bool catalog = false;
  // CommitSerial() after this commit.
  std::int64_t serial = 0;

  bool empty() const { return values.empty() && tasks.empty() && events.empty() && !catalog; }
};

using ApiTokenId = Id<struct ApiTokenTag>;
using EvidenceId = Id<struct EvidenceTag>;
using CommentId = Id<struct CommentTag>;

// A person or a machine account that signs in. `password_hash` is an Argon2id string
// (libsodium's crypto_pwhash_str format), computed above storage.
struct UserRecord {
  UserId id;
  std::string login;  // unique
  std::string display_name;
  Role role = Role::kViewer;
  OrgUnitId unit;  // the root of the role's scope
  std::string password_hash;
  bool disabled = false;
  std::string created_at;  // set by the store
  std::string email;       // where urging e-mails go; empty: none

  friend bool operator==(const UserRecord&, const UserRecord&) = default;
};

// A signed-in browser session. Only a hash of the session id is stored, so a copy of the database
// does not hand out live sessions.
struct SessionRecord {
  std::string id_hash;  // unique
  UserId user;
  std::string csrf_token;
  std::string created_at;  // ISO 8601 UTC instant (set by the caller)
  std::string expires_at;  // ISO 8601 UTC instant: the session ends then at the latest
  // ISO 8601 UTC instant of the last use that was recorded (TouchSession); empty: never touched
  // since created_at. Written at most about once a minute, so it lags real use by that much.
  std::string last_seen_at;

  friend bool operator==(const SessionRecord&, const SessionRecord&) = default;
};

// What became of one sign-in attempt. Only kOk and kBadCredentials were evaluated (the password
// was checked); the refusals were turned away before that.
enum class LoginOutcome { kOk, kBadCredentials, kRefusedRate, kRefusedDelay };
// "ok", "bad_credentials", "refused_rate", "refused_delay"; "unknown" for other values.
std::string_view LoginOutcomeName(LoginOutcome outcome);

// One sign-in attempt, kept for a day after the next success of anyone (rate limits, audit).
struct LoginAttemptRecord {
  std::int64_t id = 0;       // set by the store
  std::string at;            // ISO 8601 UTC instant, set by the caller
  std::string login;         // as typed, whether or not a user has it
  std::string address_hash;  // keyed hash of the client address; empty for local attempts
  LoginOutcome outcome = LoginOutcome::kBadCredentials;

  friend bool operator==(const LoginAttemptRecord&, const LoginAttemptRecord&) = default;
};

// Evaluated failures (kBadCredentials) of one login or one address since an instant.
struct LoginFailureCount {
  int count = 0;
  std::string oldest_at;  // the earliest of them; empty when count is 0
};

// A machine credential, used as `Authorization: Bearer <token>`; only its hash is stored.
struct ApiTokenRecord {
  ApiTokenId id;
  UserId user;
  std::string name;
  std::string token_hash;  // unique
  std::string created_at;  // set by the store
  std::string revoked_at;  // empty while valid

  friend bool operator==(const ApiTokenRecord&, const ApiTokenRecord&) = default;
};

// A file attached to a task as evidence of its output. The content is kept in the database.
struct EvidenceFile {
  EvidenceId id;
  TaskId task;
  std::string file_name;
  std::string content_type;  // as checked against the content
  std::int64_t size = 0;     // bytes
  std::string sha256;        // lower-case hex of the content
  std::string uploaded_by;
  std::string uploaded_at;  // set by the store

  friend bool operator==(const EvidenceFile&, const EvidenceFile&) = default;
};

// A comment on a task by a signed-in user (steering members ask, units answer). Append-only.
struct TaskComment {
  CommentId id;
  TaskId task;
  std::string author;       // login
  std::string author_name;  // the author's display name when writing
  std::string body;
  std::string created_at;  // set by the store

  friend bool operator==(const TaskComment&, const TaskComment&) = default;
};

// One stored version of a record and the instants (ISO 8601 UTC with milliseconds, as stored_at)
// between which it was the current one: [recorded_at, superseded_at); superseded_at is empty for
// the current version. A version replaced by the same transaction that wrote it has
// recorded_at == superseded_at: it was never current at any instant.
template <typename T>
struct Version {
  T value;
  std::string recorded_at;
  std::string superseded_at;

  friend bool operator==(const Version&, const Version&) = default;
};

// Reads. All lists are ordered by id (data values by indicator, unit, period).
class StoreReader {
 public:
  virtual ~StoreReader() = default;

  virtual Result<std::vector<OrgUnit>> OrgUnits() = 0;
  virtual Result<std::vector<Succession>> Successions() = 0;
  virtual Result<std::vector<Directive>> Directives() = 0;
  virtual Result<std::vector<Plan>> Plans() = 0;
  virtual Result<std::vector<TaskGroup>> TaskGroups(PlanId plan) = 0;
  virtual Result<std::vector<Task>> Tasks(PlanId plan) = 0;
  // Every event of every task of the plan, in the order they were appended.
  virtual Result<std::vector<TaskEvent>> TaskEvents(PlanId plan) = 0;
  virtual Result<std::vector<Indicator>> Indicators() = 0;
  virtual Result<std::vector<Target>> Targets() = 0;
  // The current value of each (indicator, unit, period), or the value it had at `as_of`.
  virtual Result<std::vector<DataValue>> DataValues(const DataValueQuery& query) = 0;
  // How many commits, by any process, changed what CommittedChanges keeps: an index that
  // followed every commit of this Store stands at this number unless another process wrote.
  virtual Result<std::int64_t> CommitSerial() = 0;
  // What the commits after serial `after` up to `upto` changed (the log keeps the last
  // kCommitLogKept commits).
  virtual Result<CommitLogSummary> CommitLog(std::int64_t after, std::int64_t upto) = 0;
  // Calls `visit` once for the current value of every (indicator, unit, period), in no
  // particular order, from one snapshot, without building DataValue records (the analytics
  // index loads tens of millions of them at start).
  virtual Status ScanDataValues(const std::function<void(const ValueCell&)>& visit) = 0;
  // Every version of any value stored after sequence `after` (0: all), in the order stored,
  // from one snapshot: replayed in order over the values as they were at `after`, they give the
  // current values (how another node's commits reach an analytics index).
  virtual Status ScanValueVersions(std::int64_t after,
                                   const std::function<void(const ValueVersionCell&)>& visit) = 0;
  // The sequence of the last version stored (0: none yet).
  virtual Result<std::int64_t> LastValueSequence() = 0;
  // Every version ever stored of one value, oldest first.
  virtual Result<std::vector<DataValue>> DataValueHistory(IndicatorId indicator, OrgUnitId unit,
                                                          const Period& period) = 0;
  // Every version of the task, oldest first, the current one last; each one's superseded_at is
  // the next one's recorded_at. not_found when the task does not exist.
  virtual Result<std::vector<Version<Task>>> TaskHistory(TaskId task) = 0;
  // Every version of the unit, oldest first, the current one last (same rules).
  // not_found when the unit does not exist.
  virtual Result<std::vector<Version<OrgUnit>>> OrgUnitHistory(OrgUnitId unit) = 0;
  // The plan's tasks as they were at `as_of` (ISO 8601 UTC, same format and rules as
  // DataValueQuery::as_of): each task's version current at that instant (recorded_at <= as_of <
  // superseded_at), if that version belonged to the plan; tasks created after it are absent.
  // invalid_argument (naming it) for a malformed instant; not_found when the plan does not exist.
  virtual Result<std::vector<Task>> TasksAsOf(PlanId plan, const std::string& as_of) = 0;
  // Every org unit as it was at `as_of` (same rules); units created after it are absent.
  // invalid_argument (naming it) for a malformed instant.
  virtual Result<std::vector<OrgUnit>> OrgUnitsAsOf(const std::string& as_of) = 0;
  // Every value the target (indicator, unit, date) has had, oldest first, the current one last;
  // empty when it never existed. `unit` none is the general target (for every unit), a history of
  // its own. Same rules as TaskHistory: each one's superseded_at is the next one's recorded_at.
  virtual Result<std::vector<Version<Target>>> TargetHistory(IndicatorId indicator, OrgUnitId unit,
                                                             Date date) = 0;
  // Every target as it was at `as_of` (ISO 8601 UTC as DataValueQuery::as_of): each one's value
  // current at that instant (recorded_at <= as_of < superseded_at), in Targets() order; targets
  // created after it are absent. invalid_argument (naming it) when malformed.
  virtual Result<std::vector<Target>> TargetsAsOf(const std::string& as_of) = 0;

  // Accounts. Users() by id; the lookups return none when nothing matches.
  virtual Result<std::vector<UserRecord>> Users() = 0;
  virtual Result<std::optional<UserRecord>> UserById(UserId id) = 0;
  virtual Result<std::optional<UserRecord>> UserByLogin(std::string_view login) = 0;
  virtual Result<std::optional<SessionRecord>> SessionByHash(std::string_view id_hash) = 0;
  virtual Result<std::optional<ApiTokenRecord>> ApiTokenByHash(std::string_view token_hash) = 0;
  virtual Result<std::vector<ApiTokenRecord>> ApiTokens(UserId user) = 0;
  // Evaluated failures (kBadCredentials) strictly after `since` (an instant) of attempts with
  // this login, or with this address hash. invalid_argument (naming it) for a malformed instant.
  virtual Result<LoginFailureCount> CountLoginFailures(std::string_view login,
                                                       const std::string& since) = 0;
  virtual Result<LoginFailureCount> CountAddressFailures(std::string_view address_hash,
                                                         const std::string& since) = 0;
  // The newest `limit` evaluated attempts (kOk, kBadCredentials) with this login, newest first:
  // how many failures follow the last success, and when the last one was.
  virtual Result<std::vector<LoginAttemptRecord>> RecentLoginAttempts(std::string_view login,
                                                                      int limit) = 0;

  // Evidence files of a task, by id (metadata only), one file's metadata, and its content.
  // not_found when the file does not exist.
  virtual Result<std::vector<EvidenceFile>> EvidenceFiles(TaskId task) = 0;
  virtual Result<EvidenceFile> Evidence(EvidenceId id) = 0;
  virtual Result<std::string> EvidenceContent(EvidenceId id) = 0;

  // Comments on a task, oldest first; empty when it has none or does not exist.
  virtual Result<std::vector<TaskComment>> TaskComments(TaskId task) = 0;

  // --- Signing keys (records in storage/signing.h) ---
  // Every key of the user, retired ones included, by id; empty for an unknown user.
  virtual Result<std::vector<SigningKeyRecord>> SigningKeys(UserId user) = 0;
  // One key, current or retired. not_found (naming the id) when it does not exist.
  virtual Result<SigningKeyRecord> SigningKey(SigningKeyId id) = 0;

  // --- Reports (records in storage/reports.h) ---
  // The plan's own report schedule, coarsest period type first; empty when the plan has none
  // (the default applies: DefaultReportSchedule) or does not exist.
  virtual Result<std::vector<ReportScheduleItem>> ReportSchedule(PlanId plan) = 0;
  // Every report (each revision a row) matching the query, by id.
  virtual Result<std::vector<ReportRecord>> FindReports(const ReportQuery& query) = 0;
  // One report. not_found (naming the id) when it does not exist.
  virtual Result<ReportRecord> ReportById(ReportId id) = 0;
  // The report's events in append order; empty when it has none or does not exist.
  virtual Result<std::vector<ReportEvent>> ReportEvents(ReportId report) = 0;

  // --- Urging, notifications and the outbox (records in storage/urging.h) ---
  // The plan's ladder; none when the plan keeps the defaults (or does not exist).
  virtual Result<std::optional<UrgingRules>> PlanUrgingRules(PlanId plan) = 0;
  // Urgings matching every filter set, by id.
  virtual Result<std::vector<UrgingRecord>> Urgings(const UrgingQuery& query) = 0;
  // none when it does not exist.
  virtual Result<std::optional<UrgingRecord>> UrgingById(UrgingId id) = 0;
  // The user's notifications, by id.
  virtual Result<std::vector<NotificationRecord>> Notifications(const NotificationQuery& query) = 0;
  virtual Result<std::optional<NotificationRecord>> NotificationById(NotificationId id) = 0;
  // Live webhooks (not deleted), by id; WebhookById finds deleted ones too.
  virtual Result<std::vector<WebhookRecord>> Webhooks() = 0;
  virtual Result<std::optional<WebhookRecord>> WebhookById(WebhookId id) = 0;
  // Outbox rows matching every filter set, by id (up to query.limit when positive).
  // invalid_argument (naming it) for a malformed due_by instant.
  virtual Result<std::vector<OutboxRecord>> Outbox(const OutboxQuery& query) = 0;
  virtual Result<std::optional<OutboxRecord>> OutboxById(OutboxId id) = 0;
  // The row's attempts by number; empty for an unknown row.
  virtual Result<std::vector<DeliveryAttempt>> DeliveryAttempts(OutboxId id) = 0;

  // --- Reviews (records in storage/reviews.h) ---
  // The plan's reviews by id, frozen figures included (every plan's when `plan` is none).
  virtual Result<std::vector<ReviewRecord>> Reviews(PlanId plan) = 0;
  // not_found naming the id when the review does not exist.
  virtual Result<ReviewRecord> ReviewById(ReviewId id) = 0;
  // The plan's scorecard weights; none when they were never set (the defaults apply).
  virtual Result<std::optional<ScorecardWeightsRecord>> ScorecardWeightsOf(PlanId plan) = 0;

  // --- Feedback (records in storage/feedback.h) ---
  // The feedback matching every filter that is set, by id.
  virtual Result<std::vector<FeedbackRecord>> FindFeedback(const FeedbackQuery& query) = 0;
  // none when no feedback has the id.
  virtual Result<std::optional<FeedbackRecord>> FeedbackById(FeedbackId id) = 0;
  // The feedback's events in the order they were appended (its submission first); empty when it
  // does not exist.
  virtual Result<std::vector<FeedbackEvent>> FeedbackEvents(FeedbackId id) = 0;
  // The database's secret key (32 bytes) for keyed hashes of client addresses: created with the
  // feedback schema, never changed, so hashes compare across restarts.
  virtual Result<std::string> FeedbackAddressKey() = 0;

  // --- Publications (records in storage/publications.h) ---
  // Every version of `dataset`, oldest first; empty when it was never published. With an empty
  // name: every version of every dataset, by id.
  virtual Result<std::vector<PublicationRecord>> Publications(std::string_view dataset) = 0;
  // The latest version of every dataset ever published (withdrawn ones included), by name.
  virtual Result<std::vector<PublicationRecord>> LatestPublications() = 0;
  // One version. not_found naming the dataset and the version when it does not exist.
  virtual Result<PublicationRecord> PublicationVersion(std::string_view dataset, int version) = 0;
  virtual Result<PublicationCounts> CountPublications() = 0;

  // --- The audit log (records and chain rules in storage/audit.h) ---
  // Events matching the query, newest first. invalid_argument for a limit outside 1..1000.
  virtual Result<std::vector<AuditEvent>> AuditEvents(const AuditQuery& query) = 0;
  // Calls `visit` for every event with seq >= from_seq in seq order (storage order: what the
  // table holds, gaps and all, so that a verifier sees tampering), from one snapshot, until it
  // returns false.
  virtual Status ScanAuditEvents(std::int64_t from_seq,
                                 const std::function<bool(const AuditEvent&)>& visit) = 0;
  // Every stored checkpoint, by seq.
  virtual Result<std::vector<AuditCheckpoint>> AuditCheckpoints() = 0;
};

class Transaction : public StoreReader {
 public:
  // Put*: inserts when the id is none and returns the new id; otherwise replaces the row with
  // that id, keeping the previous version in history. conflict when a unique code is taken by
  // another row; not_found when the id does not exist; invalid_argument when a reference
  // (parent, plan, unit, indicator) does not exist.
  virtual Result<OrgUnitId> PutOrgUnit(const OrgUnit& unit) = 0;
  virtual Status PutSuccession(const Succession& succession) = 0;
  virtual Result<DirectiveId> PutDirective(const Directive& directive) = 0;
  virtual Result<PlanId> PutPlan(const Plan& plan) = 0;
  virtual Result<TaskGroupId> PutTaskGroup(const TaskGroup& group) = 0;
  virtual Result<TaskId> PutTask(const Task& task) = 0;
  virtual Status AppendTaskEvent(const TaskEvent& event) = 0;
  virtual Result<IndicatorId> PutIndicator(const Indicator& indicator) = 0;
  // Sets the value of the target with the same (indicator, unit, date); the previous value is
  // kept in history (TargetHistory). Putting the value the target already has is a no-op: no new
  // version, and the current one keeps its recorded_at.
  virtual Status PutTarget(const Target& target) = 0;
  // Sets the current value of (indicator, unit, period); the previous one stays in history.
  // stored_at is set by the store.
  virtual Status PutDataValue(const DataValue& value) = 0;

  // Sets many values: the same as PutDataValue for each, in order (a later item for the same
  // key replaces an earlier one), but checked and written in bulk. All or nothing: when an item
  // is refused, nothing of this call is written and the error's message starts with the item's
  // position, "values[12]: ".
  virtual Status PutDataValues(std::span<const DataValue> values) = 0;

  // Soft deletes: the record stays in the database (and in history) marked deleted, and the
  // reads above no longer return it; its code stays taken. not_found when it does not exist or
  // is already deleted.
  virtual Status DeleteDirective(DirectiveId id) = 0;
  virtual Status DeletePlan(PlanId id) = 0;
  virtual Status DeleteTaskGroup(TaskGroupId id) = 0;
  virtual Status DeleteIndicator(IndicatorId id) = 0;
  // Ends the current value of (indicator, unit, period): DataValues() no longer returns it (nor
  // as of an instant after this one), DataValueHistory() shows a version with `deleted` set.
  // stored_by names who deleted it. not_found when there is no current value.
  virtual Status DeleteDataValue(IndicatorId indicator, OrgUnitId unit, const Period& period,
                                 std::string_view stored_by) = 0;

  // Accounts. PutUser inserts when the id is none (conflict when the login is taken) and
  // otherwise replaces the user.
  virtual Result<UserId> PutUser(const UserRecord& user) = 0;
  virtual Status PutSession(const SessionRecord& session) = 0;
  // Ends one session; ends nothing (and succeeds) when it does not exist.
  virtual Status DeleteSession(std::string_view id_hash) = 0;
  // Ends every session of the user (password reset, disabled account).
  virtual Status DeleteSessionsOf(UserId user) = 0;
  // Removes every session whose expires_at is at or before `instant` (ISO 8601 UTC);
  // invalid_argument when the instant is malformed.
  virtual Status DeleteSessionsExpiredBy(const std::string& instant) = 0;
  virtual Result<ApiTokenId> PutApiToken(const ApiTokenRecord& token) = 0;
  // Sets revoked_at to this transaction's instant. not_found when the token does not exist.
  virtual Status RevokeApiToken(ApiTokenId id) = 0;
  // Records an attempt (id set by the store, returned). invalid_argument (naming the field) for
  // a malformed `at` or an empty login.
  virtual Result<std::int64_t> AppendLoginAttempt(const LoginAttemptRecord& attempt) = 0;
  // Removes every attempt whose `at` is before `instant`. invalid_argument when malformed.
  virtual Status PruneLoginAttempts(const std::string& instant) = 0;
  // Sets the session's last_seen_at to `instant`; nothing (and success) when the session does
  // not exist. invalid_argument when the instant is malformed.
  virtual Status TouchSession(std::string_view id_hash, const std::string& instant) = 0;

  // Stores a file and its metadata (id, uploaded_at set by the store). invalid_argument when the
  // task does not exist.
  virtual Result<EvidenceId> PutEvidence(const EvidenceFile& meta, std::string_view content) = 0;
  // Appends a comment (id, created_at set by the store). invalid_argument when the task does not
  // exist or the body is empty.
  virtual Result<CommentId> PutTaskComment(const TaskComment& comment) = 0;

  // --- Signing keys (records in storage/signing.h) ---
  // Inserts a current key for key.user (created_at = the transaction's instant; key.created_at
  // and key.retired_at are ignored). invalid_argument (naming the user) when key.id is set (keys
  // are never replaced), the user does not exist, public_key is not the padded base64 of 32
  // bytes or sealed_secret is empty; conflict when the user already has a current key (retire
  // it first) or the public key is stored already.
  virtual Result<SigningKeyId> PutSigningKey(const SigningKeyRecord& key) = 0;
  // Sets retired_at to the transaction's instant; a retired key keeps its first retirement.
  // not_found when the key does not exist.
  virtual Status RetireSigningKey(SigningKeyId id) = 0;

  // --- Reports (records in storage/reports.h) ---
  // Replaces the plan's report schedule (empty: back to the default). invalid_argument when the
  // plan does not exist, a due day is outside 1..28 or a period type appears twice.
  virtual Status PutReportSchedule(PlanId plan, const std::vector<ReportScheduleItem>& items) = 0;
  // Inserts (id none: created_at = updated_at = the transaction's instant) or replaces the
  // report (updated_at = the instant, created_at kept); returns its id. invalid_argument naming
  // the report for a plan or unit that does not exist, a revision below 1, `supersedes` set
  // exactly when the revision is above 1 and naming a report of the same plan, unit and period,
  // present_items outside 0..required_items, or an approved or accepted report without a
  // signature; conflict when another report has the same (plan, unit, period, revision);
  // not_found when the id does not exist; failed_precondition when the stored report is
  // accepted: an accepted report never changes (the database refuses it too).
  virtual Result<ReportId> PutReport(const ReportRecord& report) = 0;
  // Appends an event (sequence and `at` = the transaction's instant set by the store).
  // invalid_argument when the report does not exist.
  virtual Status AppendReportEvent(const ReportEvent& event) = 0;

  // --- Urging, notifications and the outbox (records in storage/urging.h) ---
  // Sets the plan's ladder. invalid_argument when the rules are invalid (ValidateUrgingRules)
  // or the plan does not exist.
  virtual Status PutUrgingRules(PlanId plan, const UrgingRules& rules) = 0;
  // Appends an urging (id, created_at set by the store; the answer fields are ignored).
  // conflict when the subject already has this rung; invalid_argument when the subject's fields
  // do not fit its kind or a reference (task, plan, indicator, unit) does not exist.
  virtual Result<UrgingId> PutUrging(const UrgingRecord& urging) = 0;
  // Records the answer (answered_at = the transaction's instant). not_found when the urging does
  // not exist; failed_precondition when it is not an explanation request; conflict when it is
  // already answered; invalid_argument for an empty text.
  virtual Status AnswerUrging(UrgingId id, std::string_view text, std::string_view answered_by) = 0;
  // Appends a notification (id, created_at set by the store, unread). invalid_argument when the
  // user or urging does not exist or the source or title is empty.
  virtual Result<NotificationId> PutNotification(const NotificationRecord& notification) = 0;
  // read_at = the transaction's instant, unless already read (the first read is kept).
  // not_found when it does not exist.
  virtual Status MarkNotificationRead(NotificationId id) = 0;
  // Marks every unread notification of the user read; returns how many were.
  virtual Result<int> MarkNotificationsRead(UserId user) = 0;
  // Inserts (id none; created_at = the instant) or replaces a webhook's url, secret, events and
  // active flag. invalid_argument for an empty url or secret, or an empty or repeated event;
  // not_found when the id does not exist or is deleted.
  virtual Result<WebhookId> PutWebhook(const WebhookRecord& webhook) = 0;
  // Soft delete (deleted_at = the instant): Webhooks() no longer lists it. not_found when it
  // does not exist or is already deleted.
  virtual Status DeleteWebhook(WebhookId id) = 0;
  // Enqueues a message: pending, no attempts, created_at = the instant; next_attempt_at as given
  // (an instant) or, when empty, the transaction's instant. invalid_argument for an empty
  // destination or key, a malformed instant, a webhook row without an existing webhook or an
  // unknown urging; conflict when the idempotency key is taken.
  virtual Result<OutboxId> PutOutbox(const OutboxRecord& message) = 0;
  // Opens attempt number attempts + 1 at `started_at` (an instant) and sets the row `sending`.
  // not_found for an unknown row; failed_precondition unless it is pending; invalid_argument
  // for a malformed instant. Returns the attempt's number.
  virtual Result<int> StartDeliveryAttempt(OutboxId id, const std::string& started_at) = 0;
  // Closes the open attempt of a `sending` row: kDelivered → delivered (delivered_at =
  // finished_at); kRetry, kInterrupted → pending, due at next_attempt_at; kFailed → failed.
  // last_error = end.error (kept on delivery). not_found for an unknown row; failed_precondition
  // unless it is sending; invalid_argument for kOpen or a malformed instant.
  virtual Status FinishDeliveryAttempt(OutboxId id, const DeliveryAttemptEnd& end) = 0;

  // --- Reviews (records in storage/reviews.h) ---
  // Inserts a review (created_at = the stamp, unpublished whatever the record says).
  // invalid_argument when the id is set (a stored review never changes), the plan does not
  // exist, title_vi is empty or figures is empty.
  virtual Result<ReviewId> PutReview(const ReviewRecord& review) = 0;
  // Marks the review published (published_at = the stamp, published_by = `by`). not_found when
  // it does not exist; conflict when it is already published.
  virtual Status PublishReview(ReviewId id, std::string_view by) = 0;
  // Sets the plan's weights (updated_at = the stamp), replacing any earlier ones.
  // invalid_argument when the plan does not exist or a weight is negative or not finite.
  virtual Status PutScorecardWeights(const ScorecardWeightsRecord& weights) = 0;

  // --- Feedback (records in storage/feedback.h) ---
  // Stores new feedback (state new, no answer or reason; id, created_at and updated_at set by the
  // store) with its submission event (actor: author_login). invalid_argument naming the field for
  // an empty text, or a target that does not exist (a deleted plan or indicator, a task whose
  // plan is deleted), or a plan that is not the target's.
  virtual Result<FeedbackId> AddFeedback(const FeedbackRecord& feedback) = 0;
  // Appends a transition (`at` set by the store) and applies it: state, and for answered the
  // answer, answered_by (the actor) and answered_at, for rejected the reason (the note).
  // not_found when the feedback does not exist; failed_precondition when its state may not move
  // to event.state (CheckFeedbackTransition); invalid_argument for state new or an empty note on
  // answered or rejected.
  virtual Status AppendFeedbackEvent(const FeedbackEvent& event) = 0;

  // --- Publications (records in storage/publications.h) ---
  // Stores the next version of publication.dataset (version = the latest + 1, or 1;
  // published_at = the stamp; id, version, published_at and the withdrawal fields of the record
  // are ignored) and returns the stored record. A new version ends a withdrawal. invalid_argument
  // (naming the dataset) for an empty dataset, kind, subject, content or published_by, or a kind
  // or subject other than those of the dataset's earlier versions.
  virtual Result<PublicationRecord> PutPublication(const PublicationRecord& publication) = 0;
  // Withdraws the dataset: records the withdrawal (withdrawn_at = the stamp, withdrawn_by = `by`)
  // on its latest version. not_found when the dataset was never published; conflict when it is
  // withdrawn already; invalid_argument for an empty `by`.
  virtual Status WithdrawPublication(std::string_view dataset, std::string_view by) = 0;

  // --- The audit log (storage/audit.h) ---
  // Every change this transaction makes to a stored row is recorded by the engine as an audit
  // event, chained and committed with it; events written after this call carry `context`
  // (until the next call). A transaction starts with CurrentAuditContext().
  virtual void SetAuditContext(const AuditContext& context) = 0;
  // Records an event that is not a row change (a refused login, an export): event.table,
  // row_key, operation, subject_kind and subject_id are used; the rest is set by the store.
  // invalid_argument for an empty table or operation.
  virtual Status AppendAuditEvent(const AuditEvent& event) = 0;
  // Stores a checkpoint signed above storage (at shutdown, on demand). invalid_argument unless
  // seq names a committed event (of an earlier transaction or this one) whose hash is head_hash.
  virtual Status PutAuditCheckpoint(const AuditCheckpoint& checkpoint) = 0;

  // Makes every write durable and visible. unavailable when the database is busy; after a
  // failed Commit the transaction is rolled back.
  virtual Status Commit() = 0;
};

// Waits for the commits other processes (other nodes, the CLI) make on the same database.
// Used by one thread.
class CommitWatch {
 public:
  virtual ~CommitWatch() = default;
  // Waits up to `timeout`: true when another process may have committed since the last call
  // (compare Store::CommitSerial to know), false when none was announced. unavailable when the
  // link is lost (open a new watch).
  virtual Result<bool> Wait(std::chrono::milliseconds timeout) = 0;
};

class Store : public StoreReader {
 public:
  // Opens (and migrates) the database named by options.location. Migrations are versioned and
  // applied in order at open, each in its own transaction.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  virtual Result<std::unique_ptr<Transaction>> Begin() = 0;

  // Called after every transaction of this Store that commits a change CommittedChanges keeps,
  // before its Commit() returns, one commit at a time and in commit order (so an observer that
  // applies them sees the database's order). It must not throw and must not write through this
  // Store; it may read. Set it before sharing the Store between threads; empty: none.
  virtual void SetCommitObserver(std::function<void(const CommittedChanges&)> observer) = 0;

  // Lets the engine sign a checkpoint every signer.every events (storage/audit.h). Set it before
  // sharing the Store between threads; without one, checkpoints are written only through
  // Transaction::PutAuditCheckpoint.
  virtual void SetAuditSigner(AuditSigner signer) = 0;

  // The schema version after migrations.
  virtual int SchemaVersion() const = 0;

  // A watch on the commits of other processes. PostgreSQL: LISTEN, on a connection of its own,
  // on the channel every commit announces its serial on. SQLite announces nothing across
  // processes: its watch sleeps out the timeout and answers true, so the caller polls.
  virtual Result<std::unique_ptr<CommitWatch>> WatchCommits() = 0;
};

}  // namespace planwatch
