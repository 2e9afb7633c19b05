// Exporting records as CSV in the import format, so that an export imports back unchanged.
#pragma once

#include <ostream>

#include "planwatch/base/error.h"
#include "planwatch/service/formats.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// Writes every record of `kind` (current versions; the whole ledger for task-updates) as UTF-8
// CSV with a byte-order mark (so spreadsheet programs read Vietnamese correctly) and English
// headers. Records are ordered by code; tasks by plan and then as recorded (parents first), and
// task updates in ledger order.
Status ExportCsv(Store& store, DataKind kind, std::ostream& out);

}  // namespace planwatch
