#include "planwatch/storage/copy.h"

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <utility>

#include "planwatch/storage/postgres/connection.h"
#include "planwatch/storage/sql/status_macros.h"
#include "planwatch/storage/sqlite/connection.h"
#include "planwatch/storage/store.h"

namespace planwatch {
namespace {

// Bookkeeping that a copy does not carry over: the schema versions (the target has its own)
// and the row changes waiting to be chained (none outside a transaction).
bool Skipped(std::string_view table) {
  return table == "schema_migrations" || table == "audit_pending";
}

Result<std::vector<std::string>> SqliteTables(sqlite::Connection& source) {
  // Creation order: a table comes after the tables its foreign keys name.
  PW_SQL_ASSIGN(auto stmt, source.Prepare("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                          "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"));
  std::vector<std::string> tables;
  while (true) {
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return tables;
    std::string name = stmt.Text(0);
    if (!Skipped(name)) tables.push_back(std::move(name));
  }
}

Result<std::vector<std::string>> PostgresColumns(postgres::Connection& target,
                                                 const std::string& table) {
  PW_SQL_ASSIGN(auto stmt, target.Prepare("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_schema = 'public' AND table_name = ?1 "
                                          "ORDER BY ordinal_position"));
  stmt.BindText(1, table);
  std::vector<std::string> columns;
  while (true) {
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) break;
    columns.push_back(stmt.Text(0));
  }
  if (columns.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "table " + table + " is not in the PostgreSQL schema");
  }
  return columns;
}

Status RequireEmpty(postgres::Connection& target) {
  for (const char* table : {"org_units", "users", "data_value_versions", "audit_events"}) {
    PW_SQL_ASSIGN(auto stmt, target.Prepare(std::string("SELECT count(*) FROM ") + table));
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (row && stmt.Int(0) > 0) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "the PostgreSQL database already holds data (" + std::string(table) +
                      "): migrate copies into an empty planwatch database");
    }
  }
  return {};
}

// COPY of one table, every value with the type SQLite stored it with.
Result<std::int64_t> CopyTable(sqlite::Connection& source, postgres::Connection& target,
                               const std::string& table, const std::vector<std::string>& columns) {
  std::string select = "SELECT ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    select += (i ? ", \"" : "\"") + columns[i] + "\"";
  }
  select += " FROM \"" + table + "\"";
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(source.handle(), select.c_str(), -1, &raw, nullptr);
  sqlite::Cursor cursor(source.handle(), raw);  // finalizes it
  if (rc != SQLITE_OK) {
    return std::unexpected(sqlite::SqliteError(source.handle(), rc, "reading " + table));
  }
  std::vector<std::string_view> names(columns.begin(), columns.end());
  return target.CopyIn(table, names, [&](postgres::CopyRow& row) -> Result<bool> {
    const int step = sqlite3_step(raw);
    if (step == SQLITE_DONE) return false;
    if (step != SQLITE_ROW) {
      return std::unexpected(sqlite::SqliteError(source.handle(), step, "reading " + table));
    }
    for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
      switch (sqlite3_column_type(raw, c)) {
        case SQLITE_NULL:
          row.AddNull();
          break;
        case SQLITE_INTEGER:
          row.AddInt(sqlite3_column_int64(raw, c));
          break;
        case SQLITE_FLOAT:
          row.AddDouble(sqlite3_column_double(raw, c));
          break;
        case SQLITE_BLOB: {
          const void* bytes = sqlite3_column_blob(raw, c);
          row.AddBytes(bytes == nullptr ? std::string_view()
                                        : std::string_view(static_cast<const char*>(bytes),
                                                           static_cast<std::size_t>(
                                                               sqlite3_column_bytes(raw, c))));
          break;
        }
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
          row.AddText(
              std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(raw, c))));
        }
      }
    }
    return true;
  });
}

// Moves every identity sequence of `table` past its largest value.
Status AdvanceSequences(postgres::Connection& target, const std::string& table) {
  PW_SQL_ASSIGN(auto stmt, target.Prepare("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_schema = 'public' AND table_name = ?1 "
                                          "AND is_identity = 'YES'"));
  stmt.BindText(1, table);
  std::vector<std::string> identities;
  while (true) {
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) break;
    identities.push_back(stmt.Text(0));
  }
  for (const std::string& column : identities) {
    PW_SQL_TRY(target.Exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" + column +
                           "'), coalesce(max(" + column + "), 0) + 1, false) FROM " + table));
  }
  return {};
}

}  // namespace

Result<std::vector<CopiedTable>> CopySqliteToPostgres(const std::string& from, std::string_view to,
                                                      const CopyProgress& progress) {
  if (IsPostgresLocation(from)) {
    return InvalidArgument("--from names a SQLite file, not " + DisplayLocation(from));
  }
  if (!IsPostgresLocation(to)) {
    return InvalidArgument("--to names a PostgreSQL database (postgresql://...)");
  }
  // Both at the latest schema version: opening a store migrates it.
  {
    PW_SQL_ASSIGN(auto source, Store::Open(StoreOptions{from, false}));
    PW_SQL_ASSIGN(auto target, Store::Open(StoreOptions{std::string(to), false}));
  }
  PW_SQL_ASSIGN(auto source, sqlite::Connection::Open(from, sqlite::ConnectionOptions{false}));
  PW_SQL_ASSIGN(auto target, postgres::Connection::Open(to));
  PW_SQL_TRY(source->Exec("BEGIN"));  // one snapshot of the file
  PW_SQL_ASSIGN(auto transaction, target->Begin(postgres::Isolation::kSerializable));
  PW_SQL_TRY(RequireEmpty(*target));
  PW_SQL_TRY(target->Exec("SAVEPOINT replica"));
  const bool replica = target->Exec("SET LOCAL session_replication_role = replica").has_value();
  PW_SQL_TRY(target->Exec(replica ? "RELEASE replica" : "ROLLBACK TO replica"));

  PW_SQL_ASSIGN(auto tables, SqliteTables(*source));
  std::vector<CopiedTable> copied;
  for (const std::string& table : tables) {
    PW_SQL_ASSIGN(auto columns, PostgresColumns(*target, table));
    // The single-row tables (commit_serial, write_clock) and anything a migration seeded.
    PW_SQL_TRY(target->Exec("DELETE FROM " + table));
    PW_SQL_ASSIGN(std::int64_t rows, CopyTable(*source, *target, table, columns));
    PW_SQL_TRY(AdvanceSequences(*target, table));
    copied.push_back({table, rows});
    if (progress) progress(copied.back());
  }
  PW_SQL_TRY(target->Exec("DELETE FROM audit_pending"));
  PW_SQL_TRY(transaction.Commit());
  (void)source->Exec("COMMIT");
  // Planner statistics of what was just loaded: until autovacuum gets to a table filled in one
  // transaction it has none, and a range read such as another node's catch-up of new values
  // (sequence > n) is then planned as a scan of the whole table (3 s a read, national scale).
  PW_SQL_TRY(target->Exec("ANALYZE"));
  return copied;
}

}  // namespace planwatch
