#include "planwatch/storage/sqlite/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "planwatch/storage/sql/timestamp.h"
#include "planwatch/storage/sqlite/connection.h"
#include "planwatch/storage/sqlite/migrations.h"
#include "planwatch/storage/sqlite/statement.h"

namespace planwatch::sqlite {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

MATCHER_P2(FailsWith, code, substring,
           std::string("fails with ") + std::string(ErrorCodeName(code)) + " mentioning \"" +
               std::string(substring) + "\"") {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << arg.error().ToString();
  return arg.error().code == code &&
         arg.error().message.find(std::string(substring)) != std::string::npos;
}

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

// 2025-06-20T08:15:00.123Z
constexpr std::int64_t kJune20 = 1'750'407'300'123;

// A database path unique to the test, removed with its -wal and -shm files.
class TempDb {
 public:
  TempDb() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("planwatch-sqlite-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
              ".db"))
                .string();
  }
  ~TempDb() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A plain SQLite handle for looking at the file from outside the engine.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }

  int Exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }

  // Every row of `sql` with its columns joined by '|'.
  std::vector<std::string> Rows(const char* sql) {
    std::vector<std::string> rows;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        if (i > 0) row += '|';
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row += text != nullptr ? text : "NULL";
      }
      rows.push_back(row);
    }
    sqlite3_finalize(stmt);
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

SqliteOptions Options(const TempDb& db, std::int64_t now_ms = kJune20) {
  SqliteOptions options;
  options.path = db.path();
  options.now_ms = [now_ms] { return now_ms; };
  return options;
}

OrgUnit Unit(std::string code) {
  OrgUnit unit;
  unit.code = std::move(code);
  unit.name_vi = "Đơn vị";
  return unit;
}

// ---- connections ----

TEST(ConnectionTest, EveryConnectionUsesWalFullSyncAndForeignKeys) {
  TempDb db;
  auto connection = Must(Connection::Open(db.path(), ConnectionOptions{}));
  auto pragma = [&](const char* sql) {
    auto stmt = Must(connection->Prepare(sql));
    EXPECT_TRUE(Must(stmt.Step()));
    return stmt.Text(0);
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(pragma("PRAGMA foreign_keys"), "1");
  EXPECT_EQ(pragma("PRAGMA busy_timeout"), "5000");
}

TEST(ConnectionTest, ForeignKeyViolationMapsToInvalidArgument) {
  TempDb db;
  auto connection = Must(Connection::Open(db.path(), ConnectionOptions{}));
  MustOk(
      connection->Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                       "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id));"));
  auto insert = Must(connection->Prepare("INSERT INTO child (parent_id) VALUES (?1)"));
  insert.BindInt(1, 42);
  EXPECT_THAT(insert.Run(), FailsWith(ErrorCode::kInvalidArgument, "FOREIGN KEY"));
}

TEST(ConnectionTest, BadSqlIsInternalWithSqliteMessage) {
  TempDb db;
  auto connection = Must(Connection::Open(db.path(), ConnectionOptions{}));
  EXPECT_THAT(connection->Prepare("SELEC 1"), FailsWith(ErrorCode::kInternal, "syntax error"));
  EXPECT_THAT(connection->Exec("SELECT * FROM missing_table"),
              FailsWith(ErrorCode::kInternal, "no such table: missing_table"));
}

TEST(ConnectionTest, ErrorCodesMapToCanonicalCodes) {
  EXPECT_EQ(SqliteError(nullptr, SQLITE_BUSY, "x").code, ErrorCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_LOCKED, "x").code, ErrorCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_IOERR_FSYNC, "x").code, ErrorCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_FULL, "x").code, ErrorCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_NOTADB, "x").code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT_UNIQUE, "x").code, ErrorCode::kConflict);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT_FOREIGNKEY, "x").code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CONSTRAINT_NOTNULL, "x").code, ErrorCode::kInternal);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_CORRUPT, "x").code, ErrorCode::kInternal);
  const Error error = SqliteError(nullptr, SQLITE_BUSY, "committing");
  EXPECT_THAT(error.message, HasSubstr("committing"));
  EXPECT_THAT(error.message, HasSubstr("database is locked"));
}

// ---- opening ----

TEST(SqliteStoreOpenTest, NewFileIsWalAndMigratedToTheLatestVersion) {
  TempDb db;
  auto store = Must(OpenSqliteStore(Options(db)));
  const int latest = static_cast<int>(SchemaMigrations().size());
  EXPECT_EQ(store->SchemaVersion(), latest);
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("PRAGMA journal_mode"), ElementsAre("wal"));
  std::vector<std::string> expected;
  for (int v = 1; v <= latest; ++v)
    expected.push_back(std::to_string(v) + "|2025-06-20T08:15:00.123Z");
  EXPECT_EQ(raw.Rows("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
            expected);
}

TEST(SqliteStoreOpenTest, ReopeningDoesNotReapplyMigrations) {
  TempDb db;
  Must(OpenSqliteStore(Options(db, kJune20)));
  auto store = Must(OpenSqliteStore(Options(db, kJune20 + 86'400'000)));
  EXPECT_EQ(store->SchemaVersion(), static_cast<int>(SchemaMigrations().size()));
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT DISTINCT applied_at FROM schema_migrations"),
              ElementsAre("2025-06-20T08:15:00.123Z"));
}

TEST(SqliteStoreOpenTest, NewerSchemaIsFailedPrecondition) {
  TempDb db;
  Must(OpenSqliteStore(Options(db)));
  {
    RawDb raw(db.path());
    ASSERT_EQ(raw.Exec("INSERT INTO schema_migrations VALUES (999, '2030-01-01T00:00:00.000Z')"),
              SQLITE_OK);
  }
  EXPECT_THAT(OpenSqliteStore(Options(db)),
              FailsWith(ErrorCode::kFailedPrecondition, "schema version 999, newer"));
}

TEST(SqliteStoreOpenTest, ForeignDatabaseIsFailedPrecondition) {
  TempDb db;
  {
    RawDb raw(db.path());
    ASSERT_EQ(raw.Exec("CREATE TABLE customers (id INTEGER)"), SQLITE_OK);
  }
  EXPECT_THAT(OpenSqliteStore(Options(db)),
              FailsWith(ErrorCode::kFailedPrecondition, "not a planwatch database"));
}

TEST(SqliteStoreOpenTest, NonSqliteFileIsFailedPrecondition) {
  TempDb db;
  {
    std::ofstream out(db.path(), std::ios::binary);
    for (int i = 0; i < 200; ++i) out << "this is a text file, not a database\n";
  }
  EXPECT_THAT(OpenSqliteStore(Options(db)),
              FailsWith(ErrorCode::kFailedPrecondition, "not a database"));
}

TEST(SqliteStoreOpenTest, MissingFileWithoutCreateIsNotFoundAndNotCreated) {
  TempDb db;
  SqliteOptions options = Options(db);
  options.create_if_missing = false;
  EXPECT_THAT(OpenSqliteStore(options), FailsWith(ErrorCode::kNotFound, db.path()));
  EXPECT_FALSE(std::filesystem::exists(db.path()));
}

TEST(SqliteStoreOpenTest, UnusableLocationsAreInvalid) {
  SqliteOptions options;
  EXPECT_THAT(OpenSqliteStore(options), FailsWith(ErrorCode::kInvalidArgument, "empty"));
  options.path = ":memory:";
  EXPECT_THAT(OpenSqliteStore(options), FailsWith(ErrorCode::kInvalidArgument, ":memory:"));
  options.path = "/nonexistent-dir-planwatch/sub/db.sqlite";
  EXPECT_THAT(OpenSqliteStore(options), FailsWith(ErrorCode::kUnavailable, "unable to open"));
}

TEST(StoreOpenTest, PostgresqlLocationOpensThePostgresEngineWithoutEchoingThePassword) {
  StoreOptions options;
  // Nothing listens on port 1: the PostgreSQL engine tries and says where.
  options.location = "postgresql://planwatch:s3cret@127.0.0.1:1/planwatch";
  auto store = Store::Open(options);
  EXPECT_THAT(store, FailsWith(ErrorCode::kUnavailable,
                               "cannot connect to PostgreSQL at host 127.0.0.1 port 1"));
  EXPECT_THAT(store.error().message, Not(HasSubstr("s3cret")));
}

TEST(StoreOpenTest, FilePathOpensTheSqliteEngine) {
  TempDb db;
  StoreOptions options;
  options.location = db.path();
  auto store = Must(Store::Open(options));
  EXPECT_EQ(store->SchemaVersion(), static_cast<int>(SchemaMigrations().size()));
  EXPECT_TRUE(std::filesystem::exists(db.path()));
}

// ---- migrations ----

constexpr std::array<Migration, 2> kTwoSteps = {{
    {1, "create a", "CREATE TABLE a (x INTEGER);"},
    {2, "create b", "CREATE TABLE b (y INTEGER);"},
}};

TEST(MigrationsTest, AppliesMissingVersionsInOrderEachRecorded) {
  TempDb db;
  auto connection = Must(Connection::Open(db.path(), ConnectionOptions{}));
  EXPECT_EQ(Must(ApplyMigrations(*connection, std::span(kTwoSteps).first(1), kJune20)), 1);
  EXPECT_EQ(Must(CurrentSchemaVersion(*connection)), 1);
  EXPECT_EQ(Must(ApplyMigrations(*connection, kTwoSteps, kJune20 + 1000)), 2);
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
              ElementsAre("1|2025-06-20T08:15:00.123Z", "2|2025-06-20T08:15:01.123Z"));
  EXPECT_THAT(raw.Rows("SELECT name FROM sqlite_schema WHERE name IN ('a', 'b') ORDER BY name"),
              ElementsAre("a", "b"));
}

TEST(MigrationsTest, FailedMigrationIsRolledBackAndEarlierOnesStay) {
  TempDb db;
  auto connection = Must(Connection::Open(db.path(), ConnectionOptions{}));
  const std::array<Migration, 3> broken = {{
      kTwoSteps[0],
      kTwoSteps[1],
      {3, "half done", "CREATE TABLE c (z INTEGER); SELECT * FROM no_such_table;"},
  }};
  EXPECT_THAT(ApplyMigrations(*connection, broken, kJune20),
              FailsWith(ErrorCode::kInternal, "migration 3 (half done) failed"));
  EXPECT_FALSE(connection->InTransaction());
  EXPECT_EQ(Must(CurrentSchemaVersion(*connection)), 2);
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT name FROM sqlite_schema WHERE name = 'c'"), SizeIs(0));
}

TEST(MigrationsTest, VersionsMustBeConsecutiveFromOne) {
  TempDb db;
  auto connection = Must(Connection::Open(db.path(), ConnectionOptions{}));
  const std::array<Migration, 2> gap = {{kTwoSteps[0], {3, "skips 2", "SELECT 1;"}}};
  EXPECT_THAT(ApplyMigrations(*connection, gap, kJune20),
              FailsWith(ErrorCode::kInternal, "'skips 2' has version 3, expected 2"));
  EXPECT_EQ(Must(CurrentSchemaVersion(*connection)), 0);
}

// ---- migration 2: as-of index ----

// A database written at schema version 1: an org unit and a task, each updated once, their
// first versions archived as version 1 did.
void WriteVersion1Database(const std::string& path) {
  {
    auto connection = Must(Connection::Open(path, ConnectionOptions{}));
    ASSERT_EQ(Must(ApplyMigrations(*connection, SchemaMigrations().first(1), kJune20 - 1000)), 1);
  }
  RawDb raw(path);
  ASSERT_EQ(
      raw.Exec(
          "UPDATE write_clock SET last_stamp_ms = 1740787200000;"  // 2025-03-01T00:00:00.000Z
          "INSERT INTO org_units (id, code, name_vi, name_en, type, parent_id, leader_name, "
          "leader_title, valid_from, valid_to, version, stored_at) VALUES (1, 'SL', 'Sơn La', '', "
          "'province', NULL, 'Người mới', 'Chủ tịch', '2025-01-01', NULL, 2, "
          "'2025-03-01T00:00:00.000Z');"
          "INSERT INTO org_unit_versions (org_unit_id, version, code, name_vi, name_en, type, "
          "parent_id, leader_name, leader_title, valid_from, valid_to, stored_at, superseded_at) "
          "VALUES (1, 1, 'SL', 'Sơn La', '', 'province', NULL, 'Người cũ', 'Chủ tịch', "
          "'2025-01-01', NULL, '2025-01-15T00:00:00.000Z', '2025-03-01T00:00:00.000Z');"
          "INSERT INTO plans (id, code, title_vi, title_en) VALUES (1, 'P', 'Kế hoạch', '');"
          "INSERT INTO tasks (id, plan_id, group_id, code, title_vi, title_en, description, "
          "parent_id, lead_unit_id, kind, assigned_on, start_on, deadline, cadence, "
          "expected_output, priority, classified, version, stored_at) VALUES (1, 1, NULL, 'T', "
          "'Nhiệm vụ', '', '', NULL, 1, 'deadline', '2025-01-15', NULL, '2025-12-31', NULL, '', "
          "2, 0, 2, '2025-03-01T00:00:00.000Z');"
          "INSERT INTO task_coordinating_units (task_id, position, org_unit_id) VALUES (1, 0, 1);"
          "INSERT INTO task_versions (task_id, version, plan_id, group_id, code, title_vi, "
          "title_en, description, parent_id, lead_unit_id, coordinating_unit_ids, kind, "
          "assigned_on, start_on, deadline, cadence, expected_output, priority, indicator_ids, "
          "classified, stored_at, superseded_at) VALUES (1, 1, 1, NULL, 'T', 'Nhiệm vụ', '', '', "
          "NULL, 1, '', 'deadline', '2025-01-15', NULL, '2025-06-30', NULL, '', 0, '', 0, "
          "'2025-01-15T00:00:00.000Z', '2025-03-01T00:00:00.000Z');"),
      SQLITE_OK);
}

TEST(SqliteMigrationTest, Version1RowsReadBackWithTheirHistoryAfterMigrating) {
  TempDb db;
  WriteVersion1Database(db.path());
  auto store = Must(OpenSqliteStore(Options(db)));
  EXPECT_EQ(store->SchemaVersion(), 17);
  {
    RawDb raw(db.path());
    EXPECT_THAT(raw.Rows("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
                ElementsAre("1|2025-06-20T08:14:59.123Z", "2|2025-06-20T08:15:00.123Z",
                            "3|2025-06-20T08:15:00.123Z", "4|2025-06-20T08:15:00.123Z",
                            "5|2025-06-20T08:15:00.123Z", "6|2025-06-20T08:15:00.123Z",
                            "7|2025-06-20T08:15:00.123Z", "8|2025-06-20T08:15:00.123Z",
                            "9|2025-06-20T08:15:00.123Z", "10|2025-06-20T08:15:00.123Z",
                            "11|2025-06-20T08:15:00.123Z", "12|2025-06-20T08:15:00.123Z",
                            "13|2025-06-20T08:15:00.123Z", "14|2025-06-20T08:15:00.123Z",
                            "15|2025-06-20T08:15:00.123Z", "16|2025-06-20T08:15:00.123Z",
                            "17|2025-06-20T08:15:00.123Z"));
    EXPECT_THAT(raw.Rows("SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND "
                         "name = 'task_versions_plan_superseded'"),
                ElementsAre("task_versions"));
  }

  // Version 1 recorded stored_at for every row: it is each version's recorded_at.
  const auto units = Must(store->OrgUnitHistory(OrgUnitId{1}));
  ASSERT_THAT(units, SizeIs(2));
  EXPECT_EQ(units[0].value.leader_name, "Người cũ");
  EXPECT_EQ(units[0].recorded_at, "2025-01-15T00:00:00.000Z");
  EXPECT_EQ(units[0].superseded_at, "2025-03-01T00:00:00.000Z");
  EXPECT_EQ(units[1].value.leader_name, "Người mới");
  EXPECT_EQ(units[1].value.valid_from, Date::Parse("2025-01-01").value());
  EXPECT_EQ(units[1].recorded_at, "2025-03-01T00:00:00.000Z");
  EXPECT_EQ(units[1].superseded_at, "");

  const auto tasks = Must(store->TaskHistory(TaskId{1}));
  ASSERT_THAT(tasks, SizeIs(2));
  EXPECT_EQ(tasks[0].value.deadline, Date::Parse("2025-06-30").value());
  EXPECT_THAT(tasks[0].value.coordinating_units, ElementsAre());
  EXPECT_EQ(tasks[0].recorded_at, "2025-01-15T00:00:00.000Z");
  EXPECT_EQ(tasks[0].superseded_at, "2025-03-01T00:00:00.000Z");
  EXPECT_EQ(tasks[1].value.deadline, Date::Parse("2025-12-31").value());
  EXPECT_THAT(tasks[1].value.coordinating_units, ElementsAre(OrgUnitId{1}));
  EXPECT_EQ(tasks[1].value.priority, 2);
  EXPECT_EQ(tasks[1].recorded_at, "2025-03-01T00:00:00.000Z");
  EXPECT_EQ(tasks[1].superseded_at, "");

  auto february = Must(store->TasksAsOf(PlanId{1}, "2025-02-01T00:00:00Z"));
  ASSERT_THAT(february, SizeIs(1));
  EXPECT_EQ(february[0].priority, 0);
  auto units_in_february = Must(store->OrgUnitsAsOf("2025-02-01T00:00:00Z"));
  ASSERT_THAT(units_in_february, SizeIs(1));
  EXPECT_EQ(units_in_february[0].leader_name, "Người cũ");
  EXPECT_THAT(Must(store->TasksAsOf(PlanId{1}, "2025-01-14T23:59:59.999Z")), SizeIs(0));

  // Writes go on after the migration: the new version supersedes the migrated current one.
  Task update = tasks[1].value;
  update.priority = 3;
  auto tx = Must(store->Begin());
  Must(tx->PutTask(update));
  MustOk(tx->Commit());
  const auto after = Must(store->TaskHistory(TaskId{1}));
  ASSERT_THAT(after, SizeIs(3));
  EXPECT_EQ(after[1].superseded_at, "2025-06-20T08:15:00.123Z");
  EXPECT_EQ(after[2].recorded_at, "2025-06-20T08:15:00.123Z");
  EXPECT_EQ(after[2].value.priority, 3);
}

// ---- migration 3: new lead unit of amend events ----

// A database written at schema version 2 with a task and two events of its ledger: an amend
// that changed the deadline and a progress report.
void WriteVersion2Database(const std::string& path) {
  {
    auto connection = Must(Connection::Open(path, ConnectionOptions{}));
    ASSERT_EQ(Must(ApplyMigrations(*connection, SchemaMigrations().first(2), kJune20 - 1000)), 2);
  }
  RawDb raw(path);
  ASSERT_EQ(
      raw.Exec(
          "UPDATE write_clock SET last_stamp_ms = 1740787200000;"  // 2025-03-01T00:00:00.000Z
          "INSERT INTO org_units (id, code, name_vi, name_en, type, parent_id, leader_name, "
          "leader_title, valid_from, valid_to, version, stored_at) VALUES (1, 'SKHCN', "
          "'Sở Khoa học và Công nghệ', '', 'department', NULL, '', '', NULL, NULL, 1, "
          "'2025-03-01T00:00:00.000Z');"
          "INSERT INTO plans (id, code, title_vi, title_en) VALUES (1, 'P', 'Kế hoạch', '');"
          "INSERT INTO tasks (id, plan_id, group_id, code, title_vi, title_en, description, "
          "parent_id, lead_unit_id, kind, assigned_on, start_on, deadline, cadence, "
          "expected_output, priority, classified, version, stored_at) VALUES (1, 1, NULL, 'T', "
          "'Nhiệm vụ', '', '', NULL, 1, 'deadline', '2025-01-15', NULL, '2025-12-31', NULL, '', "
          "0, 0, 1, '2025-03-01T00:00:00.000Z');"
          "INSERT INTO task_events (sequence, task_id, kind, on_date, progress_percent, "
          "completed_on, new_deadline, period, actor, requested_by, reason, difficulties, "
          "proposals, evidence, stored_at) VALUES (1, 1, 'amend', '2025-02-10', NULL, NULL, "
          "'2026-03-31', NULL, 'Ban Chỉ đạo', 'Sở KH&CN', 'Chờ hướng dẫn', '', '', '', "
          "'2025-03-01T00:00:00.000Z');"
          "INSERT INTO task_events (sequence, task_id, kind, on_date, progress_percent, "
          "completed_on, new_deadline, period, actor, requested_by, reason, difficulties, "
          "proposals, evidence, stored_at) VALUES (2, 1, 'progress', '2025-02-28', 30, NULL, "
          "NULL, NULL, 'Sở KH&CN', '', '', 'Thiếu nhân lực', '', '', "
          "'2025-03-01T00:00:00.000Z');"),
      SQLITE_OK);
}

TEST(SqliteMigrationTest, Version2TaskEventsReadBackWithNoNewLeadUnitAfterMigratingToVersion3) {
  TempDb db;
  WriteVersion2Database(db.path());
  auto store = Must(OpenSqliteStore(Options(db)));
  EXPECT_EQ(store->SchemaVersion(), 17);
  {
    RawDb raw(db.path());
    EXPECT_THAT(raw.Rows("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
                ElementsAre("1|2025-06-20T08:14:59.123Z", "2|2025-06-20T08:14:59.123Z",
                            "3|2025-06-20T08:15:00.123Z", "4|2025-06-20T08:15:00.123Z",
                            "5|2025-06-20T08:15:00.123Z", "6|2025-06-20T08:15:00.123Z",
                            "7|2025-06-20T08:15:00.123Z", "8|2025-06-20T08:15:00.123Z",
                            "9|2025-06-20T08:15:00.123Z", "10|2025-06-20T08:15:00.123Z",
                            "11|2025-06-20T08:15:00.123Z", "12|2025-06-20T08:15:00.123Z",
                            "13|2025-06-20T08:15:00.123Z", "14|2025-06-20T08:15:00.123Z",
                            "15|2025-06-20T08:15:00.123Z", "16|2025-06-20T08:15:00.123Z",
                            "17|2025-06-20T08:15:00.123Z"));
    // Nullable, referencing org_units; the migrated rows hold NULL.
    EXPECT_THAT(raw.Rows("SELECT type, \"notnull\", dflt_value FROM "
                         "pragma_table_info('task_events') WHERE name = 'new_lead_unit_id'"),
                ElementsAre("INTEGER|0|NULL"));
    EXPECT_THAT(raw.Rows("SELECT \"table\", \"to\" FROM pragma_foreign_key_list('task_events') "
                         "WHERE \"from\" = 'new_lead_unit_id'"),
                ElementsAre("org_units|id"));
    EXPECT_THAT(raw.Rows("SELECT sequence, new_lead_unit_id FROM task_events ORDER BY sequence"),
                ElementsAre("1|NULL", "2|NULL"));
  }

  auto events = Must(store->TaskEvents(PlanId{1}));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].kind, TaskEventKind::kAmend);
  EXPECT_EQ(events[0].on, Date::Parse("2025-02-10").value());
  EXPECT_EQ(events[0].new_deadline, Date::Parse("2026-03-31").value());
  EXPECT_EQ(events[0].new_lead_unit, OrgUnitId{});
  EXPECT_EQ(events[0].requested_by, "Sở KH&CN");
  EXPECT_EQ(events[0].reason, "Chờ hướng dẫn");
  EXPECT_EQ(events[1].kind, TaskEventKind::kProgress);
  EXPECT_EQ(events[1].progress_percent, 30);
  EXPECT_EQ(events[1].new_lead_unit, OrgUnitId{});
  EXPECT_EQ(events[1].difficulties, "Thiếu nhân lực");

  // The ledger goes on after the migration: a lead unit change is appended after the old events.
  auto tx = Must(store->Begin());
  TaskEvent change;
  change.task = TaskId{1};
  change.kind = TaskEventKind::kAmend;
  change.on = Date::Parse("2025-06-01").value();
  change.new_lead_unit = OrgUnitId{1};
  MustOk(tx->AppendTaskEvent(change));
  MustOk(tx->Commit());
  events = Must(store->TaskEvents(PlanId{1}));
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[0].new_lead_unit, OrgUnitId{});
  EXPECT_EQ(events[2].new_lead_unit, OrgUnitId{1});
  EXPECT_FALSE(events[2].new_deadline.has_value());

  // Adding the column left the ledger append-only.
  RawDb raw(db.path());
  EXPECT_EQ(raw.Exec("UPDATE task_events SET new_lead_unit_id = 1 WHERE sequence = 1"),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM task_events WHERE sequence = 3"), SQLITE_CONSTRAINT);
  EXPECT_THAT(raw.Rows("SELECT sequence, new_lead_unit_id FROM task_events ORDER BY sequence"),
              ElementsAre("1|NULL", "2|NULL", "3|1"));
}

// ---- transactions and concurrency ----

TEST(SqliteStoreTest, SecondWriterGetsUnavailableAfterTheBusyTimeoutWhileReadsGoOn) {
  TempDb db;
  SqliteOptions options = Options(db);
  options.busy_timeout = std::chrono::milliseconds(50);
  auto store = Must(OpenSqliteStore(options));
  auto writer = Must(store->Begin());
  Must(writer->PutOrgUnit(Unit("HELD")));
  EXPECT_THAT(store->Begin(), FailsWith(ErrorCode::kUnavailable, "database is locked"));
  EXPECT_THAT(Must(store->OrgUnits()), SizeIs(0));  // WAL: readers are not blocked
  writer.reset();                                   // rolls back, releasing the lock
  auto next = Must(store->Begin());
  Must(next->PutOrgUnit(Unit("NEXT")));
  MustOk(next->Commit());
  EXPECT_THAT(Must(store->OrgUnits()), SizeIs(1));
}

TEST(SqliteStoreTest, AWriterIsNotStarvedByALoopOfShortTransactions) {
  TempDb db;
  SqliteOptions options = Options(db);
  options.busy_timeout = std::chrono::milliseconds(2000);
  auto store = Must(OpenSqliteStore(options));
  std::atomic<bool> stop = false;
  std::atomic<int> loops = 0;
  std::thread looper([&] {
    // Commits and begins again at once, as a scan or an import does, for up to 6 s.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(6);
    while (!stop && std::chrono::steady_clock::now() < until) {
      auto tx = Must(store->Begin());
      Must(tx->PutOrgUnit(Unit("L" + std::to_string(loops++))));
      MustOk(tx->Commit());
    }
  });
  while (loops < 20) std::this_thread::yield();
  auto tx = store->Begin();  // waits for one of the loop's transactions at most
  stop = true;
  ASSERT_TRUE(tx.has_value()) << tx.error().message;
  Must((*tx)->PutOrgUnit(Unit("REQUEST")));
  MustOk((*tx)->Commit());
  tx->reset();
  looper.join();
  EXPECT_THAT(Must(store->OrgUnits()), SizeIs(loops.load() + 1));
}

TEST(SqliteStoreTest, AFailedPutUndoesItsPartialWrites) {
  TempDb db;
  auto store = Must(OpenSqliteStore(Options(db)));
  {
    RawDb raw(db.path());
    // Makes PutPlan fail after it has written the plan row and its first stage.
    ASSERT_EQ(raw.Exec("CREATE TRIGGER reject_stage BEFORE INSERT ON plan_stages "
                       "WHEN NEW.stage = 'boom' BEGIN SELECT RAISE(ABORT, 'stage rejected'); END"),
              SQLITE_OK);
  }
  auto tx = Must(store->Begin());
  Plan plan;
  plan.code = "P";
  plan.stages = {"2025", "boom"};
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kInternal, "stage rejected"));
  EXPECT_THAT(Must(tx->Plans()), SizeIs(0));
  plan.stages = {"2025"};
  Must(tx->PutPlan(plan));  // the undone row does not hold the code
  MustOk(tx->Commit());
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT code FROM plans"), ElementsAre("P"));
  EXPECT_THAT(raw.Rows("SELECT stage FROM plan_stages"), ElementsAre("2025"));
}

TEST(SqliteStoreTest, TransactionMayOutliveItsStore) {
  TempDb db;
  auto store = Must(OpenSqliteStore(Options(db)));
  auto tx = Must(store->Begin());
  store.reset();
  Must(tx->PutOrgUnit(Unit("LATE")));
  MustOk(tx->Commit());
  tx.reset();
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT code FROM org_units"), ElementsAre("LATE"));
}

TEST(SqliteStoreTest, ReadsLeaveNoSnapshotOpen) {
  TempDb db;
  auto store = Must(OpenSqliteStore(Options(db)));
  auto tx = Must(store->Begin());
  Must(tx->PutOrgUnit(Unit("A")));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store->OrgUnits()), SizeIs(1));
  EXPECT_THAT(Must(store->Plans()), SizeIs(0));
  // A full checkpoint succeeds (busy = 0) only when no connection holds a read snapshot.
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("PRAGMA wal_checkpoint(TRUNCATE)"), ElementsAre("0|0|0"));
}

// ---- stamps ----

// stored_at of the current value of the only data value.
std::string CurrentStamp(Store& store) {
  auto values = Must(store.DataValues({}));
  EXPECT_THAT(values, SizeIs(1));
  return values.empty() ? "" : values[0].stored_at;
}

struct Refs {
  OrgUnitId unit;
  IndicatorId indicator;
};

Refs AddRefs(Store& store) {
  auto tx = Must(store.Begin());
  Refs refs;
  refs.unit = Must(tx->PutOrgUnit(Unit("U")));
  Indicator indicator;
  indicator.code = "I";
  refs.indicator = Must(tx->PutIndicator(indicator));
  MustOk(tx->Commit());
  return refs;
}

void PutValue(Store& store, const Refs& refs, double v) {
  auto tx = Must(store.Begin());
  DataValue value;
  value.indicator = refs.indicator;
  value.unit = refs.unit;
  value.period = Period::Year(2025);
  value.value = v;
  MustOk(tx->PutDataValue(value));
  MustOk(tx->Commit());
}

TEST(SqliteStoreStampTest, StampsFollowTheClockAndBumpWhenItStallsOrStepsBack) {
  TempDb db;
  std::atomic<std::int64_t> now{kJune20};
  SqliteOptions options = Options(db);
  options.now_ms = [&now] { return now.load(); };
  auto store = Must(OpenSqliteStore(options));
  const Refs refs = AddRefs(*store);  // stamps .123
  PutValue(*store, refs, 1);
  EXPECT_EQ(CurrentStamp(*store), "2025-06-20T08:15:00.124Z");  // clock stalled: +1 ms
  PutValue(*store, refs, 2);
  EXPECT_EQ(CurrentStamp(*store), "2025-06-20T08:15:00.125Z");
  now = kJune20 - 60'000;  // the clock steps back a minute
  PutValue(*store, refs, 3);
  EXPECT_EQ(CurrentStamp(*store), "2025-06-20T08:15:00.126Z");
  now = kJune20 + 3'600'000;
  PutValue(*store, refs, 4);
  EXPECT_EQ(CurrentStamp(*store), "2025-06-20T09:15:00.123Z");
}

TEST(SqliteStoreStampTest, StampsKeepIncreasingAcrossReopen) {
  TempDb db;
  Refs refs;
  {
    auto store = Must(OpenSqliteStore(Options(db)));
    refs = AddRefs(*store);
    PutValue(*store, refs, 1);
    EXPECT_EQ(CurrentStamp(*store), "2025-06-20T08:15:00.124Z");
  }
  auto store = Must(OpenSqliteStore(Options(db)));  // same stalled clock
  PutValue(*store, refs, 2);
  EXPECT_EQ(CurrentStamp(*store), "2025-06-20T08:15:00.125Z");
}

TEST(SqliteStoreStampTest, ARolledBackPutDoesNotReuseTheStamp) {
  TempDb db;
  auto store = Must(OpenSqliteStore(Options(db)));
  const Refs refs = AddRefs(*store);  // .123
  {
    auto tx = Must(store->Begin());
    EXPECT_THAT(tx->PutOrgUnit(Unit("U")), FailsWith(ErrorCode::kConflict, "'U'"));  // stamps .124
    Must(tx->PutOrgUnit(Unit("V")));
    MustOk(tx->Commit());
  }
  PutValue(*store, refs, 1);
  EXPECT_EQ(CurrentStamp(*store), "2025-06-20T08:15:00.125Z");
}

// ---- schema: names, history, ledgers ----

TEST(SqliteSchemaTest, EnumsPeriodsAndDatesAreStoredAsText) {
  TempDb db;
  auto store = Must(OpenSqliteStore(Options(db)));
  auto tx = Must(store->Begin());
  OrgUnit ward = Unit("W");
  ward.type = OrgUnitType::kWard;
  ward.valid_from = Date::Parse("2025-07-01").value();
  const OrgUnitId unit = Must(tx->PutOrgUnit(ward));
  Plan plan;
  plan.code = "P";
  Task task;
  task.plan = Must(tx->PutPlan(plan));
  task.code = "T";
  task.kind = TaskKind::kRecurring;
  task.cadence = PeriodType::kQuarter;
  task.assigned_on = Date::Parse("2025-05-07").value();
  Must(tx->PutTask(task));
  Indicator indicator;
  indicator.code = "I";
  indicator.value_type = ValueType::kPercent;
  DataValue value;
  value.indicator = Must(tx->PutIndicator(indicator));
  value.unit = unit;
  value.period = Period::Parse("2025Q1").value();
  value.state = ValueState::kSubmitted;
  MustOk(tx->PutDataValue(value));
  MustOk(tx->Commit());
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT type, valid_from, valid_to FROM org_units"),
              ElementsAre("ward|2025-07-01|NULL"));
  EXPECT_THAT(raw.Rows("SELECT kind, cadence, assigned_on FROM tasks"),
              ElementsAre("recurring|quarterly|2025-05-07"));
  EXPECT_THAT(raw.Rows("SELECT value_type, period_type FROM indicators"),
              ElementsAre("percent|monthly"));
  EXPECT_THAT(raw.Rows("SELECT period, period_start, state FROM data_values"),
              ElementsAre("2025Q1|2025-01-01|submitted"));
}

TEST(SqliteSchemaTest, OrgUnitAndTaskVersionsRecordWhenTheyWereSuperseded) {
  TempDb db;
  std::atomic<std::int64_t> now{kJune20};
  SqliteOptions options = Options(db);
  options.now_ms = [&now] { return now.load(); };
  auto store = Must(OpenSqliteStore(options));
  OrgUnit unit = Unit("U");
  Plan plan;
  plan.code = "P";
  Task task;
  task.code = "T";
  {
    auto tx = Must(store->Begin());
    unit.id = Must(tx->PutOrgUnit(unit));
    task.plan = Must(tx->PutPlan(plan));
    task.id = Must(tx->PutTask(task));
    MustOk(tx->Commit());
  }
  for (int i = 1; i <= 2; ++i) {
    now = kJune20 + i * 1000;
    auto tx = Must(store->Begin());
    unit.name_vi = "Tên " + std::to_string(i);
    Must(tx->PutOrgUnit(unit));
    task.priority = i;
    Must(tx->PutTask(task));
    MustOk(tx->Commit());
  }
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT version, name_vi, stored_at, superseded_at FROM org_unit_versions "
                       "ORDER BY version"),
              ElementsAre("1|Đơn vị|2025-06-20T08:15:00.123Z|2025-06-20T08:15:01.123Z",
                          "2|Tên 1|2025-06-20T08:15:01.123Z|2025-06-20T08:15:02.123Z"));
  EXPECT_THAT(raw.Rows("SELECT version, name_vi, stored_at FROM org_units"),
              ElementsAre("3|Tên 2|2025-06-20T08:15:02.123Z"));
  EXPECT_THAT(raw.Rows("SELECT version, priority, superseded_at FROM task_versions "
                       "ORDER BY version"),
              ElementsAre("1|0|2025-06-20T08:15:01.123Z", "2|1|2025-06-20T08:15:02.123Z"));
}

// ---- migration 4: target history ----

// A database written at schema version 3 with an indicator, a unit and three targets: two
// general ones and one for the unit with the same indicator and date as the first.
void WriteVersion3Database(const std::string& path) {
  {
    auto connection = Must(Connection::Open(path, ConnectionOptions{}));
    ASSERT_EQ(Must(ApplyMigrations(*connection, SchemaMigrations().first(3), kJune20 - 1000)), 3);
  }
  RawDb raw(path);
  ASSERT_EQ(
      raw.Exec(
          "UPDATE write_clock SET last_stamp_ms = 1740787200042;"  // 2025-03-01T00:00:00.042Z
          "INSERT INTO org_units (id, code, name_vi, name_en, type, parent_id, leader_name, "
          "leader_title, valid_from, valid_to, version, stored_at) VALUES (1, 'CHIENG-AN', "
          "'Phường Chiềng An', '', 'ward', NULL, '', '', NULL, NULL, 1, "
          "'2025-03-01T00:00:00.042Z');"
          "INSERT INTO indicators (id, code, name_vi, name_en, unit_of_measure, indicator_class, "
          "value_type, unit_aggregation, numerator_id, denominator_id, factor, time_aggregation, "
          "direction, period_type, baseline_value, baseline_date, min_value, max_value, "
          "at_risk_threshold, data_source, responsible_unit_id) VALUES (1, 'OPEN-DATA', "
          "'Bộ dữ liệu mở', '', 'bộ', 'strategic', 'count', 'sum', NULL, NULL, 1, 'last', 'up', "
          "'yearly', NULL, NULL, NULL, NULL, 0.1, '', NULL);"
          "INSERT INTO targets (indicator_id, unit_id, target_date, value) VALUES "
          "(1, NULL, '2025-12-31', 658), (1, 1, '2025-12-31', 5), (1, NULL, '2030-12-31', 1000);"),
      SQLITE_OK);
}

TEST(SqliteMigrationTest, Version3TargetsReadBackWithOneVersionEachAfterMigratingToVersion4) {
  TempDb db;
  WriteVersion3Database(db.path());
  auto store = Must(OpenSqliteStore(Options(db)));
  EXPECT_EQ(store->SchemaVersion(), 17);
  constexpr char kLastStamp[] = "2025-03-01T00:00:00.042Z";
  {
    RawDb raw(db.path());
    EXPECT_THAT(raw.Rows("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
                ElementsAre("1|2025-06-20T08:14:59.123Z", "2|2025-06-20T08:14:59.123Z",
                            "3|2025-06-20T08:14:59.123Z", "4|2025-06-20T08:15:00.123Z",
                            "5|2025-06-20T08:15:00.123Z", "6|2025-06-20T08:15:00.123Z",
                            "7|2025-06-20T08:15:00.123Z", "8|2025-06-20T08:15:00.123Z",
                            "9|2025-06-20T08:15:00.123Z", "10|2025-06-20T08:15:00.123Z",
                            "11|2025-06-20T08:15:00.123Z", "12|2025-06-20T08:15:00.123Z",
                            "13|2025-06-20T08:15:00.123Z", "14|2025-06-20T08:15:00.123Z",
                            "15|2025-06-20T08:15:00.123Z", "16|2025-06-20T08:15:00.123Z",
                            "17|2025-06-20T08:15:00.123Z"));
    // Existing targets are recorded at the last stamp the database issued before the upgrade.
    EXPECT_THAT(raw.Rows("SELECT indicator_id, unit_id, target_date, value, stored_at "
                         "FROM targets ORDER BY ifnull(unit_id, 0), target_date"),
                ElementsAre("1|NULL|2025-12-31|658.0|2025-03-01T00:00:00.042Z",
                            "1|NULL|2030-12-31|1000.0|2025-03-01T00:00:00.042Z",
                            "1|1|2025-12-31|5.0|2025-03-01T00:00:00.042Z"));
    EXPECT_THAT(raw.Rows("SELECT count(*) FROM target_versions"), ElementsAre("0"));
  }
  const Date end_2025 = Date::Parse("2025-12-31").value();
  const Date end_2030 = Date::Parse("2030-12-31").value();
  const Target general_2025{IndicatorId{1}, {}, end_2025, 658};
  const Target unit_2025{IndicatorId{1}, OrgUnitId{1}, end_2025, 5};
  const Target general_2030{IndicatorId{1}, {}, end_2030, 1000};
  EXPECT_THAT(Must(store->Targets()), ElementsAre(general_2025, general_2030, unit_2025));
  EXPECT_THAT(Must(store->TargetHistory(IndicatorId{1}, {}, end_2025)),
              ElementsAre(Version<Target>{general_2025, kLastStamp, ""}));
  EXPECT_THAT(Must(store->TargetHistory(IndicatorId{1}, OrgUnitId{1}, end_2025)),
              ElementsAre(Version<Target>{unit_2025, kLastStamp, ""}));
  EXPECT_THAT(Must(store->TargetHistory(IndicatorId{1}, {}, end_2030)),
              ElementsAre(Version<Target>{general_2030, kLastStamp, ""}));
  // Before that stamp the store cannot tell what they were; from it on, they hold.
  EXPECT_THAT(Must(store->TargetsAsOf("2025-03-01T00:00:00.041Z")), SizeIs(0));
  EXPECT_THAT(Must(store->TargetsAsOf(kLastStamp)),
              ElementsAre(general_2025, general_2030, unit_2025));

  // Writes go on after the migration: a change supersedes the migrated value at its own stamp,
  // and putting a migrated value again is no change.
  const Target changed{IndicatorId{1}, {}, end_2025, 700};
  auto tx = Must(store->Begin());
  MustOk(tx->PutTarget(changed));
  MustOk(tx->PutTarget(unit_2025));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store->TargetHistory(IndicatorId{1}, {}, end_2025)),
              ElementsAre(Version<Target>{general_2025, kLastStamp, "2025-06-20T08:15:00.123Z"},
                          Version<Target>{changed, "2025-06-20T08:15:00.123Z", ""}));
  EXPECT_THAT(Must(store->TargetHistory(IndicatorId{1}, OrgUnitId{1}, end_2025)),
              ElementsAre(Version<Target>{unit_2025, kLastStamp, ""}));

  // The new history table is append-only.
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT value, stored_at, superseded_at FROM target_versions"),
              ElementsAre("658.0|2025-03-01T00:00:00.042Z|2025-06-20T08:15:00.123Z"));
  EXPECT_EQ(raw.Exec("UPDATE target_versions SET value = 1"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM target_versions"), SQLITE_CONSTRAINT);
  EXPECT_THAT(raw.Rows("SELECT count(*) FROM target_versions"), ElementsAre("1"));
}

// ---- migration 5: soft deletes, deleted data values, accounts and evidence ----

// A database written at schema version 4: a directive, a plan with a task group and a task, an
// indicator and a data value with two versions.
void WriteVersion4Database(const std::string& path) {
  {
    auto connection = Must(Connection::Open(path, ConnectionOptions{}));
    ASSERT_EQ(Must(ApplyMigrations(*connection, SchemaMigrations().first(4), kJune20 - 1000)), 4);
  }
  RawDb raw(path);
  ASSERT_EQ(
      raw.Exec(
          "UPDATE write_clock SET last_stamp_ms = 1740787200000;"  // 2025-03-01T00:00:00.000Z
          "INSERT INTO org_units (id, code, name_vi, name_en, type, parent_id, leader_name, "
          "leader_title, valid_from, valid_to, version, stored_at) VALUES (1, 'SL', 'Sơn La', '', "
          "'province', NULL, '', '', NULL, NULL, 1, '2025-02-01T00:00:00.000Z');"
          "INSERT INTO directives (id, number, kind, issuer, issued_on, title_vi, title_en, url) "
          "VALUES (1, '57-NQ/TW', 'resolution', 'Bộ Chính trị', '2024-12-22', 'NQ 57', '', '');"
          "INSERT INTO plans (id, code, title_vi, title_en) VALUES (1, 'P', 'Kế hoạch', '');"
          "INSERT INTO plan_directives (plan_id, position, directive_id) VALUES (1, 0, 1);"
          "INSERT INTO task_groups (id, plan_id, code, title_vi, title_en, display_order, "
          "parent_id) VALUES (1, 1, 'G1', 'Nhóm 1', '', 0, NULL);"
          "INSERT INTO tasks (id, plan_id, group_id, code, title_vi, title_en, description, "
          "parent_id, lead_unit_id, kind, assigned_on, start_on, deadline, cadence, "
          "expected_output, priority, classified, version, stored_at) VALUES (1, 1, 1, 'T', "
          "'Nhiệm vụ', '', '', NULL, 1, 'deadline', '2025-01-15', NULL, '2025-12-31', NULL, '', "
          "0, 0, 1, '2025-02-01T00:00:00.000Z');"
          "INSERT INTO indicators (id, code, name_vi, name_en, unit_of_measure, indicator_class, "
          "value_type, unit_aggregation, numerator_id, denominator_id, factor, time_aggregation, "
          "direction, period_type, baseline_value, baseline_date, min_value, max_value, "
          "at_risk_threshold, data_source, responsible_unit_id) VALUES (1, 'OPEN-DATA', "
          "'Bộ dữ liệu mở', '', 'bộ', 'strategic', 'count', 'sum', NULL, NULL, 1, 'last', 'up', "
          "'yearly', NULL, NULL, NULL, NULL, 0.1, '', NULL);"
          "INSERT INTO data_value_versions (sequence, indicator_id, unit_id, period, "
          "period_start, period_rank, value, comment, state, stored_by, stored_at) VALUES "
          "(1, 1, 1, '2025', '2025-01-01', 0, 10, '', 'draft', 'a', '2025-02-01T00:00:00.000Z'),"
          "(2, 1, 1, '2025', '2025-01-01', 0, 12, '', 'approved', 'b', "
          "'2025-03-01T00:00:00.000Z');"
          "INSERT INTO data_values (indicator_id, unit_id, period_start, period_rank, period, "
          "value, comment, state, stored_by, stored_at, version_sequence) VALUES (1, 1, "
          "'2025-01-01', 0, '2025', 12, '', 'approved', 'b', '2025-03-01T00:00:00.000Z', 2);"),
      SQLITE_OK);
}

TEST(SqliteMigrationTest, Version17DropsTheAuditTriggersOfTheCurrentValues) {
  TempDb db;
  { auto store = Must(OpenSqliteStore(Options(db))); }
  {
    // Back to version 16, whose data_values carried audit triggers of its own.
    RawDb raw(db.path());
    ASSERT_EQ(raw.Exec("DELETE FROM schema_migrations WHERE version = 17;"
                       "CREATE TRIGGER audit_data_values_insert AFTER INSERT ON data_values "
                       "BEGIN SELECT 1; END;"
                       "CREATE TRIGGER audit_data_values_update AFTER UPDATE ON data_values "
                       "BEGIN SELECT 1; END;"
                       "CREATE TRIGGER audit_data_values_delete AFTER DELETE ON data_values "
                       "BEGIN SELECT 1; END;"),
              SQLITE_OK);
  }
  auto store = Must(OpenSqliteStore(Options(db)));
  EXPECT_EQ(store->SchemaVersion(), 17);
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT tbl_name, count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                       "name LIKE 'audit_data_value%' GROUP BY tbl_name"),
              ElementsAre("data_value_versions|3"));
}

TEST(SqliteMigrationTest, Version4RowsStayLiveAndValuesUndeletedAfterMigratingToVersion5) {
  TempDb db;
  WriteVersion4Database(db.path());
  auto store = Must(OpenSqliteStore(Options(db)));
  EXPECT_EQ(store->SchemaVersion(), 17);
  {
    RawDb raw(db.path());
    EXPECT_THAT(raw.Rows("SELECT version, applied_at FROM schema_migrations ORDER BY version"),
                ElementsAre("1|2025-06-20T08:14:59.123Z", "2|2025-06-20T08:14:59.123Z",
                            "3|2025-06-20T08:14:59.123Z", "4|2025-06-20T08:14:59.123Z",
                            "5|2025-06-20T08:15:00.123Z", "6|2025-06-20T08:15:00.123Z",
                            "7|2025-06-20T08:15:00.123Z", "8|2025-06-20T08:15:00.123Z",
                            "9|2025-06-20T08:15:00.123Z", "10|2025-06-20T08:15:00.123Z",
                            "11|2025-06-20T08:15:00.123Z", "12|2025-06-20T08:15:00.123Z",
                            "13|2025-06-20T08:15:00.123Z", "14|2025-06-20T08:15:00.123Z",
                            "15|2025-06-20T08:15:00.123Z", "16|2025-06-20T08:15:00.123Z",
                            "17|2025-06-20T08:15:00.123Z"));
    for (const char* table : {"directives", "plans", "task_groups", "indicators"}) {
      SCOPED_TRACE(table);
      const std::string sql = std::string("SELECT deleted_at FROM ") + table;
      EXPECT_THAT(raw.Rows(sql.c_str()), ElementsAre("NULL"));
    }
    EXPECT_THAT(raw.Rows("SELECT sequence, deleted FROM data_value_versions ORDER BY sequence"),
                ElementsAre("1|0", "2|0"));
  }
  EXPECT_THAT(Must(store->Directives()), SizeIs(1));
  EXPECT_THAT(Must(store->Plans()), SizeIs(1));
  EXPECT_THAT(Must(store->TaskGroups(PlanId{1})), SizeIs(1));
  EXPECT_THAT(Must(store->Indicators()), SizeIs(1));
  auto history = Must(store->DataValueHistory(IndicatorId{1}, OrgUnitId{1}, Period::Year(2025)));
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_FALSE(history[0].deleted);
  EXPECT_FALSE(history[1].deleted);
  auto february = Must(store->DataValues(DataValueQuery{{}, {}, "2025-02-15T00:00:00Z"}));
  ASSERT_THAT(february, SizeIs(1));
  EXPECT_EQ(february[0].value, 10);

  // Deleting after the migration: the migrated value ends, its history stays.
  auto tx = Must(store->Begin());
  MustOk(tx->DeleteDataValue(IndicatorId{1}, OrgUnitId{1}, Period::Year(2025), "admin"));
  MustOk(tx->DeletePlan(PlanId{1}));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store->DataValues({})), SizeIs(0));
  EXPECT_THAT(Must(store->Plans()), SizeIs(0));
  RawDb raw(db.path());
  EXPECT_THAT(
      raw.Rows("SELECT sequence, value, stored_by, stored_at, deleted FROM "
               "data_value_versions ORDER BY sequence"),
      ElementsAre("1|10.0|a|2025-02-01T00:00:00.000Z|0", "2|12.0|b|2025-03-01T00:00:00.000Z|0",
                  "3|12.0|admin|2025-06-20T08:15:00.123Z|1"));
  EXPECT_THAT(raw.Rows("SELECT id, deleted_at FROM plans"),
              ElementsAre("1|2025-06-20T08:15:00.123Z"));
  EXPECT_THAT(raw.Rows("SELECT count(*) FROM data_values"), ElementsAre("0"));
  // The version history is still append-only, the new flag included.
  EXPECT_EQ(raw.Exec("UPDATE data_value_versions SET deleted = 0 WHERE sequence = 3"),
            SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM data_value_versions WHERE sequence = 3"), SQLITE_CONSTRAINT);
}

TEST(SqliteSchemaTest, RolesAreCheckedNamesAndEvidenceIsAppendOnlyBlobs) {
  TempDb db;
  auto store = Must(OpenSqliteStore(Options(db)));
  EvidenceFile meta;
  const std::string content("\x00\x01\xff\x00", 4);
  {
    auto tx = Must(store->Begin());
    UserRecord user;
    user.login = "lanh.dao";
    user.role = Role::kStandingAgency;
    Must(tx->PutUser(user));
    Plan plan;
    plan.code = "P";
    Task task;
    task.code = "T";
    task.plan = Must(tx->PutPlan(plan));
    meta.task = Must(tx->PutTask(task));
    meta.file_name = "a.bin";
    meta.size = 4;
    Must(tx->PutEvidence(meta, content));
    MustOk(tx->Commit());
  }
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT login, role, disabled, created_at FROM users"),
              ElementsAre("lanh.dao|standing_agency|0|2025-06-20T08:15:00.123Z"));
  EXPECT_EQ(raw.Exec("UPDATE users SET role = 'superuser'"), SQLITE_CONSTRAINT);
  EXPECT_THAT(raw.Rows("SELECT typeof(content), length(content), hex(content), size, "
                       "uploaded_at FROM evidence_files"),
              ElementsAre("blob|4|0001FF00|4|2025-06-20T08:15:00.123Z"));
  EXPECT_EQ(raw.Exec("UPDATE evidence_files SET file_name = 'b.bin'"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM evidence_files"), SQLITE_CONSTRAINT);
  EXPECT_THAT(raw.Rows("SELECT file_name FROM evidence_files"), ElementsAre("a.bin"));
}

TEST(SqliteSchemaTest, LedgersAndHistoryAreAppendOnly) {
  TempDb db;
  auto store = Must(OpenSqliteStore(Options(db)));
  {
    auto tx = Must(store->Begin());
    Plan plan;
    plan.code = "P";
    Task task;
    task.code = "T";
    task.plan = Must(tx->PutPlan(plan));
    task.id = Must(tx->PutTask(task));
    TaskEvent progress;
    progress.task = task.id;
    progress.progress_percent = 10;
    MustOk(tx->AppendTaskEvent(progress));
    task.priority = 1;
    Must(tx->PutTask(task));
    OrgUnit unit = Unit("U");
    unit.id = Must(tx->PutOrgUnit(unit));
    Must(tx->PutOrgUnit(unit));
    Indicator indicator;
    indicator.code = "I";
    DataValue value;
    value.indicator = Must(tx->PutIndicator(indicator));
    value.unit = unit.id;
    MustOk(tx->PutDataValue(value));
    MustOk(tx->PutTarget({value.indicator, {}, Date::Parse("2030-12-31").value(), 1}));
    MustOk(tx->PutTarget({value.indicator, {}, Date::Parse("2030-12-31").value(), 2}));
    MustOk(tx->Commit());
  }
  RawDb raw(db.path());
  ASSERT_THAT(raw.Rows("SELECT count(*) FROM org_unit_versions"), ElementsAre("1"));
  ASSERT_THAT(raw.Rows("SELECT count(*) FROM data_value_versions"), ElementsAre("1"));
  ASSERT_THAT(raw.Rows("SELECT value FROM target_versions"), ElementsAre("1.0"));
  EXPECT_EQ(raw.Exec("UPDATE target_versions SET value = 3"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM target_versions"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("UPDATE task_events SET progress_percent = 99"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("UPDATE task_events SET new_lead_unit_id = NULL"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM task_events"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM task_versions"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("UPDATE org_unit_versions SET code = 'x'"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM data_value_versions"), SQLITE_CONSTRAINT);
  EXPECT_THAT(raw.Rows("SELECT progress_percent FROM task_events"), ElementsAre("10"));
}

// ---- timestamps ----

TEST(TimestampTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(sql::FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(sql::FormatTimestamp(kJune20), "2025-06-20T08:15:00.123Z");
  EXPECT_EQ(sql::FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(sql::FormatTimestamp(951'825'600'007), "2000-02-29T12:00:00.007Z");
}

TEST(TimestampTest, ParsesTheStoredFormAndShorterOrLongerFractions) {
  EXPECT_EQ(Must(sql::ParseTimestamp("2025-06-20T08:15:00.123Z")), kJune20);
  EXPECT_EQ(Must(sql::ParseTimestamp("2025-06-20T08:15:00Z")), kJune20 - 123);
  EXPECT_EQ(Must(sql::ParseTimestamp("2025-06-20T08:15:00.1Z")), kJune20 - 23);
  EXPECT_EQ(Must(sql::ParseTimestamp("2025-06-20T08:15:00.123999999Z")), kJune20);  // truncated
  EXPECT_EQ(Must(sql::ParseTimestamp(sql::FormatTimestamp(-1))), -1);
}

TEST(TimestampTest, RejectsAnythingElseNamingTheInput) {
  for (const char* bad :
       {"", "2025-06-20", "2025-06-20T08:15:00", "2025-06-20T08:15Z", "2025-06-20t08:15:00Z",
        "2025-06-20T24:00:00Z", "2025-06-20T08:60:00Z", "2025-06-20T08:15:60Z",
        "2025-02-30T08:15:00Z", "2025-06-20T08:15:00.Z", "2025-06-20T08:15:00.12aZ",
        "2025-06-20T08:15:00+00:00", " 2025-06-20T08:15:00Z"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(sql::ParseTimestamp(bad),
                FailsWith(ErrorCode::kInvalidArgument, "'" + std::string(bad) + "'"));
  }
}

}  // namespace
}  // namespace planwatch::sqlite
