// Unit scorecards (SPEC §3 "Accountability"): a score 0–100 per unit and period from the
// on-time rate of the tasks it leads, its report timeliness and its indicator achievement; a
// rating; and the ranking among peers of the same type (communes against communes).
// Pure functions: no I/O, no clock, no shared state; thread-compatible.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/org_unit.h"
#include "planwatch/domain/period.h"

namespace planwatch {

// Weights of the score's components. Non-negative and finite; they need not sum to 1 (the
// score divides by the sum of the weights of the components present).
struct ScorecardWeights {
  double on_time = 0.5;      // on-time rate of the tasks the unit leads
  double timeliness = 0.2;   // share of its reports submitted by their due date
  double achievement = 0.3;  // indicator achievement
};

// A unit's components for one period; none = not measurable (no task due, no report due, no
// indicator with a target), which is not the same as 0.
struct ScorecardInputs {
  std::optional<double> on_time_rate;       // fraction 0..1
  std::optional<double> report_timeliness;  // fraction 0..1
  // Fraction, 1.0 = 100% (indicator_rules.h Achievement, e.g. averaged over the unit's
  // indicators). Any finite number: it is capped, see ShownAchievement and ComputeScore.
  std::optional<double> indicator_achievement;
};

enum class Rating { kExcellent, kGood, kCompleted, kNotCompleted };

// "excellent", "good", "completed", "not_completed".
std::string_view RatingName(Rating rating);
// Accepts the names above; invalid_argument naming the input and the accepted names otherwise.
Result<Rating> ParseRating(std::string_view text);

// kExcellent when score ≥ 90, kGood when ≥ 70, kCompleted when ≥ 50, else kNotCompleted.
Rating RatingForScore(double score);

// The achievement shown on a scorecard: capped to [0, 1.2], so over-achievement stays visible
// (up to 120%) while one runaway indicator cannot dominate, and regression shows as 0.
double ShownAchievement(double achievement);

// The score 0–100: 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components present, where the achievement
// component is ShownAchievement capped again to 1 (being ahead of plan earns no more than being
// on plan). The result is rounded to 6 decimals, so that scores computed from equal inputs
// compare equal and the rating boundaries (exactly 90, 70, 50) are exact.
// None when no component is present or the present components' weights sum to 0.
// invalid_argument (naming the field and the value) for a weight that is negative or not
// finite, a rate outside 0..1 or not finite, or an achievement that is not finite.
Result<std::optional<double>> ComputeScore(const ScorecardInputs& inputs,
                                           const ScorecardWeights& weights = {});

// One unit's scorecard for one period.
struct Scorecard {
  OrgUnitId unit;
  std::string unit_code;
  OrgUnitType unit_type = OrgUnitType::kOther;
  std::string leader_name;  // the leader is shown with the scorecard
  std::string leader_title;
  Period period = Period::Year(1970);
  ScorecardInputs inputs;
  std::optional<double> achievement_shown;  // ShownAchievement of the input, when present
  std::optional<double> score;              // ComputeScore
  std::optional<Rating> rating;             // RatingForScore, when scored
  std::optional<int> rank;                  // set by RankAmongPeers; none when not scored
  int peer_count = 0;                       // set by RankAmongPeers: units in the peer group
};

// The scorecard of `unit` for `period`, unranked. Errors as ComputeScore.
Result<Scorecard> MakeScorecard(const OrgUnit& unit, Period period, const ScorecardInputs& inputs,
                                const ScorecardWeights& weights = {});

// Ranks each card among its peers: the cards of the same period and unit type. Within a group,
// standard competition ranking (1, 2, 2, 4) by score descending; equal scores share a rank and
// are listed by unit code; cards without a score get no rank and come last, by unit code.
// Returns the cards ordered by period, then unit type (enum order), then that order, with
// `rank` and `peer_count` (the group's size, scored or not) set. One card per unit and period
// is expected.
std::vector<Scorecard> RankAmongPeers(std::vector<Scorecard> cards);

}  // namespace planwatch
