// The database itself keeps accepted reports and report events unchangeable, whatever SQL runs.
#include "planwatch/storage/sql/reports.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "planwatch/storage/sqlite/connection.h"
#include "planwatch/storage/sqlite/sqlite_store.h"

namespace planwatch::sqlite {
namespace {

using ::testing::HasSubstr;

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

class ReportTriggersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("planwatch-report-triggers-" + std::to_string(::getpid()) + ".db"))
                .string();
    SqliteOptions options;
    options.path = path_;
    auto store = Must(OpenSqliteStore(options));
    auto tx = Must(store->Begin());
    OrgUnit unit;
    unit.code = "W";
    unit.name_vi = "Phường";
    const OrgUnitId unit_id = Must(tx->PutOrgUnit(unit));
    Plan plan;
    plan.code = "P";
    plan.title_vi = "Kế hoạch";
    plan.issuer = unit_id;
    ReportRecord r;
    r.plan = Must(tx->PutPlan(plan));
    r.unit = unit_id;
    r.period = *Period::Parse("202510");
    r.due_on = *Date::Parse("2025-11-20");
    r.state = ReportState::kAccepted;
    r.signature = StoredReportSignature{SigningKeyId{}, "ed25519", "k", "s", "l", "n", "t", "{}"};
    accepted_ = Must(tx->PutReport(r));
    r.period = *Period::Parse("202511");
    r.state = ReportState::kDraft;
    r.signature.reset();
    draft_ = Must(tx->PutReport(r));
    ASSERT_TRUE(tx->AppendReportEvent({0, draft_, ReportAction::kCreate, std::nullopt,
                                       ReportState::kDraft, "x", "", ""})
                    .has_value());
    ASSERT_TRUE(tx->Commit().has_value());
  }
  void TearDown() override {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  }

  std::string path_;
  ReportId accepted_;
  ReportId draft_;
};

TEST_F(ReportTriggersTest, AcceptedRowsCannotBeUpdatedOrDeleted) {
  auto c = Must(Connection::Open(path_, ConnectionOptions{}));
  const std::string update =
      "UPDATE reports SET results = 'changed' WHERE id = " + std::to_string(accepted_.value);
  auto updated = c->Exec(update.c_str());
  ASSERT_FALSE(updated.has_value());
  EXPECT_THAT(updated.error().message, HasSubstr("an accepted report is immutable"));
  const std::string undo_state =
      "UPDATE reports SET state = 'draft' WHERE id = " + std::to_string(accepted_.value);
  EXPECT_FALSE(c->Exec(undo_state.c_str()).has_value());
  auto deleted = c->Exec("DELETE FROM reports");
  ASSERT_FALSE(deleted.has_value());
  EXPECT_THAT(deleted.error().message, HasSubstr("never deleted"));
  // A draft may change.
  const std::string edit =
      "UPDATE reports SET results = 'edited' WHERE id = " + std::to_string(draft_.value);
  EXPECT_TRUE(c->Exec(edit.c_str()).has_value());
  EXPECT_EQ(Must(ReadReport(*c, accepted_)).results, "");
}

TEST_F(ReportTriggersTest, EventsAreAppendOnly) {
  auto c = Must(Connection::Open(path_, ConnectionOptions{}));
  auto updated = c->Exec("UPDATE report_events SET actor = 'someone else'");
  ASSERT_FALSE(updated.has_value());
  EXPECT_THAT(updated.error().message, HasSubstr("append-only"));
  EXPECT_FALSE(c->Exec("DELETE FROM report_events").has_value());
  EXPECT_EQ(Must(ReadReportEvents(*c, draft_)).size(), 1u);
}

}  // namespace
}  // namespace planwatch::sqlite
