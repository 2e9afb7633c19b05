// Indicator data values and targets as API use cases. A value is addressed by (indicator id,
// unit id, period); reading needs the unit in the caller's scope, writing a role that enters
// data there (AccessPolicy::CanWriteValues). Every write keeps the previous version.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/period.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct ValueKey {
  IndicatorId indicator;
  OrgUnitId unit;
  Period period = Period::Year(1970);
};

class Values {
 public:
  explicit Values(Store& store);

  // Parameters: indicator (id), unit (id), subtree (true|false, with unit), periods (a DHIS2
  // period or range), state, as_of (an ISO 8601 UTC instant: the values as they were then),
  // limit, offset. Only units in the caller's scope are listed.
  Result<Page> List(const Principal& p, const QueryParams& params);
  Result<Resource> Get(const Principal& p, const ValueKey& key);
  // Body: value (required), comment, state (default approved for unit leaders, submitted for
  // others). Creating needs no If-Match; replacing an existing value does.
  Result<Resource> Put(const Principal& p, const ValueKey& key, const nlohmann::json& body,
                       const std::optional<std::string>& if_match);
  Status Delete(const Principal& p, const ValueKey& key,
                const std::optional<std::string>& if_match);
  // Every version, oldest first (tombstones marked "deleted": true).
  Result<nlohmann::json> History(const Principal& p, const ValueKey& key);
  // Many values in one request: see Ingest (service/ingest.h), which streams the body.

  // Targets of an indicator (readable by every signed-in user) and setting one ({unit (id or
  // null for every unit), date, value}) by those who manage the indicator.
  Result<nlohmann::json> Targets(const Principal& p, IndicatorId indicator);
  Result<nlohmann::json> PutTarget(const Principal& p, IndicatorId indicator,
                                   const nlohmann::json& body);

 private:
  Store& store_;
};

}  // namespace planwatch
