// The statements and connections the engines share: the reads and writes of the model
// (storage/sql/*.cc) are written once against these, and SQLite (storage/sqlite) and
// PostgreSQL (storage/postgres) implement them. Internal to storage: nothing above storage/
// includes these headers.
//
// SQL text is written once for both engines: parameters are ?1, ?2, ... (PostgreSQL's
// connection rewrites them to $1, $2, ...), and only what both dialects accept is used
// (coalesce, IS [NOT] DISTINCT FROM, RETURNING, ON CONFLICT). Where they differ, the code asks
// Connection::dialect().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"

namespace planwatch::sql {

// What an engine implements for one prepared statement: binding, stepping and reading the
// current row. A connection keeps one cursor per SQL text and hands it out through a Statement.
class Cursor {
 public:
  virtual ~Cursor() = default;

  virtual void BindInt(int index, std::int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindNull(int index) = 0;
  virtual void BindBlob(int index, std::string_view bytes) = 0;
  virtual Result<bool> Step() = 0;
  virtual bool IsNull(int column) const = 0;
  virtual std::int64_t Int(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string Blob(int column) const = 0;
  // For error messages.
  virtual std::string ColumnName(int column) const = 0;
  // Ends the use: drops the result and the bindings.
  virtual void Reset() = 0;
};

// One use of a prepared statement owned by a Connection. Destroying the Statement ends the use
// (no read snapshot or result outlives it). Parameters are 1-based, columns 0-based. Bind
// errors are kept and reported by Step()/Run(). At most one Statement per SQL text may be alive
// on a connection at a time. Not thread-safe: used by the thread that holds its Connection.
class Statement {
 public:
  explicit Statement(Cursor* cursor) : cursor_(cursor) {}
  Statement(Statement&& other) noexcept : cursor_(other.cursor_) { other.cursor_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (cursor_ != nullptr) cursor_->Reset();
  }

  void BindInt(int index, std::int64_t value) { cursor_->BindInt(index, value); }
  // PostgreSQL: the shortest text that reads back as the same double, NaN and the infinities
  // included.
  void BindDouble(int index, double value) { cursor_->BindDouble(index, value); }
  // UTF-8 text (PostgreSQL text cannot hold a NUL byte: invalid_argument).
  void BindText(int index, std::string_view value) { cursor_->BindText(index, value); }
  void BindNull(int index) { cursor_->BindNull(index); }
  // Binary bytes (NUL bytes included); an empty view binds empty bytes, not NULL.
  void BindBlob(int index, std::string_view bytes) { cursor_->BindBlob(index, bytes); }
  // Flags are integers 0/1 in both schemas.
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
  Result<bool> Step() { return cursor_->Step(); }
  // Steps to completion; for statements whose rows are ignored.
  Status Run();

  bool IsNull(int column) const { return cursor_->IsNull(column); }
  // A column that does not hold the asked type reads as 0 / 0.0 / "".
  std::int64_t Int(int column) const { return cursor_->Int(column); }
  double Double(int column) const { return cursor_->Double(column); }
  std::string Text(int column) const { return cursor_->Text(column); }
  // The bytes of a BLOB / bytea column (NUL bytes included); NULL reads as empty.
  std::string Blob(int column) const { return cursor_->Blob(column); }
  // An integer flag (non-zero), or a PostgreSQL boolean ('t' / 'f').
  bool Bool(int column) const;
  // NULL reads as 0 ("none").
  template <typename IdType>
  IdType IdAt(int column) const {
    return IdType{IsNull(column) ? 0 : Int(column)};
  }
  // internal (naming the column) when the stored text is not a date: the database is corrupt.
  Result<Date> DateAt(int column) const;
  Result<std::optional<Date>> OptionalDateAt(int column) const;
  std::optional<double> OptionalDoubleAt(int column) const;

 private:
  Cursor* cursor_;
};

}  // namespace planwatch::sql
