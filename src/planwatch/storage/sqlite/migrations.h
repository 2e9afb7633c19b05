// Versioned schema migrations of the SQLite engine. Internal to storage/sqlite.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/storage/sqlite/connection.h"

namespace planwatch::sqlite {

struct Migration {
  int version;            // 1, 2, 3, … with no gaps
  std::string_view name;  // what it does, for error messages
  const char* sql;        // constant DDL, run as one script
};

// Every schema version of this binary, oldest first. A released entry is never edited: a
// schema change is a new entry.
std::span<const Migration> SchemaMigrations();

// Brings the database on `connection` (which must not be in a transaction) up to the last
// version of `migrations`, applying each missing one in order in its own IMMEDIATE transaction
// together with its schema_migrations row (version, applied_at = `now_ms` as an instant).
// Returns the schema version afterwards.
// failed_precondition when the database already has a version newer than the last migration
// (written by a newer binary) or holds tables but no schema_migrations (not a planwatch
// database); internal when `migrations` is not 1, 2, 3, … or a migration's SQL fails (that
// migration is rolled back; earlier ones stay applied); unavailable when the database is busy.
Result<int> ApplyMigrations(Connection& connection, std::span<const Migration> migrations,
                            std::int64_t now_ms);

// The highest version recorded in schema_migrations; 0 when the table is empty or missing.
Result<int> CurrentSchemaVersion(Connection& connection);

}  // namespace planwatch::sqlite
