#include "planwatch/service/live_analytics.h"

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "planwatch/domain/org_tree.h"

namespace planwatch {
namespace {

Result<Catalog> ReadCatalog(StoreReader& store) {
  Catalog catalog;
  auto units = store.OrgUnits();
  if (!units) return std::unexpected(units.error());
  auto successions = store.Successions();
  if (!successions) return std::unexpected(successions.error());
  auto tree = OrgTree::Build(std::move(*units), std::move(*successions));
  if (!tree) return std::unexpected(tree.error());
  catalog.tree = std::move(*tree);
  auto indicators = store.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  catalog.indicators = std::move(*indicators);
  auto targets = store.Targets();
  if (!targets) return std::unexpected(targets.error());
  catalog.targets = std::move(*targets);
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());
  catalog.plans = std::move(*plans);
  for (const Plan& plan : catalog.plans) {
    auto groups = store.TaskGroups(plan.id);
    if (!groups) return std::unexpected(groups.error());
    catalog.task_groups.insert(catalog.task_groups.end(), groups->begin(), groups->end());
  }
  return catalog;
}

// Values go to the index in batches of this many: bounded memory, few column re-layouts.
constexpr std::size_t kLoadBatch = std::size_t{1} << 20;

// Every plan's tasks and ledger, into an index without them.
Status LoadTasks(Analytics& analytics, StoreReader& store, const std::vector<Plan>& plans,
                 const LoadProgress& progress) {
  std::size_t tasks_loaded = 0;
  for (const Plan& plan : plans) {
    auto tasks = store.Tasks(plan.id);
    if (!tasks) return std::unexpected(tasks.error());
    auto events = store.TaskEvents(plan.id);
    if (!events) return std::unexpected(events.error());
    for (const Task& task : *tasks) analytics.PutTask(task);
    for (const TaskEvent& event : *events) analytics.AppendTaskEvent(event);
    tasks_loaded += tasks->size();
    if (progress) progress("tasks", tasks_loaded);
  }
  return {};
}

Status LoadInto(Analytics& analytics, StoreReader& store, const LoadProgress& progress) {
  auto serial = store.CommitSerial();
  if (!serial) return std::unexpected(serial.error());
  analytics.SetCommitSerial(*serial);
  auto sequence = store.LastValueSequence();
  if (!sequence) return std::unexpected(sequence.error());
  analytics.SetValueSequence(*sequence);
  auto catalog = ReadCatalog(store);
  if (!catalog) return std::unexpected(catalog.error());
  const std::vector<Plan> plans = catalog->plans;
  if (progress) progress("units", catalog->tree.size());
  analytics.SetCatalog(std::move(*catalog));

  std::vector<CellValue> batch;
  batch.reserve(kLoadBatch);
  std::size_t loaded = 0;
  Status scanned = store.ScanDataValues([&](const ValueCell& cell) {
    batch.push_back(CellValue{cell.indicator, cell.unit, cell.period, cell.value});
    if (batch.size() == kLoadBatch) {
      analytics.SetValues(batch);
      loaded += batch.size();
      batch.clear();
      if (progress) progress("values", loaded);
    }
  });
  if (!scanned) return scanned;
  analytics.SetValues(batch);
  loaded += batch.size();
  if (progress) progress("values", loaded);

  return LoadTasks(analytics, store, plans, progress);
}

}  // namespace

Result<std::unique_ptr<Analytics>> LoadAnalytics(StoreReader& store, const LoadProgress& progress) {
  auto analytics = std::make_unique<Analytics>();
  if (Status loaded = LoadInto(*analytics, store, progress); !loaded) {
    return std::unexpected(loaded.error());
  }
  return analytics;
}

Result<std::shared_ptr<Analytics>> AttachAnalytics(Store& store, const LoadProgress& progress) {
  // The writer's turn, held while loading and until the observer is in place.
  auto turn = store.Begin();
  if (!turn) return std::unexpected(turn.error());
  auto analytics = std::make_shared<Analytics>();
  if (Status loaded = LoadInto(*analytics, **turn, progress); !loaded) {
    return std::unexpected(loaded.error());
  }
  // The observer runs inside Commit(), in commit order, one commit at a time.
  store.SetCommitObserver([&store, index = analytics](const CommittedChanges& changes) {
    if (changes.catalog) {
      auto catalog = ReadCatalog(store);
      if (catalog) {
        index->SetCatalog(std::move(*catalog));
      } else {
        // The index keeps the previous catalog; the values below still apply to known units.
        fmt::print(stderr, "planwatch: analytics cannot read the catalog after a commit: {}\n",
                   catalog.error().message);
      }
    }
    if (changes.values.size() > 64) {
      std::vector<CellValue> set;
      set.reserve(changes.values.size());
      for (const CommittedChanges::Value& v : changes.values) {
        if (v.erased) {
          index->SetValues(set);
          set.clear();
          index->EraseValue(v.cell.indicator, v.cell.unit, v.cell.period);
        } else {
          set.push_back(CellValue{v.cell.indicator, v.cell.unit, v.cell.period, v.cell.value});
        }
      }
      index->SetValues(set);
    } else {
      for (const CommittedChanges::Value& v : changes.values) {
        if (v.erased) {
          index->EraseValue(v.cell.indicator, v.cell.unit, v.cell.period);
        } else {
          index->SetValue(v.cell.indicator, v.cell.unit, v.cell.period, v.cell.value);
        }
      }
    }
    for (const Task& task : changes.tasks) index->PutTask(task);
    for (const TaskEvent& event : changes.events) index->AppendTaskEvent(event);
    // Only the next serial: when another process committed in between, the index stays behind
    // so that CatchUp replays what it has not seen.
    if (changes.serial == index->commit_serial() + 1) index->SetCommitSerial(changes.serial);
  });
  return analytics;
}

Status CatchUp(Store& store, Analytics& analytics) {
  auto serial = store.CommitSerial();
  if (!serial) return std::unexpected(serial.error());
  if (*serial == analytics.commit_serial()) return {};
  // Commits of this process are applied before they release the turn: with the turn held, a
  // serial that still differs was made elsewhere.
  auto turn = store.Begin();
  if (!turn) return std::unexpected(turn.error());
  StoreReader& reader = **turn;
  serial = reader.CommitSerial();
  if (!serial) return std::unexpected(serial.error());
  if (*serial == analytics.commit_serial()) return {};
  // The commit log names what the missed commits changed: the catalog is read again when one
  // changed it, and the tasks of the plans they touched. Without a whole log, all of it.
  auto log = reader.CommitLog(analytics.commit_serial(), *serial);
  if (!log) return std::unexpected(log.error());
  std::vector<PlanId> plans = std::move(log->plans);
  if (!log->complete || log->catalog) {
    auto catalog = ReadCatalog(reader);
    if (!catalog) return std::unexpected(catalog.error());
    if (!log->complete) {
      plans.clear();
      for (const Plan& plan : catalog->plans) plans.push_back(plan.id);
    }
    analytics.SetCatalog(std::move(*catalog));
  }
  for (const PlanId plan : plans) {
    auto tasks = reader.Tasks(plan);
    if (!tasks) return std::unexpected(tasks.error());
    auto events = reader.TaskEvents(plan);
    if (!events) return std::unexpected(events.error());
    analytics.ReplacePlanTasks(plan, *tasks, *events);
  }
  // The values: every version stored since the last catch-up, replayed in order. Setting and
  // erasing are idempotent, so a version this process already applied through the observer is
  // applied again without counting twice, and a later version of the same value wins.
  std::vector<CellValue> batch;
  std::int64_t last = analytics.value_sequence();
  Status replayed = reader.ScanValueVersions(last, [&](const ValueVersionCell& version) {
    last = version.sequence;
    if (version.erased) {
      analytics.SetValues(batch);
      batch.clear();
      analytics.EraseValue(version.cell.indicator, version.cell.unit, version.cell.period);
      return;
    }
    batch.push_back(CellValue{version.cell.indicator, version.cell.unit, version.cell.period,
                              version.cell.value});
    if (batch.size() == kLoadBatch) {
      analytics.SetValues(batch);
      batch.clear();
    }
  });
  if (!replayed) return replayed;
  analytics.SetValues(batch);
  analytics.SetValueSequence(last);
  analytics.SetCommitSerial(*serial);
  return {};
}

CommitFollower::CommitFollower(Store& store, std::shared_ptr<Analytics> analytics,
                               std::chrono::milliseconds interval)
    : store_(store), analytics_(std::move(analytics)), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

CommitFollower::~CommitFollower() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void CommitFollower::Run() {
  std::unique_ptr<CommitWatch> watch;
  std::string failing;  // the message last logged; empty while all is well
  auto note = [&](const Error& error) {
    if (error.message != failing) {
      fmt::print(stderr, "planwatch: following other nodes' commits: {}\n", error.message);
      failing = error.message;
    }
  };
  while (!stop_) {
    if (!watch) {
      auto opened = store_.WatchCommits();
      if (!opened) {
        note(opened.error());
        std::this_thread::sleep_for(interval_);
        continue;
      }
      watch = std::move(*opened);
    }
    if (auto woken = watch->Wait(interval_); !woken) {
      note(woken.error());
      watch.reset();
      continue;
    }
    if (stop_) break;
    // Whether woken or not: a serial read is cheap, and it catches a missed announcement.
    const std::int64_t before = analytics_->commit_serial();
    if (Status caught = CatchUp(store_, *analytics_); !caught) {
      note(caught.error());
      continue;
    }
    if (analytics_->commit_serial() != before) ++catch_ups_;
    if (!failing.empty()) {
      fmt::print(stderr, "planwatch: following other nodes' commits again\n");
      failing.clear();
    }
  }
}

}  // namespace planwatch
