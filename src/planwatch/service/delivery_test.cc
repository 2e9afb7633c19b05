#include "planwatch/service/delivery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "planwatch/domain/report.h"
#include "planwatch/service/urging_worker.h"

namespace planwatch {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

// A relay and a receiver in one: fails the first `failures` sends with `code`, then accepts.
// Like a receiver that keeps ids, it shows each message id once.
class FakeCourier : public Courier {
 public:
  int failures = 0;
  ErrorCode code = ErrorCode::kUnavailable;
  std::vector<OutboundEmail> emails;   // every send it accepted
  std::vector<OutboundWebhook> posts;  // every post it accepted
  std::set<std::string> shown;         // ids the receiver shows
  int calls = 0;

  Status SendEmail(const OutboundEmail& email) override {
    ++calls;
    if (failures > 0) {
      --failures;
      return Fail(code,
                  code == ErrorCode::kUnavailable ? "421 try again later" : "550 no such mailbox");
    }
    emails.push_back(email);
    shown.insert(email.message_id);
    return {};
  }
  Status PostWebhook(const OutboundWebhook& hook) override {
    ++calls;
    if (failures > 0) {
      --failures;
      return Fail(code, "HTTP 503");
    }
    posts.push_back(hook);
    shown.insert(hook.delivery_id);
    return {};
  }
};

DeliveryClock::time_point At(std::string_view instant) {
  return DeliveryClock::time_point(ParseInstant(instant).value().time_since_epoch());
}

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_delivery_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    store_ = Must(Store::Open(StoreOptions{path_.string(), true}));
    auto tx = Must(store_->Begin());
    OrgUnit root;
    root.code = "P";
    root.name_vi = "Tỉnh P";
    root_ = Must(tx->PutOrgUnit(root));
    OrgUnit child;
    child.code = "C";
    child.name_vi = "Xã C";
    child.parent = root_;
    child_ = Must(tx->PutOrgUnit(child));
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
  OutboxId Enqueue(std::string key, std::string next_attempt_at = "2025-07-01T00:00:00Z") {
    auto tx = Must(store_->Begin());
    OutboxRecord m;
    m.channel = DeliveryChannel::kEmail;
    m.destination = "officer@c.vn";
    m.event = "urging.notice";
    m.subject = "Thông báo đôn đốc";
    m.payload = "Nhiệm vụ T1 đã quá hạn.";
    m.idempotency_key = std::move(key);
    m.next_attempt_at = std::move(next_attempt_at);
    const OutboxId id = Must(tx->PutOutbox(m));
    MustOk(tx->Commit());
    return id;
  }
  OutboxRecord Row(OutboxId id) { return Must(store_->OutboxById(id)).value(); }
  std::vector<AttemptOutcome> Outcomes(OutboxId id) {
    std::vector<AttemptOutcome> out;
    for (const DeliveryAttempt& a : Must(store_->DeliveryAttempts(id))) out.push_back(a.outcome);
    return out;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  OrgUnitId root_;
  OrgUnitId child_;
};

TEST_F(DeliveryTest, DeliversDueEmailsWithTheirMessageId) {
  const OutboxId id = Enqueue("urging-1-email-2");
  const OutboxId later = Enqueue("later", "2025-07-02T00:00:00Z");
  FakeCourier courier;
  Deliverer deliverer(DeliveryOptions{BackoffPolicy{}, "planwatch@sonla.gov.vn", 50});
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:05Z"))), 1);
  ASSERT_THAT(courier.emails, SizeIs(1));
  EXPECT_THAT(courier.emails[0].to, ElementsAre("officer@c.vn"));
  EXPECT_EQ(courier.emails[0].from, "planwatch@sonla.gov.vn");
  EXPECT_EQ(courier.emails[0].subject, "Thông báo đôn đốc");
  EXPECT_EQ(courier.emails[0].text, "Nhiệm vụ T1 đã quá hạn.");
  EXPECT_EQ(courier.emails[0].message_id, "<urging-1-email-2@planwatch>");
  const OutboxRecord row = Row(id);
  EXPECT_EQ(row.state, DeliveryState::kDelivered);
  EXPECT_EQ(row.delivered_at, "2025-07-01T00:00:05.000Z");
  EXPECT_THAT(Outcomes(id), ElementsAre(AttemptOutcome::kDelivered));
  EXPECT_EQ(Row(later).state, DeliveryState::kPending);
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T12:00:00Z"))), 0);
  EXPECT_EQ(courier.calls, 1);
}

TEST_F(DeliveryTest, TransientFailuresBackOffExponentiallyThenDeliver) {
  const OutboxId id = Enqueue("k");
  FakeCourier courier;
  courier.failures = 3;
  Deliverer deliverer(DeliveryOptions{BackoffPolicy{seconds(30), seconds(3600), 8}, "", 50});
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:00Z"))), 0);
  EXPECT_EQ(Row(id).state, DeliveryState::kPending);
  EXPECT_EQ(Row(id).next_attempt_at, "2025-07-01T00:00:30.000Z");
  EXPECT_EQ(Row(id).last_error, "421 try again later");
  // Not due before its time.
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:29.999Z"))), 0);
  EXPECT_EQ(courier.calls, 1);
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:30Z"))), 0);
  EXPECT_EQ(Row(id).next_attempt_at, "2025-07-01T00:01:30.000Z");  // +60 s
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:01:30Z"))), 0);
  EXPECT_EQ(Row(id).next_attempt_at, "2025-07-01T00:03:30.000Z");  // +120 s
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:03:30Z"))), 1);
  EXPECT_EQ(Row(id).state, DeliveryState::kDelivered);
  EXPECT_EQ(Row(id).attempts, 4);
  EXPECT_THAT(Outcomes(id), ElementsAre(AttemptOutcome::kRetry, AttemptOutcome::kRetry,
                                        AttemptOutcome::kRetry, AttemptOutcome::kDelivered));
  // Every attempt carried the same id.
  ASSERT_THAT(courier.emails, SizeIs(1));
  EXPECT_EQ(courier.emails[0].message_id, "<k@planwatch>");
}

TEST_F(DeliveryTest, MaxAttemptsAndPermanentFailuresFail) {
  const OutboxId transient = Enqueue("transient");
  FakeCourier courier;
  courier.failures = 10;
  Deliverer deliverer(DeliveryOptions{BackoffPolicy{seconds(10), seconds(10), 2}, "", 50});
  Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:00Z")));
  Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:10Z")));
  EXPECT_EQ(Row(transient).state, DeliveryState::kFailed);
  EXPECT_THAT(Outcomes(transient), ElementsAre(AttemptOutcome::kRetry, AttemptOutcome::kFailed));
  Must(deliverer.DeliverDue(*store_, courier, At("2025-07-02T00:00:00Z")));
  EXPECT_EQ(courier.calls, 2);

  const OutboxId permanent = Enqueue("permanent");
  FakeCourier refusing;
  refusing.failures = 1;
  refusing.code = ErrorCode::kFailedPrecondition;
  Must(deliverer.DeliverDue(*store_, refusing, At("2025-07-03T00:00:00Z")));
  EXPECT_EQ(Row(permanent).state, DeliveryState::kFailed);
  EXPECT_EQ(Row(permanent).last_error, "550 no such mailbox");
  EXPECT_THAT(Outcomes(permanent), ElementsAre(AttemptOutcome::kFailed));
}

TEST_F(DeliveryTest, ACrashBetweenSendingAndTheOutcomeResendsWithTheSameKeyOnce) {
  const OutboxId id = Enqueue("urging-7-email-3");
  FakeCourier receiver;
  {
    Deliverer crashed;
    auto claim = Must(crashed.ClaimNext(*store_, At("2025-07-01T00:00:01Z")));
    ASSERT_TRUE(claim.has_value());
    EXPECT_EQ(claim->attempt, 1);
    EXPECT_EQ(Row(id).state, DeliveryState::kSending);
    // The message leaves, then the process dies before recording the outcome.
    MustOk(receiver.SendEmail(OutboundEmail{{claim->row.destination},
                                            "",
                                            claim->row.subject,
                                            claim->row.payload,
                                            EmailMessageId(claim->row.idempotency_key)}));
  }
  // Reopening the database: the row is still `sending`, its attempt open.
  store_.reset();
  store_ = Must(Store::Open(StoreOptions{path_.string(), false}));
  EXPECT_EQ(Row(id).state, DeliveryState::kSending);
  EXPECT_THAT(Outcomes(id), ElementsAre(AttemptOutcome::kOpen));

  Deliverer restarted;
  EXPECT_EQ(Must(restarted.DeliverDue(*store_, receiver, At("2025-07-01T00:05:00Z"))), 1);
  EXPECT_EQ(Row(id).state, DeliveryState::kDelivered);
  EXPECT_EQ(Row(id).attempts, 2);
  EXPECT_THAT(Outcomes(id), ElementsAre(AttemptOutcome::kInterrupted, AttemptOutcome::kDelivered));
  auto attempts = Must(store_->DeliveryAttempts(id));
  EXPECT_THAT(attempts[0].error, HasSubstr("interrupted"));
  EXPECT_EQ(attempts[0].finished_at, "2025-07-01T00:05:00.000Z");
  ASSERT_THAT(receiver.emails, SizeIs(2));
  EXPECT_EQ(receiver.emails[0].message_id, receiver.emails[1].message_id);
  EXPECT_THAT(receiver.shown, ElementsAre("<urging-7-email-3@planwatch>"));
  OutboxQuery delivered;
  delivered.state = DeliveryState::kDelivered;
  EXPECT_THAT(Must(store_->Outbox(delivered)), SizeIs(1));
  // Nothing is stuck any more: a second pass finds nothing.
  EXPECT_EQ(Must(restarted.Recover(*store_, At("2025-07-01T00:06:00Z"))), 0);
}

// Two nodes share the outbox: one node starting (or scanning) while the other sends leaves that
// send alone, and takes it over only once its lease has run out.
TEST_F(DeliveryTest, AnotherNodesSendInFlightIsLeftAloneUntilItsLeaseRunsOut) {
  const OutboxId id = Enqueue("urging-8-email-1");
  FakeCourier courier;
  Deliverer a;
  auto claim = Must(a.ClaimNext(*store_, At("2025-07-01T00:00:00Z")));
  ASSERT_TRUE(claim.has_value());

  Deliverer b;  // the other node, starting 30 s later
  EXPECT_EQ(Must(b.DeliverDue(*store_, courier, At("2025-07-01T00:00:30Z"))), 0);
  EXPECT_EQ(courier.calls, 0);
  EXPECT_EQ(Row(id).state, DeliveryState::kSending);
  EXPECT_THAT(Outcomes(id), ElementsAre(AttemptOutcome::kOpen));

  // A finishes its send: delivered once.
  EXPECT_EQ(Must(a.Complete(*store_, courier, *claim, At("2025-07-01T00:00:31Z"))),
            AttemptOutcome::kDelivered);
  EXPECT_EQ(Must(b.DeliverDue(*store_, courier, At("2025-07-01T00:01:00Z"))), 0);
  EXPECT_EQ(courier.calls, 1);

  // A claim whose node died: taken over after the lease (2 minutes), not before.
  const OutboxId orphan = Enqueue("urging-8-email-2");
  ASSERT_TRUE(Must(a.ClaimNext(*store_, At("2025-07-01T00:10:00Z"))).has_value());
  EXPECT_EQ(Must(b.DeliverDue(*store_, courier, At("2025-07-01T00:11:59Z"))), 0);
  EXPECT_EQ(Row(orphan).state, DeliveryState::kSending);
  EXPECT_EQ(Must(b.DeliverDue(*store_, courier, At("2025-07-01T00:12:01Z"))), 1);
  EXPECT_EQ(Row(orphan).state, DeliveryState::kDelivered);
  EXPECT_THAT(Outcomes(orphan),
              ElementsAre(AttemptOutcome::kInterrupted, AttemptOutcome::kDelivered));
}

TEST_F(DeliveryTest, WebhooksAreSignedWithTheirSecretAndDeletedOnesFail) {
  auto tx = Must(store_->Begin());
  WebhookRecord hook;
  hook.url = "http://127.0.0.1:9/hook";
  hook.secret = "0123456789abcdef";
  hook.events = {"urging.notice"};
  const WebhookId live = Must(tx->PutWebhook(hook));
  const WebhookId gone = Must(tx->PutWebhook(hook));
  OutboxRecord post;
  post.channel = DeliveryChannel::kWebhook;
  post.destination = hook.url;
  post.webhook = live;
  post.event = "urging.notice";
  post.payload = R"({"event":"urging.notice"})";
  post.idempotency_key = "urging-1-webhook-1";
  post.next_attempt_at = "2025-07-01T00:00:00Z";
  const OutboxId a = Must(tx->PutOutbox(post));
  post.webhook = gone;
  post.idempotency_key = "urging-1-webhook-2";
  const OutboxId b = Must(tx->PutOutbox(post));
  MustOk(tx->DeleteWebhook(gone));
  MustOk(tx->Commit());
  FakeCourier courier;
  Deliverer deliverer;
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:01Z"))), 1);
  ASSERT_THAT(courier.posts, SizeIs(1));
  EXPECT_EQ(courier.posts[0].url, "http://127.0.0.1:9/hook");
  EXPECT_EQ(courier.posts[0].secret, "0123456789abcdef");
  EXPECT_EQ(courier.posts[0].event, "urging.notice");
  EXPECT_EQ(courier.posts[0].delivery_id, "urging-1-webhook-1");
  EXPECT_EQ(courier.posts[0].body, R"({"event":"urging.notice"})");
  EXPECT_EQ(Row(a).state, DeliveryState::kDelivered);
  EXPECT_EQ(Row(b).state, DeliveryState::kFailed);
  EXPECT_THAT(Row(b).last_error, HasSubstr("deleted"));
}

TEST_F(DeliveryTest, WithoutARelayEmailsStayPendingUntouched) {
  const OutboxId id = Enqueue("no-relay");
  FakeCourier courier;
  DeliveryOptions options;
  options.email = false;
  Deliverer deliverer(options);
  EXPECT_EQ(Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:01Z"))), 0);
  EXPECT_EQ(courier.calls, 0);
  EXPECT_EQ(Row(id).state, DeliveryState::kPending);
  EXPECT_EQ(Row(id).attempts, 0);
  EXPECT_THAT(Outcomes(id), IsEmpty());
}

TEST_F(DeliveryTest, TheWorkerScansAtStartDeliversAndStopsCleanly) {
  const OutboxId id = Enqueue("worker");
  FakeCourier courier;
  UrgingWorkerOptions options;
  options.delivery_interval = std::chrono::milliseconds(10);
  options.now = [] { return At("2025-07-01T00:00:01Z"); };
  UrgingWorker worker(*store_, &courier, options);
  worker.Start();
  for (int i = 0; i < 500 && Row(id).state != DeliveryState::kDelivered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.Wake();
  worker.Stop();
  EXPECT_EQ(Row(id).state, DeliveryState::kDelivered);
  EXPECT_EQ(worker.scans(), 1);
  EXPECT_GE(worker.delivery_passes(), 1);
  ASSERT_THAT(courier.emails, SizeIs(1));
  EXPECT_EQ(courier.emails[0].message_id, "<worker@planwatch>");
  worker.Stop();  // stopping twice is harmless
}

TEST_F(DeliveryTest, TheOutboxIsListedForRootAdminsWithItsAttempts) {
  const OutboxId id = Enqueue("k1");
  Enqueue("k2", "2030-01-01T00:00:00Z");
  FakeCourier courier;
  courier.failures = 1;
  Deliverer deliverer;
  Must(deliverer.DeliverDue(*store_, courier, At("2025-07-01T00:00:00Z")));
  const Principal admin{UserId{1}, "admin", Role::kAdmin, root_};
  const Page all = Must(ListDeliveries(*store_, admin, {}));
  EXPECT_EQ(all.total, 2);
  EXPECT_EQ(all.items[1]["id"], id.value);
  EXPECT_EQ(all.items[1]["state"], "pending");
  EXPECT_EQ(all.items[1]["attempt_log"][0]["outcome"], "retry");
  EXPECT_EQ(all.items[1]["attempt_log"][0]["error"], "421 try again later");
  EXPECT_FALSE(all.items[1].contains("payload"));
  const Page pending = Must(ListDeliveries(*store_, admin, {{"state", "pending"}, {"limit", "1"}}));
  EXPECT_EQ(pending.total, 2);
  EXPECT_THAT(pending.items, SizeIs(1));
  auto bad = ListDeliveries(*store_, admin, {{"state", "lost"}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().details.at(0).field, "state");
  auto denied = ListDeliveries(*store_, Principal{UserId{2}, "sub", Role::kAdmin, child_}, {});
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(denied.error().message, HasSubstr("sub may not read the delivery outbox"));
}

}  // namespace
}  // namespace planwatch
