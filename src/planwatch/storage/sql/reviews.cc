#include "planwatch/storage/sql/reviews.h"

#include <cmath>
#include <string>
#include <utility>

#include "planwatch/storage/sql/rows.h"
#include "planwatch/storage/sql/status_macros.h"

namespace planwatch::sql {
namespace {

constexpr char kSelectReviews[] =
    "SELECT id, plan_id, kind, title_vi, title_en, as_of, figures, created_by, created_at, "
    "published, published_at, published_by FROM reviews";
constexpr char kInsertReview[] =
    "INSERT INTO reviews (plan_id, kind, title_vi, title_en, as_of, figures, created_by, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr char kPublishReview[] =
    "UPDATE reviews SET published = 1, published_at = ?1, published_by = ?2 WHERE id = ?3";
constexpr char kReviewPublished[] = "SELECT published FROM reviews WHERE id = ?1";
constexpr char kPlanLive[] = "SELECT 1 FROM plans WHERE id = ?1 AND deleted_at IS NULL";
constexpr char kSelectWeights[] =
    "SELECT plan_id, on_time, timeliness, achievement, updated_by, updated_at "
    "FROM scorecard_weights WHERE plan_id = ?1";
constexpr char kUpsertWeights[] =
    "INSERT INTO scorecard_weights (plan_id, on_time, timeliness, achievement, updated_by, "
    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (plan_id) DO UPDATE SET "
    "on_time = excluded.on_time, timeliness = excluded.timeliness, "
    "achievement = excluded.achievement, updated_by = excluded.updated_by, "
    "updated_at = excluded.updated_at";

Result<ReviewRecord> ReviewRow(const Statement& s) {
  ReviewRecord review;
  review.id = s.IdAt<ReviewId>(0);
  review.plan = s.IdAt<PlanId>(1);
  const std::string kind = s.Text(2);
  auto parsed = ParseReviewKind(kind);
  if (!parsed) {
    return Internal("review " + std::to_string(review.id.value) + ": stored kind '" + kind +
                    "' is invalid");
  }
  review.kind = *parsed;
  review.title_vi = s.Text(3);
  review.title_en = s.Text(4);
  PW_SQL_ASSIGN(review.as_of, s.DateAt(5));
  review.figures = s.Text(6);
  review.created_by = s.Text(7);
  review.created_at = s.Text(8);
  review.published = s.Int(9) != 0;
  review.published_at = s.Text(10);  // NULL reads as ""
  review.published_by = s.Text(11);
  return review;
}

Status CheckWeight(std::string_view field, double w) {
  if (!std::isfinite(w) || w < 0) {
    return InvalidArgument("scorecard weight " + std::string(field) +
                           " must be a non-negative number, got " + std::to_string(w));
  }
  return {};
}

}  // namespace

Result<std::vector<ReviewRecord>> ReadReviews(Connection& connection, PlanId plan) {
  const std::string sql =
      std::string(kSelectReviews) + (plan ? " WHERE plan_id = ?1 ORDER BY id" : " ORDER BY id");
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql.c_str()));
  if (plan) stmt.BindInt(1, plan.value);
  std::vector<ReviewRecord> out;
  while (true) {
    PW_SQL_ASSIGN(bool has_row, stmt.Step());
    if (!has_row) return out;
    PW_SQL_ASSIGN(ReviewRecord review, ReviewRow(stmt));
    out.push_back(std::move(review));
  }
}

Result<ReviewRecord> ReadReview(Connection& connection, ReviewId id) {
  const std::string sql = std::string(kSelectReviews) + " WHERE id = ?1";
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql.c_str()));
  stmt.BindInt(1, id.value);
  PW_SQL_ASSIGN(bool has_row, stmt.Step());
  if (!has_row) return NotFound("review " + std::to_string(id.value) + " does not exist");
  return ReviewRow(stmt);
}

Result<std::optional<ScorecardWeightsRecord>> ReadScorecardWeights(Connection& connection,
                                                                   PlanId plan) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectWeights));
  stmt.BindInt(1, plan.value);
  PW_SQL_ASSIGN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<ScorecardWeightsRecord>();
  ScorecardWeightsRecord record;
  record.plan = stmt.IdAt<PlanId>(0);
  record.weights.on_time = stmt.Double(1);
  record.weights.timeliness = stmt.Double(2);
  record.weights.achievement = stmt.Double(3);
  record.updated_by = stmt.Text(4);
  record.updated_at = stmt.Text(5);
  return std::optional<ScorecardWeightsRecord>(std::move(record));
}

Result<ReviewId> WriteReview(WriteContext& context, const ReviewRecord& review) {
  Connection& c = context.connection();
  const std::string subject = "review '" + review.title_vi + "'";
  if (review.id) {
    return InvalidArgument(subject + ": review " + std::to_string(review.id.value) +
                           " is stored and cannot change");
  }
  PW_SQL_ASSIGN(bool plan_live, HasRow(c, kPlanLive, review.plan.value));
  if (!review.plan || !plan_live) {
    return InvalidArgument(subject + ": plan " + std::to_string(review.plan.value) +
                           " does not exist");
  }
  if (review.title_vi.empty()) return InvalidArgument("a review needs a title_vi");
  if (review.figures.empty()) return InvalidArgument(subject + ": figures are empty");
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertReview));
  stmt.BindInt(1, review.plan.value);
  stmt.BindText(2, ReviewKindName(review.kind));
  stmt.BindText(3, review.title_vi);
  stmt.BindText(4, review.title_en);
  stmt.BindDate(5, review.as_of);
  stmt.BindText(6, review.figures);
  stmt.BindText(7, review.created_by);
  stmt.BindText(8, stamp);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("reviews", "id"));
  return ReviewId{inserted};
}

Status PublishReviewRow(WriteContext& context, ReviewId id, std::string_view by) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(auto check, c.Prepare(kReviewPublished));
  check.BindInt(1, id.value);
  PW_SQL_ASSIGN(bool exists, check.Step());
  if (!exists) return NotFound("review " + std::to_string(id.value) + " does not exist");
  if (check.Int(0) != 0) {
    return Conflict("review " + std::to_string(id.value) + " is already published");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kPublishReview));
  stmt.BindText(1, stamp);
  stmt.BindText(2, by);
  stmt.BindInt(3, id.value);
  return stmt.Run();
}

Status WriteScorecardWeights(WriteContext& context, const ScorecardWeightsRecord& weights) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(bool plan_live, HasRow(c, kPlanLive, weights.plan.value));
  if (!weights.plan || !plan_live) {
    return InvalidArgument("scorecard weights: plan " + std::to_string(weights.plan.value) +
                           " does not exist");
  }
  PW_SQL_TRY(CheckWeight("on_time", weights.weights.on_time));
  PW_SQL_TRY(CheckWeight("timeliness", weights.weights.timeliness));
  PW_SQL_TRY(CheckWeight("achievement", weights.weights.achievement));
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kUpsertWeights));
  stmt.BindInt(1, weights.plan.value);
  stmt.BindDouble(2, weights.weights.on_time);
  stmt.BindDouble(3, weights.weights.timeliness);
  stmt.BindDouble(4, weights.weights.achievement);
  stmt.BindText(5, weights.updated_by);
  stmt.BindText(6, stamp);
  return stmt.Run();
}

}  // namespace planwatch::sql
