// Internal to http/: the Api's implementation, shared by api.cc (the core routes) and the files
// that add one group of routes each (api_<group>.cc). Nothing outside http/ includes it.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "planwatch/base/clock.h"
#include "planwatch/base/text.h"
#include "planwatch/http/api.h"
#include "planwatch/http/message.h"
#include "planwatch/http/metrics.h"
#include "planwatch/http/problem.h"
#include "planwatch/http/router.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/ingest.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/resources.h"
#include "planwatch/service/task_actions.h"
#include "planwatch/service/user_admin.h"
#include "planwatch/service/values.h"
// --- Services of the route groups ---
#include "planwatch/service/delivery.h"
#include "planwatch/service/documents.h"
#include "planwatch/service/feedback.h"
#include "planwatch/service/publishing.h"
#include "planwatch/service/reports.h"
#include "planwatch/service/reviews.h"
#include "planwatch/service/scorecards.h"
#include "planwatch/service/urging.h"

namespace planwatch::http {

using nlohmann::json;

inline constexpr std::string_view kSessionCookie = "pw_session";

enum class Access { kPublic, kSignedIn };
// kStream: the body goes to the route's sink as it arrives (Entry::stream, Api::OpenStream).
enum class BodyKind { kNone, kJson, kRaw, kStream };

// What a handler gets: the request, its decoded parts and the caller.
struct Ctx {
  const Request& req;
  std::vector<std::string> params;
  QueryParams query;
  Lang lang = Lang::kVi;
  std::optional<Principal> principal;
  std::string session_id;  // the cookie's session, when signed in by cookie
  std::string csrf_token;
  std::string expires_at;
  json body;  // BodyKind::kJson
};

struct Entry {
  Access access = Access::kSignedIn;
  BodyKind body = BodyKind::kNone;
  bool takes_query = false;  // false: any query parameter is refused (nothing is silently ignored)
  std::function<Response(Ctx&)> fn;
  // BodyKind::kStream: the sink for the body, or the answer without reading it.
  std::function<std::expected<std::unique_ptr<BodySink>, Response>(Ctx&)> stream;
};

Response JsonResponse(int status, const json& body);
Response NoContent();
// A positive decimal id; none otherwise.
std::optional<std::int64_t> ParseId(std::string_view text);
// The If-Match header, trimmed; none when absent.
std::optional<std::string> IfMatch(const Request& req);
// If-None-Match (RFC 9110 §13.1.2): "*" or a list of entity tags, compared weakly.
bool IfNoneMatchHits(std::string_view header, std::string_view etag);
json PageJson(Page&& page);

struct Api::Impl {
  Impl(Store& s, std::shared_ptr<Analytics> a, ApiOptions o)
      : store(s),
        analytics(std::move(a)),
        options(std::move(o)),
        account_options(options.accounts),
        resources(s, options.today ? options.today : TodayFn(&TodayUtc)),
        actions(resources),
        values(s),
        committer(s),
        ingest(s, committer),
        accounts(s, account_options),
        users(s, accounts) {
    AddRoutes();
  }

  Store& store;
  std::shared_ptr<Analytics> analytics;  // follows every commit of `store`
  ApiOptions options;
  AccountsOptions account_options;
  Resources resources;
  TaskActions actions;
  Values values;
  ValueCommitter committer;  // group commit of bulk data values
  Ingest ingest;
  Accounts accounts;
  UserAdmin users;
  Metrics metrics;
  Router<Entry> router;
  // --- Members of the route groups (initialised in place, after the ones above) ---
  Urgings urgings{store, [this] { return resources.today(); }, options.utc_offset};
  Notifications notifications{store};
  Webhooks webhooks{store};
  Feedback feedback{store, [this] {
                      FeedbackOptions o;
                      o.difficulty = options.feedback_difficulty;
                      return o;
                    }()};
  Scorecards scorecards{store, [this] { return resources.today(); }, options.utc_offset};
  Reviews reviews{store, *analytics, [this] { return resources.today(); }, options.utc_offset};
  Publishing publishing{store, *analytics, [this] { return resources.today(); },
                        options.utc_offset};
  std::optional<Signer> signer{options.signing_key
                                   ? std::optional<Signer>(std::in_place, *options.signing_key)
                                   : std::nullopt};
  Reports reports{store, signer ? &*signer : nullptr, [this] {
                    ReportsOptions o;
                    o.today = [this] { return resources.today(); };
                    o.utc_offset = options.utc_offset;
                    return o;
                  }()};

  Response Error(const Ctx& c, const planwatch::Error& e) {
    if (e.code == ErrorCode::kInternal || e.code == ErrorCode::kUnavailable) {
      std::fprintf(stderr, "planwatch: %s %s: %s\n", c.req.method.c_str(), c.req.target.c_str(),
                   e.ToString().c_str());
    }
    return ProblemFor(e, c.lang, !c.req.body.empty());
  }

  // A GET or HEAD for the UI: its file at `raw_path`, else, for a path whose last segment has no
  // extension (the app's own routes: /tasks/12, /login), index.html. none: nothing of the UI
  // (no UI, a missing file such as /missing.js, or a refused path such as /../x).
  std::optional<Response> ServeWeb(const Request& req, std::string_view raw_path);

  template <typename T>
  Response Reply(const Ctx& c, const Result<T>& r, int status = 200) {
    if (!r) return Error(c, r.error());
    if constexpr (std::is_same_v<T, Resource>) {
      if (c.req.method == "GET" || c.req.method == "HEAD") {
        if (IfNoneMatchHits(c.req.HeaderValue("If-None-Match"), r->etag)) {
          Response not_modified;
          not_modified.status = 304;
          not_modified.SetHeader("ETag", r->etag);
          return not_modified;
        }
      }
      Response out = JsonResponse(status, r->body);
      out.SetHeader("ETag", r->etag);
      return out;
    } else if constexpr (std::is_same_v<T, Page>) {
      Page copy = *r;
      return JsonResponse(status, PageJson(std::move(copy)));
    } else {
      return JsonResponse(status, *r);
    }
  }

  Response ReplyStatus(const Ctx& c, const Status& s) {
    if (!s) return Error(c, s.error());
    return NoContent();
  }

  void Add(std::string method, std::string pattern, Access access, BodyKind body,
           std::function<Response(Ctx&)> fn, bool takes_query = false) {
    router.Add(std::move(method), std::move(pattern),
               Entry{access, body, takes_query, std::move(fn), {}});
  }

  // A route that takes its body as a stream (BodyKind::kStream).
  void AddStream(std::string method, std::string pattern,
                 std::function<std::expected<std::unique_ptr<BodySink>, Response>(Ctx&)> open,
                 bool takes_query = false) {
    router.Add(std::move(method), std::move(pattern),
               Entry{Access::kSignedIn, BodyKind::kStream, takes_query, nullptr, std::move(open)});
  }

  void AddResource(ResourceKind kind, bool deletable);

  // A path id: a positive integer, else 404 (nothing can live there).
  std::expected<std::int64_t, std::unique_ptr<Response>> IdParam(const Ctx& c, std::size_t i) {
    if (auto id = ParseId(c.params[i])) return *id;
    return std::unexpected(std::make_unique<Response>(MakeProblem(
        ProblemType::kNotFound, c.lang,
        c.lang == Lang::kEn ? fmt::format("\"{}\" is not an id", EchoForMessage(c.params[i]))
                            : std::string())));
  }

  std::expected<ValueKey, std::unique_ptr<Response>> KeyParams(const Ctx& c) {
    auto indicator = ParseId(c.params[0]);
    auto unit = ParseId(c.params[1]);
    auto period = Period::Parse(c.params[2]);
    if (!indicator || !unit || !period) {
      return std::unexpected(std::make_unique<Response>(
          MakeProblem(ProblemType::kNotFound, c.lang,
                      c.lang == Lang::kEn
                          ? "a value is addressed by /data-values/{indicator id}/{unit id}/{period}"
                          : std::string())));
    }
    return ValueKey{IndicatorId{*indicator}, OrgUnitId{*unit}, *period};
  }

  static json SessionJson(const UserView& user, std::string_view csrf, std::string_view expires) {
    json out{{"user", ToJson(user)}};
    if (!csrf.empty()) out["csrf_token"] = csrf;
    if (!expires.empty()) out["expires_at"] = expires;
    return out;
  }

  std::string SessionCookie(std::string_view value, std::int64_t max_age) const {
    return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kSessionCookie,
                       value, max_age, options.secure_cookies ? "; Secure" : "");
  }

  // The routes, in groups: api.cc holds the model, accounts, values and analytics;
  // each later group lives in its own api_<group>.cc.
  void AddRoutes();
  // --- Route groups (one api_<group>.cc each) ---
  void AddUrgingRoutes();       // api_urging.cc: urging, notifications, webhooks, deliveries
  void AddDocumentRoutes();     // api_documents.cc: PDF summary and XLSX exports
  void AddFeedbackRoutes();     // api_feedback.cc: public feedback and its moderation
  void AddReportRoutes();       // api_reports.cc: periodic reports, schedules and compliance
  void AddScorecardRoutes();    // api_scorecards.cc: scorecards, weights and reviews
  void AddImportRoutes();       // api_imports.cc: imports, templates, exports of records
  void AddPublicationRoutes();  // api_publications.cc: publish, withdraw and list datasets
  void AddOpenDataRoutes();     // api_open.cc: DCAT catalogue, dataset files, CKAN action API
  void AddExchangeRoutes();     // api_exchange.cc: DHIS2 dataValueSets export
  void AddAuditRoutes();        // api_audit.cc: audit history, checkpoints

  // `stream`: for a BodyKind::kStream route whose body has not been read (Api::OpenStream), set
  // to its sink instead of answering; the returned response is then meaningless. Null: the
  // body is in `req` (a stream route gets it as one piece).
  Response Route(const Request& req, std::string& route_name,
                 std::unique_ptr<BodySink>* stream = nullptr);
  // Whether the request's route streams its body.
  bool Streams(const Request& req) const;
  // The headers every answer carries, and the metrics.
  void Finalize(Response& r, const std::string& route, const std::string& method,
                std::chrono::steady_clock::time_point started);
};

}  // namespace planwatch::http
