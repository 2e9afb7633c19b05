#include "planwatch/analytics/analytics.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "planwatch/domain/indicator_rules.h"

namespace planwatch {

const Indicator* Catalog::FindIndicator(IndicatorId id) const {
  auto it = std::ranges::find(indicators, id, &Indicator::id);
  return it == indicators.end() ? nullptr : &*it;
}

const Indicator* Catalog::FindIndicatorByCode(std::string_view code) const {
  auto it = std::ranges::find(indicators, code, &Indicator::code);
  return it == indicators.end() ? nullptr : &*it;
}

const Plan* Catalog::FindPlanByCode(std::string_view code) const {
  auto it = std::ranges::find(plans, code, &Plan::code);
  return it == plans.end() ? nullptr : &*it;
}

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

bool Present(double v) { return !std::isnan(v); }

// Orders periods as the rules pick a stock's latest value: by end, then by period
// (EndsBefore in indicator_rules.cc).
bool EndsBefore(const Period& a, const Period& b) {
  const Date ea = a.end();
  const Date eb = b.end();
  if (ea != eb) return ea < eb;
  return a < b;
}

// One indicator's values: the positions (OrgTree::Index) of the units that have any, sorted, and
// per period (sorted) a dense array aligned with them.
struct Column {
  mutable std::shared_mutex mu;
  std::uint64_t generation = 0;  // the generation whose tree `units` refers to
  std::vector<int> units;
  std::vector<Period> periods;
  std::vector<std::vector<double>> cells;  // cells[period slot][unit slot]
  std::size_t count = 0;                   // cells present

  // The slot of `position`, inserted (NaN everywhere) when absent.
  std::size_t UnitSlot(int position) {
    auto it = std::ranges::lower_bound(units, position);
    const auto slot = static_cast<std::size_t>(it - units.begin());
    if (it == units.end() || *it != position) {
      units.insert(it, position);
      for (auto& row : cells) row.insert(row.begin() + static_cast<std::ptrdiff_t>(slot), kMissing);
    }
    return slot;
  }

  std::size_t PeriodSlot(const Period& period) {
    auto it = std::ranges::lower_bound(periods, period);
    const auto slot = static_cast<std::size_t>(it - periods.begin());
    if (it == periods.end() || *it != period) {
      periods.insert(it, period);
      cells.insert(cells.begin() + static_cast<std::ptrdiff_t>(slot),
                   std::vector<double>(units.size(), kMissing));
    }
    return slot;
  }

  // Adds the units and periods not there yet in one pass over the cells (both sorted, unique).
  void Grow(std::span<const int> new_units, std::span<const Period> new_periods) {
    for (const Period& period : new_periods) PeriodSlot(period);
    if (new_units.empty()) return;
    std::vector<int> merged;
    merged.reserve(units.size() + new_units.size());
    std::ranges::set_union(units, new_units, std::back_inserter(merged));
    std::vector<std::size_t> to(units.size());  // old slot → new slot
    for (std::size_t i = 0, j = 0; i < units.size(); ++i) {
      while (merged[j] != units[i]) ++j;
      to[i] = j;
    }
    for (auto& row : cells) {
      std::vector<double> next(merged.size(), kMissing);
      for (std::size_t i = 0; i < row.size(); ++i) next[to[i]] = row[i];
      row = std::move(next);
    }
    units = std::move(merged);
  }

  void Set(int position, const Period& period, double value) {
    const std::size_t p = PeriodSlot(period);
    const std::size_t u = UnitSlot(position);
    double& cell = cells[p][u];
    if (!Present(cell)) ++count;
    cell = value;
  }

  void Erase(int position, const Period& period) {
    auto pu = std::ranges::lower_bound(units, position);
    auto pp = std::ranges::lower_bound(periods, period);
    if (pu == units.end() || *pu != position || pp == periods.end() || *pp != period) return;
    double& cell = cells[static_cast<std::size_t>(pp - periods.begin())]
                        [static_cast<std::size_t>(pu - units.begin())];
    if (Present(cell)) --count;
    cell = kMissing;
  }

  // Moves every unit to its position in a new tree (`moved[old]`, -1: gone) and drops the gone.
  void Remap(std::span<const int> moved) {
    std::vector<std::pair<int, std::size_t>> order;  // (new position, old slot)
    order.reserve(units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
      const int to = moved[static_cast<std::size_t>(units[i])];
      if (to >= 0) order.emplace_back(to, i);
    }
    std::ranges::sort(order);
    std::vector<int> new_units;
    new_units.reserve(order.size());
    for (const auto& [to, from] : order) new_units.push_back(to);
    count = 0;
    for (auto& row : cells) {
      std::vector<double> next;
      next.reserve(order.size());
      for (const auto& [to, from] : order) {
        next.push_back(row[from]);
        if (Present(row[from])) ++count;
      }
      row = std::move(next);
    }
    units = std::move(new_units);
  }

  std::size_t Bytes() const {
    std::size_t bytes = units.capacity() * sizeof(int) + periods.capacity() * sizeof(Period);
    for (const auto& row : cells) bytes += row.capacity() * sizeof(double);
    return bytes;
  }
};

// A plan's tasks in buckets by lead unit, each with its tasks' ledgers. A task whose lead unit
// changes through its ledger lives in `movers`, judged against the scope's units on each query.
struct Bucket {
  std::vector<Task> tasks;
  std::vector<TaskEvent> events;
};

struct PlanTasks {
  mutable std::shared_mutex mu;
  std::unordered_map<OrgUnitId, Bucket> by_unit;
  Bucket movers;
  std::unordered_map<TaskId, OrgUnitId> home;  // task → its bucket (OrgUnitId{}: movers)
  std::unordered_set<TaskId> moving;

  Bucket& BucketOf(TaskId task) {
    auto it = home.find(task);
    if (it == home.end() || moving.contains(task)) return movers;
    return by_unit[it->second];
  }
};

// Only what the status rules read.
Task Slim(const Task& task) {
  Task t;
  t.id = task.id;
  t.plan = task.plan;
  t.group = task.group;
  t.parent = task.parent;
  t.lead_unit = task.lead_unit;
  t.kind = task.kind;
  t.assigned_on = task.assigned_on;
  t.start = task.start;
  t.deadline = task.deadline;
  t.cadence = task.cadence;
  t.priority = task.priority;
  t.classified = task.classified;
  return t;
}

TaskEvent Slim(const TaskEvent& event) {
  TaskEvent e;
  e.task = event.task;
  e.kind = event.kind;
  e.on = event.on;
  e.progress_percent = event.progress_percent;
  e.completed_on = event.completed_on;
  e.new_deadline = event.new_deadline;
  e.new_lead_unit = event.new_lead_unit;
  e.period = event.period;
  return e;
}

// Moves `task` (and its events) out of `from` into `to`.
void MoveTask(TaskId task, Bucket& from, Bucket& to) {
  auto t = std::ranges::find(from.tasks, task, &Task::id);
  if (t == from.tasks.end()) return;
  to.tasks.push_back(std::move(*t));
  from.tasks.erase(t);
  auto first = std::stable_partition(from.events.begin(), from.events.end(),
                                     [&](const TaskEvent& e) { return e.task != task; });
  std::move(first, from.events.end(), std::back_inserter(to.events));
  from.events.erase(first, from.events.end());
}

}  // namespace

struct Analytics::State {
  // What queries start from: the catalog and the columns and plans it names. Replaced whole.
  struct Generation {
    std::uint64_t number = 0;
    std::shared_ptr<const Catalog> catalog;
    std::unordered_map<IndicatorId, std::shared_ptr<Column>> columns;
    std::unordered_map<PlanId, std::shared_ptr<PlanTasks>> plans;
    // (predecessor position, successor position) for every unit and each unit it succeeded.
    std::vector<std::pair<int, int>> inherited;
  };

  std::shared_ptr<const Generation> Current() const { return std::atomic_load(&current); }

  // The generation and a shared lock on each column, consistent with each other.
  template <typename F>
  auto WithColumns(std::span<const IndicatorId> ids, F f) const {
    while (true) {
      auto gen = Current();
      std::vector<const Column*> columns;
      for (IndicatorId id : ids) {
        auto it = gen->columns.find(id);
        columns.push_back(it == gen->columns.end() ? nullptr : it->second.get());
      }
      // Locked once each, in indicator id order as SetCatalog locks them: in the query's order
      // a reader and the catalog writer could each hold a column the other waits for.
      std::vector<IndicatorId> order(ids.begin(), ids.end());
      std::ranges::sort(order, {}, &IndicatorId::value);
      order.erase(std::unique(order.begin(), order.end()), order.end());
      std::vector<std::shared_lock<std::shared_mutex>> locks;
      bool stale = false;
      for (IndicatorId id : order) {
        auto it = gen->columns.find(id);
        if (it == gen->columns.end()) continue;
        locks.emplace_back(it->second->mu);
        if (it->second->generation != gen->number) stale = true;
      }
      if (!stale) return f(*gen, std::span<const Column* const>(columns));
    }
  }

  std::shared_ptr<const Generation> current = std::make_shared<Generation>();
  std::mutex write_mu;  // writers come one at a time; this only guards against misuse
  std::atomic<std::int64_t> serial = 0;
  std::atomic<std::int64_t> value_sequence = 0;
  // The plan of every task, for the writers (one at a time) to find an event's task.
  std::unordered_map<TaskId, PlanId> task_plans;
};

Analytics::Analytics() : state_(std::make_unique<State>()) {
  auto gen = std::make_shared<State::Generation>();
  gen->catalog = std::make_shared<Catalog>();
  state_->current = std::move(gen);
}

Analytics::~Analytics() = default;

std::shared_ptr<const Catalog> Analytics::catalog() const { return state_->Current()->catalog; }

void Analytics::Clear() {
  std::lock_guard write(state_->write_mu);
  state_->task_plans.clear();
  auto next = std::make_shared<State::Generation>();
  next->number = state_->Current()->number + 1;
  next->catalog = std::make_shared<const Catalog>();
  std::atomic_store(&state_->current, std::shared_ptr<const State::Generation>(std::move(next)));
}

std::int64_t Analytics::commit_serial() const { return state_->serial.load(); }

void Analytics::SetCommitSerial(std::int64_t serial) { state_->serial.store(serial); }

std::int64_t Analytics::value_sequence() const { return state_->value_sequence.load(); }

void Analytics::SetValueSequence(std::int64_t sequence) { state_->value_sequence.store(sequence); }

void Analytics::SetCatalog(Catalog catalog) {
  std::lock_guard write(state_->write_mu);
  auto old = state_->Current();
  auto next = std::make_shared<State::Generation>();
  next->number = old->number + 1;
  next->catalog = std::make_shared<const Catalog>(std::move(catalog));
  const OrgTree& tree = next->catalog->tree;

  // Old position → new position, when the tree changed.
  const OrgTree& before = old->catalog->tree;
  bool same_tree = before.size() == tree.size();
  for (std::size_t i = 0; same_tree && i < tree.size(); ++i) {
    same_tree = before.units()[i].id == tree.units()[i].id;
  }
  std::vector<int> moved;
  if (!same_tree) {
    moved.resize(before.size());
    for (std::size_t i = 0; i < before.size(); ++i) moved[i] = tree.Index(before.units()[i].id);
  }

  for (const OrgUnit& unit : tree.units()) {
    const int successor = tree.Index(unit.id);
    for (OrgUnitId predecessor : tree.Predecessors(unit.id)) {
      next->inherited.emplace_back(tree.Index(predecessor), successor);
    }
  }

  // Every column changes hands under its exclusive lock: a query holding a shared lock finishes
  // first, and one that starts later sees the new generation's number on the column.
  // In indicator id order, as readers take them (State::WithColumns).
  std::vector<const Indicator*> by_id;
  for (const Indicator& indicator : next->catalog->indicators) by_id.push_back(&indicator);
  std::ranges::sort(by_id, {}, [](const Indicator* i) { return i->id.value; });
  std::vector<std::unique_lock<std::shared_mutex>> locks;
  for (const Indicator* entry : by_id) {
    const Indicator& indicator = *entry;
    auto it = old->columns.find(indicator.id);
    auto column = it != old->columns.end() ? it->second : std::make_shared<Column>();
    locks.emplace_back(column->mu);
    if (!same_tree) column->Remap(moved);
    column->generation = next->number;
    next->columns.emplace(indicator.id, std::move(column));
  }
  for (const Plan& plan : next->catalog->plans) {
    auto it = old->plans.find(plan.id);
    next->plans.emplace(plan.id,
                        it != old->plans.end() ? it->second : std::make_shared<PlanTasks>());
  }
  std::atomic_store(&state_->current, std::shared_ptr<const State::Generation>(std::move(next)));
}

void Analytics::SetValue(IndicatorId indicator, OrgUnitId unit, const Period& period,
                         double value) {
  auto gen = state_->Current();
  auto it = gen->columns.find(indicator);
  const int position = gen->catalog->tree.Index(unit);
  if (it == gen->columns.end() || position < 0) return;
  std::unique_lock lock(it->second->mu);
  it->second->Set(position, period, value);
}

namespace {

// A period as one integer, for lookups: its first day and its type identify it.
std::int64_t PeriodKey(const Period& p) {
  return (static_cast<std::int64_t>(p.start().days_since_epoch()) << 4) |
         static_cast<std::int64_t>(p.type());
}

// The period slots of a column by PeriodKey, sorted for binary search.
std::vector<std::pair<std::int64_t, std::size_t>> SlotsByKey(const Column& column) {
  std::vector<std::pair<std::int64_t, std::size_t>> out;
  out.reserve(column.periods.size());
  for (std::size_t i = 0; i < column.periods.size(); ++i) {
    out.emplace_back(PeriodKey(column.periods[i]), i);
  }
  std::ranges::sort(out);
  return out;
}

const std::pair<std::int64_t, std::size_t>* FindSlot(
    const std::vector<std::pair<std::int64_t, std::size_t>>& slots, std::int64_t key) {
  auto it = std::ranges::lower_bound(slots, key, {}, &std::pair<std::int64_t, std::size_t>::first);
  return it != slots.end() && it->first == key ? &*it : nullptr;
}

}  // namespace

void Analytics::SetValues(std::span<const CellValue> cells) {
  auto gen = state_->Current();
  const OrgTree& tree = gen->catalog->tree;
  std::unordered_map<IndicatorId, std::vector<std::pair<int, const CellValue*>>> by_column;
  for (const CellValue& cell : cells) {
    const int position = tree.Index(cell.unit);
    if (position >= 0 && gen->columns.contains(cell.indicator)) {
      by_column[cell.indicator].emplace_back(position, &cell);
    }
  }
  for (const auto& [id, batch] : by_column) {
    Column& column = *gen->columns.at(id);
    std::unique_lock lock(column.mu);
    auto slots = SlotsByKey(column);
    std::vector<int> new_units;
    std::vector<Period> new_periods;
    for (const auto& [position, cell] : batch) {
      if (!std::ranges::binary_search(column.units, position)) new_units.push_back(position);
      if (!FindSlot(slots, PeriodKey(cell->period))) new_periods.push_back(cell->period);
    }
    if (!new_units.empty() || !new_periods.empty()) {
      std::ranges::sort(new_units);
      new_units.erase(std::unique(new_units.begin(), new_units.end()), new_units.end());
      std::ranges::sort(new_periods);
      new_periods.erase(std::unique(new_periods.begin(), new_periods.end()), new_periods.end());
      column.Grow(new_units, new_periods);
      slots = SlotsByKey(column);
    }
    for (const auto& [position, cell] : batch) {
      const std::size_t p = FindSlot(slots, PeriodKey(cell->period))->second;
      const auto u = static_cast<std::size_t>(std::ranges::lower_bound(column.units, position) -
                                              column.units.begin());
      double& target = column.cells[p][u];
      if (!Present(target)) ++column.count;
      target = cell->value;
    }
  }
}

void Analytics::EraseValue(IndicatorId indicator, OrgUnitId unit, const Period& period) {
  auto gen = state_->Current();
  auto it = gen->columns.find(indicator);
  const int position = gen->catalog->tree.Index(unit);
  if (it == gen->columns.end() || position < 0) return;
  std::unique_lock lock(it->second->mu);
  it->second->Erase(position, period);
}

namespace {

// PutTask within one plan (its lock held, or not yet shared).
void PutInto(PlanTasks& plan, const Task& task) {
  auto home = plan.home.find(task.id);
  if (home == plan.home.end()) {
    plan.home.emplace(task.id, task.lead_unit);
    plan.by_unit[task.lead_unit].tasks.push_back(Slim(task));
    return;
  }
  if (!plan.moving.contains(task.id) && home->second != task.lead_unit) {
    MoveTask(task.id, plan.by_unit[home->second], plan.by_unit[task.lead_unit]);
    home->second = task.lead_unit;
  }
  Bucket& bucket = plan.BucketOf(task.id);
  auto t = std::ranges::find(bucket.tasks, task.id, &Task::id);
  if (t != bucket.tasks.end()) *t = Slim(task);
}

// AppendTaskEvent within one plan (same).
void AppendInto(PlanTasks& plan, const TaskEvent& event) {
  auto home = plan.home.find(event.task);
  if (home == plan.home.end()) return;
  if (event.new_lead_unit && !plan.moving.contains(event.task)) {
    MoveTask(event.task, plan.by_unit[home->second], plan.movers);
    plan.moving.insert(event.task);
  }
  plan.BucketOf(event.task).events.push_back(Slim(event));
}

}  // namespace

void Analytics::PutTask(const Task& task) {
  auto gen = state_->Current();
  auto it = gen->plans.find(task.plan);
  if (it == gen->plans.end()) return;
  state_->task_plans[task.id] = task.plan;
  std::unique_lock lock(it->second->mu);
  PutInto(*it->second, task);
}

void Analytics::AppendTaskEvent(const TaskEvent& event) {
  auto gen = state_->Current();
  auto owner = state_->task_plans.find(event.task);
  if (owner == state_->task_plans.end()) return;
  auto it = gen->plans.find(owner->second);
  if (it == gen->plans.end()) return;
  std::unique_lock lock(it->second->mu);
  AppendInto(*it->second, event);
}

void Analytics::ReplacePlanTasks(PlanId plan, std::span<const Task> tasks,
                                 std::span<const TaskEvent> events) {
  // Built aside, then swapped in whole: a query sees the plan's old tasks or its new ones.
  auto fresh = std::make_shared<PlanTasks>();
  for (const Task& task : tasks) {
    if (task.plan == plan) PutInto(*fresh, task);
  }
  for (const TaskEvent& event : events) AppendInto(*fresh, event);
  std::lock_guard write(state_->write_mu);
  auto current = state_->Current();
  if (!current->plans.contains(plan)) return;
  for (const Task& task : tasks) {
    if (task.plan == plan) state_->task_plans[task.id] = plan;
  }
  auto next = std::make_shared<State::Generation>(*current);
  next->plans[plan] = std::move(fresh);
  std::atomic_store(&state_->current, std::shared_ptr<const State::Generation>(std::move(next)));
}

namespace {

// The positions a rollup over `root`'s subtree covers: the range and the units outside it that a
// unit inside succeeded.
struct Scope {
  int lo = 0;
  int hi = 0;
  std::vector<int> extra;  // sorted, outside [lo, hi)
};

// The positions [lo, hi) cover, as a Scope: the range and the units outside it that a unit inside
// succeeded, sorted and unique.
template <typename Gen>
Scope RangeScope(const Gen& gen, int lo, int hi) {
  Scope scope{lo, hi, {}};
  for (const auto& [predecessor, successor] : gen.inherited) {
    if (successor >= lo && successor < hi && (predecessor < lo || predecessor >= hi)) {
      scope.extra.push_back(predecessor);
    }
  }
  std::ranges::sort(scope.extra);
  scope.extra.erase(std::unique(scope.extra.begin(), scope.extra.end()), scope.extra.end());
  return scope;
}

template <typename Gen>
Result<Scope> ScopeOf(const Gen& gen, OrgUnitId root) {
  const OrgTree& tree = gen.catalog->tree;
  const int lo = tree.Index(root);
  if (lo < 0) return NotFound(fmt::format("no org unit {}", root.value));
  return RangeScope(gen, lo, lo + tree.SubtreeSize(root));
}

// The unit slots of `column` the scope covers: one contiguous run and a few more.
struct Slots {
  std::size_t first = 0;
  std::size_t last = 0;  // exclusive
  std::vector<std::size_t> extra;
};

Slots SlotsOf(const Column& column, const Scope& scope) {
  Slots slots;
  slots.first = static_cast<std::size_t>(std::ranges::lower_bound(column.units, scope.lo) -
                                         column.units.begin());
  slots.last = static_cast<std::size_t>(std::ranges::lower_bound(column.units, scope.hi) -
                                        column.units.begin());
  for (int position : scope.extra) {
    auto it = std::ranges::lower_bound(column.units, position);
    if (it != column.units.end() && *it == position) {
      slots.extra.push_back(static_cast<std::size_t>(it - column.units.begin()));
    }
  }
  return slots;
}

// The period slots of `column` lying within `window`, ordered as a stock picks its latest.
std::vector<std::size_t> PeriodsOf(const Column& column, const PeriodRange& window) {
  std::vector<std::size_t> out;
  const Date first = window.first.start();
  auto it = std::ranges::lower_bound(column.periods, first, {},
                                     [](const Period& p) { return p.start(); });
  for (; it != column.periods.end() && it->start() <= window.last.end(); ++it) {
    if (window.Contains(*it)) out.push_back(static_cast<std::size_t>(it - column.periods.begin()));
  }
  std::ranges::sort(out, [&](std::size_t a, std::size_t b) {
    return EndsBefore(column.periods[a], column.periods[b]);
  });
  return out;
}

// Each covered unit's values within the window aggregated over time (the rules'
// AggregateOverTime), keyed by unit position; units without a value are left out.
std::vector<std::pair<int, double>> OverTime(const Column& column, const Slots& slots,
                                             std::span<const std::size_t> periods,
                                             TimeAggregation aggregation) {
  std::vector<std::size_t> units;
  units.reserve(slots.last - slots.first + slots.extra.size());
  for (std::size_t u = slots.first; u < slots.last; ++u) units.push_back(u);
  units.insert(units.end(), slots.extra.begin(), slots.extra.end());

  std::vector<double> acc(units.size(), 0.0);
  std::vector<int> seen(units.size(), 0);
  for (std::size_t p : periods) {
    const double* row = column.cells[p].data();
    for (std::size_t i = 0; i < units.size(); ++i) {
      const double v = row[units[i]];
      if (!Present(v)) continue;
      acc[i] = aggregation == TimeAggregation::kLast ? v : acc[i] + v;
      ++seen[i];
    }
  }
  std::vector<std::pair<int, double>> out;
  out.reserve(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (seen[i] == 0) continue;
    const double v = aggregation == TimeAggregation::kAverage ? acc[i] / seen[i] : acc[i];
    out.emplace_back(column.units[units[i]], v);
  }
  std::ranges::sort(out);
  return out;
}

// kSum over time and over units: no per-unit state needed.
std::optional<double> SumOfSums(const Column& column, const Slots& slots,
                                std::span<const std::size_t> periods) {
  double sum = 0;
  std::size_t present = 0;
  for (std::size_t p : periods) {
    const double* row = column.cells[p].data();
    for (std::size_t u = slots.first; u < slots.last; ++u) {
      const double v = row[u];
      const bool here = Present(v);
      sum += here ? v : 0.0;
      present += here ? 1 : 0;
    }
    for (std::size_t u : slots.extra) {
      if (Present(row[u])) {
        sum += row[u];
        ++present;
      }
    }
  }
  if (present == 0) return std::nullopt;
  return sum;
}

Result<std::optional<double>> RollupColumns(const Catalog& catalog, const Indicator& indicator,
                                            std::span<const Column* const> columns,
                                            const Scope& scope, const PeriodRange& window) {
  if (indicator.unit_aggregation != UnitAggregation::kRatio) {
    const Column* column = columns[0];
    if (!column) return std::optional<double>();
    const Slots slots = SlotsOf(*column, scope);
    const std::vector<std::size_t> periods = PeriodsOf(*column, window);
    if (indicator.time_aggregation == TimeAggregation::kSum &&
        indicator.unit_aggregation == UnitAggregation::kSum) {
      return SumOfSums(*column, slots, periods);
    }
    std::vector<double> per_unit;
    for (const auto& [unit, v] : OverTime(*column, slots, periods, indicator.time_aggregation)) {
      per_unit.push_back(v);
    }
    return AggregateOverUnits(indicator.unit_aggregation, per_unit);
  }
  const Indicator* numerator = catalog.FindIndicator(indicator.numerator);
  const Indicator* denominator = catalog.FindIndicator(indicator.denominator);
  if (!numerator || !denominator) {
    return Fail(
        ErrorCode::kFailedPrecondition,
        fmt::format("ratio indicator '{}' lacks its numerator or denominator", indicator.code));
  }
  if (!columns[1] || !columns[2]) return std::optional<double>();
  const auto terms_of = [&](const Column& column, const Indicator& term) {
    return OverTime(column, SlotsOf(column, scope), PeriodsOf(column, window),
                    term.time_aggregation);
  };
  const auto num = terms_of(*columns[1], *numerator);
  const auto den = terms_of(*columns[2], *denominator);
  std::vector<RatioTerms> terms;
  auto d = den.begin();
  for (const auto& [unit, n] : num) {
    while (d != den.end() && d->first < unit) ++d;
    if (d != den.end() && d->first == unit) terms.push_back({n, d->second});
  }
  return RatioOverUnits(terms, indicator.factor);
}

// The columns a rollup of `indicator` reads: its own, and a ratio's numerator and denominator.
std::vector<IndicatorId> ColumnsFor(const Indicator& indicator) {
  if (indicator.unit_aggregation == UnitAggregation::kRatio) {
    return {indicator.id, indicator.numerator, indicator.denominator};
  }
  return {indicator.id};
}

}  // namespace

Result<std::optional<double>> Analytics::Rollup(IndicatorId indicator, OrgUnitId unit,
                                                const PeriodRange& window) const {
  auto catalog_now = catalog();
  const Indicator* found = catalog_now->FindIndicator(indicator);
  if (!found) return NotFound(fmt::format("no indicator {}", indicator.value));
  const std::vector<IndicatorId> ids = ColumnsFor(*found);
  return state_->WithColumns(
      ids,
      [&](const State::Generation& gen,
          std::span<const Column* const> columns) -> Result<std::optional<double>> {
        const Indicator* ind = gen.catalog->FindIndicator(indicator);
        if (!ind) return NotFound(fmt::format("no indicator {}", indicator.value));
        auto scope = ScopeOf(gen, unit);
        if (!scope) return std::unexpected(scope.error());
        return RollupColumns(*gen.catalog, *ind, columns, *scope, window);
      });
}

Result<std::vector<std::pair<Period, std::optional<double>>>> Analytics::RollupByPeriod(
    IndicatorId indicator, OrgUnitId unit, const PeriodRange& window, PeriodType type) const {
  using Rows = std::vector<std::pair<Period, std::optional<double>>>;
  auto catalog_now = catalog();
  const Indicator* found = catalog_now->FindIndicator(indicator);
  if (!found) return NotFound(fmt::format("no indicator {}", indicator.value));
  const std::vector<IndicatorId> ids = ColumnsFor(*found);
  return state_->WithColumns(
      ids,
      [&](const State::Generation& gen, std::span<const Column* const> columns) -> Result<Rows> {
        const Indicator* ind = gen.catalog->FindIndicator(indicator);
        if (!ind) return NotFound(fmt::format("no indicator {}", indicator.value));
        auto scope = ScopeOf(gen, unit);
        if (!scope) return std::unexpected(scope.error());
        Rows rows;
        const Date end = window.last.end();
        for (Period p = Period::Containing(window.first.start(), type); p.start() <= end;
             p = p.Next()) {
          if (!window.Contains(p)) continue;
          auto value = RollupColumns(*gen.catalog, *ind, columns, *scope, PeriodRange{p, p});
          if (!value) return std::unexpected(value.error());
          rows.emplace_back(p, *value);
        }
        return rows;
      });
}

Result<std::vector<std::pair<OrgUnitId, std::optional<double>>>> Analytics::RollupByChild(
    IndicatorId indicator, OrgUnitId unit, const PeriodRange& window) const {
  using Rows = std::vector<std::pair<OrgUnitId, std::optional<double>>>;
  auto catalog_now = catalog();
  const Indicator* found = catalog_now->FindIndicator(indicator);
  if (!found) return NotFound(fmt::format("no indicator {}", indicator.value));
  const std::vector<IndicatorId> ids = ColumnsFor(*found);
  return state_->WithColumns(
      ids,
      [&](const State::Generation& gen, std::span<const Column* const> columns) -> Result<Rows> {
        const Indicator* ind = gen.catalog->FindIndicator(indicator);
        if (!ind) return NotFound(fmt::format("no indicator {}", indicator.value));
        const OrgTree& tree = gen.catalog->tree;
        if (!tree.Find(unit)) return NotFound(fmt::format("no org unit {}", unit.value));
        Rows rows;
        const Date end = window.last.end();
        for (OrgUnitId child : tree.Children(unit)) {
          if (!tree.Find(child)->ActiveOn(end)) continue;
          auto scope = ScopeOf(gen, child);
          if (!scope) return std::unexpected(scope.error());
          auto value = RollupColumns(*gen.catalog, *ind, columns, *scope, window);
          if (!value) return std::unexpected(value.error());
          rows.emplace_back(child, *value);
        }
        return rows;
      });
}

namespace {

// The lead units a task scope covers, as ids: the unit (or its subtree) and every unit each of
// them succeeded. Empty optional: every unit (the whole plan).
template <typename Gen>
Result<std::optional<std::vector<OrgUnitId>>> LeadUnitsOf(const Gen& gen, const TaskScope& scope) {
  if (!scope.unit) return std::optional<std::vector<OrgUnitId>>();
  const OrgTree& tree = gen.catalog->tree;
  const int lo = tree.Index(scope.unit);
  if (lo < 0) return NotFound(fmt::format("no org unit {}", scope.unit.value));
  const Scope range =
      RangeScope(gen, lo, scope.subtree ? lo + tree.SubtreeSize(scope.unit) : lo + 1);
  std::vector<OrgUnitId> units;
  units.reserve(static_cast<std::size_t>(range.hi - range.lo) + range.extra.size());
  for (int i = range.lo; i < range.hi; ++i) {
    units.push_back(tree.units()[static_cast<std::size_t>(i)].id);
  }
  for (int position : range.extra) {
    units.push_back(tree.units()[static_cast<std::size_t>(position)].id);
  }
  return std::optional<std::vector<OrgUnitId>>(std::move(units));
}

// Calls `visit(bucket, filter)` for every bucket of the plan's tasks that the scope reaches,
// with the filter that keeps only the tasks it covers, under a shared lock on the plan.
template <typename Gen, typename Visit>
Status VisitTasks(const Gen& gen, const TaskScope& scope, Visit visit) {
  auto plan = gen.plans.find(scope.plan);
  if (plan == gen.plans.end()) return NotFound(fmt::format("no plan {}", scope.plan.value));
  auto units = LeadUnitsOf(gen, scope);
  if (!units) return std::unexpected(units.error());
  const PlanTasks& tasks = *plan->second;
  std::shared_lock lock(tasks.mu);
  const TaskFilter all;
  if (!*units) {
    for (const auto& [unit, bucket] : tasks.by_unit) visit(bucket, all);
    visit(tasks.movers, all);
    return {};
  }
  for (OrgUnitId unit : **units) {
    if (auto it = tasks.by_unit.find(unit); it != tasks.by_unit.end()) visit(it->second, all);
  }
  if (!tasks.movers.tasks.empty()) {
    TaskFilter filter;
    filter.lead_units.emplace((*units)->begin(), (*units)->end());
    visit(tasks.movers, filter);
  }
  return {};
}

template <typename Key>
void Merge(std::map<Key, StatusSummary>& into, const std::map<Key, StatusSummary>& part) {
  for (const auto& [key, summary] : part) {
    auto [it, inserted] = into.try_emplace(key, summary);
    if (!inserted) it->second = Combine(it->second, summary);
  }
}

}  // namespace

Result<StatusSummary> Analytics::SummarizeTasks(const TaskScope& scope) const {
  auto gen = state_->Current();
  StatusSummary total;
  Status visited = VisitTasks(*gen, scope, [&](const Bucket& b, const TaskFilter& filter) {
    if (b.tasks.empty()) return;
    total = Combine(total, Summarize(b.tasks, b.events, scope.as_of, scope.view, filter));
  });
  if (!visited) return std::unexpected(visited.error());
  return total;
}

Result<std::map<TaskGroupId, StatusSummary>> Analytics::SummarizeTasksByGroup(
    const TaskScope& scope) const {
  auto gen = state_->Current();
  std::map<TaskGroupId, StatusSummary> out;
  Status visited = VisitTasks(*gen, scope, [&](const Bucket& b, const TaskFilter& filter) {
    if (!b.tasks.empty())
      Merge(out, SummarizeByGroup(b.tasks, b.events, scope.as_of, scope.view, filter));
  });
  if (!visited) return std::unexpected(visited.error());
  return out;
}

Result<std::map<OrgUnitId, StatusSummary>> Analytics::SummarizeTasksByLeadUnit(
    const TaskScope& scope) const {
  auto gen = state_->Current();
  std::map<OrgUnitId, StatusSummary> out;
  Status visited = VisitTasks(*gen, scope, [&](const Bucket& b, const TaskFilter& filter) {
    if (!b.tasks.empty()) {
      Merge(out, SummarizeByLeadUnit(b.tasks, b.events, scope.as_of, scope.view, filter));
    }
  });
  if (!visited) return std::unexpected(visited.error());
  return out;
}

Analytics::Size Analytics::size() const {
  auto gen = state_->Current();
  Size size;
  for (const auto& [id, column] : gen->columns) {
    std::shared_lock lock(column->mu);
    size.values += column->count;
    size.value_bytes += column->Bytes();
  }
  for (const auto& [id, plan] : gen->plans) {
    std::shared_lock lock(plan->mu);
    const auto add = [&](const Bucket& b) {
      size.tasks += b.tasks.size();
      size.events += b.events.size();
      size.task_bytes +=
          b.tasks.capacity() * sizeof(Task) + b.events.capacity() * sizeof(TaskEvent);
    };
    for (const auto& [unit, bucket] : plan->by_unit) add(bucket);
    add(plan->movers);
  }
  return size;
}

}  // namespace planwatch
