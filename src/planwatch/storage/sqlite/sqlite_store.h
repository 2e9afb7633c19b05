// The SQLite engine of the Store (store.h): one database file in WAL mode.
//
// Connections: a small pool of connections to the file, each with journal_mode=WAL,
// synchronous=FULL (a committed transaction survives power loss) and foreign_keys=ON. Store
// reads take a pooled connection and read one consistent snapshot (WAL readers never block and
// are never blocked by the writer). Begin() takes a pooled connection of its own and runs
// BEGIN IMMEDIATE on it, so writers are serialised by SQLite's write lock. Within one process
// writers take their turns first come, first served, so a loop of short transactions cannot
// starve a request; a writer that waits longer than busy_timeout gets unavailable.
//
// Thread-safety: a SqliteStore may be shared by threads (the pool is guarded by a mutex and a
// connection is used by one thread at a time); each Transaction belongs to one thread. A
// Transaction may outlive its Store (it shares ownership of the pool).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "planwatch/base/error.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct SqliteOptions {
  // Path of the database file. The -wal and -shm files live beside it.
  std::string path;
  // false: not_found when the file does not exist.
  bool create_if_missing = true;
  // How long Begin() (or any statement) waits for another writer before unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // Milliseconds since the Unix epoch for stored_at; default (empty): the system clock.
  std::function<std::int64_t()> now_ms;
  // Connections kept open between uses; more are opened when threads need them.
  std::size_t max_idle_connections = 4;
};

// Opens the database file, creating it if allowed, and applies every missing migration.
// invalid_argument for an empty path or ":memory:" (the engine needs a file shared by several
// connections); not_found when the file does not exist and create_if_missing is false;
// failed_precondition when the file is not a SQLite database, is not a planwatch database, has
// a schema newer than this binary, or cannot use WAL; unavailable when it cannot be opened or
// stays locked.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace planwatch
