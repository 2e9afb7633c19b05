#include "planwatch/service/scorecards.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include "planwatch/service/import.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// A province P with departments D1 (the plan's standing agency, responsible for indicator I1)
// and D2, communes C1, C2, C3 and ward W. Plan K is issued by P.
class ScorecardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_scorecards_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    Import(DataKind::kUnits,
           "code,name_vi,name_en,type,parent_code,leader_name,leader_title\n"
           "P,Tỉnh,Province,province,,,\n"
           "D1,Sở Khoa học,Science,department,P,Phạm Quốc Chính,Phó Giám đốc\n"
           "D2,Sở Tài chính,Finance,department,P,,\n"
           "C1,Xã Một,One,commune,P,Lò Văn A,Chủ tịch UBND xã\n"
           "C2,Xã Hai,Two,commune,P,,\n"
           "C3,Xã Ba,Three,commune,P,,\n"
           "W,Phường,Ward,ward,P,,\n");
    Import(DataKind::kPlans, "code,title_vi,issuer_code,standing_agency_code\nK,Kế hoạch,P,D1\n");
    Import(DataKind::kTaskGroups, "plan_code,code,title_vi,order\nK,G,Nhóm,1\n");
    Import(DataKind::kIndicators,
           "code,name_vi,unit_of_measure,value_type,unit_aggregation,time_aggregation,"
           "period_type,baseline_value,baseline_date,responsible_unit_code\n"
           "I1,Tổ công nghệ số,tổ,count,sum,last,monthly,0,2024-12-31,D1\n");
    Import(DataKind::kTargets,
           "indicator_code,unit_code,date,value\nI1,C1,2025-12-31,10\nI1,P,2025-12-31,100\n");
    Import(DataKind::kTasks,
           "plan_code,code,group_code,title_vi,lead_unit_code,kind,assigned_on,deadline,cadence,"
           "indicator_codes\n"
           "K,T1,G,Một,C1,deadline,2025-01-01,2025-06-30,,I1\n"
           "K,T2,G,Hai,C1,deadline,2025-01-01,2025-09-30,,\n"
           "K,T3,G,Ba,C2,deadline,2025-01-01,2025-03-31,,\n"
           "K,T4,G,Bốn,C3,deadline,2025-01-01,2025-12-31,,\n"
           "K,T5,G,Năm,D1,deadline,2025-01-01,2026-03-31,,\n"
           "K,TX,G,Định kỳ,W,recurring,2025-01-01,,quarterly,\n");
    Import(DataKind::kTaskUpdates,
           "plan_code,task_code,kind,date,completed_on,period,reason\n"
           "K,T1,claim,2025-06-20,2025-06-20,,\n"
           "K,T1,verify,2025-06-25,,,\n"
           "K,T3,claim,2025-04-10,2025-04-10,,\n"
           "K,T3,verify,2025-04-12,,,\n"
           "K,T4,cancel,2025-05-01,,,Gộp\n"
           "K,TX,progress,2025-04-05,,2025Q1,\n");
    Import(DataKind::kDataValues,
           "indicator_code,unit_code,period,value\nI1,C1,202511,7\nI1,C1,202512,8\n");
    auto plans = store_->Plans();
    ASSERT_TRUE(plans.has_value());
    plan_ = plans->front().id;
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
  OrgUnitId Unit(const std::string& code) {
    auto units = store_->OrgUnits();
    for (const OrgUnit& u : *units) {
      if (u.code == code) return u.id;
    }
    ADD_FAILURE() << "no unit " << code;
    return {};
  }
  std::vector<UnitScorecard> Cards(const std::string& period, ScorecardQuery q = {}) {
    q.plan = plan_;
    q.period = *Period::Parse(period);
    auto cards = ComputeScorecards(*store_, q, *Date::Parse("2026-06-01"), {});
    EXPECT_TRUE(cards.has_value()) << cards.error().ToString();
    return cards.value_or(std::vector<UnitScorecard>{});
  }
  static const UnitScorecard& Of(const std::vector<UnitScorecard>& cards, const std::string& code) {
    auto it = std::ranges::find_if(
        cards, [&](const UnitScorecard& c) { return c.card.unit_code == code; });
    if (it == cards.end()) {
      ADD_FAILURE() << "no card of " << code;
      static const UnitScorecard kNone;
      return kNone;
    }
    return *it;
  }
  static std::vector<std::string> Codes(const std::vector<UnitScorecard>& cards) {
    std::vector<std::string> out;
    for (const UnitScorecard& c : cards) out.push_back(c.card.unit_code);
    return out;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  PlanId plan_;
};

TEST_F(ScorecardsTest, YearCardsOfEveryExpectedReporterRankedByType) {
  const auto cards = Cards("2025");
  // C3 leads only a cancelled task: it is no expected reporter.
  EXPECT_THAT(Codes(cards), ElementsAre("D1", "C1", "C2", "W"));

  const UnitScorecard& c1 = Of(cards, "C1");
  EXPECT_EQ(c1.judged_on, *Date::Parse("2025-12-31"));
  EXPECT_EQ(c1.tasks.total, 2);
  EXPECT_EQ(c1.tasks.done_on_time, 1);
  EXPECT_EQ(c1.tasks.overdue, 1);
  EXPECT_EQ(c1.tasks.due, 2);
  EXPECT_EQ(c1.tasks.due_done_on_time, 1);
  EXPECT_EQ(c1.card.inputs.on_time_rate, 0.5);
  // No report was ever sent: every monthly report of 2025 is missing by 1 June 2026.
  EXPECT_EQ(c1.card.inputs.report_timeliness, 0.0);
  // I1 linked to T1, judged for C1 against C1's own target: 8 of 10.
  ASSERT_TRUE(c1.card.inputs.indicator_achievement.has_value());
  EXPECT_DOUBLE_EQ(*c1.card.inputs.indicator_achievement, 0.8);
  EXPECT_EQ(c1.indicators_judged, 1);
  // 100 × (0.5 × 0.5 + 0.2 × 0 + 0.3 × 0.8)
  EXPECT_EQ(c1.card.score, 49.0);
  EXPECT_EQ(c1.card.rating, Rating::kNotCompleted);
  EXPECT_EQ(c1.card.rank, 1);
  EXPECT_EQ(c1.card.peer_count, 2);
  EXPECT_EQ(c1.card.leader_name, "Lò Văn A");
  EXPECT_EQ(c1.unit_name_en, "One");
  // Freshness over October–December: I1 has 2 of 3 monthly values; T2 (open) has no update in
  // any of the 3 months; T1 was done before October.
  EXPECT_EQ(c1.value_freshness, 2.0 / 3);
  EXPECT_EQ(c1.update_freshness, 0.0);
  EXPECT_EQ(c1.freshness, 2.0 / 6);
  EXPECT_THAT(c1.last_activity_at,
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));

  const UnitScorecard& c2 = Of(cards, "C2");
  EXPECT_EQ(c2.tasks.done_late, 1);
  EXPECT_EQ(c2.card.inputs.on_time_rate, 0.0);
  EXPECT_EQ(c2.card.score, 0.0);
  EXPECT_EQ(c2.card.rating, Rating::kNotCompleted);
  EXPECT_EQ(c2.card.rank, 2);
  EXPECT_EQ(c2.last_activity_at, "2025-04-12T00:00:00.000Z");
  EXPECT_EQ(c2.freshness, std::nullopt);  // nothing open, no indicator

  // D1 leads no task due in 2025, and answers for I1 across the province: 8 of 100.
  const UnitScorecard& d1 = Of(cards, "D1");
  EXPECT_EQ(d1.tasks.total, 0);
  EXPECT_EQ(d1.card.inputs.on_time_rate, std::nullopt);
  EXPECT_DOUBLE_EQ(*d1.card.inputs.indicator_achievement, 0.08);
  EXPECT_EQ(d1.card.inputs.report_timeliness, 0.0);
  EXPECT_EQ(d1.card.score, 4.8);  // 100 × (0.2 × 0 + 0.3 × 0.08) / 0.5
  EXPECT_EQ(d1.card.rank, 1);
  EXPECT_EQ(d1.card.peer_count, 1);
  EXPECT_EQ(d1.card.leader_title, "Phó Giám đốc");

  // W's recurring task per quarter: Q1 reported, Q2 and Q3 missing, Q4 not yet due.
  const UnitScorecard& w = Of(cards, "W");
  EXPECT_EQ(w.tasks.recurring_reported, 1);
  EXPECT_EQ(w.tasks.recurring_missing, 2);
  EXPECT_EQ(w.tasks.recurring_not_due, 1);
  EXPECT_EQ(w.tasks.total, 0);
  EXPECT_EQ(w.card.inputs.on_time_rate, std::nullopt);
  EXPECT_EQ(w.card.score, 0.0);  // its reports alone
  EXPECT_EQ(w.card.rank, 1);
  EXPECT_EQ(w.card.peer_count, 1);
}

TEST_F(ScorecardsTest, QuarterIsJudgedOnItsLastDay) {
  const auto cards = Cards("2025Q3");
  const UnitScorecard& c1 = Of(cards, "C1");
  EXPECT_EQ(c1.judged_on, *Date::Parse("2025-09-30"));
  // Only T2 falls due within Q3; on its deadline it is still in progress and due.
  EXPECT_EQ(c1.tasks.total, 1);
  EXPECT_EQ(c1.tasks.in_progress_on_time, 1);
  EXPECT_EQ(c1.tasks.due, 1);
  EXPECT_EQ(c1.card.inputs.on_time_rate, 0.0);
  EXPECT_EQ(c1.card.inputs.indicator_achievement, std::nullopt);  // no value within Q3
  EXPECT_EQ(c1.card.inputs.report_timeliness, 0.0);
  EXPECT_EQ(c1.card.score, 0.0);
  const UnitScorecard& c2 = Of(cards, "C2");
  EXPECT_EQ(c2.tasks.total, 0);
  EXPECT_EQ(c2.card.inputs.on_time_rate, std::nullopt);
  EXPECT_EQ(c2.card.score, 0.0);  // its missing reports of July to September
  EXPECT_EQ(c2.card.rank, 1);     // a tie shares the rank
  EXPECT_EQ(c1.card.rank, 1);
  EXPECT_EQ(c2.card.peer_count, 2);
  // Q3 only, judged on its last day: its report is not due before 20 October.
  EXPECT_EQ(Of(cards, "W").tasks.recurring_not_due, 1);
  EXPECT_EQ(Of(cards, "W").tasks.recurring_missing, 0);
}

TEST_F(ScorecardsTest, CurrentPeriodIsJudgedToday) {
  ScorecardQuery q;
  q.plan = plan_;
  q.period = Period::Year(2025);
  auto cards = ComputeScorecards(*store_, q, *Date::Parse("2025-07-15"), {});
  ASSERT_TRUE(cards.has_value()) << cards.error().ToString();
  const UnitScorecard& c1 = Of(*cards, "C1");
  EXPECT_EQ(c1.judged_on, *Date::Parse("2025-07-15"));
  EXPECT_EQ(c1.tasks.total, 2);
  EXPECT_EQ(c1.tasks.due, 1);  // T2's deadline is still ahead
  EXPECT_EQ(c1.card.inputs.on_time_rate, 1.0);
  EXPECT_EQ(c1.card.inputs.indicator_achievement, std::nullopt);  // no value by July
  // The reports of January to May are missing; June's is not due before 20 July.
  EXPECT_EQ(c1.card.inputs.report_timeliness, 0.0);
  EXPECT_EQ(c1.card.score, 71.428571);  // 100 × 0.5 / 0.7, to 6 decimals
  q.period = Period::Year(2026);
  auto future = ComputeScorecards(*store_, q, *Date::Parse("2025-07-15"), {});
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(future.error().message, HasSubstr("2026"));
}

TEST_F(ScorecardsTest, FiltersKeepTheRanksAmongAllPeers) {
  ScorecardQuery only_c2;
  only_c2.within = Unit("C2");
  const auto c2 = Cards("2025", only_c2);
  ASSERT_THAT(Codes(c2), ElementsAre("C2"));
  EXPECT_EQ(c2[0].card.rank, 2);
  EXPECT_EQ(c2[0].card.peer_count, 2);
  ScorecardQuery communes;
  communes.type = OrgUnitType::kCommune;
  EXPECT_THAT(Codes(Cards("2025", communes)), ElementsAre("C1", "C2"));
  ScorecardQuery nowhere;
  nowhere.plan = plan_;
  nowhere.period = Period::Year(2025);
  nowhere.within = OrgUnitId{4242};
  auto bad = ComputeScorecards(*store_, nowhere, *Date::Parse("2026-06-01"), {});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message, HasSubstr("4242"));
  ScorecardQuery missing;
  missing.plan = PlanId{999};
  missing.period = Period::Year(2025);
  auto none = ComputeScorecards(*store_, missing, *Date::Parse("2026-06-01"), {});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(none.error().message, HasSubstr("999"));
}

TEST_F(ScorecardsTest, StoredWeightsAreUsed) {
  {
    auto tx = store_->Begin();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE((*tx)->PutScorecardWeights({plan_, ScorecardWeights{1, 0, 0}, "agency", ""}));
    ASSERT_TRUE((*tx)->Commit());
  }
  const auto cards = Cards("2025");
  EXPECT_EQ(Of(cards, "C1").card.score, 50.0);  // the on-time rate alone
  const UnitScorecard& d1 = Of(cards, "D1");
  EXPECT_EQ(d1.card.score, std::nullopt);  // no task due; the rest weighs nothing
  EXPECT_EQ(d1.card.rank, std::nullopt);
  const nlohmann::json j = ToJson(d1);
  EXPECT_TRUE(j["score"].is_null());
  EXPECT_TRUE(j["rank"].is_null());
  EXPECT_TRUE(j["rating"].is_null());
  EXPECT_TRUE(j["on_time_rate"].is_null());
  EXPECT_EQ(j["report_timeliness"], 0.0);
}

TEST_F(ScorecardsTest, JsonNamesEveryComponent) {
  const auto cards = Cards("2025");
  const nlohmann::json j = ToJson(Of(cards, "C1"));
  EXPECT_EQ(j["unit"]["code"], "C1");
  EXPECT_EQ(j["unit"]["type"], "commune");
  EXPECT_EQ(j["period"], "2025");
  EXPECT_EQ(j["judged_on"], "2025-12-31");
  EXPECT_EQ(j["on_time_rate"], 0.5);
  EXPECT_EQ(j["report_timeliness"], 0.0);
  EXPECT_EQ(j["score"], 49.0);
  EXPECT_EQ(j["rating"], "not_completed");
  EXPECT_EQ(j["rank"], 1);
  EXPECT_EQ(j["peer_count"], 2);
  EXPECT_EQ(j["tasks"]["total"], 2);
  EXPECT_EQ(j["tasks"]["completion_rate"], 0.5);
  EXPECT_EQ(j["indicators_judged"], 1);
  EXPECT_EQ(j["freshness"], 2.0 / 6);
}

}  // namespace
}  // namespace planwatch
