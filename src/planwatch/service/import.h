// Importing records from CSV files: the one path by which both users and the demo load data.
#pragma once

#include <istream>
#include <string>

#include "planwatch/base/error.h"
#include "planwatch/service/formats.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct ImportOptions {
  // Recorded as stored_by of data values written without one. Default: "import".
  std::string actor = "import";
  // Validate everything and report what would change, but write nothing. Default: false.
  bool dry_run = false;
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
