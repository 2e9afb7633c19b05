#include "planwatch/service/plan_status.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "planwatch/service/demo.h"
#include "planwatch/service/import.h"
#include "planwatch/service/live_analytics.h"

namespace planwatch {
namespace {

class PlanStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_status_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    auto analytics = AttachAnalytics(*store_);
    ASSERT_TRUE(analytics.has_value()) << analytics.error().ToString();
    analytics_ = std::move(*analytics);
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
  static Date D(const char* text) { return *Date::Parse(text); }
  static StatusQuery Query(std::string plan, Date as_of) {
    StatusQuery q;
    q.plan_code = std::move(plan);
    q.as_of = as_of;
    return q;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<Analytics> analytics_;
};

TEST(RatePercentTest, TruncatesToOneDecimalWithoutFloatingError) {
  EXPECT_EQ(RatePercent(124, 169), 73.3);  // 73.37%: never shown as more than achieved
  EXPECT_EQ(RatePercent(7, 10), 70.0);     // 0.7 is not exact in binary; the counts are
  EXPECT_EQ(RatePercent(1999, 2000), 99.9);
  EXPECT_EQ(RatePercent(169, 169), 100.0);
  EXPECT_EQ(RatePercent(0, 5), 0.0);
  EXPECT_EQ(RatePercent(0, 0), std::nullopt);
}

TEST_F(PlanStatusTest, SmallPlanBySubtreeAndGroup) {
  Import(DataKind::kUnits,
         "code,name_vi,type,parent_code\n"
         "P,Tỉnh,province,\nD,Sở,department,P\nC,Xã,commune,P\nV,Thôn,village,C\n");
  Import(DataKind::kPlans, "code,title_vi,issuer_code,standing_agency_code\nK,Kế hoạch,P,D\n");
  Import(DataKind::kTaskGroups,
         "plan_code,code,title_vi,order\nK,G2,Nhóm hai,2\nK,G1,Nhóm một,1\n");
  Import(DataKind::kTasks,
         "plan_code,code,group_code,title_vi,lead_unit_code,assigned_on,deadline\n"
         "K,T1,G1,Một,D,2025-01-01,2025-06-30\n"
         "K,T2,G1,Hai,C,2025-01-01,2025-06-30\n"
         "K,T3,G2,Ba,V,2025-01-01,2025-12-31\n"
         "K,T4,G2,Bốn,V,2025-01-01,2025-03-31\n");
  Import(DataKind::kTaskUpdates,
         "plan_code,task_code,kind,date,completed_on,new_deadline,reason\n"
         "K,T1,claim,2025-06-30,2025-06-30,,\n"
         "K,T1,verify,2025-07-02,,,\n"
         "K,T2,claim,2025-07-01,2025-07-01,,\n"
         "K,T4,cancel,2025-05-01,,,Gộp vào T3\n");

  StatusQuery query{"K",   D("2025-12-31"),           "",
                    false, CompletionView::kVerified, StatusGroupBy::kGroup};
  auto status = GetPlanStatus(*analytics_, query);
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(status->summary.total, 3);
  EXPECT_EQ(status->summary.done_on_time, 1);
  EXPECT_EQ(status->summary.overdue, 1);  // T2 claimed, never verified, past its deadline
  EXPECT_EQ(status->summary.in_progress_on_time, 1);
  EXPECT_EQ(status->summary.cancelled, 1);
  ASSERT_EQ(status->rows.size(), 2u);
  EXPECT_EQ(status->rows[0].code, "G1");  // by the groups' order, not their codes
  EXPECT_EQ(status->rows[0].summary.total, 2);

  const auto json = ToJson(*status);
  EXPECT_EQ(json["plan"], "K");
  EXPECT_EQ(json["as_of"], "2025-12-31");
  EXPECT_EQ(json["completion_rate"], 33.3);
  EXPECT_EQ(json["on_time_rate"], 33.3);  // T3 falls due on D itself
  EXPECT_EQ(json["rows"].size(), 2u);

  query.view = CompletionView::kClaimed;
  query.group_by = StatusGroupBy::kNone;
  status = GetPlanStatus(*analytics_, query);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->summary.done, 2);
  EXPECT_EQ(status->summary.done_late, 1);

  query.unit_code = "C";
  query.view = CompletionView::kVerified;
  status = GetPlanStatus(*analytics_, query);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->summary.total, 1);
  query.subtree = true;
  status = GetPlanStatus(*analytics_, query);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->summary.total, 2);  // T2 and T3 (village V is under commune C)
}

TEST_F(PlanStatusTest, MergedUnitAnswersForItsPredecessorsTasks) {
  Import(DataKind::kUnits,
         "code,name_vi,type,parent_code,valid_from,valid_to,successor_codes\n"
         "P,Tỉnh,province,,,,\nD,Sở,department,P,,,\nW,Phường mới,ward,P,2025-07-01,,\n"
         "A,Xã A,commune,P,,2025-06-30,W\nB,Xã B,commune,P,,2025-06-30,W\n");
  Import(DataKind::kPlans, "code,title_vi,issuer_code,standing_agency_code\nK,Kế hoạch,P,D\n");
  Import(DataKind::kTasks,
         "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
         "K,T1,Một,A,2025-01-01,2025-05-31\n"
         "K,T2,Hai,B,2025-01-01,2025-12-31\n"
         "K,T3,Ba,W,2025-07-01,2025-12-31\n"
         "K,T4,Bốn,D,2025-01-01,2025-12-31\n");
  StatusQuery query = Query("K", D("2025-12-31"));
  query.unit_code = "W";
  auto status = GetPlanStatus(*analytics_, query);
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(status->summary.total, 3);  // T3, and T1 and T2 carried over from A and B
  query.unit_code = "A";
  status = GetPlanStatus(*analytics_, query);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->summary.total, 1);  // a closed unit still shows its own history
}

TEST_F(PlanStatusTest, UnknownPlanAndUnitAreNotFound) {
  Import(DataKind::kUnits, "code,name_vi,type\nP,Tỉnh,province\n");
  auto status = GetPlanStatus(*analytics_, Query("NOPE", D("2025-12-31")));
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  EXPECT_NE(status.error().message.find("NOPE"), std::string::npos);
}

TEST_F(PlanStatusTest, DemoReproducesTheSeedsFigures) {
  auto loaded = LoadDemo(*store_, DefaultDemoDir());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  auto status = GetPlanStatus(*analytics_, Query("333-KH/TU", D("2025-12-31")));
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(status->summary.total, 169);
  EXPECT_EQ(status->summary.done, 124);
  EXPECT_EQ(ToJson(*status)["completion_rate"], 73.3);
  // The demo shows every status a user meets.
  EXPECT_GT(status->summary.done_late, 0);
  EXPECT_GT(status->summary.overdue, 0);
  EXPECT_GT(status->summary.in_progress_on_time, 0);
  EXPECT_GT(status->summary.cancelled, 0);
  EXPECT_GT(status->summary.slip_days, 0);
  StatusQuery claimed_query = Query("333-KH/TU", D("2025-12-31"));
  claimed_query.view = CompletionView::kClaimed;
  auto claimed = GetPlanStatus(*analytics_, claimed_query);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_GT(claimed->summary.done, 124);
}

}  // namespace
}  // namespace planwatch
