// Routes of the audit log: one subject's history (or the whole log), the checkpoints, and
// signing one now. Decode, call one use case, encode; AuditLog authorizes.
#include <string>

#include "planwatch/http/api_impl.h"
#include "planwatch/service/audit.h"

namespace planwatch::http {

void Api::Impl::AddAuditRoutes() {
  // AuditLog holds only references: one per request costs nothing and needs no member here.
  const auto log = [this] { return AuditLog(store, [this] { return resources.today(); }); };
  Add(
      "GET", "/api/v1/audit", Access::kSignedIn, BodyKind::kNone,
      [this, log](Ctx& c) { return Reply(c, log().Query(*c.principal, c.query)); }, true);
  Add("GET", "/api/v1/audit/checkpoints", Access::kSignedIn, BodyKind::kNone,
      [this, log](Ctx& c) { return Reply(c, log().Checkpoints(*c.principal)); });
  Add("POST", "/api/v1/audit/checkpoints", Access::kSignedIn, BodyKind::kNone, [this, log](Ctx& c) {
    if (!options.signing_key) {
      return Error(c, planwatch::Error{ErrorCode::kFailedPrecondition,
                                       "this server has no instance key to sign with",
                                       {}});
    }
    auto signed_now = log().SignNow(*c.principal, *options.signing_key);
    if (!signed_now) return Error(c, signed_now.error());
    return JsonResponse(201, AuditCheckpointView(*signed_now));
  });
}

}  // namespace planwatch::http
