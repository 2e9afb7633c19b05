// The API's resources: list, get, create, update and delete of org units, directives, plans,
// task groups, tasks and indicators, as JSON, each use case authorized once against the
// AccessPolicy before anything is read or written on the caller's behalf.
//
// Versions: every resource has an ETag, a digest of its stored state (for a task, also of its
// ledger). Update and Delete require the ETag the client last saw (If-Match): version_required
// without one, version_mismatch when the resource changed since — checked inside the write
// transaction, so of two concurrent editors exactly one wins and the other learns it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/storage/store.h"

namespace planwatch {

enum class ResourceKind { kOrgUnit, kDirective, kPlan, kTaskGroup, kTask, kIndicator };
std::string_view ResourceKindName(ResourceKind kind);  // "org-units", "directives", …

// Query parameters of a list, as sent. Common: limit (1–1000, default 50), offset (default 0),
// sort (a field name, "-" in front for descending), q (search in codes and names, folding
// Vietnamese diacritics and case). Per kind, filters on its fields (docs/api.md). Unknown
// parameters are invalid_argument naming them.
using QueryParams = std::map<std::string, std::string, std::less<>>;

// invalid_argument "invalid query parameter <name>" with one detail on the parameter (its name
// echoed safely) whose message is FieldMessage(code, text).
std::unexpected<Error> BadQueryParam(std::string_view name, std::string_view code,
                                     std::string_view text);

// The whole number `name` of `params`, from `min` to `max`; `fallback` when absent. Otherwise
// BadQueryParam(name, "invalid", …) saying what was expected and what came.
Result<int> IntQueryParam(const QueryParams& params, std::string_view name, int fallback, int min,
                          int max);

struct Page {
  nlohmann::json items = nlohmann::json::array();
  std::int64_t total = 0;
  int limit = 50;
  int offset = 0;
};

struct Resource {
  nlohmann::json body;
  std::string etag;  // quoted, strong: "\"…\""
};

// Today's date, for task status in lists and defaults of actions: the deployment's local date
// (planwatch serve --utc-offset), or a fixed one in tests.
using TodayFn = std::function<Date()>;

class Resources {
 public:
  Resources(Store& store, TodayFn today);

  Result<Page> List(const Principal& p, ResourceKind kind, const QueryParams& params);
  // not_found when the id does not exist or the caller may not see it (so ids out of scope are
  // not revealed).
  Result<Resource> Get(const Principal& p, ResourceKind kind, std::int64_t id);
  // invalid_argument with a detail per offending field; permission_denied; conflict on a taken
  // code.
  Result<Resource> Create(const Principal& p, ResourceKind kind, const nlohmann::json& body);
  // A JSON merge of the fields present (null clears an optional field).
  Result<Resource> Update(const Principal& p, ResourceKind kind, std::int64_t id,
                          const nlohmann::json& patch, const std::optional<std::string>& if_match);
  // Soft: an org unit is closed (valid_to = yesterday) rather than removed; a directive, plan,
  // task group or indicator is marked deleted (conflict while anything refers to it); tasks are
  // cancelled by their action instead (failed_precondition).
  Status Delete(const Principal& p, ResourceKind kind, std::int64_t id,
                const std::optional<std::string>& if_match);

  // Every stored version of a task or an org unit, oldest first:
  // {"items": [{"value": {…}, "recorded_at", "superseded_at" (null for the current one)}]}.
  // Same visibility as Get; failed_precondition for kinds without history.
  Result<nlohmann::json> History(const Principal& p, ResourceKind kind, std::int64_t id);

  Store& store() { return store_; }
  Date today() const { return today_(); }

 private:
  Store& store_;
  TodayFn today_;
};

// The strong ETag of a JSON value (quoted).
std::string ETagOf(const nlohmann::json& stored);

// What a task's ETag digests: its stored fields and the length of its ledger, so that any
// action on the task changes the ETag too.
nlohmann::json TaskStoredJson(const Task& task, std::size_t ledger_size);

}  // namespace planwatch
