#include "planwatch/service/urging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "planwatch/service/import.h"

namespace planwatch {
namespace {

using nlohmann::json;
using std::chrono::minutes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Date D(std::string_view text) { return Date::Parse(text).value(); }

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

class UrgingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_urging_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    store_ = Must(Store::Open(StoreOptions{path_.string(), true}));
    Import(DataKind::kUnits,
           "code,name_vi,type,parent_code\n"
           "P,Tỉnh P,province,\n"
           "D,Sở D,department,P\n"
           "C1,Xã Một,commune,P\n"
           "C2,Xã Hai,commune,P\n");
    Import(DataKind::kPlans,
           "code,title_vi,issuer_code,standing_agency_code,start\n"
           "PL,Kế hoạch,P,D,2025-01-01\n"
           "PX,Kế hoạch khác,P,P,2025-01-01\n");
    Import(DataKind::kTasks,
           "plan_code,code,title_vi,lead_unit_code,kind,assigned_on,deadline,cadence\n"
           "PL,T1,Xây dựng kho dữ liệu,C1,deadline,2025-01-10,2025-09-30,\n"
           "PL,T2,Số hóa hồ sơ,C2,deadline,2025-01-10,2025-12-31,\n"
           "PL,R1,Việc thường xuyên,C1,recurring,2025-01-10,,monthly\n"
           "PX,X1,Việc khác,C2,deadline,2025-01-10,2025-09-30,\n");
    for (const OrgUnit& u : Must(store_->OrgUnits())) unit_[u.code] = u.id;
    for (const Plan& p : Must(store_->Plans())) {
      plan_[p.code] = p.id;
      for (const Task& t : Must(store_->Tasks(p.id))) task_[t.code] = t.id;
    }
    auto tx = Must(store_->Begin());
    // Yearly reports due 2026-01-20: no report is due within the scans of 2025 below.
    for (const auto& [code, id] : plan_) {
      MustOk(tx->PutReportSchedule(id, {ReportScheduleItem{PeriodType::kYear, 20}}));
    }
    user_["officer"] = AddUser(*tx, "officer.c1", Role::kUnitOfficer, "C1", "o1@c1.vn");
    user_["leader"] = AddUser(*tx, "leader.c1", Role::kUnitLeader, "C1", "");
    user_["viewer"] = AddUser(*tx, "viewer.c1", Role::kViewer, "C1", "v1@c1.vn");
    user_["officer2"] = AddUser(*tx, "officer.c2", Role::kUnitOfficer, "C2", "o2@c2.vn");
    user_["steering"] = AddUser(*tx, "steering.p", Role::kSteering, "P", "s@p.vn");
    user_["admin"] = AddUser(*tx, "admin.p", Role::kAdmin, "P", "");
    WebhookRecord hook;
    hook.url = "http://127.0.0.1:9/hook";
    hook.secret = "0123456789abcdef";
    hook.events = {"urging.notice", "urging.inspection_flag"};
    hook.created_by = "admin.p";
    hook_ = Must(tx->PutWebhook(hook));
    hook.url = "http://127.0.0.1:9/paused";
    hook.active = false;
    Must(tx->PutWebhook(hook));
    MustOk(tx->Commit());
  }
  void TearDown() override {
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
  UserId AddUser(Transaction& tx, std::string login, Role role, const std::string& unit,
                 std::string email) {
    UserRecord u;
    u.login = std::move(login);
    u.display_name = u.login;
    u.role = role;
    u.unit = unit_.at(unit);
    u.email = std::move(email);
    return Must(tx.PutUser(u));
  }
  Principal As(const std::string& who) {
    auto user = Must(store_->UserById(user_.at(who)));
    return Principal{user->id, user->login, user->role, user->unit};
  }
  std::vector<UrgingRecord> TaskUrgings(const std::string& task) {
    UrgingQuery q;
    q.task = task_.at(task);
    return Must(store_->Urgings(q));
  }
  static std::vector<UrgingRung> Rungs(const std::vector<UrgingRecord>& urgings) {
    std::vector<UrgingRung> out;
    for (const UrgingRecord& u : urgings) out.push_back(u.rung);
    return out;
  }
  void AppendEvent(const std::string& task, TaskEventKind kind, Date on,
                   std::optional<Date> completed_on = std::nullopt,
                   std::optional<Date> new_deadline = std::nullopt) {
    auto tx = Must(store_->Begin());
    TaskEvent e;
    e.task = task_.at(task);
    e.kind = kind;
    e.on = on;
    e.completed_on = completed_on;
    e.new_deadline = new_deadline;
    e.actor = "test";
    e.reason = "test";
    MustOk(tx->AppendTaskEvent(e));
    MustOk(tx->Commit());
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::map<std::string, OrgUnitId> unit_;
  std::map<std::string, PlanId> plan_;
  std::map<std::string, TaskId> task_;
  std::map<std::string, UserId> user_;
  WebhookId hook_;
};

TEST_F(UrgingTest, OverdueTaskClimbsTheLadderWithNotificationsEmailsAndWebhooks) {
  const ScanResult scan = Must(RunUrging(*store_, D("2025-10-01"), minutes(420)));
  const auto t1 = TaskUrgings("T1");
  EXPECT_THAT(Rungs(t1), ElementsAre(UrgingRung::kReminder, UrgingRung::kNotice));
  ASSERT_THAT(t1, SizeIs(2));
  EXPECT_EQ(t1[1].unit, unit_["C1"]);
  EXPECT_EQ(t1[1].plan, plan_["PL"]);
  EXPECT_EQ(t1[1].due_on, D("2025-09-30"));
  EXPECT_EQ(t1[1].raised_on, D("2025-10-01"));
  EXPECT_THAT(t1[1].message, HasSubstr("Nhiệm vụ T1 «Xây dựng kho dữ liệu» đã quá hạn "
                                       "(hạn ngày 30/09/2025)"));
  EXPECT_THAT(t1[1].message, HasSubstr("is overdue (due on 2025-09-30)"));
  // X1 (plan PX, C2) is overdue too; T2 is not yet in its reminder window; R1 is recurring.
  EXPECT_THAT(Rungs(TaskUrgings("X1")), ElementsAre(UrgingRung::kReminder, UrgingRung::kNotice));
  EXPECT_THAT(TaskUrgings("T2"), IsEmpty());
  EXPECT_THAT(TaskUrgings("R1"), IsEmpty());
  EXPECT_THAT(scan.raised, SizeIs(4));

  // Leaders and officers of C1 are notified (the viewer and other units are not).
  auto officer = Must(store_->Notifications(NotificationQuery{user_["officer"], false}));
  ASSERT_THAT(officer, SizeIs(2));
  EXPECT_EQ(officer[1].urging, t1[1].id);
  EXPECT_EQ(officer[1].source, "urging");
  EXPECT_EQ(officer[1].title, "Thông báo đôn đốc / Urging notice: T1");
  EXPECT_EQ(officer[1].link, "/api/v1/urgings/" + std::to_string(t1[1].id.value));
  EXPECT_THAT(Must(store_->Notifications(NotificationQuery{user_["leader"], false})), SizeIs(2));
  EXPECT_THAT(Must(store_->Notifications(NotificationQuery{user_["viewer"], false})), IsEmpty());
  EXPECT_THAT(Must(store_->Notifications(NotificationQuery{user_["officer2"], false})), SizeIs(2));
  EXPECT_EQ(scan.notifications, 6);

  // E-mails to users with an address: officer.c1 (2) and officer.c2 (2); one webhook post per
  // notice to the active hook subscribed to urging.notice.
  EXPECT_EQ(scan.emails, 4);
  EXPECT_EQ(scan.webhooks, 2);
  OutboxQuery emails;
  emails.channel = DeliveryChannel::kEmail;
  auto mail = Must(store_->Outbox(emails));
  ASSERT_THAT(mail, SizeIs(4));
  const OutboxRecord& notice_mail = mail[1];
  EXPECT_EQ(notice_mail.destination, "o1@c1.vn");
  EXPECT_EQ(notice_mail.subject, "[planwatch] Thông báo đôn đốc / Urging notice: T1");
  EXPECT_EQ(notice_mail.idempotency_key, "urging-" + std::to_string(t1[1].id.value) + "-email-" +
                                             std::to_string(user_["officer"].value));
  EXPECT_EQ(notice_mail.state, DeliveryState::kPending);
  EXPECT_THAT(notice_mail.payload, HasSubstr("Xem / View: /api/v1/urgings/"));
  OutboxQuery posts;
  posts.channel = DeliveryChannel::kWebhook;
  auto hooks = Must(store_->Outbox(posts));
  ASSERT_THAT(hooks, SizeIs(2));
  EXPECT_EQ(hooks[0].webhook, hook_);
  EXPECT_EQ(hooks[0].event, "urging.notice");
  const json body = json::parse(hooks[0].payload);
  EXPECT_EQ(body["event"], "urging.notice");
  EXPECT_EQ(body["delivery_id"], hooks[0].idempotency_key);
  EXPECT_EQ(body["urging"]["rung"], "notice");
  EXPECT_EQ(body["urging"]["unit"]["code"], "C1");
  EXPECT_EQ(body["urging"]["task"], task_["T1"].value);
}

TEST_F(UrgingTest, ScanIsIdempotentAndCatchesUpMissedDays) {
  EXPECT_THAT(Must(RunUrging(*store_, D("2025-09-25"), minutes(0))).raised, SizeIs(2));
  EXPECT_THAT(Must(RunUrging(*store_, D("2025-09-25"), minutes(0))).raised, IsEmpty());
  EXPECT_THAT(Must(RunUrging(*store_, D("2025-09-30"), minutes(0))).raised, IsEmpty());
  // Missed days: every rung skipped is raised once.
  const ScanResult late = Must(RunUrging(*store_, D("2025-11-15"), minutes(0)));
  EXPECT_THAT(Rungs(TaskUrgings("T1")),
              ElementsAre(UrgingRung::kReminder, UrgingRung::kNotice,
                          UrgingRung::kExplanationRequest, UrgingRung::kInspectionFlag));
  EXPECT_THAT(late.raised, SizeIs(6));
  const ScanResult again = Must(RunUrging(*store_, D("2025-11-15"), minutes(0)));
  EXPECT_THAT(again.raised, IsEmpty());
  EXPECT_EQ(again.emails, 0);
  // The inspection flag reaches the steering member whose scope holds C1.
  auto steering = Must(store_->Notifications(NotificationQuery{user_["steering"], false}));
  ASSERT_THAT(steering, SizeIs(2));
  EXPECT_THAT(steering[0].title, HasSubstr("Đề nghị kiểm tra / Inspection flag"));
}

TEST_F(UrgingTest, ClaimedOrCancelledTasksAreNotUrgedAndExtensionsMoveTheLadder) {
  AppendEvent("T1", TaskEventKind::kClaim, D("2025-09-20"), D("2025-09-18"));
  AppendEvent("X1", TaskEventKind::kCancel, D("2025-09-01"));
  AppendEvent("T2", TaskEventKind::kAmend, D("2025-09-01"), std::nullopt, D("2025-10-05"));
  Must(RunUrging(*store_, D("2025-10-03"), minutes(0)));
  EXPECT_THAT(TaskUrgings("T1"), IsEmpty());
  EXPECT_THAT(TaskUrgings("X1"), IsEmpty());
  // T2's deadline in force is 2025-10-05: the reminder only.
  const auto t2 = TaskUrgings("T2");
  EXPECT_THAT(Rungs(t2), ElementsAre(UrgingRung::kReminder));
  EXPECT_EQ(t2[0].due_on, D("2025-10-05"));
  EXPECT_EQ(t2[0].unit, unit_["C2"]);
}

TEST_F(UrgingTest, PlanRulesChangeTheLadder) {
  auto tx = Must(store_->Begin());
  MustOk(tx->PutUrgingRules(plan_["PL"], UrgingRules{0, 2, 3, 4}));
  MustOk(tx->Commit());
  Must(RunUrging(*store_, D("2025-10-02"), minutes(0)));
  EXPECT_THAT(Rungs(TaskUrgings("T1")), ElementsAre(UrgingRung::kReminder, UrgingRung::kNotice));
  Must(RunUrging(*store_, D("2025-10-04"), minutes(0)));
  EXPECT_THAT(Rungs(TaskUrgings("T1")),
              ElementsAre(UrgingRung::kReminder, UrgingRung::kNotice,
                          UrgingRung::kExplanationRequest, UrgingRung::kInspectionFlag));
}

TEST_F(UrgingTest, MissingReportsAreUrgedAndSubmittedOnesAreNot) {
  auto tx = Must(store_->Begin());
  MustOk(tx->PutReportSchedule(plan_["PL"], {ReportScheduleItem{PeriodType::kQuarter, 15}}));
  ReportRecord report;
  report.plan = plan_["PL"];
  report.unit = unit_["C1"];
  report.period = Period::Parse("2025Q1").value();
  report.state = ReportState::kSubmitted;
  report.due_on = D("2025-04-15");
  report.content = "{}";
  report.created_by = "officer.c1";
  // 2025-04-15T18:30Z is 2025-04-16 01:30 in UTC+7: submitted one day late, yet submitted.
  report.first_submitted_at = "2025-04-15T18:30:00.000Z";
  report.submitted_at = report.first_submitted_at;
  report.submitted_by = "officer.c1";
  Must(tx->PutReport(report));
  MustOk(tx->Commit());
  Must(RunUrging(*store_, D("2025-05-01"), minutes(420)));
  UrgingQuery reports;
  reports.subject = UrgingSubjectKind::kReport;
  auto urged = Must(store_->Urgings(reports));
  // C2 never submitted 2025Q1 (due 2025-04-15): reminder, notice, explanation request.
  ASSERT_THAT(urged, SizeIs(3));
  for (const UrgingRecord& u : urged) {
    EXPECT_EQ(u.unit, unit_["C2"]);
    EXPECT_EQ(u.period, Period::Parse("2025Q1").value());
    EXPECT_EQ(u.due_on, D("2025-04-15"));
  }
  EXPECT_EQ(urged[2].rung, UrgingRung::kExplanationRequest);
  EXPECT_THAT(urged[2].message, HasSubstr("Báo cáo định kỳ kỳ 2025Q1 của kế hoạch PL"));
}

TEST_F(UrgingTest, OffTrackIndicatorRaisesAnExplanationRequestOnce) {
  auto tx = Must(store_->Begin());
  Indicator indicator;
  indicator.code = "CT-4G";
  indicator.name_vi = "Thôn có sóng 4G";
  indicator.period_type = PeriodType::kMonth;
  indicator.baseline_value = 0;
  indicator.baseline_date = D("2025-01-01");
  indicator.responsible_unit = unit_["C1"];
  const IndicatorId id = Must(tx->PutIndicator(indicator));
  MustOk(tx->PutTarget(Target{id, OrgUnitId{}, D("2025-12-31"), 100}));
  for (int month = 1; month <= 9; ++month) {
    DataValue v;
    v.indicator = id;
    v.unit = unit_["C1"];
    v.period = Period::Of(PeriodType::kMonth, 2025, month);
    v.value = 5;
    v.stored_by = "test";
    MustOk(tx->PutDataValue(v));
  }
  MustOk(tx->Commit());
  Must(RunUrging(*store_, D("2025-10-02"), minutes(0)));
  UrgingQuery q;
  q.subject = UrgingSubjectKind::kIndicator;
  auto urged = Must(store_->Urgings(q));
  ASSERT_THAT(urged, SizeIs(1));
  EXPECT_EQ(urged[0].rung, UrgingRung::kExplanationRequest);
  EXPECT_EQ(urged[0].indicator, id);
  EXPECT_EQ(urged[0].unit, unit_["C1"]);
  EXPECT_EQ(urged[0].period, Period::Parse("202509").value());
  EXPECT_THAT(urged[0].message, HasSubstr("không đạt tiến độ"));
  Must(RunUrging(*store_, D("2025-10-03"), minutes(0)));
  EXPECT_THAT(Must(store_->Urgings(q)), SizeIs(1));
  // A scan limited to some plans leaves indicators alone.
  ScanOptions plans_only;
  plans_only.plan_filter = [](const Plan&) { return true; };
  EXPECT_THAT(Must(RunUrging(*store_, D("2025-10-03"), minutes(0), plans_only)).raised, IsEmpty());
}

TEST_F(UrgingTest, AnswersComeFromTheUnitsLeadersAndOfficersOnly) {
  Urgings urgings(
      *store_, [] { return D("2025-10-15"); }, minutes(0));
  const json run = Must(urgings.Run(As("admin"), json::object()));
  EXPECT_EQ(run["as_of"], "2025-10-15");
  EXPECT_EQ(run["raised"], 6);  // T1 and X1: reminder, notice, explanation request
  std::int64_t request = 0;
  std::int64_t notice = 0;
  for (const UrgingRecord& u : TaskUrgings("T1")) {
    if (u.rung == UrgingRung::kExplanationRequest) request = u.id.value;
    if (u.rung == UrgingRung::kNotice) notice = u.id.value;
  }
  ASSERT_NE(request, 0);
  ExpectError(urgings.Answer(As("viewer"), request, json{{"text", "x"}}),
              ErrorCode::kPermissionDenied, "viewer.c1 may not answer urging");
  ExpectError(urgings.Answer(As("officer2"), request, json{{"text", "x"}}), ErrorCode::kNotFound,
              "no urging with id " + std::to_string(request));
  ExpectError(urgings.Answer(As("officer"), notice, json{{"text", "x"}}),
              ErrorCode::kFailedPrecondition, "only an explanation request");
  auto empty = urgings.Answer(As("officer"), request, json{{"text", "   "}});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().details.at(0).field, "text");
  const json answered =
      Must(urgings.Answer(As("leader"), request, json{{"text", "  Thiếu kinh phí  "}}));
  EXPECT_EQ(answered["answer"], "Thiếu kinh phí");
  EXPECT_EQ(answered["answered_by"], "leader.c1");
  ExpectError(urgings.Answer(As("officer"), request, json{{"text", "again"}}), ErrorCode::kConflict,
              "already answered");
}

TEST_F(UrgingTest, ListsShowWhatTheCallerMayReadNewestFirst) {
  Urgings urgings(
      *store_, [] { return D("2025-10-15"); }, minutes(0));
  Must(urgings.Run(As("admin"), json{{"as_of", "2025-10-15"}}));
  const Page c1 = Must(urgings.List(As("viewer"), {}));
  EXPECT_EQ(c1.total, 3);
  EXPECT_EQ(c1.items[0]["rung"], "explanation_request");
  EXPECT_EQ(c1.items[0]["unit"]["code"], "C1");
  const Page all = Must(urgings.List(As("steering"), {{"rung", "notice"}}));
  EXPECT_EQ(all.total, 2);
  const Page open = Must(urgings.List(As("admin"), {{"open", "true"}, {"limit", "1"}}));
  EXPECT_EQ(open.total, 2);
  EXPECT_THAT(open.items, SizeIs(1));
  ExpectError(urgings.List(As("admin"), {{"rung", "shout"}}), ErrorCode::kInvalidArgument, "rung");
  ExpectError(urgings.List(As("admin"), {{"colour", "red"}}), ErrorCode::kInvalidArgument,
              "colour");
  ExpectError(urgings.Get(As("officer2"), c1.items[0]["id"].get<std::int64_t>()),
              ErrorCode::kNotFound, "no urging");
}

TEST_F(UrgingTest, RunIsForRootAdminsAndStandingAgenciesOfTheirPlans) {
  Urgings urgings(
      *store_, [] { return D("2025-10-15"); }, minutes(0));
  ExpectError(urgings.Run(As("officer"), json::object()), ErrorCode::kPermissionDenied,
              "officer.c1 may not run the urging scan");
  auto tx = Must(store_->Begin());
  UserRecord agency;
  agency.login = "agency.d";
  agency.role = Role::kStandingAgency;
  agency.unit = unit_["D"];
  const UserId agency_id = Must(tx->PutUser(agency));
  MustOk(tx->Commit());
  const json run =
      Must(urgings.Run(Principal{agency_id, "agency.d", Role::kStandingAgency, unit_["D"]},
                       json{{"as_of", "2025-10-15"}}));
  EXPECT_EQ(run["raised"], 3);  // plan PL only: T1's three rungs
  EXPECT_THAT(TaskUrgings("X1"), IsEmpty());
  auto bad = urgings.Run(As("admin"), json{{"as_of", "15/10/2025"}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().details.at(0).field, "as_of");
}

TEST_F(UrgingTest, RulesAreReadByAllAndSetByThePlansAdministrators) {
  Urgings urgings(
      *store_, [] { return D("2025-10-15"); }, minutes(0));
  const json rules = Must(urgings.Rules(As("viewer"), plan_["PL"].value));
  EXPECT_EQ(rules["reminder_days_before"], 7);
  EXPECT_EQ(rules["default"], true);
  const json body{{"reminder_days_before", 3},
                  {"notice_days_after", 2},
                  {"explanation_days_after", 5},
                  {"inspection_days_after", 15}};
  ExpectError(urgings.PutRules(As("officer"), plan_["PL"].value, body),
              ErrorCode::kPermissionDenied, "plan PL");
  const json set = Must(urgings.PutRules(As("admin"), plan_["PL"].value, body));
  EXPECT_EQ(set["default"], false);
  EXPECT_EQ(Must(urgings.Rules(As("viewer"), plan_["PL"].value))["inspection_days_after"], 15);
  json wrong = body;
  wrong["explanation_days_after"] = 1;
  auto refused = urgings.PutRules(As("admin"), plan_["PL"].value, wrong);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().details.at(0).field, "explanation_days_after");
  ExpectError(urgings.Rules(As("viewer"), 999), ErrorCode::kNotFound, "no plan with id 999");
}

TEST_F(UrgingTest, NotificationCentreIsTheCallersOwn) {
  Must(RunUrging(*store_, D("2025-10-01"), minutes(0)));
  Notifications centre(*store_);
  EXPECT_EQ(Must(centre.UnreadCount(As("officer")))["unread"], 2);
  const Page page = Must(centre.List(As("officer"), {{"unread", "true"}}));
  ASSERT_EQ(page.total, 2);
  const std::int64_t newest = page.items[0]["id"].get<std::int64_t>();
  EXPECT_EQ(page.items[0]["title"], "Thông báo đôn đốc / Urging notice: T1");
  ExpectError(centre.MarkRead(As("leader"), newest), ErrorCode::kNotFound, "no notification");
  const json read = Must(centre.MarkRead(As("officer"), newest));
  EXPECT_TRUE(read["read_at"].is_string());
  EXPECT_EQ(Must(centre.UnreadCount(As("officer")))["unread"], 1);
  EXPECT_EQ(Must(centre.MarkAllRead(As("officer")))["marked"], 1);
  EXPECT_EQ(Must(centre.UnreadCount(As("officer")))["unread"], 0);
  EXPECT_EQ(Must(centre.UnreadCount(As("leader")))["unread"], 2);
  ExpectError(centre.List(As("officer"), {{"unread", "yes"}}), ErrorCode::kInvalidArgument,
              "unread");
}

TEST_F(UrgingTest, WebhooksAreManagedByRootAdminsAndTheSecretShownOnce) {
  Webhooks webhooks(*store_);
  ExpectError(webhooks.List(As("steering")), ErrorCode::kPermissionDenied,
              "steering.p may not manage webhooks");
  const json created = Must(webhooks.Create(
      As("admin"), json{{"url", "https://hooks.example.vn/pw"}, {"events", {"urging.reminder"}}}));
  EXPECT_EQ(created["url"], "https://hooks.example.vn/pw");
  EXPECT_EQ(created["secret"].get<std::string>().size(), 43u);
  EXPECT_EQ(created["created_by"], "admin.p");
  const json list = Must(webhooks.List(As("admin")));
  ASSERT_THAT(list["items"], SizeIs(3));
  EXPECT_FALSE(list["items"][2].contains("secret"));
  auto bad = webhooks.Create(As("admin"), json{{"url", "ftp://x"}, {"events", {"urging.later"}}});
  ASSERT_FALSE(bad.has_value());
  ASSERT_THAT(bad.error().details, SizeIs(2));
  EXPECT_EQ(bad.error().details[0].field, "url");
  EXPECT_EQ(bad.error().details[1].field, "events");
  auto missing = webhooks.Create(As("admin"), json{{"url", "http://x/y"}});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().details.at(0).field, "events");
  const std::int64_t id = created["id"].get<std::int64_t>();
  MustOk(webhooks.Delete(As("admin"), id));
  ExpectError(webhooks.Delete(As("admin"), id), ErrorCode::kNotFound,
              "no webhook with id " + std::to_string(id));
}

}  // namespace
}  // namespace planwatch
