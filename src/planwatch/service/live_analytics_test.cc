#include "planwatch/service/live_analytics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

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

}  // namespace
}  // namespace planwatch
