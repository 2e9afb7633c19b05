#include "compare/workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>

#include "planwatch/storage/store.h"

namespace planwatch::bench {

int MonthNumber(int year, int month) { return year * 12 + month - 1; }

int FirstMonth(const Period& p) {
  switch (p.type()) {
    case PeriodType::kYear:
      return MonthNumber(p.year(), 1);
    case PeriodType::kHalf:
      return MonthNumber(p.year(), (p.index() - 1) * 6 + 1);
    case PeriodType::kQuarter:
      return MonthNumber(p.year(), (p.index() - 1) * 3 + 1);
    case PeriodType::kMonth:
      return MonthNumber(p.year(), p.index());
  }
  return 0;
}

int LastMonth(const Period& p) {
  static constexpr int kLength[] = {12, 6, 3, 1};
  return FirstMonth(p) + kLength[static_cast<int>(p.type())] - 1;
}

Period MonthPeriod(int month_number) {
  return Period::Of(PeriodType::kMonth, month_number / 12, month_number % 12 + 1);
}

Result<Dataset> ReadDataset(const std::string& path) {
  auto store = Store::Open(StoreOptions{.location = path, .create_if_missing = false});
  if (!store) return std::unexpected(store.error());
  Dataset data;
  auto units = (*store)->OrgUnits();
  if (!units) return std::unexpected(units.error());
  auto successions = (*store)->Successions();
  if (!successions) return std::unexpected(successions.error());
  data.successions = successions->size();
  auto tree = OrgTree::Build(std::move(*units), std::move(*successions));
  if (!tree) return std::unexpected(tree.error());
  data.tree = std::move(*tree);
  auto indicators = (*store)->Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  data.indicators = std::move(*indicators);
  std::unordered_map<std::int64_t, PeriodType> period_type;
  for (const Indicator& i : data.indicators) period_type[i.id.value] = i.period_type;

  Status scanned = (*store)->ScanDataValues([&](const ValueCell& c) {
    const int pre = data.tree.Index(c.unit);
    if (pre < 0) return;
    auto type = period_type.find(c.indicator.value);
    if (type == period_type.end()) return;
    if (type->second != c.period.type()) ++data.off_type_values;
    Cell cell{static_cast<std::int32_t>(c.indicator.value), pre, FirstMonth(c.period),
              LastMonth(c.period), c.value};
    data.last_month = std::max(data.last_month, cell.m);
    data.cells.push_back(cell);
  });
  if (!scanned) return std::unexpected(scanned.error());

  auto plans = (*store)->Plans();
  if (!plans) return std::unexpected(plans.error());
  data.plans = std::move(*plans);
  for (const Plan& plan : data.plans) {
    auto tasks = (*store)->Tasks(plan.id);
    if (!tasks) return std::unexpected(tasks.error());
    auto events = (*store)->TaskEvents(plan.id);
    if (!events) return std::unexpected(events.error());
    data.tasks.insert(data.tasks.end(), tasks->begin(), tasks->end());
    data.events.insert(data.events.end(), events->begin(), events->end());
  }
  return data;
}

namespace {

class CsvFile {
 public:
  explicit CsvFile(const std::string& path) : file_(std::fopen(path.c_str(), "w")), path_(path) {
    buffer_.reserve(1 << 20);
  }
  ~CsvFile() {
    if (file_) std::fclose(file_);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  bool ok() const { return file_ != nullptr; }
  void Line(const std::string& line) {
    buffer_ += line;
    buffer_ += '\n';
    if (buffer_.size() > (1 << 20)) Flush();
  }
  Status Close() {
    Flush();
    const bool failed = std::ferror(file_) != 0;
    if (std::fclose(file_) != 0 || failed) {
      file_ = nullptr;
      return Internal("cannot write " + path_);
    }
    file_ = nullptr;
    return {};
  }

 private:
  void Flush() {
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    buffer_.clear();
  }
  std::FILE* file_;
  std::string path_;
  std::string buffer_;
};

std::string Opt(const std::optional<Date>& d) {
  return d ? std::to_string(d->days_since_epoch()) : std::string();
}

std::string Pre(const OrgTree& tree, OrgUnitId unit) {
  const int pre = tree.Index(unit);
  return pre < 0 ? std::string() : std::to_string(pre);
}

}  // namespace

Status ExportCsv(const Dataset& data, const std::string& dir) {
  const OrgTree& tree = data.tree;
  auto open = [&](const std::string& name, const char* header) {
    auto file = std::make_unique<CsvFile>(dir + "/" + name);
    if (file->ok()) file->Line(header);
    return file;
  };
  std::vector<std::unique_ptr<CsvFile>> files;
  {
    auto f = open("units.csv", "pre,post,parent_pre,id,valid_from,valid_to");
    for (const OrgUnit& u : tree.units()) {
      const int pre = tree.Index(u.id);
      f->Line(fmt::format("{},{},{},{},{},{}", pre, pre + tree.SubtreeSize(u.id) - 1,
                          u.parent ? Pre(tree, u.parent) : std::string(), u.id.value,
                          Opt(u.valid_from), Opt(u.valid_to)));
    }
    files.push_back(std::move(f));
  }
  {
    auto f = open("preds.csv", "succ_pre,pred_pre");
    if (data.successions > 0) {
      for (const OrgUnit& u : tree.units()) {
        for (OrgUnitId p : tree.Predecessors(u.id)) {
          f->Line(fmt::format("{},{}", tree.Index(u.id), tree.Index(p)));
        }
      }
    }
    files.push_back(std::move(f));
  }
  {
    auto f = open("inds.csv", "id,uagg,tagg,ptype,num,den,factor");
    for (const Indicator& i : data.indicators) {
      f->Line(fmt::format("{},{},{},{},{},{},{:.17g}", i.id.value,
                          static_cast<int>(i.unit_aggregation),
                          static_cast<int>(i.time_aggregation), static_cast<int>(i.period_type),
                          i.numerator.value, i.denominator.value, i.factor));
    }
    files.push_back(std::move(f));
  }
  {
    auto f = open("vals.csv", "ind,pre,m,ms,v");
    std::vector<Cell> sorted = data.cells;
    std::sort(sorted.begin(), sorted.end(), [](const Cell& a, const Cell& b) {
      return std::tie(a.ind, a.pre, a.m, a.ms) < std::tie(b.ind, b.pre, b.m, b.ms);
    });
    for (const Cell& c : sorted)
      f->Line(fmt::format("{},{},{},{},{:.17g}", c.ind, c.pre, c.m, c.ms, c.v));
    files.push_back(std::move(f));
  }
  {
    auto f = open("tasks.csv", "id,plan,kind,assigned,deadline,lead_pre");
    for (const Task& t : data.tasks) {
      f->Line(fmt::format("{},{},{},{},{},{}", t.id.value, t.plan.value, static_cast<int>(t.kind),
                          t.assigned_on.days_since_epoch(), Opt(t.deadline),
                          Pre(tree, t.lead_unit)));
    }
    files.push_back(std::move(f));
  }
  {
    auto f = open("events.csv", "seq,task,kind,on_day,completed,new_deadline,new_lead_pre");
    std::int64_t seq = 0;
    for (const TaskEvent& e : data.events) {
      f->Line(fmt::format("{},{},{},{},{},{},{}", ++seq, e.task.value, static_cast<int>(e.kind),
                          e.on.days_since_epoch(), Opt(e.completed_on), Opt(e.new_deadline),
                          e.new_lead_unit ? Pre(tree, e.new_lead_unit) : std::string()));
    }
    files.push_back(std::move(f));
  }
  for (auto& f : files) {
    if (!f->ok()) return Internal("cannot create the load files in " + dir);
    if (Status s = f->Close(); !s) return s;
  }
  return {};
}

namespace {

// ?N placeholders are SQLite's form; PostgreSQL and DuckDB number them $N.
std::string Placeholders(Dialect dialect, std::string sql) {
  if (dialect == Dialect::kSqlite) return sql;
  std::replace(sql.begin(), sql.end(), '?', '$');
  return sql;
}

// The values of the units in [lo, hi] and of the units they succeeded, within [ws, we].
std::string Members(const std::string& ind, const std::string& lo, const std::string& hi,
                    const std::string& ws, const std::string& we, const std::string& extra) {
  return fmt::format(
      "SELECT ind, pre, ms, m, v FROM vals WHERE {0} AND pre BETWEEN {1} AND {2}"
      " AND ms >= {3} AND m <= {4}{5}"
      " UNION ALL SELECT ind, pre, ms, m, v FROM vals WHERE {0} AND pre IN (SELECT pred_pre FROM"
      " preds WHERE succ_pre BETWEEN {1} AND {2} AND pred_pre NOT BETWEEN {1} AND {2})"
      " AND ms >= {3} AND m <= {4}{5}",
      ind, lo, hi, ws, we, extra);
}

// One row per unit: its values aggregated over time, as x.
std::string PerUnit(Dialect dialect, TimeAggregation tagg, const std::string& members) {
  switch (tagg) {
    case TimeAggregation::kSum:
      return "SELECT pre, SUM(v) AS x FROM (" + members + ") q GROUP BY pre";
    case TimeAggregation::kAverage:
      return "SELECT pre, AVG(v) AS x FROM (" + members + ") q GROUP BY pre";
    case TimeAggregation::kLast:
      // Latest by last month, then by first month (a quarter after its year).
      switch (dialect) {
        case Dialect::kSqlite:  // a bare column takes the row of MAX()
          return "SELECT pre, v AS x, MAX(m * 16 + ms - m + 11) AS latest FROM (" + members +
                 ") q GROUP BY pre";
        case Dialect::kPostgres:
          return "SELECT DISTINCT ON (pre) pre, v AS x FROM (" + members +
                 ") q ORDER BY pre, m DESC, ms DESC";
        case Dialect::kDuckdb:
          return "SELECT pre, arg_max(v, m * 16 + ms - m + 11) AS x FROM (" + members +
                 ") q GROUP BY pre";
      }
  }
  return {};
}

const char* UnitAggregate(UnitAggregation uagg) {
  switch (uagg) {
    case UnitAggregation::kSum:
      return "SUM";
    case UnitAggregation::kAverage:
      return "AVG";
    case UnitAggregation::kMin:
      return "MIN";
    case UnitAggregation::kMax:
      return "MAX";
    case UnitAggregation::kRatio:
      break;
  }
  return "SUM";
}

// The children of the unit at ?6 in force on day ?7, and the per-unit rows of `u` (columns
// `cols`) belonging to each: its subtree and the units they succeeded, each once.
std::string ByChild(const std::string& cols) {
  return fmt::format(
      ", kids AS (SELECT pre AS c, post AS cpost FROM units WHERE parent_pre = ?6"
      " AND (valid_from IS NULL OR valid_from <= ?7) AND (valid_to IS NULL OR valid_to >= ?7))"
      ", mem AS (SELECT k.c, {0} FROM kids k JOIN u ON u.pre BETWEEN k.c AND k.cpost"
      " UNION SELECT k.c, {0} FROM kids k JOIN preds p ON p.succ_pre BETWEEN k.c AND k.cpost"
      " JOIN u ON u.pre = p.pred_pre WHERE u.pre NOT BETWEEN k.c AND k.cpost)",
      cols);
}

// The task-status rules of domain/task_status.h over deadline tasks: the deadline and lead unit
// in force (latest amendment on or before D), cancellation, the latest claim on or before D
// unless a return follows it, and a verification after that claim (whose corrected completion
// date counts; unverified claims count in the claimed view). ?1 plan, ?2..?3 the unit range,
// ?4 D, ?5 1 for the claimed view.
constexpr const char* kTaskSummarySql = R"sql(
WITH cand AS (
  SELECT t.id, t.deadline,
    COALESCE((SELECT e.new_lead_pre FROM events e WHERE e.task = t.id AND e.kind = 4
              AND e.new_lead_pre IS NOT NULL AND e.on_day <= ?4
              ORDER BY e.on_day DESC, e.seq DESC LIMIT 1), t.lead_pre) AS lead
  FROM tasks t
  WHERE t.plan = ?1 AND t.kind = 0 AND t.assigned <= ?4
    AND (t.lead_pre BETWEEN ?2 AND ?3
         OR t.lead_pre IN (SELECT pred_pre FROM preds WHERE succ_pre BETWEEN ?2 AND ?3)
         OR t.id IN (SELECT task FROM events WHERE kind = 4 AND new_lead_pre IS NOT NULL))
), scoped AS (
  SELECT c.id, c.deadline,
    (SELECT s.seq FROM events s WHERE s.task = c.id AND s.kind = 1 AND s.on_day <= ?4
     ORDER BY s.on_day DESC, s.seq DESC LIMIT 1) AS claim_seq
  FROM cand c
  WHERE c.lead BETWEEN ?2 AND ?3
     OR c.lead IN (SELECT pred_pre FROM preds WHERE succ_pre BETWEEN ?2 AND ?3)
), judged AS (
  SELECT t.id,
    COALESCE((SELECT a.new_deadline FROM events a WHERE a.task = t.id AND a.kind = 4
              AND a.new_deadline IS NOT NULL AND a.on_day <= ?4
              ORDER BY a.on_day DESC, a.seq DESC LIMIT 1), t.deadline) AS dl,
    EXISTS (SELECT 1 FROM events x WHERE x.task = t.id AND x.kind = 5 AND x.on_day <= ?4)
      AS cancelled,
    c.on_day AS claim_on, c.seq AS claim_seq, COALESCE(c.completed, c.on_day) AS claim_completed
  FROM scoped t LEFT JOIN events c ON c.seq = t.claim_seq
), done AS (
  SELECT j.dl, j.cancelled,
    CASE WHEN j.claim_on IS NULL OR EXISTS (
           SELECT 1 FROM events r WHERE r.task = j.id AND r.kind = 3 AND r.on_day <= ?4
           AND (r.on_day > j.claim_on OR (r.on_day = j.claim_on AND r.seq > j.claim_seq)))
           THEN NULL
         WHEN EXISTS (SELECT 1 FROM events v WHERE v.task = j.id AND v.kind = 2 AND v.on_day <= ?4
                      AND (v.on_day > j.claim_on OR (v.on_day = j.claim_on AND v.seq > j.claim_seq)))
           THEN COALESCE((SELECT v.completed FROM events v WHERE v.task = j.id AND v.kind = 2
                          AND v.on_day <= ?4 AND v.completed IS NOT NULL
                          AND (v.on_day > j.claim_on OR (v.on_day = j.claim_on AND v.seq > j.claim_seq))
                          ORDER BY v.on_day DESC, v.seq DESC LIMIT 1), j.claim_completed)
         WHEN ?5 = 1 THEN j.claim_completed
    END AS completed
  FROM judged j
)
SELECT
  COALESCE(SUM(CASE WHEN NOT cancelled THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN NOT cancelled AND completed IS NOT NULL
                     AND (dl IS NULL OR completed <= dl) THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN NOT cancelled AND completed IS NOT NULL AND completed > dl
                THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN NOT cancelled AND completed IS NULL AND (dl IS NULL OR ?4 <= dl)
                THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN NOT cancelled AND completed IS NULL AND ?4 > dl THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN cancelled THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN NOT cancelled AND dl <= ?4 THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN NOT cancelled AND dl <= ?4 AND completed IS NOT NULL
                AND completed <= dl THEN 1 ELSE 0 END), 0)
FROM done
)sql";

}  // namespace

std::string ShapeSql(Dialect dialect, const Shape& shape) {
  std::string sql;
  switch (shape.kind) {
    case QueryKind::kSubtreeByMonth:
      sql = fmt::format("SELECT m, {}(v) FROM ({}) q GROUP BY m ORDER BY m",
                        UnitAggregate(shape.uagg),
                        Members("ind = ?1", "?2", "?3", "?4", "?5", " AND ms = m"));
      break;
    case QueryKind::kNationByProvince:
      sql =
          "WITH u AS (" +
          PerUnit(dialect, shape.tagg, Members("ind = ?1", "?2", "?3", "?4", "?5", "")) + ")" +
          ByChild("u.pre, u.x") +
          fmt::format(" SELECT c, {}(x) FROM mem GROUP BY c ORDER BY c", UnitAggregate(shape.uagg));
      break;
    case QueryKind::kRatioByProvince:
      sql = "WITH n AS (" +
            PerUnit(dialect, shape.tagg, Members("ind = ?1", "?2", "?3", "?4", "?5", "")) +
            "), d AS (" +
            PerUnit(dialect, shape.tagg_den, Members("ind = ?8", "?2", "?3", "?4", "?5", "")) +
            "), u AS (SELECT n.pre, n.x AS nx, d.x AS dx FROM n JOIN d ON n.pre = d.pre)" +
            ByChild("u.pre, u.nx, u.dx") +
            fmt::format(
                " SELECT c, SUM(nx) / SUM(dx) * {:.17g} FROM mem GROUP BY c"
                " HAVING SUM(dx) <> 0 ORDER BY c",
                shape.factor);
      break;
    case QueryKind::kCommuneSeries: {
      std::string list;
      for (int i = 0; i < shape.inds; ++i) list += fmt::format("{}?{}", i ? ", " : "", i + 5);
      sql =
          "SELECT q.ind, q.m, CASE i.uagg WHEN 0 THEN SUM(q.v) WHEN 1 THEN AVG(q.v)"
          " WHEN 2 THEN MIN(q.v) ELSE MAX(q.v) END FROM (" +
          Members("ind IN (" + list + ")", "?1", "?2", "?3", "?4", " AND ms = m") +
          ") q JOIN inds i ON i.id = q.ind GROUP BY q.ind, q.m, i.uagg ORDER BY q.ind, q.m";
      break;
    }
    case QueryKind::kTaskSummary:
      sql = kTaskSummarySql;
      break;
  }
  return Placeholders(dialect, sql);
}

std::vector<std::string> SchemaSql(Dialect dialect) {
  const bool sqlite = dialect == Dialect::kSqlite;
  const std::string dbl = sqlite ? "REAL" : "DOUBLE PRECISION";
  return {
      "CREATE TABLE units(pre INTEGER PRIMARY KEY, post INTEGER NOT NULL, parent_pre INTEGER,"
      " id INTEGER NOT NULL, valid_from INTEGER, valid_to INTEGER)",
      "CREATE TABLE preds(succ_pre INTEGER NOT NULL, pred_pre INTEGER NOT NULL,"
      " PRIMARY KEY (succ_pre, pred_pre))",
      "CREATE TABLE inds(id INTEGER PRIMARY KEY, uagg INTEGER, tagg INTEGER, ptype INTEGER,"
      " num INTEGER, den INTEGER, factor " +
          dbl + ")",
      // SQLite: clustered on the query key; PostgreSQL: a covering index, then CLUSTER;
      // DuckDB: loaded sorted (its zone maps prune by the same key).
      std::string("CREATE TABLE vals(ind INTEGER NOT NULL, pre INTEGER NOT NULL,"
                  " m INTEGER NOT NULL, ms INTEGER NOT NULL, v ") +
          dbl + " NOT NULL" + (sqlite ? ", PRIMARY KEY (ind, pre, m, ms)) WITHOUT ROWID" : ")"),
      "CREATE TABLE tasks(id INTEGER PRIMARY KEY, plan INTEGER NOT NULL, kind INTEGER NOT NULL,"
      " assigned INTEGER NOT NULL, deadline INTEGER, lead_pre INTEGER)",
      "CREATE TABLE events(seq INTEGER PRIMARY KEY, task INTEGER NOT NULL, kind INTEGER NOT NULL,"
      " on_day INTEGER NOT NULL, completed INTEGER, new_deadline INTEGER, new_lead_pre INTEGER)",
  };
}

std::vector<std::string> IndexSql(Dialect dialect) {
  switch (dialect) {
    case Dialect::kSqlite:
      return {"CREATE INDEX events_by_task ON events(task, kind, on_day, seq)",
              "CREATE INDEX tasks_by_lead ON tasks(plan, lead_pre)", "ANALYZE"};
    case Dialect::kPostgres:
      return {"CREATE INDEX vals_key ON vals(ind, pre, m, ms) INCLUDE (v)",
              "CLUSTER vals USING vals_key",
              "CREATE INDEX events_by_task ON events(task, kind, on_day, seq)"
              " INCLUDE (completed, new_deadline, new_lead_pre)",
              "CREATE INDEX tasks_by_lead ON tasks(plan, lead_pre)",
              "CREATE INDEX units_by_parent ON units(parent_pre)",
              "VACUUM ANALYZE"};
    case Dialect::kDuckdb:
      return {};
  }
  return {};
}

namespace {

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& items) {
  return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(rng)];
}

}  // namespace

Result<std::vector<Query>> SampleQueries(const Dataset& data, int per_query, std::uint32_t seed) {
  const OrgTree& tree = data.tree;
  if (tree.size() == 0 || data.cells.empty()) {
    return Fail(ErrorCode::kFailedPrecondition, "the database has no org units or no values");
  }
  std::mt19937 rng(seed);
  OrgUnitId root;
  for (OrgUnitId r : tree.Roots()) {
    if (!root || tree.SubtreeSize(r) > tree.SubtreeSize(root)) root = r;
  }
  const int year = data.last_month / 12;
  const PeriodRange year_window{MonthPeriod(MonthNumber(year, 1)),
                                MonthPeriod(MonthNumber(year, 12))};
  const PeriodRange series_window{MonthPeriod(data.last_month - 71), MonthPeriod(data.last_month)};
  const Date end_day = year_window.last.end();

  std::vector<OrgUnitId> provinces, communes;
  for (OrgUnitId c : tree.Children(root)) {
    if (tree.Find(c)->ActiveOn(end_day) && tree.SubtreeSize(c) > 1) provinces.push_back(c);
  }
  for (const OrgUnit& u : tree.units()) {
    if ((u.type == OrgUnitType::kCommune || u.type == OrgUnitType::kWard) && u.ActiveOn(end_day)) {
      communes.push_back(u.id);
    }
  }
  if (provinces.empty()) {
    return Fail(ErrorCode::kFailedPrecondition, "the root unit has no child with a subtree");
  }
  if (communes.empty()) return Fail(ErrorCode::kFailedPrecondition, "no commune or ward in force");

  std::unordered_map<std::int64_t, std::size_t> value_count;
  for (const Cell& c : data.cells) ++value_count[c.ind];
  std::vector<const Indicator*> monthly, plain, ratios;
  std::unordered_map<std::int64_t, const Indicator*> by_id;
  for (const Indicator& i : data.indicators) by_id[i.id.value] = &i;
  for (const Indicator& i : data.indicators) {
    if (i.unit_aggregation == UnitAggregation::kRatio) {
      if (by_id.count(i.numerator.value) && by_id.count(i.denominator.value) &&
          value_count[i.numerator.value] && value_count[i.denominator.value]) {
        ratios.push_back(&i);
      }
      continue;
    }
    if (!value_count[i.id.value]) continue;
    plain.push_back(&i);
    if (i.period_type == PeriodType::kMonth) monthly.push_back(&i);
  }
  if (monthly.empty() || ratios.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the database needs a monthly indicator and a ratio indicator with values");
  }
  const Plan* plan = nullptr;
  std::map<std::int64_t, int> tasks_per_plan;
  for (const Task& t : data.tasks) ++tasks_per_plan[t.plan.value];
  for (const Plan& p : data.plans) {
    if (!plan || tasks_per_plan[p.id.value] > tasks_per_plan[plan->id.value]) plan = &p;
  }
  if (!plan) return Fail(ErrorCode::kFailedPrecondition, "the database has no plan");

  auto range = [&](OrgUnitId u) {
    const int pre = tree.Index(u);
    return std::pair<std::int64_t, std::int64_t>{pre, pre + tree.SubtreeSize(u) - 1};
  };
  auto name = [&](OrgUnitId u) { return tree.Find(u)->code; };
  const std::int64_t ws = FirstMonth(year_window.first), we = LastMonth(year_window.last);
  const auto [root_lo, root_hi] = range(root);

  std::vector<Query> queries(5);
  queries[0] = {QueryKind::kSubtreeByMonth,
                "subtree_by_month",
                "1 indicator x province subtree x 12 months, by month",
                {}};
  queries[1] = {QueryKind::kNationByProvince,
                "nation_by_province",
                "1 indicator x nation, by province, 1 year",
                {}};
  queries[2] = {QueryKind::kRatioByProvince,
                "ratio_by_province",
                "ratio indicator x nation, by province, 1 year",
                {}};
  queries[3] = {
      QueryKind::kCommuneSeries, "commune_series", "20 indicators x 1 commune x 72 months", {}};
  queries[4] = {
      QueryKind::kTaskSummary, "task_summary", "province task-status summary as of a date", {}};
  for (int n = 0; n < per_query; ++n) {
    {
      const Indicator& ind = *Pick(rng, monthly);
      const OrgUnitId p = Pick(rng, provinces);
      const auto [lo, hi] = range(p);
      Instance in;
      in.shape = {.kind = QueryKind::kSubtreeByMonth, .uagg = ind.unit_aggregation};
      in.indicators = {ind.id};
      in.unit = p;
      in.window = year_window;
      in.params = {ind.id.value, lo, hi, ws, we};
      in.label = fmt::format("indicator {}, unit {}, {}", ind.code, name(p), in.window.ToString());
      queries[0].instances.push_back(std::move(in));
    }
    {
      const Indicator& ind = *Pick(rng, plain);
      Instance in;
      in.shape = {.kind = QueryKind::kNationByProvince,
                  .uagg = ind.unit_aggregation,
                  .tagg = ind.time_aggregation};
      in.indicators = {ind.id};
      in.unit = root;
      in.window = year_window;
      in.params = {ind.id.value, root_lo, root_hi, ws, we, root_lo, end_day.days_since_epoch()};
      in.label =
          fmt::format("indicator {}, unit {}, {}", ind.code, name(root), in.window.ToString());
      queries[1].instances.push_back(std::move(in));
    }
    {
      const Indicator& ind = *Pick(rng, ratios);
      const Indicator& num = *by_id[ind.numerator.value];
      const Indicator& den = *by_id[ind.denominator.value];
      Instance in;
      in.shape = {.kind = QueryKind::kRatioByProvince,
                  .uagg = UnitAggregation::kRatio,
                  .tagg = num.time_aggregation,
                  .tagg_den = den.time_aggregation,
                  .factor = ind.factor};
      in.indicators = {ind.id};
      in.unit = root;
      in.window = year_window;
      in.params = {num.id.value, root_lo, root_hi, ws, we, root_lo, end_day.days_since_epoch(),
                   den.id.value};
      in.label =
          fmt::format("indicator {}, unit {}, {}", ind.code, name(root), in.window.ToString());
      queries[2].instances.push_back(std::move(in));
    }
    {
      std::vector<const Indicator*> pool = monthly;
      std::shuffle(pool.begin(), pool.end(), rng);
      if (pool.size() > 20) pool.erase(pool.begin() + 20, pool.end());
      std::sort(pool.begin(), pool.end(),
                [](const Indicator* a, const Indicator* b) { return a->id.value < b->id.value; });
      const OrgUnitId c = Pick(rng, communes);
      const auto [lo, hi] = range(c);
      Instance in;
      in.shape = {.kind = QueryKind::kCommuneSeries, .inds = static_cast<int>(pool.size())};
      in.unit = c;
      in.window = series_window;
      in.params = {lo, hi, FirstMonth(series_window.first), LastMonth(series_window.last)};
      for (const Indicator* i : pool) {
        in.indicators.push_back(i->id);
        in.params.push_back(i->id.value);
      }
      in.label =
          fmt::format("{} indicators, unit {}, {}", pool.size(), name(c), in.window.ToString());
      queries[3].instances.push_back(std::move(in));
    }
    {
      const OrgUnitId p = Pick(rng, provinces);
      const auto [lo, hi] = range(p);
      Instance in;
      in.shape = {.kind = QueryKind::kTaskSummary};
      in.unit = p;
      in.plan = plan->id;
      in.as_of = end_day;
      const bool claimed = n % 2 == 1;
      in.params = {plan->id.value, lo, hi, end_day.days_since_epoch(), claimed ? 1 : 0};
      in.label = fmt::format("plan {}, unit {}, as of {}, {}", plan->code, name(p),
                             end_day.ToString(), claimed ? "claimed" : "verified");
      queries[4].instances.push_back(std::move(in));
    }
  }
  return queries;
}

bool SameAnswer(const Answer& a, const Answer& b, std::string* why) {
  if (a.size() != b.size()) {
    *why = fmt::format("{} rows vs {} rows", a.size(), b.size());
    return false;
  }
  for (std::size_t r = 0; r < a.size(); ++r) {
    if (a[r].size() != b[r].size()) {
      *why = fmt::format("row {}: {} columns vs {}", r, a[r].size(), b[r].size());
      return false;
    }
    for (std::size_t c = 0; c < a[r].size(); ++c) {
      const double x = a[r][c], y = b[r][c];
      const double scale = std::max({std::fabs(x), std::fabs(y), 1e-300});
      if (!(x == y || std::fabs(x - y) <= 1e-9 * scale)) {
        *why = fmt::format("row {} column {}: {:.17g} vs {:.17g}", r, c, x, y);
        return false;
      }
    }
  }
  return true;
}

std::string FormatAnswer(const Answer& a, std::size_t max_rows) {
  std::string out;
  for (std::size_t r = 0; r < a.size() && r < max_rows; ++r) {
    out += "[";
    for (std::size_t c = 0; c < a[r].size(); ++c)
      out += fmt::format("{}{:.10g}", c ? " " : "", a[r][c]);
    out += "] ";
  }
  if (a.size() > max_rows) out += fmt::format("… ({} rows)", a.size());
  if (a.empty()) out = "(no rows)";
  return out;
}

}  // namespace planwatch::bench
