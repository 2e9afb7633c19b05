// The in-memory analytics index (SPEC §5): indicator values and task ledgers kept in a layout
// built for hierarchical rollups, answering from memory, with every write applied as it commits.
//
// Layout. Org units are numbered in depth-first order (OrgTree::Index), so a unit's subtree is a
// contiguous range of positions. Each indicator keeps a column: the positions of the units that
// have any value of it, sorted, and for each period that has values a dense array of doubles
// aligned with those positions (NaN where a unit has no value). A rollup over a subtree and a
// window scans, for each period in the window, one contiguous slice of each array. Tasks and
// their ledgers are kept per plan in buckets by lead unit, so a subtree's task summary reads only
// the buckets of its units.
//
// Answers equal those of the pure rules over the same data: Rollup/RollupRatio of
// domain/indicator_rules.h over the unit's subtree and every unit each of them succeeded
// (OrgTree::Predecessors), and Summarize* of domain/task_rates.h over the plan's tasks whose lead
// unit in force lies there. Sums may differ in the last bits (another order of additions).
//
// Thread-safety: every member may be called from several threads at once. Queries take no global
// lock: each holds a shared lock on one indicator's column or one plan's tasks while it reads
// them, and the catalog is an immutable snapshot. Writes to values and tasks lock only what they
// change; the caller applies writes in commit order from one thread at a time
// (Store::SetCommitObserver guarantees both).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"
#include "planwatch/domain/task_rates.h"
#include "planwatch/domain/task_status.h"

namespace planwatch {

// What changes rarely: the org tree, the indicators and their targets, plans and task groups.
// Immutable once handed to Analytics.
struct Catalog {
  OrgTree tree;
  std::vector<Indicator> indicators;
  std::vector<Target> targets;
  std::vector<Plan> plans;
  std::vector<TaskGroup> task_groups;  // of every plan

  const Indicator* FindIndicator(IndicatorId id) const;
  const Indicator* FindIndicatorByCode(std::string_view code) const;
  const Plan* FindPlanByCode(std::string_view code) const;
};

// Which tasks a summary covers: the plan's tasks whose lead unit in force on `as_of` is `unit`
// (and, with `subtree`, any unit beneath it), each with the units it succeeded; every task of
// the plan when `unit` is none.
struct TaskScope {
  PlanId plan;
  OrgUnitId unit;
  bool subtree = true;
  Date as_of;
  CompletionView view = CompletionView::kVerified;
};

// One current value, for loading many at once.
struct CellValue {
  IndicatorId indicator;
  OrgUnitId unit;
  Period period = Period::Year(1970);
  double value = 0;
};

class Analytics {
 public:
  Analytics();
  ~Analytics();
  Analytics(const Analytics&) = delete;
  Analytics& operator=(const Analytics&) = delete;

  // The current catalog; never null. Hold the pointer for the length of a request to see one
  // consistent tree.
  std::shared_ptr<const Catalog> catalog() const;

  // --- Writes, in commit order.

  // Forgets everything: an empty catalog, no values, no tasks (before loading again).
  void Clear();
  // The store's commit serial (Store::CommitSerial) this index reflects; set by its loader.
  std::int64_t commit_serial() const;
  void SetCommitSerial(std::int64_t serial);
  // The last value version (Store::LastValueSequence) whose change the index is known to hold:
  // the versions after it are what a catch-up replays. Set by the loader and by catch-ups.
  std::int64_t value_sequence() const;
  void SetValueSequence(std::int64_t sequence);

  // Replaces the catalog. Values of indicators or units no longer in it are dropped; the others
  // are kept (moved to the new positions when the tree changed).
  void SetCatalog(Catalog catalog);
  // Sets or erases the current value of (indicator, unit, period). A value for an indicator or a
  // unit the catalog does not know is ignored (the store refuses those).
  void SetValue(IndicatorId indicator, OrgUnitId unit, const Period& period, double value);
  void EraseValue(IndicatorId indicator, OrgUnitId unit, const Period& period);
  // SetValue for each, in order, much faster for many (the load at start, bulk ingests).
  void SetValues(std::span<const CellValue> cells);
  // Inserts or replaces a task (by id), and appends one event to a task's ledger. Only the fields
  // the status rules read are kept. An event of an unknown task is ignored.
  void PutTask(const Task& task);
  void AppendTaskEvent(const TaskEvent& event);
  // Replaces the tasks and ledger of one plan the catalog knows with `tasks` (those of other
  // plans are ignored) and `events` (of those tasks), at once: a query sees either the old or
  // the new ones. How a process catches up with another's task writes.
  void ReplacePlanTasks(PlanId plan, std::span<const Task> tasks,
                        std::span<const TaskEvent> events);

  // --- Queries.

  // The value of `indicator` rolled up over `unit`'s subtree within `window`. not_found when the
  // indicator or the unit is unknown; failed_precondition for a ratio lacking its terms.
  Result<std::optional<double>> Rollup(IndicatorId indicator, OrgUnitId unit,
                                       const PeriodRange& window) const;
  // One rollup per period of `type` lying within `window`, in order.
  Result<std::vector<std::pair<Period, std::optional<double>>>> RollupByPeriod(
      IndicatorId indicator, OrgUnitId unit, const PeriodRange& window, PeriodType type) const;
  // One rollup per child of `unit` in force on the window's last day, in tree order.
  Result<std::vector<std::pair<OrgUnitId, std::optional<double>>>> RollupByChild(
      IndicatorId indicator, OrgUnitId unit, const PeriodRange& window) const;

  // Task-status summaries (domain/task_rates.h) of the tasks in `scope`: as a whole, by task
  // group, and by lead unit in force. not_found when the plan or the unit is unknown.
  Result<StatusSummary> SummarizeTasks(const TaskScope& scope) const;
  Result<std::map<TaskGroupId, StatusSummary>> SummarizeTasksByGroup(const TaskScope& scope) const;
  Result<std::map<OrgUnitId, StatusSummary>> SummarizeTasksByLeadUnit(const TaskScope& scope) const;

  // Figures about the index itself: values held, tasks and events held, and the bytes of memory
  // its value arrays and task buckets take.
  struct Size {
    std::size_t values = 0;
    std::size_t tasks = 0;
    std::size_t events = 0;
    std::size_t value_bytes = 0;
    std::size_t task_bytes = 0;
  };
  Size size() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace planwatch
