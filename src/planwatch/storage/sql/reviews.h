// Reviews and scorecard weights: their StoreReader reads and Transaction writes
// (store.h, "Reviews") as functions of a Connection or a WriteContext. Internal to
// storage.
//
// Reads: stored text that does not parse (a kind, a date) is internal. Writes validate before
// they write and may leave partial rows on failure: the caller runs each one inside a savepoint.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/storage/reviews.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/write.h"

namespace planwatch::sql {

// By id; every plan's when `plan` is none.
Result<std::vector<ReviewRecord>> ReadReviews(Connection& connection, PlanId plan);
// not_found naming the id.
Result<ReviewRecord> ReadReview(Connection& connection, ReviewId id);
Result<std::optional<ScorecardWeightsRecord>> ReadScorecardWeights(Connection& connection,
                                                                   PlanId plan);

// The Transaction contracts of PutReview, PublishReview and PutScorecardWeights (store.h).
Result<ReviewId> WriteReview(WriteContext& context, const ReviewRecord& review);
Status PublishReviewRow(WriteContext& context, ReviewId id, std::string_view by);
Status WriteScorecardWeights(WriteContext& context, const ScorecardWeightsRecord& weights);

}  // namespace planwatch::sql
