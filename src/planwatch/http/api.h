// The HTTP API: decodes a request, authenticates it, calls one service use case, encodes the
// answer. Every error leaves as application/problem+json; nothing a client sends produces a 500.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "planwatch/analytics/analytics.h"
#include "planwatch/http/message.h"
#include "planwatch/http/web_files.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/resources.h"
#include "planwatch/service/signing.h"
#include "planwatch/storage/store.h"

namespace planwatch::http {

struct ApiOptions {
  std::size_t json_body_limit = std::size_t{1} << 20;  // larger JSON bodies: 413
  std::size_t upload_limit = std::size_t{25} << 20;    // evidence files
  bool secure_cookies = false;                         // Secure attribute (behind TLS)
  TodayFn today;                                       // none: the UTC date
  // The local time zone's offset from UTC: the local date of an instant (a report submitted at
  // 23:30 on its due date, +07:00, is on time). Must agree with `today`.
  std::chrono::minutes utc_offset{0};
  // The web UI, served for GET and HEAD of any path that no route serves and that is not under
  // /api/, /healthz or /metrics. none (or a source without /index.html): `/` answers a short
  // landing page instead.
  std::shared_ptr<const WebFiles> web;
  int feedback_difficulty = 16;  // zero bits of the feedback challenge (service/feedback.h)
  // The instance key that seals the leaders' signing keys; none: approving a report answers
  // failed_precondition "signing is not configured".
  std::optional<InstanceKey> signing_key;
  // Sign-in limits and session expiry (service/accounts.h).
  AccountsOptions accounts;
};

// The Content-Security-Policy of every response: one constant, so that what the UI needs (say,
// inline styles for chart tooltips) is decided here.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

// Sets the security headers that every response of the Api carries (API, problems, static
// files, 304s, refusals): Content-Security-Policy (kContentSecurityPolicy),
// X-Content-Type-Options, X-Frame-Options, Referrer-Policy, Cross-Origin-Opener-Policy and
// Permissions-Policy. A header the response already has is kept (the landing page sends its
// own, stricter CSP).
void AddSecurityHeaders(Response& response);

class Api {
 public:
  // `analytics` answers the analytics routes; it must follow `store`'s commits
  // (AttachAnalytics in service/live_analytics.h).
  Api(Store& store, std::shared_ptr<Analytics> analytics, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Thread-safe: called concurrently by the server's threads. Static files of the UI are
  // counted in the metrics under the route "static".
  Response Handle(Request&& request);
  // The answer to a request the server refused before routing (400, 413, 431, 503).
  Response Refuse(int status, const Request& request);
  // For the server's StreamOpener: once `head`'s headers are read, a sink when its route streams
  // its body (POST /api/v1/data-values), an answer when the request fails before its body
  // (sign-in, CSRF, media type, permission), nothing otherwise. Thread-safe.
  StreamDecision OpenStream(const Request& head);

  // Every route as (method, path template), in registration order.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The OpenAPI 3.1 document served at /api/v1/openapi.json (src/planwatch/http/openapi.json,
// embedded at build time).
std::string_view OpenApiDocument();

}  // namespace planwatch::http
