// Early return on error, for the long sequences of fallible calls in the storage engines.
// Internal to storage.
#pragma once

#include <expected>
#include <utility>

#define PW_SQL_CONCAT_INNER(a, b) a##b
#define PW_SQL_CONCAT(a, b) PW_SQL_CONCAT_INNER(a, b)

// The macros take a declaration or a fresh name as arguments, which cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)

// Evaluates `expr` (a Result or Status); returns its error from the enclosing function.
#define PW_SQL_TRY(expr) PW_SQL_TRY_IMPL(PW_SQL_CONCAT(pw_sql_status_, __COUNTER__), expr)
#define PW_SQL_TRY_IMPL(tmp, expr)                                               \
  do {                                                                           \
    if (auto tmp = (expr); !tmp) return std::unexpected(std::move(tmp).error()); \
  } while (false)

// `lhs = *expr` when `expr` (a Result) holds a value; returns its error otherwise. `lhs` may
// be a declaration: PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSql));
#define PW_SQL_ASSIGN(lhs, expr) \
  PW_SQL_ASSIGN_IMPL(PW_SQL_CONCAT(pw_sql_result_, __COUNTER__), lhs, expr)
#define PW_SQL_ASSIGN_IMPL(tmp, lhs, expr)                  \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)

// NOLINTEND(bugprone-macro-parentheses)
