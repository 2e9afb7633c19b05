// The analytics index of a store, kept current: loaded once, then every transaction committed
// through the store is applied to it before that transaction's Commit() returns, so the next
// query sees it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <thread>

#include "planwatch/analytics/analytics.h"
#include "planwatch/base/error.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// Called while loading: the stage ("units", "values", "tasks"), and how far it got.
using LoadProgress = std::function<void(std::string_view stage, std::size_t done)>;

// Reads the catalog, every current value and every plan's tasks and ledger from `store` into a
// new index (the catalog only from what it reads; values from ScanDataValues).
Result<std::unique_ptr<Analytics>> LoadAnalytics(StoreReader& store,
                                                 const LoadProgress& progress = {});

// LoadAnalytics inside a write transaction (so that no commit falls between the load and the
// observer), then installs the store's commit observer so that the index follows every write
// made through `store` (the observer re-reads the catalog when a commit changed it).
// The index must outlive the store's use; the returned pointer is shared with the observer.
Result<std::shared_ptr<Analytics>> AttachAnalytics(Store& store, const LoadProgress& progress = {});

// Brings `analytics` (attached to `store`) up to date when another process (another node, the
// CLI) committed through the same database: compares Store::CommitSerial with the index's and,
// when they differ, holding the store's write turn (so no commit slips by), reads again what the
// commit log says the missed commits changed (the catalog; the tasks and ledger of each plan
// they touched: everything when the log is incomplete) and replays the value versions stored
// since the last catch-up (Store::ScanValueVersions): nothing missed, nothing counted twice.
// Cheap when nothing changed: one read of the serial. Call before answering from the index, and
// when another node announces a commit.
Status CatchUp(Store& store, Analytics& analytics);

// Keeps an attached index current with the commits of other processes as they are announced,
// on a thread of its own: it waits on Store::WatchCommits and catches up (CatchUp) when woken,
// and at least every `interval` (a missed announcement, SQLite's polling). The requests that
// answer from the index still call CatchUp first, which then costs one read of the serial.
// A failure is logged once (until it recovers); a lost watch is opened again. Stops and joins
// when destroyed.
class CommitFollower {
 public:
  CommitFollower(Store& store, std::shared_ptr<Analytics> analytics,
                 std::chrono::milliseconds interval = std::chrono::milliseconds(500));
  ~CommitFollower();
  CommitFollower(const CommitFollower&) = delete;
  CommitFollower& operator=(const CommitFollower&) = delete;

  // Catch-ups made so far that found another process's commits (for tests and logs).
  std::int64_t catch_ups() const { return catch_ups_.load(); }

 private:
  void Run();

  Store& store_;
  const std::shared_ptr<Analytics> analytics_;
  const std::chrono::milliseconds interval_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> catch_ups_{0};
  std::thread thread_;
};

}  // namespace planwatch
