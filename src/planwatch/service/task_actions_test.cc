#include "planwatch/service/task_actions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "planwatch/service/accounts.h"
#include "planwatch/service/evidence_types.h"
#include "planwatch/service/import.h"

namespace planwatch {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::SizeIs;

MATCHER_P2(DetailOn, field, message_part, "") {
  return arg.field == field && arg.message.find(message_part) != std::string::npos;
}

Date Today() { return Date::Parse("2025-07-15").value(); }

constexpr std::string_view kPdf = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
// sha256sum of kPdf, computed outside planwatch.
constexpr std::string_view kPdfSha256 =
    "ee2d14b09b1f174f566d039e4d1c5d6e250feb812d9aa4ca2e595550a2548461";

class TaskActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().has_value());
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_task_actions_test_" + std::to_string(::getpid()) + "_" +
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
           "PL,T1,Việc có thời hạn,C1,deadline,2025-01-10,2025-09-30,\n"
           "PL,R1,Việc thường xuyên,C1,recurring,2025-01-10,,monthly\n");
    auto units = store_->OrgUnits();
    ASSERT_TRUE(units.has_value());
    for (const OrgUnit& u : *units) unit_[u.code] = u.id;
    auto plans = store_->Plans();
    ASSERT_TRUE(plans.has_value());
    plan_ = plans->at(0).id;
    auto tasks = store_->Tasks(plan_);
    ASSERT_TRUE(tasks.has_value());
    for (const Task& t : *tasks) task_[t.code] = t.id.value;
    resources_ = std::make_unique<Resources>(*store_, &Today);
    actions_ = std::make_unique<TaskActions>(*resources_);
    officer1_ = Principal{UserId{1}, "officer.c1", Role::kUnitOfficer, unit_["C1"]};
    officer2_ = Principal{UserId{2}, "officer.c2", Role::kUnitOfficer, unit_["C2"]};
    viewer1_ = Principal{UserId{3}, "viewer.c1", Role::kViewer, unit_["C1"]};
    agency_ = Principal{UserId{4}, "agency.d", Role::kStandingAgency, unit_["D"]};
  }
  void TearDown() override {
    actions_.reset();
    resources_.reset();
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }
  void Import(DataKind kind, const std::string& csv) {
    std::istringstream in(csv);
    auto summary = ImportCsv(*store_, kind, in);
    ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  }

  Result<Resource> Act(const Principal& p, std::string_view task, TaskAction action,
                       const json& body, std::optional<std::string> if_match = std::nullopt) {
    return actions_->Apply(p, task_.at(std::string(task)), action, body, if_match);
  }
  std::vector<TaskEvent> Ledger(std::string_view task) {
    auto events = store_->TaskEvents(plan_);
    EXPECT_TRUE(events.has_value());
    std::vector<TaskEvent> out;
    for (const TaskEvent& e : events.value_or(std::vector<TaskEvent>{})) {
      if (e.task.value == task_.at(std::string(task))) out.push_back(e);
    }
    return out;
  }
  std::int64_t UploadPdf(std::string_view task) {
    auto up = actions_->UploadEvidence(
        officer1_, task_.at(std::string(task)),
        EvidenceUpload{"report.pdf", "application/pdf", std::string(kPdf)});
    EXPECT_TRUE(up.has_value()) << up.error().ToString();
    return up.has_value() ? (*up)["id"].get<std::int64_t>() : 0;
  }
  void Claim(std::string_view task) {
    auto claimed = Act(officer1_, task, TaskAction::kClaim,
                       {{"on", "2025-07-12"},
                        {"completed_on", "2025-07-10"},
                        {"evidence", "https://example.org/decision.pdf"}});
    ASSERT_TRUE(claimed.has_value()) << claimed.error().ToString();
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Resources> resources_;
  std::unique_ptr<TaskActions> actions_;
  std::map<std::string, OrgUnitId> unit_;
  std::map<std::string, std::int64_t> task_;
  PlanId plan_;
  Principal officer1_, officer2_, viewer1_, agency_;
};

TEST(TaskActionNameTest, RoundTripsAndNamesBadInput) {
  EXPECT_EQ(TaskActionName(TaskAction::kReturn), "return");
  EXPECT_EQ(ParseTaskAction("verify"), TaskAction::kVerify);
  EXPECT_EQ(ParseTaskAction("amend"), TaskAction::kAmend);
  auto bad = ParseTaskAction("delete");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message, HasSubstr("'delete'"));
}

TEST_F(TaskActionsTest, ProgressByLeadUnitOfficerIsAppended) {
  auto done = Act(officer1_, "T1", TaskAction::kProgress,
                  {{"on", "2025-07-01"}, {"progress_percent", 40}, {"difficulties", "Thiếu vốn"}});
  ASSERT_TRUE(done.has_value()) << done.error().ToString();
  EXPECT_EQ(done->body["state"]["progress_percent"], 40);
  EXPECT_EQ(done->body["status"], "in_progress_on_time");
  auto fresh = resources_->Get(officer1_, ResourceKind::kTask, task_["T1"]);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(done->etag, fresh->etag);

  auto ledger = Ledger("T1");
  ASSERT_THAT(ledger, SizeIs(1));
  EXPECT_EQ(ledger[0].kind, TaskEventKind::kProgress);
  EXPECT_EQ(ledger[0].on.ToString(), "2025-07-01");
  EXPECT_EQ(ledger[0].actor, "officer.c1");
  EXPECT_EQ(ledger[0].progress_percent, 40);
  EXPECT_EQ(ledger[0].difficulties, "Thiếu vốn");
}

TEST_F(TaskActionsTest, OnDefaultsToTodayAndMayNotBeInTheFuture) {
  ASSERT_TRUE(Act(officer1_, "T1", TaskAction::kProgress, {{"progress_percent", 10}}));
  EXPECT_EQ(Ledger("T1").at(0).on, Today());
  auto future = Act(officer1_, "T1", TaskAction::kProgress, {{"on", "2025-07-16"}});
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(future.error().details, ElementsAre(DetailOn("on", "2025-07-16 is in the future")));
  auto before = Act(officer1_, "T1", TaskAction::kProgress, {{"on", "2025-01-09"}});
  ASSERT_FALSE(before.has_value());
  EXPECT_THAT(before.error().details, ElementsAre(DetailOn("on", "before the task was assigned")));
  EXPECT_THAT(Ledger("T1"), SizeIs(1));
}

TEST_F(TaskActionsTest, BodyIsDecodedStrictly) {
  auto bad = Act(officer1_, "T1", TaskAction::kProgress,
                 {{"progress_percent", 140}, {"colour", "red"}, {"completed_on", "2025-07-01"}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().details, ElementsAre(DetailOn("colour", "unknown_field"),
                                               DetailOn("completed_on", "unknown_field"),
                                               DetailOn("progress_percent", "out_of_range")));
  auto not_object = Act(officer1_, "T1", TaskAction::kProgress, json::array());
  ASSERT_FALSE(not_object.has_value());
  EXPECT_THAT(not_object.error().details, ElementsAre(DetailOn("", "must be a JSON object")));
  EXPECT_THAT(Ledger("T1"), SizeIs(0));
}

TEST_F(TaskActionsTest, RecurringProgressNeedsAPeriodOfItsCadence) {
  auto missing = Act(officer1_, "R1", TaskAction::kProgress, {{"on", "2025-07-05"}});
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.error().details, ElementsAre(DetailOn("period", "required")));
  auto quarter =
      Act(officer1_, "R1", TaskAction::kProgress, {{"on", "2025-07-05"}, {"period", "2025Q2"}});
  ASSERT_FALSE(quarter.has_value());
  EXPECT_THAT(quarter.error().details,
              ElementsAre(DetailOn("period", "'2025Q2' is not a monthly")));
  auto ok =
      Act(officer1_, "R1", TaskAction::kProgress, {{"on", "2025-07-05"}, {"period", "202506"}});
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(Ledger("R1").at(0).period->ToString(), "202506");
  auto on_deadline_task =
      Act(officer1_, "T1", TaskAction::kProgress, {{"on", "2025-07-05"}, {"period", "202506"}});
  ASSERT_FALSE(on_deadline_task.has_value());
  EXPECT_THAT(on_deadline_task.error().details,
              ElementsAre(DetailOn("period", "only a recurring task")));
}

TEST_F(TaskActionsTest, ProgressByAnotherCommuneIsNotFound) {
  auto hidden = Act(officer2_, "T1", TaskAction::kProgress, {{"progress_percent", 10}});
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(hidden.error().message, HasSubstr(std::to_string(task_["T1"])));
  auto none = actions_->Apply(officer1_, 9999, TaskAction::kProgress, json::object(), {});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(Ledger("T1"), SizeIs(0));
}

TEST_F(TaskActionsTest, ViewerMaySeeButNotReport) {
  auto denied = Act(viewer1_, "T1", TaskAction::kProgress, {{"progress_percent", 10}});
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(denied.error().message, HasSubstr("'T1'"));
  EXPECT_TRUE(actions_->Events(viewer1_, task_["T1"]).has_value());
}

TEST_F(TaskActionsTest, ClaimNeedsEvidenceAndACompletionDate) {
  auto bare = Act(officer1_, "T1", TaskAction::kClaim, {{"on", "2025-07-12"}});
  ASSERT_FALSE(bare.has_value());
  EXPECT_EQ(bare.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bare.error().details,
              ElementsAre(DetailOn("evidence", "required"),
                          DetailOn("completed_on", "a claim needs the date")));
  auto late = Act(officer1_, "T1", TaskAction::kClaim,
                  {{"on", "2025-07-12"}, {"completed_on", "2025-07-13"}, {"evidence", "x"}});
  ASSERT_FALSE(late.has_value());
  EXPECT_THAT(late.error().details,
              ElementsAre(DetailOn("completed_on", "2025-07-13 is after the claim's date")));
  EXPECT_THAT(Ledger("T1"), SizeIs(0));
}

TEST_F(TaskActionsTest, ClaimWithAFileOfAnotherTaskIsRefused) {
  const std::int64_t other = UploadPdf("R1");
  auto refused = Act(officer1_, "T1", TaskAction::kClaim,
                     {{"completed_on", "2025-07-10"}, {"evidence_files", {other}}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().details,
              ElementsAre(DetailOn("evidence_files",
                                   "evidence file " + std::to_string(other) + " is not a file")));
  EXPECT_THAT(Ledger("T1"), SizeIs(0));
}

TEST_F(TaskActionsTest, ClaimThenVerifyMakesTheTaskDone) {
  const std::int64_t file = UploadPdf("T1");
  auto claimed = Act(officer1_, "T1", TaskAction::kClaim,
                     {{"on", "2025-07-12"},
                      {"completed_on", "2025-07-10"},
                      {"progress_percent", 100},
                      {"evidence", "https://example.org/qd.pdf"},
                      {"evidence_files", {file}}});
  ASSERT_TRUE(claimed.has_value()) << claimed.error().ToString();
  // Verified view: a claim alone is not done yet.
  EXPECT_EQ(claimed->body["status"], "in_progress_on_time");
  EXPECT_EQ(claimed->body["state"]["claimed"], true);
  EXPECT_EQ(Ledger("T1").at(0).evidence,
            "https://example.org/qd.pdf\n/api/v1/evidence/" + std::to_string(file));

  auto verified = Act(agency_, "T1", TaskAction::kVerify, {{"on", "2025-07-14"}});
  ASSERT_TRUE(verified.has_value()) << verified.error().ToString();
  EXPECT_EQ(verified->body["status"], "done_on_time");
  EXPECT_EQ(verified->body["state"]["completed_on"], "2025-07-10");
  EXPECT_EQ(verified->body["state"]["verified_on"], "2025-07-14");
  auto ledger = Ledger("T1");
  ASSERT_THAT(ledger, SizeIs(2));
  EXPECT_EQ(ledger[1].kind, TaskEventKind::kVerify);
  EXPECT_EQ(ledger[1].actor, "agency.d");

  auto events = actions_->Events(officer1_, task_["T1"]);
  ASSERT_TRUE(events.has_value());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0]["kind"], "claim");
  EXPECT_EQ((*events)[0]["completed_on"], "2025-07-10");
  EXPECT_EQ((*events)[1]["kind"], "verify");
  EXPECT_EQ((*events)[1]["actor"], "agency.d");
  EXPECT_FALSE((*events)[1].contains("reason"));
}

TEST_F(TaskActionsTest, OfficerMayNotVerify) {
  Claim("T1");
  auto denied = Act(officer1_, "T1", TaskAction::kVerify, json::object());
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(TaskActionsTest, VerifyWithoutAClaimIsAFailedPrecondition) {
  auto early = Act(agency_, "T1", TaskAction::kVerify, json::object());
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(early.error().message, HasSubstr("no claimed completion"));
  Claim("T1");  // on 2025-07-12
  auto before_claim = Act(agency_, "T1", TaskAction::kVerify, {{"on", "2025-07-11"}});
  ASSERT_FALSE(before_claim.has_value());
  EXPECT_EQ(before_claim.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(Ledger("T1"), SizeIs(1));
}

TEST_F(TaskActionsTest, ReturnNeedsAReasonAndEndsTheClaim) {
  Claim("T1");
  auto no_reason = Act(agency_, "T1", TaskAction::kReturn, {{"on", "2025-07-13"}});
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_EQ(no_reason.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(no_reason.error().details, ElementsAre(DetailOn("reason", "required")));
  auto returned = Act(agency_, "T1", TaskAction::kReturn,
                      {{"on", "2025-07-13"}, {"reason", "Thiếu biên bản nghiệm thu"}});
  ASSERT_TRUE(returned.has_value()) << returned.error().ToString();
  EXPECT_EQ(returned->body["state"]["claimed"], false);
  EXPECT_EQ(Ledger("T1").at(1).reason, "Thiếu biên bản nghiệm thu");
  auto again = Act(agency_, "T1", TaskAction::kVerify, json::object());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(TaskActionsTest, AmendDeadlineKeepsTheOriginal) {
  auto amended = Act(agency_, "T1", TaskAction::kAmend,
                     {{"on", "2025-07-01"},
                      {"new_deadline", "2025-12-31"},
                      {"reason", "Sắp xếp đơn vị hành chính"},
                      {"requested_by", "UBND xã Một"}});
  ASSERT_TRUE(amended.has_value()) << amended.error().ToString();
  EXPECT_EQ(amended->body["state"]["deadline"], "2025-12-31");
  EXPECT_EQ(amended->body["state"]["original_deadline"], "2025-09-30");
  auto ledger = Ledger("T1");
  ASSERT_THAT(ledger, SizeIs(1));
  EXPECT_EQ(ledger[0].kind, TaskEventKind::kAmend);
  EXPECT_EQ(ledger[0].new_deadline->ToString(), "2025-12-31");
  EXPECT_EQ(ledger[0].reason, "Sắp xếp đơn vị hành chính");
  EXPECT_EQ(ledger[0].requested_by, "UBND xã Một");
  EXPECT_EQ(ledger[0].actor, "agency.d");
  auto history = store_->TaskHistory(TaskId{task_["T1"]});
  ASSERT_TRUE(history.has_value());
  EXPECT_EQ(history->back().value.deadline->ToString(), "2025-09-30");
}

TEST_F(TaskActionsTest, AmendNeedsAChangeAReasonAndAKnownUnit) {
  auto empty = Act(agency_, "T1", TaskAction::kAmend, json::object());
  ASSERT_FALSE(empty.has_value());
  EXPECT_THAT(empty.error().details,
              ElementsAre(DetailOn("reason", "required"), DetailOn("requested_by", "required"),
                          DetailOn("new_deadline", "a new deadline or a new lead unit")));
  auto unknown = Act(agency_, "T1", TaskAction::kAmend,
                     {{"new_lead_unit", 4242}, {"reason", "r"}, {"requested_by", "x"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_THAT(unknown.error().details,
              ElementsAre(DetailOn("new_lead_unit", "no org unit with id 4242")));
  auto recurring = Act(agency_, "R1", TaskAction::kAmend,
                       {{"new_deadline", "2025-12-31"}, {"reason", "r"}, {"requested_by", "x"}});
  ASSERT_FALSE(recurring.has_value());
  EXPECT_THAT(recurring.error().details,
              ElementsAre(DetailOn("new_deadline", "only a deadline task")));
  EXPECT_THAT(Ledger("T1"), SizeIs(0));
}

TEST_F(TaskActionsTest, AmendLeadUnitHandsTheTaskOver) {
  auto handed = Act(agency_, "T1", TaskAction::kAmend,
                    {{"new_lead_unit", unit_["C2"].value}, {"reason", "r"}, {"requested_by", "x"}});
  ASSERT_TRUE(handed.has_value()) << handed.error().ToString();
  EXPECT_EQ(handed->body["state"]["lead_unit"], unit_["C2"].value);
  EXPECT_TRUE(Act(officer2_, "T1", TaskAction::kProgress, {{"progress_percent", 5}}));
  auto former = Act(officer1_, "T1", TaskAction::kProgress, {{"progress_percent", 5}});
  ASSERT_FALSE(former.has_value());
  EXPECT_EQ(former.error().code, ErrorCode::kNotFound);
}

TEST_F(TaskActionsTest, AmendByOfficerIsDenied) {
  auto denied = Act(officer1_, "T1", TaskAction::kAmend,
                    {{"new_deadline", "2025-12-31"}, {"reason", "r"}, {"requested_by", "x"}});
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(Ledger("T1"), SizeIs(0));
}

TEST_F(TaskActionsTest, NothingAfterCancellation) {
  auto no_reason = Act(agency_, "T1", TaskAction::kCancel, json::object());
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_THAT(no_reason.error().details, ElementsAre(DetailOn("reason", "required")));
  auto cancelled = Act(agency_, "T1", TaskAction::kCancel,
                       {{"on", "2025-07-02"}, {"reason", "Không còn phù hợp"}});
  ASSERT_TRUE(cancelled.has_value()) << cancelled.error().ToString();
  EXPECT_EQ(cancelled->body["status"], "cancelled");
  auto progress = Act(officer1_, "T1", TaskAction::kProgress, {{"progress_percent", 50}});
  ASSERT_FALSE(progress.has_value());
  EXPECT_EQ(progress.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(progress.error().message, HasSubstr("cancelled on 2025-07-02"));
  auto claim =
      Act(officer1_, "T1", TaskAction::kClaim, {{"completed_on", "2025-07-10"}, {"evidence", "x"}});
  ASSERT_FALSE(claim.has_value());
  EXPECT_EQ(claim.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(Ledger("T1"), SizeIs(1));
}

TEST_F(TaskActionsTest, StaleIfMatchAppendsNothing) {
  auto before = resources_->Get(officer1_, ResourceKind::kTask, task_["T1"]);
  ASSERT_TRUE(before.has_value());
  auto first =
      Act(officer1_, "T1", TaskAction::kProgress, {{"progress_percent", 20}}, before->etag);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_NE(first->etag, before->etag);
  auto stale =
      Act(officer1_, "T1", TaskAction::kProgress, {{"progress_percent", 30}}, before->etag);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, ErrorCode::kVersionMismatch);
  EXPECT_THAT(Ledger("T1"), SizeIs(1));
  auto current =
      Act(officer1_, "T1", TaskAction::kProgress, {{"progress_percent", 30}}, first->etag);
  EXPECT_TRUE(current.has_value());
  EXPECT_THAT(Ledger("T1"), SizeIs(2));
}

TEST_F(TaskActionsTest, EventsAreHiddenOutsideScope) {
  auto hidden = actions_->Events(officer2_, task_["T1"]);
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  auto empty = actions_->Events(officer1_, task_["T1"]);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, json::array());
}

TEST_F(TaskActionsTest, UploadPdfStoresItsDigest) {
  auto up = actions_->UploadEvidence(officer1_, task_["T1"],
                                     EvidenceUpload{"C:\\Users\\x\\Báo cáo\x07.pdf",
                                                    "Application/PDF; name=x", std::string(kPdf)});
  ASSERT_TRUE(up.has_value()) << up.error().ToString();
  const std::int64_t id = (*up)["id"].get<std::int64_t>();
  EXPECT_EQ((*up)["task"], task_["T1"]);
  EXPECT_EQ((*up)["file_name"], "Báo cáo.pdf");
  EXPECT_EQ((*up)["content_type"], "application/pdf");
  EXPECT_EQ((*up)["size"], static_cast<std::int64_t>(kPdf.size()));
  EXPECT_EQ((*up)["sha256"], kPdfSha256);
  EXPECT_EQ((*up)["uploaded_by"], "officer.c1");
  EXPECT_FALSE((*up)["uploaded_at"].get<std::string>().empty());
  EXPECT_EQ((*up)["url"], "/api/v1/evidence/" + std::to_string(id));

  auto list = actions_->ListEvidence(viewer1_, task_["T1"]);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0], *up);
  auto other = actions_->ListEvidence(officer1_, task_["R1"]);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(*other, json::array());
}

TEST_F(TaskActionsTest, UploadRefusesContentOfAnotherType) {
  auto check = [&](std::string declared, std::string content) {
    auto up = actions_->UploadEvidence(
        officer1_, task_["T1"], EvidenceUpload{"f", std::move(declared), std::move(content)});
    EXPECT_FALSE(up.has_value());
    return up.has_value() ? ErrorCode::kInternal : up.error().code;
  };
  EXPECT_EQ(check("image/png", std::string(kPdf)), ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(check("application/octet-stream", std::string("MZ\x90\x00\x03\x00\x00\x00", 8)),
            ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(check("text/plain", "Ti\xE1\xBA\xBFn \xC3\x28 \xC4\x91\xE1\xBB\x99"),
            ErrorCode::kUnsupportedMediaType);
  auto listed = actions_->ListEvidence(officer1_, task_["T1"]);
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(*listed, json::array());
}

TEST_F(TaskActionsTest, UploadNamesAMissingFileNameOrContent) {
  auto no_name = actions_->UploadEvidence(
      officer1_, task_["T1"], EvidenceUpload{"dir/", "application/pdf", std::string(kPdf)});
  ASSERT_FALSE(no_name.has_value());
  EXPECT_EQ(no_name.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(no_name.error().details, ElementsAre(DetailOn("file_name", "required")));
  auto empty = actions_->UploadEvidence(officer1_, task_["T1"],
                                        EvidenceUpload{"a.pdf", "application/pdf", ""});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(empty.error().details, ElementsAre(DetailOn("content", "empty")));
  auto big = actions_->UploadEvidence(
      officer1_, task_["T1"],
      EvidenceUpload{"a.txt", "text/plain", std::string(kMaxEvidenceBytes + 1, 'a')});
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(big.error().details, ElementsAre(DetailOn("content", "26214401 bytes")));
}

TEST_F(TaskActionsTest, UploadNeedsTheRightToReport) {
  auto viewer = actions_->UploadEvidence(
      viewer1_, task_["T1"], EvidenceUpload{"a.pdf", "application/pdf", std::string(kPdf)});
  ASSERT_FALSE(viewer.has_value());
  EXPECT_EQ(viewer.error().code, ErrorCode::kPermissionDenied);
  auto stranger = actions_->UploadEvidence(
      officer2_, task_["T1"], EvidenceUpload{"a.pdf", "application/pdf", std::string(kPdf)});
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().code, ErrorCode::kNotFound);
}

TEST_F(TaskActionsTest, DownloadOnlyWhereTheTaskIsVisible) {
  const std::int64_t id = UploadPdf("T1");
  auto hidden = actions_->DownloadEvidence(officer2_, id);
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  auto missing = actions_->DownloadEvidence(officer1_, id + 100);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr(std::to_string(id + 100)));
  auto got = actions_->DownloadEvidence(officer1_, id);
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  EXPECT_EQ(got->content, kPdf);
  EXPECT_EQ(got->meta.file_name, "report.pdf");
  EXPECT_EQ(got->meta.content_type, "application/pdf");
  EXPECT_EQ(got->meta.sha256, kPdfSha256);
  EXPECT_TRUE(actions_->DownloadEvidence(agency_, id).has_value());
}

}  // namespace
}  // namespace planwatch
