// Feedback routes: the public challenge, submission and published view, and moderation.
#include <fmt/format.h>

#include <chrono>
#include <string>

#include "planwatch/http/api_impl.h"
#include "planwatch/service/feedback.h"

namespace planwatch::http {

void Api::Impl::AddFeedbackRoutes() {
  // Moderation of one piece of feedback. Registered before the literal paths below: the router
  // lets the later route win, so /feedback/challenge and /feedback/published are not ids.
  Add("GET", "/api/v1/feedback/{id}", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, feedback.Get(*c.principal, *id));
  });
  for (FeedbackAction action :
       {FeedbackAction::kAccept, FeedbackAction::kReject, FeedbackAction::kAnswer}) {
    Add("POST", fmt::format("/api/v1/feedback/{{id}}/{}", FeedbackActionName(action)),
        Access::kSignedIn, BodyKind::kJson, [this, action](Ctx& c) {
          auto id = IdParam(c, 0);
          if (!id) return *id.error();
          return Reply(c, feedback.Moderate(*c.principal, *id, action, c.body));
        });
  }
  Add(
      "GET", "/api/v1/feedback", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, feedback.List(*c.principal, c.query)); }, true);

  // Public.
  Add("GET", "/api/v1/feedback/challenge", Access::kPublic, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, feedback.NewChallenge()); });
  Add(
      "GET", "/api/v1/feedback/published", Access::kPublic, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, feedback.Published(c.query)); }, true);
  Add("POST", "/api/v1/feedback", Access::kPublic, BodyKind::kJson, [this](Ctx& c) {
    std::chrono::seconds retry_after{0};
    auto submitted = feedback.Submit(c.principal, c.body, c.req.remote_address, &retry_after);
    Response r = Reply(c, submitted, 201);
    if (!submitted && submitted.error().code == ErrorCode::kResourceExhausted &&
        retry_after.count() > 0) {
      r.SetHeader("Retry-After", std::to_string(retry_after.count()));
    }
    return r;
  });
}

}  // namespace planwatch::http
