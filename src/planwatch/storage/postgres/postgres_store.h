// The PostgreSQL engine of the Store (store.h): the shared store of storage/sql on libpq
// connections to one database, for deployments of several planwatch nodes.
//
// Connections: a small pool, each with application_name planwatch, UTF8 and TimeZone UTC. A
// read runs in a REPEATABLE READ transaction, so every statement of one Store read sees one
// snapshot. Begin() opens a READ COMMITTED transaction and takes the transaction advisory lock
// kWriteLockKey: writers of every node take turns, as SQLite's write lock makes them, so a
// use case reads, checks and writes with no other writer between, and the stamps and the audit
// chain stay in commit order. A writer that waits longer than busy_timeout for it gets
// unavailable. Each commit that changes what CommittedChanges keeps sends NOTIFY on
// kCommitChannel with its commit serial as the payload (delivered at commit), so other nodes
// know to catch up.
//
// The database must sort text bytewise (LC_COLLATE C, as `initdb --no-locale` or
// `CREATE DATABASE ... LC_COLLATE 'C' TEMPLATE template0` make it): codes and instants are
// ordered as text, as in SQLite. Opening refuses another collation.
//
// Thread-safety: as store.h.
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

struct PostgresOptions {
  // A libpq connection URI, postgresql://user:password@host:port/database?sslmode=...
  std::string url;
  // How long Begin() waits for the write turn before unavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // Milliseconds since the Unix epoch for stored_at; default (empty): the system clock.
  std::function<std::int64_t()> now_ms;
  // Connections kept open between uses; more are opened when threads need them.
  std::size_t max_idle_connections = 4;
};

// The advisory lock a write transaction holds ("planwrit").
inline constexpr std::int64_t kWriteLockKey = 0x706c616e77726974;
// The NOTIFY channel of commits; the payload is the commit serial in decimal.
inline constexpr char kCommitChannel[] = "planwatch_commits";

// Connects, checks the collation and applies every missing migration (postgres/schema.h).
// invalid_argument for a malformed URL; unavailable when the server does not answer;
// failed_precondition when the database is not a planwatch database, is newer than this
// binary, or does not sort text bytewise.
Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

}  // namespace planwatch
