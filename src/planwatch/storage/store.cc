#include "planwatch/storage/store.h"

#include "planwatch/storage/postgres/postgres_store.h"
#include "planwatch/storage/sqlite/sqlite_store.h"

namespace planwatch {

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  const std::string& location = options.location;
  if (location.starts_with("postgresql://") || location.starts_with("postgres://")) {
    PostgresOptions postgres;
    postgres.url = location;
    return OpenPostgresStore(postgres);
  }
  SqliteOptions sqlite;
  sqlite.path = location;
  sqlite.create_if_missing = options.create_if_missing;
  return OpenSqliteStore(sqlite);
}

}  // namespace planwatch
