#include "planwatch/service/reports.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "planwatch/service/accounts.h"

namespace planwatch {
namespace {

using nlohmann::json;
using std::chrono::hours;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Date D(const char* text) { return *Date::Parse(text); }
Period P(const char* text) { return *Period::Parse(text); }
Instant At(const char* text) { return *ParseInstant(text); }

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& mention = "") {
  ASSERT_FALSE(result.has_value()) << "succeeded, expected " << ErrorCodeName(code);
  EXPECT_EQ(result.error().code, code) << result.error().ToString();
  EXPECT_THAT(result.error().ToString(), HasSubstr(mention));
}

// Province P with its Department D (the plan's standing agency) and communes C1, C2, C3.
// Plan PL (from 2025-01-01): T1 and T2 led by C1 (T1 linked to the monthly indicator I1 and
// the yearly indicator IY), T3 led by C2, T4 led by C3 and cancelled in June.
class ReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().has_value());
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_reports_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    store_ = Must(Store::Open(StoreOptions{path_.string(), true}));
    auto tx = Must(store_->Begin());
    auto unit = [&](const char* code, const char* name, OrgUnitType type, OrgUnitId parent) {
      OrgUnit u;
      u.code = code;
      u.name_vi = name;
      u.type = type;
      u.parent = parent;
      return unit_[code] = Must(tx->PutOrgUnit(u));
    };
    const OrgUnitId p = unit("P", "Tỉnh P", OrgUnitType::kProvince, {});
    unit("D", "Sở D", OrgUnitType::kDepartment, p);
    unit("C1", "Xã Một", OrgUnitType::kCommune, p);
    unit("C2", "Xã Hai", OrgUnitType::kCommune, p);
    unit("C3", "Xã Ba", OrgUnitType::kCommune, p);
    Plan plan;
    plan.code = "PL";
    plan.title_vi = "Kế hoạch";
    plan.issuer = p;
    plan.standing_agency = unit_["D"];
    plan.start = D("2025-01-01");
    plan_ = Must(tx->PutPlan(plan));
    Indicator ind;
    ind.code = "I1";
    ind.name_vi = "Chỉ tiêu tháng";
    ind.period_type = PeriodType::kMonth;
    i1_ = Must(tx->PutIndicator(ind));
    ind.code = "IY";
    ind.name_vi = "Chỉ tiêu năm";
    ind.period_type = PeriodType::kYear;
    const IndicatorId iy = Must(tx->PutIndicator(ind));
    auto task = [&](const char* code, const char* lead, std::vector<IndicatorId> indicators) {
      Task t;
      t.plan = plan_;
      t.code = code;
      t.title_vi = std::string("Nhiệm vụ ") + code;
      t.lead_unit = unit_[lead];
      t.assigned_on = D("2025-01-10");
      t.deadline = D("2025-12-31");
      t.indicators = std::move(indicators);
      return task_[code] = Must(tx->PutTask(t));
    };
    task("T1", "C1", {i1_, iy});
    task("T2", "C1", {});
    task("T3", "C2", {});
    task("T4", "C3", {});
    TaskEvent cancel;
    cancel.task = task_["T4"];
    cancel.kind = TaskEventKind::kCancel;
    cancel.on = D("2025-06-01");
    cancel.actor = "agency.d";
    cancel.reason = "gộp vào T3";
    ASSERT_TRUE(tx->AppendTaskEvent(cancel).has_value());
    TaskEvent progress;
    progress.task = task_["T1"];
    progress.kind = TaskEventKind::kProgress;
    progress.on = D("2025-10-15");
    progress.progress_percent = 40;
    progress.actor = "officer.c1";
    progress.difficulties = "Thiếu máy";
    ASSERT_TRUE(tx->AppendTaskEvent(progress).has_value());
    DataValue value;
    value.indicator = i1_;
    value.unit = unit_["C1"];
    value.period = P("202510");
    value.value = 12;
    value.stored_by = "officer.c1";
    ASSERT_TRUE(tx->PutDataValue(value).has_value());
    auto user = [&](const char* login, Role role, const char* unit_code) {
      UserRecord u;
      u.login = login;
      u.display_name = std::string("Ông ") + login;
      u.role = role;
      u.unit = unit_[unit_code];
      u.password_hash = "x";
      const UserId id = Must(tx->PutUser(u));
      return Principal{id, login, role, unit_[unit_code]};
    };
    officer1_ = user("officer.c1", Role::kUnitOfficer, "C1");
    leader1_ = user("leader.c1", Role::kUnitLeader, "C1");
    officer2_ = user("officer.c2", Role::kUnitOfficer, "C2");
    leader2_ = user("leader.c2", Role::kUnitLeader, "C2");
    agency_ = user("agency.d", Role::kStandingAgency, "D");
    steering_ = user("steering.p", Role::kSteering, "P");
    viewer1_ = user("viewer.c1", Role::kViewer, "C1");
    ASSERT_TRUE(tx->Commit().has_value());

    InstanceKey key;
    for (std::size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<unsigned char>(i);
    signer_ = std::make_unique<Signer>(key);
    ReportsOptions options;
    options.now = [this] { return now_; };
    options.today = [this] { return today_; };
    options.utc_offset = hours{7};
    reports_ = std::make_unique<Reports>(*store_, signer_.get(), options);
  }
  void TearDown() override {
    reports_.reset();
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(path_.string() + suffix, ec);
    }
  }

  Resource Create(const Principal& p, const char* unit, const char* period) {
    return Must(reports_->Create(
        p, json{{"plan", plan_.value}, {"unit", unit_[unit].value}, {"period", period}}));
  }
  static std::int64_t IdOf(const Resource& r) { return r.body["id"].get<std::int64_t>(); }
  Result<Resource> Act(const Principal& p, const Resource& current, ReportAction action,
                       const json& body = json::object()) {
    return reports_->Act(p, IdOf(current), action, body, current.etag);
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<Reports> reports_;
  std::map<std::string, OrgUnitId> unit_;
  std::map<std::string, TaskId> task_;
  PlanId plan_;
  IndicatorId i1_;
  Principal officer1_, leader1_, officer2_, leader2_, agency_, steering_, viewer1_;
  Instant now_ = At("2025-11-10T03:00:00.000Z");
  Date today_ = D("2025-11-10");
};

TEST_F(ReportsTest, ADraftGathersTheUnitsTasksValuesAndCompleteness) {
  const Resource draft = Create(officer1_, "C1", "202510");
  const json& b = draft.body;
  EXPECT_EQ(b["state"], "draft");
  EXPECT_EQ(b["revision"], 1);
  EXPECT_EQ(b["due_on"], "2025-11-20");
  EXPECT_EQ(b["timeliness"], "not_yet_due");
  EXPECT_EQ(b["unit_code"], "C1");
  EXPECT_EQ(b["created_by"], "officer.c1");
  const json& content = b["content"];
  EXPECT_EQ(content["report"], IdOf(draft));
  EXPECT_EQ(content["plan"]["code"], "PL");
  EXPECT_EQ(content["period"], "202510");
  ASSERT_EQ(content["tasks"].size(), 2u);
  EXPECT_EQ(content["tasks"][0]["code"], "T1");
  EXPECT_EQ(content["tasks"][0]["status"], "in_progress_on_time");
  EXPECT_EQ(content["tasks"][0]["progress_percent"], 40);
  EXPECT_EQ(content["tasks"][0]["difficulties"], "Thiếu máy");
  ASSERT_EQ(content["tasks"][0]["updates"].size(), 1u);
  EXPECT_EQ(content["tasks"][0]["updates"][0]["on"], "2025-10-15");
  EXPECT_EQ(content["tasks"][1]["code"], "T2");
  ASSERT_EQ(content["values"].size(), 1u);
  EXPECT_EQ(content["values"][0]["indicator_code"], "I1");
  EXPECT_EQ(content["values"][0]["value"], 12.0);
  // Required: I1's value (IY is yearly) and updates of T1 and T2; T2 has none.
  EXPECT_EQ(content["completeness"]["required"], 3);
  EXPECT_EQ(content["completeness"]["present"], 2);
  EXPECT_EQ(content["completeness"]["missing"], json::parse(R"([{"kind":"update","code":"T2"}])"));
  EXPECT_EQ(b["completeness"]["required"], 3);
  EXPECT_EQ(b["completeness"]["present"], 2);
  EXPECT_EQ(content["submitted_at"], nullptr);
}

TEST_F(ReportsTest, WholeLifecycleWithReturnResubmissionAndAcceptance) {
  Resource r = Create(officer1_, "C1", "202510");
  const std::int64_t id = IdOf(r);

  // Edit: If-Match is required and must be current.
  ExpectError(reports_->Edit(officer1_, id, {{"results", "x"}}, std::nullopt),
              ErrorCode::kVersionRequired);
  ExpectError(reports_->Edit(officer1_, id, {{"results", "x"}}, std::string("\"stale\"")),
              ErrorCode::kVersionMismatch, "report " + std::to_string(id));
  ExpectError(reports_->Edit(officer1_, id, {{"results", std::string(8001, 'a')}}, r.etag),
              ErrorCode::kInvalidArgument, "results");
  ExpectError(reports_->Edit(viewer1_, id, {{"results", "x"}}, r.etag),
              ErrorCode::kPermissionDenied, "viewer.c1");
  r = Must(reports_->Edit(officer1_, id, {{"results", "Đã lắp 3 trạm"}, {"difficulties", "Mưa lũ"}},
                          r.etag));
  EXPECT_EQ(r.body["results"], "Đã lắp 3 trạm");
  EXPECT_EQ(r.body["content"]["narrative"]["difficulties"], "Mưa lũ");

  ExpectError(Act(officer1_, r, ReportAction::kApprove), ErrorCode::kPermissionDenied);
  ExpectError(Act(leader1_, r, ReportAction::kApprove), ErrorCode::kFailedPrecondition,
              "a draft report cannot be approved");

  now_ = At("2025-11-18T02:00:00.000Z");
  r = Must(Act(officer1_, r, ReportAction::kSubmit));
  EXPECT_EQ(r.body["state"], "submitted");
  EXPECT_EQ(r.body["first_submitted_at"], "2025-11-18T02:00:00.000Z");
  EXPECT_EQ(r.body["submitted_by"], "officer.c1");
  EXPECT_EQ(r.body["content"]["submitted_at"], "2025-11-18T02:00:00.000Z");
  EXPECT_EQ(r.body["timeliness"], "on_time");
  ExpectError(reports_->Edit(officer1_, id, {{"results", "x"}}, r.etag),
              ErrorCode::kFailedPrecondition, "a submitted report cannot be edited");

  now_ = At("2025-11-18T04:00:00.000Z");
  r = Must(Act(leader1_, r, ReportAction::kApprove));
  EXPECT_EQ(r.body["state"], "approved");
  ASSERT_TRUE(r.body["signature"].is_object());
  EXPECT_EQ(r.body["signature"]["signer_login"], "leader.c1");
  EXPECT_EQ(r.body["signature"]["algorithm"], "ed25519");
  EXPECT_EQ(r.body["signature"]["signed_at"], "2025-11-18T04:00:00.000Z");
  const SignedReportDownload file = Must(reports_->Signed(officer1_, id));
  EXPECT_EQ(file.file_name, "report-C1-202510-r1.json");
  const VerifiedReport verified = Must(VerifySignedReportFile(file.content));
  EXPECT_EQ(verified.content["report"], id);
  EXPECT_EQ(verified.content["narrative"]["results"], "Đã lắp 3 trạm");
  EXPECT_EQ(verified.signature.signer_login, "leader.c1");

  // The leader may return only what is submitted; the standing agency returns approved ones.
  ExpectError(Act(leader1_, r, ReportAction::kReturn, {{"comment", "x"}}),
              ErrorCode::kPermissionDenied, "while it is approved");
  ExpectError(Act(agency_, r, ReportAction::kReturn, json::object()), ErrorCode::kInvalidArgument,
              "comment");
  ExpectError(Act(agency_, r, ReportAction::kReturn, {{"comment", "  "}}),
              ErrorCode::kInvalidArgument, "comment");
  r = Must(Act(agency_, r, ReportAction::kReturn, {{"comment", "Thiếu số liệu tháng 10"}}));
  EXPECT_EQ(r.body["state"], "returned");
  EXPECT_EQ(r.body["signature"], nullptr);
  ExpectError(reports_->Signed(officer1_, id), ErrorCode::kFailedPrecondition, "returned");

  r = Must(reports_->Edit(officer1_, id, {{"proposals", "Bổ sung kinh phí"}}, r.etag));
  now_ = At("2025-11-25T01:00:00.000Z");
  r = Must(Act(officer1_, r, ReportAction::kSubmit));
  EXPECT_EQ(r.body["first_submitted_at"], "2025-11-18T02:00:00.000Z");
  EXPECT_EQ(r.body["submitted_at"], "2025-11-25T01:00:00.000Z");
  EXPECT_EQ(r.body["timeliness"], "on_time");  // judged by the first submission
  r = Must(Act(leader1_, r, ReportAction::kApprove));
  ExpectError(Act(leader1_, r, ReportAction::kAccept), ErrorCode::kPermissionDenied);
  r = Must(Act(agency_, r, ReportAction::kAccept));
  EXPECT_EQ(r.body["state"], "accepted");
  EXPECT_EQ(r.body["content"]["narrative"]["proposals"], "Bổ sung kinh phí");
  EXPECT_EQ(Must(reports_->Signed(agency_, id)).file_name, "report-C1-202510-r1.json");

  ExpectError(reports_->Edit(officer1_, id, {{"results", "x"}}, r.etag),
              ErrorCode::kFailedPrecondition, "an accepted report cannot be edited");
  ExpectError(Act(agency_, r, ReportAction::kReturn, {{"comment", "x"}}),
              ErrorCode::kFailedPrecondition, "accepted");

  const json events = Must(reports_->Events(steering_, id));
  std::vector<std::string> steps;
  for (const json& e : events) {
    steps.push_back(e["action"].get<std::string>() + ":" +
                    (e["from"].is_null() ? std::string("-") : e["from"].get<std::string>()) + ">" +
                    e["to"].get<std::string>());
  }
  EXPECT_THAT(steps, ElementsAre("create:->draft", "edit:draft>draft", "submit:draft>submitted",
                                 "approve:submitted>approved", "return:approved>returned",
                                 "edit:returned>returned", "submit:returned>submitted",
                                 "approve:submitted>approved", "accept:approved>accepted"));
  EXPECT_EQ(events[4]["actor"], "agency.d");
  EXPECT_EQ(events[4]["comment"], "Thiếu số liệu tháng 10");
}

TEST_F(ReportsTest, LeaderReturnsASubmittedReportAndAStaleETagIsRefused) {
  Resource r = Create(officer1_, "C1", "202510");
  const Resource draft = r;
  r = Must(Act(officer1_, r, ReportAction::kSubmit));
  ExpectError(Act(officer1_, draft, ReportAction::kSubmit), ErrorCode::kVersionMismatch);
  ExpectError(
      reports_->Act(leader1_, IdOf(r), ReportAction::kReturn, {{"comment", "x"}}, std::nullopt),
      ErrorCode::kVersionRequired);
  r = Must(Act(leader1_, r, ReportAction::kReturn, {{"comment", "Viết lại phần kết quả"}}));
  EXPECT_EQ(r.body["state"], "returned");
}

TEST_F(ReportsTest, ApprovalWithoutSigningIsRefused) {
  ReportsOptions options;
  options.now = [this] { return now_; };
  options.today = [this] { return today_; };
  Reports unsigned_reports(*store_, nullptr, options);
  Resource r = Create(officer1_, "C1", "202510");
  r = Must(Act(officer1_, r, ReportAction::kSubmit));
  ExpectError(
      unsigned_reports.Act(leader1_, IdOf(r), ReportAction::kApprove, json::object(), r.etag),
      ErrorCode::kFailedPrecondition, "signing is not configured");
  EXPECT_EQ(Must(reports_->Get(leader1_, IdOf(r))).body["state"], "submitted");
}

TEST_F(ReportsTest, RevisionAfterAcceptanceKeepsTheAcceptedReport) {
  Resource r = Create(officer1_, "C1", "202510");
  r = Must(Act(officer1_, r, ReportAction::kSubmit));
  r = Must(Act(leader1_, r, ReportAction::kApprove));
  r = Must(Act(agency_, r, ReportAction::kAccept));
  const json accepted = r.body;
  ExpectError(reports_->Create(
                  officer1_,
                  json{{"plan", plan_.value}, {"unit", unit_["C1"].value}, {"period", "202510"}}),
              ErrorCode::kConflict, "already has a 202510 report");

  const Resource second =
      Must(Act(officer1_, r, ReportAction::kRevise, {{"comment", "Sửa số liệu tháng 10"}}));
  EXPECT_EQ(second.body["revision"], 2);
  EXPECT_EQ(second.body["supersedes"], IdOf(r));
  EXPECT_EQ(second.body["state"], "draft");
  EXPECT_EQ(second.body["results"], accepted["results"]);
  EXPECT_EQ(second.body["content"]["revision"], 2);
  EXPECT_EQ(second.body["content"]["supersedes"], IdOf(r));
  EXPECT_EQ(second.body["first_submitted_at"], nullptr);
  EXPECT_EQ(Must(reports_->Get(officer1_, IdOf(r))).body, accepted);
  ExpectError(Act(officer1_, r, ReportAction::kRevise), ErrorCode::kConflict, "superseded");
  const json events = Must(reports_->Events(officer1_, IdOf(second)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["action"], "revise");
  EXPECT_EQ(events[0]["comment"], "Sửa số liệu tháng 10");
  ExpectError(Act(agency_, r, ReportAction::kRevise), ErrorCode::kPermissionDenied);
}

TEST_F(ReportsTest, CreateChecksThePlanTheUnitTheScheduleAndTheCaller) {
  ExpectError(reports_->Create(
                  officer1_,
                  json{{"plan", plan_.value}, {"unit", unit_["C1"].value}, {"period", "2025Q4"}}),
              ErrorCode::kInvalidArgument, "does not report quarterly periods");
  ExpectError(
      reports_->Create(officer1_,
                       json{{"plan", 999}, {"unit", unit_["C1"].value}, {"period", "202510"}}),
      ErrorCode::kInvalidArgument, "no plan with id 999");
  ExpectError(reports_->Create(officer1_, json{{"plan", plan_.value}, {"period", "2025-10"}}),
              ErrorCode::kInvalidArgument, "unit");
  ExpectError(reports_->Create(officer1_, json{{"plan", plan_.value},
                                               {"unit", unit_["C1"].value},
                                               {"period", "202510"},
                                               {"extra", 1}}),
              ErrorCode::kInvalidArgument, "extra");
  ExpectError(
      reports_->Create(
          agency_, json{{"plan", plan_.value}, {"unit", unit_["C1"].value}, {"period", "202510"}}),
      ErrorCode::kPermissionDenied, "agency.d");
  ExpectError(reports_->Create(
                  officer2_,
                  json{{"plan", plan_.value}, {"unit", unit_["C1"].value}, {"period", "202510"}}),
              ErrorCode::kPermissionDenied, "'C1'");
}

TEST_F(ReportsTest, ReadersAreTheUnitsScopeAndThePlansAdministrators) {
  const Resource r = Create(officer1_, "C1", "202510");
  EXPECT_TRUE(reports_->Get(viewer1_, IdOf(r)).has_value());
  EXPECT_TRUE(reports_->Get(steering_, IdOf(r)).has_value());
  EXPECT_TRUE(reports_->Get(agency_, IdOf(r)).has_value());
  ExpectError(reports_->Get(officer2_, IdOf(r)), ErrorCode::kNotFound,
              "no report with id " + std::to_string(IdOf(r)));
  ExpectError(reports_->Events(officer2_, IdOf(r)), ErrorCode::kNotFound);
  ExpectError(reports_->Act(officer2_, IdOf(r), ReportAction::kSubmit, json::object(), r.etag),
              ErrorCode::kNotFound);
  ExpectError(reports_->Get(officer1_, 4242), ErrorCode::kNotFound, "4242");
  const Page page = Must(reports_->List(officer2_, {}));
  EXPECT_EQ(page.total, 0);
}

TEST_F(ReportsTest, InboxShowsWhatAwaitsEachRole) {
  Resource c1_draft = Create(officer1_, "C1", "202510");
  Resource c1_approved = Create(officer1_, "C1", "202511");
  c1_approved = Must(Act(officer1_, c1_approved, ReportAction::kSubmit));
  c1_approved = Must(Act(leader1_, c1_approved, ReportAction::kApprove));
  Resource c2_submitted = Create(officer2_, "C2", "202510");
  c2_submitted = Must(Act(officer2_, c2_submitted, ReportAction::kSubmit));

  auto inbox = [&](const Principal& p) {
    std::vector<std::int64_t> ids;
    for (const json& item : Must(reports_->List(p, {{"inbox", "true"}})).items) {
      ids.push_back(item["id"].get<std::int64_t>());
    }
    return ids;
  };
  EXPECT_THAT(inbox(officer1_), ElementsAre(IdOf(c1_draft)));
  EXPECT_THAT(inbox(leader1_), ElementsAre(IdOf(c1_draft)));
  EXPECT_THAT(inbox(officer2_), ElementsAre());
  EXPECT_THAT(inbox(leader2_), ElementsAre(IdOf(c2_submitted)));
  EXPECT_THAT(inbox(agency_), ElementsAre(IdOf(c1_approved)));
  EXPECT_THAT(inbox(viewer1_), ElementsAre());
  EXPECT_THAT(inbox(steering_), ElementsAre());

  // Without inbox: everything readable, filtered by the parameters.
  EXPECT_EQ(Must(reports_->List(steering_, {})).total, 3);
  EXPECT_EQ(Must(reports_->List(officer1_, {})).total, 2);
  EXPECT_EQ(Must(reports_->List(agency_, {{"state", "submitted"}})).total, 1);
  EXPECT_EQ(Must(reports_->List(agency_, {{"period", "202510"}})).total, 2);
  EXPECT_EQ(Must(reports_->List(agency_, {{"unit", std::to_string(unit_["C2"].value)}})).total, 1);
  const Page page = Must(reports_->List(agency_, {{"limit", "1"}, {"offset", "1"}}));
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0]["id"], IdOf(c1_approved));
  EXPECT_FALSE(page.items[0].contains("content"));
  ExpectError(reports_->List(agency_, {{"colour", "red"}}), ErrorCode::kInvalidArgument, "colour");
  ExpectError(reports_->List(agency_, {{"state", "done"}}), ErrorCode::kInvalidArgument, "done");
  ExpectError(reports_->List(agency_, {{"inbox", "yes"}}), ErrorCode::kInvalidArgument, "inbox");
  ExpectError(reports_->List(agency_, {{"limit", "0"}}), ErrorCode::kInvalidArgument, "limit");
}

TEST_F(ReportsTest, ScheduleIsTheDefaultUntilTheAgencySetsOne) {
  Resource s = Must(reports_->Schedule(viewer1_, plan_.value));
  EXPECT_EQ(s.body["default"], true);
  EXPECT_EQ(s.body["items"], json::parse(R"([{"period_type":"monthly","due_day":20}])"));
  const json quarterly = {{"items", {{{"period_type", "quarterly"}, {"due_day", 10}}}}};
  ExpectError(reports_->SetSchedule(officer1_, plan_.value, quarterly, s.etag),
              ErrorCode::kPermissionDenied, "officer.c1");
  ExpectError(reports_->SetSchedule(agency_, plan_.value, quarterly, std::nullopt),
              ErrorCode::kVersionRequired);
  auto bad = reports_->SetSchedule(
      agency_, plan_.value,
      {{"items", {{{"period_type", "monthly"}, {"due_day", 29}}, {{"period_type", "weekly"}}}}},
      s.etag);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  ASSERT_GE(bad.error().details.size(), 3u);
  EXPECT_EQ(bad.error().details[0].field, "items[0].due_day");
  EXPECT_EQ(bad.error().details[1].field, "items[1].period_type");
  EXPECT_EQ(bad.error().details[2].field, "items[1].due_day");
  ExpectError(reports_->SetSchedule(agency_, plan_.value, json{{"items", json::array()}}, s.etag),
              ErrorCode::kInvalidArgument, "items");
  ExpectError(reports_->SetSchedule(agency_, 999, quarterly, s.etag), ErrorCode::kNotFound);

  s = Must(reports_->SetSchedule(agency_, plan_.value, quarterly, s.etag));
  EXPECT_EQ(s.body["default"], false);
  EXPECT_EQ(s.body["items"], json::parse(R"([{"period_type":"quarterly","due_day":10}])"));
  const Resource q = Create(officer1_, "C1", "2025Q4");
  EXPECT_EQ(q.body["due_on"], "2026-01-10");
  ExpectError(reports_->Create(
                  officer1_,
                  json{{"plan", plan_.value}, {"unit", unit_["C1"].value}, {"period", "202510"}}),
              ErrorCode::kInvalidArgument, "does not report monthly periods");
}

// Hand-computed figures for 2025Q4 seen on 2025-12-25 in UTC+7:
//  C1 (T1, T2): 202510 first submitted 2025-11-20 23:30 local → on time, completeness 2/3;
//               202511 first submitted 2025-12-21 00:30 local → late, completeness 0/3;
//               202512 due 2026-01-20 → not yet due. Timeliness 1/2, completeness 1/3.
//  C2 (T3): 202510 and 202511 missing, 202512 not yet due. Timeliness 0/2.
//  C3: its only task was cancelled in June: not expected.
TEST_F(ReportsTest, ComplianceFiguresByHand) {
  now_ = At("2025-11-20T16:30:00.000Z");
  Resource oct = Create(officer1_, "C1", "202510");
  oct = Must(Act(officer1_, oct, ReportAction::kSubmit));
  now_ = At("2025-12-20T17:30:00.000Z");
  Resource nov = Create(officer1_, "C1", "202511");
  nov = Must(Act(officer1_, nov, ReportAction::kSubmit));
  today_ = D("2025-12-25");

  const auto rows = Must(ReportComplianceOf(*store_, plan_, P("2025Q4"), today_, hours{7}));
  ASSERT_EQ(rows.size(), 2u);
  const ReportComplianceRow& c1 = rows[0];
  EXPECT_EQ(c1.unit_code, "C1");
  EXPECT_EQ(c1.expected, 3);
  EXPECT_EQ(c1.submitted, 2);
  EXPECT_EQ(c1.on_time, 1);
  EXPECT_EQ(c1.late, 1);
  EXPECT_EQ(c1.missing, 0);
  EXPECT_EQ(c1.not_yet_due, 1);
  EXPECT_EQ(c1.due, 2);
  ASSERT_TRUE(c1.timeliness.has_value());
  EXPECT_DOUBLE_EQ(*c1.timeliness, 0.5);
  ASSERT_TRUE(c1.completeness.has_value());
  EXPECT_DOUBLE_EQ(*c1.completeness, (2.0 / 3.0 + 0.0) / 2.0);
  EXPECT_EQ(c1.last_submitted_at, "2025-12-20T17:30:00.000Z");
  const ReportComplianceRow& c2 = rows[1];
  EXPECT_EQ(c2.unit_code, "C2");
  EXPECT_EQ(c2.expected, 3);
  EXPECT_EQ(c2.submitted, 0);
  EXPECT_EQ(c2.missing, 2);
  EXPECT_EQ(c2.not_yet_due, 1);
  EXPECT_DOUBLE_EQ(c2.timeliness.value_or(-1), 0.0);
  EXPECT_EQ(c2.completeness, std::nullopt);
  EXPECT_EQ(c2.last_submitted_at, "");

  // In UTC the October report (16:30 UTC on the due date) is on time as well, and the
  // November one (17:30 UTC on 2025-12-20) too.
  const auto utc = Must(ReportComplianceOf(*store_, plan_, P("2025Q4"), today_, hours{0}));
  EXPECT_EQ(utc[0].on_time, 2);
  EXPECT_EQ(utc[0].late, 0);

  // The same through the use case, filtered to what the caller may read.
  const json own = Must(reports_->Compliance(
      officer2_, {{"plan", std::to_string(plan_.value)}, {"period", "2025Q4"}}));
  ASSERT_EQ(own["items"].size(), 1u);
  EXPECT_EQ(own["items"][0]["unit_code"], "C2");
  EXPECT_EQ(own["items"][0]["completeness"], nullptr);
  const json all = Must(
      reports_->Compliance(agency_, {{"plan", std::to_string(plan_.value)}, {"period", "2025Q4"}}));
  ASSERT_EQ(all["items"].size(), 2u);
  EXPECT_EQ(all["items"][0]["timeliness"], 0.5);
  ExpectError(reports_->Compliance(agency_, {{"plan", std::to_string(plan_.value)}}),
              ErrorCode::kInvalidArgument, "period");
  ExpectError(reports_->Compliance(agency_, {{"plan", "999"}, {"period", "2025"}}),
              ErrorCode::kNotFound, "999");

  EXPECT_THAT(Must(ExpectedReporters(*store_, plan_, P("202505"))),
              ElementsAre(unit_["C1"], unit_["C2"], unit_["C3"]));
  EXPECT_THAT(Must(ExpectedReporters(*store_, plan_, P("202510"))),
              ElementsAre(unit_["C1"], unit_["C2"]));
  EXPECT_TRUE(Must(ExpectedReporters(*store_, plan_, P("202412"))).empty());
}

}  // namespace
}  // namespace planwatch
