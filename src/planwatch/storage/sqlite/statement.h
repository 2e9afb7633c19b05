// A prepared SQLite statement (sql::Cursor). Internal to storage/sqlite: nothing above storage/
// includes this header.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/storage/sql/statement.h"

namespace planwatch::sqlite {

// The Error for SQLite result code `rc` on `db`, with `context` and sqlite3_errmsg in the
// message: unavailable for busy, locked, I/O, full-disk and cannot-open; failed_precondition
// for a file that is not a database; conflict for a unique or primary key violation;
// invalid_argument for a foreign key violation; internal for everything else.
Error SqliteError(sqlite3* db, int rc, std::string_view context);

// The SQLite side of sql::Statement: one prepared sqlite3_stmt, owned (and finalized) by its
// Connection's cache. Reset() resets it and clears its bindings, so no read snapshot outlives
// a use. Bind errors are kept and reported by Step().
class Cursor final : public sql::Cursor {
 public:
  Cursor(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() override { sqlite3_finalize(stmt_); }

  void BindInt(int index, std::int64_t value) override;
  void BindDouble(int index, double value) override;
  void BindText(int index, std::string_view value) override;
  void BindNull(int index) override;
  void BindBlob(int index, std::string_view bytes) override;
  Result<bool> Step() override;
  bool IsNull(int column) const override;
  std::int64_t Int(int column) const override;
  double Double(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override;
  std::string ColumnName(int column) const override;
  void Reset() override;

 private:
  void NoteBind(int rc, int index);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;  // first failed bind
  int bind_index_ = 0;
};

}  // namespace planwatch::sqlite
