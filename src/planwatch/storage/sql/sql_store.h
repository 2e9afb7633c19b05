// The Store (store.h) both engines share: every read and write is a function of storage/sql on
// a connection that an Engine provides. An engine supplies connections, the way a read sees one
// snapshot and the way a writer takes the database's write turn; the store does the rest
// (savepoints per Put, the audit chain, the commit serial, the commit observer).
//
// Writers take turns: first in this process (first come, first served), then in the database
// (SQLite's write lock, PostgreSQL's transaction advisory lock), so a write transaction reads,
// checks and writes with no other writer between. Internal to storage.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "planwatch/base/error.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/store.h"

namespace planwatch::sql {

// What an engine provides. Thread-safe.
class Engine {
 public:
  virtual ~Engine() = default;

  // A connection to the database, from a pool or newly opened.
  virtual Result<std::unique_ptr<Connection>> Acquire() = 0;
  // Takes a connection back: kept for reuse, or closed (when broken or enough are idle).
  virtual void Release(std::unique_ptr<Connection> connection) = 0;
  // Opens a transaction whose reads all see one snapshot.
  virtual Status BeginRead(Connection& connection) = 0;
  // Opens a write transaction holding the database's write turn (waiting for it).
  virtual Status BeginWrite(Connection& connection) = 0;
  // Called inside a write transaction, just before COMMIT, when it changed what
  // CommittedChanges keeps and took commit serial `serial`: tells other processes.
  virtual Status AnnounceCommit(Connection& connection, std::int64_t serial) = 0;
  // Store::WatchCommits.
  virtual Result<std::unique_ptr<CommitWatch>> WatchCommits() = 0;
};

struct SqlStoreOptions {
  // Milliseconds since the Unix epoch for the stamps; empty: the system clock.
  std::function<std::int64_t()> now_ms;
  // The schema version the engine migrated the database to.
  int schema_version = 0;
  // How long Begin() waits for this process's earlier writers before unavailable.
  std::chrono::milliseconds busy_timeout{5000};
};

std::unique_ptr<Store> MakeSqlStore(std::shared_ptr<Engine> engine, SqlStoreOptions options);

}  // namespace planwatch::sql
