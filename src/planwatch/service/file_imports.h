// Imports and exports of whole files through the API, in the import format
// (docs/import-formats.md): the same all-or-nothing import as `planwatch import`, authorized
// once (AccessPolicy::CanImport), run as the caller and confined to the caller's subtree
// (ImportOptions::scope = Principal::scope); exports of the records of that subtree
// (ExportScope) that import back unchanged; blank templates.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/service/documents.h"
#include "planwatch/service/import.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// The most changes an answer lists (changes_total counts them all).
inline constexpr std::size_t kMaxListedChanges = 1000;

// {"kind", "kinds", "dry_run", "rows", "inserted", "updated", "unchanged",
//  "changes": [{"kind", "sheet" (workbooks only), "line", "key", "action": "insert"|"update",
//               "fields": [{"column", "before", "after"}]}] (at most kMaxListedChanges),
//  "changes_total"}.
nlohmann::json ImportSummaryJson(const ImportSummary& summary, bool dry_run);

// Imports `csv` (English or Vietnamese headers) of the kind named `kind_name` ("units", "tasks",
// "data-values", …). Answers ImportSummaryJson. not_found for an unknown kind;
// permission_denied unless the caller may import, and, with every such row (line, column,
// message naming the unit or record and the caller's scope unit) and nothing written, when rows
// reach outside the caller's subtree (ImportOptions::scope) and nothing else is wrong;
// invalid_argument with every bad row (line, column, message; rows outside the subtree too) and
// nothing written when any row is wrong. With `dry_run`, everything is checked and nothing is
// written.
Result<nlohmann::json> ImportFile(Store& store, const Principal& p, std::string_view kind_name,
                                  std::string_view csv, bool dry_run);

// Imports the .xlsx workbook `xlsx` (ImportWorkbook): of the kind named `kind_name`, or, when
// none, every sheet named by its kind. Errors as ImportFile, with the sheet in every detail;
// invalid_argument also for a file that is not a readable workbook.
Result<nlohmann::json> ImportWorkbookFile(Store& store, const Principal& p,
                                          std::optional<std::string_view> kind_name,
                                          std::string_view xlsx, bool dry_run);

// Whether `body` is a zip archive (an .xlsx) by its first bytes.
bool LooksLikeXlsx(std::string_view body);

// The records of the caller's subtree (ExportScope = Principal::scope) in the import format,
// for whoever may import:
// - `format` "xlsx": GET /api/v1/exports/records.xlsx?kinds=tasks,task-groups — ExportWorkbook of
//   the kinds named (comma-separated, each once, sheets in the order named; every kind when the
//   parameter is absent), titled with `today`;
// - `format` "csv": GET /api/v1/exports/records.csv?kind=tasks — ExportCsv of the kind.
// File names "planwatch-<kind or records>-<today>.<format>". invalid_argument with a detail
// naming the parameter (unknown, missing, malformed, an unknown kind); permission_denied unless
// the caller may import.
Result<ExportFile> ExportRecordsFile(Store& store, const Principal& p, std::string_view format,
                                     const QueryParams& params, Date today);

// The blank template of the kind named `kind_name` as `format` "xlsx" (TemplateWorkbook) or "csv"
// (TemplateCsv), named "planwatch-template-<kind>.<format>". not_found for an unknown kind or
// format.
Result<ExportFile> ImportTemplateFile(std::string_view kind_name, std::string_view format);

}  // namespace planwatch
