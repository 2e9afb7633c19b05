// Routes of scorecards, their weights and reviews: decode, call one use case, encode.
#include <cstdint>
#include <string>

#include "planwatch/http/api_impl.h"

namespace planwatch::http {

void Api::Impl::AddScorecardRoutes() {
  Add(
      "GET", "/api/v1/scorecards", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, scorecards.List(*c.principal, c.query)); }, true);
  Add(
      "GET", "/api/v1/scorecards/history", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, scorecards.History(*c.principal, c.query)); }, true);
  Add("GET", "/api/v1/plans/{id}/scorecard-weights", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) {
        auto id = IdParam(c, 0);
        if (!id) return *id.error();
        return Reply(c, scorecards.Weights(*c.principal, *id));
      });
  Add("PUT", "/api/v1/plans/{id}/scorecard-weights", Access::kSignedIn, BodyKind::kJson,
      [this](Ctx& c) {
        auto id = IdParam(c, 0);
        if (!id) return *id.error();
        return Reply(c, scorecards.SetWeights(*c.principal, *id, c.body, IfMatch(c.req)));
      });

  Add(
      "GET", "/api/v1/reviews", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, reviews.List(*c.principal, c.query)); }, true);
  Add("POST", "/api/v1/reviews", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto created = reviews.Create(*c.principal, c.body);
    Response r = Reply(c, created, 201);
    if (created) {
      r.SetHeader("Location",
                  "/api/v1/reviews/" + std::to_string(created->body["id"].get<std::int64_t>()));
    }
    return r;
  });
  Add("GET", "/api/v1/reviews/{id}", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, reviews.Get(*c.principal, *id));
  });
  Add("POST", "/api/v1/reviews/{id}/publish", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, reviews.Publish(*c.principal, *id));
  });
  // After /reviews/{id}: the later route wins for the literal segment.
  Add(
      "GET", "/api/v1/reviews/compare", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, reviews.Compare(*c.principal, c.query)); }, true);
}

}  // namespace planwatch::http
