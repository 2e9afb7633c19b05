#include "planwatch/service/indicator_figures.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "planwatch/service/demo.h"
#include "planwatch/service/live_analytics.h"

namespace planwatch {
namespace {

// The demo carries the seeds' figures as indicator values and targets (SPEC §6).
class DemoIndicatorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::filesystem::path(
        std::filesystem::temp_directory_path() /
        ("planwatch_demo_indicators_" + std::to_string(::getpid()) + ".db"));
    auto store = Store::Open(StoreOptions{path_->string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = store->release();
    auto analytics = AttachAnalytics(*store_);
    ASSERT_TRUE(analytics.has_value()) << analytics.error().ToString();
    analytics_ = std::move(*analytics);
    auto loaded = LoadDemo(*store_, DefaultDemoDir());
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  }
  static void TearDownTestSuite() {
    analytics_.reset();
    delete store_;
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_->string() + suffix);
    delete path_;
  }

  static IndicatorFigure Figure(const char* unit, const char* periods, const char* indicator) {
    auto window = PeriodRange::Parse(periods);
    EXPECT_TRUE(window.has_value());
    auto figures = GetIndicatorFigures(*analytics_, unit, *window, indicator);
    EXPECT_TRUE(figures.has_value()) << figures.error().ToString();
    EXPECT_EQ(figures->figures.size(), 1u);
    return figures->figures.at(0);
  }
  static double Value(const char* unit, const char* periods, const char* indicator) {
    const IndicatorFigure f = Figure(unit, periods, indicator);
    EXPECT_TRUE(f.value.has_value()) << indicator;
    return f.value.value_or(-1);
  }

  static std::filesystem::path* path_;
  static Store* store_;
  static inline std::shared_ptr<Analytics> analytics_;
};
std::filesystem::path* DemoIndicatorsTest::path_ = nullptr;
Store* DemoIndicatorsTest::store_ = nullptr;

TEST_F(DemoIndicatorsTest, SeedsFiguresForTheProvinceIn2025) {
  EXPECT_EQ(Value("SL", "2025", "OPEN_DATASETS"), 658);  // stock: December's value
  EXPECT_EQ(Value("SL", "2025", "DVC_FULL_ONLINE"), 967);
  // A ratio of flows: records digitised / records in scope in December, over every unit.
  EXPECT_EQ(std::round(Value("SL", "202512", "DIGITIZATION_RATE") * 10) / 10, 93.2);
  EXPECT_EQ(Value("SL", "2025", "DVC_INTEGRATED_RATE"), 100);
  EXPECT_EQ(Value("SL", "2025", "PUBLIC_SIGNATURES"), 22336);  // flow: summed over the year
  EXPECT_EQ(Value("SL", "2025", "VILLAGES_4G_NEW"), 60);
  EXPECT_EQ(Value("SL", "2025", "ECOM_BUSINESSES"), 40);
  EXPECT_EQ(Value("SL", "2025", "ECOM_PRODUCTS"), 60);
  EXPECT_EQ(Value("SL-W-CHIENGAN", "2025", "COMMUNITY_DT_TEAMS"), 27);
  EXPECT_NEAR(Value("SL", "2025", "BIZ_DIGITAL_RATE"), 30.0, 0.05);
}

TEST_F(DemoIndicatorsTest, MergedCommuneCarriesItsPredecessorsFigures) {
  // Đoàn Kết commune was formed on 1 July 2025 from communes that reported digitization data for
  // January–June; its figures for the first half of 2025 are theirs.
  const IndicatorFigure first_half = Figure("SL-C-DOANKET", "2025S1", "DIGITIZED_RECORDS");
  ASSERT_TRUE(first_half.value.has_value());
  EXPECT_GT(*first_half.value, 0);
}

TEST_F(DemoIndicatorsTest, NationalTargetsFor2030And2045) {
  const struct {
    const char* code;
    double value;
    const char* date;
  } expected[] = {
      {"NQ57_ONLINE_DVC_USE", 80, "2030-12-31"},
      {"NQ57_CASHLESS", 80, "2030-12-31"},
      {"NQ57_DIGITAL_ECONOMY_GDP", 30, "2030-12-31"},
      {"NQ57_RD_SPENDING_GDP", 2, "2030-12-31"},
      {"NQ57_INNOVATIVE_ENTERPRISES", 40, "2030-12-31"},
      {"NQ57_RESEARCHERS_PER_10K", 12, "2030-12-31"},
  };
  for (const auto& e : expected) {
    const IndicatorFigure f = Figure("VN", "2030", e.code);
    ASSERT_TRUE(f.target.has_value()) << e.code;
    EXPECT_EQ(f.target->value, e.value) << e.code;
    EXPECT_EQ(f.target->date.ToString(), e.date) << e.code;
    EXPECT_EQ(f.indicator.indicator_class, IndicatorClass::kStrategic) << e.code;
  }
  const IndicatorFigure vision = Figure("VN", "2040..2045", "NQ57_DIGITAL_ECONOMY_GDP");
  ASSERT_TRUE(vision.target.has_value());
  EXPECT_EQ(vision.target->value, 50);
}

TEST_F(DemoIndicatorsTest, UnknownUnitOrIndicatorIsNotFound) {
  auto window = PeriodRange::Parse("2025");
  ASSERT_TRUE(window.has_value());
  auto figures = GetIndicatorFigures(*analytics_, "NOPE", *window);
  ASSERT_FALSE(figures.has_value());
  EXPECT_EQ(figures.error().code, ErrorCode::kNotFound);
  figures = GetIndicatorFigures(*analytics_, "SL", *window, "NOPE");
  ASSERT_FALSE(figures.has_value());
  EXPECT_EQ(figures.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace planwatch
