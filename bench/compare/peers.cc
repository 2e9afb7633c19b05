#include "compare/peers.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

namespace planwatch::bench {

int RunPlan::RunsFor(double estimate_ms) const {
  if (estimate_ms <= 0) return runs;
  const int fit = static_cast<int>(budget_ms / estimate_ms);
  return std::max(min_runs, std::min(runs, fit));
}

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

const char* kTables[] = {"units", "preds", "inds", "vals", "tasks", "events"};

// Runs `args` and waits; the exit status (or -1 when it could not start).
int Spawn(const std::vector<std::string>& args, const std::string& output_file = {}) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (!output_file.empty()) {
      std::FILE* out = std::fopen(output_file.c_str(), "w");
      if (out) {
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(out), STDERR_FILENO);
      }
    }
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---------------------------------------------------------------------------------------------
// SQLite

class SqlitePeer final : public Peer {
 public:
  explicit SqlitePeer(std::string dir) : dir_(std::move(dir)) {}
  ~SqlitePeer() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close(db_);
  }

  std::string name() const override { return "sqlite"; }
  std::string description() const override {
    return fmt::format("SQLite {} (C API in process, on-disk file, WAL, page cache 1 GiB)",
                       sqlite3_libversion());
  }

  Result<double> Load(const std::string& dir) override {
    const auto start = Clock::now();
    const std::string path = dir_ + "/peer.sqlite";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) return Error("open " + path);
    if (auto s = Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                      " PRAGMA cache_size=-1048576; PRAGMA mmap_size=4294967296;");
        !s) {
      return std::unexpected(s.error());
    }
    for (const std::string& sql : SchemaSql(Dialect::kSqlite)) {
      if (auto s = Exec(sql); !s) return std::unexpected(s.error());
    }
    if (auto s = Exec("BEGIN"); !s) return std::unexpected(s.error());
    for (const char* table : kTables) {
      // Streamed line by line: the national vals.csv does not fit in memory as strings.
      std::ifstream in(dir + "/" + table + ".csv");
      if (!in) return NotFound(fmt::format("cannot read {}/{}.csv", dir, table));
      std::string line;
      std::getline(in, line);
      const std::size_t columns = std::count(line.begin(), line.end(), ',') + 1;
      std::string sql = fmt::format("INSERT INTO {} VALUES (", table);
      for (std::size_t c = 0; c < columns; ++c) sql += c ? ",?" : "?";
      sql += ")";
      sqlite3_stmt* insert = nullptr;
      if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &insert, nullptr) != SQLITE_OK) {
        return Error(sql);
      }
      while (std::getline(in, line)) {
        std::size_t from = 0;
        for (int c = 1; c <= static_cast<int>(columns); ++c) {
          const std::size_t comma = std::min(line.find(',', from), line.size());
          const std::string field = line.substr(from, comma - from);
          if (field.empty()) {
            sqlite3_bind_null(insert, c);
          } else if (field.find_first_of(".eE") != std::string::npos) {
            sqlite3_bind_double(insert, c, std::strtod(field.c_str(), nullptr));
          } else {
            sqlite3_bind_int64(insert, c, std::strtoll(field.c_str(), nullptr, 10));
          }
          from = comma + 1;
        }
        if (sqlite3_step(insert) != SQLITE_DONE) {
          sqlite3_finalize(insert);
          return Error(std::string("insert into ") + table);
        }
        sqlite3_reset(insert);
      }
      sqlite3_finalize(insert);
    }
    if (auto s = Exec("COMMIT"); !s) return std::unexpected(s.error());
    for (const std::string& sql : IndexSql(Dialect::kSqlite)) {
      if (auto s = Exec(sql); !s) return std::unexpected(s.error());
    }
    if (auto s = Exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s) return std::unexpected(s.error());
    return MsSince(start);
  }

  Result<std::vector<QueryTimes>> Run(const std::vector<Query>& queries,
                                      const RunPlan& plan) override {
    return TimeQueries(queries, plan, [this](const Instance& in) { return Answer1(in); });
  }

  Result<double> Ingest(const std::string& csv, std::size_t) override {
    auto rows = ReadCsvRows(csv);
    if (!rows) return std::unexpected(rows.error());
    const std::string path = dir_ + "/ingest.sqlite";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return Error("open " + path);
    std::swap(db, db_);
    auto close = [&] {
      std::swap(db, db_);
      sqlite3_close(db);
    };
    const auto schema = SchemaSql(Dialect::kSqlite);
    auto s = Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
    if (s) s = Exec(schema[3]);
    if (!s) {
      close();
      return std::unexpected(s.error());
    }
    struct Row {
      int ind, pre, m, ms;
      double v;
    };
    std::vector<Row> parsed;
    parsed.reserve(rows->size());
    for (const auto& r : *rows) {
      parsed.push_back({std::atoi(r[0].c_str()), std::atoi(r[1].c_str()), std::atoi(r[2].c_str()),
                        std::atoi(r[3].c_str()), std::strtod(r[4].c_str(), nullptr)});
    }
    const auto start = Clock::now();
    sqlite3_stmt* insert = nullptr;
    s = Exec("BEGIN");
    if (s && sqlite3_prepare_v2(db_, "INSERT INTO vals VALUES (?,?,?,?,?)", -1, &insert, nullptr) !=
                 SQLITE_OK) {
      s = Error("prepare insert");
    }
    for (std::size_t i = 0; s && i < parsed.size(); ++i) {
      const Row& r = parsed[i];
      sqlite3_bind_int(insert, 1, r.ind);
      sqlite3_bind_int(insert, 2, r.pre);
      sqlite3_bind_int(insert, 3, r.m);
      sqlite3_bind_int(insert, 4, r.ms);
      sqlite3_bind_double(insert, 5, r.v);
      if (sqlite3_step(insert) != SQLITE_DONE) s = Error("insert");
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    if (s) s = Exec("COMMIT");
    const double ms = MsSince(start);
    close();
    if (!s) return std::unexpected(s.error());
    return ms;
  }

 private:
  std::unexpected<planwatch::Error> Error(const std::string& what) const {
    return Internal(fmt::format("sqlite: {}: {}", what, db_ ? sqlite3_errmsg(db_) : "no database"));
  }
  Status Exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "";
      sqlite3_free(message);
      return Internal("sqlite: " + text + " in: " + sql.substr(0, 200));
    }
    return {};
  }

  Result<Answer> Answer1(const Instance& in) {
    const std::string sql = ShapeSql(Dialect::kSqlite, in.shape);
    sqlite3_stmt*& stmt = statements_[sql];
    if (!stmt && sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return Error("prepare " + in.label);
    }
    sqlite3_reset(stmt);
    for (std::size_t i = 0; i < in.params.size(); ++i) {
      sqlite3_bind_int64(stmt, static_cast<int>(i) + 1, in.params[i]);
    }
    Answer answer;
    const int columns = in.shape.kind == QueryKind::kTaskSummary     ? 8
                        : in.shape.kind == QueryKind::kCommuneSeries ? 3
                                                                     : 2;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<double> row(columns);
      for (int c = 0; c < columns; ++c) row[c] = sqlite3_column_double(stmt, c);
      answer.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return Error("step " + in.label);
    return answer;
  }

  std::string dir_;
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> statements_;
};

// ---------------------------------------------------------------------------------------------
// PostgreSQL

std::mutex servers_mutex;
std::vector<std::vector<std::string>> server_stop_commands;  // one argv per running server

std::string PgBin(const std::string& tool) {
  const char* dir = std::getenv("PW_PG_BINDIR");
  return (dir ? std::string(dir) : std::string("/usr/lib/postgresql/15/bin")) + "/" + tool;
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

class PostgresPeer final : public Peer {
 public:
  PostgresPeer() = default;
  ~PostgresPeer() override { Stop(); }

  std::string name() const override { return "postgres"; }
  std::string description() const override {
    return fmt::format(
        "PostgreSQL {} (server on loopback, unix socket, libpq prepared statements,"
        " shared_buffers 1 GB)",
        version_);
  }

  Status Start(const std::string& work_dir) {
    fs::create_directories(work_dir);
    char tmpl[4096];
    std::snprintf(tmpl, sizeof(tmpl), "%s/pg.XXXXXX", fs::absolute(work_dir).c_str());
    if (!mkdtemp(tmpl)) return Internal("cannot create a directory under " + work_dir);
    dir_ = tmpl;
    std::vector<std::string> as_user;
    if (geteuid() == 0) {
      passwd* pw = getpwnam("postgres");
      if (!pw) return Internal("running as root needs the `postgres` user (postgresql-15)");
      if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) return Internal("chown " + dir_);
      fs::permissions(fs::path(dir_).parent_path(), fs::perms::others_exec, fs::perm_options::add);
      as_user = {"runuser", "-u", "postgres", "--"};
    }
    auto cmd = [&](std::vector<std::string> args) {
      std::vector<std::string> all = as_user;
      all.insert(all.end(), args.begin(), args.end());
      return all;
    };
    if (!fs::exists(PgBin("initdb"))) {
      return Fail(
          ErrorCode::kFailedPrecondition,
          "PostgreSQL 15 is not installed (" + PgBin("initdb") + "): run scripts/deps.sh --bench");
    }
    if (Spawn(cmd({PgBin("initdb"), "-D", dir_ + "/data", "-A", "trust", "-U", "postgres", "-E",
                   "UTF8", "--no-locale"}),
              dir_ + "/../pg-initdb.log") != 0) {
      return Internal("initdb failed: see " + dir_ + "/../pg-initdb.log");
    }
    port_ = FreePort();
    const std::string options = fmt::format(
        "-p {} -k {} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=64MB"
        " -c maintenance_work_mem=512MB -c max_wal_size=4GB -c synchronous_commit=on"
        " -c fsync=on -c jit=off",
        port_, dir_);
    stop_ = cmd({PgBin("pg_ctl"), "-D", dir_ + "/data", "-m", "fast", "-w", "stop"});
    {
      std::lock_guard lock(servers_mutex);
      server_stop_commands.push_back(stop_);
    }
    if (Spawn(cmd({PgBin("pg_ctl"), "-D", dir_ + "/data", "-o", options, "-l", dir_ + "/log", "-w",
                   "start"}),
              dir_ + "/../pg-ctl.log") != 0) {
      return Internal("pg_ctl start failed: see " + dir_ + "/log");
    }
    running_ = true;
    conn_ = PQconnectdb(
        fmt::format("host={} port={} user=postgres dbname=postgres", dir_, port_).c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      return Internal(std::string("libpq: ") + PQerrorMessage(conn_));
    }
    auto v = Query1("SHOW server_version");
    if (!v) return std::unexpected(v.error());
    version_ = *v;
    return {};
  }

  Result<std::string> CreateDatabase(const std::string& name) {
    if (auto s = Exec("DROP DATABASE IF EXISTS " + name); !s) return std::unexpected(s.error());
    if (auto s = Exec("CREATE DATABASE " + name +
                      " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        !s) {
      return std::unexpected(s.error());
    }
    return fmt::format("postgresql://postgres@127.0.0.1:{}/{}", port_, name);
  }

  void Stop() {
    if (conn_) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    if (!running_) return;
    Spawn(stop_, dir_ + "/../pg-stop.log");
    running_ = false;
    std::lock_guard lock(servers_mutex);
    std::erase(server_stop_commands, stop_);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  Result<double> Load(const std::string& dir) override {
    const auto start = Clock::now();
    for (const std::string& sql : SchemaSql(Dialect::kPostgres)) {
      if (auto s = Exec(sql); !s) return std::unexpected(s.error());
    }
    for (const char* table : kTables) {
      if (auto s = Copy(table, dir + "/" + table + ".csv"); !s) return std::unexpected(s.error());
    }
    for (const std::string& sql : IndexSql(Dialect::kPostgres)) {
      if (auto s = Exec(sql); !s) return std::unexpected(s.error());
    }
    return MsSince(start);
  }

  Result<std::vector<QueryTimes>> Run(const std::vector<Query>& queries,
                                      const RunPlan& plan) override {
    return TimeQueries(queries, plan, [this](const Instance& in) { return Answer1(in); });
  }

  Result<double> Ingest(const std::string& csv, std::size_t) override {
    if (auto s = Exec("CREATE TABLE vals_in(ind INTEGER NOT NULL, pre INTEGER NOT NULL,"
                      " m INTEGER NOT NULL, ms INTEGER NOT NULL, v DOUBLE PRECISION NOT NULL)");
        !s) {
      return std::unexpected(s.error());
    }
    if (auto s = Exec("CREATE INDEX vals_in_key ON vals_in(ind, pre, m, ms) INCLUDE (v)"); !s) {
      return std::unexpected(s.error());
    }
    const std::string content = ReadFile(csv);
    const auto start = Clock::now();
    if (auto s = CopyText("vals_in", content); !s) return std::unexpected(s.error());
    return MsSince(start);
  }

 private:
  Status Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      return Internal(
          fmt::format("postgres: {} in: {}", PQerrorMessage(conn_), sql.substr(0, 200)));
    }
    return {};
  }
  Result<std::string> Query1(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
      PQclear(r);
      return Internal(std::string("postgres: ") + PQerrorMessage(conn_));
    }
    std::string v = PQgetvalue(r, 0, 0);
    PQclear(r);
    return v;
  }
  // Streams the file in chunks (the national vals.csv is large).
  Status Copy(const std::string& table, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return NotFound("cannot read " + path);
    PGresult* r =
        PQexec(conn_, fmt::format("COPY {} FROM STDIN (FORMAT csv, HEADER true)", table).c_str());
    const bool ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok) return Internal(std::string("postgres: COPY: ") + PQerrorMessage(conn_));
    std::vector<char> chunk(1 << 20);
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto n = static_cast<int>(in.gcount());
      if (n > 0 && PQputCopyData(conn_, chunk.data(), n) != 1) {
        return Internal(std::string("postgres: COPY data: ") + PQerrorMessage(conn_));
      }
    }
    return EndCopy(table);
  }
  // COPY FROM STDIN in one autocommit statement: durable when it returns.
  Status CopyText(const std::string& table, const std::string& content) {
    PGresult* r =
        PQexec(conn_, fmt::format("COPY {} FROM STDIN (FORMAT csv, HEADER true)", table).c_str());
    const bool ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok) return Internal(std::string("postgres: COPY: ") + PQerrorMessage(conn_));
    constexpr std::size_t kChunk = 1 << 20;
    for (std::size_t off = 0; off < content.size(); off += kChunk) {
      const std::size_t n = std::min(kChunk, content.size() - off);
      if (PQputCopyData(conn_, content.data() + off, static_cast<int>(n)) != 1) {
        return Internal(std::string("postgres: COPY data: ") + PQerrorMessage(conn_));
      }
    }
    return EndCopy(table);
  }
  Status EndCopy(const std::string& table) {
    PGresult* r = nullptr;
    if (PQputCopyEnd(conn_, nullptr) != 1) {
      return Internal(std::string("postgres: COPY end: ") + PQerrorMessage(conn_));
    }
    Status result;
    while ((r = PQgetResult(conn_)) != nullptr) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        result = Internal(fmt::format("postgres: COPY {}: {}", table, PQerrorMessage(conn_)));
      }
      PQclear(r);
    }
    return result;
  }

  Result<Answer> Answer1(const Instance& in) {
    const std::string sql = ShapeSql(Dialect::kPostgres, in.shape);
    auto [it, added] = statements_.try_emplace(sql, fmt::format("s{}", statements_.size()));
    if (added) {
      PGresult* r = PQprepare(conn_, it->second.c_str(), sql.c_str(), 0, nullptr);
      const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (!ok) {
        return Internal(fmt::format("postgres: prepare {}: {}", in.label, PQerrorMessage(conn_)));
      }
    }
    std::vector<std::string> text;
    std::vector<const char*> values;
    for (std::int64_t p : in.params) text.push_back(std::to_string(p));
    for (const std::string& t : text) values.push_back(t.c_str());
    PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      return Internal(fmt::format("postgres: {}: {}", in.label, PQerrorMessage(conn_)));
    }
    Answer answer;
    const int rows = PQntuples(r), columns = PQnfields(r);
    for (int i = 0; i < rows; ++i) {
      std::vector<double> row(columns);
      for (int c = 0; c < columns; ++c) row[c] = std::strtod(PQgetvalue(r, i, c), nullptr);
      answer.push_back(std::move(row));
    }
    PQclear(r);
    return answer;
  }

  std::string dir_;
  int port_ = 0;
  bool running_ = false;
  std::vector<std::string> stop_;
  PGconn* conn_ = nullptr;
  std::string version_;
  std::map<std::string, std::string> statements_;  // SQL -> prepared statement name
};

// ---------------------------------------------------------------------------------------------
// DuckDB (node)

class DuckdbPeer final : public Peer {
 public:
  DuckdbPeer(std::string script_dir, std::string work_dir)
      : script_dir_(std::move(script_dir)), work_dir_(std::move(work_dir)) {}

  std::string name() const override { return "duckdb"; }
  std::string description() const override {
    return "DuckDB " + version_ + " (@duckdb/node-api in node, in-memory database, sorted load)";
  }

  Result<double> Load(const std::string& dir) override {
    data_dir_ = fs::absolute(dir).string();
    return 0.0;  // loaded by the same node process that runs the queries (see Run)
  }

  Result<std::vector<QueryTimes>> Run(const std::vector<Query>& queries,
                                      const RunPlan& plan) override {
    nlohmann::json job;
    job["setup"] = nlohmann::json::array();
    for (const std::string& sql : SchemaSql(Dialect::kDuckdb)) {
      job["setup"].push_back(sql);
    }
    for (const char* table : kTables) {
      job["setup"].push_back(
          fmt::format("INSERT INTO {0} SELECT * FROM read_csv('{1}/{0}.csv', header = true, "
                      "auto_detect = false,"
                      " columns = {2}){3}",
                      table, data_dir_, Columns(table),
                      std::string(table) == "vals" ? " ORDER BY ind, pre, m, ms" : ""));
    }
    job["runs"] = plan.runs;
    job["min_runs"] = plan.min_runs;
    job["budget_ms"] = plan.budget_ms;
    job["queries"] = nlohmann::json::array();
    for (const Query& q : queries) {
      nlohmann::json jq;
      jq["name"] = q.name;
      jq["instances"] = nlohmann::json::array();
      for (const Instance& in : q.instances) {
        jq["instances"].push_back(
            {{"sql", ShapeSql(Dialect::kDuckdb, in.shape)}, {"params", in.params}});
      }
      job["queries"].push_back(std::move(jq));
    }
    auto result = Node(job);
    if (!result) return std::unexpected(result.error());
    load_ms_ = (*result)["load_ms"].get<double>();
    version_ = (*result)["version"].get<std::string>();
    std::vector<QueryTimes> out;
    for (const auto& jq : (*result)["queries"]) {
      QueryTimes t;
      for (const auto& ja : jq["answers"]) {
        Answer a;
        for (const auto& row : ja) {
          std::vector<double> r;
          for (const auto& v : row) r.push_back(v.is_null() ? 0.0 : v.get<double>());
          a.push_back(std::move(r));
        }
        t.answers.push_back(std::move(a));
      }
      t.ms = jq["ms"].get<std::vector<double>>();
      out.push_back(std::move(t));
    }
    return out;
  }

  Result<double> Ingest(const std::string& csv, std::size_t) override {
    const std::string db = fs::absolute(work_dir_).string() + "/ingest.duckdb";
    fs::remove(db);
    fs::remove(db + ".wal");
    nlohmann::json job;
    job["database"] = db;
    job["setup"] =
        nlohmann::json::array({"CREATE TABLE vals_in(ind INTEGER NOT NULL,"
                               " pre INTEGER NOT NULL, m INTEGER NOT NULL,"
                               " ms INTEGER NOT NULL, v DOUBLE NOT NULL)"});
    job["ingest"] = nlohmann::json::array(
        {"COPY vals_in FROM '" + fs::absolute(csv).string() + "' (HEADER true)", "CHECKPOINT"});
    auto result = Node(job);
    if (!result) return std::unexpected(result.error());
    return (*result)["ingest_ms"].get<double>();
  }

  double deferred_load_ms() const override { return load_ms_; }

 private:
  static std::string Columns(const std::string& table) {
    static const std::map<std::string, std::string> kColumns = {
        {"units",
         "{'pre': 'INTEGER', 'post': 'INTEGER', 'parent_pre': 'INTEGER', 'id': 'INTEGER',"
         " 'valid_from': 'INTEGER', 'valid_to': 'INTEGER'}"},
        {"preds", "{'succ_pre': 'INTEGER', 'pred_pre': 'INTEGER'}"},
        {"inds",
         "{'id': 'INTEGER', 'uagg': 'INTEGER', 'tagg': 'INTEGER', 'ptype': 'INTEGER',"
         " 'num': 'INTEGER', 'den': 'INTEGER', 'factor': 'DOUBLE'}"},
        {"vals",
         "{'ind': 'INTEGER', 'pre': 'INTEGER', 'm': 'INTEGER', 'ms': 'INTEGER',"
         " 'v': 'DOUBLE'}"},
        {"tasks",
         "{'id': 'INTEGER', 'plan': 'INTEGER', 'kind': 'INTEGER', 'assigned': 'INTEGER',"
         " 'deadline': 'INTEGER', 'lead_pre': 'INTEGER'}"},
        {"events",
         "{'seq': 'INTEGER', 'task': 'INTEGER', 'kind': 'INTEGER', 'on_day': 'INTEGER',"
         " 'completed': 'INTEGER', 'new_deadline': 'INTEGER',"
         " 'new_lead_pre': 'INTEGER'}"},
    };
    return kColumns.at(table);
  }

  Result<nlohmann::json> Node(const nlohmann::json& job) {
    fs::create_directories(work_dir_);
    const std::string in = work_dir_ + "/duckdb-job.json", out = work_dir_ + "/duckdb-result.json";
    {
      std::ofstream f(in);
      f << job.dump();
    }
    fs::remove(out);
    const int rc = Spawn({"node", script_dir_ + "/duckdb.mjs", in, out}, work_dir_ + "/duckdb.log");
    if (rc != 0 || !fs::exists(out)) {
      return Internal(fmt::format("node duckdb.mjs failed (exit {}): {}", rc,
                                  ReadFile(work_dir_ + "/duckdb.log").substr(0, 2000)));
    }
    try {
      return nlohmann::json::parse(ReadFile(out));
    } catch (const std::exception& e) {
      return Internal(std::string("duckdb.mjs wrote bad JSON: ") + e.what());
    }
  }

  std::string script_dir_, work_dir_, data_dir_, version_;
  double load_ms_ = 0;
};

}  // namespace

Result<std::vector<QueryTimes>> TimeQueries(
    const std::vector<Query>& queries, const RunPlan& plan,
    const std::function<Result<Answer>(const Instance&)>& answer_of) {
  std::vector<QueryTimes> out;
  for (const Query& q : queries) {
    QueryTimes t;
    double first_ms = 0;
    for (const Instance& in : q.instances) {
      const auto start = Clock::now();
      auto answer = answer_of(in);
      first_ms += MsSince(start);
      if (!answer) return std::unexpected(answer.error());
      t.answers.push_back(std::move(*answer));
    }
    const int runs = plan.RunsFor(first_ms / q.instances.size());
    for (int i = 0; i < runs; ++i) {
      const Instance& in = q.instances[i % q.instances.size()];
      const auto start = Clock::now();
      auto answer = answer_of(in);
      t.ms.push_back(MsSince(start));
      if (!answer) return std::unexpected(answer.error());
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<std::vector<std::string>>> ReadCsvRows(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read " + path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = line.find(',', start);
      row.push_back(line.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::unique_ptr<Peer>> MakeSqlite(const std::string& work_dir) {
  fs::create_directories(work_dir);
  return std::make_unique<SqlitePeer>(work_dir);
}

Result<std::unique_ptr<Peer>> MakePostgres(const std::string& work_dir) {
  auto peer = std::make_unique<PostgresPeer>();
  if (Status s = peer->Start(work_dir); !s) return std::unexpected(s.error());
  return peer;
}

Result<std::string> CreatePostgresDatabase(Peer& postgres, const std::string& name) {
  auto* peer = dynamic_cast<PostgresPeer*>(&postgres);
  if (peer == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, postgres.name() + " is not the PostgreSQL peer");
  }
  return peer->CreateDatabase(name);
}

void StopPostgresServers() {
  std::vector<std::vector<std::string>> commands;
  {
    std::lock_guard lock(servers_mutex);
    commands.swap(server_stop_commands);
  }
  for (const auto& argv : commands) Spawn(argv);
}

Result<std::unique_ptr<Peer>> MakeDuckdb(const std::string& script_dir,
                                         const std::string& work_dir) {
  if (!fs::exists(script_dir + "/node_modules/@duckdb/node-api")) {
    return Fail(ErrorCode::kFailedPrecondition,
                "@duckdb/node-api is not installed: run (cd " + script_dir + " && npm ci)");
  }
  return std::make_unique<DuckdbPeer>(script_dir, work_dir);
}

}  // namespace planwatch::bench
