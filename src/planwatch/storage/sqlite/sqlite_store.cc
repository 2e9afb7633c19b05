#include "planwatch/storage/sqlite/sqlite_store.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "planwatch/storage/sql/sql_store.h"
#include "planwatch/storage/sql/status_macros.h"
#include "planwatch/storage/sql/timestamp.h"
#include "planwatch/storage/sqlite/connection.h"
#include "planwatch/storage/sqlite/migrations.h"
#include "planwatch/storage/sqlite/schema_audit.h"

namespace planwatch {
namespace {

using sqlite::Connection;
using sqlite::ConnectionOptions;

// The SQLite side of the shared store: a pool of connections to one file; writers begin with
// BEGIN IMMEDIATE (SQLite's busy handler waits for another process's writer). Thread-safe.
// Sleeps out each wait and answers "maybe": the caller reads the commit serial.
class SleepingWatch final : public CommitWatch {
 public:
  Result<bool> Wait(std::chrono::milliseconds timeout) override {
    std::this_thread::sleep_for(timeout);
    return true;
  }
};

class SqliteEngine final : public sql::Engine {
 public:
  SqliteEngine(std::string path, ConnectionOptions options, std::size_t max_idle)
      : path_(std::move(path)), options_(options), max_idle_(max_idle) {}

  Result<std::unique_ptr<sql::Connection>> Acquire() override {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<sql::Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
    }
    PW_SQL_ASSIGN(auto opened, Connection::Open(path_, options_));
    return std::unique_ptr<sql::Connection>(std::move(opened));
  }

  // Keeps `connection` for reuse unless enough are idle or it is still in a transaction.
  void Release(std::unique_ptr<sql::Connection> connection) override {
    if (connection->InTransaction()) return;
    std::lock_guard lock(mu_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
  }

  Status BeginRead(sql::Connection& connection) override { return connection.Run("BEGIN"); }
  Status BeginWrite(sql::Connection& connection) override {
    return connection.Run("BEGIN IMMEDIATE");
  }
  // SQLite has no channel between processes: the observer of the Store that committed is all
  // there is to tell, and other processes poll the commit serial (SleepingWatch).
  Status AnnounceCommit(sql::Connection& /*connection*/, std::int64_t /*serial*/) override {
    return {};
  }
  Result<std::unique_ptr<CommitWatch>> WatchCommits() override {
    return std::make_unique<SleepingWatch>();
  }

 private:
  const std::string path_;
  const ConnectionOptions options_;
  const std::size_t max_idle_;

  std::mutex mu_;
  std::vector<std::unique_ptr<sql::Connection>> idle_;  // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.path.empty()) return InvalidArgument("the database path is empty");
  if (options.path == ":memory:") {
    return InvalidArgument(
        "':memory:' cannot hold a planwatch database: the SQLite engine needs a file");
  }
  if (!options.create_if_missing) {
    std::error_code ec;
    if (!std::filesystem::exists(options.path, ec)) {
      return NotFound("database '" + options.path + "' does not exist");
    }
  }
  // Before the first connection: the audit triggers call these functions on every one.
  PW_SQL_TRY(sqlite::RegisterAuditFunctions());
  std::function<std::int64_t()> now_ms = options.now_ms ? options.now_ms : sql::SystemNowMs;
  ConnectionOptions connection_options;
  connection_options.busy_timeout = options.busy_timeout;
  connection_options.create = options.create_if_missing;
  PW_SQL_ASSIGN(auto first, Connection::Open(options.path, connection_options));
  PW_SQL_ASSIGN(int version, sqlite::ApplyMigrations(*first, sqlite::SchemaMigrations(), now_ms()));
  // The file exists from here on; a pool connection never creates an empty one.
  connection_options.create = false;
  auto engine = std::make_shared<SqliteEngine>(options.path, connection_options,
                                               options.max_idle_connections);
  engine->Release(std::move(first));
  return sql::MakeSqlStore(std::move(engine), {std::move(now_ms), version, options.busy_timeout});
}

}  // namespace planwatch
