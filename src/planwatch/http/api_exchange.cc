// Routes of data exchange with other systems: the DHIS2 dataValueSets export (its import is
// POST /api/v1/data-values, in api.cc). Decode, call the service, answer the file.
#include <string>
#include <string_view>

#include "planwatch/http/api_impl.h"
#include "planwatch/service/data_value_sets.h"

namespace planwatch::http {

void Api::Impl::AddExchangeRoutes() {
  Add(
      "GET", "/api/v1/exports/dataValueSets.json", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) {
        auto query = ParseDataValueSetQuery(c.query);
        if (!query) return Error(c, query.error());
        Response r;
        // The answer is built whole (the server sends one body); WriteDataValueSet bounds it.
        Status done = WriteDataValueSet(store, *c.principal, *query,
                                        [&r](std::string_view piece) { r.body += piece; });
        if (!done) return Error(c, done.error());
        r.SetHeader("Content-Type", "application/json; charset=utf-8");
        r.SetHeader("Content-Disposition", "attachment; filename=\"dataValueSets.json\"");
        r.SetHeader("Cache-Control", "private, no-store");
        return r;
      },
      true);
}

}  // namespace planwatch::http
