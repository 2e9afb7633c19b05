// The audit log's schema (version 14, schema_audit.cc) and the triggers that turn every row
// change into an audit event. Internal to storage/sqlite.
//
// Every table except the bookkeeping ones (IsAuditBookkeepingTable) carries three triggers,
// audit_<table>_insert, audit_<table>_update and audit_<table>_delete, generated from the
// table's columns. Each appends a row to audit_pending: the table, the row's key, the
// operation, the subject the row belongs to and the digests of the row before and after,
// computed by pw_row_digest over every column. The engine turns pending rows into chained
// events (audit_events) before the transaction commits.
//
// A migration that creates a table must add its triggers, and one that adds a column must add
// them again so that the digests cover it: from C++ with AddAuditTriggers(), or from the
// migration's SQL with `SELECT pw_add_audit_triggers('table');` (the spec of a table known to
// this file) or `SELECT pw_add_audit_triggers('table', 'subject_kind', 'subject_column');`.
// storage_test fails for a table without them or with a column they miss.
//
// SQL functions (RegisterAuditFunctions makes them exist on every connection):
//   pw_row_digest(v1, v2, ...)  lower-case hex SHA-256 over the values, each type-tagged
//                               (NULL, integer, real, text, blob) and length-prefixed, so no two
//                               different rows digest alike. Deterministic.
//   pw_add_audit_triggers(table [, subject_kind, subject_column])  AddAuditTriggers; returns
//                               NULL. Callable only from top-level SQL (not from triggers or
//                               views).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/storage/sqlite/connection.h"

namespace planwatch::sqlite {

// Whose rows a table holds, for the audit events of their changes.
struct AuditTableSpec {
  std::string subject_kind;              // "task", "org_unit", ...; empty: the table's name
  std::string subject_column;            // the subject's id column; empty: the row key
  std::vector<std::string> key_columns;  // the row key, joined by '/'; empty: the primary
                                         // key's columns (the rowid when there is none)
};

// The spec this binary knows for `table`; none for a table it does not know (audited with the
// defaults: subject kind = the table's name, subject id = the row key).
std::optional<AuditTableSpec> KnownAuditTableSpec(std::string_view table);

// schema_migrations, write_clock, commit_serial, commit_log, audit_events, audit_checkpoints,
// audit_pending and SQLite's own sqlite_* tables: never audited.
bool IsAuditBookkeepingTable(std::string_view table);

// data_values: the current row of each value, written from that value's data_value_versions row
// in the same statement (put, bulk put and delete alike), whose event records the change. Its own
// triggers, added by version 14, are dropped by version 17; a migration that changes its columns
// must not add them again.
bool IsAuditedThroughItsVersions(std::string_view table);

// (Re)creates the three audit triggers of `table` over every column it has now, with the known
// spec (or the defaults). invalid_argument for a bookkeeping table, a name that is not
// [a-z0-9_]+, or a spec column the table does not have; not_found when the table does not
// exist; internal when the SQL fails.
Status AddAuditTriggers(Connection& connection, std::string_view table);
Status AddAuditTriggers(Connection& connection, std::string_view table, const AuditTableSpec& spec);

// Registers pw_row_digest and pw_add_audit_triggers as an automatic extension, so that every
// SQLite connection the process opens from now on has them: the engine's connections, and
// any other one that writes to the file (whose writes then stay audited instead of failing
// with "no such function"). Outside the process (the sqlite3 shell) audited tables cannot be
// written without dropping the triggers. Idempotent and thread-safe; internal when SQLite
// refuses.
Status RegisterAuditFunctions();

}  // namespace planwatch::sqlite
