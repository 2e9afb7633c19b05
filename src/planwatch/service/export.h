// Exporting records in the import format (CSV and XLSX), and blank templates of it, so that an
// export imports back unchanged.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/service/formats.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// One record in the import format's text: one field per column of ColumnsOf(kind), exactly as
// ExportCsv writes it (dates YYYY-MM-DD, numbers with `.`, lists joined by `;`, booleans
// true/false, references by code).
struct ExportRow {
  // What identifies the record across imports: the code (units, plans, indicators), the number
  // (directives), "plan/code" (task groups, tasks), "plan/task" (task updates),
  // "indicator/unit/date" (targets) or "indicator/unit/period" (data values).
  std::string key;
  std::vector<std::string> fields;

  friend bool operator==(const ExportRow&, const ExportRow&) = default;
};

// Every record of `kind` (current versions; the whole ledger for task-updates), in export order:
// by code; tasks by plan and then as recorded (parents first); task updates in ledger order.
// Reads through `store`, which may be an open transaction. unavailable when the database is busy.
Result<std::vector<ExportRow>> ExportRows(StoreReader& store, DataKind kind);

// Writes ExportRows(kind) as UTF-8 CSV with a byte-order mark (so spreadsheet programs read
// Vietnamese correctly) and English headers.
Status ExportCsv(Store& store, DataKind kind, std::ostream& out);

// An .xlsx workbook of `kinds` (each once, in the order given; at least one): one sheet per kind
// named DataKindSheetName, row 1 the title ("Nhiệm vụ — xuất ngày dd/mm/yyyy", from `today`),
// row 2 the Vietnamese headers (frozen, with an autofilter, each with a comment that says whether
// it is required, its format and its allowed values), then ExportRows typed: codes and text as
// text, dates as Excel dates shown dd/mm/yyyy, numbers as numbers (with thousands grouping),
// booleans "có"/"không", and a drop-down list on choice columns. ImportWorkbook of it changes
// nothing. invalid_argument for no kinds or a kind given twice; unavailable when the database is
// busy.
Result<std::string> ExportWorkbook(Store& store, std::span<const DataKind> kinds, Date today);

// A blank .xlsx template of `kind`: the kind's sheet as ExportWorkbook lays it out (title, headers
// with comments, drop-downs) with one example row, and a second sheet "Hướng dẫn" listing every
// column (Vietnamese header, English name, required, what it holds, format). internal only when
// the workbook library fails.
Result<std::string> TemplateWorkbook(DataKind kind);

// A blank CSV template of `kind`: a byte-order mark and the Vietnamese header row.
std::string TemplateCsv(DataKind kind);

}  // namespace planwatch
