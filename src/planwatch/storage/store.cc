#include "planwatch/storage/store.h"

#include "planwatch/storage/sqlite/sqlite_store.h"

namespace planwatch {

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  const std::string& location = options.location;
  if (location.starts_with("postgresql://") || location.starts_with("postgres://")) {
    // The location is not echoed: a connection URI may carry a password.
    return Fail(ErrorCode::kFailedPrecondition, "PostgreSQL engine is not available in this build");
  }
  SqliteOptions sqlite;
  sqlite.path = location;
  sqlite.create_if_missing = options.create_if_missing;
  return OpenSqliteStore(sqlite);
}

}  // namespace planwatch
