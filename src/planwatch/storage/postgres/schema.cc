#include "planwatch/storage/postgres/schema.h"

#include <array>
#include <string>
#include <type_traits>
#include <utility>

namespace planwatch::postgres {

extern const char kPgSchemaV1[];   // schema_model.cc
extern const char kPgSchemaV2[];   // schema_model.cc
extern const char kPgSchemaV3[];   // schema_model.cc
extern const char kPgSchemaV4[];   // schema_model.cc
extern const char kPgSchemaV5[];   // schema_model.cc
extern const char kPgSchemaV6[];   // schema_model.cc
extern const char kPgSchemaV7[];   // schema_features.cc
extern const char kPgSchemaV8[];   // schema_features.cc
extern const char kPgSchemaV9[];   // schema_features.cc
extern const char kPgSchemaV10[];  // schema_features.cc
extern const char kPgSchemaV11[];  // schema_features.cc
extern const char kPgSchemaV12[];  // schema_features.cc
extern const char kPgSchemaV13[];  // schema_features.cc
extern const char kPgSchemaV14[];  // schema_audit.cc
extern const char kPgSchemaV15[];  // schema_features.cc
extern const char kPgSchemaV16[];  // schema_features.cc
extern const char kPgSchemaV17[];  // schema_audit.cc

namespace {

constexpr std::array<Migration, 17> kMigrations = {{
    {1, "initial schema", kPgSchemaV1},
    {2, "as-of index on task versions", kPgSchemaV2},
    {3, "new lead unit of amend events", kPgSchemaV3},
    {4, "target history", kPgSchemaV4},
    {5, "soft deletes, accounts and evidence files", kPgSchemaV5},
    {6, "task comments", kPgSchemaV6},
    {7, "signing keys", kPgSchemaV7},
    {8, "periodic reports", kPgSchemaV8},
    {9, "urging, notifications and the delivery outbox", kPgSchemaV9},
    {10, "reviews", kPgSchemaV10},
    {11, "feedback", kPgSchemaV11},
    {12, "commit serial", kPgSchemaV12},
    {13, "publications", kPgSchemaV13},
    {14, "audit log", kPgSchemaV14},
    {15, "sign-in attempts and session activity", kPgSchemaV15},
    {16, "commit log", kPgSchemaV16},
    {17, "values audited once", kPgSchemaV17},
}};

constexpr char kHasMigrationsTable[] = "SELECT to_regclass('schema_migrations') IS NOT NULL";
constexpr char kCountTables[] =
    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()";
constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, applied_at text NOT NULL)";
constexpr char kMaxVersion[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
constexpr char kRecordVersion[] =
    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, "
    "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))";

template <typename T>
Result<T> Single(Connection& connection, const char* sql) {
  auto stmt = connection.Prepare(sql);
  if (!stmt) return std::unexpected(std::move(stmt).error());
  auto row = stmt->Step();
  if (!row) return std::unexpected(std::move(row).error());
  if (!*row) return Internal(std::string("no row from a schema query"));
  if constexpr (std::is_same_v<T, bool>) {
    return stmt->Bool(0);
  } else {
    return stmt->Int(0);
  }
}

// The body of Migrate's transaction; returns the version reached.
Result<int> MigrateLocked(Connection& connection) {
  if (auto locked = connection.AdvisoryXactLock(kMigrationLockKey); !locked) {
    return std::unexpected(std::move(locked).error());
  }
  auto has_table = Single<bool>(connection, kHasMigrationsTable);
  if (!has_table) return std::unexpected(std::move(has_table).error());
  if (!*has_table) {
    auto tables = Single<std::int64_t>(connection, kCountTables);
    if (!tables) return std::unexpected(std::move(tables).error());
    if (*tables > 0) {
      return Fail(ErrorCode::kFailedPrecondition, "not a planwatch database: its schema has " +
                                                      std::to_string(*tables) +
                                                      " tables but no schema_migrations");
    }
    if (auto made = connection.Exec(kCreateMigrationsTable); !made) {
      return std::unexpected(std::move(made).error());
    }
  }
  auto current = Single<std::int64_t>(connection, kMaxVersion);
  if (!current) return std::unexpected(std::move(current).error());
  const int latest = static_cast<int>(kMigrations.size());
  int version = static_cast<int>(*current);
  if (version > latest) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the database has schema version " + std::to_string(version) +
                    ", newer than version " + std::to_string(latest) + " known to this binary");
  }
  for (; version < latest; ++version) {
    const Migration& next = kMigrations[static_cast<std::size_t>(version)];
    if (auto applied = connection.Exec(next.sql); !applied) {
      const ErrorCode code = applied.error().code == ErrorCode::kUnavailable
                                 ? ErrorCode::kUnavailable
                                 : ErrorCode::kInternal;
      return Fail(code, "migration " + std::to_string(next.version) + " (" +
                            std::string(next.name) + ") failed: " + applied.error().message);
    }
    auto record = connection.Prepare(kRecordVersion);
    if (!record) return std::unexpected(std::move(record).error());
    record->BindInt(1, next.version);
    if (auto recorded = record->Run(); !recorded) {
      return std::unexpected(std::move(recorded).error());
    }
  }
  return latest;
}

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

Result<int> CurrentSchemaVersion(Connection& connection) {
  auto has_table = Single<bool>(connection, kHasMigrationsTable);
  if (!has_table) return std::unexpected(std::move(has_table).error());
  if (!*has_table) return 0;
  auto version = Single<std::int64_t>(connection, kMaxVersion);
  if (!version) return std::unexpected(std::move(version).error());
  return static_cast<int>(*version);
}

Result<int> Migrate(Connection& connection) {
  auto transaction = connection.Begin(Isolation::kReadCommitted);
  if (!transaction) return std::unexpected(std::move(transaction).error());
  auto version = MigrateLocked(connection);
  if (!version) return version;  // the transaction rolls back
  if (auto committed = transaction->Commit(); !committed) {
    return std::unexpected(std::move(committed).error());
  }
  return version;
}

}  // namespace planwatch::postgres
