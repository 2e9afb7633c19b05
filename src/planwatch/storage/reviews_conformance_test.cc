// Conformance of reviews and scorecard weights (store.h, "Reviews"): run by every engine through
// the StoreConformanceTest fixture (store_conformance.h), instantiated in
// store_conformance_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "planwatch/storage/store_conformance.h"

namespace planwatch {
namespace {

using ::testing::HasSubstr;
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

struct Plans {
  PlanId first;
  PlanId second;
};

Plans SeedPlans(Store& store) {
  auto tx = Must(store.Begin());
  OrgUnit province;
  province.code = "SL";
  province.name_vi = "Tỉnh Sơn La";
  province.type = OrgUnitType::kProvince;
  const OrgUnitId province_id = Must(tx->PutOrgUnit(province));
  Plans plans;
  Plan plan;
  plan.code = "333-KH/TU";
  plan.title_vi = "Kế hoạch thực hiện Nghị quyết 57";
  plan.issuer = province_id;
  plans.first = Must(tx->PutPlan(plan));
  plan.code = "KH-2026";
  plan.title_vi = "Kế hoạch năm 2026";
  plans.second = Must(tx->PutPlan(plan));
  MustOk(tx->Commit());
  return plans;
}

ReviewRecord Review(PlanId plan, std::string title, ReviewKind kind) {
  ReviewRecord review;
  review.plan = plan;
  review.kind = kind;
  review.title_vi = std::move(title);
  review.title_en = "Interim review";
  review.as_of = Date::Parse("2025-06-30").value();
  review.figures = R"({"summary":{"total":169,"done":124}})";
  review.created_by = "vanphong@sonla.gov.vn";
  return review;
}

TEST_P(StoreConformanceTest, ReviewIsStoredWithItsFrozenFiguresAndListedByPlan) {
  const Plans plans = SeedPlans(store());
  auto tx = Begin();
  ReviewRecord first = Review(plans.first, "Sơ kết 6 tháng", ReviewKind::kInterim);
  first.published = true;  // ignored: a new review starts unpublished
  first.published_at = "2025-07-01T00:00:00.000Z";
  first.published_by = "someone";
  first.id = Must(tx->PutReview(first));
  ReviewRecord other = Review(plans.second, "Tổng kết", ReviewKind::kFinal);
  other.id = Must(tx->PutReview(other));
  ReviewRecord annual = Review(plans.first, "Tổng kết năm 2025", ReviewKind::kAnnual);
  annual.as_of = Date::Parse("2025-12-31").value();
  annual.id = Must(tx->PutReview(annual));
  MustOk(tx->Commit());

  auto listed = Must(store().Reviews(plans.first));
  ASSERT_THAT(listed, SizeIs(2));
  EXPECT_EQ(listed[0].id, first.id);
  EXPECT_EQ(listed[1].id, annual.id);
  const ReviewRecord& got = listed[0];
  EXPECT_EQ(got.plan, plans.first);
  EXPECT_EQ(got.kind, ReviewKind::kInterim);
  EXPECT_EQ(got.title_vi, "Sơ kết 6 tháng");
  EXPECT_EQ(got.title_en, "Interim review");
  EXPECT_EQ(got.as_of, Date::Parse("2025-06-30").value());
  EXPECT_EQ(got.figures, R"({"summary":{"total":169,"done":124}})");
  EXPECT_EQ(got.created_by, "vanphong@sonla.gov.vn");
  EXPECT_THAT(got.created_at, MatchesRegex(kStamp));
  EXPECT_FALSE(got.published);
  EXPECT_EQ(got.published_at, "");
  EXPECT_EQ(got.published_by, "");
  EXPECT_EQ(listed[1].kind, ReviewKind::kAnnual);
  EXPECT_EQ(listed[1].created_at, got.created_at);  // one instant per transaction

  auto all = Must(store().Reviews(PlanId{}));
  ASSERT_THAT(all, SizeIs(3));
  EXPECT_EQ(all[1].id, other.id);
  EXPECT_EQ(all[1].kind, ReviewKind::kFinal);
  EXPECT_EQ(Must(store().ReviewById(annual.id)), listed[1]);
  EXPECT_THAT(Must(store().Reviews(PlanId{999})), SizeIs(0));
}

TEST_P(StoreConformanceTest, ReviewOfMissingPlanOrWithoutTitleOrFiguresIsRefused) {
  const Plans plans = SeedPlans(store());
  auto tx = Begin();
  ExpectError(tx->PutReview(Review(PlanId{777}, "Sơ kết", ReviewKind::kInterim)),
              ErrorCode::kInvalidArgument, "plan 777");
  ReviewRecord untitled = Review(plans.first, "", ReviewKind::kInterim);
  ExpectError(tx->PutReview(untitled), ErrorCode::kInvalidArgument, "title_vi");
  ReviewRecord empty = Review(plans.first, "Sơ kết trống", ReviewKind::kInterim);
  empty.figures.clear();
  ExpectError(tx->PutReview(empty), ErrorCode::kInvalidArgument, "Sơ kết trống");
  ReviewRecord stored = Review(plans.first, "Sơ kết", ReviewKind::kInterim);
  stored.id = Must(tx->PutReview(stored));
  stored.figures = R"({"summary":{"total":1}})";
  ExpectError(tx->PutReview(stored), ErrorCode::kInvalidArgument,
              "review " + std::to_string(stored.id.value));
  MustOk(tx->Commit());
  auto listed = Must(store().Reviews(plans.first));
  ASSERT_THAT(listed, SizeIs(1));
  EXPECT_EQ(listed[0].figures, R"({"summary":{"total":169,"done":124}})");
  ExpectError(store().ReviewById(ReviewId{4242}), ErrorCode::kNotFound, "review 4242");
}

TEST_P(StoreConformanceTest, ReviewIsPublishedOnceWithTheTransactionInstant) {
  const Plans plans = SeedPlans(store());
  auto tx = Begin();
  const ReviewId id = Must(tx->PutReview(Review(plans.first, "Sơ kết", ReviewKind::kInterim)));
  MustOk(tx->Commit());
  const ReviewRecord before = Must(store().ReviewById(id));

  tx = Begin();
  MustOk(tx->PublishReview(id, "giamdoc@sonla.gov.vn"));
  MustOk(tx->Commit());
  ReviewRecord after = Must(store().ReviewById(id));
  EXPECT_TRUE(after.published);
  EXPECT_EQ(after.published_by, "giamdoc@sonla.gov.vn");
  EXPECT_THAT(after.published_at, MatchesRegex(kStamp));
  EXPECT_GT(after.published_at, before.created_at);
  after.published = false;
  after.published_at.clear();
  after.published_by.clear();
  EXPECT_EQ(after, before);  // nothing else changed

  tx = Begin();
  ExpectError(tx->PublishReview(id, "other"), ErrorCode::kConflict, "already published");
  ExpectError(tx->PublishReview(ReviewId{9001}, "other"), ErrorCode::kNotFound, "review 9001");
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().ReviewById(id)).published_by, "giamdoc@sonla.gov.vn");
}

TEST_P(StoreConformanceTest, ScorecardWeightsArePerPlanAndReplaced) {
  const Plans plans = SeedPlans(store());
  EXPECT_EQ(Must(store().ScorecardWeightsOf(plans.first)), std::nullopt);
  auto tx = Begin();
  ScorecardWeightsRecord record;
  record.plan = plans.first;
  record.weights = ScorecardWeights{0.6, 0.1, 0.3};
  record.updated_by = "vanphong@sonla.gov.vn";
  MustOk(tx->PutScorecardWeights(record));
  MustOk(tx->Commit());
  auto got = Must(store().ScorecardWeightsOf(plans.first));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->plan, plans.first);
  EXPECT_EQ(got->weights.on_time, 0.6);
  EXPECT_EQ(got->weights.timeliness, 0.1);
  EXPECT_EQ(got->weights.achievement, 0.3);
  EXPECT_EQ(got->updated_by, "vanphong@sonla.gov.vn");
  EXPECT_THAT(got->updated_at, MatchesRegex(kStamp));
  EXPECT_EQ(Must(store().ScorecardWeightsOf(plans.second)), std::nullopt);

  tx = Begin();
  record.weights = ScorecardWeights{1, 0, 0};
  record.updated_by = "admin";
  MustOk(tx->PutScorecardWeights(record));
  MustOk(tx->Commit());
  Reopen();
  got = Must(store().ScorecardWeightsOf(plans.first));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->weights.on_time, 1.0);
  EXPECT_EQ(got->weights.timeliness, 0.0);
  EXPECT_EQ(got->weights.achievement, 0.0);
  EXPECT_EQ(got->updated_by, "admin");
}

TEST_P(StoreConformanceTest, ScorecardWeightsMustBeNonNegativeAndForAPlan) {
  const Plans plans = SeedPlans(store());
  auto tx = Begin();
  ScorecardWeightsRecord record;
  record.plan = plans.first;
  record.weights = ScorecardWeights{0.5, -0.2, 0.3};
  ExpectError(tx->PutScorecardWeights(record), ErrorCode::kInvalidArgument, "timeliness");
  record.weights = ScorecardWeights{std::numeric_limits<double>::quiet_NaN(), 0.2, 0.3};
  ExpectError(tx->PutScorecardWeights(record), ErrorCode::kInvalidArgument, "on_time");
  record.weights = ScorecardWeights{0.5, 0.2, std::numeric_limits<double>::infinity()};
  ExpectError(tx->PutScorecardWeights(record), ErrorCode::kInvalidArgument, "achievement");
  record.plan = PlanId{555};
  record.weights = ScorecardWeights{};
  ExpectError(tx->PutScorecardWeights(record), ErrorCode::kInvalidArgument, "plan 555");
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().ScorecardWeightsOf(plans.first)), std::nullopt);
}

}  // namespace
}  // namespace planwatch
