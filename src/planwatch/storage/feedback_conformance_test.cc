// The feedback part of the Store contract (store.h, storage/feedback.h), on every engine.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "planwatch/storage/postgres/store_backend.h"
#include "planwatch/storage/store_conformance.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

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

class FeedbackConformanceTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    auto tx = Begin();
    OrgUnit province;
    province.code = "SL";
    province.name_vi = "Sơn La";
    province.type = OrgUnitType::kProvince;
    unit_ = Must(tx->PutOrgUnit(province));
    Plan plan;
    plan.code = "333-KH/TU";
    plan.title_vi = "Kế hoạch 333";
    plan.issuer = unit_;
    plan.standing_agency = unit_;
    plan_ = Must(tx->PutPlan(plan));
    plan.id = PlanId{};
    plan.code = "OTHER";
    other_plan_ = Must(tx->PutPlan(plan));
    Task task;
    task.plan = plan_;
    task.code = "T1";
    task.title_vi = "Nhiệm vụ";
    task.lead_unit = unit_;
    task.assigned_on = Date::Parse("2025-05-07").value();
    task.deadline = Date::Parse("2025-12-31").value();
    task_ = Must(tx->PutTask(task));
    Indicator indicator;
    indicator.code = "I1";
    indicator.name_vi = "Chỉ tiêu";
    indicator_ = Must(tx->PutIndicator(indicator));
    MustOk(tx->Commit());
  }

  FeedbackRecord OnTask(std::string text) const {
    FeedbackRecord f;
    f.target = FeedbackTarget{FeedbackTargetKind::kTask, task_.value};
    f.plan = plan_;
    f.kind = FeedbackKind::kRecommendation;
    f.text = std::move(text);
    f.author_name = "Lò Văn A";
    f.contact = "a@example.vn";
    f.address_hash = "ab12";
    return f;
  }

  FeedbackId Add(const FeedbackRecord& f) {
    auto tx = Begin();
    const FeedbackId id = Must(tx->AddFeedback(f));
    MustOk(tx->Commit());
    return id;
  }

  Status Append(FeedbackId id, FeedbackState state, std::string note = "") {
    auto tx = Begin();
    Status s = tx->AppendFeedbackEvent(FeedbackEvent{id, state, "agency", std::move(note), ""});
    if (s) MustOk(tx->Commit());
    return s;
  }

  OrgUnitId unit_;
  PlanId plan_;
  PlanId other_plan_;
  TaskId task_;
  IndicatorId indicator_;
};

TEST_P(FeedbackConformanceTest, AddReadsBackAsNewWithItsSubmissionEvent) {
  FeedbackRecord f = OnTask("Nên công khai tiến độ hằng tháng");
  f.author_login = "citizen";
  const FeedbackId id = Add(f);
  EXPECT_TRUE(id);
  auto stored = Must(store().FeedbackById(id));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, id);
  EXPECT_EQ(stored->target, f.target);
  EXPECT_EQ(stored->plan, plan_);
  EXPECT_EQ(stored->kind, FeedbackKind::kRecommendation);
  EXPECT_EQ(stored->text, "Nên công khai tiến độ hằng tháng");
  EXPECT_EQ(stored->author_login, "citizen");
  EXPECT_EQ(stored->author_name, "Lò Văn A");
  EXPECT_EQ(stored->contact, "a@example.vn");
  EXPECT_EQ(stored->address_hash, "ab12");
  EXPECT_EQ(stored->state, FeedbackState::kNew);
  EXPECT_EQ(stored->answer, "");
  EXPECT_EQ(stored->answered_at, "");
  EXPECT_THAT(stored->created_at, MatchesRegex(kStampPattern));
  EXPECT_EQ(stored->updated_at, stored->created_at);
  auto events = Must(store().FeedbackEvents(id));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].state, FeedbackState::kNew);
  EXPECT_EQ(events[0].actor, "citizen");
  EXPECT_EQ(events[0].at, stored->created_at);
}

TEST_P(FeedbackConformanceTest, MissingFeedbackReadsAsNoneAndNoEvents) {
  EXPECT_FALSE(Must(store().FeedbackById(FeedbackId{42})).has_value());
  EXPECT_THAT(Must(store().FeedbackEvents(FeedbackId{42})), IsEmpty());
}

TEST_P(FeedbackConformanceTest, TargetsMustBeLiveAndPlanMustBeTheTargets) {
  auto tx = Begin();
  FeedbackRecord missing_task = OnTask("x");
  missing_task.target.id = 999;
  auto r = tx->AddFeedback(missing_task);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr("no task with id 999"));

  FeedbackRecord wrong_plan = OnTask("x");
  wrong_plan.plan = other_plan_;
  r = tx->AddFeedback(wrong_plan);
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message, HasSubstr("belongs to plan"));

  FeedbackRecord on_indicator = OnTask("x");
  on_indicator.target = FeedbackTarget{FeedbackTargetKind::kIndicator, indicator_.value};
  on_indicator.plan = PlanId{};
  EXPECT_TRUE(tx->AddFeedback(on_indicator).has_value());

  FeedbackRecord empty = OnTask("");
  r = tx->AddFeedback(empty);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);

  MustOk(tx->DeletePlan(other_plan_));
  FeedbackRecord on_deleted = OnTask("x");
  on_deleted.target = FeedbackTarget{FeedbackTargetKind::kPlan, other_plan_.value};
  on_deleted.plan = other_plan_;
  r = tx->AddFeedback(on_deleted);
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message,
              HasSubstr(std::string("no plan with id ") + std::to_string(other_plan_.value)));
}

TEST_P(FeedbackConformanceTest, TransitionsApplyAndAreRecordedInOrder) {
  const FeedbackId id = Add(OnTask("Câu hỏi"));
  MustOk(Append(id, FeedbackState::kAccepted));
  MustOk(Append(id, FeedbackState::kAnswered, "Đã tiếp thu"));
  auto stored = Must(store().FeedbackById(id)).value();
  EXPECT_EQ(stored.state, FeedbackState::kAnswered);
  EXPECT_EQ(stored.answer, "Đã tiếp thu");
  EXPECT_EQ(stored.answered_by, "agency");
  EXPECT_THAT(stored.answered_at, MatchesRegex(kStampPattern));
  EXPECT_EQ(stored.updated_at, stored.answered_at);
  EXPECT_LT(stored.created_at, stored.answered_at);
  auto events = Must(store().FeedbackEvents(id));
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[1].state, FeedbackState::kAccepted);
  EXPECT_EQ(events[1].actor, "agency");
  EXPECT_EQ(events[2].state, FeedbackState::kAnswered);
  EXPECT_EQ(events[2].note, "Đã tiếp thu");
  EXPECT_EQ(events[2].at, stored.answered_at);
}

TEST_P(FeedbackConformanceTest, RefusedTransitionsChangeNothing) {
  const FeedbackId id = Add(OnTask("Khiếu nại"));
  Status s = Append(id, FeedbackState::kAnswered, "trả lời");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(s.error().message, HasSubstr("feedback that is new cannot become answered"));
  s = Append(id, FeedbackState::kRejected, "");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  s = Append(id, FeedbackState::kNew);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  s = Append(FeedbackId{777}, FeedbackState::kAccepted);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(s.error().message, HasSubstr("feedback 777"));
  MustOk(Append(id, FeedbackState::kRejected, "Trùng lặp"));
  EXPECT_EQ(Append(id, FeedbackState::kAccepted).error().code, ErrorCode::kFailedPrecondition);
  auto stored = Must(store().FeedbackById(id)).value();
  EXPECT_EQ(stored.state, FeedbackState::kRejected);
  EXPECT_EQ(stored.reason, "Trùng lặp");
  EXPECT_THAT(Must(store().FeedbackEvents(id)), SizeIs(2));
}

TEST_P(FeedbackConformanceTest, FindFiltersByStatePlanKindAndTarget) {
  const FeedbackId a = Add(OnTask("một"));
  FeedbackRecord on_plan = OnTask("hai");
  on_plan.target = FeedbackTarget{FeedbackTargetKind::kPlan, plan_.value};
  const FeedbackId b = Add(on_plan);
  FeedbackRecord on_indicator = OnTask("ba");
  on_indicator.target = FeedbackTarget{FeedbackTargetKind::kIndicator, indicator_.value};
  on_indicator.plan = PlanId{};
  const FeedbackId c = Add(on_indicator);
  MustOk(Append(b, FeedbackState::kAccepted));

  const auto ids = [&](const FeedbackQuery& q) {
    std::vector<FeedbackId> out;
    for (const FeedbackRecord& f : Must(store().FindFeedback(q))) out.push_back(f.id);
    return out;
  };
  FeedbackQuery q;
  EXPECT_THAT(ids(q), ElementsAre(a, b, c));
  q.state = FeedbackState::kNew;
  EXPECT_THAT(ids(q), ElementsAre(a, c));
  q.state = FeedbackState::kAccepted;
  q.plan = plan_;
  EXPECT_THAT(ids(q), ElementsAre(b));
  q.state.reset();
  EXPECT_THAT(ids(q), ElementsAre(a, b));
  q.plan.reset();
  q.target_kind = FeedbackTargetKind::kIndicator;
  EXPECT_THAT(ids(q), ElementsAre(c));
  q.target_kind.reset();
  q.target = FeedbackTarget{FeedbackTargetKind::kPlan, plan_.value};
  EXPECT_THAT(ids(q), ElementsAre(b));
}

TEST_P(FeedbackConformanceTest, AddressKeyIsThirtyTwoBytesAndSurvivesReopen) {
  const std::string key = Must(store().FeedbackAddressKey());
  EXPECT_THAT(key, SizeIs(32));
  Reopen();
  EXPECT_EQ(Must(store().FeedbackAddressKey()), key);
}

TEST_P(FeedbackConformanceTest, RolledBackAddLeavesNothing) {
  {
    auto tx = Begin();
    Must(tx->AddFeedback(OnTask("bỏ")));
  }
  EXPECT_THAT(Must(store().FindFeedback({})), IsEmpty());
}

// A fresh database file per test, removed with its -wal and -shm files afterwards.
class SqliteFileBackend : public StoreBackend {
 public:
  SqliteFileBackend() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("planwatch-feedback-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
              ".db"))
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

INSTANTIATE_TEST_SUITE_P(Sqlite, FeedbackConformanceTest,
                         ::testing::Values(StoreBackendFactory{
                             "sqlite", [] { return std::make_unique<SqliteFileBackend>(); }}),
                         StoreBackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, FeedbackConformanceTest,
                         ::testing::Values(postgres::test_support::PostgresBackendFactory()),
                         StoreBackendName);

}  // namespace
}  // namespace planwatch
