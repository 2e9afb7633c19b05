// The file formats users exchange with planwatch: one CSV layout per kind of record, with
// English and Vietnamese column names (docs/import-formats.md is the user-facing description).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"

namespace planwatch {

// In load order: a kind may refer only to kinds before it (and to itself).
enum class DataKind {
  kUnits,
  kDirectives,
  kPlans,
  kTaskGroups,
  kIndicators,
  kTargets,
  kTasks,
  kTaskUpdates,
  kDataValues,
};

std::span<const DataKind> AllDataKinds();
std::string_view DataKindName(DataKind kind);  // "units", "task-groups", "data-values", …
// invalid_argument naming the input and the accepted names.
Result<DataKind> ParseDataKind(std::string_view text);

// The Vietnamese name of the workbook sheet that holds `kind` ("Đơn vị", "Nhiệm vụ", …).
std::string_view DataKindSheetName(DataKind kind);
// The kind a workbook sheet named `name` holds: its Vietnamese sheet name or the English kind
// name, folded as FindColumn folds headers ("NHIEM VU", "task_groups"). none for any other name
// (such as the instructions sheet "Hướng dẫn").
std::optional<DataKind> DataKindOfSheet(std::string_view name);

// What a column holds, so a workbook can type its cells and explain them.
enum class ColumnType {
  kText,      // free text
  kCode,      // a code or number of a record (always text, even when it looks like a number)
  kCodeList,  // codes separated by `;`
  kDate,      // YYYY-MM-DD
  kNumber,    // a decimal number
  kInteger,   // a whole number
  kBoolean,   // true/false (có/không)
  kChoice,    // one of `choices`
  kPeriod,    // a DHIS2 period identifier (2025, 2025Q3, 202503)
};

struct ColumnSpec {
  std::string_view name;     // English header, as exported
  std::string_view name_vi;  // Vietnamese header
  bool required;             // the column must be present and the cell non-empty
  ColumnType type = ColumnType::kText;
  std::string_view choices = {};         // kChoice: the accepted values, separated by `|`
  std::string_view description_vi = {};  // what the column holds, in one short Vietnamese phrase
};

// The columns of `kind`, in export order.
std::span<const ColumnSpec> ColumnsOf(DataKind kind);

// The position in ColumnsOf(kind) of the column a file's header cell names, in English or
// Vietnamese; case, diacritics, `_`, `-` and runs of spaces are ignored ("Ma don vi" and
// "MÃ ĐƠN VỊ" name unit_code). none for a header that names no column of `kind`.
std::optional<std::size_t> FindColumn(DataKind kind, std::string_view header);

}  // namespace planwatch
