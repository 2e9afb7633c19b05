#include "planwatch/storage/sql/sql_store.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "planwatch/storage/sql/accounts.h"
#include "planwatch/storage/sql/audit.h"
#include "planwatch/storage/sql/feedback.h"
#include "planwatch/storage/sql/publications.h"
#include "planwatch/storage/sql/read.h"
#include "planwatch/storage/sql/reports.h"
#include "planwatch/storage/sql/reviews.h"
#include "planwatch/storage/sql/signing.h"
#include "planwatch/storage/sql/status_macros.h"
#include "planwatch/storage/sql/timestamp.h"
#include "planwatch/storage/sql/urging.h"
#include "planwatch/storage/sql/write.h"

namespace planwatch::sql {
namespace {

using CommitObserver = std::function<void(const CommittedChanges&)>;
using SharedAuditSigner = std::shared_ptr<const std::optional<AuditSigner>>;

// The order in which this process's writers take the database's write turn: first come,
// first served. SQLite's own busy handler polls with sleeps, so a thread that commits and begins
// again in a loop (the urging scan, a bulk import) would win the lock every time and starve a
// request waiting beside it; here the waiting request is next. Thread-safe.
class WriterTurns {
 public:
  // Waits until every writer that asked earlier is done; false after `timeout`.
  bool Acquire(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    const std::uint64_t ticket = next_++;
    if (turn_.wait_for(lock, timeout, [&] { return serving_ == ticket; })) return true;
    abandoned_.insert(ticket);
    return false;
  }

  void Release() {
    std::lock_guard lock(mu_);
    ++serving_;
    while (abandoned_.erase(serving_) > 0) ++serving_;
    turn_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable turn_;
  std::uint64_t next_ = 0;
  std::uint64_t serving_ = 0;
  std::set<std::uint64_t> abandoned_;  // tickets whose writer stopped waiting
};

// One writer's turn, given back once.
class WriterTurn {
 public:
  WriterTurn() = default;
  explicit WriterTurn(std::shared_ptr<WriterTurns> turns) : turns_(std::move(turns)) {}
  WriterTurn(WriterTurn&& other) noexcept : turns_(std::move(other.turns_)) {}
  WriterTurn& operator=(WriterTurn&&) = delete;
  WriterTurn(const WriterTurn&) = delete;
  WriterTurn& operator=(const WriterTurn&) = delete;
  ~WriterTurn() { Release(); }

  void Release() {
    if (turns_) std::exchange(turns_, nullptr)->Release();
  }

 private:
  std::shared_ptr<WriterTurns> turns_;
};

// A connection borrowed from the engine and given back on destruction.
class PooledConnection {
 public:
  PooledConnection(std::shared_ptr<Engine> engine, std::unique_ptr<Connection> connection)
      : engine_(std::move(engine)), connection_(std::move(connection)) {}
  PooledConnection(PooledConnection&&) = default;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection() {
    if (connection_) engine_->Release(std::move(connection_));
  }

  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }

 private:
  std::shared_ptr<Engine> engine_;
  std::unique_ptr<Connection> connection_;
};

Result<PooledConnection> Lease(const std::shared_ptr<Engine>& engine) {
  PW_SQL_ASSIGN(auto connection, engine->Acquire());
  return PooledConnection(engine, std::move(connection));
}

// Every StoreReader method, run on the connection that WithReadConnection() provides.
template <typename Base>
class ConnectionReader : public Base {
 public:
  Result<std::vector<OrgUnit>> OrgUnits() override {
    return Read([](Connection& c) { return ReadOrgUnits(c); });
  }
  Result<std::vector<Succession>> Successions() override {
    return Read([](Connection& c) { return ReadSuccessions(c); });
  }
  Result<std::vector<Directive>> Directives() override {
    return Read([](Connection& c) { return ReadDirectives(c); });
  }
  Result<std::vector<Plan>> Plans() override {
    return Read([](Connection& c) { return ReadPlans(c); });
  }
  Result<std::vector<TaskGroup>> TaskGroups(PlanId plan) override {
    return Read([&](Connection& c) { return ReadTaskGroups(c, plan); });
  }
  Result<std::vector<Task>> Tasks(PlanId plan) override {
    return Read([&](Connection& c) { return ReadTasks(c, plan); });
  }
  Result<std::vector<TaskEvent>> TaskEvents(PlanId plan) override {
    return Read([&](Connection& c) { return ReadTaskEvents(c, plan); });
  }
  Result<std::vector<Indicator>> Indicators() override {
    return Read([](Connection& c) { return ReadIndicators(c); });
  }
  Result<std::vector<Target>> Targets() override {
    return Read([](Connection& c) { return ReadTargets(c); });
  }
  Result<std::vector<DataValue>> DataValues(const DataValueQuery& query) override {
    return Read([&](Connection& c) { return ReadDataValues(c, query); });
  }
  Result<std::int64_t> CommitSerial() override {
    return Read([](Connection& c) -> Result<std::int64_t> {
      PW_SQL_ASSIGN(auto stmt, c.Prepare("SELECT serial FROM commit_serial WHERE id = 1"));
      PW_SQL_ASSIGN(bool row, stmt.Step());
      if (!row) return Internal("commit_serial has no row");
      return stmt.Int(0);
    });
  }
  Result<CommitLogSummary> CommitLog(std::int64_t after, std::int64_t upto) override {
    return Read([&](Connection& c) { return ReadCommitLog(c, after, upto); });
  }
  Status ScanValueVersions(std::int64_t after,
                           const std::function<void(const ValueVersionCell&)>& visit) override {
    return Read([&](Connection& c) { return sql::ScanValueVersions(c, after, visit); });
  }
  Result<std::int64_t> LastValueSequence() override {
    return Read([](Connection& c) { return ReadLastValueSequence(c); });
  }
  Status ScanDataValues(const std::function<void(const ValueCell&)>& visit) override {
    return Read([&](Connection& c) { return sql::ScanDataValues(c, visit); });
  }
  Result<std::vector<DataValue>> DataValueHistory(IndicatorId indicator, OrgUnitId unit,
                                                  const Period& period) override {
    return Read([&](Connection& c) { return ReadDataValueHistory(c, indicator, unit, period); });
  }
  Result<std::vector<Version<Task>>> TaskHistory(TaskId task) override {
    return Read([&](Connection& c) { return ReadTaskHistory(c, task); });
  }
  Result<std::vector<Version<OrgUnit>>> OrgUnitHistory(OrgUnitId unit) override {
    return Read([&](Connection& c) { return ReadOrgUnitHistory(c, unit); });
  }
  Result<std::vector<Task>> TasksAsOf(PlanId plan, const std::string& as_of) override {
    return Read([&](Connection& c) { return ReadTasksAsOf(c, plan, as_of); });
  }
  Result<std::vector<OrgUnit>> OrgUnitsAsOf(const std::string& as_of) override {
    return Read([&](Connection& c) { return ReadOrgUnitsAsOf(c, as_of); });
  }
  Result<std::vector<Version<Target>>> TargetHistory(IndicatorId indicator, OrgUnitId unit,
                                                     Date date) override {
    return Read([&](Connection& c) { return ReadTargetHistory(c, indicator, unit, date); });
  }
  Result<std::vector<Target>> TargetsAsOf(const std::string& as_of) override {
    return Read([&](Connection& c) { return ReadTargetsAsOf(c, as_of); });
  }
  Result<std::vector<UserRecord>> Users() override {
    return Read([](Connection& c) { return ReadUsers(c); });
  }
  Result<std::optional<UserRecord>> UserById(UserId id) override {
    return Read([&](Connection& c) { return ReadUserById(c, id); });
  }
  Result<std::optional<UserRecord>> UserByLogin(std::string_view login) override {
    return Read([&](Connection& c) { return ReadUserByLogin(c, login); });
  }
  Result<std::optional<SessionRecord>> SessionByHash(std::string_view id_hash) override {
    return Read([&](Connection& c) { return ReadSessionByHash(c, id_hash); });
  }
  Result<std::optional<ApiTokenRecord>> ApiTokenByHash(std::string_view token_hash) override {
    return Read([&](Connection& c) { return ReadApiTokenByHash(c, token_hash); });
  }
  Result<std::vector<ApiTokenRecord>> ApiTokens(UserId user) override {
    return Read([&](Connection& c) { return ReadApiTokens(c, user); });
  }
  Result<LoginFailureCount> CountLoginFailures(std::string_view login,
                                               const std::string& since) override {
    return Read([&](Connection& c) { return ReadLoginFailures(c, login, since); });
  }
  Result<LoginFailureCount> CountAddressFailures(std::string_view address_hash,
                                                 const std::string& since) override {
    return Read([&](Connection& c) { return ReadAddressFailures(c, address_hash, since); });
  }
  Result<std::vector<LoginAttemptRecord>> RecentLoginAttempts(std::string_view login,
                                                              int limit) override {
    return Read([&](Connection& c) { return ReadRecentLoginAttempts(c, login, limit); });
  }
  Result<std::vector<EvidenceFile>> EvidenceFiles(TaskId task) override {
    return Read([&](Connection& c) { return ReadEvidenceFiles(c, task); });
  }
  Result<EvidenceFile> Evidence(EvidenceId id) override {
    return Read([&](Connection& c) { return ReadEvidence(c, id); });
  }
  Result<std::string> EvidenceContent(EvidenceId id) override {
    return Read([&](Connection& c) { return ReadEvidenceContent(c, id); });
  }
  Result<std::vector<TaskComment>> TaskComments(TaskId task) override {
    return Read([&](Connection& c) { return ReadTaskComments(c, task); });
  }

  // --- Signing keys (sqlite/signing.h) ---
  Result<std::vector<SigningKeyRecord>> SigningKeys(UserId user) override {
    return Read([&](Connection& c) { return ReadSigningKeys(c, user); });
  }
  Result<SigningKeyRecord> SigningKey(SigningKeyId id) override {
    return Read([&](Connection& c) { return ReadSigningKey(c, id); });
  }

  // --- Reports (sqlite/reports.h) ---
  Result<std::vector<ReportScheduleItem>> ReportSchedule(PlanId plan) override {
    return Read([&](Connection& c) { return ReadReportSchedule(c, plan); });
  }
  Result<std::vector<ReportRecord>> FindReports(const ReportQuery& query) override {
    return Read([&](Connection& c) { return ReadReports(c, query); });
  }
  Result<ReportRecord> ReportById(ReportId id) override {
    return Read([&](Connection& c) { return ReadReport(c, id); });
  }
  Result<std::vector<ReportEvent>> ReportEvents(ReportId report) override {
    return Read([&](Connection& c) { return ReadReportEvents(c, report); });
  }

  // --- Urging, notifications and the outbox (sqlite/urging.h) ---
  Result<std::optional<UrgingRules>> PlanUrgingRules(PlanId plan) override {
    return Read([&](Connection& c) { return ReadPlanUrgingRules(c, plan); });
  }
  Result<std::vector<UrgingRecord>> Urgings(const UrgingQuery& query) override {
    return Read([&](Connection& c) { return ReadUrgings(c, query); });
  }
  Result<std::optional<UrgingRecord>> UrgingById(UrgingId id) override {
    return Read([&](Connection& c) { return ReadUrgingById(c, id); });
  }
  Result<std::vector<NotificationRecord>> Notifications(const NotificationQuery& query) override {
    return Read([&](Connection& c) { return ReadNotifications(c, query); });
  }
  Result<std::optional<NotificationRecord>> NotificationById(NotificationId id) override {
    return Read([&](Connection& c) { return ReadNotificationById(c, id); });
  }
  Result<std::vector<WebhookRecord>> Webhooks() override {
    return Read([](Connection& c) { return ReadWebhooks(c); });
  }
  Result<std::optional<WebhookRecord>> WebhookById(WebhookId id) override {
    return Read([&](Connection& c) { return ReadWebhookById(c, id); });
  }
  Result<std::vector<OutboxRecord>> Outbox(const OutboxQuery& query) override {
    return Read([&](Connection& c) { return ReadOutbox(c, query); });
  }
  Result<std::optional<OutboxRecord>> OutboxById(OutboxId id) override {
    return Read([&](Connection& c) { return ReadOutboxById(c, id); });
  }
  Result<std::vector<DeliveryAttempt>> DeliveryAttempts(OutboxId id) override {
    return Read([&](Connection& c) { return ReadDeliveryAttempts(c, id); });
  }

  // --- Reviews (sqlite/reviews.h) ---
  Result<std::vector<ReviewRecord>> Reviews(PlanId plan) override {
    return Read([&](Connection& c) { return ReadReviews(c, plan); });
  }
  Result<ReviewRecord> ReviewById(ReviewId id) override {
    return Read([&](Connection& c) { return ReadReview(c, id); });
  }
  Result<std::optional<ScorecardWeightsRecord>> ScorecardWeightsOf(PlanId plan) override {
    return Read([&](Connection& c) { return ReadScorecardWeights(c, plan); });
  }

  // --- Feedback (sqlite/feedback.h) ---
  Result<std::vector<FeedbackRecord>> FindFeedback(const FeedbackQuery& query) override {
    return Read([&](Connection& c) { return ReadFeedback(c, query); });
  }
  Result<std::optional<FeedbackRecord>> FeedbackById(FeedbackId id) override {
    return Read([&](Connection& c) { return ReadFeedbackById(c, id); });
  }
  Result<std::vector<FeedbackEvent>> FeedbackEvents(FeedbackId id) override {
    return Read([&](Connection& c) { return ReadFeedbackEvents(c, id); });
  }
  Result<std::string> FeedbackAddressKey() override {
    return Read([](Connection& c) { return ReadFeedbackAddressKey(c); });
  }

  // --- Publications (sqlite/publications.h) ---
  Result<std::vector<PublicationRecord>> Publications(std::string_view dataset) override {
    return Read([&](Connection& c) { return ReadPublications(c, dataset); });
  }
  Result<std::vector<PublicationRecord>> LatestPublications() override {
    return Read([](Connection& c) { return ReadLatestPublications(c); });
  }
  Result<PublicationRecord> PublicationVersion(std::string_view dataset, int version) override {
    return Read([&](Connection& c) { return ReadPublicationVersion(c, dataset, version); });
  }
  Result<PublicationCounts> CountPublications() override {
    return Read([](Connection& c) { return ReadPublicationCounts(c); });
  }

  // --- The audit log (sqlite/audit.h) ---
  Result<std::vector<AuditEvent>> AuditEvents(const AuditQuery& query) override {
    return Read([&](Connection& c) { return ReadAuditEvents(c, query); });
  }
  Status ScanAuditEvents(std::int64_t from_seq,
                         const std::function<bool(const AuditEvent&)>& visit) override {
    return Read([&](Connection& c) { return sql::ScanAuditEvents(c, from_seq, visit); });
  }
  Result<std::vector<AuditCheckpoint>> AuditCheckpoints() override {
    return Read([](Connection& c) { return ReadAuditCheckpoints(c); });
  }

 protected:
  // Runs `read` on a connection that sees one consistent state of the database.
  virtual Status WithReadConnection(const std::function<Status(Connection&)>& read) = 0;

 private:
  template <typename F>
  std::invoke_result_t<F, Connection&> Read(F f) {
    std::optional<std::invoke_result_t<F, Connection&>> result;
    Status status = WithReadConnection([&](Connection& c) -> Status {
      result.emplace(f(c));
      return {};
    });
    if (!status) return std::unexpected(std::move(status).error());
    return std::move(*result);
  }
};

class SqlTransaction final : public ConnectionReader<Transaction> {
 public:
  SqlTransaction(WriterTurn turn, std::shared_ptr<Engine> engine, PooledConnection connection,
                 std::function<std::int64_t()> now_ms,
                 std::shared_ptr<const CommitObserver> observer, SharedAuditSigner signer)
      : turn_(std::move(turn)),
        engine_(std::move(engine)),
        connection_(std::move(connection)),
        context_(*connection_, std::move(now_ms)),
        observer_(std::move(observer)),
        signer_(std::move(signer)),
        audit_context_(CurrentAuditContext()) {}

  // Chains the row changes another connection of this process left pending (written outside
  // the Store), as done by an unknown actor, before this transaction's own.
  Status ChainChangesMadeOutside() {
    return FlushAudit(AuditContext{"unknown", "", "a change made outside the store"});
  }

  ~SqlTransaction() override {
    if (state_ == State::kOpen) (void)connection_->Run("ROLLBACK");
  }

  Result<OrgUnitId> PutOrgUnit(const OrgUnit& unit) override {
    return CatalogWrite([&](WriteContext& w) { return WriteOrgUnit(w, unit); });
  }
  Status PutSuccession(const Succession& succession) override {
    return CatalogWrite([&](WriteContext& w) { return WriteSuccession(w, succession); });
  }
  Result<DirectiveId> PutDirective(const Directive& directive) override {
    return Write([&](WriteContext& w) { return WriteDirective(w, directive); });
  }
  Result<PlanId> PutPlan(const Plan& plan) override {
    return CatalogWrite([&](WriteContext& w) { return WritePlan(w, plan); });
  }
  Result<TaskGroupId> PutTaskGroup(const TaskGroup& group) override {
    return CatalogWrite([&](WriteContext& w) { return WriteTaskGroup(w, group); });
  }
  Result<TaskId> PutTask(const Task& task) override {
    auto id = Write([&](WriteContext& w) { return WriteTask(w, task); });
    if (id) {
      changes_.tasks.push_back(task);
      changes_.tasks.back().id = *id;
    }
    return id;
  }
  Status AppendTaskEvent(const TaskEvent& event) override {
    Status appended = Write([&](WriteContext& w) { return WriteTaskEvent(w, event); });
    if (appended) changes_.events.push_back(event);
    return appended;
  }
  Result<IndicatorId> PutIndicator(const Indicator& indicator) override {
    return CatalogWrite([&](WriteContext& w) { return WriteIndicator(w, indicator); });
  }
  Status PutTarget(const Target& target) override {
    return CatalogWrite([&](WriteContext& w) { return WriteTarget(w, target); });
  }
  Status PutDataValue(const DataValue& value) override {
    Status put = Write([&](WriteContext& w) { return WriteDataValue(w, value); });
    if (put) NoteValue(value);
    return put;
  }
  Status PutDataValues(std::span<const DataValue> values) override {
    Status put = Write([&](WriteContext& w) { return WriteDataValues(w, values); });
    if (put) {
      for (const DataValue& value : values) NoteValue(value);
    }
    return put;
  }

  Status DeleteDirective(DirectiveId id) override {
    return Write([&](WriteContext& w) { return DeleteDirectiveRow(w, id); });
  }
  Status DeletePlan(PlanId id) override {
    return CatalogWrite([&](WriteContext& w) { return DeletePlanRow(w, id); });
  }
  Status DeleteTaskGroup(TaskGroupId id) override {
    return CatalogWrite([&](WriteContext& w) { return DeleteTaskGroupRow(w, id); });
  }
  Status DeleteIndicator(IndicatorId id) override {
    return CatalogWrite([&](WriteContext& w) { return DeleteIndicatorRow(w, id); });
  }
  Status DeleteDataValue(IndicatorId indicator, OrgUnitId unit, const Period& period,
                         std::string_view stored_by) override {
    Status deleted = Write(
        [&](WriteContext& w) { return DeleteDataValueRow(w, indicator, unit, period, stored_by); });
    if (deleted) changes_.values.push_back({ValueCell{indicator, unit, period, 0}, true});
    return deleted;
  }

  Result<UserId> PutUser(const UserRecord& user) override {
    return Write([&](WriteContext& w) { return WriteUser(w, user); });
  }
  Status PutSession(const SessionRecord& session) override {
    return Write([&](WriteContext& w) { return WriteSession(w, session); });
  }
  Status DeleteSession(std::string_view id_hash) override {
    return Write([&](WriteContext& w) { return DeleteSessionRow(w, id_hash); });
  }
  Status DeleteSessionsExpiredBy(const std::string& instant) override {
    return Write([&](WriteContext& w) { return DeleteExpiredSessionRows(w, instant); });
  }
  Status DeleteSessionsOf(UserId user) override {
    return Write([&](WriteContext& w) { return DeleteSessionsOfUser(w, user); });
  }
  Result<ApiTokenId> PutApiToken(const ApiTokenRecord& token) override {
    return Write([&](WriteContext& w) { return WriteApiToken(w, token); });
  }
  Status RevokeApiToken(ApiTokenId id) override {
    return Write([&](WriteContext& w) { return RevokeApiTokenRow(w, id); });
  }
  Result<std::int64_t> AppendLoginAttempt(const LoginAttemptRecord& attempt) override {
    return Write([&](WriteContext& w) { return WriteLoginAttempt(w, attempt); });
  }
  Status PruneLoginAttempts(const std::string& instant) override {
    return Write([&](WriteContext& w) { return DeleteLoginAttemptsBefore(w, instant); });
  }
  Status TouchSession(std::string_view id_hash, const std::string& instant) override {
    return Write([&](WriteContext& w) { return WriteSessionLastSeen(w, id_hash, instant); });
  }
  Result<EvidenceId> PutEvidence(const EvidenceFile& meta, std::string_view content) override {
    return Write([&](WriteContext& w) { return WriteEvidence(w, meta, content); });
  }
  Result<CommentId> PutTaskComment(const TaskComment& comment) override {
    return Write([&](WriteContext& w) { return WriteTaskComment(w, comment); });
  }

  // --- Signing keys (sqlite/signing.h) ---
  Result<SigningKeyId> PutSigningKey(const SigningKeyRecord& key) override {
    return Write([&](WriteContext& w) { return WriteSigningKey(w, key); });
  }
  Status RetireSigningKey(SigningKeyId id) override {
    return Write([&](WriteContext& w) { return RetireSigningKeyRow(w, id); });
  }

  // --- Reports (sqlite/reports.h) ---
  Status PutReportSchedule(PlanId plan, const std::vector<ReportScheduleItem>& items) override {
    return Write([&](WriteContext& w) { return WriteReportSchedule(w, plan, items); });
  }
  Result<ReportId> PutReport(const ReportRecord& report) override {
    return Write([&](WriteContext& w) { return WriteReport(w, report); });
  }
  Status AppendReportEvent(const ReportEvent& event) override {
    return Write([&](WriteContext& w) { return WriteReportEvent(w, event); });
  }

  // --- Urging, notifications and the outbox (sqlite/urging.h) ---
  Status PutUrgingRules(PlanId plan, const UrgingRules& rules) override {
    return Write([&](WriteContext& w) { return WriteUrgingRules(w, plan, rules); });
  }
  Result<UrgingId> PutUrging(const UrgingRecord& urging) override {
    return Write([&](WriteContext& w) { return WriteUrging(w, urging); });
  }
  Status AnswerUrging(UrgingId id, std::string_view text, std::string_view answered_by) override {
    return Write([&](WriteContext& w) { return WriteUrgingAnswer(w, id, text, answered_by); });
  }
  Result<NotificationId> PutNotification(const NotificationRecord& notification) override {
    return Write([&](WriteContext& w) { return WriteNotification(w, notification); });
  }
  Status MarkNotificationRead(NotificationId id) override {
    return Write([&](WriteContext& w) { return WriteNotificationRead(w, id); });
  }
  Result<int> MarkNotificationsRead(UserId user) override {
    return Write([&](WriteContext& w) { return WriteNotificationsReadOf(w, user); });
  }
  Result<WebhookId> PutWebhook(const WebhookRecord& webhook) override {
    return Write([&](WriteContext& w) { return WriteWebhook(w, webhook); });
  }
  Status DeleteWebhook(WebhookId id) override {
    return Write([&](WriteContext& w) { return DeleteWebhookRow(w, id); });
  }
  Result<OutboxId> PutOutbox(const OutboxRecord& message) override {
    return Write([&](WriteContext& w) { return WriteOutbox(w, message); });
  }
  Result<int> StartDeliveryAttempt(OutboxId id, const std::string& started_at) override {
    return Write([&](WriteContext& w) { return WriteAttemptStart(w, id, started_at); });
  }
  Status FinishDeliveryAttempt(OutboxId id, const DeliveryAttemptEnd& end) override {
    return Write([&](WriteContext& w) { return WriteAttemptEnd(w, id, end); });
  }

  // --- Reviews (sqlite/reviews.h) ---
  Result<ReviewId> PutReview(const ReviewRecord& review) override {
    return Write([&](WriteContext& w) { return WriteReview(w, review); });
  }
  Status PublishReview(ReviewId id, std::string_view by) override {
    return Write([&](WriteContext& w) { return PublishReviewRow(w, id, by); });
  }
  Status PutScorecardWeights(const ScorecardWeightsRecord& weights) override {
    return Write([&](WriteContext& w) { return WriteScorecardWeights(w, weights); });
  }

  // --- Feedback (sqlite/feedback.h) ---
  Result<FeedbackId> AddFeedback(const FeedbackRecord& feedback) override {
    return Write([&](WriteContext& w) { return WriteFeedback(w, feedback); });
  }
  Status AppendFeedbackEvent(const FeedbackEvent& event) override {
    return Write([&](WriteContext& w) { return WriteFeedbackEvent(w, event); });
  }

  // --- The audit log (sqlite/audit.h) ---
  void SetAuditContext(const AuditContext& context) override {
    if (context == audit_context_ || state_ != State::kOpen) {
      audit_context_ = context;
      return;
    }
    // The changes made so far carry the context they were made in.
    if (Status flushed = FlushAudit(audit_context_); !flushed && audit_error_) {
      audit_error_ = std::move(flushed);
    }
    audit_context_ = context;
  }
  Status AppendAuditEvent(const AuditEvent& event) override {
    return Write([&](WriteContext& w) -> Status {
      PW_SQL_TRY(NoteAuditBase());
      return AppendNamedAuditEvent(w, audit_context_, event);
    });
  }
  Status PutAuditCheckpoint(const AuditCheckpoint& checkpoint) override {
    return Write([&](WriteContext& w) -> Status {
      PW_SQL_TRY(NoteAuditBase());
      return WriteAuditCheckpoint(w, audit_context_, checkpoint);
    });
  }

  // --- Publications (sqlite/publications.h) ---
  Result<PublicationRecord> PutPublication(const PublicationRecord& publication) override {
    return Write([&](WriteContext& w) { return WritePublication(w, publication); });
  }
  Status WithdrawPublication(std::string_view dataset, std::string_view by) override {
    return Write([&](WriteContext& w) { return WithdrawPublicationRow(w, dataset, by); });
  }

  Status Commit() override {
    PW_SQL_TRY(RequireOpen());
    if (!connection_->InTransaction()) {
      state_ = State::kRolledBack;
      return Fail(ErrorCode::kUnavailable, "the database rolled the transaction back");
    }
    // The audit events commit with the changes they record, or nothing commits.
    Status audited = audit_error_;
    if (audited) audited = FlushAudit(audit_context_);
    if (audited && *signer_ && audit_base_seq_) {
      audited = SignAuditHeadIfDue(context_, **signer_, *audit_base_seq_);
    }
    if (!audited) {
      if (connection_->InTransaction()) (void)connection_->Run("ROLLBACK");
      state_ = State::kRolledBack;
      turn_.Release();
      return audited;
    }
    if (!changes_.empty()) {
      auto serial = NextSerial();
      if (!serial) {
        (void)connection_->Run("ROLLBACK");
        state_ = State::kRolledBack;
        turn_.Release();
        return std::unexpected(serial.error());
      }
      changes_.serial = *serial;
      if (Status logged = AppendCommitLog(*serial); !logged) {
        if (connection_->InTransaction()) (void)connection_->Run("ROLLBACK");
        state_ = State::kRolledBack;
        turn_.Release();
        return logged;
      }
      if (Status announced = engine_->AnnounceCommit(*connection_, *serial); !announced) {
        (void)connection_->Run("ROLLBACK");
        state_ = State::kRolledBack;
        turn_.Release();
        return announced;
      }
    }
    Status committed = connection_->Run("COMMIT");
    if (!committed) {
      if (connection_->InTransaction()) (void)connection_->Run("ROLLBACK");
      state_ = State::kRolledBack;
      turn_.Release();
      return committed;
    }
    state_ = State::kCommitted;
    // Still this writer's turn: observers see commits in the order SQLite made them.
    if (*observer_ && !changes_.empty()) (*observer_)(changes_);
    turn_.Release();
    return {};
  }

 protected:
  Status WithReadConnection(const std::function<Status(Connection&)>& read) override {
    PW_SQL_TRY(RequireOpen());
    return read(*connection_);
  }

 private:
  enum class State { kOpen, kCommitted, kRolledBack };

  Status RequireOpen() const {
    switch (state_) {
      case State::kOpen:
        return {};
      case State::kCommitted:
        return Fail(ErrorCode::kFailedPrecondition, "the transaction is already committed");
      case State::kRolledBack:
        break;
    }
    return Fail(ErrorCode::kFailedPrecondition, "the transaction was rolled back");
  }

  // Runs one Put inside a savepoint, so a Put that fails leaves the transaction as it was.
  template <typename F>
  std::invoke_result_t<F, WriteContext&> Write(F f) {
    PW_SQL_TRY(RequireOpen());
    // Outside the savepoint: the stamp must survive a rolled-back Put.
    PW_SQL_TRY(context_.Stamp());
    PW_SQL_TRY(connection_->Run("SAVEPOINT put"));
    auto result = f(context_);
    if (result) {
      PW_SQL_TRY(connection_->Run("RELEASE put"));
      return result;
    }
    if (connection_->InTransaction()) {
      (void)connection_->Run("ROLLBACK TO put");
      (void)connection_->Run("RELEASE put");
    } else {
      state_ = State::kRolledBack;  // the engine rolled back (disk full, I/O error, lost link)
    }
    return result;
  }

  // A write that changes the catalog the analytics index keeps.
  template <typename F>
  std::invoke_result_t<F, WriteContext&> CatalogWrite(F f) {
    auto result = Write(std::move(f));
    if (result) changes_.catalog = true;
    return result;
  }

  Result<std::int64_t> NextSerial() {
    PW_SQL_ASSIGN(auto stmt, connection_->Prepare("UPDATE commit_serial SET serial = serial + 1 "
                                                  "WHERE id = 1 RETURNING serial"));
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return Internal("commit_serial has no row");
    return stmt.Int(0);
  }

  // The commit log's row of this commit (what another process reads again to catch up), and
  // every thousandth commit the rows older than the kept window go.
  Status AppendCommitLog(std::int64_t serial) {
    std::set<std::int64_t> plans;
    std::set<std::int64_t> event_tasks;
    for (const Task& task : changes_.tasks) plans.insert(task.plan.value);
    for (const TaskEvent& event : changes_.events) event_tasks.insert(event.task.value);
    for (const std::int64_t task : event_tasks) {
      PW_SQL_ASSIGN(auto stmt, connection_->Prepare("SELECT plan_id FROM tasks WHERE id = ?1"));
      stmt.BindInt(1, task);
      PW_SQL_ASSIGN(bool row, stmt.Step());
      if (row) plans.insert(stmt.Int(0));
    }
    std::string text;
    for (const std::int64_t plan : plans) {
      if (!text.empty()) text += ' ';
      text += std::to_string(plan);
    }
    {
      PW_SQL_ASSIGN(auto stmt,
                    connection_->Prepare(
                        "INSERT INTO commit_log (serial, catalog, plans) VALUES (?1, ?2, ?3)"));
      stmt.BindInt(1, serial);
      stmt.BindBool(2, changes_.catalog);
      stmt.BindText(3, text);
      PW_SQL_TRY(stmt.Run());
    }
    if (serial % 1000 == 0 && serial > kCommitLogKept) {
      PW_SQL_ASSIGN(auto stmt, connection_->Prepare("DELETE FROM commit_log WHERE serial <= ?1"));
      stmt.BindInt(1, serial - kCommitLogKept);
      PW_SQL_TRY(stmt.Run());
    }
    return {};
  }

  void NoteValue(const DataValue& value) {
    changes_.values.push_back({ValueCell{value.indicator, value.unit, value.period, value.value}});
  }

  // Remembers the head of the chain before this transaction's first event, for the signer.
  Status NoteAuditBase() {
    if (audit_base_seq_) return {};
    PW_SQL_ASSIGN(AuditHead head, ReadAuditHead(*connection_));
    audit_base_seq_ = head.seq;
    return {};
  }

  // Chains the pending row changes with `audit` (outside any savepoint).
  Status FlushAudit(const AuditContext& audit) {
    PW_SQL_TRY(RequireOpen());
    PW_SQL_TRY(NoteAuditBase());
    return FlushAuditPending(context_, audit);
  }

  WriterTurn turn_;  // declared first: given back after the rollback in the destructor
  const std::shared_ptr<Engine> engine_;
  PooledConnection connection_;
  WriteContext context_;
  std::shared_ptr<const CommitObserver> observer_;
  CommittedChanges changes_;
  State state_ = State::kOpen;

  const SharedAuditSigner signer_;              // points to none when the store has no signer
  AuditContext audit_context_;                  // the context of the changes made from now on
  std::optional<std::int64_t> audit_base_seq_;  // the head before this transaction's events
  Status audit_error_;  // a failed flush outside Commit; Commit then fails with it
};

class SqlStore final : public ConnectionReader<Store> {
 public:
  SqlStore(std::shared_ptr<Engine> engine, SqlStoreOptions options)
      : engine_(std::move(engine)),
        now_ms_(options.now_ms ? std::move(options.now_ms) : SystemNowMs),
        schema_version_(options.schema_version),
        busy_timeout_(options.busy_timeout) {}

  Result<std::unique_ptr<Transaction>> Begin() override {
    if (!turns_->Acquire(busy_timeout_)) {
      return Fail(ErrorCode::kUnavailable,
                  "cannot start a write transaction: database is locked: other writers held it "
                  "for longer than " +
                      std::to_string(busy_timeout_.count()) + " ms");
    }
    WriterTurn turn(turns_);
    PW_SQL_ASSIGN(PooledConnection connection, Lease(engine_));
    // Another process (the CLI beside a server, another node) may hold the write turn: the
    // engine waits for it.
    if (auto begun = engine_->BeginWrite(*connection); !begun) {
      Error error = std::move(begun).error();
      error.message = "cannot start a write transaction: " + error.message;
      return std::unexpected(std::move(error));
    }
    auto transaction =
        std::make_unique<SqlTransaction>(std::move(turn), engine_, std::move(connection), now_ms_,
                                         std::atomic_load(&observer_), signer_);
    PW_SQL_TRY(transaction->ChainChangesMadeOutside());
    return transaction;
  }

  void SetCommitObserver(CommitObserver observer) override {
    std::atomic_store(&observer_, std::make_shared<const CommitObserver>(std::move(observer)));
  }

  void SetAuditSigner(AuditSigner signer) override {
    signer_ = std::make_shared<const std::optional<AuditSigner>>(std::move(signer));
  }

  int SchemaVersion() const override { return schema_version_; }

  Result<std::unique_ptr<CommitWatch>> WatchCommits() override { return engine_->WatchCommits(); }

 protected:
  Status WithReadConnection(const std::function<Status(Connection&)>& read) override {
    PW_SQL_ASSIGN(PooledConnection connection, Lease(engine_));
    // One read transaction: every statement of `read` sees the same snapshot.
    PW_SQL_TRY(engine_->BeginRead(*connection));
    Status status = read(*connection);
    Status ended = connection->Run(status ? "COMMIT" : "ROLLBACK");
    if (!status) return status;
    return ended;
  }

 private:
  const std::shared_ptr<Engine> engine_;
  const std::function<std::int64_t()> now_ms_;
  const int schema_version_;
  const std::chrono::milliseconds busy_timeout_;
  // Shared with the transactions, which may outlive the store.
  const std::shared_ptr<WriterTurns> turns_ = std::make_shared<WriterTurns>();
  std::shared_ptr<const CommitObserver> observer_ = std::make_shared<const CommitObserver>();
  // Set before the store is shared (store.h), so read without a lock.
  SharedAuditSigner signer_ = std::make_shared<const std::optional<AuditSigner>>();
};

}  // namespace

std::unique_ptr<Store> MakeSqlStore(std::shared_ptr<Engine> engine, SqlStoreOptions options) {
  return std::make_unique<SqlStore>(std::move(engine), std::move(options));
}

}  // namespace planwatch::sql
