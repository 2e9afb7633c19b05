// Conformance of urging rules, urgings, notifications, webhooks and the delivery outbox
// (store.h, "Urging, notifications and the outbox"): run by every engine through the
// StoreConformanceTest fixture (store_conformance.h), instantiated in store_conformance_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "planwatch/storage/store_conformance.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

constexpr char kStamp[] = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z";

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

Date D(std::string_view text) { return Date::Parse(text).value(); }

struct World {
  OrgUnitId province;
  OrgUnitId commune;
  PlanId plan;
  TaskId task;
  IndicatorId indicator;
  UserId officer;
  UserId leader;
};

World Seed(Store& store) {
  World w;
  auto tx = Must(store.Begin());
  OrgUnit province;
  province.code = "SL";
  province.name_vi = "Tỉnh Sơn La";
  province.type = OrgUnitType::kProvince;
  w.province = Must(tx->PutOrgUnit(province));
  OrgUnit commune;
  commune.code = "CA";
  commune.name_vi = "Phường Chiềng An";
  commune.type = OrgUnitType::kWard;
  commune.parent = w.province;
  w.commune = Must(tx->PutOrgUnit(commune));
  Plan plan;
  plan.code = "333-KH/TU";
  plan.title_vi = "Kế hoạch 333";
  plan.issuer = w.province;
  w.plan = Must(tx->PutPlan(plan));
  Task task;
  task.plan = w.plan;
  task.code = "NV-01";
  task.title_vi = "Xây dựng kho dữ liệu";
  task.lead_unit = w.commune;
  task.assigned_on = D("2025-05-07");
  task.deadline = D("2025-06-30");
  w.task = Must(tx->PutTask(task));
  Indicator indicator;
  indicator.code = "CT-01";
  indicator.name_vi = "Tỷ lệ";
  w.indicator = Must(tx->PutIndicator(indicator));
  UserRecord user;
  user.login = "officer.ca";
  user.role = Role::kUnitOfficer;
  user.unit = w.commune;
  user.email = "officer@chiengan.gov.vn";
  w.officer = Must(tx->PutUser(user));
  user.login = "leader.ca";
  user.role = Role::kUnitLeader;
  user.email = "";
  w.leader = Must(tx->PutUser(user));
  MustOk(tx->Commit());
  return w;
}

UrgingRecord TaskUrging(const World& w, UrgingRung rung) {
  UrgingRecord u;
  u.subject = UrgingSubjectKind::kTask;
  u.task = w.task;
  u.plan = w.plan;
  u.unit = w.commune;
  u.rung = rung;
  u.due_on = D("2025-06-30");
  u.raised_on = D("2025-07-01");
  u.message = "Nhiệm vụ NV-01 đã quá hạn.\n\nTask NV-01 is overdue.";
  return u;
}

TEST_P(StoreConformanceTest, UserEmailIsStoredAndReplaced) {
  const World w = Seed(store());
  auto user = Must(store().UserById(w.officer));
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->email, "officer@chiengan.gov.vn");
  EXPECT_EQ(Must(store().UserByLogin("leader.ca"))->email, "");
  auto tx = Begin();
  UserRecord changed = *user;
  changed.email = "new@chiengan.gov.vn";
  Must(tx->PutUser(changed));
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().UserById(w.officer))->email, "new@chiengan.gov.vn");
}

TEST_P(StoreConformanceTest, UrgingRulesDefaultToNoneAndAreReplaced) {
  const World w = Seed(store());
  EXPECT_EQ(Must(store().PlanUrgingRules(w.plan)), std::nullopt);
  auto tx = Begin();
  MustOk(tx->PutUrgingRules(w.plan, UrgingRules{3, 2, 5, 20}));
  MustOk(tx->PutUrgingRules(w.plan, UrgingRules{5, 2, 6, 21}));
  ExpectError(tx->PutUrgingRules(w.plan, UrgingRules{5, 6, 6, 21}), ErrorCode::kInvalidArgument,
              "explanation_days_after");
  ExpectError(tx->PutUrgingRules(PlanId{999}, UrgingRules{}), ErrorCode::kInvalidArgument,
              "plan 999");
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().PlanUrgingRules(w.plan)), (UrgingRules{5, 2, 6, 21}));
  Reopen();
  EXPECT_EQ(Must(store().PlanUrgingRules(w.plan)), (UrgingRules{5, 2, 6, 21}));
}

TEST_P(StoreConformanceTest, UrgingIsRaisedOncePerSubjectAndRung) {
  const World w = Seed(store());
  auto tx = Begin();
  const UrgingId notice = Must(tx->PutUrging(TaskUrging(w, UrgingRung::kNotice)));
  const UrgingId reminder = Must(tx->PutUrging(TaskUrging(w, UrgingRung::kReminder)));
  ExpectError(tx->PutUrging(TaskUrging(w, UrgingRung::kNotice)), ErrorCode::kConflict,
              "already raised (urging " + std::to_string(notice.value) + ")");
  UrgingRecord report;
  report.subject = UrgingSubjectKind::kReport;
  report.plan = w.plan;
  report.unit = w.commune;
  report.period = Period::Parse("202506").value();
  report.rung = UrgingRung::kNotice;
  report.due_on = D("2025-07-20");
  report.raised_on = D("2025-07-21");
  const UrgingId report_notice = Must(tx->PutUrging(report));
  report.period = Period::Parse("202507").value();
  Must(tx->PutUrging(report));  // another period: another subject
  UrgingRecord value;
  value.subject = UrgingSubjectKind::kIndicator;
  value.indicator = w.indicator;
  value.unit = w.commune;
  value.period = Period::Parse("2025Q2").value();
  value.rung = UrgingRung::kExplanationRequest;
  value.due_on = D("2025-06-30");
  value.raised_on = D("2025-07-21");
  Must(tx->PutUrging(value));
  MustOk(tx->Commit());

  auto all = Must(store().Urgings(UrgingQuery{}));
  ASSERT_THAT(all, SizeIs(5));
  EXPECT_EQ(all[0].id, notice);
  EXPECT_EQ(all[1].id, reminder);
  EXPECT_EQ(all[0].subject, UrgingSubjectKind::kTask);
  EXPECT_EQ(all[0].task, w.task);
  EXPECT_EQ(all[0].plan, w.plan);
  EXPECT_EQ(all[0].unit, w.commune);
  EXPECT_EQ(all[0].rung, UrgingRung::kNotice);
  EXPECT_EQ(all[0].due_on, D("2025-06-30"));
  EXPECT_EQ(all[0].raised_on, D("2025-07-01"));
  EXPECT_EQ(all[0].message, "Nhiệm vụ NV-01 đã quá hạn.\n\nTask NV-01 is overdue.");
  EXPECT_EQ(all[0].answer, "");
  EXPECT_THAT(all[0].created_at, MatchesRegex(kStamp));
  EXPECT_EQ(all[2].id, report_notice);
  EXPECT_EQ(all[2].period, Period::Parse("202506").value());
  EXPECT_EQ(all[4].indicator, w.indicator);
  EXPECT_EQ(all[4].plan, PlanId{});

  UrgingQuery by_rung;
  by_rung.rung = UrgingRung::kNotice;
  EXPECT_THAT(Must(store().Urgings(by_rung)), SizeIs(3));
  UrgingQuery by_subject;
  by_subject.subject = UrgingSubjectKind::kReport;
  EXPECT_THAT(Must(store().Urgings(by_subject)), SizeIs(2));
  UrgingQuery by_task;
  by_task.task = w.task;
  EXPECT_THAT(Must(store().Urgings(by_task)), SizeIs(2));
  UrgingQuery other_unit;
  other_unit.unit = w.province;
  EXPECT_THAT(Must(store().Urgings(other_unit)), IsEmpty());
  UrgingQuery open;
  open.open_only = true;
  EXPECT_THAT(Must(store().Urgings(open)), SizeIs(1));
  EXPECT_EQ(Must(store().UrgingById(UrgingId{999})), std::nullopt);
}

TEST_P(StoreConformanceTest, UrgingFieldsMustFitTheSubjectAndExist) {
  const World w = Seed(store());
  auto tx = Begin();
  UrgingRecord no_task = TaskUrging(w, UrgingRung::kNotice);
  no_task.task = TaskId{};
  ExpectError(tx->PutUrging(no_task), ErrorCode::kInvalidArgument, "needs a task");
  UrgingRecord missing_task = TaskUrging(w, UrgingRung::kNotice);
  missing_task.task = TaskId{77};
  ExpectError(tx->PutUrging(missing_task), ErrorCode::kInvalidArgument, "task 77 does not exist");
  UrgingRecord missing_unit = TaskUrging(w, UrgingRung::kNotice);
  missing_unit.unit = OrgUnitId{55};
  ExpectError(tx->PutUrging(missing_unit), ErrorCode::kInvalidArgument,
              "org unit 55 does not exist");
  UrgingRecord report;
  report.subject = UrgingSubjectKind::kReport;
  report.plan = w.plan;
  report.unit = w.commune;
  ExpectError(tx->PutUrging(report), ErrorCode::kInvalidArgument, "needs a plan and a period");
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().Urgings(UrgingQuery{})), IsEmpty());
}

TEST_P(StoreConformanceTest, OnlyAnExplanationRequestIsAnsweredAndOnce) {
  const World w = Seed(store());
  auto tx = Begin();
  const UrgingId notice = Must(tx->PutUrging(TaskUrging(w, UrgingRung::kNotice)));
  const UrgingId request = Must(tx->PutUrging(TaskUrging(w, UrgingRung::kExplanationRequest)));
  MustOk(tx->Commit());

  tx = Begin();
  ExpectError(tx->AnswerUrging(notice, "Đang làm", "officer.ca"), ErrorCode::kFailedPrecondition,
              "only an explanation request");
  ExpectError(tx->AnswerUrging(UrgingId{999}, "x", "officer.ca"), ErrorCode::kNotFound,
              "urging 999");
  ExpectError(tx->AnswerUrging(request, "", "officer.ca"), ErrorCode::kInvalidArgument, "empty");
  MustOk(tx->AnswerUrging(request, "Thiếu kinh phí", "officer.ca"));
  ExpectError(tx->AnswerUrging(request, "Lần hai", "leader.ca"), ErrorCode::kConflict,
              "already answered");
  MustOk(tx->Commit());
  auto answered = Must(store().UrgingById(request));
  ASSERT_TRUE(answered.has_value());
  EXPECT_EQ(answered->answer, "Thiếu kinh phí");
  EXPECT_EQ(answered->answered_by, "officer.ca");
  EXPECT_THAT(answered->answered_at, MatchesRegex(kStamp));
  UrgingQuery open;
  open.open_only = true;
  EXPECT_THAT(Must(store().Urgings(open)), IsEmpty());
}

TEST_P(StoreConformanceTest, NotificationsAreReadOnceAndPerUser) {
  const World w = Seed(store());
  auto tx = Begin();
  const UrgingId urging = Must(tx->PutUrging(TaskUrging(w, UrgingRung::kNotice)));
  NotificationRecord n;
  n.user = w.officer;
  n.urging = urging;
  n.source = "urging";
  n.title = "Thông báo đôn đốc / Urging notice: NV-01";
  n.body = "Quá hạn";
  n.link = "/api/v1/urgings/1";
  const NotificationId first = Must(tx->PutNotification(n));
  n.urging = UrgingId{};
  n.source = "reports";
  const NotificationId second = Must(tx->PutNotification(n));
  n.user = w.leader;
  const NotificationId leaders = Must(tx->PutNotification(n));
  NotificationRecord bad = n;
  bad.title = "";
  ExpectError(tx->PutNotification(bad), ErrorCode::kInvalidArgument, "title is empty");
  bad = n;
  bad.user = UserId{404};
  ExpectError(tx->PutNotification(bad), ErrorCode::kInvalidArgument, "user does not exist");
  bad = n;
  bad.urging = UrgingId{404};
  ExpectError(tx->PutNotification(bad), ErrorCode::kInvalidArgument, "urging 404");
  MustOk(tx->Commit());

  auto mine = Must(store().Notifications(NotificationQuery{w.officer, false}));
  ASSERT_THAT(mine, SizeIs(2));
  EXPECT_EQ(mine[0].id, first);
  EXPECT_EQ(mine[0].urging, urging);
  EXPECT_EQ(mine[0].title, "Thông báo đôn đốc / Urging notice: NV-01");
  EXPECT_EQ(mine[0].read_at, "");
  EXPECT_EQ(mine[1].id, second);
  EXPECT_EQ(mine[1].source, "reports");

  tx = Begin();
  MustOk(tx->MarkNotificationRead(first));
  ExpectError(tx->MarkNotificationRead(NotificationId{999}), ErrorCode::kNotFound,
              "notification 999");
  MustOk(tx->Commit());
  const std::string read_at = Must(store().NotificationById(first))->read_at;
  EXPECT_THAT(read_at, MatchesRegex(kStamp));
  tx = Begin();
  MustOk(tx->MarkNotificationRead(first));  // the first read is kept
  EXPECT_EQ(Must(tx->MarkNotificationsRead(w.officer)), 1);
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().NotificationById(first))->read_at, read_at);
  EXPECT_THAT(Must(store().Notifications(NotificationQuery{w.officer, true})), IsEmpty());
  auto leader_unread = Must(store().Notifications(NotificationQuery{w.leader, true}));
  ASSERT_THAT(leader_unread, SizeIs(1));
  EXPECT_EQ(leader_unread[0].id, leaders);
}

TEST_P(StoreConformanceTest, WebhooksAreReplacedAndSoftDeleted) {
  Seed(store());
  auto tx = Begin();
  WebhookRecord hook;
  hook.url = "http://127.0.0.1:9000/hook";
  hook.secret = "s3cret-s3cret-s3cret";
  hook.events = {"urging.notice", "urging.inspection_flag"};
  hook.created_by = "admin";
  const WebhookId id = Must(tx->PutWebhook(hook));
  WebhookRecord twice = hook;
  twice.events = {"urging.notice", "urging.notice"};
  ExpectError(tx->PutWebhook(twice), ErrorCode::kInvalidArgument, "listed twice");
  WebhookRecord no_secret = hook;
  no_secret.secret = "";
  ExpectError(tx->PutWebhook(no_secret), ErrorCode::kInvalidArgument, "secret is empty");
  MustOk(tx->Commit());

  auto hooks = Must(store().Webhooks());
  ASSERT_THAT(hooks, SizeIs(1));
  EXPECT_EQ(hooks[0].id, id);
  EXPECT_EQ(hooks[0].url, "http://127.0.0.1:9000/hook");
  EXPECT_EQ(hooks[0].secret, "s3cret-s3cret-s3cret");
  EXPECT_THAT(hooks[0].events, ElementsAre("urging.notice", "urging.inspection_flag"));
  EXPECT_TRUE(hooks[0].active);
  EXPECT_EQ(hooks[0].created_by, "admin");
  EXPECT_THAT(hooks[0].created_at, MatchesRegex(kStamp));

  tx = Begin();
  WebhookRecord paused = hooks[0];
  paused.active = false;
  paused.events = {"urging.reminder"};
  EXPECT_EQ(Must(tx->PutWebhook(paused)), id);
  MustOk(tx->Commit());
  auto replaced = Must(store().WebhookById(id));
  ASSERT_TRUE(replaced.has_value());
  EXPECT_FALSE(replaced->active);
  EXPECT_THAT(replaced->events, ElementsAre("urging.reminder"));
  EXPECT_EQ(replaced->created_at, hooks[0].created_at);

  tx = Begin();
  MustOk(tx->DeleteWebhook(id));
  ExpectError(tx->DeleteWebhook(id), ErrorCode::kNotFound, "webhook");
  ExpectError(tx->PutWebhook(paused), ErrorCode::kNotFound, "does not exist");
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().Webhooks()), IsEmpty());
  auto deleted = Must(store().WebhookById(id));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_THAT(deleted->deleted_at, MatchesRegex(kStamp));
}

OutboxRecord Email(std::string key) {
  OutboxRecord m;
  m.channel = DeliveryChannel::kEmail;
  m.destination = "officer@chiengan.gov.vn";
  m.event = "urging.notice";
  m.subject = "Thông báo đôn đốc";
  m.payload = "Nhiệm vụ NV-01 đã quá hạn.";
  m.idempotency_key = std::move(key);
  return m;
}

TEST_P(StoreConformanceTest, OutboxRowsAreQueuedOncePerKey) {
  const World w = Seed(store());
  auto tx = Begin();
  const UrgingId urging = Must(tx->PutUrging(TaskUrging(w, UrgingRung::kNotice)));
  OutboxRecord first = Email("urging-1-email-1");
  first.urging = urging;
  const OutboxId id = Must(tx->PutOutbox(first));
  ExpectError(tx->PutOutbox(Email("urging-1-email-1")), ErrorCode::kConflict,
              "already queued (outbox " + std::to_string(id.value) + ")");
  ExpectError(tx->PutOutbox(Email("")), ErrorCode::kInvalidArgument, "key is empty");
  OutboxRecord later = Email("later");
  later.next_attempt_at = "2030-01-01T00:00:00Z";
  const OutboxId later_id = Must(tx->PutOutbox(later));
  OutboxRecord malformed = Email("malformed");
  malformed.next_attempt_at = "tomorrow";
  ExpectError(tx->PutOutbox(malformed), ErrorCode::kInvalidArgument, "next_attempt_at");
  OutboxRecord hookless = Email("hookless");
  hookless.channel = DeliveryChannel::kWebhook;
  ExpectError(tx->PutOutbox(hookless), ErrorCode::kInvalidArgument, "names no webhook");
  MustOk(tx->Commit());

  auto row = Must(store().OutboxById(id));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, DeliveryState::kPending);
  EXPECT_EQ(row->attempts, 0);
  EXPECT_EQ(row->next_attempt_at, row->created_at);
  EXPECT_THAT(row->created_at, MatchesRegex(kStamp));
  EXPECT_EQ(row->urging, urging);
  EXPECT_EQ(row->subject, "Thông báo đôn đốc");
  EXPECT_EQ(row->last_error, "");

  OutboxQuery due;
  due.state = DeliveryState::kPending;
  due.due_by = "2029-12-31T23:59:59.999Z";
  auto due_rows = Must(store().Outbox(due));
  ASSERT_THAT(due_rows, SizeIs(1));
  EXPECT_EQ(due_rows[0].id, id);
  due.due_by = "2030-01-01T00:00:00.000Z";
  EXPECT_THAT(Must(store().Outbox(due)), SizeIs(2));
  due.limit = 1;
  EXPECT_THAT(Must(store().Outbox(due)), SizeIs(1));
  EXPECT_EQ(Must(store().OutboxById(later_id))->next_attempt_at, "2030-01-01T00:00:00.000Z");
  OutboxQuery bad;
  bad.due_by = "now";
  ExpectError(store().Outbox(bad), ErrorCode::kInvalidArgument, "due_by");
}

TEST_P(StoreConformanceTest, AttemptsOpenBeforeSendingAndCloseWithTheirOutcome) {
  Seed(store());
  auto tx = Begin();
  const OutboxId id = Must(tx->PutOutbox(Email("k1")));
  MustOk(tx->Commit());

  tx = Begin();
  EXPECT_EQ(Must(tx->StartDeliveryAttempt(id, "2025-07-01T01:00:00Z")), 1);
  ExpectError(tx->StartDeliveryAttempt(id, "2025-07-01T01:00:01Z"), ErrorCode::kFailedPrecondition,
              "sending, not pending");
  ExpectError(tx->StartDeliveryAttempt(OutboxId{99}, "2025-07-01T01:00:01Z"), ErrorCode::kNotFound,
              "outbox 99");
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().OutboxById(id))->state, DeliveryState::kSending);
  auto open = Must(store().DeliveryAttempts(id));
  ASSERT_THAT(open, SizeIs(1));
  EXPECT_EQ(open[0].outcome, AttemptOutcome::kOpen);
  EXPECT_EQ(open[0].started_at, "2025-07-01T01:00:00.000Z");
  EXPECT_EQ(open[0].finished_at, "");

  tx = Begin();
  DeliveryAttemptEnd retry;
  retry.finished_at = "2025-07-01T01:00:02Z";
  retry.outcome = AttemptOutcome::kRetry;
  retry.error = "connection refused";
  retry.next_attempt_at = "2025-07-01T01:00:32Z";
  MustOk(tx->FinishDeliveryAttempt(id, retry));
  ExpectError(tx->FinishDeliveryAttempt(id, retry), ErrorCode::kFailedPrecondition, "not sending");
  MustOk(tx->Commit());
  auto pending = Must(store().OutboxById(id));
  EXPECT_EQ(pending->state, DeliveryState::kPending);
  EXPECT_EQ(pending->attempts, 1);
  EXPECT_EQ(pending->next_attempt_at, "2025-07-01T01:00:32.000Z");
  EXPECT_EQ(pending->last_error, "connection refused");

  tx = Begin();
  EXPECT_EQ(Must(tx->StartDeliveryAttempt(id, "2025-07-01T01:00:40Z")), 2);
  DeliveryAttemptEnd open_end;
  open_end.finished_at = "2025-07-01T01:00:41Z";
  open_end.outcome = AttemptOutcome::kOpen;
  ExpectError(tx->FinishDeliveryAttempt(id, open_end), ErrorCode::kInvalidArgument,
              "cannot end as open");
  DeliveryAttemptEnd delivered;
  delivered.finished_at = "2025-07-01T01:00:41Z";
  delivered.outcome = AttemptOutcome::kDelivered;
  MustOk(tx->FinishDeliveryAttempt(id, delivered));
  MustOk(tx->Commit());
  auto done = Must(store().OutboxById(id));
  EXPECT_EQ(done->state, DeliveryState::kDelivered);
  EXPECT_EQ(done->attempts, 2);
  EXPECT_EQ(done->delivered_at, "2025-07-01T01:00:41.000Z");
  EXPECT_EQ(done->last_error, "connection refused");
  auto attempts = Must(store().DeliveryAttempts(id));
  ASSERT_THAT(attempts, SizeIs(2));
  EXPECT_EQ(attempts[0].number, 1);
  EXPECT_EQ(attempts[0].outcome, AttemptOutcome::kRetry);
  EXPECT_EQ(attempts[0].finished_at, "2025-07-01T01:00:02.000Z");
  EXPECT_EQ(attempts[0].error, "connection refused");
  EXPECT_EQ(attempts[1].number, 2);
  EXPECT_EQ(attempts[1].outcome, AttemptOutcome::kDelivered);
  tx = Begin();
  ExpectError(tx->StartDeliveryAttempt(id, "2025-07-01T02:00:00Z"), ErrorCode::kFailedPrecondition,
              "delivered, not pending");
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().DeliveryAttempts(OutboxId{99})), IsEmpty());
}

TEST_P(StoreConformanceTest, AnOpenAttemptSurvivesReopeningAndFailsOrIsInterrupted) {
  Seed(store());
  auto tx = Begin();
  const OutboxId a = Must(tx->PutOutbox(Email("a")));
  const OutboxId b = Must(tx->PutOutbox(Email("b")));
  MustOk(tx->Commit());
  tx = Begin();
  Must(tx->StartDeliveryAttempt(a, "2025-07-01T01:00:00Z"));
  Must(tx->StartDeliveryAttempt(b, "2025-07-01T01:00:00Z"));
  MustOk(tx->Commit());
  Reopen();
  OutboxQuery sending;
  sending.state = DeliveryState::kSending;
  EXPECT_THAT(Must(store().Outbox(sending)), SizeIs(2));

  tx = Begin();
  DeliveryAttemptEnd interrupted;
  interrupted.finished_at = "2025-07-01T02:00:00Z";
  interrupted.outcome = AttemptOutcome::kInterrupted;
  interrupted.error = "interrupted";
  interrupted.next_attempt_at = "2025-07-01T02:00:00Z";
  MustOk(tx->FinishDeliveryAttempt(a, interrupted));
  DeliveryAttemptEnd failed;
  failed.finished_at = "2025-07-01T02:00:00Z";
  failed.outcome = AttemptOutcome::kFailed;
  failed.error = "550 mailbox unavailable";
  MustOk(tx->FinishDeliveryAttempt(b, failed));
  MustOk(tx->Commit());
  auto ra = Must(store().OutboxById(a));
  EXPECT_EQ(ra->state, DeliveryState::kPending);
  EXPECT_EQ(ra->next_attempt_at, "2025-07-01T02:00:00.000Z");
  EXPECT_EQ(Must(store().DeliveryAttempts(a))[0].outcome, AttemptOutcome::kInterrupted);
  auto rb = Must(store().OutboxById(b));
  EXPECT_EQ(rb->state, DeliveryState::kFailed);
  EXPECT_EQ(rb->last_error, "550 mailbox unavailable");
  EXPECT_EQ(rb->delivered_at, "");
  OutboxQuery failed_rows;
  failed_rows.state = DeliveryState::kFailed;
  failed_rows.channel = DeliveryChannel::kEmail;
  EXPECT_THAT(Must(store().Outbox(failed_rows)), SizeIs(1));
}

}  // namespace
}  // namespace planwatch
