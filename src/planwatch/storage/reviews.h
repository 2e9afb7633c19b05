// Records of reviews (a plan's figures frozen as of a date) and of per-plan scorecard weights,
// as the store keeps them (store.h: StoreReader and Transaction, "Reviews").
#pragma once

#include <string>

#include "planwatch/base/date.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/review.h"
#include "planwatch/domain/scorecard.h"

namespace planwatch {

using ReviewId = Id<struct ReviewTag>;

// A review. Everything but the publication fields is immutable once stored: the store refuses
// to change a stored review's plan, kind, titles, as_of, figures or creation fields.
struct ReviewRecord {
  ReviewId id;
  PlanId plan;
  ReviewKind kind = ReviewKind::kInterim;
  std::string title_vi;  // required
  std::string title_en;
  Date as_of;              // the date the figures are frozen at
  std::string figures;     // the frozen figures: a JSON document (service/reviews.h), not empty
  std::string created_by;  // login
  std::string created_at;  // set by the store
  bool published = false;
  std::string published_at;  // set by the store when published; empty while unpublished
  std::string published_by;  // login; empty while unpublished

  friend bool operator==(const ReviewRecord&, const ReviewRecord&) = default;
};

// The weights a plan's scorecards are computed with (absent: the defaults of ScorecardWeights).
struct ScorecardWeightsRecord {
  PlanId plan;
  ScorecardWeights weights;
  std::string updated_by;  // login
  std::string updated_at;  // set by the store

  friend bool operator==(const ScorecardWeightsRecord& a, const ScorecardWeightsRecord& b) {
    return a.plan == b.plan && a.weights.on_time == b.weights.on_time &&
           a.weights.timeliness == b.weights.timeliness &&
           a.weights.achievement == b.weights.achievement && a.updated_by == b.updated_by &&
           a.updated_at == b.updated_at;
  }
};

}  // namespace planwatch
