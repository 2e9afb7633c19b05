// Unit scorecards (SPEC §3 "Accountability"): per plan, unit and period, the tasks the unit
// leads, its on-time rate, report timeliness and indicator achievement, a score and rating, the
// rank among peers of the same type, the unit's leader, and its data freshness beside it.
//
// A scorecard for period P is judged on D = min(P's last day, today):
// - tasks: the plan's deadline tasks whose lead unit in force on D is the unit (or a unit it
//   succeeded in a restructure) and whose deadline in force on D falls within P, by their status
//   on D (verified view): StatusSummary's total, done…, cancelled (deadline within P, cancelled
//   on or before D), due (deadline on or before D), due_done_on_time, slip_days and the rates.
//   Recurring tasks count per reporting period: every period of the task's cadence lying within
//   P, by RecurringStatus on D, into recurring_reported / _missing / _not_due / _cancelled
//   (periods, not tasks). on_time_rate = due_done_on_time / due; none when nothing was due.
// - report timeliness: of the reports the unit is expected to send for the periods of the plan's
//   report schedule within P, the share first submitted by the due date, as judged on `today`
//   (ReportComplianceOf, service/reports.h); none when none of them is due yet.
// - indicator achievement: the mean of ShownAchievement over the unit's indicators — those
//   linked to the tasks it leads in the plan (assigned on or before D, not cancelled on D) and
//   those it is responsible for — that have a baseline, a target and a value. Each is judged
//   for the unit's subtree against the targets that apply to the unit, except an indicator the
//   unit is responsible for: that one is judged for the plan's issuing unit (the responsible
//   department answers for the province's figure). The value is the rollup over
//   the indicator's periods from the one containing P's first day to the one containing D (a
//   flow, kSum or kAverage over time, accumulates on its baseline from the baseline date, as the
//   analytics trajectory does); expected is the trajectory value on D.
// - freshness: over the last 3 months ended by D (the month of D counts when D is its last day),
//   the share present of the expected monthly values (the unit's own values of its monthly,
//   non-ratio indicators × months) and of the expected task updates (its tasks open in a month ×
//   months: a task is open in month M when assigned by M's end and neither claimed done nor
//   cancelled before M's first day; an update is any ledger event dated within M); none when
//   nothing is expected. last_activity_at: the latest of the stored_at of the unit's own values
//   (periods started by D) and the dates of its tasks' ledger events up to D (as the instant
//   T00:00:00.000Z of that date); empty when there is neither.
//
// Units scored: the plan's expected reporters, the units that on D lead (in force) a task of
// the plan assigned on or before D and not cancelled on D, each replaced by the units that carry
// on its work on D when it is closed (OrgTree::SuccessorsOn). Ranks are among all of them of the
// same type, before any `within` filter.
//
// Thread-compatible; every call reads the store afresh.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/org_unit.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/scorecard.h"
#include "planwatch/domain/task_rates.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct UnitScorecard {
  Scorecard card;  // rank, peer_count set; leader shown
  std::string unit_name_vi, unit_name_en;
  StatusSummary tasks;                     // the tasks counted above
  std::optional<double> freshness;         // 0..1
  std::string last_activity_at;            // ISO instant or empty
  std::optional<double> value_freshness;   // share of expected monthly values present
  std::optional<double> update_freshness;  // share of expected task updates present
  int indicators_judged = 0;               // indicators averaged into the achievement
  Date judged_on;                          // D
};

struct ScorecardQuery {
  PlanId plan;
  Period period = Period::Year(1970);
  std::optional<OrgUnitType> type;  // only units of this type
  std::optional<OrgUnitId> within;  // within: a subtree
};

// The scorecards of the query's units, ordered as RankAmongPeers orders them (unit type, then
// rank, unscored last, ties by unit code), with the plan's weights (the defaults when never
// set). not_found when the plan does not exist; invalid_argument when `within` names no unit.
Result<std::vector<UnitScorecard>> ComputeScorecards(StoreReader& store, const ScorecardQuery& q,
                                                     Date today, std::chrono::minutes utc_offset);

// The plan's weights: stored ones, else the defaults.
Result<ScorecardWeights> PlanScorecardWeights(StoreReader& store, PlanId plan);

// A scorecard as JSON: unit {id, code, name_vi, name_en, type, leader_name, leader_title},
// period, judged_on, on_time_rate, report_timeliness, indicator_achievement (as computed),
// achievement_shown, score, rating, rank, peer_count (null where none), tasks (the counts and
// completion_rate/on_time_rate as fractions), freshness, value_freshness, update_freshness,
// last_activity_at (null when empty), indicators_judged. Fractions are 0..1, not percents.
nlohmann::json ToJson(const UnitScorecard& card);

// The HTTP use cases of scorecards, authorized against the caller (as the analytics: a unit's
// figures to those who may read analytics of it).
class Scorecards {
 public:
  Scorecards(Store& store, TodayFn today, std::chrono::minutes utc_offset);

  // GET /api/v1/scorecards?plan=&period=&type=&unit=&limit=&offset=
  //   plan (id or code, required), period (DHIS2 period, default the current year), type (an
  //   org unit type), unit (code: that unit's subtree). Without unit, the plan issuer's subtree
  //   for a caller who may read analytics of it, else the caller's own subtree.
  // A page of ToJson cards, ranked; invalid_argument naming the parameter; not_found for an
  // unknown plan or unit; permission_denied when the unit is outside the caller's scope.
  Result<Page> List(const Principal& p, const QueryParams& params);

  // GET /api/v1/scorecards/history?plan=&unit=&from=&to=
  //   One unit's cards for every period from `from` to `to` (same type; at most 120 periods),
  //   each ranked among that period's peers: {"unit", "plan", "items": [ToJson…]}; a period in
  //   which the unit was not scored has score null and rank null.
  Result<nlohmann::json> History(const Principal& p, const QueryParams& params);

  // GET /api/v1/plans/{id}/scorecard-weights: {plan, on_time, timeliness, achievement,
  // updated_by, updated_at (null while the defaults apply)} with an ETag. Readable by every
  // signed-in user (reference data). not_found for an unknown plan.
  Result<Resource> Weights(const Principal& p, std::int64_t plan);
  // PUT the same: body {on_time, timeliness, achievement} (all required, non-negative, sum > 0);
  // by the plan's administrators (permission_denied otherwise); If-Match required
  // (version_required / version_mismatch as for every update).
  Result<Resource> SetWeights(const Principal& p, std::int64_t plan, const nlohmann::json& body,
                              const std::optional<std::string>& if_match);

 private:
  Store& store_;
  TodayFn today_;
  std::chrono::minutes utc_offset_;
};

}  // namespace planwatch
