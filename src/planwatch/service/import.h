// Importing records from CSV files: the one path by which both users and the demo load data.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/service/formats.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct ImportOptions {
  // Recorded as stored_by of data values written without one. Default: "import".
  std::string actor = "import";
  // Validate everything and report what would change, but write nothing. Default: false.
  bool dry_run = false;
  // Called on the calling thread as the import advances, at most every few thousand rows:
  // `stage` is "reading", "checking" or "writing"; `done` rows of `total` (0 while unknown).
  // Default: none.
  std::function<void(std::string_view stage, std::size_t done, std::size_t total)> progress;
};

struct ImportSummary {
  DataKind kind = DataKind::kUnits;
  int rows = 0;       // data rows read (the header is not counted)
  int inserted = 0;   // new records
  int updated = 0;    // existing records changed (previous versions kept in history)
  int unchanged = 0;  // rows identical to what is stored; nothing written for them
};

// Reads a CSV of `kind` (docs/import-formats.md) and writes it in one transaction.
// All-or-nothing: when any row is wrong, nothing is written and the result is invalid_argument
// with one ErrorDetail per problem (line, column as named in the file's header, what is wrong),
// in file order. A malformed file (bad quoting, invalid UTF-8, unknown or missing columns) is
// invalid_argument too. unavailable when the database is busy.
Result<ImportSummary> ImportCsv(Store& store, DataKind kind, std::istream& csv,
                                const ImportOptions& options = {});

}  // namespace planwatch
