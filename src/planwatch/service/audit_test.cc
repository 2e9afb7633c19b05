#include "planwatch/service/audit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "planwatch/service/accounts.h"
#include "planwatch/service/import.h"

namespace planwatch {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

Date Today() { return Date::Parse("2025-07-15").value(); }

InstanceKey KeyOf(unsigned char fill) {
  InstanceKey key;
  key.bytes.fill(fill);
  return key;
}

TEST(AuditKeyTest, PublicKeyIsDerivedDeterministicallyFromTheInstanceKey) {
  ASSERT_TRUE(InitCrypto().has_value());
  const std::string a = AuditPublicKey(KeyOf(7));
  EXPECT_EQ(a.size(), 44u);  // padded base64 of 32 bytes
  EXPECT_EQ(a.back(), '=');
  EXPECT_EQ(AuditPublicKey(KeyOf(7)), a);
  EXPECT_NE(AuditPublicKey(KeyOf(8)), a);
}

TEST(AuditKeyTest, SignerSignsCheckpointsThatVerifyUnderItsPublicKey) {
  ASSERT_TRUE(InitCrypto().has_value());
  const AuditSigner signer = MakeAuditSigner(KeyOf(3), 250);
  EXPECT_EQ(signer.every, 250);
  EXPECT_EQ(signer.public_key, AuditPublicKey(KeyOf(3)));
  EXPECT_EQ(MakeAuditSigner(KeyOf(3), 0).every, 1);

  AuditCheckpoint cp;
  cp.seq = 12;
  cp.head_hash = std::string(64, 'a');
  cp.at = "2025-07-15T08:00:00.000Z";
  cp.public_key = signer.public_key;
  cp.signature = signer.sign(AuditCheckpointMessage(cp));
  EXPECT_EQ(cp.signature.size(), 88u);  // padded base64 of 64 bytes
  EXPECT_TRUE(AuditCheckpointSignatureValid(cp));
  cp.seq = 13;  // the signature covers seq
  EXPECT_FALSE(AuditCheckpointSignatureValid(cp));
}

TEST(AuditSubjectTest, ParsesKindAndIdAndNamesBadText) {
  auto task = ParseAuditSubject("task:12");
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->first, "task");
  EXPECT_EQ(task->second, "12");
  auto unit = ParseAuditSubject("org_unit:3");
  ASSERT_TRUE(unit.has_value());
  EXPECT_EQ(unit->first, "org_unit");
  for (std::string_view bad : {"task", "task:", "task:0", "task:-1", "task:x", "task:012",
                               "tasks:1", ":1", "feedback:1", "task:99999999999999999999"}) {
    auto parsed = ParseAuditSubject(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.error().message, HasSubstr(std::string(bad))) << bad;
  }
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().has_value());
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_audit_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    Import(DataKind::kUnits,
           "code,name_vi,type,parent_code\n"
           "P,Tỉnh P,province,\n"
           "D,Sở D,department,P\n"
           "C1,Xã Một,commune,P\n"
           "C2,Xã Hai,commune,P\n");
    Import(DataKind::kPlans,
           "code,title_vi,issuer_code,standing_agency_code,start\n"
           "PL,Kế hoạch,P,D,2025-01-01\n");
    Import(DataKind::kTasks,
           "plan_code,code,title_vi,lead_unit_code,kind,assigned_on,deadline,cadence\n"
           "PL,T1,Việc có thời hạn,C1,deadline,2025-01-10,2025-09-30,\n");
    auto units = store_->OrgUnits();
    ASSERT_TRUE(units.has_value());
    for (const OrgUnit& u : *units) unit_[u.code] = u.id;
    auto plans = store_->Plans();
    ASSERT_TRUE(plans.has_value());
    auto tasks = store_->Tasks(plans->at(0).id);
    ASSERT_TRUE(tasks.has_value());
    task_ = tasks->at(0).id.value;
    viewer_c1_ = AddUser("viewer.c1", Role::kViewer, unit_["C1"]);
    viewer_c2_ = AddUser("viewer.c2", Role::kViewer, unit_["C2"]);
    admin_p_ = AddUser("admin.p", Role::kAdmin, unit_["P"]);
    admin_c1_ = AddUser("admin.c1", Role::kAdmin, unit_["C1"]);
    agency_ = AddUser("agency.d", Role::kStandingAgency, unit_["D"]);
    resources_ = std::make_unique<Resources>(*store_, &Today);
    log_ = std::make_unique<AuditLog>(*store_, &Today);
  }
  void TearDown() override {
    log_.reset();
    resources_.reset();
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }
  void Import(DataKind kind, const std::string& csv) {
    std::istringstream in(csv);
    auto summary = ImportCsv(*store_, kind, in);
    ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  }
  Principal AddUser(const std::string& login, Role role, OrgUnitId unit) {
    UserRecord user;
    user.login = login;
    user.display_name = login;
    user.role = role;
    user.unit = unit;
    user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    auto tx = store_->Begin();
    EXPECT_TRUE(tx.has_value());
    auto id = (*tx)->PutUser(user);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    EXPECT_TRUE((*tx)->Commit().has_value());
    return Principal{*id, login, role, unit};
  }
  // Changes the task's expected output as `actor` from `address`.
  void EditTask(const std::string& output, const AuditContext& context) {
    AuditContextScope scope(context);
    auto updated = resources_->Update(agency_, ResourceKind::kTask, task_,
                                      json{{"expected_output", output}}, std::string("*"));
    ASSERT_TRUE(updated.has_value()) << updated.error().ToString();
  }
  std::vector<AuditEvent> TaskHistory(const Principal& p) {
    auto events = log_->History(p, "task", std::to_string(task_), 0, 100);
    EXPECT_TRUE(events.has_value()) << events.error().ToString();
    return events.value_or(std::vector<AuditEvent>{});
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Resources> resources_;
  std::unique_ptr<AuditLog> log_;
  std::map<std::string, OrgUnitId> unit_;
  std::int64_t task_ = 0;
  Principal viewer_c1_, viewer_c2_, admin_p_, admin_c1_, agency_;
};

TEST_F(AuditLogTest, TaskHistoryShowsTheEditWithItsContextNewestFirst) {
  EditTask("Báo cáo tổng kết", {"agency.d", "10.0.0.7", "PATCH /api/v1/tasks/1"});
  const std::vector<AuditEvent> events = TaskHistory(viewer_c1_);
  ASSERT_THAT(events, Not(IsEmpty()));
  EXPECT_THAT(events, Each(AllOf(Field(&AuditEvent::subject_kind, "task"),
                                 Field(&AuditEvent::subject_id, std::to_string(task_)))));
  const AuditEvent& newest = events.front();
  EXPECT_EQ(newest.actor, "agency.d");
  EXPECT_EQ(newest.address, "10.0.0.7");
  EXPECT_EQ(newest.action, "PATCH /api/v1/tasks/1");
  EXPECT_EQ(newest.operation, "update");
  EXPECT_EQ(newest.before_digest.size(), 64u);
  EXPECT_EQ(newest.after_digest.size(), 64u);
  EXPECT_NE(newest.before_digest, newest.after_digest);
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LT(events[i].seq, events[i - 1].seq);
  // The import before it ran under no scope: the system's context.
  EXPECT_EQ(events.back().actor, "system");

  const json view = AuditEventJson(newest);
  EXPECT_EQ(view["seq"], newest.seq);
  EXPECT_EQ(view["actor"], "agency.d");
  EXPECT_EQ(view["table"], newest.table);
  EXPECT_EQ(view["hash"], newest.hash);
  EXPECT_EQ(view.size(), 14u);
}

TEST_F(AuditLogTest, HistoryPagesWithBeforeAndLimit) {
  EditTask("Một", {"agency.d", "", "edit 1"});
  EditTask("Hai", {"agency.d", "", "edit 2"});
  const std::vector<AuditEvent> all = TaskHistory(admin_p_);
  ASSERT_GE(all.size(), 3u);
  auto first = log_->History(admin_p_, "task", std::to_string(task_), 0, 1);
  ASSERT_TRUE(first.has_value());
  ASSERT_THAT(*first, SizeIs(1));
  EXPECT_EQ(first->front().seq, all[0].seq);
  EXPECT_EQ(first->front().action, "edit 2");
  auto second = log_->History(admin_p_, "task", std::to_string(task_), first->front().seq, 1);
  ASSERT_TRUE(second.has_value());
  ASSERT_THAT(*second, SizeIs(1));
  EXPECT_EQ(second->front().seq, all[1].seq);

  QueryParams params{{"subject", "task:" + std::to_string(task_)}, {"limit", "1"}};
  auto page = log_->Query(viewer_c1_, params);
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  ASSERT_EQ((*page)["items"].size(), 1u);
  EXPECT_EQ((*page)["items"][0]["seq"], all[0].seq);
  EXPECT_EQ((*page)["next_before"], all[0].seq);

  auto bad = log_->History(admin_p_, "task", std::to_string(task_), 0, 1001);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message, HasSubstr("1001"));
}

TEST_F(AuditLogTest, TaskHistoryFollowsTheRuleOfReadingTheTask) {
  auto other_commune = log_->History(viewer_c2_, "task", std::to_string(task_), 0, 10);
  ASSERT_FALSE(other_commune.has_value());
  EXPECT_EQ(other_commune.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(other_commune.error().message, HasSubstr(std::to_string(task_)));
  auto unknown = log_->History(admin_p_, "task", "999999", 0, 10);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(unknown.error().message, HasSubstr("999999"));
  EXPECT_THAT(TaskHistory(agency_), Not(IsEmpty()));
}

TEST_F(AuditLogTest, ReferenceHistoryIsForSignedInReadersAndUnknownIdsAreNotFound) {
  const std::string c1 = std::to_string(unit_["C1"].value);
  auto unit = log_->History(viewer_c2_, "org_unit", c1, 0, 10);
  ASSERT_TRUE(unit.has_value()) << unit.error().ToString();
  EXPECT_THAT(*unit, Contains(Field(&AuditEvent::operation, "insert")));
  auto missing = log_->History(viewer_c2_, "plan", "4242", 0, 10);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("4242"));
}

TEST_F(AuditLogTest, UserHistoryIsForTheUserAndTheirUserManagers) {
  const std::string id = std::to_string(viewer_c1_.user.value);
  EXPECT_TRUE(log_->History(viewer_c1_, "user", id, 0, 10).has_value());
  EXPECT_TRUE(log_->History(admin_c1_, "user", id, 0, 10).has_value());
  EXPECT_TRUE(log_->History(admin_p_, "user", id, 0, 10).has_value());
  auto other = log_->History(viewer_c2_, "user", id, 0, 10);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(other.error().message, HasSubstr("viewer.c2"));
}

TEST_F(AuditLogTest, WholeLogAndCheckpointsAreForAdminsOfARoot) {
  AuditQuery query;
  query.limit = 5;
  auto all = log_->List(admin_p_, query);
  ASSERT_TRUE(all.has_value()) << all.error().ToString();
  EXPECT_THAT(*all, SizeIs(5));
  for (const Principal& p : {admin_c1_, agency_, viewer_c1_}) {
    auto denied = log_->List(p, query);
    ASSERT_FALSE(denied.has_value()) << p.login;
    EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied) << p.login;
    EXPECT_THAT(denied.error().message, HasSubstr(p.login));
    auto checkpoints = log_->Checkpoints(p);
    ASSERT_FALSE(checkpoints.has_value());
    EXPECT_EQ(checkpoints.error().code, ErrorCode::kPermissionDenied);
    auto sign = log_->SignNow(p, KeyOf(1));
    ASSERT_FALSE(sign.has_value());
    EXPECT_EQ(sign.error().code, ErrorCode::kPermissionDenied);
  }
  auto signed_now = log_->SignNow(admin_p_, KeyOf(1));
  ASSERT_TRUE(signed_now.has_value()) << signed_now.error().ToString();
  auto listed = log_->Checkpoints(admin_p_);
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ((*listed)["items"].size(), 1u);
  EXPECT_EQ((*listed)["items"][0]["seq"], signed_now->seq);
  EXPECT_EQ((*listed)["items"][0]["signature"], signed_now->signature);
}

TEST_F(AuditLogTest, QueryNamesTheBadParameter) {
  const std::string subject = "task:" + std::to_string(task_);
  const std::vector<std::pair<QueryParams, std::string>> cases = {
      {{{"subject", "task"}}, "subject"},
      {{{"subject", "task:x"}}, "subject"},
      {{{"subject", "tasks:1"}}, "subject"},
      {{{"subject", subject}, {"limit", "0"}}, "limit"},
      {{{"subject", subject}, {"limit", "1001"}}, "limit"},
      {{{"subject", subject}, {"limit", "x"}}, "limit"},
      {{{"subject", subject}, {"before", "0"}}, "before"},
      {{{"subject", subject}, {"before", "-3"}}, "before"},
      {{{"subject", subject}, {"before", "x"}}, "before"},
      {{{"subject", subject}, {"zzz", "1"}}, "zzz"},
  };
  for (const auto& [params, field] : cases) {
    auto r = log_->Query(admin_p_, params);
    ASSERT_FALSE(r.has_value()) << field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << field;
    ASSERT_THAT(r.error().details, SizeIs(1)) << field;
    EXPECT_EQ(r.error().details[0].field, field);
  }
}

TEST_F(AuditLogTest, SignAuditCheckpointStoresTheHeadOnceUntilItMoves) {
  auto first = SignAuditCheckpoint(*store_, KeyOf(9));
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  AuditQuery newest;
  newest.limit = 1;
  auto head = store_->AuditEvents(newest);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(first->seq, head->front().seq);
  EXPECT_EQ(first->head_hash, head->front().hash);
  EXPECT_EQ(first->public_key, AuditPublicKey(KeyOf(9)));
  EXPECT_TRUE(AuditCheckpointSignatureValid(*first));

  auto again = SignAuditCheckpoint(*store_, KeyOf(9));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *first);
  auto stored = store_->AuditCheckpoints();
  ASSERT_TRUE(stored.has_value());
  EXPECT_THAT(*stored, SizeIs(1));

  EditTask("Ba", {"agency.d", "", "edit"});
  auto moved = SignAuditCheckpoint(*store_, KeyOf(9));
  ASSERT_TRUE(moved.has_value());
  EXPECT_GT(moved->seq, first->seq);
  stored = store_->AuditCheckpoints();
  ASSERT_TRUE(stored.has_value());
  EXPECT_THAT(*stored, SizeIs(2));
}

TEST_F(AuditLogTest, VerifyAuditCountsEventsAndCheckpoints) {
  EditTask("Bốn", {"agency.d", "127.0.0.1", "edit"});
  auto cp = SignAuditCheckpoint(*store_, KeyOf(5));
  ASSERT_TRUE(cp.has_value());
  std::int64_t scanned = 0;
  ASSERT_TRUE(store_
                  ->ScanAuditEvents(1,
                                    [&scanned](const AuditEvent&) {
                                      ++scanned;
                                      return true;
                                    })
                  .has_value());

  auto verified = VerifyAudit(*store_, *cp, AuditPublicKey(KeyOf(5)));
  ASSERT_TRUE(verified.has_value()) << verified.error().ToString();
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->events, scanned);
  EXPECT_EQ(verified->head_seq, cp->seq);
  EXPECT_EQ(verified->head_hash, cp->head_hash);
  EXPECT_EQ(verified->checkpoints, 2);  // the stored one and the external copy

  auto wrong_key = VerifyAudit(*store_, std::nullopt, AuditPublicKey(KeyOf(6)));
  ASSERT_TRUE(wrong_key.has_value());
  EXPECT_FALSE(wrong_key->ok());
  EXPECT_THAT(wrong_key->problems, Contains(Field(&AuditChainVerifier::Problem::seq, cp->seq)));

  AuditCheckpoint forged = *cp;
  forged.head_hash = std::string(64, 'f');
  auto mismatch = VerifyAudit(*store_, forged, std::nullopt);
  ASSERT_TRUE(mismatch.has_value());
  EXPECT_FALSE(mismatch->ok());
  EXPECT_EQ(mismatch->checkpoints, 2);
}

}  // namespace
}  // namespace planwatch
