// The HTTP API: decodes a request, authenticates it, calls one service use case, encodes the
// answer. Every error leaves as application/problem+json; nothing a client sends produces a 500.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "planwatch/http/message.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch::http {

struct ApiOptions {
  std::size_t json_body_limit = std::size_t{1} << 20;  // larger JSON bodies: 413
  std::size_t upload_limit = std::size_t{25} << 20;    // evidence files
  bool secure_cookies = false;                         // Secure attribute (behind TLS)
  TodayFn today = nullptr;                             // none: the UTC date
};

class Api {
 public:
  Api(Store& store, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Thread-safe: called concurrently by the server's threads.
  Response Handle(Request&& request);
  // The answer to a request the server refused before routing (400, 413, 431, 503).
  Response Refuse(int status, const Request& request);

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
