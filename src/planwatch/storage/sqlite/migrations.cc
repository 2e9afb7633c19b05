#include "planwatch/storage/sqlite/migrations.h"

#include <array>
#include <string>

#include "planwatch/storage/sql/status_macros.h"
#include "planwatch/storage/sql/timestamp.h"

namespace planwatch::sqlite {

// Versions 7–13 live beside the code that uses their tables.
extern const char kSchemaV7[];   // schema_signing.cc
extern const char kSchemaV8[];   // schema_reports.cc
extern const char kSchemaV9[];   // schema_urging.cc
extern const char kSchemaV10[];  // schema_reviews.cc
extern const char kSchemaV11[];  // schema_feedback.cc
extern const char kSchemaV12[];  // schema_analytics.cc
extern const char kSchemaV13[];  // schema_publications.cc
extern const char kSchemaV14[];  // schema_audit.cc
extern const char kSchemaV15[];  // schema_login.cc
extern const char kSchemaV16[];  // schema_analytics.cc
extern const char kSchemaV17[];  // schema_audit.cc

namespace {

// Version 1: every model table, the history tables and the ledgers.
// Conventions: ids are INTEGER PRIMARY KEY; "none" ids are NULL; dates are TEXT YYYY-MM-DD;
// enums are TEXT names from the domain; instants are TEXT YYYY-MM-DDTHH:MM:SS.mmmZ (UTC).
// Lists keep their order in a `position` column. History tables and ledgers are append-only,
// enforced by triggers.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE write_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_stamp_ms INTEGER NOT NULL
);
INSERT INTO write_clock (id, last_stamp_ms) VALUES (1, 0);

CREATE TABLE org_units (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL,
  type TEXT NOT NULL,
  parent_id INTEGER REFERENCES org_units (id),
  leader_name TEXT NOT NULL,
  leader_title TEXT NOT NULL,
  valid_from TEXT,
  valid_to TEXT,
  version INTEGER NOT NULL,
  stored_at TEXT NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE org_unit_versions (
  org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
  version INTEGER NOT NULL,
  code TEXT NOT NULL,
  name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL,
  type TEXT NOT NULL,
  parent_id INTEGER,
  leader_name TEXT NOT NULL,
  leader_title TEXT NOT NULL,
  valid_from TEXT,
  valid_to TEXT,
  stored_at TEXT NOT NULL,
  superseded_at TEXT NOT NULL,
  PRIMARY KEY (org_unit_id, version)
);

CREATE TABLE successions (
  predecessor_id INTEGER NOT NULL REFERENCES org_units (id),
  successor_id INTEGER NOT NULL REFERENCES org_units (id),
  effective_on TEXT NOT NULL,
  PRIMARY KEY (predecessor_id, successor_id)
);

CREATE TABLE directives (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  issuer TEXT NOT NULL,
  issued_on TEXT,
  title_vi TEXT NOT NULL,
  title_en TEXT NOT NULL,
  url TEXT NOT NULL
);

CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  title_vi TEXT NOT NULL,
  title_en TEXT NOT NULL,
  issuer_id INTEGER REFERENCES org_units (id),
  parent_id INTEGER REFERENCES plans (id),
  start_on TEXT,
  end_on TEXT,
  standing_agency_id INTEGER REFERENCES org_units (id)
);

CREATE TABLE plan_directives (
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  position INTEGER NOT NULL,
  directive_id INTEGER NOT NULL REFERENCES directives (id),
  PRIMARY KEY (plan_id, position)
);

CREATE TABLE plan_stages (
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  position INTEGER NOT NULL,
  stage TEXT NOT NULL,
  PRIMARY KEY (plan_id, position)
);

CREATE TABLE task_groups (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  code TEXT NOT NULL,
  title_vi TEXT NOT NULL,
  title_en TEXT NOT NULL,
  display_order INTEGER NOT NULL,
  parent_id INTEGER REFERENCES task_groups (id),
  UNIQUE (plan_id, code)
);

CREATE TABLE indicators (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name_vi TEXT NOT NULL,
  name_en TEXT NOT NULL,
  unit_of_measure TEXT NOT NULL,
  indicator_class TEXT NOT NULL,
  value_type TEXT NOT NULL,
  unit_aggregation TEXT NOT NULL,
  numerator_id INTEGER REFERENCES indicators (id),
  denominator_id INTEGER REFERENCES indicators (id),
  factor REAL NOT NULL,
  time_aggregation TEXT NOT NULL,
  direction TEXT NOT NULL,
  period_type TEXT NOT NULL,
  baseline_value REAL,
  baseline_date TEXT,
  min_value REAL,
  max_value REAL,
  at_risk_threshold REAL NOT NULL,
  data_source TEXT NOT NULL,
  responsible_unit_id INTEGER REFERENCES org_units (id)
);

CREATE TABLE targets (
  indicator_id INTEGER NOT NULL REFERENCES indicators (id),
  unit_id INTEGER REFERENCES org_units (id),
  target_date TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE UNIQUE INDEX targets_key ON targets (indicator_id, ifnull(unit_id, 0), target_date);

CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  group_id INTEGER REFERENCES task_groups (id),
  code TEXT NOT NULL,
  title_vi TEXT NOT NULL,
  title_en TEXT NOT NULL,
  description TEXT NOT NULL,
  parent_id INTEGER REFERENCES tasks (id),
  lead_unit_id INTEGER REFERENCES org_units (id),
  kind TEXT NOT NULL,
  assigned_on TEXT NOT NULL,
  start_on TEXT,
  deadline TEXT,
  cadence TEXT,
  expected_output TEXT NOT NULL,
  priority INTEGER NOT NULL,
  classified INTEGER NOT NULL,
  version INTEGER NOT NULL,
  stored_at TEXT NOT NULL,
  UNIQUE (plan_id, code)
);
CREATE INDEX tasks_parent ON tasks (parent_id);

CREATE TABLE task_coordinating_units (
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  position INTEGER NOT NULL,
  org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
  PRIMARY KEY (task_id, position)
);

CREATE TABLE task_indicators (
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  position INTEGER NOT NULL,
  indicator_id INTEGER NOT NULL REFERENCES indicators (id),
  PRIMARY KEY (task_id, position)
);

-- Every superseded version of a task; lists as comma-separated ids in their order.
CREATE TABLE task_versions (
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  version INTEGER NOT NULL,
  plan_id INTEGER NOT NULL,
  group_id INTEGER,
  code TEXT NOT NULL,
  title_vi TEXT NOT NULL,
  title_en TEXT NOT NULL,
  description TEXT NOT NULL,
  parent_id INTEGER,
  lead_unit_id INTEGER,
  coordinating_unit_ids TEXT NOT NULL,
  kind TEXT NOT NULL,
  assigned_on TEXT NOT NULL,
  start_on TEXT,
  deadline TEXT,
  cadence TEXT,
  expected_output TEXT NOT NULL,
  priority INTEGER NOT NULL,
  indicator_ids TEXT NOT NULL,
  classified INTEGER NOT NULL,
  stored_at TEXT NOT NULL,
  superseded_at TEXT NOT NULL,
  PRIMARY KEY (task_id, version)
);

-- The task ledger; `sequence` is the append order.
CREATE TABLE task_events (
  sequence INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  kind TEXT NOT NULL,
  on_date TEXT NOT NULL,
  progress_percent INTEGER,
  completed_on TEXT,
  new_deadline TEXT,
  period TEXT,
  actor TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  difficulties TEXT NOT NULL,
  proposals TEXT NOT NULL,
  evidence TEXT NOT NULL,
  stored_at TEXT NOT NULL
);
CREATE INDEX task_events_task ON task_events (task_id, sequence);

-- Every data value ever stored; the value as of T is the latest version with stored_at <= T.
-- A period is identified by (period_start, period_rank): its first day and its type, 0 for a
-- year to 3 for a month, which is also the order periods sort in.
CREATE TABLE data_value_versions (
  sequence INTEGER PRIMARY KEY,
  indicator_id INTEGER NOT NULL REFERENCES indicators (id),
  unit_id INTEGER NOT NULL REFERENCES org_units (id),
  period TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_rank INTEGER NOT NULL,
  value REAL NOT NULL,
  comment TEXT NOT NULL,
  state TEXT NOT NULL,
  stored_by TEXT NOT NULL,
  stored_at TEXT NOT NULL
);
CREATE INDEX data_value_versions_key
  ON data_value_versions (indicator_id, unit_id, period_start, period_rank, sequence);

-- The current version of each value.
CREATE TABLE data_values (
  indicator_id INTEGER NOT NULL REFERENCES indicators (id),
  unit_id INTEGER NOT NULL REFERENCES org_units (id),
  period_start TEXT NOT NULL,
  period_rank INTEGER NOT NULL,
  period TEXT NOT NULL,
  value REAL NOT NULL,
  comment TEXT NOT NULL,
  state TEXT NOT NULL,
  stored_by TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  version_sequence INTEGER NOT NULL REFERENCES data_value_versions (sequence),
  PRIMARY KEY (indicator_id, unit_id, period_start, period_rank)
);

CREATE TRIGGER task_events_append_only_update BEFORE UPDATE ON task_events
  BEGIN SELECT RAISE(ABORT, 'task_events is append-only'); END;
CREATE TRIGGER task_events_append_only_delete BEFORE DELETE ON task_events
  BEGIN SELECT RAISE(ABORT, 'task_events is append-only'); END;
CREATE TRIGGER task_versions_append_only_update BEFORE UPDATE ON task_versions
  BEGIN SELECT RAISE(ABORT, 'task_versions is append-only'); END;
CREATE TRIGGER task_versions_append_only_delete BEFORE DELETE ON task_versions
  BEGIN SELECT RAISE(ABORT, 'task_versions is append-only'); END;
CREATE TRIGGER org_unit_versions_append_only_update BEFORE UPDATE ON org_unit_versions
  BEGIN SELECT RAISE(ABORT, 'org_unit_versions is append-only'); END;
CREATE TRIGGER org_unit_versions_append_only_delete BEFORE DELETE ON org_unit_versions
  BEGIN SELECT RAISE(ABORT, 'org_unit_versions is append-only'); END;
CREATE TRIGGER data_value_versions_append_only_update BEFORE UPDATE ON data_value_versions
  BEGIN SELECT RAISE(ABORT, 'data_value_versions is append-only'); END;
CREATE TRIGGER data_value_versions_append_only_delete BEFORE DELETE ON data_value_versions
  BEGIN SELECT RAISE(ABORT, 'data_value_versions is append-only'); END;
)sql";

// Version 2: an index for TasksAsOf, which reads one plan's archived task versions. A version is
// current at T when stored_at <= T < superseded_at; for the recent instants most reads ask
// about, superseded_at > T is the selective bound. (OrgUnitsAsOf reads every unit, in id order:
// the primary key serves it.) Every row already carries the instant it became current
// (stored_at, written since version 1), so nothing is backfilled.
constexpr char kSchemaV2[] = R"sql(
CREATE INDEX task_versions_plan_superseded ON task_versions (plan_id, superseded_at);
)sql";

// Version 3: an amendment may change a task's lead unit from its approval date on. NULL is
// "unchanged", which is also what every event written before this version meant, so nothing is
// backfilled. (With foreign keys on, an added REFERENCES column must default to NULL, as this
// one does.) Adding a column rewrites no row, so the append-only triggers neither fire nor change.
constexpr char kSchemaV3[] = R"sql(
ALTER TABLE task_events ADD COLUMN new_lead_unit_id INTEGER REFERENCES org_units (id);
)sql";

// Version 4: target history. targets.stored_at is the instant the current value became
// current; target_versions (append-only) keeps every superseded value with the instant it stopped
// being current, as task_versions does. Targets written before this version carry no instant;
// the best one available is the last stamp the write clock issued: every Put takes a stamp, so the
// transaction that wrote a target's value had one no later than that, and the value is known to
// hold from then on. Before it the store cannot tell, so as-of reads leave such targets out.
// Later writes are stamped after it, so every interval stays non-empty and contiguous.
constexpr char kSchemaV4[] = R"sql(
ALTER TABLE targets ADD COLUMN stored_at TEXT NOT NULL DEFAULT '';
UPDATE targets SET stored_at = (
  SELECT strftime('%Y-%m-%dT%H:%M:%S', last_stamp_ms / 1000, 'unixepoch') ||
         printf('.%03dZ', last_stamp_ms % 1000)
  FROM write_clock WHERE id = 1);

-- Every superseded value of a target; `sequence` is the append order, so one key's versions sort
-- oldest first even when several share a transaction's instant.
CREATE TABLE target_versions (
  sequence INTEGER PRIMARY KEY,
  indicator_id INTEGER NOT NULL REFERENCES indicators (id),
  unit_id INTEGER REFERENCES org_units (id),
  target_date TEXT NOT NULL,
  value REAL NOT NULL,
  stored_at TEXT NOT NULL,
  superseded_at TEXT NOT NULL
);
CREATE INDEX target_versions_key
  ON target_versions (indicator_id, ifnull(unit_id, 0), target_date, sequence);
CREATE INDEX target_versions_superseded ON target_versions (superseded_at);

CREATE TRIGGER target_versions_append_only_update BEFORE UPDATE ON target_versions
  BEGIN SELECT RAISE(ABORT, 'target_versions is append-only'); END;
CREATE TRIGGER target_versions_append_only_delete BEFORE DELETE ON target_versions
  BEGIN SELECT RAISE(ABORT, 'target_versions is append-only'); END;
)sql";

// Version 5: soft deletes, deleted data values, accounts and evidence files.
// - directives, plans, task_groups and indicators get deleted_at: NULL while live, otherwise the
//   instant of the transaction that deleted the row, which is the record of the delete. Their
//   UNIQUE constraints stay as they are, so a deleted row's code stays taken.
// - data_value_versions gets `deleted`: 1 on the version that ended a value (a tombstone). Every
//   version written before this one is an ordinary value, so the default 0 is right for them.
//   Adding a column rewrites no row: the append-only triggers neither fire nor change.
// - users (role as the domain's role name), sessions (by the hash of their id), api_tokens and
//   evidence_files (content kept as a BLOB; append-only, as it documents a task's output).
constexpr char kSchemaV5[] = R"sql(
ALTER TABLE directives ADD COLUMN deleted_at TEXT;
ALTER TABLE plans ADD COLUMN deleted_at TEXT;
ALTER TABLE task_groups ADD COLUMN deleted_at TEXT;
ALTER TABLE indicators ADD COLUMN deleted_at TEXT;

ALTER TABLE data_value_versions ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0
  CHECK (deleted IN (0, 1));

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE CHECK (login <> ''),
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'steering', 'standing_agency', 'unit_leader',
                                     'unit_officer', 'viewer')),
  org_unit_id INTEGER REFERENCES org_units (id),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
  created_at TEXT NOT NULL
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY CHECK (id_hash <> ''),
  user_id INTEGER NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE CHECK (token_hash <> ''),
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

CREATE TABLE evidence_files (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  content BLOB NOT NULL
);
CREATE INDEX evidence_files_task ON evidence_files (task_id, id);

CREATE TRIGGER evidence_files_append_only_update BEFORE UPDATE ON evidence_files
  BEGIN SELECT RAISE(ABORT, 'evidence_files is append-only'); END;
CREATE TRIGGER evidence_files_append_only_delete BEFORE DELETE ON evidence_files
  BEGIN SELECT RAISE(ABORT, 'evidence_files is append-only'); END;
)sql";

// Version 6: comments on tasks (append-only).
constexpr char kSchemaV6[] = R"sql(
CREATE TABLE task_comments (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL REFERENCES tasks (id),
  author TEXT NOT NULL,
  author_name TEXT NOT NULL,
  body TEXT NOT NULL CHECK (body <> ''),
  created_at TEXT NOT NULL
);
CREATE INDEX task_comments_task ON task_comments (task_id, id);

CREATE TRIGGER task_comments_append_only_update BEFORE UPDATE ON task_comments
  BEGIN SELECT RAISE(ABORT, 'task_comments is append-only'); END;
CREATE TRIGGER task_comments_append_only_delete BEFORE DELETE ON task_comments
  BEGIN SELECT RAISE(ABORT, 'task_comments is append-only'); END;
)sql";

constexpr std::array<Migration, 17> kMigrations = {{
    {1, "initial schema", kSchemaV1},
    {2, "as-of index on task versions", kSchemaV2},
    {3, "new lead unit of amend events", kSchemaV3},
    {4, "target history", kSchemaV4},
    {5, "soft deletes, accounts and evidence files", kSchemaV5},
    {6, "task comments", kSchemaV6},
    {7, "signing keys", kSchemaV7},
    {8, "periodic reports", kSchemaV8},
    {9, "urging, notifications and the delivery outbox", kSchemaV9},
    {10, "reviews", kSchemaV10},
    {11, "feedback", kSchemaV11},
    {12, "commit serial", kSchemaV12},
    {13, "publications", kSchemaV13},
    {14, "audit log", kSchemaV14},
    {15, "sign-in attempts and session activity", kSchemaV15},
    {16, "commit log", kSchemaV16},
    {17, "values audited once", kSchemaV17},
}};

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";
constexpr char kHasMigrationsTable[] =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'";
constexpr char kCountTables[] =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
constexpr char kMaxVersion[] = "SELECT ifnull(max(version), 0) FROM schema_migrations";
constexpr char kRecordVersion[] =
    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)";

Result<std::int64_t> SingleInt(Connection& connection, const char* sql) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  PW_SQL_ASSIGN(bool row, stmt.Step());
  if (!row) return Internal(std::string("no row from ") + sql);
  return stmt.Int(0);
}

// Runs `body` in an IMMEDIATE transaction; rolls back when it fails.
template <typename Body>
Status InImmediateTransaction(Connection& connection, Body body) {
  PW_SQL_TRY(connection.Exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (status) status = connection.Exec("COMMIT");
  if (!status && connection.InTransaction()) (void)connection.Exec("ROLLBACK");
  return status;
}

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

Result<int> CurrentSchemaVersion(Connection& connection) {
  PW_SQL_ASSIGN(std::int64_t has_table, SingleInt(connection, kHasMigrationsTable));
  if (has_table == 0) return 0;
  PW_SQL_ASSIGN(std::int64_t version, SingleInt(connection, kMaxVersion));
  return static_cast<int>(version);
}

Result<int> ApplyMigrations(Connection& connection, std::span<const Migration> migrations,
                            std::int64_t now_ms) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return Internal("migration '" + std::string(migrations[i].name) + "' has version " +
                      std::to_string(migrations[i].version) + ", expected " +
                      std::to_string(i + 1));
    }
  }
  const int latest = static_cast<int>(migrations.size());

  // Creating the bookkeeping table and checking what the file holds is one transaction, so two
  // processes opening a new file at once agree on what they found.
  PW_SQL_TRY(InImmediateTransaction(connection, [&]() -> Status {
    PW_SQL_ASSIGN(std::int64_t has_table, SingleInt(connection, kHasMigrationsTable));
    if (has_table == 0) {
      PW_SQL_ASSIGN(std::int64_t tables, SingleInt(connection, kCountTables));
      if (tables > 0) {
        return Fail(ErrorCode::kFailedPrecondition,
                    "not a planwatch database: it has tables but no schema_migrations");
      }
      PW_SQL_TRY(connection.Exec(kCreateMigrationsTable));
    }
    return {};
  }));

  while (true) {
    int version = 0;
    PW_SQL_TRY(InImmediateTransaction(connection, [&]() -> Status {
      PW_SQL_ASSIGN(version, CurrentSchemaVersion(connection));
      if (version > latest) {
        return Fail(ErrorCode::kFailedPrecondition,
                    "the database has schema version " + std::to_string(version) +
                        ", newer than version " + std::to_string(latest) + " known to this binary");
      }
      if (version == latest) return {};
      const Migration& next = migrations[static_cast<std::size_t>(version)];
      if (auto applied = connection.Exec(next.sql); !applied) {
        // A busy database stays transient; any other failure is a broken migration.
        const ErrorCode code = applied.error().code == ErrorCode::kUnavailable
                                   ? ErrorCode::kUnavailable
                                   : ErrorCode::kInternal;
        return Fail(code, "migration " + std::to_string(next.version) + " (" +
                              std::string(next.name) + ") failed: " + applied.error().message);
      }
      PW_SQL_ASSIGN(auto record, connection.Prepare(kRecordVersion));
      record.BindInt(1, next.version);
      record.BindText(2, sql::FormatTimestamp(now_ms));
      PW_SQL_TRY(record.Run());
      version = next.version;
      return {};
    }));
    if (version == latest) return latest;
  }
}

}  // namespace planwatch::sqlite
