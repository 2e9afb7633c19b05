#include "planwatch/domain/scorecard.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

#include "planwatch/base/enum_names.h"

namespace planwatch {
namespace {

Status CheckWeight(std::string_view field, double w) {
  if (!std::isfinite(w) || w < 0) {
    return InvalidArgument(
        fmt::format("weight {} must be a non-negative number, got {}", field, w));
  }
  return {};
}

Status CheckRate(std::string_view field, const std::optional<double>& rate) {
  if (rate && (!std::isfinite(*rate) || *rate < 0 || *rate > 1)) {
    return InvalidArgument(fmt::format("{} must be a fraction from 0 to 1, got {}", field, *rate));
  }
  return {};
}

bool ScoredBefore(const Scorecard& a, const Scorecard& b) {
  if (a.score.has_value() != b.score.has_value()) return a.score.has_value();
  if (a.score && *a.score != *b.score) return *a.score > *b.score;
  return a.unit_code < b.unit_code;
}

}  // namespace

namespace {
constexpr NameTable<Rating, 4> kRatingNames{{
    {Rating::kExcellent, "excellent"},
    {Rating::kGood, "good"},
    {Rating::kCompleted, "completed"},
    {Rating::kNotCompleted, "not_completed"},
}};
}  // namespace

std::string_view RatingName(Rating rating) { return NameOf(kRatingNames, rating); }

Result<Rating> ParseRating(std::string_view text) {
  return ParseName(kRatingNames, "rating", text);
}

Rating RatingForScore(double score) {
  if (score >= 90) return Rating::kExcellent;
  if (score >= 70) return Rating::kGood;
  if (score >= 50) return Rating::kCompleted;
  return Rating::kNotCompleted;
}

double ShownAchievement(double achievement) { return std::clamp(achievement, 0.0, 1.2); }

Result<std::optional<double>> ComputeScore(const ScorecardInputs& inputs,
                                           const ScorecardWeights& weights) {
  for (const auto& [field, w] : {std::pair<std::string_view, double>{"on_time", weights.on_time},
                                 {"timeliness", weights.timeliness},
                                 {"achievement", weights.achievement}}) {
    if (auto s = CheckWeight(field, w); !s) return std::unexpected(s.error());
  }
  if (auto s = CheckRate("on_time_rate", inputs.on_time_rate); !s) {
    return std::unexpected(s.error());
  }
  if (auto s = CheckRate("report_timeliness", inputs.report_timeliness); !s) {
    return std::unexpected(s.error());
  }
  if (inputs.indicator_achievement && !std::isfinite(*inputs.indicator_achievement)) {
    return InvalidArgument(fmt::format("indicator_achievement must be a finite number, got {}",
                                       *inputs.indicator_achievement));
  }
  double weighted = 0;
  double weight_sum = 0;
  if (inputs.on_time_rate) {
    weighted += weights.on_time * *inputs.on_time_rate;
    weight_sum += weights.on_time;
  }
  if (inputs.report_timeliness) {
    weighted += weights.timeliness * *inputs.report_timeliness;
    weight_sum += weights.timeliness;
  }
  if (inputs.indicator_achievement) {
    weighted +=
        weights.achievement * std::min(ShownAchievement(*inputs.indicator_achievement), 1.0);
    weight_sum += weights.achievement;
  }
  if (weight_sum == 0) return std::optional<double>();
  // Rounding removes floating-point noise such as 89.99999999999999 for an exact 90.
  const double score = std::round(100.0 * weighted / weight_sum * 1e6) / 1e6;
  return std::optional<double>(score);
}

Result<Scorecard> MakeScorecard(const OrgUnit& unit, Period period, const ScorecardInputs& inputs,
                                const ScorecardWeights& weights) {
  auto score = ComputeScore(inputs, weights);
  if (!score) return std::unexpected(score.error());
  Scorecard card;
  card.unit = unit.id;
  card.unit_code = unit.code;
  card.unit_type = unit.type;
  card.leader_name = unit.leader_name;
  card.leader_title = unit.leader_title;
  card.period = period;
  card.inputs = inputs;
  if (inputs.indicator_achievement) {
    card.achievement_shown = ShownAchievement(*inputs.indicator_achievement);
  }
  card.score = *score;
  if (card.score) card.rating = RatingForScore(*card.score);
  return card;
}

std::vector<Scorecard> RankAmongPeers(std::vector<Scorecard> cards) {
  std::sort(cards.begin(), cards.end(), [](const Scorecard& a, const Scorecard& b) {
    if (a.period != b.period) return a.period < b.period;
    if (a.unit_type != b.unit_type) return a.unit_type < b.unit_type;
    return ScoredBefore(a, b);
  });
  std::size_t begin = 0;
  while (begin < cards.size()) {
    std::size_t end = begin;
    while (end < cards.size() && cards[end].period == cards[begin].period &&
           cards[end].unit_type == cards[begin].unit_type) {
      ++end;
    }
    for (std::size_t i = begin; i < end; ++i) {
      Scorecard& c = cards[i];
      c.peer_count = static_cast<int>(end - begin);
      if (!c.score) {
        c.rank.reset();
      } else if (i > begin && cards[i - 1].score == c.score) {
        c.rank = cards[i - 1].rank;  // a tie shares the rank; the next rank skips (1, 2, 2, 4)
      } else {
        c.rank = static_cast<int>(i - begin) + 1;
      }
    }
    begin = end;
  }
  return cards;
}

}  // namespace planwatch
