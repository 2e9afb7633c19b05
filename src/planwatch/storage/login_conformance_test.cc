// The sign-in attempt and session activity part of the Store contract (store.h), on every engine.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "planwatch/storage/postgres/store_backend.h"
#include "planwatch/storage/store_conformance.h"

namespace planwatch {
namespace {

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

void MustAppend(Transaction& tx, const LoginAttemptRecord& attempt) {
  auto id = tx.AppendLoginAttempt(attempt);
  if (!id) ADD_FAILURE() << id.error().ToString();
}

LoginAttemptRecord Attempt(std::string at, std::string login, std::string address,
                           LoginOutcome outcome) {
  return LoginAttemptRecord{0, std::move(at), std::move(login), std::move(address), outcome};
}

class LoginConformanceTest : public StoreConformanceTest {};

TEST(LoginOutcomeTest, NamesAreTheStoredWords) {
  EXPECT_EQ(LoginOutcomeName(LoginOutcome::kOk), "ok");
  EXPECT_EQ(LoginOutcomeName(LoginOutcome::kBadCredentials), "bad_credentials");
  EXPECT_EQ(LoginOutcomeName(LoginOutcome::kRefusedRate), "refused_rate");
  EXPECT_EQ(LoginOutcomeName(LoginOutcome::kRefusedDelay), "refused_delay");
  EXPECT_EQ(LoginOutcomeName(static_cast<LoginOutcome>(9)), "unknown");
}

TEST_P(LoginConformanceTest, FailuresAreCountedPerLoginAndPerAddressAfterAnInstant) {
  auto tx = Begin();
  const std::vector<LoginAttemptRecord> attempts = {
      Attempt("2025-06-20T08:00:00.000Z", "alice", "aa", LoginOutcome::kBadCredentials),
      Attempt("2025-06-20T08:10:00.000Z", "alice", "bb", LoginOutcome::kBadCredentials),
      Attempt("2025-06-20T08:20:00.000Z", "alice", "aa", LoginOutcome::kRefusedDelay),
      Attempt("2025-06-20T08:30:00.000Z", "bob", "aa", LoginOutcome::kBadCredentials),
      Attempt("2025-06-20T08:40:00.000Z", "alice", "aa", LoginOutcome::kOk),
      Attempt("2025-06-20T08:50:00Z", "alice", "aa", LoginOutcome::kRefusedRate),
  };
  std::int64_t last = 0;
  for (const LoginAttemptRecord& a : attempts) {
    const std::int64_t id = Must(tx->AppendLoginAttempt(a));
    EXPECT_GT(id, last);
    last = id;
  }
  MustOk(tx->Commit());

  EXPECT_EQ(Must(store().CountLoginFailures("alice", "2025-06-20T07:00:00.000Z")).count, 2);
  EXPECT_EQ(Must(store().CountLoginFailures("alice", "2025-06-20T07:00:00.000Z")).oldest_at,
            "2025-06-20T08:00:00.000Z");
  // `since` is exclusive: a failure at that very instant has left the window.
  const LoginFailureCount later = Must(store().CountLoginFailures("alice", "2025-06-20T08:00:00Z"));
  EXPECT_EQ(later.count, 1);
  EXPECT_EQ(later.oldest_at, "2025-06-20T08:10:00.000Z");
  EXPECT_EQ(Must(store().CountLoginFailures("carol", "2025-06-20T07:00:00.000Z")).count, 0);
  EXPECT_EQ(Must(store().CountLoginFailures("carol", "2025-06-20T07:00:00.000Z")).oldest_at, "");
  EXPECT_EQ(Must(store().CountAddressFailures("aa", "2025-06-20T07:00:00.000Z")).count, 2);
  EXPECT_EQ(Must(store().CountAddressFailures("bb", "2025-06-20T07:00:00.000Z")).count, 1);

  auto bad = store().CountLoginFailures("alice", "yesterday");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("yesterday"), std::string::npos);
}

TEST_P(LoginConformanceTest, RecentAttemptsAreTheEvaluatedOnesNewestFirst) {
  auto tx = Begin();
  MustAppend(*tx, Attempt("2025-06-20T08:00:00.000Z", "alice", "", LoginOutcome::kOk));
  MustAppend(*tx, Attempt("2025-06-20T08:01:00.000Z", "alice", "", LoginOutcome::kBadCredentials));
  MustAppend(*tx, Attempt("2025-06-20T08:02:00.000Z", "alice", "", LoginOutcome::kRefusedDelay));
  MustAppend(*tx, Attempt("2025-06-20T08:03:00.000Z", "alice", "", LoginOutcome::kBadCredentials));
  MustOk(tx->Commit());
  const auto recent = Must(store().RecentLoginAttempts("alice", 2));
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].at, "2025-06-20T08:03:00.000Z");
  EXPECT_EQ(recent[0].outcome, LoginOutcome::kBadCredentials);
  EXPECT_EQ(recent[1].at, "2025-06-20T08:01:00.000Z");
  const auto all = Must(store().RecentLoginAttempts("alice", 10));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].outcome, LoginOutcome::kOk);
  EXPECT_TRUE(Must(store().RecentLoginAttempts("bob", 10)).empty());
}

TEST_P(LoginConformanceTest, AppendRefusesAMalformedAttemptAndPruneRemovesOldOnes) {
  auto tx = Begin();
  auto bad_at = tx->AppendLoginAttempt(Attempt("08:00", "alice", "", LoginOutcome::kOk));
  ASSERT_FALSE(bad_at.has_value());
  EXPECT_EQ(bad_at.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_at.error().message.find("alice"), std::string::npos);
  EXPECT_NE(bad_at.error().message.find("08:00"), std::string::npos);
  auto no_login =
      tx->AppendLoginAttempt(Attempt("2025-06-20T08:00:00.000Z", "", "", LoginOutcome::kOk));
  EXPECT_EQ(no_login.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(no_login.error().message.find("login"), std::string::npos);
  for (const char* at :
       {"2025-06-19T08:00:00.000Z", "2025-06-20T07:59:59.999Z", "2025-06-20T08:00:00.000Z"}) {
    MustAppend(*tx, Attempt(at, "alice", "", LoginOutcome::kBadCredentials));
  }
  MustOk(tx->PruneLoginAttempts("2025-06-20T08:00:00.000Z"));
  EXPECT_EQ(tx->PruneLoginAttempts("soon").error().code, ErrorCode::kInvalidArgument);
  MustOk(tx->Commit());
  const auto left = Must(store().RecentLoginAttempts("alice", 10));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].at, "2025-06-20T08:00:00.000Z");
}

TEST_P(LoginConformanceTest, TouchSessionRecordsTheLastUse) {
  auto tx = Begin();
  OrgUnit unit;
  unit.code = "P";
  unit.name_vi = "Tỉnh";
  unit.type = OrgUnitType::kProvince;
  const OrgUnitId unit_id = Must(tx->PutOrgUnit(unit));
  UserRecord user;
  user.login = "alice";
  user.unit = unit_id;
  user.password_hash = "x";
  const UserId alice = Must(tx->PutUser(user));
  SessionRecord session{
      "hash-1", alice, "csrf", "2025-06-20T08:00:00.000Z", "2025-06-20T20:00:00.000Z", ""};
  MustOk(tx->PutSession(session));
  session.id_hash = "hash-2";
  session.last_seen_at = "2025-06-20T08:00:00Z";
  MustOk(tx->PutSession(session));
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().SessionByHash("hash-1"))->last_seen_at, "");
  EXPECT_EQ(Must(store().SessionByHash("hash-2"))->last_seen_at, "2025-06-20T08:00:00.000Z");

  tx = Begin();
  MustOk(tx->TouchSession("hash-1", "2025-06-20T08:05:00.000Z"));
  MustOk(tx->TouchSession("hash-gone", "2025-06-20T08:05:00.000Z"));  // nothing to do
  auto bad = tx->TouchSession("hash-1", "five past eight");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("five past eight"), std::string::npos);
  MustOk(tx->Commit());
  const SessionRecord touched = *Must(store().SessionByHash("hash-1"));
  EXPECT_EQ(touched.last_seen_at, "2025-06-20T08:05:00.000Z");
  EXPECT_EQ(touched.created_at, "2025-06-20T08:00:00.000Z");
  EXPECT_EQ(Must(store().SessionByHash("hash-2"))->last_seen_at, "2025-06-20T08:00:00.000Z");
}

TEST_P(LoginConformanceTest, AttemptsSurviveReopening) {
  auto tx = Begin();
  MustAppend(*tx,
             Attempt("2025-06-20T08:00:00.000Z", "alice", "aa", LoginOutcome::kBadCredentials));
  MustOk(tx->Commit());
  Reopen();
  EXPECT_EQ(Must(store().CountLoginFailures("alice", "2025-06-20T07:00:00.000Z")).count, 1);
}

class SqliteFileBackend : public StoreBackend {
 public:
  SqliteFileBackend() {
    static std::atomic<int> counter{0};
    path_ =
        (std::filesystem::temp_directory_path() / ("planwatch-login-" + std::to_string(::getpid()) +
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

INSTANTIATE_TEST_SUITE_P(Sqlite, LoginConformanceTest,
                         ::testing::Values(StoreBackendFactory{
                             "sqlite", [] { return std::make_unique<SqliteFileBackend>(); }}),
                         StoreBackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, LoginConformanceTest,
                         ::testing::Values(postgres::test_support::PostgresBackendFactory()),
                         StoreBackendName);

}  // namespace
}  // namespace planwatch
