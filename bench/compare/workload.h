// The workload of bench/compare: the data read from a planwatch database, exported to CSV load
// files for the peers, and the query instances every system answers (same sample, fixed seed).
//
// Encoding shared by every peer (and by the answers compared across systems):
// - units by their depth-first position `pre` and the last position of their subtree `post`
//   (nested set), so a subtree is `pre BETWEEN lo AND hi`;
// - periods as month numbers (year × 12 + month − 1): a value has its first month `ms` and its
//   last month `m`, and lies within a window [ws, we] when ms >= ws AND m <= we;
// - dates as days since 1970-01-01.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"

namespace planwatch::bench {

// One current value, in the peers' encoding.
struct Cell {
  std::int32_t ind = 0;
  std::int32_t pre = 0;
  std::int32_t ms = 0;  // first month
  std::int32_t m = 0;   // last month
  double v = 0;
};

int MonthNumber(int year, int month);  // year * 12 + month - 1
int FirstMonth(const Period& p);
int LastMonth(const Period& p);
Period MonthPeriod(int month_number);

// Everything the bench reads from the planwatch database once.
struct Dataset {
  OrgTree tree;
  std::vector<Indicator> indicators;
  std::vector<Cell> cells;
  std::vector<Plan> plans;
  std::vector<Task> tasks;          // of every plan
  std::vector<TaskEvent> events;    // of every plan, in ledger order within each task
  std::size_t successions = 0;      // succession edges in the tree
  std::size_t off_type_values = 0;  // values whose period type is not their indicator's
  int last_month = 0;               // the latest month with a value
};

// Reads the database at `path` through the Store interface. not_found when it does not exist.
Result<Dataset> ReadDataset(const std::string& path);

// Writes units.csv, preds.csv, inds.csv, vals.csv, tasks.csv and events.csv into `dir`.
Status ExportCsv(const Dataset& data, const std::string& dir);

enum class QueryKind {
  kSubtreeByMonth,    // one indicator × a province's subtree × 12 months, by month
  kNationByProvince,  // one indicator × the nation, by province, for a year
  kRatioByProvince,   // a ratio indicator × the nation, by province, for a year
  kCommuneSeries,     // 20 indicators × one commune × 72 months, by month
  kTaskSummary,       // a province's task-status summary as of a date
};

// What the SQL text of an instance depends on (each distinct shape is one prepared statement).
struct Shape {
  QueryKind kind = QueryKind::kSubtreeByMonth;
  UnitAggregation uagg = UnitAggregation::kSum;
  TimeAggregation tagg = TimeAggregation::kSum;      // the numerator's for a ratio
  TimeAggregation tagg_den = TimeAggregation::kSum;  // ratio only
  double factor = 1;                                 // ratio only
  int inds = 1;                                      // kCommuneSeries: how many indicators

  bool operator==(const Shape&) const = default;
};

enum class Dialect { kSqlite, kPostgres, kDuckdb };

// The statement of `shape` in `dialect`, parameters numbered as Instance::params.
std::string ShapeSql(Dialect dialect, const Shape& shape);

// One parameter set of a query, in both forms: planwatch's (ids, periods, dates) and the peers'
// (integers bound in order).
struct Instance {
  Shape shape;
  std::vector<IndicatorId> indicators;  // one, or the ratio, or kCommuneSeries' list
  OrgUnitId unit;                       // the province, commune or the nation's root
  PeriodRange window{Period::Year(1970), Period::Year(1970)};
  PlanId plan;
  Date as_of;
  std::vector<std::int64_t> params;
  std::string label;  // for messages: "indicator X, unit Y"
};

// Rows of numbers, keys first, ordered by keys: how every system's answer is compared.
using Answer = std::vector<std::vector<double>>;

struct Query {
  QueryKind kind;
  std::string name;   // "subtree_by_month", …
  std::string title;  // for the table
  std::vector<Instance> instances;
};

// The sample: `per_query` instances of each query, drawn with `seed` from the dataset.
// failed_precondition naming what is missing (no province, no monthly indicator, no plan …).
Result<std::vector<Query>> SampleQueries(const Dataset& data, int per_query, std::uint32_t seed);

// The schema and load statements for a peer reading the CSV files of `dir`.
std::vector<std::string> SchemaSql(Dialect dialect);
std::vector<std::string> IndexSql(Dialect dialect);

// True when two answers are equal: same shape, keys equal, values within 1e-9 relative.
bool SameAnswer(const Answer& a, const Answer& b, std::string* why);
std::string FormatAnswer(const Answer& a, std::size_t max_rows = 6);

}  // namespace planwatch::bench
