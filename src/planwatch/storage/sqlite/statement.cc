#include "planwatch/storage/sqlite/statement.h"

#include <utility>

namespace planwatch::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view context) {
  ErrorCode code = ErrorCode::kInternal;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      code = ErrorCode::kUnavailable;
      break;
    case SQLITE_NOTADB:
      code = ErrorCode::kFailedPrecondition;
      break;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        code = ErrorCode::kConflict;
      } else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        code = ErrorCode::kInvalidArgument;
      }
      break;
    default:
      break;
  }
  // The disk's faults reach users (a 503's detail): say what happened in words, without the
  // statement's SQL.
  if ((rc & 0xff) == SQLITE_FULL) {
    return Error{
        code, "the disk holding the database is full (sqlite code " + std::to_string(rc) + ")", {}};
  }
  if ((rc & 0xff) == SQLITE_IOERR) {
    return Error{code,
                 std::string("the database file could not be read or written: ") +
                     sqlite3_errstr(rc) + " (sqlite code " + std::to_string(rc) + ")",
                 {}};
  }
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  message += " (sqlite code " + std::to_string(rc) + ")";
  return Error{code, std::move(message), {}};
}

void Cursor::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
  bind_index_ = 0;
}

void Cursor::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
    bind_index_ = index;
  }
}

void Cursor::BindInt(int index, std::int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
}

void Cursor::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value), index);
}

void Cursor::BindText(int index, std::string_view value) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

void Cursor::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index), index); }

void Cursor::BindBlob(int index, std::string_view bytes) {
  // sqlite3_bind_blob64 with a null pointer would bind NULL.
  if (bytes.empty()) {
    NoteBind(sqlite3_bind_zeroblob(stmt_, index, 0), index);
    return;
  }
  NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
}

Result<bool> Cursor::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return std::unexpected(
        SqliteError(db_, bind_rc_, "binding parameter " + std::to_string(bind_index_)));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(SqliteError(db_, rc, sqlite3_sql(stmt_)));
}

std::string Cursor::Blob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Cursor::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Cursor::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Cursor::Double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Cursor::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Cursor::ColumnName(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name != nullptr ? name : std::to_string(column);
}

}  // namespace planwatch::sqlite
