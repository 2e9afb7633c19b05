// The background work of `planwatch serve` for the urging ladder: the scan at start and every
// scan interval, and the delivery of due outbox rows every delivery interval (sooner when woken).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "planwatch/service/delivery.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct UrgingWorkerOptions {
  std::chrono::seconds scan_interval{3600};  // between scans; 0: no scans (only deliveries)
  std::chrono::milliseconds delivery_interval{1000};  // between delivery passes; > 0
  std::chrono::minutes utc_offset{0};  // the scan's date is the local date (UTC + offset)
  DeliveryOptions delivery;
  // The clock (tests fix it). none: the system clock.
  std::function<DeliveryClock::time_point()> now;
};

// One thread, started by Start() and ended by Stop() (or the destructor). Errors of a scan or a
// delivery pass are printed to stderr and the loop goes on: the outbox keeps what was not
// delivered. Without a courier (no relay configured) nothing is delivered: the rows stay pending
// and are listed as such. Start, Stop and Wake are thread-safe; `store` and `courier` must
// outlive the worker.
class UrgingWorker {
 public:
  UrgingWorker(Store& store, Courier* courier, UrgingWorkerOptions options);
  ~UrgingWorker();
  UrgingWorker(const UrgingWorker&) = delete;
  UrgingWorker& operator=(const UrgingWorker&) = delete;

  void Start();
  // Ends the loop after the pass in progress and joins the thread.
  void Stop();
  // Runs a delivery pass now (after new rows were queued).
  void Wake();

  // Passes completed since Start(), for tests and metrics.
  int scans() const;
  int delivery_passes() const;

 private:
  void Loop();

  Store& store_;
  Courier* courier_;
  UrgingWorkerOptions options_;
  Deliverer deliverer_;  // used by the worker's thread only

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;   // guarded by mu_
  bool woken_ = false;  // guarded by mu_
  int scans_ = 0;       // guarded by mu_
  int passes_ = 0;      // guarded by mu_
  std::thread thread_;
};

}  // namespace planwatch
