// The SQLite engine's audit log seen from outside the engine: the file edited with plain SQLite
// (append-only triggers dropped first, as an attacker with the file would) and the verifier
// finding each edit; the generated audit triggers covering every table and column.
//
// What the chain does not prove: a data row edited directly (UPDATE tasks ...) is not a chain
// break. The chain proves that the log was not changed; a change that bypasses the log is seen
// only when the writer has pw_row_digest (any connection of a planwatch process: the next
// transaction then chains it as done by "unknown"). The sqlite3 shell has no such function and
// cannot write an audited table until it drops the audit triggers, and then nothing is logged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "planwatch/storage/audit.h"
#include "planwatch/storage/sqlite/connection.h"
#include "planwatch/storage/sqlite/schema_audit.h"
#include "planwatch/storage/sqlite/sqlite_store.h"

namespace planwatch {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

class TempDb {
 public:
  TempDb() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("planwatch-tamper-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
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

// A plain SQLite handle on the file, as someone holding the file would use it.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }

  int Exec(const std::string& sql) {
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    last_error_ = sqlite3_errmsg(db_);
    return rc;
  }
  const std::string& last_error() const { return last_error_; }

  std::vector<std::string> Rows(const std::string& sql) {
    std::vector<std::string> rows;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
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
  std::string last_error_;
};

// An Ed25519 key that signs checkpoints.
class TestKey {
 public:
  TestKey() {
    EXPECT_GE(sodium_init(), 0);
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
  }

  AuditCheckpoint Checkpoint(std::int64_t seq, std::string hash) const {
    AuditCheckpoint c{seq, std::move(hash), "2025-06-20T08:15:00.123Z",
                      Base64(public_key_.data(), public_key_.size()), ""};
    const std::string message = AuditCheckpointMessage(c);
    std::array<unsigned char, crypto_sign_BYTES> signature;
    crypto_sign_detached(signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         secret_key_.data());
    c.signature = Base64(signature.data(), signature.size());
    return c;
  }

 private:
  static std::string Base64(const unsigned char* bytes, std::size_t size) {
    std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
  }

  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key_;
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key_;
};

class AuditTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = db_.path();
    store_ = Must(OpenSqliteStore(options));
    // Three transactions of several events each.
    for (const char* code : {"K1", "K2", "K3"}) {
      AuditContextScope scope(AuditContext{"lan", "203.0.113.7", std::string("POST plan ") + code});
      auto tx = Must(store_->Begin());
      Plan plan;
      plan.code = code;
      plan.title_vi = "Kế hoạch";
      plan.stages = {"2025", "2026-2030"};
      const PlanId id = Must(tx->PutPlan(plan));
      Task task;
      task.plan = id;
      task.code = "T";
      task.title_vi = "Nhiệm vụ";
      task.assigned_on = Date::Parse("2025-05-07").value();
      Must(tx->PutTask(task));
      MustOk(tx->Commit());
    }
    events_ = Events();
    ASSERT_GE(events_.size(), 9u);
  }

  std::vector<AuditEvent> Events() {
    std::vector<AuditEvent> events;
    MustOk(store_->ScanAuditEvents(0, [&](const AuditEvent& e) {
      events.push_back(e);
      return true;
    }));
    return events;
  }

  // The verifier's messages over the stored chain, then `checkpoints` checked against it.
  std::vector<std::string> Verify(const std::vector<AuditCheckpoint>& checkpoints = {}) {
    AuditChainVerifier verifier;
    for (const AuditCheckpoint& c : checkpoints) verifier.Expect(c.seq);
    MustOk(store_->ScanAuditEvents(0, [&](const AuditEvent& e) {
      verifier.Add(e);
      return true;
    }));
    for (const AuditCheckpoint& c : checkpoints) verifier.Check(c);
    std::vector<std::string> messages;
    for (const auto& problem : verifier.problems()) messages.push_back(problem.message);
    return messages;
  }

  // Drops the append-only triggers of the audit tables, as an attacker with the file would.
  void DropGuards(RawDb& raw) {
    for (const char* trigger :
         {"audit_events_append_only_update", "audit_events_append_only_delete",
          "audit_checkpoints_append_only_update", "audit_checkpoints_append_only_delete"}) {
      ASSERT_EQ(raw.Exec(std::string("DROP TRIGGER ") + trigger), SQLITE_OK) << raw.last_error();
    }
  }

  TempDb db_;
  std::unique_ptr<Store> store_;
  std::vector<AuditEvent> events_;
};

TEST_F(AuditTamperTest, TheUntouchedChainVerifies) { EXPECT_THAT(Verify(), IsEmpty()); }

TEST_F(AuditTamperTest, TheAuditTablesAreAppendOnly) {
  RawDb raw(db_.path());
  EXPECT_EQ(raw.Exec("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.last_error(), "audit_events is append-only");
  EXPECT_EQ(raw.Exec("DELETE FROM audit_events WHERE seq = 3"), SQLITE_CONSTRAINT);
  MustOk([&]() -> Status {
    auto tx = Must(store_->Begin());
    const AuditEvent& head = events_.back();
    MustOk(tx->PutAuditCheckpoint(TestKey().Checkpoint(head.seq, head.hash)));
    return tx->Commit();
  }());
  EXPECT_EQ(raw.Exec("UPDATE audit_checkpoints SET seq = 1"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.Exec("DELETE FROM audit_checkpoints"), SQLITE_CONSTRAINT);
  EXPECT_THAT(Verify(), IsEmpty());
}

TEST_F(AuditTamperTest, FindsAnEditedEvent) {
  RawDb raw(db_.path());
  DropGuards(raw);
  ASSERT_EQ(raw.Exec("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3"), SQLITE_OK);
  EXPECT_THAT(Verify(), ElementsAre("event 3: hash does not match its content (edited?)"));
}

TEST_F(AuditTamperTest, FindsADeletedEvent) {
  RawDb raw(db_.path());
  DropGuards(raw);
  ASSERT_EQ(raw.Exec("DELETE FROM audit_events WHERE seq = 3"), SQLITE_OK);
  EXPECT_THAT(Verify(), ElementsAre("event 4 follows event 2: event 3 is missing",
                                    "event 4: prev_hash is not the hash of event 2 (deleted, "
                                    "inserted or reordered?)"));
}

TEST_F(AuditTamperTest, FindsAnInsertedEvent) {
  RawDb raw(db_.path());
  DropGuards(raw);
  // Makes room at seq 3 and forges an event there that links to event 2 and hashes right.
  ASSERT_EQ(raw.Exec("UPDATE audit_events SET seq = -seq WHERE seq >= 3"), SQLITE_OK);
  ASSERT_EQ(raw.Exec("UPDATE audit_events SET seq = 1 - seq WHERE seq < 0"), SQLITE_OK);
  AuditEvent forged = events_[2];
  forged.seq = 3;
  forged.actor = "mallory";
  forged.prev_hash = events_[1].hash;
  forged.hash = AuditEventHash(forged);
  ASSERT_EQ(raw.Exec("INSERT INTO audit_events SELECT 3, at, 'mallory', address, action, tbl, "
                     "row_key, operation, subject_kind, subject_id, before_digest, "
                     "after_digest, prev_hash, '" +
                     forged.hash + "' FROM audit_events WHERE seq = 4"),
            SQLITE_OK)
      << raw.last_error();
  const auto messages = Verify();
  EXPECT_THAT(messages, Contains("event 4: prev_hash is not the hash of event 3 (deleted, "
                                 "inserted or reordered?)"));
  // The forged event itself is well formed; every renumbered one no longer matches its hash.
  EXPECT_THAT(messages, Contains("event 4: hash does not match its content (edited?)"));
  EXPECT_THAT(messages, ::testing::Not(Contains(HasSubstr("event 3:"))));
}

TEST_F(AuditTamperTest, FindsSwappedEvents) {
  RawDb raw(db_.path());
  DropGuards(raw);
  ASSERT_EQ(raw.Exec("UPDATE audit_events SET seq = -1 WHERE seq = 3; "
                     "UPDATE audit_events SET seq = 3 WHERE seq = 4; "
                     "UPDATE audit_events SET seq = 4 WHERE seq = -1"),
            SQLITE_OK);
  EXPECT_THAT(Verify(),
              ElementsAre("event 3: hash does not match its content (edited?)",
                          "event 3: prev_hash is not the hash of event 2 (deleted, inserted or "
                          "reordered?)",
                          "event 4: hash does not match its content (edited?)",
                          "event 4: prev_hash is not the hash of event 3 (deleted, inserted or "
                          "reordered?)",
                          "event 5: prev_hash is not the hash of event 4 (deleted, inserted or "
                          "reordered?)"));
}

TEST_F(AuditTamperTest, ACheckpointTakenBeforeFindsATruncatedTail) {
  const TestKey key;
  const AuditEvent& head = events_.back();
  const AuditCheckpoint exported = key.Checkpoint(head.seq, head.hash);
  {
    auto tx = Must(store_->Begin());
    MustOk(tx->PutAuditCheckpoint(exported));
    MustOk(tx->Commit());
  }
  EXPECT_THAT(Verify({exported}), IsEmpty());

  RawDb raw(db_.path());
  DropGuards(raw);
  const std::int64_t kept = head.seq - 2;
  ASSERT_EQ(raw.Exec("DELETE FROM audit_events WHERE seq > " + std::to_string(kept)), SQLITE_OK);
  ASSERT_EQ(raw.Exec("DELETE FROM audit_checkpoints"), SQLITE_OK);
  EXPECT_THAT(Verify(), IsEmpty());  // a prefix of a chain is a chain
  EXPECT_THAT(Verify({exported}), ElementsAre("checkpoint at event " + std::to_string(head.seq) +
                                              ": the chain ends at event " + std::to_string(kept) +
                                              " (tail truncated?)"));
}

TEST_F(AuditTamperTest, ACheckpointFindsARewrittenChain) {
  const TestKey key;
  const AuditEvent& head = events_.back();
  const AuditCheckpoint exported = key.Checkpoint(head.seq, head.hash);
  RawDb raw(db_.path());
  DropGuards(raw);
  // Every event rewritten from 2 on, every hash recomputed: a valid chain, not the signed one.
  std::string prev = events_[0].hash;
  for (std::size_t i = 1; i < events_.size(); ++i) {
    AuditEvent e = events_[i];
    e.actor = "mallory";
    e.prev_hash = prev;
    e.hash = AuditEventHash(e);
    prev = e.hash;
    ASSERT_EQ(raw.Exec("UPDATE audit_events SET actor = 'mallory', prev_hash = '" + e.prev_hash +
                       "', hash = '" + e.hash + "' WHERE seq = " + std::to_string(e.seq)),
              SQLITE_OK);
  }
  EXPECT_THAT(Verify(), IsEmpty());
  EXPECT_THAT(Verify({exported}),
              ElementsAre("checkpoint at event " + std::to_string(head.seq) +
                          ": the signed hash is not event " + std::to_string(head.seq) +
                          "'s hash (chain rewritten?)"));
}

TEST_F(AuditTamperTest, EditingADataRowIsNotAChainBreak) {
  {
    RawDb raw(db_.path());
    // This process's connections have pw_row_digest: the edit is recorded, though by no one.
    ASSERT_EQ(raw.Exec("UPDATE tasks SET title_vi = 'Sửa ngoài' WHERE id = 1"), SQLITE_OK)
        << raw.last_error();
  }
  EXPECT_THAT(Verify(), IsEmpty());
  {
    auto tx = Must(store_->Begin());  // chains what was left pending
    MustOk(tx->Commit());
  }
  const auto events = Events();
  ASSERT_EQ(events.size(), events_.size() + 1);
  EXPECT_EQ(events.back().table, "tasks");
  EXPECT_EQ(events.back().operation, "update");
  EXPECT_EQ(events.back().subject_id, "1");
  EXPECT_EQ(events.back().actor, "unknown");
  EXPECT_EQ(events.back().action, "a change made outside the store");
  EXPECT_THAT(Verify(), IsEmpty());

  // With the audit triggers dropped (what a shell without the function must do), an edit
  // leaves no trace in the log, and the log still verifies.
  RawDb raw(db_.path());
  ASSERT_EQ(raw.Exec("DROP TRIGGER audit_tasks_update"), SQLITE_OK);
  ASSERT_EQ(raw.Exec("UPDATE tasks SET title_vi = 'Không dấu vết' WHERE id = 1"), SQLITE_OK);
  EXPECT_THAT(raw.Rows("SELECT count(*) FROM audit_pending"), ElementsAre("0"));
  EXPECT_THAT(Verify(), IsEmpty());
}

TEST_F(AuditTamperTest, WithoutTheFunctionAnAuditedTableCannotBeWritten) {
  // A connection that never had the extension, as in the sqlite3 shell.
  sqlite3_reset_auto_extension();
  sqlite3* shell = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db_.path().c_str(), &shell, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(shell, "UPDATE tasks SET title_vi = 'x'", nullptr, nullptr, nullptr),
            SQLITE_ERROR);
  EXPECT_THAT(sqlite3_errmsg(shell), HasSubstr("no such function: pw_row_digest"));
  sqlite3_close(shell);
  MustOk(sqlite::RegisterAuditFunctions());
  RawDb raw(db_.path());
  EXPECT_EQ(raw.Exec("UPDATE tasks SET title_vi = 'x' WHERE id = 1"), SQLITE_OK);
}

// ---- the generated triggers ----

TEST(AuditTriggersTest, EveryTableButBookkeepingHasTriggersOverEveryColumn) {
  TempDb db;
  SqliteOptions options;
  options.path = db.path();
  auto store = Must(OpenSqliteStore(options));
  RawDb raw(db.path());
  const auto tables = raw.Rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  int audited = 0;
  for (const std::string& table : tables) {
    if (sqlite::IsAuditBookkeepingTable(table)) continue;
    if (sqlite::IsAuditedThroughItsVersions(table)) {
      EXPECT_THAT(raw.Rows("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = '" +
                           table + "' AND name LIKE 'audit_%'"),
                  IsEmpty())
          << table;
      continue;
    }
    ++audited;
    const auto columns =
        raw.Rows("SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
    for (const char* op : {"insert", "update", "delete"}) {
      const std::string trigger = "audit_" + table + "_" + op;
      const auto sql = raw.Rows(
          "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND "
          "name = '" +
          trigger + "' AND tbl_name = '" + table + "'");
      ASSERT_EQ(sql.size(), 1u) << "table " << table << " has no trigger " << trigger
                                << ": a migration that creates a table must call "
                                   "pw_add_audit_triggers (sqlite/schema_audit.h)";
      for (const std::string& column : columns) {
        const std::string row = std::string(op) == "delete" ? "OLD" : "NEW";
        EXPECT_THAT(sql[0], HasSubstr(row + ".\"" + column + "\""))
            << trigger << " misses column " << column
            << ": a migration that adds a column must call pw_add_audit_triggers again";
      }
    }
  }
  EXPECT_GE(audited, 40);
  // The bookkeeping tables have none.
  EXPECT_THAT(
      raw.Rows("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE "
               "'audit\\_%' ESCAPE '\\' AND tbl_name IN ('schema_migrations', "
               "'write_clock', 'commit_serial', 'commit_log', 'audit_events', 'audit_checkpoints', "
               "'audit_pending') AND name NOT LIKE '%append_only%'"),
      IsEmpty());
}

TEST(AuditTriggersTest, RowDigestIsPinned) {
  TempDb db;
  SqliteOptions options;
  options.path = db.path();
  auto store = Must(OpenSqliteStore(options));
  RawDb raw(db.path());
  // Computed once with Python's hashlib, independently of this code: each value as a tag
  // ('N'; 'I' + 8-byte big-endian int; 'R' + 8-byte big-endian IEEE double; 'T'/'B' + 8-byte
  // big-endian length + bytes), concatenated, then SHA-256.
  EXPECT_THAT(raw.Rows("SELECT pw_row_digest(12, 'Việc', NULL, 1.5, X'00ff')"),
              ElementsAre("3d6e63af62c9eae2aab893267998979290514312e483ccd14f99e285063a02d6"));
  // Types are part of the digest: 1, 1.0, '1' and X'31' differ.
  EXPECT_THAT(raw.Rows("SELECT count(DISTINCT d) FROM (SELECT pw_row_digest(1) AS d UNION ALL "
                       "SELECT pw_row_digest(1.0) UNION ALL SELECT pw_row_digest('1') UNION ALL "
                       "SELECT pw_row_digest(X'31') UNION ALL SELECT pw_row_digest(NULL))"),
              ElementsAre("5"));
  EXPECT_THAT(raw.Rows("SELECT pw_row_digest('ab', 'c') = pw_row_digest('a', 'bc')"),
              ElementsAre("0"));
}

TEST(AuditTriggersTest, ALaterMigrationAddsTriggersForItsTable) {
  TempDb db;
  SqliteOptions options;
  options.path = db.path();
  auto store = Must(OpenSqliteStore(options));
  {
    RawDb raw(db.path());
    ASSERT_EQ(raw.Exec("CREATE TABLE later_notes (id INTEGER PRIMARY KEY, login TEXT NOT NULL, "
                       "at TEXT NOT NULL); "
                       "SELECT pw_add_audit_triggers('later_notes', 'user', 'login');"),
              SQLITE_OK)
        << raw.last_error();
    EXPECT_EQ(raw.Exec("SELECT pw_add_audit_triggers('audit_events')"), SQLITE_ERROR);
    EXPECT_EQ(raw.last_error(), "table 'audit_events' is bookkeeping and never audited");
    EXPECT_EQ(raw.Exec("SELECT pw_add_audit_triggers('no_such_table')"), SQLITE_ERROR);
    EXPECT_EQ(raw.last_error(), "cannot audit table 'no_such_table': it does not exist");
    EXPECT_EQ(raw.Exec("SELECT pw_add_audit_triggers('later_notes', 'user', 'nobody')"),
              SQLITE_ERROR);
    EXPECT_EQ(raw.last_error(),
              "cannot audit table 'later_notes': subject column 'nobody' does not exist");
  }
  auto connection = Must(sqlite::Connection::Open(db.path(), sqlite::ConnectionOptions{}));
  ASSERT_TRUE(connection->Exec("ALTER TABLE later_notes ADD COLUMN address TEXT").has_value());
  MustOk(sqlite::AddAuditTriggers(*connection, "later_notes",
                                  sqlite::AuditTableSpec{"user", "login", {}}));
  ASSERT_TRUE(connection
                  ->Exec("INSERT INTO later_notes (login, at, address) VALUES ('lan', "
                         "'2025-06-20T08:15:00.123Z', '192.0.2.9')")
                  .has_value());
  connection.reset();

  {
    auto tx = Must(store->Begin());
    MustOk(tx->Commit());
  }
  AuditQuery query;
  query.subject_kind = "user";
  query.subject_id = "lan";
  const auto events = Must(store->AuditEvents(query));
  ASSERT_THAT(events, ::testing::SizeIs(1));
  EXPECT_EQ(events[0].table, "later_notes");
  EXPECT_EQ(events[0].row_key, "1");
  EXPECT_EQ(events[0].operation, "insert");
  RawDb raw(db.path());
  EXPECT_THAT(raw.Rows("SELECT pw_row_digest(id, login, at, address) FROM later_notes"),
              ElementsAre(events[0].after_digest));
}

TEST(AuditTriggersTest, KnownTablesNameTheirSubjects) {
  EXPECT_EQ(sqlite::KnownAuditTableSpec("task_versions")->subject_kind, "task");
  EXPECT_EQ(sqlite::KnownAuditTableSpec("task_versions")->subject_column, "task_id");
  EXPECT_THAT(sqlite::KnownAuditTableSpec("data_values")->key_columns,
              ElementsAre("indicator_id", "unit_id", "period"));
  EXPECT_EQ(sqlite::KnownAuditTableSpec("outbox_attempts")->subject_kind, "outbox");
  EXPECT_FALSE(sqlite::KnownAuditTableSpec("login_attempts").has_value());
  EXPECT_TRUE(sqlite::IsAuditBookkeepingTable("write_clock"));
  EXPECT_TRUE(sqlite::IsAuditBookkeepingTable("sqlite_sequence"));
  // The current values: their versions' events record every change.
  EXPECT_TRUE(sqlite::IsAuditedThroughItsVersions("data_values"));
  EXPECT_FALSE(sqlite::IsAuditedThroughItsVersions("data_value_versions"));
  EXPECT_FALSE(sqlite::IsAuditBookkeepingTable("tasks"));
}

}  // namespace
}  // namespace planwatch
