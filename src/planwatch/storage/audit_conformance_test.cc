// The audit log part of the Store contract (store.h, storage/audit.h), on every engine: every
// committed row change is an event of one hash chain, with its subject, digests, context and
// instant; rolled-back work leaves none; signed checkpoints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "planwatch/storage/postgres/store_backend.h"
#include "planwatch/storage/store_conformance.h"

namespace planwatch {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& mention) {
  ASSERT_FALSE(result.has_value()) << "succeeded, expected " << ErrorCodeName(code);
  EXPECT_EQ(result.error().code, code) << result.error().ToString();
  EXPECT_THAT(result.error().message, HasSubstr(mention));
}

constexpr char kHexDigest[] = "[0-9a-f]{64}";

// An Ed25519 key that signs checkpoints the way the instance key does.
class TestKey {
 public:
  TestKey() {
    EXPECT_GE(sodium_init(), 0);
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
  }

  AuditSigner Signer(int every) const {
    AuditSigner signer;
    signer.public_key = Base64(public_key_.data(), public_key_.size());
    signer.every = every;
    signer.sign = [this](std::string_view message) {
      std::array<unsigned char, crypto_sign_BYTES> signature;
      crypto_sign_detached(signature.data(), nullptr,
                           reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                           secret_key_.data());
      return Base64(signature.data(), signature.size());
    };
    return signer;
  }

 private:
  static std::string Base64(const unsigned char* bytes, std::size_t size) {
    std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
  }

  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key_;
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key_;
};

// A named event as AppendAuditEvent takes it.
AuditEvent Named(std::string table, std::string operation, std::string row_key = "",
                 std::string subject_kind = "", std::string subject_id = "") {
  AuditEvent event;
  event.table = std::move(table);
  event.operation = std::move(operation);
  event.row_key = std::move(row_key);
  event.subject_kind = std::move(subject_kind);
  event.subject_id = std::move(subject_id);
  return event;
}

AuditQuery Subject(std::string kind, std::string id = "") {
  AuditQuery query;
  query.subject_kind = std::move(kind);
  query.subject_id = std::move(id);
  query.limit = 1000;
  return query;
}

std::vector<AuditEvent> OfTable(const std::vector<AuditEvent>& events, std::string_view table) {
  std::vector<AuditEvent> out;
  for (const AuditEvent& e : events) {
    if (e.table == table) out.push_back(e);
  }
  return out;
}

class AuditConformanceTest : public StoreConformanceTest {
 protected:
  // Every stored event in seq order.
  std::vector<AuditEvent> AllEvents() {
    std::vector<AuditEvent> events;
    MustOk(store().ScanAuditEvents(0, [&](const AuditEvent& e) {
      events.push_back(e);
      return true;
    }));
    return events;
  }

  PlanId AddPlan(const std::string& code) {
    auto tx = Begin();
    Plan plan;
    plan.code = code;
    plan.title_vi = "Kế hoạch " + code;
    plan.stages = {"2025"};
    const PlanId id = Must(tx->PutPlan(plan));
    MustOk(tx->Commit());
    return id;
  }

  Task NewTask(PlanId plan, const std::string& code) {
    Task task;
    task.plan = plan;
    task.code = code;
    task.title_vi = "Nhiệm vụ " + code;
    task.assigned_on = Date::Parse("2025-05-07").value();
    return task;
  }
};

TEST_P(AuditConformanceTest, ATaskUpdateIsRecordedWithSubjectDigestsContextAndInstant) {
  const PlanId plan = AddPlan("K");
  Task task = NewTask(plan, "T1");
  {
    AuditContextScope scope(AuditContext{"lan", "203.0.113.7", "POST /api/v1/tasks"});
    auto tx = Begin();
    task.id = Must(tx->PutTask(task));
    MustOk(tx->Commit());
  }
  {
    AuditContextScope scope(AuditContext{"minh", "198.51.100.2", "PATCH /api/v1/tasks/1"});
    auto tx = Begin();
    task.title_vi = "Nhiệm vụ đã sửa";
    Must(tx->PutTask(task));
    MustOk(tx->Commit());
  }
  const std::string id = std::to_string(task.id.value);
  const auto events = Must(store().AuditEvents(Subject("task", id)));
  const auto rows = OfTable(events, "tasks");
  ASSERT_THAT(rows, SizeIs(2));
  const AuditEvent& update = rows[0];  // newest first
  const AuditEvent& insert = rows[1];
  EXPECT_GT(update.seq, insert.seq);

  EXPECT_EQ(insert.operation, "insert");
  EXPECT_EQ(insert.row_key, id);
  EXPECT_EQ(insert.subject_kind, "task");
  EXPECT_EQ(insert.subject_id, id);
  EXPECT_EQ(insert.before_digest, "");
  EXPECT_THAT(insert.after_digest, MatchesRegex(kHexDigest));
  EXPECT_EQ((AuditContext{insert.actor, insert.address, insert.action}),
            (AuditContext{"lan", "203.0.113.7", "POST /api/v1/tasks"}));

  EXPECT_EQ(update.operation, "update");
  EXPECT_EQ(update.row_key, id);
  EXPECT_EQ(update.before_digest, insert.after_digest);
  EXPECT_THAT(update.after_digest, MatchesRegex(kHexDigest));
  EXPECT_NE(update.after_digest, update.before_digest);
  EXPECT_EQ((AuditContext{update.actor, update.address, update.action}),
            (AuditContext{"minh", "198.51.100.2", "PATCH /api/v1/tasks/1"}));

  // The instants are those of the transactions that made the changes.
  const auto history = Must(store().TaskHistory(task.id));
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(insert.at, history[0].recorded_at);
  EXPECT_EQ(update.at, history[0].superseded_at);

  // The archived version is the same subject's, written by the update.
  const auto archived = OfTable(events, "task_versions");
  ASSERT_THAT(archived, SizeIs(1));
  EXPECT_EQ(archived[0].operation, "insert");
  EXPECT_EQ(archived[0].row_key, id + "/1");
  EXPECT_EQ(archived[0].at, update.at);
  EXPECT_EQ(archived[0].actor, "minh");
}

TEST_P(AuditConformanceTest, ATransactionStartsWithTheSystemContextWithoutAScope) {
  AddPlan("K");
  const auto events = AllEvents();
  ASSERT_FALSE(events.empty());
  for (const AuditEvent& e : events) {
    EXPECT_EQ((AuditContext{e.actor, e.address, e.action}), (AuditContext{"system", "", ""}));
  }
}

TEST_P(AuditConformanceTest, ChangesCarryTheContextInForceWhenTheyWereMade) {
  AuditContextScope scope(AuditContext{"cli:root", "", "import plans"});
  auto tx = Begin();
  Plan plan;
  plan.code = "K";
  plan.title_vi = "Kế hoạch";
  const PlanId id = Must(tx->PutPlan(plan));
  tx->SetAuditContext(AuditContext{"cli:root", "", "import tasks"});
  const TaskId task = Must(tx->PutTask(NewTask(id, "T1")));
  MustOk(tx->Commit());

  const auto plans = Must(store().AuditEvents(Subject("plan", std::to_string(id.value))));
  ASSERT_THAT(OfTable(plans, "plans"), SizeIs(1));
  EXPECT_EQ(OfTable(plans, "plans")[0].action, "import plans");
  const auto tasks = Must(store().AuditEvents(Subject("task", std::to_string(task.value))));
  ASSERT_THAT(OfTable(tasks, "tasks"), SizeIs(1));
  EXPECT_EQ(OfTable(tasks, "tasks")[0].action, "import tasks");
  EXPECT_GT(OfTable(tasks, "tasks")[0].seq, OfTable(plans, "plans")[0].seq);
  EXPECT_EQ(OfTable(tasks, "tasks")[0].at, OfTable(plans, "plans")[0].at);
}

TEST_P(AuditConformanceTest, RolledBackWorkLeavesNoEvent) {
  AddPlan("K");
  const auto before = AllEvents();
  {
    auto tx = Begin();
    Plan plan;
    plan.code = "ROLLED-BACK";
    plan.title_vi = "Không lưu";
    Must(tx->PutPlan(plan));
    tx->SetAuditContext(AuditContext{"lan", "", "flushed, then rolled back"});
    MustOk(tx->AppendAuditEvent(Named("auth", "login_refused")));
  }  // destroyed without Commit
  EXPECT_EQ(AllEvents(), before);

  // A refused Put leaves nothing behind either, while the rest of its transaction commits.
  auto tx = Begin();
  Plan duplicate;
  duplicate.code = "K";
  duplicate.title_vi = "Trùng mã";
  ExpectError(tx->PutPlan(duplicate), ErrorCode::kConflict, "K");
  Plan other;
  other.code = "K2";
  other.title_vi = "Kế hoạch 2";
  const PlanId k2 = Must(tx->PutPlan(other));
  MustOk(tx->Commit());
  const auto after = AllEvents();
  ASSERT_GT(after.size(), before.size());
  for (std::size_t i = before.size(); i < after.size(); ++i) {
    EXPECT_EQ(after[i].subject_id, std::to_string(k2.value)) << after[i].table;
  }
}

TEST_P(AuditConformanceTest, TheStoredChainVerifies) {
  const PlanId plan = AddPlan("K");
  Indicator indicator;
  indicator.code = "I1";
  indicator.name_vi = "Chỉ tiêu";
  OrgUnit unit;
  unit.code = "SL";
  unit.name_vi = "Sơn La";
  IndicatorId indicator_id;
  OrgUnitId unit_id;
  {
    auto tx = Begin();
    indicator_id = Must(tx->PutIndicator(indicator));
    unit_id = Must(tx->PutOrgUnit(unit));
    Must(tx->PutTask(NewTask(plan, "T1")));
    MustOk(tx->Commit());
  }
  std::vector<DataValue> values;
  for (int month = 1; month <= 3; ++month) {
    DataValue v;
    v.indicator = indicator_id;
    v.unit = unit_id;
    v.period = Period::Of(PeriodType::kMonth, 2025, month);
    v.value = month * 10;
    values.push_back(v);
  }
  {
    auto tx = Begin();
    MustOk(tx->PutDataValues(values));
    MustOk(tx->DeletePlan(plan));
    MustOk(tx->Commit());
  }

  const auto events = AllEvents();
  AuditChainVerifier verifier;
  for (const AuditEvent& e : events) verifier.Add(e);
  EXPECT_TRUE(verifier.ok()) << verifier.problems()[0].message;
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().seq, 1);
  EXPECT_EQ(events.front().prev_hash, kAuditGenesisHash);
  EXPECT_EQ(verifier.last_seq(), static_cast<std::int64_t>(events.size()));

  // Each value is one event, of its version row (the current row is written from it), under its
  // indicator, keyed by indicator/unit/period.
  const std::string key = std::to_string(indicator_id.value) + "/" + std::to_string(unit_id.value) +
                          "/" + values[0].period.ToString();
  const auto of_indicator =
      Must(store().AuditEvents(Subject("indicator", std::to_string(indicator_id.value))));
  EXPECT_THAT(OfTable(of_indicator, "data_values"), IsEmpty());
  EXPECT_THAT(OfTable(of_indicator, "data_value_versions"), SizeIs(3));
  EXPECT_THAT(of_indicator, Contains(AllOf(Field(&AuditEvent::table, "data_value_versions"),
                                           Field(&AuditEvent::row_key, key),
                                           Field(&AuditEvent::operation, "insert"))));
  // A soft delete is an update of the plan's row.
  const auto of_plan = Must(store().AuditEvents(Subject("plan", std::to_string(plan.value))));
  EXPECT_EQ(OfTable(of_plan, "plans").front().operation, "update");
}

TEST_P(AuditConformanceTest, NamedEventsJoinTheChain) {
  AuditContextScope scope(AuditContext{"", "192.0.2.9", "POST /api/v1/login"});
  auto tx = Begin();
  MustOk(tx->AppendAuditEvent(Named("auth", "login_refused", "lan", "user", "lan")));
  ExpectError(tx->AppendAuditEvent(Named("", "x")), ErrorCode::kInvalidArgument, "table is empty");
  ExpectError(tx->AppendAuditEvent(Named("auth", "")), ErrorCode::kInvalidArgument,
              "operation is empty");
  MustOk(tx->Commit());
  const auto events = Must(store().AuditEvents(Subject("user", "lan")));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].operation, "login_refused");
  EXPECT_EQ(events[0].address, "192.0.2.9");
  EXPECT_EQ(events[0].before_digest, "");
  EXPECT_EQ(events[0].hash, AuditEventHash(events[0]));
}

TEST_P(AuditConformanceTest, QueriesFilterPageAndCheckTheLimit) {
  const PlanId k = AddPlan("K");
  AddPlan("K2");
  const auto all = AllEvents();
  ASSERT_GE(all.size(), 4u);

  AuditQuery newest;
  newest.limit = 2;
  const auto page = Must(store().AuditEvents(newest));
  ASSERT_THAT(page, SizeIs(2));
  EXPECT_EQ(page[0], all.back());
  EXPECT_EQ(page[1], all[all.size() - 2]);
  AuditQuery next = newest;
  next.before_seq = page[1].seq;
  EXPECT_EQ(Must(store().AuditEvents(next))[0], all[all.size() - 3]);

  const auto of_k = Must(store().AuditEvents(Subject("plan", std::to_string(k.value))));
  ASSERT_FALSE(of_k.empty());
  for (const AuditEvent& e : of_k) EXPECT_EQ(e.subject_id, std::to_string(k.value));
  EXPECT_THAT(Must(store().AuditEvents(Subject("plan"))), SizeIs(all.size()));
  EXPECT_THAT(Must(store().AuditEvents(Subject("task"))), IsEmpty());

  for (int limit : {0, 1001}) {
    AuditQuery bad;
    bad.limit = limit;
    ExpectError(store().AuditEvents(bad), ErrorCode::kInvalidArgument,
                "limit " + std::to_string(limit));
  }
}

TEST_P(AuditConformanceTest, ScanStartsAtASeqAndStopsWhenAsked) {
  AddPlan("K");
  AddPlan("K2");
  const auto all = AllEvents();
  ASSERT_GE(all.size(), 3u);
  std::vector<std::int64_t> seen;
  MustOk(store().ScanAuditEvents(2, [&](const AuditEvent& e) {
    seen.push_back(e.seq);
    return seen.size() < 2;
  }));
  EXPECT_THAT(seen, ElementsAre(2, 3));
}

TEST_P(AuditConformanceTest, TheSignerCheckpointsTheHeadEveryNEvents) {
  const TestKey key;
  const AuditSigner signer = key.Signer(5);
  store().SetAuditSigner(signer);
  std::set<std::int64_t> expected;
  std::int64_t head = 0;
  for (int i = 0; i < 8; ++i) {
    AddPlan("K" + std::to_string(i));
    const std::int64_t now = AllEvents().back().seq;
    if (now / 5 > head / 5) expected.insert(now);
    head = now;
  }
  ASSERT_GE(head, 10);  // crossed two multiples of 5 at least

  const auto checkpoints = Must(store().AuditCheckpoints());
  std::set<std::int64_t> seqs;
  const auto events = AllEvents();
  AuditChainVerifier verifier;
  for (const AuditCheckpoint& c : checkpoints) {
    seqs.insert(c.seq);
    verifier.Expect(c.seq);
  }
  EXPECT_EQ(seqs, expected);
  for (const AuditEvent& e : events) verifier.Add(e);
  for (const AuditCheckpoint& c : checkpoints) {
    EXPECT_EQ(c.public_key, signer.public_key);
    EXPECT_EQ(c.head_hash, events[static_cast<std::size_t>(c.seq) - 1].hash);
    EXPECT_EQ(c.at, events[static_cast<std::size_t>(c.seq) - 1].at);
    EXPECT_TRUE(AuditCheckpointSignatureValid(c));
    verifier.Check(c, signer.public_key);
  }
  EXPECT_TRUE(verifier.ok()) << verifier.problems()[0].message;
}

TEST_P(AuditConformanceTest, PutAuditCheckpointNeedsTheEventsHash) {
  AddPlan("K");
  const auto events = AllEvents();
  const AuditEvent& last = events.back();
  const TestKey key;
  const AuditSigner signer = key.Signer(1000);
  auto signed_checkpoint = [&](std::int64_t seq, std::string hash) {
    AuditCheckpoint c{seq, std::move(hash), "2025-06-20T08:15:00.123Z", signer.public_key, ""};
    c.signature = signer.sign(AuditCheckpointMessage(c));
    return c;
  };

  auto tx = Begin();
  ExpectError(tx->PutAuditCheckpoint(signed_checkpoint(last.seq, std::string(64, '0'))),
              ErrorCode::kInvalidArgument, "event " + std::to_string(last.seq));
  ExpectError(tx->PutAuditCheckpoint(signed_checkpoint(last.seq + 1, last.hash)),
              ErrorCode::kInvalidArgument, "event " + std::to_string(last.seq + 1));
  const AuditCheckpoint good = signed_checkpoint(last.seq, last.hash);
  MustOk(tx->PutAuditCheckpoint(good));
  MustOk(tx->PutAuditCheckpoint(good));  // the head there is already signed: kept once
  Plan plan;
  plan.code = "K2";
  plan.title_vi = "Kế hoạch 2";
  Must(tx->PutPlan(plan));
  MustOk(tx->Commit());

  const auto after = AllEvents();
  EXPECT_THAT(Must(store().AuditCheckpoints()), Contains(good));
  auto tx2 = Begin();
  const AuditEvent& newest = after.back();
  MustOk(tx2->PutAuditCheckpoint(signed_checkpoint(newest.seq, newest.hash)));
  MustOk(tx2->Commit());
  const auto checkpoints = Must(store().AuditCheckpoints());
  ASSERT_THAT(checkpoints, SizeIs(2));
  EXPECT_EQ(checkpoints[0], good);
  EXPECT_EQ(checkpoints[1].seq, newest.seq);
}

TEST_P(AuditConformanceTest, ACheckpointMayNameAnEventOfTheSameTransaction) {
  AddPlan("K");
  const std::int64_t head = AllEvents().back().seq;
  const TestKey key;
  const AuditSigner signer = key.Signer(1000);
  auto tx = Begin();
  Plan plan;
  plan.code = "K2";
  plan.title_vi = "Kế hoạch 2";
  plan.stages = {"2025", "2026-2030"};
  const PlanId id = Must(tx->PutPlan(plan));
  // The changes wait to be chained until something must follow them in the chain.
  EXPECT_THAT(Must(tx->AuditEvents(Subject("plan", std::to_string(id.value)))), IsEmpty());
  MustOk(tx->AppendAuditEvent(Named("audit", "checkpoint")));
  AuditQuery newest;
  newest.limit = 1;
  const auto mine = Must(tx->AuditEvents(newest));
  ASSERT_THAT(mine, SizeIs(1));
  EXPECT_EQ(mine[0].operation, "checkpoint");
  EXPECT_GT(mine[0].seq, head + 1);  // after the plan's rows
  EXPECT_THAT(Must(tx->AuditEvents(Subject("plan", std::to_string(id.value)))), SizeIs(3));
  AuditCheckpoint c{mine[0].seq, mine[0].hash, "2025-06-20T08:15:00.123Z", signer.public_key, ""};
  c.signature = signer.sign(AuditCheckpointMessage(c));
  MustOk(tx->PutAuditCheckpoint(c));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().AuditCheckpoints()), ElementsAre(c));
  EXPECT_EQ(AllEvents().back(), mine[0]);
}

// A fresh database file per test, removed with its -wal and -shm files afterwards.
class SqliteFileBackend : public StoreBackend {
 public:
  SqliteFileBackend() {
    static std::atomic<int> counter{0};
    path_ =
        (std::filesystem::temp_directory_path() / ("planwatch-audit-" + std::to_string(::getpid()) +
                                                   "-" + std::to_string(counter++) + ".db"))
            .string();
  }
  ~SqliteFileBackend() override {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  }

  Result<std::unique_ptr<Store>> Open() override {
    StoreOptions options;
    options.location = path_;
    return Store::Open(options);
  }

 private:
  std::string path_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, AuditConformanceTest,
                         ::testing::Values(StoreBackendFactory{
                             "sqlite", [] { return std::make_unique<SqliteFileBackend>(); }}),
                         StoreBackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, AuditConformanceTest,
                         ::testing::Values(postgres::test_support::PostgresBackendFactory()),
                         StoreBackendName);

}  // namespace
}  // namespace planwatch
