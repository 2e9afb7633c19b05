// A database connection as the shared reads and writes of the model see it (sql/statement.h
// says which SQL both engines accept). Internal to storage.
#pragma once

#include <cstdint>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/storage/sql/statement.h"

namespace planwatch::sql {

enum class Dialect { kSqlite, kPostgres };

// Thread-safety: none; a connection is used by one thread at a time (its pool hands it out).
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;

  // Runs constant SQL text: one or more statements without parameters. Never pass text that
  // contains user input; use Prepare() and bind it.
  virtual Status Exec(std::string_view sql) = 0;
  // The prepared statement for the constant SQL text `sql`, prepared once per connection and
  // cached. internal when it does not compile.
  virtual Result<Statement> Prepare(std::string_view sql) = 0;
  // Prepare() for a scan of many rows (millions of values at start): PostgreSQL hands them over
  // one by one as they arrive instead of holding the whole result in memory; SQLite steps
  // through the table either way. Nothing else may run on the connection until the Statement
  // ends.
  virtual Result<Statement> PrepareScan(std::string_view sql) { return Prepare(sql); }
  // Prepares (cached) and runs one constant statement without parameters, e.g. "RELEASE s".
  Status Run(std::string_view sql) {
    auto stmt = Prepare(sql);
    if (!stmt) return std::unexpected(std::move(stmt).error());
    return stmt->Run();
  }
  // The value the last INSERT on this connection gave the identity column `column` of `table`
  // (SQLite: the rowid). Call it right after the insert, and only after an insert.
  virtual Result<std::int64_t> LastInsertId(std::string_view table, std::string_view column) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE run on this connection.
  virtual std::int64_t Changes() const = 0;
  // Whether a transaction is open.
  virtual bool InTransaction() const = 0;
};

}  // namespace planwatch::sql
