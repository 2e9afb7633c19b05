#include "planwatch/http/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace planwatch::http {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kRequestsHeader =
    "# HELP planwatch_http_requests_total HTTP requests answered, by route template, method and "
    "status.\n"
    "# TYPE planwatch_http_requests_total counter\n";
constexpr std::string_view kErrorsHeader =
    "# HELP planwatch_http_request_errors_total HTTP requests answered with a status of 400 or "
    "more.\n"
    "# TYPE planwatch_http_request_errors_total counter\n";
constexpr std::string_view kDurationHeader =
    "# HELP planwatch_http_request_duration_seconds Time from a request's arrival to its answer.\n"
    "# TYPE planwatch_http_request_duration_seconds histogram\n";

// The 14 bucket lines of one series, given the cumulative count of each bucket.
std::string Buckets(std::string_view labels, const std::vector<int>& cumulative) {
  static constexpr std::string_view kLe[] = {"0.001", "0.0025", "0.005", "0.01", "0.025",
                                             "0.05",  "0.1",    "0.25",  "0.5",  "1",
                                             "2.5",   "5",      "10",    "+Inf"};
  std::string out;
  for (std::size_t i = 0; i < std::size(kLe); ++i) {
    out += "planwatch_http_request_duration_seconds_bucket{" + std::string(labels) + ",le=\"" +
           std::string(kLe[i]) + "\"} " + std::to_string(cumulative.at(i)) + "\n";
  }
  return out;
}

TEST(MetricsTest, EmptyRegistryRendersOnlyHelpAndType) {
  Metrics metrics;
  EXPECT_EQ(metrics.Render(), std::string(kRequestsHeader) + std::string(kErrorsHeader) +
                                  std::string(kDurationHeader));
}

TEST(MetricsTest, RendersCountersAndCumulativeHistogramSorted) {
  Metrics metrics;
  // Durations are powers of two so that the sums are exact.
  metrics.Observe("/api/v1/tasks/{id}", "GET", 200, 0.00390625);  // bucket le=0.005
  metrics.Observe("/api/v1/tasks/{id}", "GET", 404, 0.5);         // le=0.5, bound inclusive
  metrics.Observe("/api/v1/tasks/{id}", "GET", 200, 20);          // only +Inf
  metrics.Observe("/healthz", "GET", 200, 0.0009765625);          // le=0.001
  metrics.Observe("/api/v1/tasks/{id}", "DELETE", 503, 1);        // le=1

  const std::string tasks_delete = "route=\"/api/v1/tasks/{id}\",method=\"DELETE\"";
  const std::string tasks_get = "route=\"/api/v1/tasks/{id}\",method=\"GET\"";
  const std::string healthz = "route=\"/healthz\",method=\"GET\"";
  std::string expected(kRequestsHeader);
  expected += "planwatch_http_requests_total{" + tasks_delete + ",status=\"503\"} 1\n";
  expected += "planwatch_http_requests_total{" + tasks_get + ",status=\"200\"} 2\n";
  expected += "planwatch_http_requests_total{" + tasks_get + ",status=\"404\"} 1\n";
  expected += "planwatch_http_requests_total{" + healthz + ",status=\"200\"} 1\n";
  expected += kErrorsHeader;
  expected += "planwatch_http_request_errors_total{" + tasks_delete + "} 1\n";
  expected += "planwatch_http_request_errors_total{" + tasks_get + "} 1\n";
  expected += "planwatch_http_request_errors_total{" + healthz + "} 0\n";
  expected += kDurationHeader;
  expected += Buckets(tasks_delete, {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
  expected += "planwatch_http_request_duration_seconds_sum{" + tasks_delete + "} 1\n";
  expected += "planwatch_http_request_duration_seconds_count{" + tasks_delete + "} 1\n";
  expected += Buckets(tasks_get, {0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3});
  expected += "planwatch_http_request_duration_seconds_sum{" + tasks_get + "} 20.50390625\n";
  expected += "planwatch_http_request_duration_seconds_count{" + tasks_get + "} 3\n";
  expected += Buckets(healthz, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  expected += "planwatch_http_request_duration_seconds_sum{" + healthz + "} 0.0009765625\n";
  expected += "planwatch_http_request_duration_seconds_count{" + healthz + "} 1\n";
  EXPECT_EQ(metrics.Render(), expected);
}

TEST(MetricsTest, EscapesBackslashQuoteAndNewlineInLabelValues) {
  Metrics metrics;
  metrics.Observe("a\\b\"c\nd", "PO\"ST", 201, 0.25);
  const std::string rendered = metrics.Render();
  EXPECT_THAT(rendered, HasSubstr("planwatch_http_requests_total{route=\"a\\\\b\\\"c\\nd\","
                                  "method=\"PO\\\"ST\",status=\"201\"} 1\n"));
  EXPECT_THAT(rendered, HasSubstr("planwatch_http_request_duration_seconds_sum{"
                                  "route=\"a\\\\b\\\"c\\nd\",method=\"PO\\\"ST\"} 0.25\n"));
  // No raw newline inside a sample line: every line starts with '#' or the metric prefix.
  std::size_t start = 0;
  while (start < rendered.size()) {
    std::size_t end = rendered.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    std::string_view line(rendered.data() + start, end - start);
    EXPECT_TRUE(line.starts_with("# ") || line.starts_with("planwatch_http_")) << line;
    start = end + 1;
  }
}

TEST(MetricsTest, NegativeDurationCountsAsZero) {
  Metrics metrics;
  metrics.Observe("/x", "GET", 200, -3);
  const std::string rendered = metrics.Render();
  EXPECT_THAT(rendered, HasSubstr("planwatch_http_request_duration_seconds_bucket{route=\"/x\","
                                  "method=\"GET\",le=\"0.001\"} 1\n"));
  EXPECT_THAT(rendered,
              HasSubstr("planwatch_http_request_duration_seconds_sum{route=\"/x\",method=\"GET\"} "
                        "0\n"));
}

TEST(MetricsTest, ConcurrentObserversAreAllCounted) {
  Metrics metrics;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i) {
        metrics.Observe("/r", "GET", t % 2 == 0 ? 200 : 500, 0.125);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const std::string rendered = metrics.Render();
  EXPECT_THAT(rendered, HasSubstr("planwatch_http_requests_total{route=\"/r\",method=\"GET\","
                                  "status=\"200\"} 4000\n"));
  EXPECT_THAT(rendered, HasSubstr("planwatch_http_requests_total{route=\"/r\",method=\"GET\","
                                  "status=\"500\"} 4000\n"));
  EXPECT_THAT(rendered,
              HasSubstr("planwatch_http_request_errors_total{route=\"/r\",method=\"GET\"} 4000\n"));
  EXPECT_THAT(rendered, HasSubstr("planwatch_http_request_duration_seconds_count{route=\"/r\","
                                  "method=\"GET\"} 8000\n"));
  EXPECT_THAT(rendered, HasSubstr("planwatch_http_request_duration_seconds_sum{route=\"/r\","
                                  "method=\"GET\"} 1000\n"));
}

}  // namespace
}  // namespace planwatch::http
