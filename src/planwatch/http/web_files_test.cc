#include "planwatch/http/web_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "planwatch/http/api.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/live_analytics.h"

namespace planwatch::http {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kAppJs = "console.log(\"app\");\n";
constexpr std::string_view kAppJsEtag = "\"6f4c113f597494422a7a98c570a40307\"";
constexpr std::string_view kIndexHtml =
    "<!doctype html><title>planwatch</title><div id=\"app\"></div>\n";
constexpr std::string_view kIndexEtag = "\"584dbe1ea749c38f5c6977c950512bb3\"";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

std::filesystem::path TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             ("pw_web_files_test_" + std::string(info->test_suite_name()) + "_" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void WriteFile(const std::filesystem::path& file, std::string_view content) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
}

// The security headers every response must carry, with their exact values.
void ExpectSecurityHeaders(const Response& r) {
  EXPECT_EQ(r.HeaderValue("Content-Security-Policy"), kCsp) << r.status;
  EXPECT_EQ(r.HeaderValue("X-Content-Type-Options"), "nosniff") << r.status;
  EXPECT_EQ(r.HeaderValue("X-Frame-Options"), "DENY") << r.status;
  EXPECT_EQ(r.HeaderValue("Referrer-Policy"), "same-origin") << r.status;
  EXPECT_EQ(r.HeaderValue("Cross-Origin-Opener-Policy"), "same-origin") << r.status;
  EXPECT_EQ(r.HeaderValue("Permissions-Policy"), "camera=(), microphone=(), geolocation=()")
      << r.status;
}

TEST(WebContentTypeTest, FollowsTheExtension) {
  EXPECT_EQ(WebContentType("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(WebContentType("/assets/index-abc.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(WebContentType("/assets/index-abc.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(WebContentType("/logo.svg"), "image/svg+xml");
  EXPECT_EQ(WebContentType("/a.png"), "image/png");
  EXPECT_EQ(WebContentType("/favicon.ico"), "image/x-icon");
  EXPECT_EQ(WebContentType("/assets/font-1.woff2"), "font/woff2");
  EXPECT_EQ(WebContentType("/manifest.json"), "application/json");
  EXPECT_EQ(WebContentType("/robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(WebContentType("/assets/index-abc.js.map"), "application/json");
  EXPECT_EQ(WebContentType("/assets.d/README"), "application/octet-stream");
  EXPECT_EQ(WebContentType("/archive.tar.gz"), "application/octet-stream");
}

TEST(IsSafeWebPathTest, RefusesTraversalAndOddSegments) {
  EXPECT_TRUE(IsSafeWebPath("/"));
  EXPECT_TRUE(IsSafeWebPath("/index.html"));
  EXPECT_TRUE(IsSafeWebPath("/assets/index-abc.js"));
  EXPECT_TRUE(IsSafeWebPath("/assets/"));
  EXPECT_FALSE(IsSafeWebPath(""));
  EXPECT_FALSE(IsSafeWebPath("index.html"));
  EXPECT_FALSE(IsSafeWebPath("/../etc/passwd"));
  EXPECT_FALSE(IsSafeWebPath("/assets/../../x"));
  EXPECT_FALSE(IsSafeWebPath("/.."));
  EXPECT_FALSE(IsSafeWebPath("/a\\b.js"));
  EXPECT_FALSE(IsSafeWebPath(std::string_view("/a\0.js", 6)));
  EXPECT_FALSE(IsSafeWebPath("//etc/passwd"));
  EXPECT_FALSE(IsSafeWebPath("/./index.html"));
  EXPECT_FALSE(IsSafeWebPath("/assets/."));
}

TEST(AcceptsGzipTest, HonoursCodingsAndQValues) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br, zstd"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));  // named gzip wins over the wildcard
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.001"));
}

TEST(WebFilesTableTest, FindsByPathAndPicksTheEncoding) {
  const std::vector<WebAsset> table{
      {"/index.html", "text/html; charset=utf-8", kIndexEtag, kIndexHtml, "GZ-INDEX"},
      {"/assets/app-1.js", "text/javascript; charset=utf-8", kAppJsEtag, kAppJs, {}},
  };  // not sorted: FromTable sorts
  auto files = WebFiles::FromTable(table);
  auto plain = files->Find("/index.html", false);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->body, kIndexHtml);
  EXPECT_FALSE(plain->gzip);
  EXPECT_EQ(plain->etag, kIndexEtag);
  auto gzip = files->Find("/index.html", true);
  ASSERT_TRUE(gzip);
  EXPECT_EQ(gzip->body, "GZ-INDEX");
  EXPECT_TRUE(gzip->gzip);
  EXPECT_EQ(gzip->etag, kIndexEtag);
  auto js = files->Find("/assets/app-1.js", true);  // no gzip copy: identity
  ASSERT_TRUE(js);
  EXPECT_EQ(js->body, kAppJs);
  EXPECT_FALSE(js->gzip);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_FALSE(files->Find("/assets/app-2.js", false));
  EXPECT_FALSE(files->Find("/assets", false));
  EXPECT_FALSE(files->Find("/assets/../index.html", false));
}

class WebFilesDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    WriteFile(dir_ / "ui/index.html", kIndexHtml);
    WriteFile(dir_ / "ui/assets/app-1.js", kAppJs);
    WriteFile(dir_ / "secret.txt", "outside the UI");
    std::filesystem::create_symlink(dir_ / "secret.txt", dir_ / "ui/leak.txt");
    auto files = WebFiles::FromDirectory(dir_ / "ui");
    ASSERT_TRUE(files) << files.error().ToString();
    files_ = std::move(*files);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::unique_ptr<WebFiles> files_;
};

TEST_F(WebFilesDirectoryTest, ServesAFileWithItsTypeAndEtag) {
  auto js = files_->Find("/assets/app-1.js", true);
  ASSERT_TRUE(js);
  EXPECT_EQ(js->body, kAppJs);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->etag, kAppJsEtag);
  EXPECT_FALSE(js->gzip);
  // Read on every request: a rebuilt file is served at once, with a new ETag.
  WriteFile(dir_ / "ui/assets/app-1.js", kIndexHtml);
  auto changed = files_->Find("/assets/app-1.js", false);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->body, kIndexHtml);
  EXPECT_EQ(changed->etag, kIndexEtag);
}

TEST_F(WebFilesDirectoryTest, RefusesWhatLiesOutsideOrIsNoFile) {
  EXPECT_FALSE(files_->Find("/../secret.txt", false));
  EXPECT_FALSE(files_->Find("/assets/../../secret.txt", false));
  EXPECT_FALSE(files_->Find("/leak.txt", false));  // a symbolic link out of the directory
  EXPECT_FALSE(files_->Find("/assets", false));    // a directory
  EXPECT_FALSE(files_->Find("/assets/", false));
  EXPECT_FALSE(files_->Find("/", false));
  EXPECT_FALSE(files_->Find("/missing.js", false));
  EXPECT_FALSE(files_->Find(std::string_view("/index.html\0.js", 15), false));
  EXPECT_FALSE(files_->Find("/assets\\app-1.js", false));
  EXPECT_TRUE(files_->Find("/index.html", false));
}

TEST_F(WebFilesDirectoryTest, ADirectoryThatIsNoneIsAnError) {
  auto missing = WebFiles::FromDirectory(dir_ / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr((dir_ / "nope").string()));
  auto file = WebFiles::FromDirectory(dir_ / "secret.txt");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(file.error().message, HasSubstr((dir_ / "secret.txt").string()));
}

// The Api with a UI: static files are the router's fallback.
class ApiWebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto());
    dir_ = TempDir();
    WriteFile(dir_ / "ui/index.html", kIndexHtml);
    WriteFile(dir_ / "ui/assets/app-1.js", kAppJs);
    WriteFile(dir_ / "ui/favicon.ico", "ICO");
    WriteFile(dir_ / "secret.txt", "outside the UI");
    auto store = Store::Open(StoreOptions{(dir_ / "api.db").string(), true});
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartWith(std::shared_ptr<const WebFiles> web) {
    ApiOptions options;
    options.web = std::move(web);
    auto analytics = AttachAnalytics(*store_);
    ASSERT_TRUE(analytics) << analytics.error().ToString();
    api_ = std::make_unique<Api>(*store_, *analytics, std::move(options));
  }
  void StartWithDirectory() {
    auto files = WebFiles::FromDirectory(dir_ / "ui");
    ASSERT_TRUE(files) << files.error().ToString();
    StartWith(std::move(*files));
  }

  Response Send(std::string method, std::string target, std::vector<Header> headers = {}) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = std::move(headers);
    r.remote_address = "127.0.0.1";
    return api_->Handle(std::move(r));
  }

  static void ExpectNotFoundProblem(const Response& r, std::string_view target) {
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.HeaderValue("Content-Type"), "application/problem+json") << target;
    EXPECT_EQ(json::parse(r.body)["type"], "urn:planwatch:problem:not-found") << target;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiWebTest, ServesAnAssetImmutableWithTypeAndEtag) {
  StartWithDirectory();
  Response r = Send("GET", "/assets/app-1.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kAppJs);
  EXPECT_EQ(r.HeaderValue("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r.HeaderValue("ETag"), kAppJsEtag);
  EXPECT_EQ(r.HeaderValue("Cache-Control"), kImmutable);
  EXPECT_EQ(r.HeaderValue("Vary"), "Accept-Encoding");
  EXPECT_EQ(r.HeaderValue("Content-Encoding"), "");
  ExpectSecurityHeaders(r);
  Response ico = Send("GET", "/favicon.ico?v=2");  // a query does not matter to a file
  EXPECT_EQ(ico.status, 200);
  EXPECT_EQ(ico.body, "ICO");
  EXPECT_EQ(ico.HeaderValue("Content-Type"), "image/x-icon");
  EXPECT_EQ(ico.HeaderValue("Cache-Control"), "no-cache");  // not under /assets/
  Response head = Send("HEAD", "/assets/app-1.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.HeaderValue("ETag"), kAppJsEtag);
}

TEST_F(ApiWebTest, CurrentIfNoneMatchIs304) {
  StartWithDirectory();
  Response r = Send("GET", "/assets/app-1.js", {{"If-None-Match", std::string(kAppJsEtag)}});
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.HeaderValue("ETag"), kAppJsEtag);
  EXPECT_EQ(r.HeaderValue("Cache-Control"), kImmutable);
  ExpectSecurityHeaders(r);
  const std::string list = "\"0000\", W/" + std::string(kIndexEtag);
  EXPECT_EQ(Send("GET", "/login", {{"If-None-Match", list}}).status, 304);
  Response stale = Send("GET", "/assets/app-1.js", {{"If-None-Match", "\"0000\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, kAppJs);
}

TEST_F(ApiWebTest, TraversalIsRefused) {
  StartWithDirectory();
  for (std::string target : {"/../secret.txt", "/%2e%2e/secret.txt",
                             "/assets/%2E%2E/%2e%2e/secret.txt", "/assets%2f..%2f..%2fsecret.txt",
                             "/..", "/%2e%2e", "/a%5c..%5csecret.txt", "/index.html%00.js"}) {
    Response r = Send("GET", target);
    ExpectNotFoundProblem(r, target);
    EXPECT_THAT(r.body, Not(HasSubstr("outside the UI"))) << target;
    ExpectSecurityHeaders(r);
  }
}

TEST_F(ApiWebTest, AppRoutesAnswerIndexHtml) {
  StartWithDirectory();
  for (std::string target :
       {"/", "/tasks/12", "/login?next=%2Ftasks", "/plans/3/edit", "/tasks/"}) {
    Response r = Send("GET", target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.body, kIndexHtml) << target;
    EXPECT_EQ(r.HeaderValue("Content-Type"), "text/html; charset=utf-8") << target;
    EXPECT_EQ(r.HeaderValue("Cache-Control"), "no-cache") << target;
    EXPECT_EQ(r.HeaderValue("ETag"), kIndexEtag) << target;
  }
  // index.html under /assets/ is still the app, never immutable.
  EXPECT_EQ(Send("GET", "/assets/unknown").HeaderValue("Cache-Control"), "no-cache");
}

TEST_F(ApiWebTest, MissingFilesAndApiPathsAre404Problems) {
  StartWithDirectory();
  ExpectNotFoundProblem(Send("GET", "/missing.js"), "/missing.js");
  ExpectNotFoundProblem(Send("GET", "/assets/app-2.js"), "/assets/app-2.js");
  ExpectNotFoundProblem(Send("GET", "/api/v1/nothing-here"), "/api/v1/nothing-here");
  ExpectNotFoundProblem(Send("GET", "/api"), "/api");
  ExpectNotFoundProblem(Send("GET", "/healthz/x"), "/healthz/x");
  ExpectNotFoundProblem(Send("GET", "/metricsx"), "/metricsx");
  ExpectNotFoundProblem(Send("POST", "/tasks/12"), "POST /tasks/12");
  ExpectNotFoundProblem(Send("DELETE", "/index.html"), "DELETE /index.html");
  // The routes still answer as routes.
  EXPECT_EQ(Send("GET", "/healthz").body, "ok\n");
  EXPECT_EQ(Send("GET", "/api/v1/tasks").status, 401);
}

TEST_F(ApiWebTest, GzipFollowsAcceptEncoding) {
  const std::vector<WebAsset> table{
      {"/index.html", "text/html; charset=utf-8", kIndexEtag, kIndexHtml, "GZ-INDEX"},
      {"/assets/app-1.js", "text/javascript; charset=utf-8", kAppJsEtag, kAppJs, "GZ-APP"},
      {"/favicon.ico", "image/x-icon", "\"1c0\"", "ICO", {}},
  };
  StartWith(WebFiles::FromTable(table));
  Response gz = Send("GET", "/assets/app-1.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.body, "GZ-APP");
  EXPECT_EQ(gz.HeaderValue("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.HeaderValue("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(gz.HeaderValue("Vary"), "Accept-Encoding");
  EXPECT_EQ(gz.HeaderValue("ETag"), kAppJsEtag);
  Response plain = Send("GET", "/assets/app-1.js", {{"Accept-Encoding", "gzip;q=0, br"}});
  EXPECT_EQ(plain.body, kAppJs);
  EXPECT_EQ(plain.HeaderValue("Content-Encoding"), "");
  EXPECT_EQ(plain.HeaderValue("Vary"), "Accept-Encoding");
  EXPECT_EQ(Send("GET", "/assets/app-1.js").body, kAppJs);  // no Accept-Encoding
  Response app = Send("GET", "/tasks/12", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(app.body, "GZ-INDEX");
  EXPECT_EQ(app.HeaderValue("Content-Encoding"), "gzip");
  Response ico = Send("GET", "/favicon.ico", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(ico.body, "ICO");  // no smaller copy
  EXPECT_EQ(ico.HeaderValue("Content-Encoding"), "");
}

TEST_F(ApiWebTest, SecurityHeadersOnApiProblemAndStaticResponses) {
  StartWithDirectory();
  Response api = Send("GET", "/api/v1/openapi.json");
  EXPECT_EQ(api.status, 200);
  EXPECT_EQ(api.HeaderValue("Content-Type"), "application/json; charset=utf-8");
  ExpectSecurityHeaders(api);
  EXPECT_EQ(api.HeaderValue("Cache-Control"), "no-store");
  EXPECT_EQ(api.HeaderValue("Vary"), "Accept-Language, Cookie, Authorization");
  Response problem = Send("GET", "/api/v1/tasks");
  EXPECT_EQ(problem.status, 401);
  EXPECT_EQ(problem.HeaderValue("Content-Type"), "application/problem+json");
  ExpectSecurityHeaders(problem);
  Response file = Send("GET", "/index.html");
  EXPECT_EQ(file.status, 200);
  ExpectSecurityHeaders(file);
  Request partial;
  partial.method = "POST";
  partial.target = "/api/v1/tasks";
  Response refused = api_->Refuse(413, partial);
  EXPECT_EQ(refused.status, 413);
  ExpectSecurityHeaders(refused);
}

TEST_F(ApiWebTest, StaticRequestsShareOneMetricsRoute) {
  StartWithDirectory();
  Send("GET", "/assets/app-1.js");
  Send("GET", "/tasks/12");
  Send("GET", "/plans/3");
  Response r = Send("GET", "/metrics");
  EXPECT_THAT(
      r.body,
      HasSubstr(R"(planwatch_http_requests_total{route="static",method="GET",status="200"} 3)"));
  EXPECT_THAT(r.body, Not(HasSubstr("app-1.js")));
  EXPECT_THAT(r.body, Not(HasSubstr("/tasks/12")));
}

TEST_F(ApiWebTest, WithoutAUiTheRootIsTheLandingPage) {
  StartWith(WebFiles::FromTable({}));
  Response r = Send("GET", "/", {{"Accept-Language", "en"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.HeaderValue("Content-Type"), "text/html; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr("/api/v1/openapi.json"));
  // The page keeps its own, stricter policy (it has an inline style); the rest are the usual.
  EXPECT_EQ(r.HeaderValue("Content-Security-Policy"),
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  EXPECT_EQ(r.HeaderValue("X-Frame-Options"), "DENY");
  EXPECT_EQ(r.HeaderValue("Referrer-Policy"), "same-origin");
  ExpectNotFoundProblem(Send("GET", "/tasks/12"), "/tasks/12");
  ExpectNotFoundProblem(Send("GET", "/index.html"), "/index.html");
  // No source at all is the same.
  StartWith(nullptr);
  EXPECT_THAT(Send("GET", "/").body, HasSubstr("/api/v1/openapi.json"));
  ExpectNotFoundProblem(Send("GET", "/tasks/12"), "/tasks/12");
}

}  // namespace
}  // namespace planwatch::http
