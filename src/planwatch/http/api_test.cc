#include "planwatch/http/api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "planwatch/http/problem.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/live_analytics.h"

namespace planwatch::http {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto());
    dir_ = std::filesystem::temp_directory_path() /
           ("pw_api_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = Store::Open(StoreOptions{(dir_ / "api.db").string(), true});
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto analytics = AttachAnalytics(*store_);
    ASSERT_TRUE(analytics) << analytics.error().ToString();
    api_ = std::make_unique<Api>(*store_, *analytics, ApiOptions{});
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Response Send(std::string method, std::string target, std::string body = {},
                std::vector<Header> headers = {}) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.remote_address = "127.0.0.1";
    return api_->Handle(std::move(r));
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Api> api_;
};

// The OpenAPI document and the router list the same routes: a route missing on either side fails.
TEST_F(ApiTest, OpenApiDocumentListsExactlyTheRoutes) {
  json doc = json::parse(OpenApiDocument());
  ASSERT_EQ(doc["openapi"], "3.1.0");
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      static const std::set<std::string> kMethods{"get", "put", "post", "delete", "patch"};
      if (!kMethods.contains(method)) continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
      documented.emplace(upper, path);
    }
  }
  std::set<std::pair<std::string, std::string>> routed;
  for (auto& route : api_->Routes()) routed.insert(route);
  for (const auto& route : routed) {
    EXPECT_TRUE(documented.contains(route))
        << route.first << " " << route.second << " is routed but not in openapi.json";
  }
  for (const auto& route : documented) {
    EXPECT_TRUE(routed.contains(route))
        << route.first << " " << route.second << " is in openapi.json but not routed";
  }
  EXPECT_GT(routed.size(), 40U);
}

TEST_F(ApiTest, ServesTheOpenApiDocumentWithoutSignIn) {
  Response r = Send("GET", "/api/v1/openapi.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, OpenApiDocument());
}

TEST_F(ApiTest, UnknownPathIsA404Problem) {
  Response r = Send("GET", "/api/v1/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.HeaderValue("Content-Type"), "application/problem+json");
  json body = json::parse(r.body);
  EXPECT_EQ(body["type"], "urn:planwatch:problem:not-found");
  EXPECT_EQ(body["status"], 404);
}

TEST_F(ApiTest, WrongMethodIsA405WithAllow) {
  Response r = Send("PUT", "/api/v1/tasks");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.HeaderValue("Allow"), "GET, POST, HEAD");
}

TEST_F(ApiTest, ResourcesNeedSignIn) {
  Response r = Send("GET", "/api/v1/tasks");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body)["type"], "urn:planwatch:problem:unauthenticated");
  EXPECT_EQ(Send("GET", "/api/v1/tasks", {}, {{"Authorization", "Bearer pwt_forged"}}).status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/tasks", {}, {{"Cookie", "pw_session=forged"}}).status, 401);
}

TEST_F(ApiTest, DetailFollowsAcceptLanguage) {
  json vi =
      json::parse(Send("GET", "/api/v1/tasks", {}, {{"Accept-Language", "vi-VN,vi;q=0.9"}}).body);
  json en =
      json::parse(Send("GET", "/api/v1/tasks", {}, {{"Accept-Language", "en-US,en;q=0.8"}}).body);
  EXPECT_EQ(vi["title"], "Cần đăng nhập");
  EXPECT_FALSE(vi.contains("detail_en"));  // nothing more specific to say
  EXPECT_EQ(en["title"], "Sign-in required");
  EXPECT_EQ(NegotiateLanguage("fr, en;q=0.5, vi;q=0.4"), Lang::kEn);
  EXPECT_EQ(NegotiateLanguage("fr"), Lang::kVi);
  EXPECT_EQ(NegotiateLanguage(""), Lang::kVi);
}

TEST_F(ApiTest, MalformedLoginBodiesAreClearProblems) {
  const std::vector<Header> json_type{{"Content-Type", "application/json"}};
  EXPECT_EQ(Send("POST", "/api/v1/session", "{\"login\":", json_type).status, 400);
  EXPECT_EQ(
      Send("POST", "/api/v1/session", "{\"login\":\"a\"}", {{"Content-Type", "text/plain"}}).status,
      415);
  EXPECT_EQ(Send("POST", "/api/v1/session", "{\"login\":\"\xff\"}", json_type).status, 400);
  Response missing = Send("POST", "/api/v1/session", "{\"login\":\"a\",\"extra\":1}", json_type);
  EXPECT_EQ(missing.status, 422);
  json body = json::parse(missing.body);
  ASSERT_EQ(body["errors"].size(), 2U);
  EXPECT_EQ(body["errors"][0]["field"], "extra");
  EXPECT_EQ(body["errors"][0]["code"], "unknown_field");
  EXPECT_EQ(body["errors"][1]["field"], "password");
  EXPECT_EQ(body["errors"][1]["code"], "required");
  EXPECT_EQ(Send("POST", "/api/v1/session", std::string(2 * 1024 * 1024, ' '), json_type).status,
            413);
}

TEST_F(ApiTest, VietnameseProblemsKeepTheEnglishSpecificsBeside) {
  Error conflict{ErrorCode::kConflict, "the code SL is taken by another unit", {}};
  json vi = json::parse(ProblemFor(conflict, Lang::kVi, true).body);
  EXPECT_EQ(vi["status"], 409);
  EXPECT_EQ(vi["detail"], "Yêu cầu xung đột với dữ liệu hiện có.");
  EXPECT_EQ(vi["detail_en"], "the code SL is taken by another unit");
  json en = json::parse(ProblemFor(conflict, Lang::kEn, true).body);
  EXPECT_EQ(en["detail"], "the code SL is taken by another unit");
  EXPECT_FALSE(en.contains("detail_en"));
  Error bug{ErrorCode::kInternal, "secret stack of the server", {}};
  EXPECT_EQ(ProblemFor(bug, Lang::kVi, false).body.find("secret"), std::string::npos);
  EXPECT_EQ(ProblemFor(bug, Lang::kEn, false).body.find("secret"), std::string::npos);
}

TEST_F(ApiTest, WrongPasswordIs401AndNeverA500) {
  Response r = Send("POST", "/api/v1/session", R"({"login":"nobody","password":"0123456789"})",
                    {{"Content-Type", "application/json"}, {"Accept-Language", "en"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(json::parse(r.body)["detail"].get<std::string>(), HasSubstr("wrong"));
}

TEST_F(ApiTest, MalformedQueryStringIs400) {
  EXPECT_EQ(Send("GET", "/healthz?x=%zz").status, 400);
  EXPECT_EQ(Send("GET", "/healthz?x=%ff").status, 400);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST_F(ApiTest, MetricsCountRequestsByRouteTemplate) {
  Send("GET", "/api/v1/tasks/12");
  Send("GET", "/api/v1/tasks/13");
  Response r = Send("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(
      r.body,
      HasSubstr(
          R"(planwatch_http_requests_total{route="/api/v1/tasks/{id}",method="GET",status="401"} 2)"));
}

TEST_F(ApiTest, RefusalsAreProblems) {
  Request partial;
  partial.method = "POST";
  partial.target = "/api/v1/tasks";
  Response r = api_->Refuse(413, partial);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(json::parse(r.body)["type"], "urn:planwatch:problem:payload-too-large");
  EXPECT_EQ(api_->Refuse(431, partial).status, 431);
  EXPECT_EQ(api_->Refuse(400, Request{}).status, 400);
}

}  // namespace
}  // namespace planwatch::http
