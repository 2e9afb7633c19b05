// One SQLite database connection with the settings every planwatch connection uses, and a
// cache of its prepared statements. Internal to storage/sqlite.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "planwatch/base/error.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sqlite/statement.h"

namespace planwatch::sqlite {

struct ConnectionOptions {
  // Create the file when it does not exist (otherwise opening a missing file is unavailable:
  // callers that care check existence first).
  bool create = true;
  // How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5000};
};

// Owns a sqlite3 handle. Every connection runs with journal_mode=WAL, synchronous=FULL,
// foreign_keys=ON and the busy timeout of its options.
// Thread-safety: none; a connection is used by one thread at a time (the pool hands it out).
using sql::Statement;

class Connection final : public sql::Connection {
 public:
  // unavailable when the file cannot be opened; failed_precondition when it is not a SQLite
  // database or WAL cannot be enabled on it.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const ConnectionOptions& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() override;  // finalizes the cached statements, then closes the handle

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }

  // Runs constant SQL text: one or more statements without parameters. Never pass text that
  // contains user input; use Prepare() and bind it.
  Status Exec(std::string_view sql) override;

  // The prepared statement for the constant SQL text `sql`, prepared once and cached.
  // internal when the SQL does not compile. At most one Statement per SQL text may be alive
  // at a time (a second one would reset the first).
  Result<Statement> Prepare(std::string_view sql) override;

  // The rowid of the last row inserted on this connection (table and column are implied).
  Result<std::int64_t> LastInsertId(std::string_view /*table*/,
                                    std::string_view /*column*/) override {
    return sqlite3_last_insert_rowid(db_);
  }
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  std::int64_t Changes() const override { return sqlite3_changes64(db_); }
  // Whether a transaction is open (false after COMMIT, ROLLBACK, or an automatic rollback).
  bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Cursor>> statements_;
};

}  // namespace planwatch::sqlite
