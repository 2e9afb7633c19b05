// The publications part of the Store contract (store.h, storage/publications.h), on every
// engine: versions numbered per dataset, immutable, and withdrawals.
#include <gmock/gmock.h>
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

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr char kStampPattern[] =
    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z";

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

PublicationRecord Record(std::string dataset, std::string kind, std::string subject,
                         std::string content) {
  PublicationRecord r;
  r.dataset = std::move(dataset);
  r.kind = std::move(kind);
  r.subject = std::move(subject);
  r.content = std::move(content);
  r.published_by = "vanphong";
  return r;
}

std::vector<int> VersionsOf(const std::vector<PublicationRecord>& records) {
  std::vector<int> out;
  for (const PublicationRecord& r : records) out.push_back(r.version);
  return out;
}

class PublicationConformanceTest : public StoreConformanceTest {
 protected:
  PublicationRecord Put(const PublicationRecord& r) {
    auto tx = Begin();
    PublicationRecord stored = Must(tx->PutPublication(r));
    MustOk(tx->Commit());
    return stored;
  }
  Status Withdraw(std::string_view dataset) {
    auto tx = Begin();
    Status s = tx->WithdrawPublication(dataset, "lanhdao");
    if (s) MustOk(tx->Commit());
    return s;
  }
};

TEST_P(PublicationConformanceTest, VersionsAreNumberedPerDatasetFromOne) {
  const PublicationRecord a1 = Put(Record("plan-k", "plan", "K", R"({"rows":[1]})"));
  const PublicationRecord b1 = Put(Record("indicator-i1", "indicator", "I1", R"({"rows":[]})"));
  const PublicationRecord a2 = Put(Record("plan-k", "plan", "K", R"({"rows":[1,2]})"));
  EXPECT_EQ(a1.version, 1);
  EXPECT_EQ(b1.version, 1);
  EXPECT_EQ(a2.version, 2);
  EXPECT_TRUE(a1.id);
  EXPECT_LT(a1.id.value, b1.id.value);
  EXPECT_LT(b1.id.value, a2.id.value);
  EXPECT_THAT(a1.published_at, MatchesRegex(kStampPattern));
  EXPECT_LT(a1.published_at, a2.published_at);
  EXPECT_EQ(a2.published_by, "vanphong");
  EXPECT_EQ(a2.content, R"({"rows":[1,2]})");

  EXPECT_THAT(VersionsOf(Must(store().Publications("plan-k"))), ElementsAre(1, 2));
  EXPECT_THAT(VersionsOf(Must(store().Publications("indicator-i1"))), ElementsAre(1));
  EXPECT_THAT(Must(store().Publications("plan-x")), IsEmpty());
  const auto all = Must(store().Publications(""));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], a1);
  EXPECT_EQ(all[1], b1);
  EXPECT_EQ(all[2], a2);

  const auto latest = Must(store().LatestPublications());
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0], b1);  // by name: "indicator-i1" < "plan-k"
  EXPECT_EQ(latest[1], a2);

  EXPECT_EQ(Must(store().PublicationVersion("plan-k", 1)), a1);
  ExpectError(store().PublicationVersion("plan-k", 3), ErrorCode::kNotFound, "plan-k");
  ExpectError(store().PublicationVersion("plan-x", 1), ErrorCode::kNotFound, "version 1");
}

TEST_P(PublicationConformanceTest, StoredVersionsNeverChangeAndSurviveReopen) {
  PublicationRecord first = Record("plan-k", "plan", "K", R"({"rows":[["T1","Một"]]})");
  first.id = PublicationId{99};                     // ignored
  first.version = 7;                                // ignored
  first.published_at = "1999-01-01T00:00:00.000Z";  // ignored
  const PublicationRecord v1 = Put(first);
  EXPECT_EQ(v1.version, 1);
  EXPECT_NE(v1.id.value, 99);
  EXPECT_NE(v1.published_at, "1999-01-01T00:00:00.000Z");
  Put(Record("plan-k", "plan", "K", R"({"rows":[["T1","Một đã sửa"]]})"));
  Reopen();
  const auto versions = Must(store().Publications("plan-k"));
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0], v1);
  EXPECT_EQ(versions[0].content, R"({"rows":[["T1","Một"]]})");
  EXPECT_EQ(versions[1].content, R"({"rows":[["T1","Một đã sửa"]]})");
}

TEST_P(PublicationConformanceTest, KindAndSubjectStayTheDatasetsAndFieldsAreRequired) {
  Put(Record("plan-k", "plan", "K", "{}"));
  auto tx = Begin();
  ExpectError(tx->PutPublication(Record("plan-k", "indicator", "K", "{}")),
              ErrorCode::kInvalidArgument, "plan-k");
  ExpectError(tx->PutPublication(Record("plan-k", "plan", "L", "{}")), ErrorCode::kInvalidArgument,
              "'L'");
  ExpectError(tx->PutPublication(Record("", "plan", "K", "{}")), ErrorCode::kInvalidArgument,
              "dataset name");
  ExpectError(tx->PutPublication(Record("plan-m", "", "M", "{}")), ErrorCode::kInvalidArgument,
              "plan-m");
  ExpectError(tx->PutPublication(Record("plan-m", "plan", "", "{}")), ErrorCode::kInvalidArgument,
              "subject");
  ExpectError(tx->PutPublication(Record("plan-m", "plan", "M", "")), ErrorCode::kInvalidArgument,
              "content");
  PublicationRecord anonymous = Record("plan-m", "plan", "M", "{}");
  anonymous.published_by.clear();
  ExpectError(tx->PutPublication(anonymous), ErrorCode::kInvalidArgument, "published_by");
  MustOk(tx->Commit());
  EXPECT_THAT(VersionsOf(Must(store().Publications(""))), ElementsAre(1));
}

TEST_P(PublicationConformanceTest, WithdrawMarksTheLatestVersionUntilTheNextOne) {
  Put(Record("plan-k", "plan", "K", "{}"));
  Put(Record("plan-k", "plan", "K", R"({"a":1})"));
  MustOk(Withdraw("plan-k"));
  auto versions = Must(store().Publications("plan-k"));
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].withdrawn_at, "");
  EXPECT_EQ(versions[1].withdrawn_by, "lanhdao");
  EXPECT_THAT(versions[1].withdrawn_at, MatchesRegex(kStampPattern));
  EXPECT_GT(versions[1].withdrawn_at, versions[1].published_at);
  EXPECT_EQ(Must(store().LatestPublications())[0].withdrawn_by, "lanhdao");

  Status again = Withdraw("plan-k");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_THAT(again.error().message, HasSubstr("plan-k"));
  Status missing = Withdraw("plan-x");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("plan-x"));
  {
    auto tx = Begin();
    Status nobody = tx->WithdrawPublication("plan-k", "");
    ASSERT_FALSE(nobody.has_value());
    EXPECT_EQ(nobody.error().code, ErrorCode::kInvalidArgument);
  }

  // Publishing again ends the withdrawal; the withdrawn version keeps its mark.
  const PublicationRecord v3 = Put(Record("plan-k", "plan", "K", R"({"a":2})"));
  EXPECT_EQ(v3.version, 3);
  EXPECT_EQ(v3.withdrawn_at, "");
  versions = Must(store().Publications("plan-k"));
  EXPECT_EQ(versions[1].withdrawn_by, "lanhdao");
  EXPECT_EQ(versions[2].withdrawn_by, "");
  MustOk(Withdraw("plan-k"));
  EXPECT_EQ(Must(store().PublicationVersion("plan-k", 3)).withdrawn_by, "lanhdao");
}

TEST_P(PublicationConformanceTest, CountsChangeWithEveryPublicationAndWithdrawal) {
  EXPECT_EQ(Must(store().CountPublications()), (PublicationCounts{0, 0, 0}));
  const PublicationRecord a = Put(Record("plan-k", "plan", "K", "{}"));
  EXPECT_EQ(Must(store().CountPublications()), (PublicationCounts{1, a.id.value, 0}));
  MustOk(Withdraw("plan-k"));
  const PublicationRecord b = Put(Record("plan-k", "plan", "K", "{}"));
  EXPECT_EQ(Must(store().CountPublications()), (PublicationCounts{2, b.id.value, 1}));
}

TEST_P(PublicationConformanceTest, RolledBackPublicationLeavesNothing) {
  {
    auto tx = Begin();
    Must(tx->PutPublication(Record("plan-k", "plan", "K", "{}")));
  }
  EXPECT_THAT(Must(store().Publications("")), IsEmpty());
  const PublicationRecord first = Put(Record("plan-k", "plan", "K", "{}"));
  EXPECT_EQ(first.version, 1);
}

// A fresh database file per test, removed with its -wal and -shm files afterwards.
class SqliteFileBackend : public StoreBackend {
 public:
  SqliteFileBackend() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("planwatch-publications-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++) + ".db"))
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

INSTANTIATE_TEST_SUITE_P(Sqlite, PublicationConformanceTest,
                         ::testing::Values(StoreBackendFactory{
                             "sqlite", [] { return std::make_unique<SqliteFileBackend>(); }}),
                         StoreBackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, PublicationConformanceTest,
                         ::testing::Values(postgres::test_support::PostgresBackendFactory()),
                         StoreBackendName);

}  // namespace
}  // namespace planwatch
