// A province's task-status summary as of a date: planwatch's rules (domain/task_rates.h) against
// the best SQLite formulation we know of the same rules, on the same generated ledger, in one run.
// Both must produce identical figures; the run aborts otherwise.
//
// Shape: 100,000 deadline tasks led by 4,000 units (a province's departments, communes and
// villages), ~5 events per task: progress, claims, returns, verifications, amendments,
// cancellations.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "planwatch/domain/task_rates.h"

namespace planwatch {
namespace {

constexpr int kTasks = 100'000;
constexpr int kUnits = 4'000;

struct Fixture {
  std::vector<Task> tasks;
  std::vector<TaskEvent> events;
};

Date Day(int offset) { return Date::FromYmd(2025, 1, 1)->AddDays(offset); }

const Fixture& Data() {
  static const Fixture fixture = [] {
    Fixture f;
    std::mt19937 rng(57);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    f.tasks.reserve(kTasks);
    for (int i = 1; i <= kTasks; ++i) {
      Task t;
      t.id = TaskId{i};
      t.plan = PlanId{1};
      t.lead_unit = OrgUnitId{uniform(1, kUnits)};
      t.assigned_on = Day(uniform(0, 300));
      t.deadline = t.assigned_on.AddDays(uniform(30, 400));
      f.tasks.push_back(t);
      auto event = [&](TaskEventKind kind, Date on) {
        TaskEvent e;
        e.task = t.id;
        e.kind = kind;
        e.on = on;
        return e;
      };
      Date now = t.assigned_on.AddDays(uniform(5, 60));
      TaskEvent progress = event(TaskEventKind::kProgress, now);
      progress.progress_percent = uniform(10, 60);
      f.events.push_back(progress);
      const int fate = uniform(0, 99);
      if (fate < 10) {
        TaskEvent amend = event(TaskEventKind::kAmend, t.deadline->AddDays(uniform(-20, 30)));
        amend.new_deadline = t.deadline->AddDays(uniform(30, 120));
        amend.reason = "extension";
        f.events.push_back(amend);
      }
      if (fate >= 5 && fate < 8) {
        TaskEvent cancel = event(TaskEventKind::kCancel, now.AddDays(uniform(1, 200)));
        cancel.reason = "merged";
        f.events.push_back(cancel);
        continue;
      }
      if (fate < 75) {
        Date claimed = t.deadline->AddDays(uniform(-60, 40));
        if (claimed < now) claimed = now;
        TaskEvent claim = event(TaskEventKind::kClaim, claimed);
        claim.completed_on = claimed.AddDays(-uniform(0, 5));
        f.events.push_back(claim);
        if (fate < 12) {
          f.events.push_back(event(TaskEventKind::kReturn, claimed.AddDays(uniform(1, 10))));
          claim.on = claimed.AddDays(uniform(11, 40));
          claim.completed_on = claim.on;
          f.events.push_back(claim);
          claimed = claim.on;
        }
        if (fate < 60) {
          TaskEvent verify = event(TaskEventKind::kVerify, claimed.AddDays(uniform(0, 30)));
          if (fate % 7 == 0) verify.completed_on = claimed.AddDays(uniform(-10, 0));
          f.events.push_back(verify);
        }
      }
    }
    return f;
  }();
  return fixture;
}

constexpr Date kAsOf = Date::FromDays(20453);  // 2025-12-31

void Check(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::abort();
  }
}

// The ledger in SQLite with the indexes the query needs, dates as day numbers.
sqlite3* LoadSqlite() {
  sqlite3* db = nullptr;
  Check(sqlite3_open(":memory:", &db), db);
  Check(sqlite3_exec(db,
                     "CREATE TABLE tasks(id INTEGER PRIMARY KEY, lead_unit INT, assigned_on INT,"
                     " deadline INT);"
                     "CREATE TABLE events(seq INTEGER PRIMARY KEY, task INT, kind INT, on_day INT,"
                     " completed_on INT, new_deadline INT);",
                     nullptr, nullptr, nullptr),
        db);
  Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db);
  sqlite3_stmt* ins = nullptr;
  Check(sqlite3_prepare_v2(db, "INSERT INTO tasks VALUES(?,?,?,?)", -1, &ins, nullptr), db);
  for (const Task& t : Data().tasks) {
    sqlite3_bind_int64(ins, 1, t.id.value);
    sqlite3_bind_int64(ins, 2, t.lead_unit.value);
    sqlite3_bind_int(ins, 3, t.assigned_on.days_since_epoch());
    sqlite3_bind_int(ins, 4, t.deadline->days_since_epoch());
    Check(sqlite3_step(ins), db);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  Check(sqlite3_prepare_v2(db,
                           "INSERT INTO events(task,kind,on_day,completed_on,new_deadline)"
                           " VALUES(?,?,?,?,?)",
                           -1, &ins, nullptr),
        db);
  for (const TaskEvent& e : Data().events) {
    sqlite3_bind_int64(ins, 1, e.task.value);
    sqlite3_bind_int(ins, 2, static_cast<int>(e.kind));
    sqlite3_bind_int(ins, 3, e.on.days_since_epoch());
    if (e.completed_on) {
      sqlite3_bind_int(ins, 4, e.completed_on->days_since_epoch());
    } else {
      sqlite3_bind_null(ins, 4);
    }
    if (e.new_deadline) {
      sqlite3_bind_int(ins, 5, e.new_deadline->days_since_epoch());
    } else {
      sqlite3_bind_null(ins, 5);
    }
    Check(sqlite3_step(ins), db);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  Check(sqlite3_exec(db,
                     "COMMIT; CREATE INDEX events_by_task ON events(task, kind, on_day, seq);"
                     "CREATE INDEX tasks_by_unit ON tasks(lead_unit); ANALYZE;",
                     nullptr, nullptr, nullptr),
        db);
  return db;
}

// Per task: the deadline in force (latest amendment on or before D), cancellation, the latest
// claim on or before D unless a return follows it, and a verification after that claim (whose
// corrected completion date counts in both views; unverified claims count in the claimed view).
constexpr const char* kStatusSql = R"sql(
WITH judged AS (
  SELECT t.id,
    COALESCE((SELECT a.new_deadline FROM events a WHERE a.task = t.id AND a.kind = 4
              AND a.on_day <= ?1 ORDER BY a.on_day DESC, a.seq DESC LIMIT 1), t.deadline) AS dl,
    EXISTS (SELECT 1 FROM events x WHERE x.task = t.id AND x.kind = 5 AND x.on_day <= ?1)
      AS cancelled,
    c.on_day AS claim_on, c.seq AS claim_seq, c.completed_on AS claim_completed
  FROM tasks t
  LEFT JOIN events c ON c.seq = (SELECT seq FROM events WHERE task = t.id AND kind = 1
                                 AND on_day <= ?1 ORDER BY on_day DESC, seq DESC LIMIT 1)
  WHERE t.assigned_on <= ?1 AND t.lead_unit BETWEEN ?2 AND ?3
), done AS (
  SELECT j.*,
    CASE WHEN j.claim_on IS NULL OR EXISTS (
           SELECT 1 FROM events r WHERE r.task = j.id AND r.kind = 3 AND r.on_day <= ?1
           AND (r.on_day, r.seq) > (j.claim_on, j.claim_seq)) THEN NULL
         WHEN EXISTS (SELECT 1 FROM events v WHERE v.task = j.id AND v.kind = 2 AND v.on_day <= ?1
                      AND (v.on_day, v.seq) > (j.claim_on, j.claim_seq))
           THEN COALESCE((SELECT v.completed_on FROM events v WHERE v.task = j.id AND v.kind = 2
                          AND v.on_day <= ?1 AND (v.on_day, v.seq) > (j.claim_on, j.claim_seq)
                          AND v.completed_on IS NOT NULL ORDER BY v.on_day DESC, v.seq DESC
                          LIMIT 1), j.claim_completed)
         WHEN ?4 = 1 THEN j.claim_completed
    END AS completed
  FROM judged j
)
SELECT
  SUM(NOT cancelled),
  SUM(NOT cancelled AND completed IS NOT NULL AND completed <= dl),
  SUM(NOT cancelled AND completed IS NOT NULL AND completed > dl),
  SUM(NOT cancelled AND completed IS NULL AND ?1 <= dl),
  SUM(NOT cancelled AND completed IS NULL AND ?1 > dl),
  SUM(cancelled)
FROM done
)sql";

struct Counts {
  long total, on_time, late, in_progress, overdue, cancelled;
  bool operator==(const Counts&) const = default;
};

Counts SqliteStatus(sqlite3* db, sqlite3_stmt* stmt, int lo, int hi, bool claimed) {
  sqlite3_reset(stmt);
  sqlite3_bind_int(stmt, 1, kAsOf.days_since_epoch());
  sqlite3_bind_int(stmt, 2, lo);
  sqlite3_bind_int(stmt, 3, hi);
  sqlite3_bind_int(stmt, 4, claimed ? 1 : 0);
  Check(sqlite3_step(stmt), db);
  return Counts{sqlite3_column_int(stmt, 0), sqlite3_column_int(stmt, 1),
                sqlite3_column_int(stmt, 2), sqlite3_column_int(stmt, 3),
                sqlite3_column_int(stmt, 4), sqlite3_column_int(stmt, 5)};
}

Counts PlanwatchStatus(int lo, int hi, bool claimed) {
  TaskFilter filter;
  std::unordered_set<OrgUnitId> units;
  for (int u = lo; u <= hi; ++u) units.insert(OrgUnitId{u});
  filter.lead_units = std::move(units);
  const StatusSummary s =
      Summarize(Data().tasks, Data().events, kAsOf,
                claimed ? CompletionView::kClaimed : CompletionView::kVerified, filter);
  return Counts{s.total,   s.done_on_time, s.done_late, s.in_progress_on_time,
                s.overdue, s.cancelled};
}

// Units 1..kUnits are numbered depth-first, so a province's subtree is a range; "all" is the
// whole plan, "subtree" a tenth of it.
constexpr int kSubtreeLo = 1201, kSubtreeHi = 1600;

struct Sqlite {
  sqlite3* db = LoadSqlite();
  sqlite3_stmt* stmt = [this] {
    sqlite3_stmt* s = nullptr;
    Check(sqlite3_prepare_v2(db, kStatusSql, -1, &s, nullptr), db);
    return s;
  }();
};
Sqlite& SqliteDb() {
  static Sqlite sqlite;
  return sqlite;
}

void VerifySameFigures() {
  for (bool claimed : {false, true}) {
    for (auto [lo, hi] : {std::pair{1, kUnits}, std::pair{kSubtreeLo, kSubtreeHi}}) {
      const Counts a = PlanwatchStatus(lo, hi, claimed);
      const Counts b = SqliteStatus(SqliteDb().db, SqliteDb().stmt, lo, hi, claimed);
      if (!(a == b)) {
        std::fprintf(stderr,
                     "figures differ (claimed=%d, units %d-%d): planwatch %ld/%ld/%ld/%ld/%ld/%ld"
                     " sqlite %ld/%ld/%ld/%ld/%ld/%ld\n",
                     claimed, lo, hi, a.total, a.on_time, a.late, a.in_progress, a.overdue,
                     a.cancelled, b.total, b.on_time, b.late, b.in_progress, b.overdue,
                     b.cancelled);
        std::abort();
      }
    }
  }
}

void BM_Planwatch_Plan(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(PlanwatchStatus(1, kUnits, false));
}
void BM_Sqlite_Plan(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(SqliteStatus(SqliteDb().db, SqliteDb().stmt, 1, kUnits, false));
  }
}
void BM_Planwatch_Subtree(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(PlanwatchStatus(kSubtreeLo, kSubtreeHi, false));
}
void BM_Sqlite_Subtree(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        SqliteStatus(SqliteDb().db, SqliteDb().stmt, kSubtreeLo, kSubtreeHi, false));
  }
}
BENCHMARK(BM_Planwatch_Plan)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sqlite_Plan)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Planwatch_Subtree)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sqlite_Subtree)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace planwatch

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  planwatch::VerifySameFigures();
  std::printf("figures identical on both engines (%zu tasks, %zu events)\n",
              planwatch::Data().tasks.size(), planwatch::Data().events.size());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
