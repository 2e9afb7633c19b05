// DHIS2 dataValueSets JSON export (GET /api/v1/exports/dataValueSets.json): the current data
// values a caller may read, in the shape DHIS2's /api/dataValueSets answers and POST
// /api/v1/data-values accepts back (service/ingest.h):
//
//   {"dataValues":[{"dataElement":"OPEN_DATASETS","period":"202503","orgUnit":"SL-SKHCN",
//     "value":"410","storedBy":"…","lastUpdated":"2025-…Z","created":"2025-…Z","comment":"",
//     "followup":false}, …]}
//
// Ids are codes (DHIS2's idScheme=code): indicator codes as data elements, org unit codes as org
// units; planwatch has no DHIS2 uids. Values of every state are exported (DHIS2 has no state).
// Thread-safety: stateless functions over a StoreReader; callers serialize use of the reader.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/period.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct DataValueSetQuery {
  std::vector<std::string> data_elements;  // indicator codes; empty: every indicator
  std::vector<std::string> org_units;      // unit codes; empty: every unit the caller may read
  bool children = false;                   // with org_units: each unit and its whole subtree
  std::vector<Period> periods;             // exactly these periods
  // Both or neither: the values whose period lies within [start_date, end_date] (inclusive).
  // No periods and no dates: every period.
  std::optional<Date> start_date;
  std::optional<Date> end_date;
};

// Decodes the query parameters of the export:
//   dataElement, orgUnit, period  one or more, comma-separated (a repeated parameter is refused
//                                 by the HTTP layer, so DHIS2's repeats are given as a list);
//   children                      true|false (default false);
//   startDate, endDate            YYYY-MM-DD, both or neither, not with period;
//   dataElementIdScheme, orgUnitIdScheme, idScheme   code (any ASCII case) only.
// invalid_argument naming the parameter (one ErrorDetail) for an unknown parameter, an empty
// list item, a malformed period, date or flag, a start after the end, or an id scheme other
// than code ("uid", "name": only code is supported, ids in planwatch are codes).
Result<DataValueSetQuery> ParseDataValueSetQuery(const QueryParams& params);

// Checks an id-scheme parameter's value: ok for "code" in any ASCII case; invalid_argument
// naming `name` otherwise. Shared with the import (POST /api/v1/data-values).
Status CheckCodeIdScheme(std::string_view name, std::string_view value);

struct DataValueSetOptions {
  // The most values one export may hold; a larger export is refused (invalid_argument, asking
  // to narrow it) before it is complete. Bounds the memory of an answer built whole. Default
  // 1,000,000 (about 200 MB of JSON).
  std::size_t max_values = 1'000'000;
};

// Writes the data value set of `query` as seen by `p` to `out`, in pieces of a few KiB, in order
// (indicators by code; then units and periods in the store's order). Only values of units the
// caller may read (AccessPolicy::CanReadValues) are written. "value" is DHIS2's plain decimal
// text (Dhis2Number; a boolean indicator's 0 and 1 are "false" and "true"); "lastUpdated" and
// "created" are the instant the current version was stored (ISO 8601 UTC), "storedBy" its
// writer; "comment" is "" when there is none; "followup" is always false.
// Errors, all before anything is written: not_found naming an unknown data element or org
// unit; permission_denied (naming the unit) when a requested org unit is outside the caller's
// read scope; the store's errors. invalid_argument when more than options.max_values values
// match: that one comes after some pieces were written, which the caller then discards.
// Memory: one indicator's values at a time (plus what `out` keeps).
Status WriteDataValueSet(StoreReader& store, const Principal& p, const DataValueSetQuery& query,
                         const std::function<void(std::string_view)>& out,
                         const DataValueSetOptions& options = {});

// DHIS2's plain decimal text of a number: no exponent, no thousands separator, no trailing
// zeros, the shortest text that reads back as the same double ("22336", "93.2", "0.0001",
// "-5"); -0 is "0". `value` must be finite.
std::string Dhis2Number(double value);

}  // namespace planwatch
