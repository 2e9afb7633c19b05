// Exporting records in the import format (CSV and XLSX), and blank templates of it, so that an
// export imports back unchanged.
#pragma once

#include <optional>
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

// Which records an export holds: every record (none, as the `planwatch export` command on the
// machine), or only those that belong to the subtree of one unit (the unit and every unit beneath
// it, as the tree stands now), as exports through the API for an administrator scoped there:
// - units: the units of the subtree; successor_codes lists only successors in it;
// - directives: those cited by a plan of the subtree, and those no plan cites;
// - plans: those whose issuer or standing agency lies in the subtree;
// - task-groups: the groups of those plans;
// - tasks: the tasks of those plans whose lead unit (as assigned, lead_unit_code) lies in it;
// - task-updates: the ledger of those tasks;
// - indicators: those whose responsible unit lies in it, and those with no responsible unit;
// - targets: those of units in it; a target for every unit (no unit_code) when the indicator's
//   responsible unit lies in it;
// - data-values: the values of units in it.
// A scope unit that does not exist holds nothing. Records of the subtree may still name units,
// plans or indicators outside it (a coordinating unit elsewhere, the parent of the scope unit);
// ImportOptions::scope accepts such a reference as long as the stored record already holds it.
using ExportScope = std::optional<OrgUnitId>;

// Every record of `kind` in `scope` (current versions; the whole ledger for task-updates), in
// export order: by code; tasks by plan and then as recorded (parents first); task updates in
// ledger order. Reads through `store`, which may be an open transaction. unavailable when the
// database is busy; internal when the stored units do not form a tree.
Result<std::vector<ExportRow>> ExportRows(StoreReader& store, DataKind kind,
                                          ExportScope scope = std::nullopt);

// Writes ExportRows(kind, scope) as UTF-8 CSV with a byte-order mark (so spreadsheet programs
// read Vietnamese correctly) and English headers.
Status ExportCsv(Store& store, DataKind kind, std::ostream& out, ExportScope scope = std::nullopt);

// An .xlsx workbook of `kinds` (each once, in the order given; at least one): one sheet per kind
// named DataKindSheetName, row 1 the title ("Nhiệm vụ — xuất ngày dd/mm/yyyy", from `today`),
// row 2 the Vietnamese headers (frozen, with an autofilter, each with a comment that says whether
// it is required, its format and its allowed values), then ExportRows typed: codes and text as
// text, dates as Excel dates shown dd/mm/yyyy, numbers as numbers (with thousands grouping),
// booleans "có"/"không", and a drop-down list on choice columns; only the records in `scope`.
// ImportWorkbook of it (with the same scope) changes nothing. invalid_argument for no kinds or a
// kind given twice; unavailable when the database is busy.
Result<std::string> ExportWorkbook(Store& store, std::span<const DataKind> kinds, Date today,
                                   ExportScope scope = std::nullopt);

// A blank .xlsx template of `kind`: the kind's sheet as ExportWorkbook lays it out (title, headers
// with comments, drop-downs) with one example row, and a second sheet "Hướng dẫn" listing every
// column (Vietnamese header, English name, required, what it holds, format). internal only when
// the workbook library fails.
Result<std::string> TemplateWorkbook(DataKind kind);

// A blank CSV template of `kind`: a byte-order mark and the Vietnamese header row.
std::string TemplateCsv(DataKind kind);

}  // namespace planwatch
