#include "planwatch/storage/store.h"

#include "planwatch/storage/postgres/postgres_store.h"
#include "planwatch/storage/sqlite/sqlite_store.h"

namespace planwatch {

bool IsPostgresLocation(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string DisplayLocation(std::string_view location) {
  std::string shown(location);
  if (!IsPostgresLocation(location)) return shown;
  // user:password@host -> user@host
  const std::size_t start = shown.find("://") + 3;
  const std::size_t slash = shown.find('/', start);
  const std::size_t at = shown.rfind('@', slash);
  if (at != std::string::npos && at >= start) {
    const std::size_t colon = shown.find(':', start);
    if (colon != std::string::npos && colon < at) shown.erase(colon, at - colon);
  }
  // ...?password=secret&... -> ...?password=***&...
  for (std::size_t pos = shown.find("password="); pos != std::string::npos;
       pos = shown.find("password=", pos + 1)) {
    const std::size_t value = pos + 9;
    const std::size_t end = shown.find('&', value);
    shown.replace(value, (end == std::string::npos ? shown.size() : end) - value, "***");
  }
  return shown;
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  const std::string& location = options.location;
  if (IsPostgresLocation(location)) {
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
