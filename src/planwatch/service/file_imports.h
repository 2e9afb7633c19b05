// CSV imports through the API: the same all-or-nothing import as `planwatch import`, authorized
// once (AccessPolicy::CanImport) and run as the caller.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// Imports `csv` (docs/import-formats.md; English or Vietnamese headers) of the kind named
// `kind_name` ("units", "tasks", "data-values", …). Answers {"kind", "dry_run", "rows",
// "inserted", "updated", "unchanged"}. not_found for an unknown kind; permission_denied unless
// the caller may import; invalid_argument with every bad row (line, column, message) and nothing
// written when any row is wrong. With `dry_run`, everything is checked and nothing is written.
Result<nlohmann::json> ImportFile(Store& store, const Principal& p, std::string_view kind_name,
                                  std::string_view csv, bool dry_run);

}  // namespace planwatch
