// The file formats users exchange with planwatch: one CSV layout per kind of record, with
// English and Vietnamese column names (docs/import-formats.md is the user-facing description).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
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

struct ColumnSpec {
  std::string_view name;     // English header, as exported
  std::string_view name_vi;  // Vietnamese header
  bool required;             // the column must be present and the cell non-empty
};

// The columns of `kind`, in export order.
std::span<const ColumnSpec> ColumnsOf(DataKind kind);

// The position in ColumnsOf(kind) of the column a file's header cell names, in English or
// Vietnamese; case, diacritics, `_`, `-` and runs of spaces are ignored ("Ma don vi" and
// "MÃ ĐƠN VỊ" name unit_code). none for a header that names no column of `kind`.
std::optional<std::size_t> FindColumn(DataKind kind, std::string_view header);

}  // namespace planwatch
