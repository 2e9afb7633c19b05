// Routes of publications (the signed-in side of open data): publish a dataset version,
// withdraw a dataset, list the datasets. Decode, call one use case, encode.
#include <cstdint>
#include <string>

#include "planwatch/http/api_impl.h"

namespace planwatch::http {

void Api::Impl::AddPublicationRoutes() {
  Add(
      "GET", "/api/v1/publications", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, publishing.List(*c.principal, c.query)); }, true);
  Add("POST", "/api/v1/publications", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto published = publishing.Publish(*c.principal, c.body);
    Response r = Reply(c, published, 201);
    if (published) {
      r.SetHeader("Location",
                  fmt::format("/open/datasets/{}/v{}.json", (*published)["name"].get<std::string>(),
                              (*published)["version"].get<int>()));
    }
    return r;
  });
  Add("POST", "/api/v1/publications/{name}/withdraw", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return ReplyStatus(c, publishing.Withdraw(*c.principal, c.params[0])); });
}

}  // namespace planwatch::http
