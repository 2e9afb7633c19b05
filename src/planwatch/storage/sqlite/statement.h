// RAII use of a prepared SQLite statement. Internal to storage/sqlite: nothing above storage/
// includes this header.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"

namespace planwatch::sqlite {

// The Error for SQLite result code `rc` on `db`, with `context` and sqlite3_errmsg in the
// message: unavailable for busy, locked, I/O, full-disk and cannot-open; failed_precondition
// for a file that is not a database; conflict for a unique or primary key violation;
// invalid_argument for a foreign key violation; internal for everything else.
Error SqliteError(sqlite3* db, int rc, std::string_view context);

// One use of a prepared statement owned by a Connection (which finalizes it). Destroying the
// Statement resets it and clears its bindings, so no read snapshot outlives its use.
// Parameters are 1-based, columns 0-based. Bind errors are kept and reported by Step()/Run().
// Not thread-safe: used by the thread that holds its Connection.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void BindInt(int index, std::int64_t value);
  void BindDouble(int index, double value);
  void BindText(int index, std::string_view value);
  void BindNull(int index);
  // Binary bytes (NUL bytes included); an empty view binds an empty BLOB, not NULL.
  void BindBlob(int index, std::string_view bytes);
  void BindBool(int index, bool value) { BindInt(index, value ? 1 : 0); }
  // An id of 0 ("none") binds NULL.
  template <typename Tag>
  void BindId(int index, Id<Tag> id) {
    if (id) {
      BindInt(index, id.value);
    } else {
      BindNull(index);
    }
  }
  void BindDate(int index, Date date) { BindText(index, date.ToString()); }
  void BindOptionalDate(int index, const std::optional<Date>& date);
  void BindOptionalDouble(int index, const std::optional<double>& value);

  // true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps to completion; for statements that return no rows (or whose rows are ignored).
  Status Run();

  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  // The bytes of a BLOB column (NUL bytes included); NULL reads as empty.
  std::string Blob(int column) const;
  // NULL reads as 0 ("none").
  template <typename IdType>
  IdType IdAt(int column) const {
    return IdType{IsNull(column) ? 0 : Int(column)};
  }
  // internal (naming the column) when the stored text is not a date: the file is corrupt.
  Result<Date> DateAt(int column) const;
  Result<std::optional<Date>> OptionalDateAt(int column) const;
  std::optional<double> OptionalDoubleAt(int column) const;

 private:
  void NoteBind(int rc, int index);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;  // first failed bind
  int bind_index_ = 0;
};

}  // namespace planwatch::sqlite
