// Row helpers shared by the reads and writes. Internal to storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/status_macros.h"

namespace planwatch::sql {

// Reads every row of `stmt` through `row` (Statement& → Result<T>).
template <typename T, typename RowFn>
Result<std::vector<T>> Collect(Statement& stmt, RowFn row) {
  std::vector<T> out;
  while (true) {
    PW_SQL_ASSIGN(bool has_row, stmt.Step());
    if (!has_row) return out;
    PW_SQL_ASSIGN(T item, row(stmt));
    out.push_back(std::move(item));
  }
}

// The first row of `stmt` through `row`; none when there is no row.
template <typename T, typename RowFn>
Result<std::optional<T>> First(Statement& stmt, RowFn row) {
  PW_SQL_ASSIGN(bool has_row, stmt.Step());
  if (!has_row) return std::optional<T>();
  PW_SQL_ASSIGN(T item, row(stmt));
  return std::optional<T>(std::move(item));
}

// Whether `sql`, with `a` (and `b`, when given) bound, yields a row.
inline Result<bool> HasRow(Connection& connection, std::string_view sql, std::int64_t a,
                           std::optional<std::int64_t> b = std::nullopt) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  stmt.BindInt(1, a);
  if (b) stmt.BindInt(2, *b);
  return stmt.Step();
}

}  // namespace planwatch::sql
