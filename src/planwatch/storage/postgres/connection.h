// One libpq connection to PostgreSQL with the settings every planwatch connection uses: a cache
// of prepared statements, transactions at a chosen isolation, COPY for bulk loads,
// LISTEN/NOTIFY and advisory locks. Internal to storage/postgres: nothing above storage/
// includes this header, and libpq's own headers stay in connection.cc.
//
// Errors (PostgresError below) never carry SQL text or a password: the server's primary message
// and the table, column and constraint it names.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/storage/sql/connection.h"

// libpq's opaque types, declared as libpq-fe.h does.
struct pg_conn;
struct pg_result;

namespace planwatch::postgres {

// The ErrorCode for SQLSTATE `sqlstate` (five characters):
//   40001 serialization failure, 40P01 deadlock   -> unavailable: retry the whole transaction
//                                                    (base/error.h has no "aborted" code)
//   08xxx connection exceptions, 57P01-57P03 shutdown, 53xxx insufficient resources,
//   55P03 lock not available, 57014 query cancelled -> unavailable
//   23505 unique violation                         -> conflict
//   23503 foreign key, 23514 check, 23502 not null,
//   22xxx data exceptions (bad text, out of range)  -> invalid_argument
//   anything else (syntax errors, P0001 raised by a trigger, ...) -> internal
ErrorCode ErrorCodeForSqlState(std::string_view sqlstate);

enum class Isolation {
  kReadCommitted,
  kRepeatableRead,
  kSerializable,
};

// A NOTIFY received on a channel this connection listens to.
struct Notification {
  std::string channel;
  std::string payload;
  int sender_pid = 0;  // backend process of the notifying session

  friend bool operator==(const Notification&, const Notification&) = default;
};

class Connection;

// The PostgreSQL side of sql::Statement: one prepared statement (under a generated name) and
// the state of its current use. Values travel in text format, bytea parameters in binary. Bind
// errors (an index out of range, text with a NUL byte) are kept and reported by Step(); every
// parameter must be bound. The first Step() executes the statement and holds its whole result
// in memory until Reset(). Owned by its Connection's cache.
class Cursor final : public sql::Cursor {
 public:
  // `stream`: the rows are fetched one at a time as Step() asks (PrepareScan), not all at once.
  Cursor(Connection* connection, std::string name, int parameter_count, bool stream = false);
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() override;

  void BindInt(int index, std::int64_t value) override;
  void BindDouble(int index, double value) override;
  void BindText(int index, std::string_view value) override;
  void BindNull(int index) override;
  void BindBlob(int index, std::string_view bytes) override;
  Result<bool> Step() override;
  // A column that does not hold the asked type reads as 0 / 0.0.
  bool IsNull(int column) const override;
  std::int64_t Int(int column) const override;
  double Double(int column) const override;
  std::string Text(int column) const override;
  // bytea's bytes (NUL bytes included); NULL reads as empty.
  std::string Blob(int column) const override;
  std::string ColumnName(int column) const override;
  void Reset() override;

 private:
  void NoteBindError(ErrorCode code, std::string message);
  bool CheckIndex(int index);
  const char* Value(int column) const;
  Status Execute();
  Result<bool> StepStream();
  // Reads and drops what is left of a streamed result, so the connection is free again.
  void Drain();

  Connection* connection_;
  std::string name_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;         // 0 text, 1 binary, 2 NULL, -1 unbound
  std::optional<Error> bind_error_;  // the first failed bind
  pg_result* result_ = nullptr;
  int row_ = -1;
  const bool stream_;
  bool streaming_ = false;  // a streamed query is in flight (its rows not all read)
  bool done_ = false;       // the streamed query ended: Step() answers false until Reset()
};

using sql::Statement;

// The fields of one COPY row, in the order of the columns given to CopyIn().
// Values are escaped for COPY's text format (\t, \n, \r and \\; NULL as \N).
class CopyRow {
 public:
  void AddInt(std::int64_t value);
  void AddDouble(double value);
  // UTF-8 text without NUL bytes.
  void AddText(std::string_view value);
  void AddBytes(std::string_view bytes);
  void AddNull();
  template <typename Tag>
  void AddId(Id<Tag> id) {
    if (id) {
      AddInt(id.value);
    } else {
      AddNull();
    }
  }

 private:
  friend class Connection;
  void Separate();
  std::string line_;
  int fields_ = 0;
  bool has_nul_ = false;
};

// Fills `row` with the next row and returns true, or returns false when there are no more.
// An error stops the COPY (nothing of it is kept) and is what CopyIn() returns.
using CopyProducer = std::function<Result<bool>(CopyRow& row)>;

// Owns a libpq connection. Sessions run with application_name=planwatch, client_encoding UTF8
// and TimeZone UTC. A connection whose server went away stays broken: every call then fails
// with unavailable, and the owner opens a new one.
// Thread-safety: none; a connection is used by one thread at a time.
class Connection final : public sql::Connection {
 public:
  // `url` is a libpq connection URI or keyword/value string, e.g.
  // "postgresql://planwatch:secret@db.example:5432/planwatch?sslmode=require".
  // invalid_argument when the URL is malformed; unavailable when the server does not answer or
  // refuses (the message names host, port and database, never the password).
  static Result<std::unique_ptr<Connection>> Open(std::string_view url);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() override;  // closes the connection; an open transaction is rolled back

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }

  // Runs constant SQL text: one or more statements without parameters (DDL, a migration
  // script). Never pass text that contains user input; use Prepare() and bind it.
  Status Exec(std::string_view sql) override;

  // The prepared statement for the constant SQL text `sql`, prepared once per connection and
  // cached. Parameters are $1, $2, ... or, as the shared SQL writes them, ?1, ?2, ... (outside
  // quotes, rewritten to $n). internal when it does not compile (the message has no SQL).
  Result<Statement> Prepare(std::string_view sql) override;
  // The rows arrive one at a time (libpq's single-row mode).
  Result<Statement> PrepareScan(std::string_view sql) override;

  // currval of the identity sequence of table.column: the value this session's last insert
  // into the table took.
  Result<std::int64_t> LastInsertId(std::string_view table, std::string_view column) override;
  // Rows inserted, updated, deleted or returned by the statement last executed.
  std::int64_t Changes() const override { return changes_; }

  // A transaction at `isolation`, ended by its Commit() or Rollback() or else rolled back when
  // it is destroyed. failed_precondition when a transaction is already open.
  class Transaction;
  Result<Transaction> Begin(Isolation isolation);
  // Whether a transaction is open (also when one of its statements failed).
  bool InTransaction() const override;

  // COPY `table` (`columns`) FROM STDIN in text format, with the rows `next` produces, until it
  // returns false. Returns the number of rows copied. invalid_argument when a table or column
  // name is not [a-z0-9_]+ or a row has the wrong number of fields; the errors of `next`; and
  // PostgresError for what the server refuses (the whole COPY is then undone).
  Result<std::int64_t> CopyIn(std::string_view table, std::span<const std::string_view> columns,
                              const CopyProducer& next);

  // LISTEN on `channel` ([a-z0-9_]+, else invalid_argument). Inside a transaction it takes
  // effect at commit.
  Status Listen(std::string_view channel);
  Status Unlisten(std::string_view channel);
  // pg_notify(channel, payload): delivered when the enclosing transaction commits, or at once
  // outside one. invalid_argument for a payload of 8000 bytes or more.
  Status Notify(std::string_view channel, std::string_view payload);
  // The notifications received so far, waiting up to `timeout` for the first when none has
  // arrived; empty after the timeout. Outside a transaction (notifications are delivered
  // between transactions). unavailable when the connection is lost.
  Result<std::vector<Notification>> WaitNotification(std::chrono::milliseconds timeout);

  // Session advisory lock `key`: true when taken (also when this session holds it already; each
  // take needs its own unlock), false when another session holds it. Never waits.
  Result<bool> TryAdvisoryLock(std::int64_t key);
  // Releases one take of the session lock `key`; false when this session did not hold it.
  Result<bool> AdvisoryUnlock(std::int64_t key);
  // Transaction advisory lock `key`, waiting for it; released when the transaction ends. Call
  // inside a transaction (outside one it is released at once).
  Status AdvisoryXactLock(std::int64_t key);

  // Whether the link to the server is lost (the connection is then of no further use).
  bool Broken() const;

  // The server's process id for this session (what Notification::sender_pid names).
  int BackendPid() const;

 private:
  friend class Cursor;
  explicit Connection(pg_conn* conn) : conn_(conn) {}

  // The Error of a failed command (`result` may be null).
  Error ErrorOf(const pg_result* result, std::string_view context) const;
  Result<bool> SingleBool(std::string_view sql, std::int64_t key);
  // The cursor cached under `key` for `sql`, prepared on first use.
  Result<Statement> PrepareCached(std::string key, std::string_view sql, bool stream);
  Status ExecTransactionControl(const char* sql);
  void CollectNotifications(std::vector<Notification>& out);

  pg_conn* conn_;
  // SQL text as given -> its cursor.
  std::unordered_map<std::string, std::unique_ptr<Cursor>> statements_;
  std::int64_t changes_ = 0;
};

class Connection::Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // rolls back when neither Commit() nor Rollback() was called

  // unavailable for a serialization failure or deadlock found at commit (retry the whole
  // transaction); failed_precondition when a statement of the transaction had failed (the
  // transaction is rolled back instead); failed_precondition when already ended.
  Status Commit();
  Status Rollback();

 private:
  friend class Connection;
  explicit Transaction(Connection* connection) : connection_(connection) {}
  Connection* connection_;  // null once ended
};

}  // namespace planwatch::postgres
