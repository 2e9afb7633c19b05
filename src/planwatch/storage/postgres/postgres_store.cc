#include "planwatch/storage/postgres/postgres_store.h"

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "planwatch/storage/postgres/connection.h"
#include "planwatch/storage/postgres/schema.h"
#include "planwatch/storage/sql/sql_store.h"
#include "planwatch/storage/sql/status_macros.h"

namespace planwatch {
namespace {

using postgres::Connection;

// LISTEN on the commit channel, on a connection of its own.
class ListeningWatch final : public CommitWatch {
 public:
  explicit ListeningWatch(std::unique_ptr<Connection> connection)
      : connection_(std::move(connection)) {}
  Result<bool> Wait(std::chrono::milliseconds timeout) override {
    PW_SQL_ASSIGN(auto notifications, connection_->WaitNotification(timeout));
    return !notifications.empty();
  }

 private:
  std::unique_ptr<Connection> connection_;
};

// The PostgreSQL side of the shared store: a pool of connections to one database. Thread-safe.
class PostgresEngine final : public sql::Engine {
 public:
  PostgresEngine(std::string url, std::chrono::milliseconds busy_timeout, std::size_t max_idle)
      : url_(std::move(url)), busy_timeout_(busy_timeout), max_idle_(max_idle) {}

  Result<std::unique_ptr<sql::Connection>> Acquire() override {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return std::unique_ptr<sql::Connection>(std::move(connection));
      }
    }
    PW_SQL_ASSIGN(auto opened, Connection::Open(url_));
    return std::unique_ptr<sql::Connection>(std::move(opened));
  }

  // Keeps the connection unless it is broken, still in a transaction or enough are idle.
  void Release(std::unique_ptr<sql::Connection> connection) override {
    auto* postgres = dynamic_cast<Connection*>(connection.get());
    if (postgres == nullptr || postgres->InTransaction() || postgres->Broken()) return;
    std::lock_guard lock(mu_);
    if (idle_.size() < max_idle_) {
      connection.release();
      idle_.emplace_back(postgres);
    }
  }

  Status BeginRead(sql::Connection& connection) override {
    return connection.Run("BEGIN ISOLATION LEVEL REPEATABLE READ");
  }

  Status BeginWrite(sql::Connection& connection) override {
    PW_SQL_TRY(connection.Run("BEGIN ISOLATION LEVEL READ COMMITTED"));
    // The wait for the turn is bounded; SET LOCAL ends with the transaction.
    PW_SQL_TRY(
        connection.Exec("SET LOCAL lock_timeout = " + std::to_string(busy_timeout_.count())));
    PW_SQL_ASSIGN(auto lock, connection.Prepare("SELECT pg_advisory_xact_lock(?1)"));
    lock.BindInt(1, kWriteLockKey);
    if (Status taken = lock.Run(); !taken) {
      Error error = std::move(taken).error();
      if (error.code == ErrorCode::kUnavailable) {
        error.message = "database is locked: other writers held it for longer than " +
                        std::to_string(busy_timeout_.count()) + " ms (" + error.message + ")";
      }
      return std::unexpected(std::move(error));
    }
    return connection.Exec("SET LOCAL lock_timeout = 0");
  }

  Status AnnounceCommit(sql::Connection& connection, std::int64_t serial) override {
    PW_SQL_ASSIGN(auto notify, connection.Prepare("SELECT pg_notify(?1, ?2)"));
    notify.BindText(1, kCommitChannel);
    notify.BindText(2, std::to_string(serial));
    return notify.Run();
  }

  Result<std::unique_ptr<CommitWatch>> WatchCommits() override {
    PW_SQL_ASSIGN(auto connection, Connection::Open(url_));
    PW_SQL_TRY(connection->Listen(kCommitChannel));
    return std::unique_ptr<CommitWatch>(std::make_unique<ListeningWatch>(std::move(connection)));
  }

  // The first connection, which migrated the database, joins the pool.
  void Keep(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(connection));
  }

 private:
  const std::string url_;
  const std::chrono::milliseconds busy_timeout_;
  const std::size_t max_idle_;

  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

Status RequireBytewiseCollation(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare("SELECT datcollate FROM pg_database "
                                              "WHERE datname = current_database()"));
  PW_SQL_ASSIGN(bool row, stmt.Step());
  const std::string collate = row ? stmt.Text(0) : "";
  if (collate != "C" && collate != "POSIX") {
    return Fail(ErrorCode::kFailedPrecondition,
                "the database sorts text by the collation '" + collate +
                    "'; planwatch needs bytewise order: create it with LC_COLLATE 'C' "
                    "TEMPLATE template0");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  PW_SQL_ASSIGN(auto first, Connection::Open(options.url));
  PW_SQL_TRY(RequireBytewiseCollation(*first));
  PW_SQL_ASSIGN(int version, postgres::Migrate(*first));
  auto engine = std::make_shared<PostgresEngine>(options.url, options.busy_timeout,
                                                 options.max_idle_connections);
  engine->Keep(std::move(first));
  return sql::MakeSqlStore(std::move(engine), {options.now_ms, version, options.busy_timeout});
}

}  // namespace planwatch
