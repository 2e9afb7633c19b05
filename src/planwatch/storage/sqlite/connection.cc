#include "planwatch/storage/sqlite/connection.h"

#include <utility>

namespace planwatch::sqlite {

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const ConnectionOptions& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  // The handle owns resources even when opening failed.
  std::unique_ptr<Connection> connection(new Connection(db));
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db, rc, "opening '" + path + "'"));

  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  {
    auto mode = connection->Prepare("PRAGMA journal_mode=WAL");
    if (!mode) return std::unexpected(std::move(mode).error());
    auto row = mode->Step();
    if (!row) return std::unexpected(std::move(row).error());
    const std::string journal = *row ? mode->Text(0) : "";
    if (journal != "wal") {
      return Fail(ErrorCode::kFailedPrecondition,
                  "cannot enable WAL on '" + path + "' (journal mode is '" + journal + "')");
    }
  }
  if (auto s = connection->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !s) {
    return std::unexpected(std::move(s).error());
  }
  return connection;
}

Connection::~Connection() {
  statements_.clear();
  sqlite3_close(db_);
}

Status Connection::Exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, text));
  return {};
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return std::unexpected(SqliteError(db_, rc, "preparing " + std::string(sql)));
    }
    it = statements_.emplace(std::string(sql), std::make_unique<Cursor>(db_, stmt)).first;
  }
  return Statement(it->second.get());
}

}  // namespace planwatch::sqlite
