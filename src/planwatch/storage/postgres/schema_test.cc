#include "planwatch/storage/postgres/schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "planwatch/storage/postgres/test_cluster.h"
#include "planwatch/storage/sqlite/connection.h"
#include "planwatch/storage/sqlite/migrations.h"
#include "planwatch/storage/sqlite/schema_audit.h"

namespace planwatch::postgres {
namespace {

using test_support::PostgresTest;
using Columns = std::map<std::string, std::vector<std::string>>;

constexpr int kLatest = 17;

// Table -> column names in order, of a fresh SQLite store's schema.
Columns SqliteColumns(std::set<std::string>& indexes) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) /
                            ("pw-pg-schema-" + std::to_string(getpid()) + ".db"))
                               .string();
  std::filesystem::remove(path);
  Columns out;
  {
    EXPECT_TRUE(sqlite::RegisterAuditFunctions().has_value());
    auto connection = sqlite::Connection::Open(path, sqlite::ConnectionOptions{});
    EXPECT_TRUE(connection.has_value());
    if (!connection) return out;
    auto applied = sqlite::ApplyMigrations(**connection, sqlite::SchemaMigrations(), 0);
    EXPECT_EQ(applied.value_or(-1), kLatest);
    auto columns =
        (*connection)
            ->Prepare(
                "SELECT m.name, c.name FROM sqlite_schema m, pragma_table_info(m.name) c "
                "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid");
    EXPECT_TRUE(columns.has_value());
    while (columns && columns->Step().value_or(false)) {
      out[columns->Text(0)].push_back(columns->Text(1));
    }
    auto index_names =
        (*connection)
            ->Prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL");
    EXPECT_TRUE(index_names.has_value());
    while (index_names && index_names->Step().value_or(false)) {
      indexes.insert(index_names->Text(0));
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return out;
}

Columns PostgresColumns(Connection& connection, std::set<std::string>& indexes) {
  Columns out;
  auto columns = connection.Prepare(
      "SELECT table_name, column_name FROM information_schema.columns "
      "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position");
  EXPECT_TRUE(columns.has_value());
  while (columns && columns->Step().value_or(false)) {
    out[columns->Text(0)].push_back(columns->Text(1));
  }
  // Indexes made by CREATE INDEX, not those behind PRIMARY KEY and UNIQUE constraints.
  auto index_names = connection.Prepare(
      "SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = current_schema() "
      "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)");
  EXPECT_TRUE(index_names.has_value());
  while (index_names && index_names->Step().value_or(false)) {
    indexes.insert(index_names->Text(0));
  }
  return out;
}

Result<std::int64_t> Count(Connection& connection, const char* sql) {
  auto stmt = connection.Prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->Step();
  if (!row) return std::unexpected(row.error());
  return stmt->Int(0);
}

using PostgresSchemaTest = PostgresTest;

TEST_F(PostgresSchemaTest, MigrateCreatesEveryTableAndColumnOfTheSqliteSchema) {
  ASSERT_EQ(CurrentSchemaVersion(db()).value_or(-1), 0);
  auto migrated = Migrate(db());
  ASSERT_TRUE(migrated.has_value()) << migrated.error().ToString();
  EXPECT_EQ(*migrated, kLatest);
  EXPECT_EQ(CurrentSchemaVersion(db()).value_or(-1), kLatest);

  std::set<std::string> sqlite_indexes;
  std::set<std::string> postgres_indexes;
  const Columns expected = SqliteColumns(sqlite_indexes);
  const Columns actual = PostgresColumns(db(), postgres_indexes);
  ASSERT_GT(expected.size(), 40u);
  for (const auto& [table, columns] : expected) {
    auto found = actual.find(table);
    if (found == actual.end()) {
      ADD_FAILURE() << "table " << table << " is missing";
      continue;
    }
    EXPECT_EQ(found->second, columns) << "columns of " << table;
  }
  for (const auto& [table, columns] : actual) {
    EXPECT_TRUE(expected.contains(table)) << "table " << table << " is not in the SQLite schema";
  }
  EXPECT_EQ(postgres_indexes, sqlite_indexes);
}

TEST_F(PostgresSchemaTest, MigrateTwiceIsANoOp) {
  auto applied_at = [&]() -> std::string {
    auto stmt =
        db().Prepare("SELECT string_agg(applied_at, ',' ORDER BY version) FROM schema_migrations");
    if (!stmt.has_value() || !stmt->Step().value_or(false)) return "(no row)";
    return stmt->Text(0);
  };
  ASSERT_EQ(Migrate(db()).value_or(-1), kLatest);
  const std::string first = applied_at();
  EXPECT_EQ(Migrate(db()).value_or(-1), kLatest);
  EXPECT_EQ(applied_at(), first);
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM schema_migrations").value_or(-1), kLatest);
}

TEST_F(PostgresSchemaTest, ConcurrentMigrationsApplyEachVersionOnce) {
  auto first = Connect();
  auto second = Connect();
  ASSERT_TRUE(first && second);
  Result<int> a = 0;
  Result<int> b = 0;
  std::thread one([&] { a = Migrate(*first); });
  std::thread two([&] { b = Migrate(*second); });
  one.join();
  two.join();
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  ASSERT_TRUE(b.has_value()) << b.error().ToString();
  EXPECT_EQ(*a, kLatest);
  EXPECT_EQ(*b, kLatest);
  EXPECT_EQ(Count(db(), "SELECT count(DISTINCT version) FROM schema_migrations").value_or(-1),
            kLatest);
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM schema_migrations").value_or(-1), kLatest);
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM commit_serial").value_or(-1), 1);
}

TEST_F(PostgresSchemaTest, RefusesADatabaseOfSomethingElse) {
  ASSERT_TRUE(db().Exec("CREATE TABLE invoices (id bigint PRIMARY KEY)"));
  auto migrated = Migrate(db());
  ASSERT_FALSE(migrated.has_value());
  EXPECT_EQ(migrated.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(migrated.error().message.find("schema_migrations"), std::string::npos);
  EXPECT_FALSE(db().InTransaction());
}

TEST_F(PostgresSchemaTest, RefusesANewerSchema) {
  ASSERT_EQ(Migrate(db()).value_or(-1), kLatest);
  ASSERT_TRUE(db().Exec("INSERT INTO schema_migrations VALUES (18, 'later')"));
  auto migrated = Migrate(db());
  ASSERT_FALSE(migrated.has_value());
  EXPECT_EQ(migrated.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(migrated.error().message.find("version 17"), std::string::npos)
      << migrated.error().message;
}

class PostgresAuditSchemaTest : public PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (HasFatalFailure()) return;
    auto migrated = Migrate(db());
    ASSERT_TRUE(migrated.has_value()) << migrated.error().ToString();
  }

  struct Pending {
    std::string tbl, row_key, operation, subject_kind, subject_id, before, after;
  };
  std::vector<Pending> TakePending() {
    std::vector<Pending> out;
    auto stmt = db().Prepare(
        "SELECT tbl, row_key, operation, subject_kind, subject_id, before_digest, after_digest "
        "FROM audit_pending ORDER BY id");
    EXPECT_TRUE(stmt.has_value());
    while (stmt && stmt->Step().value_or(false)) {
      out.push_back({stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3), stmt->Text(4),
                     stmt->Text(5), stmt->Text(6)});
    }
    EXPECT_TRUE(db().Exec("DELETE FROM audit_pending"));
    return out;
  }
  std::string RowDigest(const char* sql) {
    auto stmt = db().Prepare(sql);
    if (!stmt || !stmt->Step().value_or(false)) return "?";
    return stmt->Text(0);
  }
};

TEST_F(PostgresAuditSchemaTest, EveryTableButTheBookkeepingAndCurrentValuesIsAudited) {
  auto stmt = db().Prepare(
      "SELECT t.tablename FROM pg_tables t WHERE t.schemaname = current_schema() AND NOT EXISTS "
      "(SELECT 1 FROM pg_trigger g WHERE g.tgrelid = t.tablename::regclass "
      "AND g.tgname = 'audit_' || t.tablename) ORDER BY 1");
  ASSERT_TRUE(stmt.has_value());
  std::vector<std::string> unaudited;
  while (stmt->Step().value_or(false)) unaudited.push_back(stmt->Text(0));
  const std::vector<std::string> expected = {
      "audit_checkpoints", "audit_events", "audit_pending",     "commit_log",
      "commit_serial",     "data_values",  "schema_migrations", "write_clock"};
  EXPECT_EQ(unaudited, expected);
  for (const std::string& table : unaudited) {
    EXPECT_TRUE(sqlite::IsAuditBookkeepingTable(table) ||
                sqlite::IsAuditedThroughItsVersions(table))
        << table;
  }
}

TEST_F(PostgresAuditSchemaTest, Version17DropsTheTriggerOfTheCurrentValues) {
  // A database at version 16 carries audit_data_values; migrating removes it and keeps the one
  // of data_value_versions.
  ASSERT_TRUE(db().Exec("DELETE FROM schema_migrations WHERE version = 17"));
  ASSERT_TRUE(db().Exec("SELECT pw_add_audit_triggers('data_values', 'indicator', "
                        "'indicator_id', ARRAY['indicator_id', 'unit_id', 'period'])"));
  const char kTriggers[] =
      "SELECT count(*) FROM pg_trigger WHERE tgname IN ('audit_data_values', "
      "'audit_data_value_versions')";
  ASSERT_EQ(Count(db(), kTriggers).value_or(-1), 2);
  EXPECT_EQ(Migrate(db()).value_or(-1), kLatest);
  EXPECT_EQ(Count(db(), kTriggers).value_or(-1), 1);
}

TEST_F(PostgresAuditSchemaTest, InsertUpdateDeleteRecordDigests) {
  ASSERT_TRUE(db().Exec(
      "INSERT INTO directives (id, number, kind, issuer, issued_on, title_vi, title_en, url) "
      "VALUES (7, '12/NQ-TW', 'resolution', 'Bộ Chính trị', '2024-03-01', 'Nghị quyết', "
      "'Resolution', '')"));
  const std::string inserted = RowDigest(
      "SELECT encode(sha256(convert_to(to_jsonb(d)::text, 'UTF8')), 'hex') FROM directives d");
  ASSERT_EQ(inserted.size(), 64u);
  ASSERT_TRUE(db().Exec("UPDATE directives SET title_en = 'Resolution 12' WHERE id = 7"));
  const std::string updated = RowDigest(
      "SELECT encode(sha256(convert_to(to_jsonb(d)::text, 'UTF8')), 'hex') FROM directives d");
  ASSERT_NE(updated, inserted);
  ASSERT_TRUE(db().Exec("DELETE FROM directives WHERE id = 7"));

  const std::vector<Pending> pending = TakePending();
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].tbl, "directives");
  EXPECT_EQ(pending[0].row_key, "7");
  EXPECT_EQ(pending[0].operation, "insert");
  EXPECT_EQ(pending[0].subject_kind, "directive");
  EXPECT_EQ(pending[0].subject_id, "7");
  EXPECT_EQ(pending[0].before, "");
  EXPECT_EQ(pending[0].after, inserted);
  EXPECT_EQ(pending[1].operation, "update");
  EXPECT_EQ(pending[1].before, inserted);
  EXPECT_EQ(pending[1].after, updated);
  EXPECT_EQ(pending[2].operation, "delete");
  EXPECT_EQ(pending[2].row_key, "7");
  EXPECT_EQ(pending[2].before, updated);
  EXPECT_EQ(pending[2].after, "");
}

TEST_F(PostgresAuditSchemaTest, SessionKeyIsHashedAndSubjectIsTheUser) {
  ASSERT_TRUE(db().Exec(
      "INSERT INTO users (id, login, display_name, role, password_hash, disabled, created_at) "
      "VALUES (3, 'lan', 'Nguyễn Thị Lan', 'viewer', 'x', 0, '2025-01-01T00:00:00.000Z');"
      "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) "
      "VALUES ('abc123', 3, 't', '2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z')"));
  const std::vector<Pending> pending = TakePending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].tbl, "users");
  EXPECT_EQ(pending[0].subject_kind, "user");
  EXPECT_EQ(pending[0].subject_id, "3");
  EXPECT_EQ(pending[1].tbl, "sessions");
  EXPECT_EQ(pending[1].subject_kind, "user");
  EXPECT_EQ(pending[1].subject_id, "3");
  // sha256("abc123")
  EXPECT_EQ(pending[1].row_key, "6ca13d52ca70c883e0f0bb101e425a89e8624de51db2d2392593af6a84118090");
}

TEST_F(PostgresAuditSchemaTest, AuditLogIsAppendOnly) {
  ASSERT_TRUE(db().Exec(
      "INSERT INTO audit_events VALUES (1, '2025-01-01T00:00:00.000Z', 'admin', '', 'put', "
      "'plans', '1', 'insert', 'plan', '1', '', 'aa', '', 'bb');"
      "INSERT INTO audit_checkpoints VALUES (1, 'bb', '2025-01-01T00:00:00.000Z', 'k', 's')"));
  for (const char* sql :
       {"UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events",
        "UPDATE audit_checkpoints SET head_hash = 'cc'", "DELETE FROM audit_checkpoints"}) {
    auto changed = db().Exec(sql);
    ASSERT_FALSE(changed.has_value()) << sql;
    EXPECT_EQ(changed.error().code, ErrorCode::kInternal) << sql;
    EXPECT_NE(changed.error().message.find("is append-only"), std::string::npos)
        << changed.error().message;
  }
  EXPECT_EQ(Count(db(), "SELECT count(*) FROM audit_events WHERE actor = 'admin'").value_or(-1), 1);
}

TEST_F(PostgresAuditSchemaTest, GuardsMatchTheSqliteSchema) {
  // A feedback address key of 32 random bytes, which never changes.
  EXPECT_EQ(Count(db(), "SELECT length(key) FROM feedback_address_key WHERE id = 1").value_or(-1),
            32);
  auto changed = db().Exec("UPDATE feedback_address_key SET key = key");
  ASSERT_FALSE(changed.has_value());
  EXPECT_NE(changed.error().message.find("the feedback address key does not change"),
            std::string::npos);
  // A duplicate target key (unit NULL counts as one value) conflicts, as in SQLite.
  ASSERT_TRUE(db().Exec(
      "INSERT INTO indicators (id, code, name_vi, name_en, unit_of_measure, indicator_class, "
      "value_type, unit_aggregation, factor, time_aggregation, direction, period_type, "
      "at_risk_threshold, data_source) VALUES (1, 'GDP', 'GRDP', 'GRDP', '%', 'outcome', "
      "'number', 'sum', 1, 'last', 'up', 'yearly', 0.9, '');"
      "INSERT INTO targets (indicator_id, unit_id, target_date, value, stored_at) "
      "VALUES (1, NULL, '2025-12-31', 7, '')"));
  auto duplicate = db().Exec(
      "INSERT INTO targets (indicator_id, unit_id, target_date, value, stored_at) "
      "VALUES (1, NULL, '2025-12-31', 8, '')");
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  EXPECT_NE(duplicate.error().message.find("targets_key"), std::string::npos);
  const std::vector<Pending> pending = TakePending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[1].tbl, "targets");
  EXPECT_EQ(pending[1].row_key, "1//2025-12-31");
  EXPECT_EQ(pending[1].subject_kind, "indicator");
  EXPECT_EQ(pending[1].subject_id, "1");
  // A review's figures cannot change once stored.
  ASSERT_TRUE(db().Exec(
      "INSERT INTO plans (id, code, title_vi, title_en) VALUES (1, 'P1', 'Kế hoạch', 'Plan');"
      "INSERT INTO reviews (id, plan_id, kind, title_vi, title_en, as_of, figures, created_by, "
      "created_at) VALUES (1, 1, 'annual', 'Sơ kết', 'Review', '2025-06-30', '{}', 'a', 'b')"));
  auto frozen = db().Exec("UPDATE reviews SET figures = '{\"x\":1}' WHERE id = 1");
  ASSERT_FALSE(frozen.has_value());
  EXPECT_NE(frozen.error().message.find("reviews are immutable once stored"), std::string::npos);
  EXPECT_TRUE(
      db().Exec("UPDATE reviews SET published = 1, published_at = 'c', "
                "published_by = 'd' WHERE id = 1"));
}

}  // namespace
}  // namespace planwatch::postgres
