// Schema version 14: the audit log. Listed in migrations.cc; the triggers it adds are described
// in schema_audit.h.
//
// audit_events is the hash chain (seq is the rowid, so storage order is seq order); its rows
// and the signed heads in audit_checkpoints are append-only, enforced by triggers. That is
// defence in depth: the chain itself, checked by AuditChainVerifier, is the proof. Rows written
// before this version have no events: the chain starts empty.
#include "planwatch/storage/sqlite/schema_audit.h"

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "planwatch/storage/sqlite/statement.h"

namespace planwatch::sqlite {

extern const char kSchemaV14[];
const char kSchemaV14[] = R"sql(
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  tbl TEXT NOT NULL,
  row_key TEXT NOT NULL,
  operation TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  before_digest TEXT NOT NULL,
  after_digest TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (subject_kind, subject_id);

CREATE TABLE audit_checkpoints (
  seq INTEGER PRIMARY KEY,
  head_hash TEXT NOT NULL,
  at TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
);

-- Row changes of the open transaction, not yet chained; empty between transactions.
CREATE TABLE audit_pending (
  id INTEGER PRIMARY KEY,
  tbl TEXT NOT NULL,
  row_key TEXT NOT NULL,
  operation TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  before_digest TEXT NOT NULL,
  after_digest TEXT NOT NULL
);

CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;

SELECT pw_add_audit_triggers('org_units');
SELECT pw_add_audit_triggers('org_unit_versions');
SELECT pw_add_audit_triggers('successions');
SELECT pw_add_audit_triggers('directives');
SELECT pw_add_audit_triggers('plans');
SELECT pw_add_audit_triggers('plan_directives');
SELECT pw_add_audit_triggers('plan_stages');
SELECT pw_add_audit_triggers('task_groups');
SELECT pw_add_audit_triggers('indicators');
SELECT pw_add_audit_triggers('targets');
SELECT pw_add_audit_triggers('target_versions');
SELECT pw_add_audit_triggers('tasks');
SELECT pw_add_audit_triggers('task_coordinating_units');
SELECT pw_add_audit_triggers('task_indicators');
SELECT pw_add_audit_triggers('task_versions');
SELECT pw_add_audit_triggers('task_events');
SELECT pw_add_audit_triggers('data_value_versions');
SELECT pw_add_audit_triggers('data_values');
SELECT pw_add_audit_triggers('users');
SELECT pw_add_audit_triggers('sessions');
SELECT pw_add_audit_triggers('api_tokens');
SELECT pw_add_audit_triggers('evidence_files');
SELECT pw_add_audit_triggers('task_comments');
SELECT pw_add_audit_triggers('signing_keys');
SELECT pw_add_audit_triggers('report_schedules');
SELECT pw_add_audit_triggers('reports');
SELECT pw_add_audit_triggers('report_events');
SELECT pw_add_audit_triggers('urging_rules');
SELECT pw_add_audit_triggers('urgings');
SELECT pw_add_audit_triggers('notifications');
SELECT pw_add_audit_triggers('webhooks');
SELECT pw_add_audit_triggers('outbox');
SELECT pw_add_audit_triggers('outbox_attempts');
SELECT pw_add_audit_triggers('reviews');
SELECT pw_add_audit_triggers('scorecard_weights');
SELECT pw_add_audit_triggers('feedback');
SELECT pw_add_audit_triggers('feedback_events');
SELECT pw_add_audit_triggers('feedback_address_key');
SELECT pw_add_audit_triggers('publications');
SELECT pw_add_audit_triggers('publication_withdrawals');
)sql";

extern const char kSchemaV17[];
// Version 17: each value audited once (IsAuditedThroughItsVersions). data_values (the current
// rows) had triggers of its own beside data_value_versions', so every value written was two
// events of the same change.
const char kSchemaV17[] = R"sql(
DROP TRIGGER IF EXISTS audit_data_values_insert;
DROP TRIGGER IF EXISTS audit_data_values_update;
DROP TRIGGER IF EXISTS audit_data_values_delete;
)sql";

namespace {

struct KnownTable {
  std::string_view table;
  std::string_view subject_kind;
  std::string_view subject_column;
  std::array<std::string_view, 3> key_columns;  // empty names: fewer columns
};

// Whose rows each table holds. A table missing here is audited with the defaults.
constexpr std::array<KnownTable, 39> kKnownTables = {{
    {"org_units", "org_unit", "", {}},
    {"org_unit_versions", "org_unit", "org_unit_id", {}},
    {"successions", "org_unit", "predecessor_id", {}},
    {"directives", "directive", "", {}},
    {"plans", "plan", "", {}},
    {"plan_directives", "plan", "plan_id", {}},
    {"plan_stages", "plan", "plan_id", {}},
    {"task_groups", "plan", "plan_id", {}},
    {"indicators", "indicator", "", {}},
    {"targets", "indicator", "indicator_id", {"indicator_id", "unit_id", "target_date"}},
    {"target_versions", "indicator", "indicator_id", {"indicator_id", "unit_id", "target_date"}},
    {"tasks", "task", "", {}},
    {"task_coordinating_units", "task", "task_id", {}},
    {"task_indicators", "task", "task_id", {}},
    {"task_versions", "task", "task_id", {}},
    {"task_events", "task", "task_id", {}},
    {"evidence_files", "task", "task_id", {}},
    {"task_comments", "task", "task_id", {}},
    {"data_value_versions", "indicator", "indicator_id", {"indicator_id", "unit_id", "period"}},
    {"data_values", "indicator", "indicator_id", {"indicator_id", "unit_id", "period"}},
    {"users", "user", "", {}},
    // The rowid, not id_hash: the log need not name what looks a session up.
    {"sessions", "user", "user_id", {"rowid"}},
    {"api_tokens", "user", "user_id", {}},
    {"signing_keys", "user", "user_id", {}},
    {"report_schedules", "plan", "plan_id", {}},
    {"reports", "report", "", {}},
    {"report_events", "report", "report_id", {}},
    {"urging_rules", "plan", "", {}},
    {"urgings", "urging", "", {}},
    {"notifications", "user", "user_id", {}},
    {"webhooks", "webhook", "", {}},
    {"outbox", "outbox", "", {}},
    {"outbox_attempts", "outbox", "outbox_id", {}},
    {"reviews", "review", "", {}},
    {"scorecard_weights", "plan", "", {}},
    {"feedback", "feedback", "", {}},
    {"feedback_events", "feedback", "feedback_id", {}},
    {"publications", "publication", "dataset", {}},
    {"publication_withdrawals", "publication", "dataset", {}},
}};

constexpr std::array<std::string_view, 7> kBookkeepingTables = {
    "schema_migrations", "write_clock",       "commit_serial", "commit_log",
    "audit_events",      "audit_checkpoints", "audit_pending"};

bool IsPlainName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// `column` of the NEW or OLD row as text; NULL reads as empty.
std::string AsText(std::string_view row, std::string_view column) {
  if (column == "rowid") return "CAST(" + std::string(row) + ".rowid AS TEXT)";
  return "ifnull(CAST(" + std::string(row) + ".\"" + std::string(column) + "\" AS TEXT), '')";
}

std::string Digest(std::string_view row, const std::vector<std::string>& columns) {
  std::string sql = "pw_row_digest(";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += std::string(row) + ".\"" + columns[i] + "\"";
  }
  return sql + ")";
}

Status ExecOn(sqlite3* db, const std::string& sql, std::string_view context) {
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db, rc, context));
  return {};
}

Status AddTriggers(sqlite3* db, std::string_view table, const AuditTableSpec& spec) {
  const std::string name(table);
  if (!IsPlainName(table)) {
    return InvalidArgument("cannot audit table '" + name + "': not a plain table name");
  }
  if (IsAuditBookkeepingTable(table)) {
    return InvalidArgument("table '" + name + "' is bookkeeping and never audited");
  }
  std::vector<std::string> columns;
  std::vector<std::pair<int, std::string>> primary_key;
  {
    sqlite3_stmt* raw = nullptr;
    const char kColumns[] = "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid";
    const int rc = sqlite3_prepare_v2(db, kColumns, -1, &raw, nullptr);
    // Declared before `stmt`, which resets it: finalized after.
    Cursor cursor(db, raw);
    if (rc != SQLITE_OK) return std::unexpected(SqliteError(db, rc, kColumns));
    Statement stmt(&cursor);
    stmt.BindText(1, table);
    Status read = [&]() -> Status {
      while (true) {
        auto row = stmt.Step();
        if (!row) return std::unexpected(std::move(row).error());
        if (!*row) return {};
        columns.push_back(stmt.Text(0));
        if (stmt.Int(1) > 0) primary_key.emplace_back(stmt.Int(1), stmt.Text(0));
      }
    }();
    if (!read) return read;
  }
  if (columns.empty()) return NotFound("cannot audit table '" + name + "': it does not exist");
  for (const std::string& column : columns) {
    if (!IsPlainName(column)) {
      return InvalidArgument("cannot audit table '" + name + "': column '" + column +
                             "' is not a plain name");
    }
  }
  auto has_column = [&](std::string_view column) {
    return column == "rowid" || std::find(columns.begin(), columns.end(), column) != columns.end();
  };

  std::vector<std::string> key = spec.key_columns;
  if (key.empty()) {
    std::sort(primary_key.begin(), primary_key.end());
    for (auto& [position, column] : primary_key) key.push_back(std::move(column));
  }
  if (key.empty()) key.push_back("rowid");
  for (const std::string& column : key) {
    if (!has_column(column)) {
      return InvalidArgument("cannot audit table '" + name + "': key column '" + column +
                             "' does not exist");
    }
  }
  if (!spec.subject_column.empty() && !has_column(spec.subject_column)) {
    return InvalidArgument("cannot audit table '" + name + "': subject column '" +
                           spec.subject_column + "' does not exist");
  }
  const std::string kind = spec.subject_kind.empty() ? name : spec.subject_kind;
  if (!IsPlainName(kind)) {
    return InvalidArgument("cannot audit table '" + name + "': subject kind '" + kind +
                           "' is not a plain name");
  }

  auto row_key = [&](std::string_view row) {
    std::string sql;
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (i > 0) sql += " || '/' || ";
      sql += AsText(row, key[i]);
    }
    return sql;
  };
  auto subject = [&](std::string_view row) {
    return spec.subject_column.empty() ? row_key(row) : AsText(row, spec.subject_column);
  };

  std::string sql;
  struct Operation {
    const char* name;
    const char* event;
    const char* row;  // the row that names the key and subject
  };
  for (const Operation& op :
       {Operation{"insert", "INSERT", "NEW"}, Operation{"update", "UPDATE", "NEW"},
        Operation{"delete", "DELETE", "OLD"}}) {
    const std::string trigger = "audit_" + name + "_" + op.name;
    const std::string before = std::strcmp(op.name, "insert") == 0 ? "''" : Digest("OLD", columns);
    const std::string after = std::strcmp(op.name, "delete") == 0 ? "''" : Digest("NEW", columns);
    sql += "DROP TRIGGER IF EXISTS " + trigger + ";\n";
    sql += "CREATE TRIGGER " + trigger + " AFTER " + op.event + " ON \"" + name +
           "\" BEGIN INSERT INTO audit_pending (tbl, row_key, operation, subject_kind, "
           "subject_id, before_digest, after_digest) VALUES ('" +
           name + "', " + row_key(op.row) + ", '" + op.name + "', '" + kind + "', " +
           subject(op.row) + ", " + before + ", " + after + "); END;\n";
  }
  return ExecOn(db, sql, "creating the audit triggers of '" + name + "'");
}

AuditTableSpec SpecOf(std::string_view table) {
  return KnownAuditTableSpec(table).value_or(AuditTableSpec{});
}

// Appends `value` as 8 big-endian bytes.
void AppendUint64(unsigned char* out, std::uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
}

// pw_row_digest(v1, v2, ...): see schema_audit.h.
void RowDigest(sqlite3_context* context, int argc, sqlite3_value** argv) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (int i = 0; i < argc; ++i) {
    unsigned char head[9];
    std::size_t head_size = 1;
    const unsigned char* bytes = nullptr;
    std::size_t size = 0;
    switch (sqlite3_value_type(argv[i])) {
      case SQLITE_NULL:
        head[0] = 'N';
        break;
      case SQLITE_INTEGER:
        head[0] = 'I';
        AppendUint64(head + 1, static_cast<std::uint64_t>(sqlite3_value_int64(argv[i])));
        head_size = 9;
        break;
      case SQLITE_FLOAT: {
        const double value = sqlite3_value_double(argv[i]);
        std::uint64_t bits = 0;
        std::memcpy(&bits, &value, sizeof bits);
        head[0] = 'R';
        AppendUint64(head + 1, bits);
        head_size = 9;
        break;
      }
      case SQLITE_TEXT:
        head[0] = 'T';
        bytes = sqlite3_value_text(argv[i]);
        size = static_cast<std::size_t>(sqlite3_value_bytes(argv[i]));
        AppendUint64(head + 1, size);
        head_size = 9;
        break;
      default:
        head[0] = 'B';
        bytes = static_cast<const unsigned char*>(sqlite3_value_blob(argv[i]));
        size = static_cast<std::size_t>(sqlite3_value_bytes(argv[i]));
        AppendUint64(head + 1, size);
        head_size = 9;
        break;
    }
    crypto_hash_sha256_update(&state, head, head_size);
    if (size > 0) crypto_hash_sha256_update(&state, bytes, size);
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  sqlite3_result_text(context, hex, crypto_hash_sha256_BYTES * 2, SQLITE_TRANSIENT);
}

std::string_view TextArg(sqlite3_value* value) {
  const auto* text = sqlite3_value_text(value);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

// pw_add_audit_triggers(table [, subject_kind, subject_column]).
void AddAuditTriggersFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
  const std::string_view table = TextArg(argv[0]);
  AuditTableSpec spec = SpecOf(table);
  if (argc == 3) {
    spec.subject_kind = std::string(TextArg(argv[1]));
    spec.subject_column = std::string(TextArg(argv[2]));
  }
  Status added = AddTriggers(sqlite3_context_db_handle(context), table, spec);
  if (!added) {
    sqlite3_result_error(context, added.error().message.c_str(), -1);
    return;
  }
  sqlite3_result_null(context);
}

int AuditExtension(sqlite3* db, const char** /*error*/, const sqlite3_api_routines* /*api*/) {
  int rc = sqlite3_create_function_v2(db, "pw_row_digest", -1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, RowDigest, nullptr, nullptr, nullptr);
  for (int argc : {1, 3}) {
    if (rc == SQLITE_OK) {
      rc = sqlite3_create_function_v2(db, "pw_add_audit_triggers", argc,
                                      SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr,
                                      AddAuditTriggersFunction, nullptr, nullptr, nullptr);
    }
  }
  return rc;
}

}  // namespace

std::optional<AuditTableSpec> KnownAuditTableSpec(std::string_view table) {
  for (const KnownTable& known : kKnownTables) {
    if (known.table != table) continue;
    AuditTableSpec spec;
    spec.subject_kind = std::string(known.subject_kind);
    spec.subject_column = std::string(known.subject_column);
    for (std::string_view column : known.key_columns) {
      if (!column.empty()) spec.key_columns.emplace_back(column);
    }
    return spec;
  }
  return std::nullopt;
}

bool IsAuditBookkeepingTable(std::string_view table) {
  return table.starts_with("sqlite_") ||
         std::find(kBookkeepingTables.begin(), kBookkeepingTables.end(), table) !=
             kBookkeepingTables.end();
}

bool IsAuditedThroughItsVersions(std::string_view table) { return table == "data_values"; }

Status AddAuditTriggers(Connection& connection, std::string_view table) {
  return AddTriggers(connection.handle(), table, SpecOf(table));
}

Status AddAuditTriggers(Connection& connection, std::string_view table,
                        const AuditTableSpec& spec) {
  return AddTriggers(connection.handle(), table, spec);
}

Status RegisterAuditFunctions() {
  // The cast to void(*)(void) is how sqlite3_auto_extension takes every entry point; it
  // ignores one already registered.
  const int rc = sqlite3_auto_extension(reinterpret_cast<void (*)()>(&AuditExtension));
  if (rc != SQLITE_OK) {
    return Internal("cannot register the audit SQL functions: " + std::string(sqlite3_errstr(rc)));
  }
  return {};
}

}  // namespace planwatch::sqlite
