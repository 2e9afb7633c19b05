// The peers of bench/compare: SQLite (C API, in process), PostgreSQL 15 (a server the bench
// starts on loopback, libpq with prepared statements) and DuckDB (@duckdb/node-api, driven by
// bench/compare/duckdb.mjs). Each loads the CSV files of ExportCsv, answers every instance once
// (the answers are checked against planwatch's), then times them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "compare/workload.h"

#include "planwatch/base/error.h"

namespace planwatch::bench {

// How many times each query is timed: `runs`, fewer when one run is slow, so that a query takes
// about `budget_ms`, but never fewer than `min_runs`. Run i uses instance i mod n.
struct RunPlan {
  int runs = 200;
  int min_runs = 20;
  double budget_ms = 20'000;

  int RunsFor(double estimate_ms) const;
};

struct QueryTimes {
  std::vector<Answer> answers;  // one per instance, from the first (untimed) pass
  std::vector<double> ms;       // one per timed run
};

// Times every query by `plan`: a first pass takes each instance's answer (and estimates the
// cost), then plan.RunsFor() timed runs cycle through the instances. The first error stops it.
Result<std::vector<QueryTimes>> TimeQueries(
    const std::vector<Query>& queries, const RunPlan& plan,
    const std::function<Result<Answer>(const Instance&)>& answer_of);

class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::string name() const = 0;
  // What the peer is, as the table says it ("SQLite 3.40.1, on-disk WAL").
  virtual std::string description() const = 0;
  // Loads the CSV files of `dir`; returns the milliseconds it took.
  virtual Result<double> Load(const std::string& dir) = 0;
  virtual Result<std::vector<QueryTimes>> Run(const std::vector<Query>& queries,
                                              const RunPlan& plan) = 0;
  // Durable bulk load of the rows of `csv` (ind,pre,m,ms,v with a header) into an empty table
  // like vals; returns the milliseconds from the first row sent to the commit returning.
  virtual Result<double> Ingest(const std::string& csv, std::size_t rows) = 0;
  // A peer that loads within Run() (DuckDB's node process) reports its load time here after it.
  virtual double deferred_load_ms() const { return 0; }
};

// `work_dir`: where the peer keeps its database files (created if missing).
Result<std::unique_ptr<Peer>> MakeSqlite(const std::string& work_dir);
// Starts a PostgreSQL 15 server (initdb + pg_ctl in a fresh directory under `work_dir`, port on
// 127.0.0.1, socket in that directory; as root the server runs as `postgres`). The server is
// stopped when the peer is destroyed, and by StopPostgresServers() (for exits and signals).
Result<std::unique_ptr<Peer>> MakePostgres(const std::string& work_dir);
void StopPostgresServers();
// A new, empty database on the server of `postgres` (a peer made by MakePostgres), with the
// bytewise collation planwatch needs; returns its postgresql:// location (TCP on loopback).
// invalid_argument for another kind of peer.
Result<std::string> CreatePostgresDatabase(Peer& postgres, const std::string& name);
// DuckDB through `node duckdb.mjs` in `script_dir` (with its node_modules installed).
Result<std::unique_ptr<Peer>> MakeDuckdb(const std::string& script_dir,
                                         const std::string& work_dir);

// Reads a CSV of numbers (header skipped, empty fields are null) into rows.
Result<std::vector<std::vector<std::string>>> ReadCsvRows(const std::string& path);

}  // namespace planwatch::bench
