// Reviews (SPEC §2 "Review", §3 "Reviews, openness, feedback"): an interim, annual or final
// review freezes a plan's figures as of a date, and two reviews of a plan can be compared.
//
// The frozen figures (a JSON document stored with the review, never recomputed):
//   {"plan": {id, code, title_vi, title_en}, "as_of",
//    "status": the plan's task-status figures on as_of with a row per task group (plan_status.h
//              ToJson: counts, completion_rate and on_time_rate as percents with one decimal),
//    "indicators": the indicator figures of the plan's issuing unit over the year of as_of
//              (indicator_figures.h ToJson; {} when the plan has no issuer),
//    "scorecards": {"period": the year of as_of, "items": the scorecards of that year judged on
//              as_of (scorecards.h ToJson), ranked}}
// Later edits of tasks, values, targets or units never change a stored review.
//
// Who may do what: plan administrators (AccessPolicy::CanAdministerPlan) create and publish;
// a review is readable by its plan's administrators and by those who may read analytics of the
// plan's issuing unit, and by every signed-in user once published. Others get not_found (ids
// out of reach are not revealed) or, for a create or publish, permission_denied.
//
// Thread-compatible; every call reads the store afresh.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "planwatch/analytics/analytics.h"
#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/plan.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// The figures a review of `plan` freezes as of `as_of` (see above). Errors as the reads.
Result<nlohmann::json> FreezeFigures(StoreReader& store, const Analytics& analytics,
                                     const Plan& plan, Date as_of, std::chrono::minutes utc_offset);

class Reviews {
 public:
  Reviews(Store& store, const Analytics& analytics, TodayFn today, std::chrono::minutes utc_offset);

  // POST /api/v1/reviews {plan (id), as_of (date, not after today), kind (interim | annual |
  // final), title_vi, title_en?} → the review (ToJson with figures). invalid_argument with a
  // detail per offending field (an unknown plan is a not_found detail on "plan");
  // permission_denied unless the caller administers the plan.
  Result<Resource> Create(const Principal& p, const nlohmann::json& body);

  // GET /api/v1/reviews?plan=&limit=&offset= — the reviews the caller may read, by id, without
  // their figures; plan: an id or code (not_found when unknown).
  Result<Page> List(const Principal& p, const QueryParams& params);

  // GET /api/v1/reviews/{id}: {id, plan {id, code}, kind, title_vi, title_en, as_of,
  // created_by, created_at, published, published_at, published_by, figures}.
  Result<Resource> Get(const Principal& p, std::int64_t id);

  // POST /api/v1/reviews/{id}/publish → the published review. conflict when it already is.
  Result<Resource> Publish(const Principal& p, std::int64_t id);

  // GET /api/v1/reviews/compare?a=&b= — two reviews of the same plan side by side:
  //   {"a": {summary of review a}, "b": {…},
  //    "status": {field: {"a", "b", "change"}} for every count and rate of the status,
  //    "groups": [{"code", "name_vi", "name_en", "a", "b"}] (each side: done, total,
  //              completion_rate, or null when the group is absent on that side; "change" of
  //              the completion rate),
  //    "indicators": [{"code", "name_vi", "name_en", "unit_of_measure", "a", "b", "change"}],
  //    "indicators_added": [codes only in b], "indicators_removed": [codes only in a],
  //    "units": [{"code", "name_vi", "name_en", "a": {score, rating, rank}, "b": {…},
  //              "change" (of the score)}], "units_added": [...], "units_removed": [...]}
  // Indicators and units are matched by code; change = b − a, null when either is null.
  // invalid_argument when a parameter is missing or not an id, or the reviews are of different
  // plans; not_found when either review does not exist or is not readable.
  Result<nlohmann::json> Compare(const Principal& p, const QueryParams& params);

 private:
  Store& store_;
  const Analytics& analytics_;
  TodayFn today_;
  std::chrono::minutes utc_offset_;
};

}  // namespace planwatch
