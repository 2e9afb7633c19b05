// bench/compare: planwatch's analytics index side by side with SQLite, PostgreSQL 15 and DuckDB,
// on the same data (exported from a planwatch database), the same queries and the same sample
// of parameters, in one run. Every peer's answers are checked against planwatch's before any
// timing; the run aborts on the first difference.
//
// Usage: compare --db FILE [--out DIR] [--quick] [--runs N] [--instances N] [--seed N]
//                [--ingest-values N] [--writes N] [--planwatch BINARY]
// Writes DIR/compare.json (default build/bench) and the load files in DIR/data.
#include <fmt/format.h>
#include <sodium.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "compare/peers.h"
#include "compare/workload.h"

#include "planwatch/analytics/analytics.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/storage/copy.h"
#include "planwatch/storage/store.h"

namespace planwatch::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "compare: %s\n", message.c_str());
  StopPostgresServers();
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r) Die(what + ": " + r.error().ToString());
  return std::move(*r);
}

void OnSignal(int) {
  StopPostgresServers();
  _exit(130);
}

struct Options {
  std::string db;
  std::string out = "build/bench";
  bool quick = false;
  int runs = 200;
  int min_runs = 20;
  double budget_ms = 20'000;
  int instances = 10;
  std::uint32_t seed = 57;
  std::size_t ingest_values = 1'000'000;
  int writes = 1000;
  std::string planwatch;  // binary for the HTTP ingest; empty: skipped
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  bool runs_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--db") {
      o.db = next();
    } else if (a == "--out") {
      o.out = next();
    } else if (a == "--quick") {
      o.quick = true;
    } else if (a == "--runs") {
      o.runs = std::stoi(next());
      runs_set = true;
    } else if (a == "--instances") {
      o.instances = std::stoi(next());
    } else if (a == "--seed") {
      o.seed = static_cast<std::uint32_t>(std::stoul(next()));
    } else if (a == "--ingest-values") {
      o.ingest_values = std::stoul(next());
    } else if (a == "--writes") {
      o.writes = std::stoi(next());
    } else if (a == "--planwatch") {
      o.planwatch = next();
    } else {
      Die("unknown option " + a +
          " (usage: compare --db FILE [--out DIR] [--quick] [--runs N] [--instances N]"
          " [--seed N] [--ingest-values N] [--writes N] [--planwatch BINARY])");
    }
  }
  if (o.db.empty()) Die("--db FILE is required");
  // Absolute: the HTTP ingest starts `planwatch serve` in the work folder, where a relative path
  // to the binary or to a database under --out would no longer resolve.
  o.db = fs::absolute(o.db).string();
  o.out = fs::absolute(o.out).string();
  if (!o.planwatch.empty()) o.planwatch = fs::absolute(o.planwatch).string();
  if (o.quick) {
    if (!runs_set) o.runs = 20;
    o.min_runs = std::min(o.runs, 5);
    o.budget_ms = 2'000;
    o.instances = std::min(o.instances, 6);
    o.ingest_values = std::min<std::size_t>(o.ingest_values, 100'000);
    o.writes = std::min(o.writes, 100);
  }
  return o;
}

struct Stats {
  double median = 0, p99 = 0;
  int runs = 0;
};

Stats Summarize(std::vector<double> ms) {
  Stats s;
  s.runs = static_cast<int>(ms.size());
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    const std::size_t i =
        std::min(ms.size() - 1, static_cast<std::size_t>(q * (ms.size() - 1) + 0.5));
    return ms[i];
  };
  s.median = at(0.5);
  s.p99 = at(0.99);
  return s;
}

// ---------------------------------------------------------------------------------------------
// planwatch in process

void Append(Answer& answer, std::vector<double> row) { answer.push_back(std::move(row)); }

Result<Answer> PlanwatchAnswer(const Analytics& index, const OrgTree& tree, const Instance& in) {
  Answer answer;
  switch (in.shape.kind) {
    case QueryKind::kSubtreeByMonth: {
      auto r = index.RollupByPeriod(in.indicators[0], in.unit, in.window, PeriodType::kMonth);
      if (!r) return std::unexpected(r.error());
      for (const auto& [period, value] : *r) {
        if (value) Append(answer, {static_cast<double>(LastMonth(period)), *value});
      }
      break;
    }
    case QueryKind::kNationByProvince:
    case QueryKind::kRatioByProvince: {
      auto r = index.RollupByChild(in.indicators[0], in.unit, in.window);
      if (!r) return std::unexpected(r.error());
      for (const auto& [child, value] : *r) {
        if (value) Append(answer, {static_cast<double>(tree.Index(child)), *value});
      }
      std::sort(answer.begin(), answer.end());
      break;
    }
    case QueryKind::kCommuneSeries:
      for (IndicatorId ind : in.indicators) {
        auto r = index.RollupByPeriod(ind, in.unit, in.window, PeriodType::kMonth);
        if (!r) return std::unexpected(r.error());
        for (const auto& [period, value] : *r) {
          if (value) {
            Append(answer, {static_cast<double>(ind.value), static_cast<double>(LastMonth(period)),
                            *value});
          }
        }
      }
      break;
    case QueryKind::kTaskSummary: {
      TaskScope scope{.plan = in.plan,
                      .unit = in.unit,
                      .subtree = true,
                      .as_of = in.as_of,
                      .view = in.params[4] ? CompletionView::kClaimed : CompletionView::kVerified};
      auto r = index.SummarizeTasks(scope);
      if (!r) return std::unexpected(r.error());
      Append(answer, {double(r->total), double(r->done_on_time), double(r->done_late),
                      double(r->in_progress_on_time), double(r->overdue), double(r->cancelled),
                      double(r->due), double(r->due_done_on_time)});
      break;
    }
  }
  return answer;
}

std::vector<QueryTimes> RunPlanwatch(const Analytics& index, const OrgTree& tree,
                                     const std::vector<Query>& queries, const RunPlan& plan) {
  return Must(TimeQueries(queries, plan,
                          [&](const Instance& in) { return PlanwatchAnswer(index, tree, in); }),
              "planwatch");
}

// ---------------------------------------------------------------------------------------------
// write -> visible: Commit() of one value, then the rollup that includes it.

struct WriteVisible {
  Stats stats;         // Commit() called -> the rollup's answer shows the value
  Stats after_commit;  // Commit() returned -> the rollup's answer (the index part alone)
  std::string what;
};

// With `catch_up`, `index` is another node's (attached to another Store on the same database):
// the catch-up it makes before answering runs between the commit and the rollup, and is timed.
WriteVisible MeasureWriteVisible(Store& store, const Analytics& index, const Dataset& data,
                                 int writes, const std::function<Status()>& catch_up = {}) {
  // A monthly sum indicator and a commune, written in a month far after the data (so the
  // queried windows never see it); the cell is deleted at the end.
  const Indicator* ind = nullptr;
  for (const Indicator& i : data.indicators) {
    if (i.unit_aggregation == UnitAggregation::kSum && i.period_type == PeriodType::kMonth) {
      ind = &i;
      break;
    }
  }
  if (!ind) Die("write->visible needs a monthly indicator summed over units");
  const OrgTree& tree = data.tree;
  OrgUnitId commune, province;
  for (const OrgUnit& u : tree.units()) {
    if (u.type == OrgUnitType::kCommune || u.type == OrgUnitType::kWard) {
      commune = u.id;
      break;
    }
  }
  const auto ancestors = tree.Ancestors(commune);
  province = ancestors.size() >= 2 ? ancestors[ancestors.size() - 2] : ancestors.back();
  const Period month = Period::Of(PeriodType::kMonth, 2099, 12);
  const PeriodRange window{month, month};
  std::vector<double> ms, after;
  for (int i = 1; i <= writes; ++i) {
    auto tx = Must(store.Begin(), "begin");
    DataValue v;
    v.indicator = ind->id;
    v.unit = commune;
    v.period = month;
    v.value = i;
    v.stored_by = "bench";
    if (auto s = tx->PutDataValue(v); !s) Die("write->visible: " + s.error().ToString());
    const auto start = Clock::now();
    if (auto s = tx->Commit(); !s) Die("write->visible commit: " + s.error().ToString());
    const auto committed = Clock::now();
    if (catch_up) {
      if (auto s = catch_up(); !s) Die("write->visible catch-up: " + s.error().ToString());
    }
    auto r = index.Rollup(ind->id, province, window);
    const double elapsed = MsSince(start);
    after.push_back(MsSince(committed));
    if (!r || !*r || **r != i) {
      Die(fmt::format("write->visible: the rollup after commit {} does not show the value", i));
    }
    ms.push_back(elapsed);
  }
  auto tx = Must(store.Begin(), "begin");
  if (auto s = tx->DeleteDataValue(ind->id, commune, month, "bench"); !s) {
    Die("write->visible cleanup: " + s.error().ToString());
  }
  if (auto s = tx->Commit(); !s) Die("write->visible cleanup: " + s.error().ToString());
  if (catch_up) {
    if (auto s = catch_up(); !s) Die("write->visible catch-up: " + s.error().ToString());
  }
  return {Summarize(std::move(ms)), Summarize(std::move(after)),
          fmt::format("PutDataValue of {} for {} at {}, Commit(), Rollup over {}", ind->code,
                      tree.Find(commune)->code, month.ToString(), tree.Find(province)->code)};
}

// ---------------------------------------------------------------------------------------------
// Durable ingest of N values

struct IngestSet {
  std::string db;        // the scratch planwatch database, with its units and indicators
  std::string csv;       // the peers' rows (ind,pre,m,ms,v)
  std::string http_csv;  // the same values in the data-values import format
  std::vector<DataValue> values;
  std::string token;  // an API token of an admin of the scratch database
};

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::string hex;
  for (unsigned char b : digest) hex += fmt::format("{:02x}", b);
  return hex;
}

// A fresh database with 1 root and 1,000 units, 10 monthly indicators, and N values spread
// over them by month from 2000-01 on: the SQLite file DIR/NAME.db, or the empty database at
// `location` (postgresql://).
IngestSet MakeIngestSet(const std::string& dir, const std::string& name, std::size_t n,
                        const std::string& location = {}) {
  IngestSet set;
  if (location.empty()) {
    set.db = fs::absolute(dir + "/" + name + ".db").string();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(set.db + suffix);
  } else {
    set.db = location;
  }
  auto store = Must(Store::Open(StoreOptions{.location = set.db}), "create " + set.db);
  auto tx = Must(store->Begin(), "begin");
  constexpr int kUnits = 1000, kIndicators = 10;
  OrgUnit root;
  root.code = "BENCH";
  root.name_vi = "Bench";
  root.type = OrgUnitType::kProvince;
  const OrgUnitId root_id = Must(tx->PutOrgUnit(root), "put unit");
  std::vector<OrgUnit> units;
  for (int u = 0; u < kUnits; ++u) {
    OrgUnit unit;
    unit.code = fmt::format("BENCH-{:04}", u);
    unit.name_vi = unit.code;
    unit.type = OrgUnitType::kCommune;
    unit.parent = root_id;
    unit.id = Must(tx->PutOrgUnit(unit), "put unit");
    units.push_back(unit);
  }
  std::vector<Indicator> indicators;
  for (int i = 0; i < kIndicators; ++i) {
    Indicator ind;
    ind.code = fmt::format("BENCH-I{}", i);
    ind.name_vi = ind.code;
    ind.period_type = PeriodType::kMonth;
    ind.unit_aggregation = UnitAggregation::kSum;
    ind.time_aggregation = TimeAggregation::kSum;
    ind.id = Must(tx->PutIndicator(ind), "put indicator");
    indicators.push_back(ind);
  }
  UserRecord admin;
  admin.login = "bench";
  admin.display_name = "Bench";
  admin.role = Role::kAdmin;
  admin.unit = root_id;
  admin.password_hash = "-";
  const UserId user = Must(tx->PutUser(admin), "put user");
  set.token = "pwt_bench" + Sha256Hex(set.db).substr(0, 32);  // the API's token form
  ApiTokenRecord token;
  token.user = user;
  token.name = "bench";
  token.token_hash = Sha256Hex(set.token);
  Must(tx->PutApiToken(token), "put token");
  if (auto s = tx->Commit(); !s) Die("create " + set.db + ": " + s.error().ToString());

  std::ofstream csv(dir + "/" + name + ".csv"), http(dir + "/" + name + "-http.csv");
  csv << "ind,pre,m,ms,v\n";
  http << "indicator_code,unit_code,period,value\n";
  set.values.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const int u = static_cast<int>(k % kUnits);
    const int i = static_cast<int>((k / kUnits) % kIndicators);
    const int month = MonthNumber(2000, 1) + static_cast<int>(k / (kUnits * kIndicators));
    DataValue v;
    v.indicator = indicators[i].id;
    v.unit = units[u].id;
    v.period = MonthPeriod(month);
    v.value = static_cast<double>((k * 7919) % 1000) + 0.5;
    v.stored_by = "bench";
    csv << fmt::format("{},{},{},{},{}\n", i + 1, u + 1, month, month, v.value);
    http << fmt::format("{},{},{},{}\n", indicators[i].code, units[u].code, v.period.ToString(),
                        v.value);
    set.values.push_back(std::move(v));
  }
  set.csv = dir + "/" + name + ".csv";
  set.http_csv = dir + "/" + name + "-http.csv";
  return set;
}

// planwatch in process: PutDataValues + Commit into a database with its index attached.
double IngestInProcess(const IngestSet& set) {
  auto store = Must(Store::Open(StoreOptions{.location = set.db}), "open " + set.db);
  auto index = Must(AttachAnalytics(*store), "attach analytics to " + set.db);
  const auto start = Clock::now();
  auto tx = Must(store->Begin(), "begin");
  if (auto s = tx->PutDataValues(set.values); !s) Die("ingest: " + s.error().ToString());
  if (auto s = tx->Commit(); !s) Die("ingest commit: " + s.error().ToString());
  const double ms = MsSince(start);
  if (index->size().values != set.values.size()) {
    Die(fmt::format("ingest: the index holds {} values after committing {}", index->size().values,
                    set.values.size()));
  }
  return ms;
}

// planwatch over HTTP: `planwatch serve` on port 0, POST /api/v1/data-values as text/csv.
// Returns the milliseconds, or the reason it could not be measured.
std::variant<double, std::string> IngestHttp(const std::string& binary, const IngestSet& set,
                                             const std::string& dir) {
  const std::string log = dir + "/serve.log";
  const pid_t server = fork();
  if (server == 0) {
    std::FILE* out = std::fopen(log.c_str(), "w");
    if (out) {
      dup2(fileno(out), STDOUT_FILENO);
      dup2(fileno(out), STDERR_FILENO);
    }
    // The server keeps the instance key of a PostgreSQL database in its working directory.
    if (chdir(dir.c_str()) != 0) _exit(127);
    execl(binary.c_str(), binary.c_str(), "serve", "--db", set.db.c_str(), "--port", "0",
          "--urging-interval", "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string base;
  for (int i = 0; i < 600 && base.empty(); ++i) {
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      const auto at = line.find(" on http://");
      if (line.starts_with("planwatch serving") && at != std::string::npos) {
        base = line.substr(at + 4);
      }
    }
    if (base.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto stop = [&] {
    kill(server, SIGTERM);
    int status = 0;
    waitpid(server, &status, 0);
  };
  if (base.empty()) {
    stop();
    return "the server did not start (see " + log + ")";
  }
  const std::string code_file = dir + "/http-ingest.code";
  const std::string command = fmt::format(
      "curl -s -o {}/http-ingest.body -w '%{{http_code}}' -H 'Authorization: Bearer {}'"
      " -H 'Content-Type: text/csv' --data-binary @{} {}/api/v1/data-values > {}",
      dir, set.token, set.http_csv, base, code_file);
  const auto start = Clock::now();
  const int rc = std::system(command.c_str());
  const double ms = MsSince(start);
  stop();
  std::ifstream in(code_file);
  std::string code;
  in >> code;
  if (rc != 0 || !(code == "200" || code == "201" || code == "204")) {
    std::ifstream body(dir + "/http-ingest.body");
    std::string text((std::istreambuf_iterator<char>(body)), std::istreambuf_iterator<char>());
    return fmt::format("HTTP {}: {}", code.empty() ? "no answer" : code, text.substr(0, 200));
  }
  return ms;
}

// ---------------------------------------------------------------------------------------------
// planwatch on PostgreSQL: the figures that depend on the store, on the PostgreSQL peer's server.

struct PostgresFigures {
  double copy_ms = 0;  // CopySqliteToPostgres of the whole database (planwatch migrate's copy)
  double cold_start_ms = 0;
  WriteVisible visible;       // as on SQLite: one node
  WriteVisible across_nodes;  // written through node A, read from node B's index
  std::variant<double, std::string> ingest_in_process, ingest_http;
};

PostgresFigures MeasurePostgresStore(Peer& postgres, const Options& o, const Dataset& data,
                                     const std::vector<Query>& queries,
                                     const std::vector<QueryTimes>& answers,
                                     const std::string& work_dir) {
  PostgresFigures f;
  const std::string url =
      Must(CreatePostgresDatabase(postgres, "planwatch"), "create the planwatch database");
  auto start = Clock::now();
  const auto copied = Must(CopySqliteToPostgres(o.db, url), "copy " + o.db + " into PostgreSQL");
  f.copy_ms = MsSince(start);
  std::printf("planwatch on PostgreSQL: copied %zu tables in %.1f s\n", copied.size(),
              f.copy_ms / 1000);
  std::fflush(stdout);
  {
    auto a = Must(Store::Open(StoreOptions{.location = url}), "open " + url);
    start = Clock::now();
    auto index = Must(AttachAnalytics(*a), "attach analytics on PostgreSQL");
    f.cold_start_ms = MsSince(start);
    std::printf("planwatch on PostgreSQL: index attached in %.2f s\n", f.cold_start_ms / 1000);
    // The index loaded from PostgreSQL answers exactly as the one loaded from SQLite.
    for (std::size_t q = 0; q < queries.size(); ++q) {
      for (std::size_t i = 0; i < queries[q].instances.size(); ++i) {
        const Answer got = Must(PlanwatchAnswer(*index, data.tree, queries[q].instances[i]),
                                "planwatch on PostgreSQL");
        std::string why;
        if (!SameAnswer(answers[q].answers[i], got, &why)) {
          Die(fmt::format("the index loaded from PostgreSQL answers {} ({}) differently: {}",
                          queries[q].name, queries[q].instances[i].label, why));
        }
      }
    }
    f.visible = MeasureWriteVisible(*a, *index, data, o.writes);
    // Node B: another store and index on the same database, catching up as it does before
    // answering an analytics request.
    auto b = Must(Store::Open(StoreOptions{.location = url}), "open " + url + " again");
    auto index_b = Must(AttachAnalytics(*b), "attach analytics of node B");
    f.across_nodes =
        MeasureWriteVisible(*a, *index_b, data, o.writes, [&] { return CatchUp(*b, *index_b); });
  }
  {
    const std::string ingest_url =
        Must(CreatePostgresDatabase(postgres, "planwatch_ingest"), "create the ingest database");
    f.ingest_in_process =
        IngestInProcess(MakeIngestSet(work_dir, "ingest-pg", o.ingest_values, ingest_url));
  }
  if (!o.planwatch.empty()) {
    const std::string http_url = Must(CreatePostgresDatabase(postgres, "planwatch_ingest_http"),
                                      "create the HTTP ingest database");
    f.ingest_http =
        IngestHttp(o.planwatch,
                   MakeIngestSet(work_dir, "ingest-pg-http", o.ingest_values, http_url), work_dir);
  } else {
    f.ingest_http = std::string("not run (no --planwatch BINARY)");
  }
  return f;
}

std::string MachineInfo() {
  utsname u{};
  uname(&u);
  std::string cpu;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("model name")) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  return fmt::format("{} {}, {} ({} cores)", u.sysname, u.release, cpu,
                     std::thread::hardware_concurrency());
}

std::string Ms(double ms) {
  if (ms >= 100) return fmt::format("{:.0f} ms", ms);
  if (ms >= 1) return fmt::format("{:.2f} ms", ms);
  return fmt::format("{:.1f} µs", ms * 1000);
}

int Main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  if (sodium_init() < 0) Die("libsodium did not initialise");
  const std::string data_dir = o.out + "/data", work_dir = o.out + "/work";
  fs::create_directories(data_dir);
  fs::create_directories(work_dir);
  const std::string script_dir = fs::path(__FILE__).parent_path().string();

  std::printf("reading %s\n", o.db.c_str());
  auto start = Clock::now();
  const Dataset data = Must(ReadDataset(o.db), "read " + o.db);
  std::printf(
      "  %zu units, %zu successions, %zu indicators, %zu values (%zu of another period"
      " type than their indicator's), %zu tasks, %zu events (%.1f s)\n",
      data.tree.size(), data.successions, data.indicators.size(), data.cells.size(),
      data.off_type_values, data.tasks.size(), data.events.size(), MsSince(start) / 1000);
  start = Clock::now();
  if (auto s = ExportCsv(data, data_dir); !s) Die(s.error().ToString());
  std::printf("  exported the load files to %s (%.1f s)\n", data_dir.c_str(),
              MsSince(start) / 1000);
  const std::vector<Query> queries =
      Must(SampleQueries(data, o.instances, o.seed), "sample the queries");

  // planwatch: the index of the database, kept current by the store's commit observer.
  auto store =
      Must(Store::Open(StoreOptions{.location = o.db, .create_if_missing = false}), "open " + o.db);
  start = Clock::now();
  auto index = Must(AttachAnalytics(*store), "attach analytics");
  const double cold_start_ms = MsSince(start);
  const Analytics::Size size = index->size();
  std::printf("planwatch: index of %zu values, %zu tasks, %zu events attached in %.2f s\n",
              size.values, size.tasks, size.events, cold_start_ms / 1000);
  if (size.values != data.cells.size()) {
    Die(fmt::format("the index holds {} values, the store scan {}", size.values,
                    data.cells.size()));
  }
  const RunPlan plan{o.runs, o.min_runs, o.budget_ms};
  std::vector<std::string> systems = {"planwatch"};
  std::map<std::string, std::vector<QueryTimes>> times;
  std::map<std::string, std::string> descriptions;
  std::map<std::string, double> load_ms;
  descriptions["planwatch"] =
      "planwatch analytics index, in process (Analytics::Rollup*, "
      "SummarizeTasks: what the HTTP endpoints call)";
  times["planwatch"] = RunPlanwatch(*index, data.tree, queries, plan);

  std::vector<std::unique_ptr<Peer>> peers;
  peers.push_back(Must(MakeSqlite(work_dir), "sqlite"));
  peers.push_back(Must(MakePostgres(work_dir), "postgres"));
  peers.push_back(Must(MakeDuckdb(script_dir, work_dir), "duckdb"));
  for (auto& peer : peers) {
    std::printf("%s: loading\n", peer->name().c_str());
    std::fflush(stdout);
    load_ms[peer->name()] = Must(peer->Load(data_dir), peer->name() + " load");
    auto result = Must(peer->Run(queries, plan), peer->name());
    if (load_ms[peer->name()] == 0) load_ms[peer->name()] = peer->deferred_load_ms();
    for (std::size_t q = 0; q < queries.size(); ++q) {
      for (std::size_t i = 0; i < queries[q].instances.size(); ++i) {
        std::string why;
        const Answer& expected = times["planwatch"][q].answers[i];
        const Answer& got = result[q].answers[i];
        if (!SameAnswer(expected, got, &why)) {
          Die(
              fmt::format("{} answers {} ({}) differently from planwatch: {}\n  planwatch: {}\n"
                          "  {}: {}",
                          peer->name(), queries[q].name, queries[q].instances[i].label, why,
                          FormatAnswer(expected), peer->name(), FormatAnswer(got)));
        }
      }
    }
    std::printf("%s: loaded in %.1f s; answers equal planwatch's on all %zu sampled instances\n",
                peer->name().c_str(), load_ms[peer->name()] / 1000,
                queries.size() * queries[0].instances.size());
    descriptions[peer->name()] = peer->description();
    times[peer->name()] = std::move(result);
    systems.push_back(peer->name());
  }

  std::printf("write -> visible: %d commits\n", o.writes);
  const WriteVisible visible = MeasureWriteVisible(*store, *index, data, o.writes);

  std::printf("ingest: %zu values\n", o.ingest_values);
  std::fflush(stdout);
  std::map<std::string, std::variant<double, std::string>> ingest;
  {
    const IngestSet set = MakeIngestSet(work_dir, "ingest", o.ingest_values);
    ingest["planwatch (in process)"] = IngestInProcess(set);
  }
  if (!o.planwatch.empty()) {
    const IngestSet set = MakeIngestSet(work_dir, "ingest-http", o.ingest_values);
    ingest["planwatch (HTTP, CSV)"] = IngestHttp(o.planwatch, set, work_dir);
  } else {
    ingest["planwatch (HTTP, CSV)"] = std::string("not run (no --planwatch BINARY)");
  }
  for (auto& peer : peers) {
    auto ms = peer->Ingest(work_dir + "/ingest.csv", o.ingest_values);
    ingest[peer->name()] = ms ? std::variant<double, std::string>(*ms)
                              : std::variant<double, std::string>(ms.error().ToString());
  }
  // The store's part again with planwatch on PostgreSQL, on the PostgreSQL peer's server.
  const PostgresFigures pg =
      MeasurePostgresStore(*peers[1], o, data, queries, times["planwatch"], work_dir);
  peers.clear();  // stops the PostgreSQL server

  // The table and the JSON.
  nlohmann::json out;
  out["machine"] = MachineInfo();
  out["database"] = o.db;
  out["quick"] = o.quick;
  out["scale"] = {{"units", data.tree.size()},
                  {"successions", data.successions},
                  {"indicators", data.indicators.size()},
                  {"values", data.cells.size()},
                  {"tasks", data.tasks.size()},
                  {"events", data.events.size()}};
  out["systems"] = descriptions;
  out["load_ms"] = load_ms;
  std::printf("\n%s\n%zu values, %zu units, %zu tasks; %d instances per query; %s\n",
              MachineInfo().c_str(), data.cells.size(), data.tree.size(), data.tasks.size(),
              o.instances, o.quick ? "--quick" : "full");
  std::printf("\n| query | system | median | p99 | runs | planwatch/peer (median) |\n");
  std::printf("|---|---|---:|---:|---:|---:|\n");
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const Stats pw = Summarize(times["planwatch"][q].ms);
    nlohmann::json jq;
    jq["title"] = queries[q].title;
    jq["sample"] = nlohmann::json::array();
    for (const Instance& in : queries[q].instances) jq["sample"].push_back(in.label);
    for (const std::string& system : systems) {
      const Stats s = Summarize(times[system][q].ms);
      const double ratio = s.median > 0 ? pw.median / s.median : 0;
      jq["systems"][system] = {
          {"median_ms", s.median}, {"p99_ms", s.p99}, {"runs", s.runs}, {"ratio", ratio}};
      std::printf("| %s | %s | %s | %s | %d | %s |\n",
                  system == "planwatch" ? queries[q].title.c_str() : "", system.c_str(),
                  Ms(s.median).c_str(), Ms(s.p99).c_str(), s.runs,
                  system == "planwatch" ? ""
                  : ratio <= 1 ? fmt::format("{:.3g} ({:.1f}x faster)", ratio, 1 / ratio).c_str()
                               : fmt::format("{:.3g} ({:.1f}x slower)", ratio, ratio).c_str());
    }
    out["queries"][queries[q].name] = jq;
  }
  std::printf("\n| durable ingest of %zu values | time | values/s |\n|---|---:|---:|\n",
              o.ingest_values);
  for (const auto& [system, result] : ingest) {
    if (const double* ms = std::get_if<double>(&result)) {
      const double rate = o.ingest_values / (*ms / 1000);
      out["ingest"][system] = {{"ms", *ms}, {"values_per_s", rate}};
      std::printf("| %s | %s | %.0f |\n", system.c_str(), Ms(*ms).c_str(), rate);
    } else {
      out["ingest"][system] = {{"error", std::get<std::string>(result)}};
      std::printf("| %s | %s | |\n", system.c_str(), std::get<std::string>(result).c_str());
    }
  }
  out["ingest_values"] = o.ingest_values;
  const double bytes_per_value =
      size.values ? static_cast<double>(size.value_bytes) / static_cast<double>(size.values) : 0;
  out["write_visible"] = {{"median_ms", visible.stats.median},
                          {"p99_ms", visible.stats.p99},
                          {"runs", visible.stats.runs},
                          {"what", visible.what},
                          {"after_commit_median_ms", visible.after_commit.median},
                          {"after_commit_p99_ms", visible.after_commit.p99}};
  out["index"] = {{"values", size.values},
                  {"value_bytes", size.value_bytes},
                  {"bytes_per_value", bytes_per_value},
                  {"tasks", size.tasks},
                  {"events", size.events},
                  {"task_bytes", size.task_bytes}};
  out["cold_start_ms"] = cold_start_ms;
  std::printf("\n| figure | value |\n|---|---:|\n");
  std::printf("| write -> visible in a rollup (median / p99 of %d) | %s / %s |\n",
              visible.stats.runs, Ms(visible.stats.median).c_str(), Ms(visible.stats.p99).c_str());
  std::printf("| of which after Commit() returned: the rollup (median / p99) | %s / %s |\n",
              Ms(visible.after_commit.median).c_str(), Ms(visible.after_commit.p99).c_str());
  std::printf("| index memory per value (value_bytes / values) | %.1f bytes |\n", bytes_per_value);
  std::printf("| task index memory (task_bytes, %zu tasks, %zu events) | %.1f MB |\n", size.tasks,
              size.events, size.task_bytes / 1e6);
  std::printf("| cold start (AttachAnalytics) | %.2f s |\n", cold_start_ms / 1000);

  // planwatch on each store, side by side.
  auto rate = [&](const std::variant<double, std::string>& r) -> std::string {
    const double* ms = std::get_if<double>(&r);
    return ms ? fmt::format("{:.0f}", o.ingest_values / (*ms / 1000)) : std::get<std::string>(r);
  };
  auto ratio = [](double pg_value, double sqlite_value) {
    return sqlite_value > 0 ? fmt::format("{:.2f}", pg_value / sqlite_value) : std::string("");
  };
  auto ingest_ratio = [&](const std::variant<double, std::string>& p,
                          const std::variant<double, std::string>& q) -> std::string {
    const double* pm = std::get_if<double>(&p);
    const double* qm = std::get_if<double>(&q);
    return pm && qm ? ratio(*pm, *qm) : std::string("");
  };
  std::printf(
      "\n| planwatch on its two stores | SQLite store | PostgreSQL store | time PostgreSQL / "
      "SQLite |\n|---|---:|---:|---:|\n");
  std::printf("| cold start (AttachAnalytics) | %.2f s | %.2f s | %s |\n", cold_start_ms / 1000,
              pg.cold_start_ms / 1000, ratio(pg.cold_start_ms, cold_start_ms).c_str());
  std::printf("| write -> visible in a rollup, median / p99 | %s / %s | %s / %s | %s |\n",
              Ms(visible.stats.median).c_str(), Ms(visible.stats.p99).c_str(),
              Ms(pg.visible.stats.median).c_str(), Ms(pg.visible.stats.p99).c_str(),
              ratio(pg.visible.stats.median, visible.stats.median).c_str());
  std::printf(
      "| write through node A -> visible in node B's rollup (B catches up), median / p99 | | "
      "%s / %s | |\n",
      Ms(pg.across_nodes.stats.median).c_str(), Ms(pg.across_nodes.stats.p99).c_str());
  std::printf("| durable ingest in process (values/s) | %s | %s | %s |\n",
              rate(ingest["planwatch (in process)"]).c_str(), rate(pg.ingest_in_process).c_str(),
              ingest_ratio(pg.ingest_in_process, ingest["planwatch (in process)"]).c_str());
  std::printf("| durable ingest over HTTP, CSV (values/s) | %s | %s | %s |\n",
              rate(ingest["planwatch (HTTP, CSV)"]).c_str(), rate(pg.ingest_http).c_str(),
              ingest_ratio(pg.ingest_http, ingest["planwatch (HTTP, CSV)"]).c_str());
  std::printf("| copy of the database into PostgreSQL (planwatch migrate's copy) | | %.1f s | |\n",
              pg.copy_ms / 1000);
  auto ingest_json = [&](const std::variant<double, std::string>& r) {
    if (const double* ms = std::get_if<double>(&r)) {
      return nlohmann::json{{"ms", *ms}, {"values_per_s", o.ingest_values / (*ms / 1000)}};
    }
    return nlohmann::json{{"error", std::get<std::string>(r)}};
  };
  out["postgres_store"] = {
      {"copy_ms", pg.copy_ms},
      {"cold_start_ms", pg.cold_start_ms},
      {"write_visible", {{"median_ms", pg.visible.stats.median}, {"p99_ms", pg.visible.stats.p99}}},
      {"write_visible_across_nodes",
       {{"median_ms", pg.across_nodes.stats.median},
        {"p99_ms", pg.across_nodes.stats.p99},
        {"runs", pg.across_nodes.stats.runs}}},
      {"ingest_in_process", ingest_json(pg.ingest_in_process)},
      {"ingest_http", ingest_json(pg.ingest_http)}};
  const std::string json_path = o.out + "/compare.json";
  std::ofstream(json_path) << out.dump(2) << "\n";
  std::printf("\nwrote %s\n", json_path.c_str());
  return 0;
}

}  // namespace
}  // namespace planwatch::bench

int main(int argc, char** argv) { return planwatch::bench::Main(argc, argv); }
