// Feeds arbitrary requests to the API (routing, query strings, authentication, JSON bodies, every
// use case behind them) over a small stored fixture, signed in as an admin when the first byte
// says so. Input: a flags byte, then "METHOD TARGET\n", header lines "Name: value\n", an empty
// line and the body. Oracle: nothing a client sends produces a 500, and every error is a
// problem+json document.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_fixture.h"

#include "planwatch/http/api.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/storage/store.h"

namespace {

using planwatch::fuzz::Check;

struct Fixture {
  std::unique_ptr<planwatch::Store> store;
  std::unique_ptr<planwatch::http::Api> api;
  std::string token;
};

Fixture& Get() {
  static Fixture fixture = [] {
    Check(planwatch::InitCrypto().has_value());
    Fixture f;
    f.store = planwatch::fuzz::OpenFixture("api");
    planwatch::fuzz::Load(*f.store, planwatch::DataKind::kDataValues,
                          "indicator_code,unit_code,period,value\nN,C,202501,3\nM,C,202501,4\n");
    planwatch::Accounts accounts(*f.store);
    auto user = accounts.AddUser(
        planwatch::NewUser{"fuzz", "", planwatch::Role::kAdmin, "SL", "fuzz-password-1"});
    Check(user.has_value());
    auto token = accounts.CreateToken(
        planwatch::Principal{user->id, "fuzz", planwatch::Role::kAdmin, user->unit}, "fuzz");
    Check(token.has_value());
    auto analytics = planwatch::AttachAnalytics(*f.store);
    Check(analytics.has_value());
    f.api =
        std::make_unique<planwatch::http::Api>(*f.store, *analytics, planwatch::http::ApiOptions{});
    f.token = token->token;
    return f;
  }();
  return fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Fixture& f = Get();
  const std::uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

  planwatch::http::Request request;
  auto line_end = rest.find('\n');
  std::string_view line = rest.substr(0, line_end);
  rest = line_end == std::string_view::npos ? std::string_view{} : rest.substr(line_end + 1);
  auto space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  request.target = space == std::string_view::npos ? "/" : std::string(line.substr(space + 1));
  while (!rest.empty()) {
    line_end = rest.find('\n');
    line = rest.substr(0, line_end);
    rest = line_end == std::string_view::npos ? std::string_view{} : rest.substr(line_end + 1);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  request.body = std::string(rest);
  request.remote_address = "127.0.0.1";
  if (flags & 1) request.headers.push_back({"Authorization", "Bearer " + f.token});
  if (flags & 2) request.headers.push_back({"Content-Type", "application/json"});
  if (flags & 4) request.headers.push_back({"If-Match", "*"});
  if (flags & 8) request.headers.push_back({"Accept-Language", "en"});

  planwatch::http::Response response = f.api->Handle(std::move(request));
  Check(response.status != 500);
  Check(response.status >= 100 && response.status <= 599);
  if (response.status >= 400) {
    Check(response.HeaderValue("Content-Type") == "application/problem+json");
  }
  return 0;
}
