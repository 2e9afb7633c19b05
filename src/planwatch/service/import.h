// Importing records from CSV files and XLSX workbooks: the one path by which both users and the
// demo load data.
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // The unit whose subtree (the unit and every unit beneath it, as the tree stands when the
  // sheet is checked) the import is confined to, as imports through the API are to the caller's
  // scope; none: the whole database (`planwatch import` on the machine). Default: none.
  // A confined import refuses every row that
  // - names a unit outside the subtree (a unit's own code, parent and successors; a plan's
  //   issuer and standing agency; an indicator's responsible unit; a target's or a value's
  //   unit; a task's lead and coordinating units; a task update's new lead unit), except a
  //   reference the stored record already holds (so that ExportRows with the same scope imports
  //   back unchanged);
  // - creates a root unit (no parent), or changes the parent of the scope unit itself;
  // - changes a record that belongs to another subtree (export.h, ExportScope, says which
  //   records belong to one): a unit, plan, indicator or task outside it; a task group or task
  //   of a plan outside it; a task update of a task outside it; a directive a plan outside the
  //   subtree cites (unchanged rows of it pass); a target for every unit of an indicator whose
  //   responsible unit is not in the subtree.
  // A scope unit that does not exist holds nothing.
  std::optional<OrgUnitId> scope;
};

// One column of a record that an import changes, in the import format's text (as ExportCsv
// writes it); `before` is empty for a new record.
struct FieldChange {
  std::string column;  // as the file's header names it (the English name for a column it lacks)
  std::string before;
  std::string after;

  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

// A record that an import inserts or updates (unchanged rows have none).
struct ImportChange {
  enum class Action { kInsert, kUpdate };

  DataKind kind = DataKind::kUnits;
  std::string sheet;  // the workbook sheet; empty for CSV
  int line = 0;       // the row in the file (a workbook's row number); 0 when not from one row
  // ExportRow::key: the code, "plan/code", "indicator/unit/period", … (export.h).
  std::string key;
  Action action = Action::kInsert;
  // kInsert: every non-empty column; kUpdate: the columns that differ.
  std::vector<FieldChange> fields;

  friend bool operator==(const ImportChange&, const ImportChange&) = default;
};

std::string_view ImportActionName(ImportChange::Action action);  // "insert", "update"

struct ImportSummary {
  DataKind kind = DataKind::kUnits;  // the (first) kind imported
  std::vector<DataKind> kinds;       // every kind imported, in load order
  int rows = 0;                      // data rows read (headers and rows above them are not counted)
  int inserted = 0;                  // new records
  int updated = 0;                   // existing records changed (previous versions kept in history)
  int unchanged = 0;                 // rows identical to what is stored; nothing written for them
  // Every record inserted or updated (also for a dry run), by kind in load order, then in file
  // order.
  std::vector<ImportChange> changes;
};

// Reads a CSV of `kind` (docs/import-formats.md) and writes it in one transaction.
// All-or-nothing: when any row is wrong, nothing is written and the result is invalid_argument
// with one ErrorDetail per problem (line, column as named in the file's header, what is wrong),
// in file order. When the only problems are rows outside `options.scope`, the result is
// permission_denied with one ErrorDetail per such reference (the message names the unit or
// record and the scope unit's code: "unit SL is outside your scope (Q)"). A malformed file (bad
// quoting, invalid UTF-8, unknown or missing columns) is invalid_argument too. unavailable when
// the database is busy.
Result<ImportSummary> ImportCsv(Store& store, DataKind kind, std::istream& csv,
                                const ImportOptions& options = {});

// Reads an .xlsx workbook and writes every sheet of records in one transaction, in load order
// (AllDataKinds), all or nothing. A sheet holds the kind its name says (DataKindOfSheet:
// "Nhiệm vụ", "tasks", …); with `kind`, only that kind's sheet is read, and a workbook of one
// sheet is that kind whatever its name. Other sheets (instructions such as "Hướng dẫn") and
// empty sheets are skipped. A sheet's header row is the first of its first three non-empty rows
// whose non-empty cells all name columns of the kind (a title row may sit above it); the columns
// are those of the CSV format, with the same rules, and dates may also be typed d/m/yyyy.
// Errors are invalid_argument: a file that is not a readable workbook (ReadXlsx's errors); no
// sheet of records; two sheets of one kind; and, with one ErrorDetail per problem (sheet, line =
// the Excel row number, field = the header as written, message starting with the cell reference
// such as "F7: …"), wrong headers, values outside the headed columns and bad rows. Rows of a
// later sheet are checked only when the earlier sheets are right. Rows outside `options.scope`
// as ImportCsv: permission_denied when they are a sheet's only problems. unavailable when the
// database is busy.
Result<ImportSummary> ImportWorkbook(Store& store, std::string_view xlsx_bytes,
                                     std::optional<DataKind> kind,
                                     const ImportOptions& options = {});

}  // namespace planwatch
