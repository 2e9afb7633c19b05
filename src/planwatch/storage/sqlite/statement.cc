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

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_rc_(other.bind_rc_),
      bind_index_(other.bind_index_) {}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
    bind_rc_ = rc;
    bind_index_ = index;
  }
}

void Statement::BindInt(int index, std::int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
}

void Statement::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value), index);
}

void Statement::BindText(int index, std::string_view value) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

void Statement::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index), index); }

void Statement::BindBlob(int index, std::string_view bytes) {
  // sqlite3_bind_blob64 with a null pointer would bind NULL.
  if (bytes.empty()) {
    NoteBind(sqlite3_bind_zeroblob(stmt_, index, 0), index);
    return;
  }
  NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
}

void Statement::BindOptionalDate(int index, const std::optional<Date>& date) {
  if (date) {
    BindDate(index, *date);
  } else {
    BindNull(index);
  }
}

void Statement::BindOptionalDouble(int index, const std::optional<double>& value) {
  if (value) {
    BindDouble(index, *value);
  } else {
    BindNull(index);
  }
}

Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return std::unexpected(
        SqliteError(db_, bind_rc_, "binding parameter " + std::to_string(bind_index_)));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(SqliteError(db_, rc, sqlite3_sql(stmt_)));
}

Status Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row) return std::unexpected(std::move(row).error());
    if (!*row) return {};
  }
}

std::string Statement::Blob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<Date> Statement::DateAt(int column) const {
  std::string text = Text(column);
  auto date = Date::Parse(text);
  if (!date) {
    return Internal(std::string("column ") + sqlite3_column_name(stmt_, column) +
                    " holds an invalid date '" + text + "'");
  }
  return *date;
}

Result<std::optional<Date>> Statement::OptionalDateAt(int column) const {
  if (IsNull(column)) return std::optional<Date>();
  auto date = DateAt(column);
  if (!date) return std::unexpected(std::move(date).error());
  return std::optional<Date>(*date);
}

std::optional<double> Statement::OptionalDoubleAt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Double(column);
}

}  // namespace planwatch::sqlite
