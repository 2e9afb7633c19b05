#include "planwatch/domain/scorecard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace planwatch {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Optional;

ScorecardInputs Inputs(std::optional<double> on_time, std::optional<double> timeliness,
                       std::optional<double> achievement) {
  return ScorecardInputs{on_time, timeliness, achievement};
}

std::optional<double> ScoreOf(const ScorecardInputs& inputs, const ScorecardWeights& weights = {}) {
  auto s = ComputeScore(inputs, weights);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  return s.value_or(std::nullopt);
}

TEST(ScorecardWeightsTest, DefaultsAreHalfFifthAndThreeTenths) {
  const ScorecardWeights w;
  EXPECT_EQ(w.on_time, 0.5);
  EXPECT_EQ(w.timeliness, 0.2);
  EXPECT_EQ(w.achievement, 0.3);
}

TEST(ComputeScoreTest, WeightsTheThreeComponents) {
  EXPECT_THAT(ScoreOf(Inputs(0.8, 1.0, 0.9)), Optional(87.0));
  EXPECT_THAT(ScoreOf(Inputs(1.0, 1.0, 1.0)), Optional(100.0));
  EXPECT_THAT(ScoreOf(Inputs(0.0, 0.0, 0.0)), Optional(0.0));
}

TEST(ComputeScoreTest, BoundariesComeOutExact) {
  EXPECT_THAT(ScoreOf(Inputs(0.9, 0.9, 0.9)), Optional(90.0));
  EXPECT_THAT(ScoreOf(Inputs(0.7, 0.7, 0.7)), Optional(70.0));
  EXPECT_THAT(ScoreOf(Inputs(0.5, 0.5, 0.5)), Optional(50.0));
  // 0.5 + 0.1 + 0.3 is 0.8999999999999999 in binary: still exactly 90, still excellent.
  const auto s = ScoreOf(Inputs(1.0, 0.5, 1.0));
  EXPECT_THAT(s, Optional(90.0));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(RatingForScore(*s), Rating::kExcellent);
}

TEST(ComputeScoreTest, MissingComponentsRenormaliseTheWeights) {
  // (0.5 × 0.8 + 0.3 × 0.6) / 0.8
  EXPECT_THAT(ScoreOf(Inputs(0.8, std::nullopt, 0.6)), Optional(72.5));
  EXPECT_THAT(ScoreOf(Inputs(std::nullopt, 0.5, std::nullopt)), Optional(50.0));
  EXPECT_THAT(ScoreOf(Inputs(std::nullopt, 0.4, 0.9)), Optional(70.0));  // (0.08 + 0.27) / 0.5
}

TEST(ComputeScoreTest, NoComponentIsNoScore) {
  EXPECT_EQ(ScoreOf(Inputs(std::nullopt, std::nullopt, std::nullopt)), std::nullopt);
}

TEST(ComputeScoreTest, PresentComponentsWithZeroWeightIsNoScore) {
  const ScorecardWeights w{0, 0.2, 0.3};
  EXPECT_EQ(ScoreOf(Inputs(0.9, std::nullopt, std::nullopt), w), std::nullopt);
  EXPECT_THAT(ScoreOf(Inputs(0.9, 0.4, std::nullopt), w), Optional(40.0));
}

TEST(ComputeScoreTest, CustomWeights) {
  const ScorecardWeights equal{1, 1, 1};
  EXPECT_THAT(ScoreOf(Inputs(0.6, 0.9, 0.3), equal), Optional(60.0));
  const ScorecardWeights tasks_only{2, 0, 0};
  EXPECT_THAT(ScoreOf(Inputs(0.55, 1.0, 1.0), tasks_only), Optional(55.0));
}

TEST(ComputeScoreTest, AchievementIsCappedAtOneForTheScore) {
  EXPECT_THAT(ScoreOf(Inputs(std::nullopt, std::nullopt, 1.5)), Optional(100.0));
  EXPECT_THAT(ScoreOf(Inputs(std::nullopt, std::nullopt, -0.3)), Optional(0.0));
  // (0.5 × 0.6 + 0.3 × 1) / 0.8, not (0.3 + 0.3 × 1.2) / 0.8.
  EXPECT_THAT(ScoreOf(Inputs(0.6, std::nullopt, 1.2)), Optional(75.0));
  EXPECT_THAT(ScoreOf(Inputs(0.6, std::nullopt, 0.8)), Optional(67.5));
}

TEST(ComputeScoreTest, ShownAchievementKeepsUpToHundredTwentyPercent) {
  EXPECT_EQ(ShownAchievement(1.5), 1.2);
  EXPECT_EQ(ShownAchievement(1.1), 1.1);
  EXPECT_EQ(ShownAchievement(0.75), 0.75);
  EXPECT_EQ(ShownAchievement(-0.3), 0.0);
}

TEST(ComputeScoreTest, RejectsRatesOutsideZeroToOne) {
  auto high = ComputeScore(Inputs(1.2, std::nullopt, std::nullopt));
  ASSERT_FALSE(high.has_value());
  EXPECT_EQ(high.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(high.error().message, AllOf(HasSubstr("on_time_rate"), HasSubstr("1.2")));
  auto low = ComputeScore(Inputs(std::nullopt, -0.1, std::nullopt));
  ASSERT_FALSE(low.has_value());
  EXPECT_THAT(low.error().message, AllOf(HasSubstr("report_timeliness"), HasSubstr("-0.1")));
  auto nan = ComputeScore(Inputs(std::numeric_limits<double>::quiet_NaN(), 1, 1));
  ASSERT_FALSE(nan.has_value());
  EXPECT_THAT(nan.error().message, AllOf(HasSubstr("on_time_rate"), HasSubstr("nan")));
}

TEST(ComputeScoreTest, RejectsNonFiniteAchievementAndBadWeights) {
  auto inf = ComputeScore(Inputs(1, 1, std::numeric_limits<double>::infinity()));
  ASSERT_FALSE(inf.has_value());
  EXPECT_EQ(inf.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(inf.error().message, AllOf(HasSubstr("indicator_achievement"), HasSubstr("inf")));

  auto negative = ComputeScore(Inputs(1, 1, 1), ScorecardWeights{0.5, -0.2, 0.3});
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(negative.error().message, AllOf(HasSubstr("timeliness"), HasSubstr("-0.2")));

  auto nan = ComputeScore(Inputs(1, 1, 1),
                          ScorecardWeights{0.5, 0.2, std::numeric_limits<double>::quiet_NaN()});
  ASSERT_FALSE(nan.has_value());
  EXPECT_THAT(nan.error().message, HasSubstr("achievement"));
}

TEST(RatingTest, BoundariesAreInclusive) {
  EXPECT_EQ(RatingForScore(100), Rating::kExcellent);
  EXPECT_EQ(RatingForScore(90), Rating::kExcellent);
  EXPECT_EQ(RatingForScore(89.999999), Rating::kGood);
  EXPECT_EQ(RatingForScore(70), Rating::kGood);
  EXPECT_EQ(RatingForScore(69.99), Rating::kCompleted);
  EXPECT_EQ(RatingForScore(50), Rating::kCompleted);
  EXPECT_EQ(RatingForScore(49.99), Rating::kNotCompleted);
  EXPECT_EQ(RatingForScore(0), Rating::kNotCompleted);
}

TEST(RatingTest, NamesRoundTrip) {
  EXPECT_EQ(RatingName(Rating::kExcellent), "excellent");
  EXPECT_EQ(RatingName(Rating::kGood), "good");
  EXPECT_EQ(RatingName(Rating::kCompleted), "completed");
  EXPECT_EQ(RatingName(Rating::kNotCompleted), "not_completed");
  for (Rating r : {Rating::kExcellent, Rating::kGood, Rating::kCompleted, Rating::kNotCompleted}) {
    EXPECT_EQ(ParseRating(RatingName(r)), r);
  }
  auto bad = ParseRating("Excellent");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message,
              AllOf(HasSubstr("'Excellent'"), HasSubstr("excellent, good, completed")));
}

OrgUnit Commune(std::int64_t id, std::string code) {
  OrgUnit u;
  u.id = OrgUnitId{id};
  u.code = std::move(code);
  u.type = OrgUnitType::kWard;
  u.name_vi = "Phường Chiềng An";
  u.leader_name = "Nguyễn Văn A";
  u.leader_title = "Chủ tịch UBND phường";
  return u;
}

TEST(MakeScorecardTest, CarriesUnitLeaderScoreAndRating) {
  auto card = MakeScorecard(Commune(7, "CHIENG_AN"), Period::Year(2025), Inputs(0.9, 0.9, 1.4));
  ASSERT_TRUE(card.has_value()) << card.error().message;
  EXPECT_EQ(card->unit, OrgUnitId{7});
  EXPECT_EQ(card->unit_code, "CHIENG_AN");
  EXPECT_EQ(card->unit_type, OrgUnitType::kWard);
  EXPECT_EQ(card->leader_name, "Nguyễn Văn A");
  EXPECT_EQ(card->leader_title, "Chủ tịch UBND phường");
  EXPECT_EQ(card->period, Period::Year(2025));
  EXPECT_THAT(card->achievement_shown, Optional(1.2));
  EXPECT_THAT(card->score, Optional(93.0));  // 0.45 + 0.18 + 0.3
  EXPECT_THAT(card->rating, Optional(Rating::kExcellent));
  EXPECT_EQ(card->rank, std::nullopt);
}

TEST(MakeScorecardTest, WithoutComponentsHasNoScoreAndNoRating) {
  auto card = MakeScorecard(Commune(7, "CHIENG_AN"), Period::Year(2025),
                            Inputs(std::nullopt, std::nullopt, std::nullopt));
  ASSERT_TRUE(card.has_value());
  EXPECT_EQ(card->score, std::nullopt);
  EXPECT_EQ(card->rating, std::nullopt);
  EXPECT_EQ(card->achievement_shown, std::nullopt);
}

TEST(MakeScorecardTest, PropagatesInvalidInput) {
  auto card = MakeScorecard(Commune(7, "CHIENG_AN"), Period::Year(2025), Inputs(2, 1, 1));
  ASSERT_FALSE(card.has_value());
  EXPECT_EQ(card.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(card.error().message, HasSubstr("on_time_rate"));
}

Scorecard Card(std::string code, OrgUnitType type, std::optional<double> score,
               Period period = Period::Year(2025)) {
  Scorecard c;
  c.unit_code = std::move(code);
  c.unit_type = type;
  c.score = score;
  c.period = period;
  return c;
}

struct Ranked {
  std::string code;
  std::optional<int> rank;
  int peers;
  friend bool operator==(const Ranked&, const Ranked&) = default;
  friend void PrintTo(const Ranked& r, std::ostream* os) {
    *os << r.code << "#" << (r.rank ? std::to_string(*r.rank) : "-") << "/" << r.peers;
  }
};

std::vector<Ranked> Summary(const std::vector<Scorecard>& cards) {
  std::vector<Ranked> out;
  for (const Scorecard& c : cards) out.push_back({c.unit_code, c.rank, c.peer_count});
  return out;
}

TEST(RankAmongPeersTest, StandardCompetitionRankingWithTiesByCode) {
  std::vector<Scorecard> cards = {
      Card("C04", OrgUnitType::kCommune, 70), Card("C03", OrgUnitType::kCommune, 80),
      Card("C05", OrgUnitType::kCommune, std::nullopt), Card("C02", OrgUnitType::kCommune, 90),
      Card("C01", OrgUnitType::kCommune, 80)};
  EXPECT_EQ(
      Summary(RankAmongPeers(cards)),
      (std::vector<Ranked>{
          {"C02", 1, 5}, {"C01", 2, 5}, {"C03", 2, 5}, {"C04", 4, 5}, {"C05", std::nullopt, 5}}));
}

TEST(RankAmongPeersTest, ThreeWayTieSkipsTwoRanks) {
  std::vector<Scorecard> cards = {
      Card("B", OrgUnitType::kCommune, 60), Card("A", OrgUnitType::kCommune, 60),
      Card("D", OrgUnitType::kCommune, 40), Card("C", OrgUnitType::kCommune, 60)};
  EXPECT_EQ(Summary(RankAmongPeers(cards)),
            (std::vector<Ranked>{{"A", 1, 4}, {"B", 1, 4}, {"C", 1, 4}, {"D", 4, 4}}));
}

TEST(RankAmongPeersTest, CommunesAreRankedAgainstCommunesOnly) {
  std::vector<Scorecard> cards = {
      Card("W01", OrgUnitType::kWard, 50), Card("C01", OrgUnitType::kCommune, 60),
      Card("DEP01", OrgUnitType::kDepartment, 99), Card("W02", OrgUnitType::kWard, 95),
      Card("C02", OrgUnitType::kCommune, 75)};
  EXPECT_EQ(Summary(RankAmongPeers(cards)),
            (std::vector<Ranked>{
                {"DEP01", 1, 1}, {"C02", 1, 2}, {"C01", 2, 2}, {"W02", 1, 2}, {"W01", 2, 2}}));
}

TEST(RankAmongPeersTest, PeriodsAreRankedSeparately) {
  std::vector<Scorecard> cards = {Card("C01", OrgUnitType::kCommune, 50, Period::Year(2026)),
                                  Card("C01", OrgUnitType::kCommune, 90, Period::Year(2025)),
                                  Card("C02", OrgUnitType::kCommune, 80, Period::Year(2025)),
                                  Card("C02", OrgUnitType::kCommune, 60, Period::Year(2026))};
  const auto ranked = RankAmongPeers(cards);
  EXPECT_EQ(Summary(ranked),
            (std::vector<Ranked>{{"C01", 1, 2}, {"C02", 2, 2}, {"C02", 1, 2}, {"C01", 2, 2}}));
  EXPECT_EQ(ranked[0].period, Period::Year(2025));
  EXPECT_EQ(ranked[2].period, Period::Year(2026));
}

TEST(RankAmongPeersTest, OrderDoesNotDependOnInputOrder) {
  std::vector<Scorecard> cards = {
      Card("E", OrgUnitType::kCommune, std::nullopt), Card("A", OrgUnitType::kCommune, 70),
      Card("D", OrgUnitType::kCommune, 85), Card("C", OrgUnitType::kCommune, std::nullopt),
      Card("B", OrgUnitType::kCommune, 70)};
  const auto expected = Summary(RankAmongPeers(cards));
  std::sort(cards.begin(), cards.end(),
            [](const Scorecard& a, const Scorecard& b) { return a.unit_code > b.unit_code; });
  do {
    EXPECT_EQ(Summary(RankAmongPeers(cards)), expected);
  } while (std::next_permutation(
      cards.begin(), cards.end(),
      [](const Scorecard& a, const Scorecard& b) { return a.unit_code > b.unit_code; }));
  EXPECT_EQ(
      expected,
      (std::vector<Ranked>{
          {"D", 1, 5}, {"A", 2, 5}, {"B", 2, 5}, {"C", std::nullopt, 5}, {"E", std::nullopt, 5}}));
}

TEST(RankAmongPeersTest, EqualInputsScoredDifferentlyStillTie) {
  // 0.9 / 0.9 / 0.9 and 1.0 / 0.5 / 1.0 both score exactly 90 and share first place.
  auto a = MakeScorecard(Commune(1, "A"), Period::Year(2025), Inputs(0.9, 0.9, 0.9));
  auto b = MakeScorecard(Commune(2, "B"), Period::Year(2025), Inputs(1.0, 0.5, 1.0));
  auto c = MakeScorecard(Commune(3, "C"), Period::Year(2025), Inputs(0.8, 0.5, 1.0));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(Summary(RankAmongPeers({*c, *b, *a})),
            (std::vector<Ranked>{{"A", 1, 3}, {"B", 1, 3}, {"C", 3, 3}}));
}

TEST(RankAmongPeersTest, EmptyInputGivesEmptyRanking) { EXPECT_TRUE(RankAmongPeers({}).empty()); }

}  // namespace
}  // namespace planwatch
