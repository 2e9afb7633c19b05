#include "planwatch/storage/postgres/connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>

namespace planwatch::postgres {
namespace {

bool IsPlainName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string DoubleText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  std::array<char, 32> buffer;
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), ec == std::errc() ? end : buffer.data());
}

// The password a URL or keyword/value string carries, found without libpq so that it can be
// removed from libpq's messages even when the text does not parse.
std::vector<std::string> PasswordsIn(std::string_view url) {
  std::vector<std::string> out;
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    std::string_view rest = url.substr(scheme + 3);
    const auto at = rest.rfind('@', rest.find('/'));
    if (at != std::string_view::npos) {
      std::string_view user_info = rest.substr(0, at);
      if (auto colon = user_info.find(':'); colon != std::string_view::npos) {
        out.emplace_back(user_info.substr(colon + 1));
      }
    }
  }
  for (std::string_view key : {"password=", "password%3D"}) {
    for (auto pos = url.find(key); pos != std::string_view::npos; pos = url.find(key, pos + 1)) {
      std::string_view value = url.substr(pos + key.size());
      value = value.substr(0, value.find_first_of(" &"));
      if (!value.empty()) out.emplace_back(value);
    }
  }
  return out;
}

std::string Scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
      text.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  // libpq ends its messages with a newline and indents hints with tabs: one line reads better.
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\t', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using OwnedResult = std::unique_ptr<PGresult, ResultDeleter>;

bool Succeeded(const PGresult* result) {
  if (result == nullptr) return false;
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

void AppendCopyEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `sql` with the shared SQL's parameters (?1, ?2, ..., or a bare ? numbered in order) written
// as PostgreSQL's $1, $2, ...; quoted text, quoted names and comments are left alone.
std::string NumberedParameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next = 1;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      std::size_t digits = i + 1;
      while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
      out += '$';
      if (digits > i + 1) {
        out.append(sql.substr(i + 1, digits - i - 1));
        i = digits - 1;
      } else {
        out += std::to_string(next++);
      }
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

ErrorCode ErrorCodeForSqlState(std::string_view state) {
  if (state.size() != 5) return ErrorCode::kInternal;
  const std::string_view cls = state.substr(0, 2);
  if (state == "40001" || state == "40P01" || cls == "08" || cls == "53" || state == "57P01" ||
      state == "57P02" || state == "57P03" || state == "55P03" || state == "57014") {
    return ErrorCode::kUnavailable;
  }
  if (state == "23505") return ErrorCode::kConflict;
  if (state == "23503" || state == "23514" || state == "23502" || cls == "22") {
    return ErrorCode::kInvalidArgument;
  }
  return ErrorCode::kInternal;
}

// ---- Cursor ----------------------------------------------------------------------------------

Cursor::Cursor(Connection* connection, std::string name, int parameter_count, bool stream)
    : connection_(connection),
      name_(std::move(name)),
      values_(static_cast<std::size_t>(parameter_count)),
      formats_(static_cast<std::size_t>(parameter_count), -1),
      stream_(stream) {}

Cursor::~Cursor() {
  if (result_ != nullptr) PQclear(result_);
  Drain();
}

void Cursor::Drain() {
  if (!streaming_) return;
  while (PGresult* left = PQgetResult(connection_->conn_)) PQclear(left);
  streaming_ = false;
}

void Cursor::Reset() {
  if (result_ != nullptr) PQclear(result_);
  result_ = nullptr;
  Drain();
  done_ = false;
  row_ = -1;
  for (auto& value : values_) value.reset();
  std::fill(formats_.begin(), formats_.end(), -1);
  bind_error_.reset();
}

void Cursor::NoteBindError(ErrorCode code, std::string message) {
  if (!bind_error_) bind_error_ = Error{code, std::move(message), {}};
}

bool Cursor::CheckIndex(int index) {
  if (index < 1 || index > static_cast<int>(values_.size())) {
    NoteBindError(ErrorCode::kInternal, "parameter $" + std::to_string(index) +
                                            " is out of range: the statement has " +
                                            std::to_string(values_.size()));
    return false;
  }
  return true;
}

void Cursor::BindInt(int index, std::int64_t value) {
  if (!CheckIndex(index)) return;
  values_[index - 1] = std::to_string(value);
  formats_[index - 1] = 0;
}

void Cursor::BindDouble(int index, double value) {
  if (!CheckIndex(index)) return;
  values_[index - 1] = DoubleText(value);
  formats_[index - 1] = 0;
}

void Cursor::BindText(int index, std::string_view value) {
  if (!CheckIndex(index)) return;
  if (value.find('\0') != std::string_view::npos) {
    NoteBindError(ErrorCode::kInvalidArgument,
                  "text for parameter $" + std::to_string(index) + " contains a NUL byte");
    return;
  }
  values_[index - 1] = std::string(value);
  formats_[index - 1] = 0;
}

void Cursor::BindNull(int index) {
  if (!CheckIndex(index)) return;
  values_[index - 1].reset();
  formats_[index - 1] = 2;
}

void Cursor::BindBlob(int index, std::string_view bytes) {
  if (!CheckIndex(index)) return;
  values_[index - 1] = std::string(bytes);
  formats_[index - 1] = 1;
}

Status Cursor::Execute() {
  if (bind_error_) return std::unexpected(*bind_error_);
  const std::size_t count = values_.size();
  std::vector<const char*> values(count);
  std::vector<int> lengths(count);
  std::vector<int> formats(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (formats_[i] < 0) {
      return Internal("parameter $" + std::to_string(i + 1) + " is not bound");
    }
    values[i] = values_[i] ? values_[i]->data() : nullptr;
    lengths[i] = values_[i] ? static_cast<int>(values_[i]->size()) : 0;
    formats[i] = formats_[i] == 1 ? 1 : 0;
  }
  if (stream_) {
    if (PQsendQueryPrepared(connection_->conn_, name_.c_str(), static_cast<int>(count),
                            values.data(), lengths.data(), formats.data(), 0) != 1) {
      return std::unexpected(connection_->ErrorOf(nullptr, "statement " + name_));
    }
    streaming_ = true;
    if (PQsetSingleRowMode(connection_->conn_) != 1) {
      Drain();
      return Internal("statement " + name_ + ": single-row mode refused");
    }
    return {};
  }
  result_ = PQexecPrepared(connection_->conn_, name_.c_str(), static_cast<int>(count),
                           values.data(), lengths.data(), formats.data(), 0);
  if (!Succeeded(result_)) {
    Error error = connection_->ErrorOf(result_, "statement " + name_);
    PQclear(result_);
    result_ = nullptr;
    return std::unexpected(std::move(error));
  }
  const char* tuples = PQcmdTuples(result_);
  std::int64_t changed = 0;
  std::from_chars(tuples, tuples + std::strlen(tuples), changed);
  connection_->changes_ = changed;
  return {};
}

Result<bool> Cursor::StepStream() {
  if (done_) return false;
  if (!streaming_) {
    if (auto executed = Execute(); !executed) {
      done_ = true;
      return std::unexpected(std::move(executed).error());
    }
  }
  if (result_ != nullptr) PQclear(result_);
  result_ = PQgetResult(connection_->conn_);
  if (result_ != nullptr && PQresultStatus(result_) == PGRES_SINGLE_TUPLE) {
    row_ = 0;
    return true;
  }
  // The end: the final (empty) result, or an error, then no more results.
  done_ = true;
  row_ = -1;
  Status ended;
  if (result_ == nullptr || PQresultStatus(result_) != PGRES_TUPLES_OK) {
    ended = std::unexpected(connection_->ErrorOf(result_, "statement " + name_));
  }
  if (result_ != nullptr) PQclear(result_);
  result_ = nullptr;
  Drain();
  if (!ended) return std::unexpected(std::move(ended).error());
  return false;
}

Result<bool> Cursor::Step() {
  if (stream_) return StepStream();
  if (result_ == nullptr) {
    if (auto executed = Execute(); !executed) return std::unexpected(std::move(executed).error());
  }
  if (row_ + 1 >= PQntuples(result_)) {
    row_ = PQntuples(result_);
    return false;
  }
  ++row_;
  return true;
}

const char* Cursor::Value(int column) const {
  if (result_ == nullptr || row_ < 0 || row_ >= PQntuples(result_) || column < 0 ||
      column >= PQnfields(result_) || PQgetisnull(result_, row_, column)) {
    return nullptr;
  }
  return PQgetvalue(result_, row_, column);
}

bool Cursor::IsNull(int column) const { return Value(column) == nullptr; }

std::int64_t Cursor::Int(int column) const {
  const char* text = Value(column);
  if (text == nullptr) return 0;
  std::int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

double Cursor::Double(int column) const {
  const char* text = Value(column);
  if (text == nullptr) return 0.0;
  double value = 0.0;
  // from_chars reads "NaN", "Infinity" and "-Infinity" as PostgreSQL writes them.
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

std::string Cursor::Text(int column) const {
  const char* text = Value(column);
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(PQgetlength(result_, row_, column)));
}

std::string Cursor::Blob(int column) const {
  const char* text = Value(column);
  if (text == nullptr) return {};
  // bytea's text output is "\x" followed by two hex digits per byte.
  const std::size_t length = static_cast<std::size_t>(PQgetlength(result_, row_, column));
  if (length < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text, length);
  std::string out;
  out.reserve((length - 2) / 2);
  for (std::size_t i = 2; i + 1 < length; i += 2) {
    out.push_back(static_cast<char>(HexValue(text[i]) * 16 + HexValue(text[i + 1])));
  }
  return out;
}

std::string Cursor::ColumnName(int column) const {
  const char* name = result_ != nullptr ? PQfname(result_, column) : nullptr;
  return name != nullptr ? name : std::to_string(column);
}

// ---- CopyRow ---------------------------------------------------------------------------------

void CopyRow::Separate() {
  if (fields_++ > 0) line_ += '\t';
}

void CopyRow::AddInt(std::int64_t value) {
  Separate();
  line_ += std::to_string(value);
}

void CopyRow::AddDouble(double value) {
  Separate();
  line_ += DoubleText(value);
}

void CopyRow::AddText(std::string_view value) {
  Separate();
  if (value.find('\0') != std::string_view::npos) has_nul_ = true;
  AppendCopyEscaped(line_, value);
}

void CopyRow::AddBytes(std::string_view bytes) {
  Separate();
  // bytea's hex input form; its backslash is escaped for COPY.
  static constexpr char kHex[] = "0123456789abcdef";
  line_ += "\\\\x";
  for (unsigned char c : bytes) {
    line_ += kHex[c >> 4];
    line_ += kHex[c & 0xf];
  }
}

void CopyRow::AddNull() {
  Separate();
  line_ += "\\N";
}

// ---- Connection ------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Open(std::string_view url) {
  const std::string text(url);
  const std::vector<std::string> secrets = PasswordsIn(text);

  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(text.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string message = parse_error != nullptr ? parse_error : "out of memory";
    PQfreemem(parse_error);
    return InvalidArgument("malformed PostgreSQL URL: " + Scrub(message, secrets));
  }
  std::vector<std::string> all_secrets = secrets;
  for (PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    if (std::strcmp(option->keyword, "password") == 0 && option->val != nullptr) {
      all_secrets.emplace_back(option->val);
    }
  }
  PQconninfoFree(parsed);

  // Keywords after dbname override what the URL sets; connect_timeout before it is a default.
  const char* const keywords[] = {"connect_timeout", "dbname",  "application_name",
                                  "client_encoding", "options", nullptr};
  const char* const values[] = {"10",   text.c_str(),      "planwatch",
                                "UTF8", "-c TimeZone=UTC", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Fail(ErrorCode::kUnavailable, "cannot allocate a libpq connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    auto or_default = [](const char* value) {
      return value != nullptr && *value != '\0' ? std::string(value) : std::string("(default)");
    };
    std::string message = "cannot connect to PostgreSQL at host " + or_default(PQhost(conn)) +
                          " port " + or_default(PQport(conn)) + " database " +
                          or_default(PQdb(conn)) + ": " + Scrub(PQerrorMessage(conn), all_secrets);
    PQfinish(conn);
    return Fail(ErrorCode::kUnavailable, std::move(message));
  }
  // Notices (e.g. "does not exist, skipping") are not errors; libpq would print them to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

Error Connection::ErrorOf(const PGresult* result, std::string_view context) const {
  if (PQstatus(conn_) == CONNECTION_BAD) {
    return Error{ErrorCode::kUnavailable,
                 "the connection to PostgreSQL was lost (" + std::string(context) +
                     "): " + Scrub(PQerrorMessage(conn_), {}),
                 {}};
  }
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary != nullptr ? primary : Scrub(PQerrorMessage(conn_), {});
  std::string where;
  auto add = [&](const char* label, int field) {
    const char* value = result ? PQresultErrorField(result, field) : nullptr;
    if (value == nullptr) return;
    where += where.empty() ? " (" : ", ";
    where += std::string(label) + " " + value;
  };
  add("table", PG_DIAG_TABLE_NAME);
  add("column", PG_DIAG_COLUMN_NAME);
  add("constraint", PG_DIAG_CONSTRAINT_NAME);
  if (!where.empty()) where += ")";
  const ErrorCode code = state != nullptr ? ErrorCodeForSqlState(state) : ErrorCode::kInternal;
  return Error{code,
               std::string(context) + ": " + message + where +
                   (state != nullptr ? " [SQLSTATE " + std::string(state) + "]" : ""),
               {}};
}

Status Connection::Exec(std::string_view sql) {
  const std::string text(sql);
  OwnedResult result(PQexec(conn_, text.c_str()));
  if (!Succeeded(result.get())) return std::unexpected(ErrorOf(result.get(), "SQL script"));
  return {};
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  return PrepareCached(std::string(sql), sql, false);
}

Result<Statement> Connection::PrepareScan(std::string_view sql) {
  // Its own cursor (and prepared statement), beside Prepare()'s for the same text.
  return PrepareCached("\x01" + std::string(sql), sql, true);
}

Result<Statement> Connection::PrepareCached(std::string key, std::string_view sql, bool stream) {
  auto found = statements_.find(key);
  if (found == statements_.end()) {
    const std::string name = "pw_" + std::to_string(statements_.size() + 1);
    const std::string text = NumberedParameters(sql);
    OwnedResult made(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
    if (!Succeeded(made.get())) {
      return std::unexpected(ErrorOf(made.get(), "preparing statement " + name));
    }
    OwnedResult described(PQdescribePrepared(conn_, name.c_str()));
    if (!Succeeded(described.get())) {
      return std::unexpected(ErrorOf(described.get(), "describing statement " + name));
    }
    found = statements_
                .emplace(std::move(key),
                         std::make_unique<Cursor>(this, name, PQnparams(described.get()), stream))
                .first;
  }
  return Statement(found->second.get());
}

Result<std::int64_t> Connection::LastInsertId(std::string_view table, std::string_view column) {
  auto stmt = Prepare("SELECT currval(pg_get_serial_sequence($1, $2))");
  if (!stmt) return std::unexpected(std::move(stmt).error());
  stmt->BindText(1, table);
  stmt->BindText(2, column);
  auto row = stmt->Step();
  if (!row) return std::unexpected(std::move(row).error());
  if (!*row || stmt->IsNull(0)) {
    return Internal("no identity value for " + std::string(table) + "." + std::string(column));
  }
  return stmt->Int(0);
}

bool Connection::InTransaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

Status Connection::ExecTransactionControl(const char* sql) {
  OwnedResult result(PQexec(conn_, sql));
  if (!Succeeded(result.get())) return std::unexpected(ErrorOf(result.get(), sql));
  return {};
}

Result<Connection::Transaction> Connection::Begin(Isolation isolation) {
  if (InTransaction()) {
    return Fail(ErrorCode::kFailedPrecondition, "a transaction is already open");
  }
  const char* sql = "BEGIN ISOLATION LEVEL READ COMMITTED";
  switch (isolation) {
    case Isolation::kReadCommitted:
      break;
    case Isolation::kRepeatableRead:
      sql = "BEGIN ISOLATION LEVEL REPEATABLE READ";
      break;
    case Isolation::kSerializable:
      sql = "BEGIN ISOLATION LEVEL SERIALIZABLE";
      break;
  }
  if (auto begun = ExecTransactionControl(sql); !begun) {
    return std::unexpected(std::move(begun).error());
  }
  return Transaction(this);
}

Connection::Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Connection::Transaction::~Transaction() {
  if (connection_ != nullptr) (void)Rollback();
}

Status Connection::Transaction::Commit() {
  if (connection_ == nullptr) {
    return Fail(ErrorCode::kFailedPrecondition, "the transaction has already ended");
  }
  Connection* connection = std::exchange(connection_, nullptr);
  if (PQtransactionStatus(connection->conn_) == PQTRANS_INERROR) {
    (void)connection->ExecTransactionControl("ROLLBACK");
    return Fail(ErrorCode::kFailedPrecondition,
                "a statement of the transaction failed: it was rolled back, not committed");
  }
  OwnedResult result(PQexec(connection->conn_, "COMMIT"));
  if (!Succeeded(result.get())) return std::unexpected(connection->ErrorOf(result.get(), "COMMIT"));
  // COMMIT of a transaction the server already aborted answers ROLLBACK instead of failing.
  if (std::strcmp(PQcmdStatus(result.get()), "ROLLBACK") == 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the transaction had failed: it was rolled back, not committed");
  }
  return {};
}

Status Connection::Transaction::Rollback() {
  if (connection_ == nullptr) {
    return Fail(ErrorCode::kFailedPrecondition, "the transaction has already ended");
  }
  return std::exchange(connection_, nullptr)->ExecTransactionControl("ROLLBACK");
}

Result<std::int64_t> Connection::CopyIn(std::string_view table,
                                        std::span<const std::string_view> columns,
                                        const CopyProducer& next) {
  if (!IsPlainName(table)) {
    return InvalidArgument("cannot COPY into '" + std::string(table) + "': not a plain name");
  }
  if (columns.empty()) {
    return InvalidArgument("COPY into '" + std::string(table) + "' names no column");
  }
  std::string sql = "COPY \"" + std::string(table) + "\" (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!IsPlainName(columns[i])) {
      return InvalidArgument("cannot COPY into column '" + std::string(columns[i]) + "' of '" +
                             std::string(table) + "': not a plain name");
    }
    sql += (i > 0 ? ", \"" : "\"") + std::string(columns[i]) + "\"";
  }
  sql += ") FROM STDIN";
  {
    OwnedResult started(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
      return std::unexpected(ErrorOf(started.get(), "COPY into " + std::string(table)));
    }
  }

  constexpr std::size_t kChunk = 1 << 16;
  std::string buffer;
  std::optional<Error> failure;
  std::int64_t produced = 0;
  auto flush = [&]() {
    if (buffer.empty() || failure) return;
    if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
      failure = ErrorOf(nullptr, "COPY into " + std::string(table));
    }
    buffer.clear();
  };
  while (!failure) {
    CopyRow row;
    Result<bool> more = next(row);
    if (!more) {
      failure = std::move(more).error();
      break;
    }
    if (!*more) break;
    ++produced;
    if (row.fields_ != static_cast<int>(columns.size())) {
      failure = Error{ErrorCode::kInvalidArgument,
                      "row " + std::to_string(produced) + " of the COPY into " +
                          std::string(table) + " has " + std::to_string(row.fields_) +
                          " fields, expected " + std::to_string(columns.size()),
                      {}};
      break;
    }
    if (row.has_nul_) {
      failure = Error{ErrorCode::kInvalidArgument,
                      "row " + std::to_string(produced) + " of the COPY into " +
                          std::string(table) + " has text with a NUL byte",
                      {}};
      break;
    }
    buffer += row.line_;
    buffer += '\n';
    if (buffer.size() >= kChunk) flush();
  }
  flush();
  // An error message makes the server abort the COPY, so none of its rows are kept.
  if (PQputCopyEnd(conn_, failure ? "aborted by the client" : nullptr) != 1 && !failure) {
    failure = ErrorOf(nullptr, "COPY into " + std::string(table));
  }
  std::optional<Error> server_error;
  std::int64_t copied = 0;
  while (PGresult* raw = PQgetResult(conn_)) {
    OwnedResult result(raw);
    if (PQresultStatus(raw) == PGRES_COMMAND_OK) {
      const char* tuples = PQcmdTuples(raw);
      std::from_chars(tuples, tuples + std::strlen(tuples), copied);
    } else if (!server_error) {
      server_error = ErrorOf(raw, "COPY into " + std::string(table));
    }
  }
  if (failure) return std::unexpected(std::move(*failure));
  if (server_error) return std::unexpected(std::move(*server_error));
  return copied;
}

Status Connection::Listen(std::string_view channel) {
  if (!IsPlainName(channel)) {
    return InvalidArgument("cannot listen on channel '" + std::string(channel) +
                           "': not a plain name");
  }
  // LISTEN is a utility command that takes no parameters; the name is checked above.
  const std::string sql = "LISTEN \"" + std::string(channel) + "\"";
  OwnedResult result(PQexec(conn_, sql.c_str()));
  if (!Succeeded(result.get())) {
    return std::unexpected(ErrorOf(result.get(), "LISTEN " + std::string(channel)));
  }
  return {};
}

Status Connection::Unlisten(std::string_view channel) {
  if (!IsPlainName(channel)) {
    return InvalidArgument("cannot stop listening on channel '" + std::string(channel) +
                           "': not a plain name");
  }
  const std::string sql = "UNLISTEN \"" + std::string(channel) + "\"";
  OwnedResult result(PQexec(conn_, sql.c_str()));
  if (!Succeeded(result.get())) {
    return std::unexpected(ErrorOf(result.get(), "UNLISTEN " + std::string(channel)));
  }
  return {};
}

Status Connection::Notify(std::string_view channel, std::string_view payload) {
  if (!IsPlainName(channel)) {
    return InvalidArgument("cannot notify channel '" + std::string(channel) +
                           "': not a plain name");
  }
  if (payload.size() >= 8000) {
    return InvalidArgument("the payload for channel " + std::string(channel) + " has " +
                           std::to_string(payload.size()) + " bytes; at most 7999 fit");
  }
  auto stmt = Prepare("SELECT pg_notify($1, $2)");
  if (!stmt) return std::unexpected(std::move(stmt).error());
  stmt->BindText(1, channel);
  stmt->BindText(2, payload);
  return stmt->Run();
}

void Connection::CollectNotifications(std::vector<Notification>& out) {
  while (PGnotify* notify = PQnotifies(conn_)) {
    out.push_back(
        Notification{notify->relname, notify->extra ? notify->extra : "", notify->be_pid});
    PQfreemem(notify);
  }
}

Result<std::vector<Notification>> Connection::WaitNotification(std::chrono::milliseconds timeout) {
  std::vector<Notification> out;
  if (PQconsumeInput(conn_) != 1) {
    return std::unexpected(ErrorOf(nullptr, "waiting for notifications"));
  }
  CollectNotifications(out);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    if (fd.fd < 0) return std::unexpected(ErrorOf(nullptr, "waiting for notifications"));
    const int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Fail(ErrorCode::kUnavailable,
                  std::string("waiting for notifications: poll failed: ") + std::strerror(errno));
    }
    if (ready == 0) break;
    if (PQconsumeInput(conn_) != 1) {
      return std::unexpected(ErrorOf(nullptr, "waiting for notifications"));
    }
    CollectNotifications(out);
  }
  return out;
}

Result<bool> Connection::SingleBool(std::string_view sql, std::int64_t key) {
  auto stmt = Prepare(sql);
  if (!stmt) return std::unexpected(std::move(stmt).error());
  stmt->BindInt(1, key);
  auto row = stmt->Step();
  if (!row) return std::unexpected(std::move(row).error());
  if (!*row) return Internal("no row from an advisory lock function");
  return stmt->Bool(0);
}

Result<bool> Connection::TryAdvisoryLock(std::int64_t key) {
  return SingleBool("SELECT pg_try_advisory_lock($1)", key);
}

Result<bool> Connection::AdvisoryUnlock(std::int64_t key) {
  return SingleBool("SELECT pg_advisory_unlock($1)", key);
}

Status Connection::AdvisoryXactLock(std::int64_t key) {
  auto stmt = Prepare("SELECT pg_advisory_xact_lock($1)");
  if (!stmt) return std::unexpected(std::move(stmt).error());
  stmt->BindInt(1, key);
  return stmt->Run();
}

bool Connection::Broken() const { return PQstatus(conn_) == CONNECTION_BAD; }

int Connection::BackendPid() const { return PQbackendPID(conn_); }

}  // namespace planwatch::postgres
