// The demo province (Son La, Plan 333-KH/TU), loaded from data/demo/ through the import path.
#pragma once

#include <filesystem>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/service/import.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// Imports `<dir>/<kind>.csv` for every kind in load order, then publishes the demo's open data
// as its standing agency would (the plan, its 2025 scorecards and six of its indicators; the
// rest stays unpublished). The first failing file stops the load; its error names the file.
// not_found when a file is missing.
Result<std::vector<ImportSummary>> LoadDemo(Store& store, const std::filesystem::path& dir);

// The demo folder: $PLANWATCH_DEMO_DIR if set, else data/demo beside the source tree the binary
// was built from, else ./data/demo.
std::filesystem::path DefaultDemoDir();

}  // namespace planwatch
