#include "planwatch/http/metrics.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <mutex>
#include <tuple>

namespace planwatch::http {
namespace {

// Upper bounds of the duration buckets, in seconds; a last, implicit bucket is +Inf.
constexpr std::array<double, 13> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                            0.25,  0.5,    1,     2.5,  5,     10};
constexpr std::array<std::string_view, 14> kBoundLabels = {
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25",  "0.5",    "1",     "2.5",  "5",     "10",   "+Inf"};

struct StatusKey {
  std::string route;
  std::string method;
  int status;
};
struct RouteKey {
  std::string route;
  std::string method;
};
using StatusView = std::tuple<std::string_view, std::string_view, int>;
using RouteView = std::tuple<std::string_view, std::string_view>;

StatusView View(const StatusKey& k) { return {k.route, k.method, k.status}; }
const StatusView& View(const StatusView& k) { return k; }
RouteView View(const RouteKey& k) { return {k.route, k.method}; }
const RouteView& View(const RouteView& k) { return k; }

// Transparent, so Observe looks series up by string_view without building a key.
struct KeyLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return View(a) < View(b);
  }
};

struct Histogram {
  std::array<std::uint64_t, kBoundLabels.size()> buckets{};  // not cumulative; summed on Render
  double sum = 0;
  std::uint64_t count = 0;
  std::uint64_t errors = 0;
};

void AppendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void AppendRouteLabels(std::string& out, std::string_view route, std::string_view method) {
  out += "route=\"";
  AppendEscaped(out, route);
  out += "\",method=\"";
  AppendEscaped(out, method);
  out += '"';
}

template <typename T>
void AppendNumber(std::string& out, T value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, ec == std::errc() ? end : buf);
}

}  // namespace

struct Metrics::State {
  mutable std::mutex mu;
  std::map<StatusKey, std::uint64_t, KeyLess> requests;  // guarded by mu
  std::map<RouteKey, Histogram, KeyLess> durations;      // guarded by mu
};

Metrics::Metrics() : state_(new State) {}
Metrics::~Metrics() { delete state_; }

void Metrics::Observe(std::string_view route, std::string_view method, int status, double seconds) {
  // A negative or NaN duration (clock trouble) counts as zero rather than poisoning the sum.
  if (!(seconds >= 0)) seconds = 0;
  std::size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;

  std::lock_guard lock(state_->mu);
  auto req = state_->requests.find(StatusView{route, method, status});
  if (req == state_->requests.end()) {
    req = state_->requests.emplace(StatusKey{std::string(route), std::string(method), status}, 0)
              .first;
  }
  ++req->second;
  auto dur = state_->durations.find(RouteView{route, method});
  if (dur == state_->durations.end()) {
    dur = state_->durations.emplace(RouteKey{std::string(route), std::string(method)}, Histogram{})
              .first;
  }
  Histogram& h = dur->second;
  ++h.buckets[bucket];
  h.sum += seconds;
  ++h.count;
  if (status >= 400) ++h.errors;
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard lock(state_->mu);

  out +=
      "# HELP planwatch_http_requests_total HTTP requests answered, by route template, method "
      "and status.\n"
      "# TYPE planwatch_http_requests_total counter\n";
  for (const auto& [key, count] : state_->requests) {
    out += "planwatch_http_requests_total{";
    AppendRouteLabels(out, key.route, key.method);
    out += ",status=\"";
    AppendNumber(out, key.status);
    out += "\"} ";
    AppendNumber(out, count);
    out += '\n';
  }

  out +=
      "# HELP planwatch_http_request_errors_total HTTP requests answered with a status of 400 or "
      "more.\n"
      "# TYPE planwatch_http_request_errors_total counter\n";
  for (const auto& [key, h] : state_->durations) {
    out += "planwatch_http_request_errors_total{";
    AppendRouteLabels(out, key.route, key.method);
    out += "} ";
    AppendNumber(out, h.errors);
    out += '\n';
  }

  out +=
      "# HELP planwatch_http_request_duration_seconds Time from a request's arrival to its "
      "answer.\n"
      "# TYPE planwatch_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : state_->durations) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBoundLabels.size(); ++i) {
      cumulative += h.buckets[i];
      out += "planwatch_http_request_duration_seconds_bucket{";
      AppendRouteLabels(out, key.route, key.method);
      out += ",le=\"";
      out += kBoundLabels[i];
      out += "\"} ";
      AppendNumber(out, cumulative);
      out += '\n';
    }
    out += "planwatch_http_request_duration_seconds_sum{";
    AppendRouteLabels(out, key.route, key.method);
    out += "} ";
    AppendNumber(out, h.sum);
    out += "\nplanwatch_http_request_duration_seconds_count{";
    AppendRouteLabels(out, key.route, key.method);
    out += "} ";
    AppendNumber(out, h.count);
    out += '\n';
  }
  return out;
}

}  // namespace planwatch::http
