#include "planwatch/service/reviews.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "planwatch/service/import.h"
#include "planwatch/service/live_analytics.h"

namespace planwatch {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class ReviewsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_reviews_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    auto analytics = AttachAnalytics(*store_);
    ASSERT_TRUE(analytics.has_value()) << analytics.error().ToString();
    analytics_ = std::move(*analytics);
    Import(DataKind::kUnits,
           "code,name_vi,type,parent_code\nP,Tỉnh,province,\nD,Sở,department,P\n"
           "C1,Xã Một,commune,P\nC2,Xã Hai,commune,P\n");
    Import(DataKind::kPlans,
           "code,title_vi,issuer_code,standing_agency_code\nK,Kế hoạch,P,D\n"
           "L,Kế hoạch khác,P,D\n");
    Import(DataKind::kTaskGroups, "plan_code,code,title_vi,order\nK,G,Nhóm,1\nL,G,Nhóm,1\n");
    Import(DataKind::kIndicators,
           "code,name_vi,value_type,unit_aggregation,time_aggregation,period_type,"
           "baseline_value,baseline_date,responsible_unit_code\n"
           "I1,Chỉ tiêu,count,sum,last,monthly,0,2024-12-31,D\n");
    Import(DataKind::kTargets, "indicator_code,unit_code,date,value\nI1,,2025-12-31,10\n");
    Import(DataKind::kTasks,
           "plan_code,code,group_code,title_vi,lead_unit_code,assigned_on,deadline\n"
           "K,T1,G,Một,C1,2025-01-01,2025-03-31\n"
           "K,T2,G,Hai,C2,2025-01-01,2025-09-30\n"
           "L,T9,G,Chín,C1,2025-01-01,2025-03-31\n");
    Import(DataKind::kTaskUpdates,
           "plan_code,task_code,kind,date,completed_on\nK,T1,claim,2025-03-20,2025-03-20\n"
           "K,T1,verify,2025-03-25,\n");
    Import(DataKind::kDataValues, "indicator_code,unit_code,period,value\nI1,C1,202506,4\n");
    auto units = store_->OrgUnits();
    ASSERT_TRUE(units.has_value());
    for (const OrgUnit& u : *units) unit_[u.code] = u.id;
    auto plans = store_->Plans();
    ASSERT_TRUE(plans.has_value());
    for (const Plan& p : *plans) plan_[p.code] = p.id;
  }
  void TearDown() override {
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
  Reviews Service() {
    return Reviews(*store_, *analytics_, [] { return *Date::Parse("2026-01-10"); }, {});
  }
  Principal Agency() { return Principal{UserId{1}, "vanphong", Role::kStandingAgency, unit_["D"]}; }
  Principal Officer(const std::string& unit) {
    return Principal{UserId{2}, "canbo", Role::kUnitOfficer, unit_[unit]};
  }
  json Body(const std::string& plan, const std::string& as_of, const std::string& kind) {
    return {{"plan", plan_[plan].value},
            {"as_of", as_of},
            {"kind", kind},
            {"title_vi", "Sơ kết " + as_of}};
  }
  std::int64_t Create(const std::string& plan, const std::string& as_of, const std::string& kind) {
    auto reviews = Service();
    auto created = reviews.Create(Agency(), Body(plan, as_of, kind));
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    return created ? created->body["id"].get<std::int64_t>() : 0;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<Analytics> analytics_;
  std::map<std::string, OrgUnitId> unit_;
  std::map<std::string, PlanId> plan_;
};

TEST_F(ReviewsTest, FreezesStatusIndicatorsAndScorecardsAsOfTheDate) {
  auto reviews = Service();
  auto created = reviews.Create(Agency(), Body("K", "2025-06-30", "interim"));
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  const json& r = created->body;
  EXPECT_EQ(r["kind"], "interim");
  EXPECT_EQ(r["as_of"], "2025-06-30");
  EXPECT_EQ(r["created_by"], "vanphong");
  EXPECT_EQ(r["published"], false);
  const json& f = r["figures"];
  EXPECT_EQ(f["status"]["total"], 2);
  EXPECT_EQ(f["status"]["done"], 1);
  EXPECT_EQ(f["status"]["completion_rate"], 50.0);
  ASSERT_EQ(f["status"]["rows"].size(), 1u);
  EXPECT_EQ(f["indicators"]["unit"], "P");
  EXPECT_EQ(f["indicators"]["indicators"][0]["value"], 4.0);
  EXPECT_EQ(f["scorecards"]["period"], "2025");
  ASSERT_EQ(f["scorecards"]["items"].size(), 2u);
  const json& c1 = f["scorecards"]["items"][0];
  EXPECT_EQ(c1["unit"]["code"], "C1");
  EXPECT_EQ(c1["judged_on"], "2025-06-30");
  EXPECT_EQ(c1["on_time_rate"], 1.0);
  EXPECT_EQ(c1["report_timeliness"], 0.0);  // the reports of January to May are missing
  EXPECT_EQ(c1["score"], 71.428571);
  EXPECT_EQ(c1["rank"], 1);
  const json& c2 = f["scorecards"]["items"][1];
  EXPECT_EQ(c2["unit"]["code"], "C2");
  EXPECT_TRUE(c2["on_time_rate"].is_null());  // T2 not yet due on 30 June
  EXPECT_EQ(c2["score"], 0.0);
}

TEST_F(ReviewsTest, LaterEditsNeverChangeAFrozenReview) {
  const std::int64_t id = Create("K", "2025-12-31", "annual");
  auto reviews = Service();
  auto before = reviews.Get(Agency(), id);
  ASSERT_TRUE(before.has_value());
  Import(DataKind::kTaskUpdates,
         "plan_code,task_code,kind,date,completed_on\nK,T2,claim,2025-09-01,2025-09-01\n"
         "K,T2,verify,2025-09-02,\n");
  Import(DataKind::kDataValues, "indicator_code,unit_code,period,value\nI1,C1,202512,9\n");
  auto after = reviews.Get(Agency(), id);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->body, before->body);
  EXPECT_EQ(after->etag, before->etag);
  EXPECT_EQ(after->body["figures"]["status"]["done"], 1);
  const std::int64_t again = Create("K", "2025-12-31", "annual");
  auto fresh = reviews.Get(Agency(), again);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(fresh->body["figures"]["status"]["done"], 2);
}

TEST_F(ReviewsTest, PublishOnceByTheAdministratorsAndVisibility) {
  const std::int64_t id = Create("K", "2025-06-30", "interim");
  auto reviews = Service();
  // An officer of C1 reads neither the unpublished review nor the list entry.
  auto hidden = reviews.Get(Officer("C1"), id);
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  auto list = reviews.List(Officer("C1"), {});
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->total, 0);
  // An officer of the issuing province reads it but may not publish it.
  auto denied = reviews.Publish(Officer("P"), id);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(denied.error().message, HasSubstr("canbo"));
  auto published = reviews.Publish(Agency(), id);
  ASSERT_TRUE(published.has_value()) << published.error().ToString();
  EXPECT_EQ(published->body["published"], true);
  EXPECT_EQ(published->body["published_by"], "vanphong");
  auto twice = reviews.Publish(Agency(), id);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(reviews.Get(Officer("C1"), id).has_value());
  list = reviews.List(Officer("C1"), {});
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->total, 1);
  EXPECT_FALSE(list->items[0].contains("figures"));
}

TEST_F(ReviewsTest, CreateRefusesBadBodiesAndOutsiders) {
  auto reviews = Service();
  json body = Body("K", "2026-02-01", "yearly");
  body["plan"] = 777;
  auto bad = reviews.Create(Agency(), body);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(bad.error().details.size(), 3u);
  EXPECT_EQ(bad.error().details[0].field, "as_of");  // after today, 2026-01-10
  EXPECT_EQ(bad.error().details[1].field, "kind");
  EXPECT_EQ(bad.error().details[2].field, "plan");
  EXPECT_THAT(bad.error().details[2].message, HasSubstr("777"));
  auto outsider = reviews.Create(Officer("C1"), Body("K", "2025-06-30", "final"));
  ASSERT_FALSE(outsider.has_value());
  EXPECT_EQ(outsider.error().code, ErrorCode::kPermissionDenied);
  auto none = store_->Reviews(PlanId{});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_F(ReviewsTest, CompareShowsBothSidesAndTheChange) {
  const std::int64_t a = Create("K", "2025-06-30", "interim");
  const std::int64_t b = Create("K", "2025-12-31", "final");
  auto reviews = Service();
  auto cmp = reviews.Compare(Agency(), {{"a", std::to_string(a)}, {"b", std::to_string(b)}});
  ASSERT_TRUE(cmp.has_value()) << cmp.error().ToString();
  const json& c = *cmp;
  EXPECT_EQ(c["a"]["kind"], "interim");
  EXPECT_EQ(c["b"]["kind"], "final");
  EXPECT_EQ(c["status"]["overdue"]["a"], 0);
  EXPECT_EQ(c["status"]["overdue"]["b"], 1);  // T2 missed 30 September
  EXPECT_EQ(c["status"]["overdue"]["change"], 1.0);
  ASSERT_EQ(c["groups"].size(), 1u);
  EXPECT_EQ(c["groups"][0]["code"], "G");
  ASSERT_EQ(c["units"].size(), 2u);
  EXPECT_EQ(c["units"][0]["code"], "C1");
  EXPECT_EQ(c["units_added"], json::array());
  ASSERT_EQ(c["indicators"].size(), 1u);
  EXPECT_EQ(c["indicators"][0]["a"], 4.0);
  EXPECT_EQ(c["indicators"][0]["change"], 0.0);
  const json& c1 = c["units"][0];
  EXPECT_EQ(c1["a"]["score"], 71.428571);
  EXPECT_EQ(c1["b"]["score"], 71.428571);
  EXPECT_EQ(c1["change"], 0.0);
  const json& c2 = c["units"][1];
  EXPECT_EQ(c2["a"]["score"], 0.0);
  EXPECT_EQ(c2["b"]["score"], 0.0);
  EXPECT_EQ(c2["b"]["rank"], 2);

  const std::int64_t other = Create("L", "2025-12-31", "final");
  auto mixed = reviews.Compare(Agency(), {{"a", std::to_string(a)}, {"b", std::to_string(other)}});
  ASSERT_FALSE(mixed.has_value());
  EXPECT_EQ(mixed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(mixed.error().message, HasSubstr("b"));
  EXPECT_THAT(mixed.error().details[0].message, HasSubstr("different plans"));
  auto missing = reviews.Compare(Agency(), {{"a", std::to_string(a)}});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().details[0].field, "b");
}

}  // namespace
}  // namespace planwatch
