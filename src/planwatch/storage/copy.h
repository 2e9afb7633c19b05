// Copying a province's SQLite database into PostgreSQL (`planwatch migrate`): every row of
// every table, ids, history, accounts and the audit chain included, in one PostgreSQL
// transaction. The comparison of the two afterwards is the caller's (cli/migrate_command.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"

namespace planwatch {

struct CopiedTable {
  std::string table;
  std::int64_t rows = 0;
};

// Called after each table.
using CopyProgress = std::function<void(const CopiedTable&)>;

// Migrates both databases to the latest schema, then copies every table of the SQLite file
// `from` into the PostgreSQL database `to` (a postgresql:// URI) in one transaction: nothing is
// kept when anything fails. The identity sequences are moved past the copied ids. Triggers
// (audit, guards) and foreign keys are not run for the copied rows when the role may switch them
// off (session_replication_role, a superuser's); otherwise they run, and the rows the audit
// triggers record are dropped (the copied chain already holds those changes). After the commit
// the target is ANALYZEd, so that its first queries are planned with statistics.
// not_found when `from` does not exist; failed_precondition when `to` already holds data (a
// unit, a user, a value, an audit event); what opening either database gives otherwise.
Result<std::vector<CopiedTable>> CopySqliteToPostgres(const std::string& from, std::string_view to,
                                                      const CopyProgress& progress = {});

}  // namespace planwatch
