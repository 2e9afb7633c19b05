#include "planwatch/service/live_analytics.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "planwatch/service/import.h"

namespace planwatch {
namespace {

// Two handles on one database file stand for the server and a CLI command beside it.
class LiveAnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_live_analytics_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    server_ = Open();
    Import(*server_, DataKind::kUnits,
           "code,name_vi,type,parent_code\nP,Tỉnh,province,\nC1,Xã 1,commune,P\n"
           "C2,Xã 2,commune,P\n");
    Import(*server_, DataKind::kIndicators,
           "code,name_vi,time_aggregation,period_type\nN,Số,sum,monthly\n");
    auto analytics = AttachAnalytics(*server_);
    ASSERT_TRUE(analytics.has_value()) << analytics.error().ToString();
    analytics_ = std::move(*analytics);
  }
  void TearDown() override {
    server_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }
  std::unique_ptr<Store> Open() {
    auto store = Store::Open(StoreOptions{path_.string(), true});
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return std::move(*store);
  }
  static void Import(Store& store, DataKind kind, const std::string& csv) {
    std::istringstream in(csv);
    auto summary = ImportCsv(store, kind, in);
    ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  }
  std::optional<double> Sum(std::string_view unit) {
    const auto catalog = analytics_->catalog();
    const PeriodRange year{Period::Year(2025), Period::Year(2025)};
    auto v = analytics_->Rollup(catalog->FindIndicatorByCode("N")->id,
                                catalog->tree.FindByCode(unit)->id, year);
    EXPECT_TRUE(v.has_value());
    return v ? *v : std::nullopt;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> server_;
  std::shared_ptr<Analytics> analytics_;
};

TEST_F(LiveAnalyticsTest, EveryCommitThroughTheStoreIsInTheIndexWhenCommitReturns) {
  EXPECT_EQ(Sum("P"), std::nullopt);
  Import(*server_, DataKind::kDataValues,
         "indicator_code,unit_code,period,value\nN,C1,202501,3\nN,C2,202502,4\n");
  EXPECT_EQ(Sum("P"), 7);
  EXPECT_EQ(analytics_->commit_serial(), *server_->CommitSerial());
  // A new unit moves positions; its values land under its parent.
  Import(*server_, DataKind::kUnits, "code,name_vi,type,parent_code\nC0,Xã 0,commune,P\n");
  Import(*server_, DataKind::kDataValues,
         "indicator_code,unit_code,period,value\nN,C0,202503,10\n");
  EXPECT_EQ(Sum("P"), 17);
  EXPECT_EQ(Sum("C1"), 3);
}

TEST_F(LiveAnalyticsTest, CatchUpLoadsWhatAnotherProcessCommitted) {
  Import(*server_, DataKind::kDataValues, "indicator_code,unit_code,period,value\nN,C1,202501,3\n");
  const std::int64_t before = analytics_->commit_serial();
  ASSERT_TRUE(CatchUp(*server_, *analytics_).has_value());  // nothing new: nothing done
  EXPECT_EQ(analytics_->commit_serial(), before);

  auto cli = Open();
  Import(*cli, DataKind::kDataValues, "indicator_code,unit_code,period,value\nN,C2,202501,5\n");
  EXPECT_EQ(Sum("P"), 3);  // the other handle's commit is not seen by the observer
  EXPECT_EQ(*server_->CommitSerial(), before + 1);

  ASSERT_TRUE(CatchUp(*server_, *analytics_).has_value());
  EXPECT_EQ(Sum("P"), 8);
  EXPECT_EQ(analytics_->commit_serial(), before + 1);
  // And it keeps following this handle's commits afterwards.
  Import(*server_, DataKind::kDataValues, "indicator_code,unit_code,period,value\nN,C2,202502,1\n");
  EXPECT_EQ(Sum("P"), 9);
}

TEST_F(LiveAnalyticsTest, CatchUpReadsAgainThePlansAndCatalogTheOtherCommitsChanged) {
  Import(*server_, DataKind::kPlans,
         "code,title_vi,issuer_code,standing_agency_code,start\n"
         "A,Kế hoạch A,P,P,2025-01-01\nB,Kế hoạch B,P,P,2025-01-01\n");
  const std::string tasks =
      "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
      "A,T1,Việc 1,C1,2025-01-01,2025-03-31\n"
      "B,T1,Việc 1,C2,2025-01-01,2025-03-31\n";
  Import(*server_, DataKind::kTasks, tasks);
  auto summary = [&](std::string_view plan) {
    const auto catalog = analytics_->catalog();
    const Plan* p = nullptr;
    for (const Plan& candidate : catalog->plans) {
      if (candidate.code == plan) p = &candidate;
    }
    EXPECT_NE(p, nullptr) << plan;
    TaskScope scope;
    scope.plan = p ? p->id : PlanId{};
    scope.unit = catalog->tree.FindByCode("P")->id;
    scope.as_of = *Date::Parse("2025-06-30");
    auto s = analytics_->SummarizeTasks(scope);
    EXPECT_TRUE(s.has_value());
    return s ? *s : StatusSummary{};
  };
  EXPECT_EQ(summary("A").overdue, 1);
  EXPECT_EQ(summary("B").overdue, 1);

  // Another process completes A's task, adds a unit and a task in C2 for plan B.
  auto cli = Open();
  Import(*cli, DataKind::kTaskUpdates,
         "plan_code,task_code,kind,date,completed_on\n"
         "A,T1,claim,2025-03-20,2025-03-20\nA,T1,verify,2025-03-25,\n");
  Import(*cli, DataKind::kUnits, "code,name_vi,type,parent_code\nC3,Xã 3,commune,P\n");
  Import(*cli, DataKind::kTasks,
         "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
         "B,T2,Việc 2,C3,2025-01-01,2025-12-31\n");
  auto log = server_->CommitLog(analytics_->commit_serial(), *server_->CommitSerial());
  ASSERT_TRUE(log.has_value()) << log.error().ToString();
  EXPECT_TRUE(log->complete);
  EXPECT_TRUE(log->catalog);
  EXPECT_EQ(log->plans.size(), 2U);
  EXPECT_EQ(summary("A").done_on_time, 0);  // not seen yet

  ASSERT_TRUE(CatchUp(*server_, *analytics_).has_value());
  EXPECT_EQ(summary("A").done_on_time, 1);
  EXPECT_EQ(summary("A").overdue, 0);
  EXPECT_EQ(summary("B").overdue, 1);
  EXPECT_EQ(summary("B").in_progress_on_time, 1);
  EXPECT_NE(analytics_->catalog()->tree.FindByCode("C3"), nullptr);
  EXPECT_EQ(analytics_->commit_serial(), *server_->CommitSerial());
}

TEST_F(LiveAnalyticsTest, AFollowerCatchesUpWithoutBeingAsked) {
  CommitFollower follower(*server_, analytics_, std::chrono::milliseconds(20));
  auto cli = Open();
  Import(*cli, DataKind::kDataValues, "indicator_code,unit_code,period,value\nN,C2,202501,5\n");
  // No request calls CatchUp here: only the follower can bring the index up to date.
  for (int i = 0; i < 500 && analytics_->commit_serial() != *server_->CommitSerial(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(analytics_->commit_serial(), *server_->CommitSerial());
  EXPECT_EQ(Sum("P"), 5);
  EXPECT_GE(follower.catch_ups(), 1);
  // The follower and this handle's own commits do not get in each other's way.
  Import(*server_, DataKind::kDataValues, "indicator_code,unit_code,period,value\nN,C1,202501,2\n");
  EXPECT_EQ(Sum("P"), 7);
}

TEST_F(LiveAnalyticsTest, CatchUpWithoutAWholeLogReadsEverythingAgain) {
  Import(*server_, DataKind::kPlans,
         "code,title_vi,issuer_code,standing_agency_code,start\nA,Kế hoạch A,P,P,2025-01-01\n");
  auto cli = Open();
  Import(*cli, DataKind::kTasks,
         "plan_code,code,title_vi,lead_unit_code,assigned_on,deadline\n"
         "A,T1,Việc 1,C1,2025-01-01,2025-03-31\n");
  // The log of that commit is gone (as after pruning, or from before the log existed).
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(raw, "DELETE FROM commit_log", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  auto log = server_->CommitLog(analytics_->commit_serial(), *server_->CommitSerial());
  ASSERT_TRUE(log.has_value());
  EXPECT_FALSE(log->complete);
  ASSERT_TRUE(CatchUp(*server_, *analytics_).has_value());
  EXPECT_EQ(analytics_->size().tasks, 1U);
}

}  // namespace
}  // namespace planwatch
