// Publications (SPEC §3 "Reviews, openness, feedback"): the standing agency publishes open
// datasets, each publication a numbered, immutable version computed from live data at that
// moment and stored as it was published (storage/publications.h), so later edits of plans,
// tasks, units or values never change a version.
//
// Datasets, their names (CKAN-safe: lowercase ASCII letters, digits, '-', '_', 2–100 characters;
// a code is slugged by DatasetSlug) and what they hold:
//   plan-<plan slug>                 the plan's tasks as of the service's today, verified view
//   indicator-<indicator slug>       the indicator's approved values and its targets
//   scorecards-<plan slug>-<period>  the plan's unit ranking for a period
//   review-<review id>               a published review's frozen figures
// Classified tasks are left out of the plan dataset's rows and of every count of its summary (the
// summary is computed over the published rows); values not approved never appear.
//
// Who publishes and withdraws: plan, scorecards and review datasets, the plan's administrators
// (AccessPolicy::CanAdministerPlan); indicator datasets, those who manage the indicator
// (AccessPolicy::CanManageIndicator). The publisher (CKAN organization) of a plan, scorecards or
// review dataset is the plan's standing agency (its issuer when it has none); of an indicator
// dataset, the publishing principal's own unit.
//
// Thread-compatible; every call reads the store afresh.
#pragma once

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/analytics/analytics.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

enum class DatasetKind { kPlan, kIndicator, kScorecards, kReview };
std::string_view DatasetKindName(DatasetKind kind);  // "plan", "indicator", "scorecards", "review"
// Accepts exactly the names above; invalid_argument naming the input otherwise.
Result<DatasetKind> ParseDatasetKind(std::string_view text);

// A code as part of a dataset name: lowercase ASCII letters and digits kept, every run of other
// characters (Vietnamese letters included) turned into one '-', leading and trailing '-' trimmed.
// "333-KH/TU" → "333-kh-tu".
std::string DatasetSlug(std::string_view code);

struct DatasetColumn {
  std::string name, title_vi, title_en;
  std::string type;  // string | integer | number | date | percent

  friend bool operator==(const DatasetColumn&, const DatasetColumn&) = default;
};

// The metadata of one version (no rows).
struct DatasetInfo {
  std::string name;
  DatasetKind kind = DatasetKind::kPlan;
  std::string subject;  // plan or indicator code, or review id
  int version = 0;
  std::string title_vi, title_en, description_vi, description_en;
  // The standing agency that publishes it (the CKAN organization).
  std::string publisher_code, publisher_name_vi, publisher_name_en;
  std::string issued;        // RFC 3339 UTC instant of version 1
  std::string modified;      // RFC 3339 UTC instant of this version
  std::string published_by;  // login
  std::vector<std::string> keywords;
  std::vector<DatasetColumn> columns;
  std::size_t row_count = 0;
};

struct DatasetVersion {
  DatasetInfo info;
  nlohmann::json rows;     // array of arrays, in column order
  nlohmann::json summary;  // object, kind-specific (docs/open-data.md)
};

class Publishing {
 public:
  // `today`: the deployment's local date (the plan dataset's as_of, the scorecards' judging
  // date); `utc_offset`: its time zone, as for scorecards.
  Publishing(Store& store, const Analytics& analytics, TodayFn today,
             std::chrono::minutes utc_offset);

  // POST /api/v1/publications {kind, subject, period?} → the new version (DatasetJson), stored
  // as the dataset's latest version + 1. subject: the plan or indicator code, or the review id
  // (a string, or for a review also a number); period: required for scorecards (a DHIS2 period,
  // e.g. "2025"), refused for the other kinds. invalid_argument with a detail per offending field
  // (an unknown plan, indicator or review is a not_found detail on "subject"); failed_precondition
  // "publish the review first" for a review not published yet; permission_denied unless the caller
  // may publish it (above); conflict "nothing changed since version N" when rows and summary equal
  // those of the latest version (unless that version is withdrawn: publishing again then ends the
  // withdrawal), or when the dataset's name is taken by another subject whose code slugs the same.
  Result<nlohmann::json> Publish(const Principal& p, const nlohmann::json& body);

  // POST /api/v1/publications/{name}/withdraw: the dataset disappears from every public read
  // until it is published again. not_found when it was never published; conflict when it is
  // withdrawn already; permission_denied unless the caller may publish it (an admin when its
  // plan, indicator or review no longer exists).
  Status Withdraw(const Principal& p, std::string_view name);

  // GET /api/v1/publications?limit=&offset= — the latest version of every dataset, withdrawn
  // ones included, by name: DatasetInfoJson plus "published_by", "withdrawn" (bool),
  // "withdrawn_at" and "withdrawn_by" (null unless withdrawn). Any signed-in user.
  // invalid_argument naming a parameter that is unknown or malformed (limit 1–1000).
  Result<Page> List(const Principal& p, const QueryParams& params);

  // --- Public reads (no principal): only datasets published and not withdrawn. ---

  // The latest version of each dataset, by name.
  Result<std::vector<DatasetInfo>> Catalog();
  // Version `version` of the dataset, or its latest when none. not_found (naming the dataset)
  // when it does not exist, is withdrawn, or has no such version.
  Result<DatasetVersion> Get(std::string_view name, std::optional<int> version);
  // Every version's metadata, oldest first. not_found as Get.
  Result<std::vector<DatasetInfo>> Versions(std::string_view name);
  // What changed from version `from` to version `to`:
  //   {"name", "from", "to", "added": [rows only in `to`, in its order],
  //    "removed": [rows only in `from`, in its order],
  //    "changed": [{"key": [...], "columns": [names of the columns that differ],
  //                 "before": row, "after": row}] (in `to`'s order),
  //    "summary_changed": bool}
  // Rows are matched by their key columns: plan `code`; indicator `unit_code`, `period`;
  // scorecards `unit_code`; review `section`, `code`, `measure`. not_found as Get for either
  // version.
  Result<nlohmann::json> Diff(std::string_view name, int from, int to);
  // A quoted tag that changes whenever anything public changes (a publication or a withdrawal),
  // "\"c<versions>-<last id>-<withdrawals>\"", for ETags.
  Result<std::string> CatalogTag();

 private:
  Store& store_;
  const Analytics& analytics_;
  TodayFn today_;
  std::chrono::minutes utc_offset_;
};

// DatasetInfo as JSON: {"name", "kind", "subject", "version", "title_vi", "title_en",
// "description_vi", "description_en", "publisher": {"code", "name_vi", "name_en"}, "issued",
// "modified", "keywords", "columns": [{"name", "title_vi", "title_en", "type"}], "row_count",
// "distributions": [{"format": "CSV", "media_type": "text/csv",
// "url": "/open/datasets/<name>.csv"}, {"format": "JSON", … "<name>.json"}]}.
nlohmann::json DatasetInfoJson(const DatasetInfo& info);
// DatasetInfoJson plus "rows" and "summary".
nlohmann::json DatasetJson(const DatasetVersion& dataset);
// The rows as CSV: a UTF-8 byte-order mark, a header of the column names, one record per row
// (RFC 4180, CRLF); null is an empty field, numbers as in JSON.
std::string DatasetCsv(const DatasetVersion& dataset);

}  // namespace planwatch
