// Urging routes: each plan's ladder, the urgings and their answers, the scan on demand, the
// caller's notification centre, webhooks and the delivery outbox.
#include <string>

#include "planwatch/http/api_impl.h"
#include "planwatch/service/delivery.h"
#include "planwatch/service/urging.h"

namespace planwatch::http {

void Api::Impl::AddUrgingRoutes() {
  Add("GET", "/api/v1/plans/{id}/urging-rules", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, urgings.Rules(*c.principal, *id));
  });
  Add("PUT", "/api/v1/plans/{id}/urging-rules", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, urgings.PutRules(*c.principal, *id, c.body));
  });

  Add(
      "GET", "/api/v1/urgings", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, urgings.List(*c.principal, c.query)); }, true);
  Add("GET", "/api/v1/urgings/{id}", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, urgings.Get(*c.principal, *id));
  });
  Add("POST", "/api/v1/urgings/{id}/answer", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, urgings.Answer(*c.principal, *id, c.body));
  });
  Add("POST", "/api/v1/urging/run", Access::kSignedIn, BodyKind::kJson,
      [this](Ctx& c) { return Reply(c, urgings.Run(*c.principal, c.body)); });

  Add(
      "GET", "/api/v1/notifications", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, notifications.List(*c.principal, c.query)); }, true);
  Add("GET", "/api/v1/notifications/unread-count", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, notifications.UnreadCount(*c.principal)); });
  Add("POST", "/api/v1/notifications/{id}/read", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) {
        auto id = IdParam(c, 0);
        if (!id) return *id.error();
        return Reply(c, notifications.MarkRead(*c.principal, *id));
      });
  Add("POST", "/api/v1/notifications/read-all", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, notifications.MarkAllRead(*c.principal)); });

  Add("GET", "/api/v1/webhooks", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, webhooks.List(*c.principal)); });
  Add("POST", "/api/v1/webhooks", Access::kSignedIn, BodyKind::kJson,
      [this](Ctx& c) { return Reply(c, webhooks.Create(*c.principal, c.body), 201); });
  Add("DELETE", "/api/v1/webhooks/{id}", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return ReplyStatus(c, webhooks.Delete(*c.principal, *id));
  });

  Add(
      "GET", "/api/v1/deliveries", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, ListDeliveries(store, *c.principal, c.query)); }, true);
}

}  // namespace planwatch::http
