#include "planwatch/service/analytics_queries.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include "planwatch/service/demo.h"
#include "planwatch/service/import.h"
#include "planwatch/service/indicator_figures.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/service/plan_status.h"

namespace planwatch {
namespace {

using nlohmann::json;

Date D(const char* text) { return *Date::Parse(text); }

// The demo province, loaded once: every test here only reads it.
class AnalyticsDemoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::filesystem::path(
        std::filesystem::temp_directory_path() /
        ("planwatch_analytics_demo_" + std::to_string(::getpid()) + ".db"));
    Remove();
    auto store = Store::Open(StoreOptions{path_->string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = store->release();
    auto loaded = LoadDemo(*store_, DefaultDemoDir());
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    auto analytics = LoadAnalytics(*store_);
    ASSERT_TRUE(analytics.has_value()) << analytics.error().ToString();
    analytics_ = analytics->release();
  }
  static void TearDownTestSuite() {
    delete analytics_;
    analytics_ = nullptr;
    delete store_;
    store_ = nullptr;
    Remove();
    delete path_;
    path_ = nullptr;
  }
  static void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_->string() + suffix);
  }

  static const OrgUnit& Unit(const std::string& code) {
    static std::vector<OrgUnit> units;
    if (units.empty()) units = *store_->OrgUnits();
    auto it = std::ranges::find(units, code, &OrgUnit::code);
    EXPECT_NE(it, units.end()) << code;
    return *it;
  }
  static Principal Officer(const std::string& unit_code) {
    return Principal{UserId{7}, "officer", Role::kUnitOfficer, Unit(unit_code).id};
  }
  static Principal Root() { return Principal{UserId{1}, "admin", Role::kAdmin, Unit("VN").id}; }
  static Principal Province() {
    return Principal{UserId{2}, "sl.agency", Role::kStandingAgency, Unit("SL").id};
  }
  static json Status(const StatusQuery& query) {
    auto status = GetPlanStatus(*analytics_, query);
    EXPECT_TRUE(status.has_value()) << status.error().ToString();
    return status ? ToJson(*status) : json();
  }
  static double Figure(const char* unit, const char* periods, const char* indicator) {
    auto figures = GetIndicatorFigures(*analytics_, unit, *PeriodRange::Parse(periods), indicator);
    EXPECT_TRUE(figures.has_value()) << figures.error().ToString();
    EXPECT_TRUE(figures->figures.at(0).value.has_value()) << indicator << " " << periods;
    return figures->figures.at(0).value.value_or(-1);
  }
  static json Indicators(const QueryParams& params, const Principal& p = Province()) {
    auto out = IndicatorAnalytics(*analytics_, p, params, D("2026-10-31"));
    EXPECT_TRUE(out.has_value()) << out.error().ToString();
    return out ? *out : json();
  }
  static const json& RowOf(const json& out, const std::string& indicator,
                           const std::string& key = "", const std::string& value = "") {
    for (const json& row : out["rows"]) {
      if (row["indicator"]["code"] != indicator) continue;
      if (key.empty()) return row;
      const json& k = key == "unit" ? row["unit"]["code"] : row[key];
      if (k == value) return row;
    }
    ADD_FAILURE() << "no row " << indicator << " " << key << "=" << value;
    static const json kNone;
    return kNone;
  }
  static void ExpectInvalid(const Result<json>& out, const std::string& param,
                            const std::string& code) {
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(out.error().message, "invalid query parameter " + param);
    ASSERT_EQ(out.error().details.size(), 1u);
    EXPECT_EQ(out.error().details[0].field, param);
    EXPECT_TRUE(out.error().details[0].message.starts_with(code + ": "))
        << out.error().details[0].message;
  }

  static std::filesystem::path* path_;
  static Store* store_;
  static Analytics* analytics_;
};
std::filesystem::path* AnalyticsDemoTest::path_ = nullptr;
Store* AnalyticsDemoTest::store_ = nullptr;
Analytics* AnalyticsDemoTest::analytics_ = nullptr;

// ---------------------------------------------------------------------------------------------
// Tasks

TEST_F(AnalyticsDemoTest, TaskFiguresOfThePlanAreThoseOfPlanStatus) {
  auto out = TaskAnalytics(*analytics_, Root(), {{"plan", "333-KH/TU"}, {"as_of", "2025-12-31"}},
                           D("2026-10-31"));
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  StatusQuery query;
  query.plan_code = "333-KH/TU";
  query.as_of = D("2025-12-31");
  EXPECT_EQ(*out, Status(query));
  EXPECT_EQ((*out)["completion_rate"], 73.3);  // "completed 124 of 169 tasks (73.3%)"
  EXPECT_EQ((*out)["plan"], "333-KH/TU");
  EXPECT_FALSE(out->contains("unit"));  // a root's caller sees the whole plan
  EXPECT_FALSE(out->contains("rows"));

  // group_by=status is the breakdown itself, the same answer.
  auto status = TaskAnalytics(
      *analytics_, Root(), {{"plan", "333-KH/TU"}, {"as_of", "2025-12-31"}, {"group_by", "status"}},
      D("2026-10-31"));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, *out);
}

TEST_F(AnalyticsDemoTest, TaskFiguresByGroupAndClaimed) {
  auto out = TaskAnalytics(
      *analytics_, Root(),
      {{"plan", "333-KH/TU"}, {"as_of", "2025-12-31"}, {"group_by", "group"}, {"claimed", "true"}},
      D("2026-10-31"));
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  StatusQuery query;
  query.plan_code = "333-KH/TU";
  query.as_of = D("2025-12-31");
  query.view = CompletionView::kClaimed;
  query.group_by = StatusGroupBy::kGroup;
  EXPECT_EQ(*out, Status(query));
  EXPECT_EQ((*out)["view"], "claimed");
  ASSERT_TRUE(out->contains("rows"));
  EXPECT_EQ((*out)["rows"].size(), 10u);  // the framework's groups N1–N10
  int total = 0;
  for (const json& row : (*out)["rows"]) total += row["total"].get<int>();
  EXPECT_EQ(total, (*out)["total"].get<int>());
}

TEST_F(AnalyticsDemoTest, CommuneOfficerSeesItsSubtreeByDefault) {
  // as_of defaults to today.
  auto out =
      TaskAnalytics(*analytics_, Officer("SL-C-DOANKET"), {{"plan", "333-KH/TU"}}, D("2025-12-31"));
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  StatusQuery query;
  query.plan_code = "333-KH/TU";
  query.as_of = D("2025-12-31");
  query.unit_code = "SL-C-DOANKET";
  query.subtree = true;
  const json expected = Status(query);
  EXPECT_EQ(*out, expected);
  EXPECT_EQ((*out)["unit"], "SL-C-DOANKET");
  EXPECT_EQ((*out)["subtree"], true);
  EXPECT_EQ((*out)["as_of"], "2025-12-31");
  EXPECT_GE((*out)["total"].get<int>(), 1);  // task 7.14 is cascaded to every commune
  EXPECT_LT((*out)["total"].get<int>(), 169);

  auto province = TaskAnalytics(*analytics_, Officer("SL-C-DOANKET"),
                                {{"plan", "333-KH/TU"}, {"unit", "SL"}}, D("2025-12-31"));
  ASSERT_FALSE(province.has_value());
  EXPECT_EQ(province.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(province.error().message.find("SL"), std::string::npos);

  auto indicators =
      IndicatorAnalytics(*analytics_, Officer("SL-C-DOANKET"), {{"unit", "SL"}}, D("2025-12-31"));
  ASSERT_FALSE(indicators.has_value());
  EXPECT_EQ(indicators.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(AnalyticsDemoTest, ProvinceCallerNamesAUnitWithoutSubtree) {
  auto out = TaskAnalytics(*analytics_, Province(),
                           {{"plan", "333-KH/TU"},
                            {"as_of", "2025-12-31"},
                            {"unit", "SL-SKHCN"},
                            {"subtree", "false"},
                            {"group_by", "unit"}},
                           D("2026-10-31"));
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  StatusQuery query{"333-KH/TU", D("2025-12-31"),           "SL-SKHCN",
                    false,       CompletionView::kVerified, StatusGroupBy::kUnit};
  EXPECT_EQ(*out, Status(query));
  EXPECT_EQ((*out)["subtree"], false);

  // Without a unit, a province (not a root) sees its own subtree: the whole plan's tasks here.
  auto own = TaskAnalytics(*analytics_, Province(),
                           {{"plan", "333-KH/TU"}, {"as_of", "2025-12-31"}}, D("2026-10-31"));
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ((*own)["unit"], "SL");
  EXPECT_EQ((*own)["subtree"], true);
  EXPECT_EQ((*own)["completion_rate"], 73.3);
}

TEST_F(AnalyticsDemoTest, TaskParameterErrorsNameTheParameter) {
  const Date today = D("2026-10-31");
  ExpectInvalid(
      TaskAnalytics(*analytics_, Root(), {{"plan", "333-KH/TU"}, {"colour", "red"}}, today),
      "colour", "unknown_field");
  ExpectInvalid(
      TaskAnalytics(*analytics_, Root(), {{"plan", "333-KH/TU"}, {"as_of", "2025-13-01"}}, today),
      "as_of", "invalid");
  ExpectInvalid(TaskAnalytics(*analytics_, Root(), {{"as_of", "2025-12-31"}}, today), "plan",
                "required");
  ExpectInvalid(
      TaskAnalytics(*analytics_, Root(), {{"plan", "333-KH/TU"}, {"subtree", "yes"}}, today),
      "subtree", "invalid");
  ExpectInvalid(
      TaskAnalytics(*analytics_, Root(), {{"plan", "333-KH/TU"}, {"claimed", "True"}}, today),
      "claimed", "invalid");
  ExpectInvalid(
      TaskAnalytics(*analytics_, Root(), {{"plan", "333-KH/TU"}, {"group_by", "task"}}, today),
      "group_by", "invalid");
  ExpectInvalid(TaskAnalytics(*analytics_, Root(), {{"plan", "333-KH/TU"}, {"unit", ""}}, today),
                "unit", "invalid");

  auto plan = TaskAnalytics(*analytics_, Root(), {{"plan", "999-KH/TU"}}, today);
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code, ErrorCode::kNotFound);
  EXPECT_NE(plan.error().message.find("999-KH/TU"), std::string::npos);
  auto unit =
      TaskAnalytics(*analytics_, Root(), {{"plan", "333-KH/TU"}, {"unit", "SL-NOPE"}}, today);
  ASSERT_FALSE(unit.has_value());
  EXPECT_EQ(unit.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unit.error().message.find("SL-NOPE"), std::string::npos);

  Principal anonymous = Root();
  anonymous.user = UserId{};
  auto denied = TaskAnalytics(*analytics_, anonymous, {{"plan", "333-KH/TU"}}, today);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
}

// ---------------------------------------------------------------------------------------------
// Indicators

TEST_F(AnalyticsDemoTest, ProvinceIndicatorsIn2025) {
  const json out = Indicators({{"unit", "SL"}, {"periods", "2025"}});
  EXPECT_EQ(out["unit"]["code"], "SL");
  EXPECT_EQ(out["unit"]["name_vi"], Unit("SL").name_vi);
  EXPECT_EQ(out["periods"], "2025");
  EXPECT_EQ(out["by"], "none");
  EXPECT_EQ(out["rows"].size(), 29u);                             // one per indicator
  EXPECT_EQ(out["rows"][0]["indicator"]["code"], "BIZ_DIGITAL");  // by code

  // A stock: December's value, against Son La's 2025 target on its date.
  const json& open = RowOf(out, "OPEN_DATASETS");
  EXPECT_EQ(open["value"], 658);
  EXPECT_EQ(open["value"], Figure("SL", "2025", "OPEN_DATASETS"));
  EXPECT_EQ(open["unit"]["code"], "SL");
  EXPECT_EQ(open["indicator"]["direction"], "up");
  EXPECT_EQ(open["indicator"]["unit_of_measure"], "bộ dữ liệu");
  EXPECT_EQ(open["target"], (json{{"value", 600}, {"date", "2025-12-31"}}));
  EXPECT_EQ(open["expected"], 600);  // on the target's date, exactly the target
  EXPECT_DOUBLE_EQ(open["achievement"].get<double>(), (658.0 - 412) / (600 - 412));
  EXPECT_EQ(open["status"], "on_track");

  // A flow without baseline: a value but no trajectory to judge it by.
  const json& signatures = RowOf(out, "PUBLIC_SIGNATURES");
  EXPECT_EQ(signatures["value"], 22336);
  EXPECT_EQ(signatures["target"]["value"], 20000);
  EXPECT_TRUE(signatures["expected"].is_null());
  EXPECT_TRUE(signatures["achievement"].is_null());
  EXPECT_EQ(signatures["status"], "no_data");

  // The teams' targets are the communes' own: none applies to the province.
  const json& teams = RowOf(out, "COMMUNITY_DT_TEAMS");
  EXPECT_TRUE(teams["target"].is_null());
  EXPECT_TRUE(teams["expected"].is_null());
  EXPECT_EQ(teams["status"], "no_data");

  const std::set<std::string> statuses{"on_track", "at_risk", "off_track", "no_data"};
  for (const json& row : out["rows"]) {
    EXPECT_TRUE(statuses.contains(row["status"].get<std::string>())) << row.dump();
    EXPECT_EQ(row["achievement"].is_null(), row["status"] == "no_data") << row.dump();
  }
}

TEST_F(AnalyticsDemoTest, IndicatorsDefaultToTheCallersUnitAndTheCurrentYear) {
  const json out = Indicators({{"indicator", "OPEN_DATASETS"}});
  EXPECT_EQ(out["unit"]["code"], "SL");
  EXPECT_EQ(out["periods"], "2026");  // today is 2026-10-31
  ASSERT_EQ(out["rows"].size(), 1u);
  EXPECT_EQ(out["rows"][0]["value"], Figure("SL", "2026", "OPEN_DATASETS"));
  EXPECT_EQ(out["rows"][0]["target"]["date"], "2030-12-31");
  // 2026-12-31 on the straight line from 600 (2025-12-31) to 1200 (2030-12-31).
  EXPECT_DOUBLE_EQ(out["rows"][0]["expected"].get<double>(), 600 + 600.0 * 365 / 1826);
}

TEST_F(AnalyticsDemoTest, IndicatorsByChildUnit) {
  const json out = Indicators({{"unit", "SL"},
                               {"periods", "2025"},
                               {"by", "children"},
                               {"indicator", "COMMUNITY_DT_TEAMS"}});
  EXPECT_EQ(out["by"], "children");
  std::set<std::string> expected;
  const OrgUnitId sl = Unit("SL").id;
  const std::vector<OrgUnit> units = *store_->OrgUnits();
  for (const OrgUnit& u : units) {
    if (u.parent == sl && u.ActiveOn(D("2025-12-31"))) expected.insert(u.code);
  }
  std::vector<std::string> codes;
  for (const json& row : out["rows"]) codes.push_back(row["unit"]["code"].get<std::string>());
  EXPECT_TRUE(std::ranges::is_sorted(codes));
  const std::set<std::string> got(codes.begin(), codes.end());
  std::vector<std::string> extra;
  std::ranges::set_symmetric_difference(got, expected, std::back_inserter(extra));
  EXPECT_TRUE(extra.empty()) << fmt::format("{}", fmt::join(extra, ", "));
  EXPECT_EQ(codes.size(), expected.size());
  EXPECT_EQ(std::ranges::find(codes, "SL-OLD-CHIENGCHUNG"), codes.end());  // closed on 2025-06-30
  EXPECT_NE(std::ranges::find(codes, "SL-C-DOANKET"), codes.end());        // opened 2025-07-01

  // Chiềng An ward: 27 teams against its own target of 27 (baseline 0).
  const json& chiengan = RowOf(out, "COMMUNITY_DT_TEAMS", "unit", "SL-W-CHIENGAN");
  EXPECT_EQ(chiengan["value"], 27);
  EXPECT_EQ(chiengan["value"], Figure("SL-W-CHIENGAN", "2025", "COMMUNITY_DT_TEAMS"));
  EXPECT_EQ(chiengan["target"], (json{{"value", 27}, {"date", "2025-12-31"}}));
  EXPECT_EQ(chiengan["expected"], 27);
  EXPECT_EQ(chiengan["achievement"], 1.0);
  EXPECT_EQ(chiengan["status"], "on_track");
  // A department has no teams' target of its own.
  EXPECT_EQ(RowOf(out, "COMMUNITY_DT_TEAMS", "unit", "SL-SKHCN")["status"], "no_data");

  const json all = Indicators({{"unit", "SL"}, {"periods", "2025"}, {"by", "children"}});
  EXPECT_EQ(all["rows"].size(), 29 * expected.size());
  EXPECT_EQ(RowOf(all, "OPEN_DATASETS", "unit", "SL-SKHCN")["value"],
            Figure("SL-SKHCN", "2025", "OPEN_DATASETS"));
}

TEST_F(AnalyticsDemoTest, IndicatorsByPeriod) {
  const json out = Indicators({{"unit", "SL"}, {"periods", "2025"}, {"by", "period"}});
  EXPECT_EQ(out["by"], "period");
  std::vector<std::string> months;
  for (const json& row : out["rows"]) {
    if (row["indicator"]["code"] == "OPEN_DATASETS") months.push_back(row["period"]);
    EXPECT_FALSE(row.contains("unit"));
  }
  ASSERT_EQ(months.size(), 12u);
  EXPECT_EQ(months.front(), "202501");
  EXPECT_EQ(months.back(), "202512");

  const json& march = RowOf(out, "OPEN_DATASETS", "period", "202503");
  EXPECT_EQ(march["value"], Figure("SL", "202503", "OPEN_DATASETS"));
  const json& june = RowOf(out, "OPEN_DATASETS", "period", "202506");
  // 2025-06-30 is 181 of the 365 days from the baseline (412) to the 2025 target (600).
  const double expected_june = 412 + 188.0 * 181 / 365;
  EXPECT_DOUBLE_EQ(june["expected"].get<double>(), expected_june);
  const double june_value = Figure("SL", "202506", "OPEN_DATASETS");
  EXPECT_EQ(june["value"], june_value);
  EXPECT_DOUBLE_EQ(june["achievement"].get<double>(), (june_value - 412) / (expected_june - 412));
  EXPECT_EQ(RowOf(out, "OPEN_DATASETS", "period", "202512")["value"], 658);

  int quarters = 0;
  int years = 0;
  for (const json& row : out["rows"]) {
    if (row["indicator"]["code"] == "BIZ_DIGITAL_RATE") ++quarters;
    if (row["indicator"]["code"] == "NQ57_CASHLESS") ++years;
  }
  EXPECT_EQ(quarters, 4);
  EXPECT_EQ(years, 1);
  EXPECT_EQ(RowOf(out, "BIZ_DIGITAL_RATE", "period", "2025Q4")["value"],
            Figure("SL", "2025Q4", "BIZ_DIGITAL_RATE"));

  // A yearly indicator has no period inside a half-year window.
  const json half = Indicators(
      {{"unit", "SL"}, {"periods", "2025S1"}, {"by", "period"}, {"indicator", "NQ57_CASHLESS"}});
  EXPECT_TRUE(half["rows"].empty());
}

TEST_F(AnalyticsDemoTest, IndicatorParameterErrors) {
  const Date today = D("2026-10-31");
  ExpectInvalid(IndicatorAnalytics(*analytics_, Province(), {{"periods", "2025W1"}}, today),
                "periods", "invalid");
  ExpectInvalid(IndicatorAnalytics(*analytics_, Province(), {{"periods", "2025Q4..2025Q1"}}, today),
                "periods", "invalid");
  ExpectInvalid(IndicatorAnalytics(*analytics_, Province(), {{"by", "unit"}}, today), "by",
                "invalid");
  ExpectInvalid(IndicatorAnalytics(*analytics_, Province(), {{"plan", "333-KH/TU"}}, today), "plan",
                "unknown_field");
  auto indicator = IndicatorAnalytics(*analytics_, Province(), {{"indicator", "NOPE"}}, today);
  ASSERT_FALSE(indicator.has_value());
  EXPECT_EQ(indicator.error().code, ErrorCode::kNotFound);
  EXPECT_NE(indicator.error().message.find("NOPE"), std::string::npos);
  auto unit = IndicatorAnalytics(*analytics_, Province(), {{"unit", "NOPE"}}, today);
  ASSERT_FALSE(unit.has_value());
  EXPECT_EQ(unit.error().code, ErrorCode::kNotFound);
}

// ---------------------------------------------------------------------------------------------
// A flow with a baseline, on a small tree.

class FlowAnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_analytics_flow_" + std::to_string(::getpid()) + "_" +
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

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<Analytics> analytics_;
};

TEST_F(FlowAnalyticsTest, FlowIsJudgedByItsLevelAccumulatedOnTheBaseline) {
  Import(DataKind::kUnits,
         "code,name_vi,type,parent_code\nP,Tỉnh,province,\nC1,Xã 1,commune,P\nC2,Xã 2,commune,P\n");
  Import(DataKind::kIndicators,
         "code,name_vi,time_aggregation,period_type,baseline_value,baseline_date\n"
         "FLOW,Lượt,sum,monthly,100,2024-12-31\n");
  Import(DataKind::kTargets, "indicator_code,unit_code,date,value\nFLOW,,2025-12-31,220\n");
  std::string values = "indicator_code,unit_code,period,value\n";
  for (int month = 1; month <= 6; ++month) {
    values += "FLOW,C1,2025" + fmt::format("{:02}", month) + ",10\n";
    values += "FLOW,C2,2025" + fmt::format("{:02}", month) + ",10\n";
  }
  Import(DataKind::kDataValues, values);

  const Principal admin{UserId{1}, "admin", Role::kAdmin, store_->OrgUnits()->at(0).id};
  ASSERT_EQ(store_->OrgUnits()->at(0).code, "P");
  auto out = IndicatorAnalytics(*analytics_, admin, {{"periods", "2025"}, {"by", "period"}},
                                D("2025-07-15"));
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ((*out)["unit"]["code"], "P");
  ASSERT_EQ((*out)["rows"].size(), 12u);
  const json& june = (*out)["rows"][5];
  EXPECT_EQ(june["period"], "202506");
  EXPECT_EQ(june["value"], 20);  // the month's flow over both communes
  const double expected = 100 + 120.0 * 181 / 365;
  EXPECT_DOUBLE_EQ(june["expected"].get<double>(), expected);
  // Judged by the level on 30 June, 100 + 6 × 20 = 220, not by the month's 20.
  EXPECT_DOUBLE_EQ(june["achievement"].get<double>(), (220 - 100) / (expected - 100));
  EXPECT_EQ(june["status"], "on_track");
  const json& july = (*out)["rows"][6];
  EXPECT_TRUE(july["value"].is_null());
  EXPECT_EQ(july["status"], "no_data");

  // Over the year: 240 flowed (value), the level is 340 against the target 220.
  auto year = IndicatorAnalytics(*analytics_, admin, {{"periods", "2025"}, {"by", "children"}},
                                 D("2025-07-15"));
  ASSERT_TRUE(year.has_value()) << year.error().ToString();
  ASSERT_EQ((*year)["rows"].size(), 2u);
  const json& c1 = (*year)["rows"][0];
  EXPECT_EQ(c1["unit"]["code"], "C1");
  EXPECT_EQ(c1["value"], 60);
  EXPECT_EQ(c1["expected"], 220);
  EXPECT_DOUBLE_EQ(c1["achievement"].get<double>(), (160.0 - 100) / (220 - 100));
  EXPECT_EQ(c1["status"], "off_track");  // 0.5 is below the 0.8 threshold
}

}  // namespace
}  // namespace planwatch
