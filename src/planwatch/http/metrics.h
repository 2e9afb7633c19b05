// Request metrics in the Prometheus text exposition format (version 0.0.4), served at /metrics.
#pragma once

#include <string>
#include <string_view>

namespace planwatch::http {

// Thread-safe; Observe is cheap enough to call on every request (no allocation once a
// (route, method, status) series exists).
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One request: `route` is the route template ("/api/v1/tasks/{id}") or "unmatched", never the
  // raw path (so ids do not explode the number of series); status is the HTTP status sent.
  void Observe(std::string_view route, std::string_view method, int status, double seconds);

  // planwatch_http_requests_total{route,method,status} (counter),
  // planwatch_http_request_errors_total{route,method} (counter: status >= 400),
  // planwatch_http_request_duration_seconds{route,method} (histogram, buckets 1 ms … 10 s and
  // +Inf, with _sum and _count), planwatch_http_requests_in_flight is not kept; label values are
  // escaped as the format requires.
  std::string Render() const;

 private:
  struct State;
  State* state_;
};

}  // namespace planwatch::http
