#include "planwatch/service/urging_worker.h"

#include <cstdio>
#include <utility>

#include "planwatch/base/clock.h"
#include "planwatch/service/urging.h"

namespace planwatch {

UrgingWorker::UrgingWorker(Store& store, Courier* courier, UrgingWorkerOptions options)
    : store_(store),
      courier_(courier),
      options_(std::move(options)),
      deliverer_(options_.delivery) {
  if (!options_.now) options_.now = [] { return DeliveryClock::now(); };
  if (options_.scan_interval.count() < 0) options_.scan_interval = std::chrono::seconds(0);
  if (options_.delivery_interval.count() <= 0) {
    options_.delivery_interval = std::chrono::milliseconds(1000);
  }
}

UrgingWorker::~UrgingWorker() { Stop(); }

void UrgingWorker::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void UrgingWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void UrgingWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

int UrgingWorker::scans() const {
  std::lock_guard lock(mu_);
  return scans_;
}

int UrgingWorker::delivery_passes() const {
  std::lock_guard lock(mu_);
  return passes_;
}

void UrgingWorker::Loop() {
  auto next_scan = std::chrono::steady_clock::now();
  while (true) {
    if (options_.scan_interval.count() > 0 && std::chrono::steady_clock::now() >= next_scan) {
      const Date today = DateAt(options_.now(), options_.utc_offset);
      ScanOptions scan_options;
      scan_options.stop_requested = [this] {
        std::lock_guard lock(mu_);
        return stop_;
      };
      if (auto scan = RunUrging(store_, today, options_.utc_offset, scan_options); !scan) {
        std::fprintf(stderr, "planwatch: urging scan: %s\n", scan.error().ToString().c_str());
      }
      next_scan = std::chrono::steady_clock::now() + options_.scan_interval;
      std::lock_guard lock(mu_);
      ++scans_;
    }
    if (courier_ != nullptr) {
      if (auto sent = deliverer_.DeliverDue(store_, *courier_, options_.now()); !sent) {
        std::fprintf(stderr, "planwatch: delivery: %s\n", sent.error().ToString().c_str());
      }
    }
    std::unique_lock lock(mu_);
    ++passes_;
    cv_.wait_for(lock, options_.delivery_interval, [this] { return stop_ || woken_; });
    if (stop_) return;
    woken_ = false;
  }
}

}  // namespace planwatch
