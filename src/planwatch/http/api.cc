#include "planwatch/http/api.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "planwatch/base/clock.h"
#include "planwatch/base/text.h"
#include "planwatch/http/api_impl.h"
#include "planwatch/http/metrics.h"
#include "planwatch/http/problem.h"
#include "planwatch/http/router.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/analytics_queries.h"
#include "planwatch/service/ingest.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/service/task_actions.h"
#include "planwatch/service/user_admin.h"
#include "planwatch/service/values.h"

namespace planwatch::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; `plus_is_space` for query components. none for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view item = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    item = TrimAscii(item);
    if (item.starts_with(name) && item.size() > name.size() && item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
  }
  return {};
}

bool IsUnsafe(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// Every response carries these; kContentSecurityPolicy is in api.h.
constexpr std::pair<std::string_view, std::string_view> kSecurityHeaders[] = {
    {"Content-Security-Policy", kContentSecurityPolicy},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
};

// Paths that belong to the API and the service routes, never to the UI.
bool IsUiPath(std::string_view raw_path) {
  return !raw_path.starts_with("/api/") && raw_path != "/api" && !raw_path.starts_with("/open/") &&
         raw_path != "/open" && !raw_path.starts_with("/healthz") &&
         !raw_path.starts_with("/metrics");
}

// The body of POST /api/v1/data-values, parsed as it arrives.
class IngestSink final : public BodySink {
 public:
  IngestSink(std::unique_ptr<IngestRequest> request, Lang lang)
      : request_(std::move(request)), lang_(lang) {}

  bool Write(std::string_view bytes) override { return request_->Write(bytes); }

  Response Finish() override {
    auto done = request_->Finish();
    if (done && done->dry_run) {
      return JsonResponse(
          200, json{{"written", 0}, {"dry_run", true}, {"would_write", done->would_write}});
    }
    if (done) return JsonResponse(200, json{{"written", done->written}});
    const planwatch::Error& e = done.error();
    const std::string detail = lang_ == Lang::kEn ? e.message : std::string();
    switch (request_->fault()) {
      case BodyFault::kMalformed:
        return MakeProblem(ProblemType::kBadRequest, lang_, detail);
      case BodyFault::kTooLarge:
        return MakeProblem(ProblemType::kPayloadTooLarge, lang_, detail);
      case BodyFault::kNone:
        break;
    }
    if (e.code == ErrorCode::kInternal || e.code == ErrorCode::kUnavailable) {
      std::fprintf(stderr, "planwatch: POST /api/v1/data-values: %s\n", e.ToString().c_str());
    }
    return ProblemFor(e, lang_, true);
  }

 private:
  std::unique_ptr<IngestRequest> request_;
  Lang lang_;
};

// A streamed route's sink, finishing its answer as Api::Handle finishes every answer.
class FinalizedSink final : public BodySink {
 public:
  FinalizedSink(std::unique_ptr<BodySink> inner, std::function<void(Response&)> finalize,
                std::string route, std::string method, Lang lang)
      : inner_(std::move(inner)),
        finalize_(std::move(finalize)),
        route_(std::move(route)),
        method_(std::move(method)),
        lang_(lang) {}

  bool Write(std::string_view bytes) override { return inner_->Write(bytes); }

  Response Finish() override {
    Response r;
    try {
      r = inner_->Finish();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "planwatch: %s %s: unexpected exception: %s\n", method_.c_str(),
                   route_.c_str(), e.what());
      r = MakeProblem(ProblemType::kInternal, lang_);
    }
    finalize_(r);
    return r;
  }

 private:
  std::unique_ptr<BodySink> inner_;
  std::function<void(Response&)> finalize_;
  std::string route_;
  std::string method_;
  Lang lang_;
};

}  // namespace

Response JsonResponse(int status, const json& body) {
  Response r;
  r.status = status;
  r.SetHeader("Content-Type", "application/json; charset=utf-8");
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response NoContent() {
  Response r;
  r.status = 204;
  return r;
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

std::optional<std::string> IfMatch(const Request& req) {
  if (!req.HasHeader("If-Match")) return std::nullopt;
  return std::string(TrimAscii(req.HeaderValue("If-Match")));
}

// If-None-Match (RFC 9110 §13.1.2): "*" or a list of entity tags, compared weakly.
bool IfNoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = TrimAscii(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

json PageJson(Page&& page) {
  return json{{"items", std::move(page.items)},
              {"total", page.total},
              {"limit", page.limit},
              {"offset", page.offset}};
}

std::optional<Response> Api::Impl::ServeWeb(const Request& req, std::string_view raw_path) {
  if (!options.web) return std::nullopt;
  auto path = PercentDecode(raw_path, false);
  if (!path || !IsSafeWebPath(*path)) return std::nullopt;
  const bool gzip = AcceptsGzip(req.HeaderValue("Accept-Encoding"));
  std::optional<WebFile> file;
  bool immutable = false;
  if (*path != "/") {
    file = options.web->Find(*path, gzip);
    immutable = file.has_value() && path->starts_with("/assets/");
  }
  if (!file) {
    if (path->substr(path->rfind('/') + 1).find('.') != std::string::npos) return std::nullopt;
    file = options.web->Find("/index.html", gzip);
    if (!file) return std::nullopt;
  }
  Response r;
  // Vite names every file under /assets/ by its content hash; the rest must be revalidated.
  r.SetHeader("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.SetHeader("ETag", file->etag);
  r.SetHeader("Vary", "Accept-Encoding");
  if (IfNoneMatchHits(req.HeaderValue("If-None-Match"), file->etag)) {
    r.status = 304;
    return r;
  }
  r.SetHeader("Content-Type", file->content_type);
  if (file->gzip) r.SetHeader("Content-Encoding", "gzip");
  r.body = std::move(file->body);
  return r;
}

void Api::Impl::AddResource(ResourceKind kind, bool deletable) {
  const std::string base = fmt::format("/api/v1/{}", ResourceKindName(kind));
  Add(
      "GET", base, Access::kSignedIn, BodyKind::kNone,
      [this, kind](Ctx& c) { return Reply(c, resources.List(*c.principal, kind, c.query)); }, true);
  Add("POST", base, Access::kSignedIn, BodyKind::kJson, [this, kind, base](Ctx& c) {
    auto created = resources.Create(*c.principal, kind, c.body);
    Response r = Reply(c, created, 201);
    if (created)
      r.SetHeader("Location", fmt::format("{}/{}", base, created->body["id"].get<std::int64_t>()));
    return r;
  });
  Add("GET", base + "/{id}", Access::kSignedIn, BodyKind::kNone, [this, kind](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, resources.Get(*c.principal, kind, *id));
  });
  Add("PATCH", base + "/{id}", Access::kSignedIn, BodyKind::kJson, [this, kind](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, resources.Update(*c.principal, kind, *id, c.body, IfMatch(c.req)));
  });
  if (deletable) {
    Add("DELETE", base + "/{id}", Access::kSignedIn, BodyKind::kNone, [this, kind](Ctx& c) {
      auto id = IdParam(c, 0);
      if (!id) return *id.error();
      return ReplyStatus(c, resources.Delete(*c.principal, kind, *id, IfMatch(c.req)));
    });
  }
}

void Api::Impl::AddRoutes() {
  // The landing page of a build without the UI (with one, `/` is its index.html).
  Add("GET", "/", Access::kPublic, BodyKind::kNone, [](Ctx& c) {
    Response r;
    r.SetHeader("Content-Type", "text/html; charset=utf-8");
    r.SetHeader("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    const bool vi = c.lang == Lang::kVi;
    r.body = fmt::format(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>planwatch</title>"
        "<meta name=\"viewport\" content=\"width=device-width\">"
        "<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem "
        "auto;padding:0 1rem;color:#1a1a1a}}"
        "a{{color:#0b57d0}}code{{background:#f1f3f4;padding:0 .25rem}}</style></head><body>"
        "<h1>planwatch</h1><p>{}</p><ul>"
        "<li><a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> — OpenAPI 3.1</li>"
        "<li><a href=\"/healthz\">/healthz</a></li><li><a "
        "href=\"/metrics\">/metrics</a></li></ul>"
        "<p>{}</p></body></html>",
        vi ? "vi" : "en",
        vi ? "Hệ thống theo dõi, đôn đốc và đánh giá việc thực hiện kế hoạch hành động. "
             "Giao diện lập trình JSON tại <code>/api/v1/</code>."
           : "Monitoring, urging and evaluating the implementation of action plans. "
             "The JSON API lives under <code>/api/v1/</code>.",
        vi ? "Đăng nhập: <code>POST /api/v1/session</code>; hướng dẫn: docs/api.md."
           : "Sign in with <code>POST /api/v1/session</code>; guide: docs/api.md.");
    return r;
  });
  Add("GET", "/healthz", Access::kPublic, BodyKind::kNone, [this](Ctx&) {
    Response r;
    r.SetHeader("Content-Type", "text/plain; charset=utf-8");
    auto plans = store.Plans();
    if (!plans) {
      r.status = 503;
      r.body = "unavailable\n";
    } else {
      r.body = "ok\n";
    }
    return r;
  });
  Add("GET", "/metrics", Access::kPublic, BodyKind::kNone, [this](Ctx&) {
    Response r;
    r.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = metrics.Render();
    return r;
  });
  Add("GET", "/api/v1/openapi.json", Access::kPublic, BodyKind::kNone, [](Ctx&) {
    Response r;
    r.SetHeader("Content-Type", "application/json; charset=utf-8");
    r.body = std::string(OpenApiDocument());
    return r;
  });

  // Sessions.
  Add("POST", "/api/v1/session", Access::kPublic, BodyKind::kJson, [this](Ctx& c) {
    std::string login;
    std::string password;
    JsonFields f(c.body, JsonFields::Mode::kCreate, {"login", "password"});
    f.Text("login", login, true, 256);
    f.Text("password", password, true, 1024);
    if (auto done = f.Finish(); !done) return Error(c, done.error());
    // The session the browser came with (if any) ends: every sign-in gets a new id.
    const std::string previous = CookieValue(c.req.HeaderValue("Cookie"), kSessionCookie);
    auto result = accounts.Login(login, password, c.req.remote_address, previous);
    if (!result) {
      Response refused = Error(c, result.error());
      if (const std::int64_t wait = Accounts::RetryAfterSeconds(result.error()); wait > 0) {
        refused.SetHeader("Retry-After", std::to_string(wait));
      }
      return refused;
    }
    Response r =
        JsonResponse(200, SessionJson(result->user, result->csrf_token, result->expires_at));
    r.AddHeader("Set-Cookie",
                SessionCookie(result->session_id, account_options.session_lifetime.count()));
    return r;
  });
  Add("GET", "/api/v1/session", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto user = accounts.GetUser(c.principal->user);
    if (!user) return Error(c, user.error());
    return JsonResponse(200, SessionJson(*user, c.csrf_token, c.expires_at));
  });
  Add("DELETE", "/api/v1/session", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    if (!c.session_id.empty()) {
      if (auto done = accounts.Logout(c.session_id); !done) return Error(c, done.error());
    }
    Response r = NoContent();
    r.AddHeader("Set-Cookie", SessionCookie("", 0));
    return r;
  });

  // API tokens of the caller.
  Add("GET", "/api/v1/tokens", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto tokens = accounts.ListTokens(*c.principal);
    if (!tokens) return Error(c, tokens.error());
    json out = json::array();
    for (const ApiTokenRecord& t : *tokens) {
      out.push_back(
          json{{"id", t.id.value},
               {"name", t.name},
               {"created_at", t.created_at},
               {"revoked_at", t.revoked_at.empty() ? json(nullptr) : json(t.revoked_at)}});
    }
    return JsonResponse(200, json{{"items", out}});
  });
  Add("POST", "/api/v1/tokens", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    std::string name;
    JsonFields f(c.body, JsonFields::Mode::kCreate, {"name"});
    f.Text("name", name, true, 128);
    if (auto done = f.Finish(); !done) return Error(c, done.error());
    auto token = accounts.CreateToken(*c.principal, name);
    if (!token) return Error(c, token.error());
    return JsonResponse(201, json{{"id", token->id.value},
                                  {"name", token->name},
                                  {"token", token->token},
                                  {"created_at", token->created_at}});
  });
  Add("DELETE", "/api/v1/tokens/{id}", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return ReplyStatus(c, accounts.RevokeToken(*c.principal, ApiTokenId{*id}));
  });

  // Users.
  Add(
      "GET", "/api/v1/users", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, users.List(*c.principal, c.query)); }, true);
  Add("POST", "/api/v1/users", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto created = users.Create(*c.principal, c.body);
    Response r = Reply(c, created, 201);
    if (created)
      r.SetHeader("Location",
                  fmt::format("/api/v1/users/{}", created->body["id"].get<std::int64_t>()));
    return r;
  });
  Add("GET", "/api/v1/users/{id}", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, users.Get(*c.principal, *id));
  });
  Add("PATCH", "/api/v1/users/{id}", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, users.Update(*c.principal, *id, c.body, IfMatch(c.req)));
  });

  // The model.
  AddResource(ResourceKind::kOrgUnit, true);
  AddResource(ResourceKind::kDirective, true);
  AddResource(ResourceKind::kPlan, true);
  AddResource(ResourceKind::kTaskGroup, true);
  AddResource(ResourceKind::kTask, false);
  AddResource(ResourceKind::kIndicator, true);

  // Versions kept of tasks and org units.
  for (ResourceKind kind : {ResourceKind::kOrgUnit, ResourceKind::kTask}) {
    Add("GET", fmt::format("/api/v1/{}/{{id}}/history", ResourceKindName(kind)), Access::kSignedIn,
        BodyKind::kNone, [this, kind](Ctx& c) {
          auto id = IdParam(c, 0);
          if (!id) return *id.error();
          return Reply(c, resources.History(*c.principal, kind, *id));
        });
  }

  // Task ledger and evidence.
  Add("GET", "/api/v1/tasks/{id}/events", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    auto events = actions.Events(*c.principal, *id);
    if (!events) return Error(c, events.error());
    return JsonResponse(200, json{{"items", *events}});
  });
  for (TaskAction action : {TaskAction::kProgress, TaskAction::kClaim, TaskAction::kVerify,
                            TaskAction::kReturn, TaskAction::kAmend, TaskAction::kCancel}) {
    Add("POST", fmt::format("/api/v1/tasks/{{id}}/{}", TaskActionName(action)), Access::kSignedIn,
        BodyKind::kJson, [this, action](Ctx& c) {
          auto id = IdParam(c, 0);
          if (!id) return *id.error();
          return Reply(c, actions.Apply(*c.principal, *id, action, c.body, IfMatch(c.req)));
        });
  }
  Add("GET", "/api/v1/tasks/{id}/comments", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    auto list = actions.Comments(*c.principal, *id);
    if (!list) return Error(c, list.error());
    return JsonResponse(200, json{{"items", *list}});
  });
  Add("POST", "/api/v1/tasks/{id}/comments", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    auto added = actions.AddComment(*c.principal, *id, c.body);
    if (!added) return Error(c, added.error());
    return JsonResponse(201, *added);
  });
  Add("GET", "/api/v1/tasks/{id}/evidence", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    auto list = actions.ListEvidence(*c.principal, *id);
    if (!list) return Error(c, list.error());
    return JsonResponse(200, json{{"items", *list}});
  });
  Add(
      "POST", "/api/v1/tasks/{id}/evidence", Access::kSignedIn, BodyKind::kRaw,
      [this](Ctx& c) {
        auto id = IdParam(c, 0);
        if (!id) return *id.error();
        EvidenceUpload upload;
        if (auto it = c.query.find("file_name"); it != c.query.end()) upload.file_name = it->second;
        upload.content_type = std::string(c.req.HeaderValue("Content-Type"));
        upload.content = c.req.body;
        for (const auto& [name, value] : c.query) {
          if (name != "file_name") {
            return Error(
                c, planwatch::Error{
                       ErrorCode::kInvalidArgument,
                       fmt::format("unknown parameter {}", EchoForMessage(name)),
                       {ErrorDetail{0, name, FieldMessage("unknown_field", "unknown parameter")}}});
          }
        }
        return Reply(c, actions.UploadEvidence(*c.principal, *id, upload), 201);
      },
      true);
  Add("GET", "/api/v1/evidence/{id}", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    auto file = actions.DownloadEvidence(*c.principal, *id);
    if (!file) return Error(c, file.error());
    Response r;
    r.SetHeader("Content-Type", file->meta.content_type);
    // RFC 6266 with RFC 8187 for non-ASCII names; the ASCII fallback drops anything unsafe.
    std::string ascii;
    std::string encoded;
    for (unsigned char ch : file->meta.file_name) {
      ascii.push_back(ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' ? static_cast<char>(ch)
                                                                         : '_');
      if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
        encoded.push_back(static_cast<char>(ch));
      } else {
        encoded += fmt::format("%{:02X}", ch);
      }
    }
    r.SetHeader("Content-Disposition",
                fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii, encoded));
    r.SetHeader("ETag", fmt::format("\"{}\"", file->meta.sha256));
    r.body = std::move(file->content);
    return r;
  });

  // Targets and data values.
  Add("GET", "/api/v1/indicators/{id}/targets", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    auto list = values.Targets(*c.principal, IndicatorId{*id});
    if (!list) return Error(c, list.error());
    return JsonResponse(200, json{{"items", *list}});
  });
  Add("POST", "/api/v1/indicators/{id}/targets", Access::kSignedIn, BodyKind::kJson,
      [this](Ctx& c) {
        auto id = IdParam(c, 0);
        if (!id) return *id.error();
        return Reply(c, values.PutTarget(*c.principal, IndicatorId{*id}, c.body));
      });
  Add(
      "GET", "/api/v1/data-values", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, values.List(*c.principal, c.query)); }, true);
  // Bulk ingest: CSV, {"values": […]} or a DHIS2 data value set, streamed (service/ingest.h);
  // the query takes DHIS2's import parameters (ParseIngestParams).
  AddStream(
      "POST", "/api/v1/data-values",
      [this](Ctx& c) -> std::expected<std::unique_ptr<BodySink>, Response> {
        auto params = ParseIngestParams(c.query);
        // A bad parameter is a 400 (not a 422 about the body).
        if (!params) return std::unexpected(ProblemFor(params.error(), c.lang, false));
        const std::string_view declared = c.req.HeaderValue("Content-Type");
        const std::string_view type = TrimAscii(declared.substr(0, declared.find(';')));
        IngestFormat format = IngestFormat::kJson;
        if (EqualsIgnoreCase(type, "text/csv")) {
          format = IngestFormat::kCsv;
        } else if (!EqualsIgnoreCase(type, "application/json")) {
          return std::unexpected(MakeProblem(
              ProblemType::kUnsupportedMediaType, c.lang,
              c.lang == Lang::kEn ? "send Content-Type: application/json or text/csv" : ""));
        }
        auto request = ingest.Begin(*c.principal, format, *params);
        if (!request) return std::unexpected(Error(c, request.error()));
        return std::make_unique<IngestSink>(std::move(*request), c.lang);
      },
      true);
  const std::string value_path = "/api/v1/data-values/{indicator}/{unit}/{period}";
  Add("GET", value_path, Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto key = KeyParams(c);
    if (!key) return *key.error();
    return Reply(c, values.Get(*c.principal, *key));
  });
  Add("PUT", value_path, Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto key = KeyParams(c);
    if (!key) return *key.error();
    return Reply(c, values.Put(*c.principal, *key, c.body, IfMatch(c.req)));
  });
  Add("DELETE", value_path, Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto key = KeyParams(c);
    if (!key) return *key.error();
    return ReplyStatus(c, values.Delete(*c.principal, *key, IfMatch(c.req)));
  });
  Add("GET", value_path + "/history", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto key = KeyParams(c);
    if (!key) return *key.error();
    auto history = values.History(*c.principal, *key);
    if (!history) return Error(c, history.error());
    return JsonResponse(200, json{{"items", *history}});
  });

  // Analytics.
  Add(
      "GET", "/api/v1/analytics/tasks", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) {
        if (Status fresh = CatchUp(store, *analytics); !fresh) return Error(c, fresh.error());
        return Reply(c, TaskAnalytics(*analytics, *c.principal, c.query, resources.today()));
      },
      true);
  Add(
      "GET", "/api/v1/analytics/indicators", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) {
        if (Status fresh = CatchUp(store, *analytics); !fresh) return Error(c, fresh.error());
        return Reply(c, IndicatorAnalytics(*analytics, *c.principal, c.query, resources.today()));
      },
      true);

  // --- Route groups ---
  AddUrgingRoutes();
  AddDocumentRoutes();
  AddFeedbackRoutes();
  AddReportRoutes();
  AddScorecardRoutes();
  AddImportRoutes();
  AddPublicationRoutes();
  AddOpenDataRoutes();
  AddExchangeRoutes();
  AddAuditRoutes();
}

bool Api::Impl::Streams(const Request& req) const {
  std::string_view target = req.target;
  std::vector<std::string> segments;
  for (const std::string& raw : Router<Entry>::Split(target.substr(0, target.find('?')))) {
    auto decoded = PercentDecode(raw, false);
    if (!decoded) return false;
    segments.push_back(std::move(*decoded));
  }
  auto match = router.Find(req.method, segments);
  return match.route != nullptr && match.route->handler.body == BodyKind::kStream;
}

Response Api::Impl::Route(const Request& req, std::string& route_name,
                          std::unique_ptr<BodySink>* stream) {
  Lang lang = NegotiateLanguage(req.HeaderValue("Accept-Language"));
  std::string_view target = req.target;
  if (target.empty() || target.front() != '/') {
    return MakeProblem(ProblemType::kBadRequest, lang);
  }
  const auto qmark = target.find('?');
  std::string_view raw_path = target.substr(0, qmark);
  std::string_view raw_query = qmark == std::string_view::npos ? "" : target.substr(qmark + 1);

  std::vector<std::string> segments;
  for (const std::string& raw : Router<Entry>::Split(raw_path)) {
    auto decoded = PercentDecode(raw, false);
    if (!decoded)
      return MakeProblem(ProblemType::kBadRequest, lang,
                         lang == Lang::kEn ? "malformed percent-encoding in the path" : "");
    segments.push_back(std::move(*decoded));
  }
  auto match = router.Find(req.method, segments);
  // The UI is the fallback of the router; `/` is its index.html when there is a UI.
  if ((req.method == "GET" || req.method == "HEAD") && IsUiPath(raw_path) &&
      (match.allowed.empty() || raw_path == "/")) {
    if (auto served = ServeWeb(req, raw_path)) {
      route_name = "static";
      return std::move(*served);
    }
  }
  if (match.route == nullptr) {
    if (match.allowed.empty()) return MakeProblem(ProblemType::kNotFound, lang);
    Response r = MakeProblem(ProblemType::kMethodNotAllowed, lang);
    std::string allow;
    for (const std::string& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
    if (std::ranges::find(match.allowed, "GET") != match.allowed.end()) allow += ", HEAD";
    r.SetHeader("Allow", allow);
    return r;
  }
  route_name = match.route->pattern;
  const Entry& entry = match.route->handler;
  Ctx c{req, std::move(match.params), {}, lang, std::nullopt, {}, {}, {}, nullptr};

  // Query parameters: decoded, valid UTF-8, each at most once.
  while (!raw_query.empty()) {
    auto amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? "" : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value || FirstInvalidUtf8(*name) || FirstInvalidUtf8(*value)) {
      return MakeProblem(
          ProblemType::kBadRequest, lang,
          lang == Lang::kEn ? "malformed query string (percent-encoding or UTF-8)" : "");
    }
    if (!c.query.emplace(*name, *value).second) {
      return MakeProblem(ProblemType::kBadRequest, lang,
                         lang == Lang::kEn
                             ? fmt::format("parameter {} is given twice", EchoForMessage(*name))
                             : "",
                         {ErrorDetail{0, *name, FieldMessage("invalid", "given twice")}});
    }
  }

  if (!entry.takes_query && !c.query.empty()) {
    const std::string& name = c.query.begin()->first;
    return MakeProblem(
        ProblemType::kBadRequest, lang,
        lang == Lang::kEn ? fmt::format("unknown parameter {}", EchoForMessage(name)) : "",
        {ErrorDetail{0, name,
                     FieldMessage("unknown_field", "this address takes no query parameters")}});
  }

  // The caller: a bearer token, else the session cookie.
  std::string_view authorization = req.HeaderValue("Authorization");
  bool by_cookie = false;
  if (!authorization.empty()) {
    if (!authorization.starts_with("Bearer ")) {
      Response r = MakeProblem(ProblemType::kUnauthenticated, lang);
      r.SetHeader("WWW-Authenticate", "Bearer");
      return r;
    }
    auto principal = accounts.FromBearer(TrimAscii(authorization.substr(7)));
    if (!principal) {
      if (principal.error().code != ErrorCode::kUnauthenticated) return Error(c, principal.error());
      Response r = MakeProblem(ProblemType::kUnauthenticated, lang);
      r.SetHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return r;
    }
    c.principal = *principal;
  } else if (std::string sid = CookieValue(req.HeaderValue("Cookie"), kSessionCookie);
             !sid.empty()) {
    auto session = accounts.FromSession(sid);
    if (session) {
      c.principal = session->principal;
      c.csrf_token = session->csrf_token;
      c.expires_at = session->expires_at;
      c.session_id = sid;
      by_cookie = true;
    } else if (session.error().code != ErrorCode::kUnauthenticated) {
      return Error(c, session.error());
    }
  }
  if (entry.access == Access::kSignedIn && !c.principal) {
    Response r = MakeProblem(ProblemType::kUnauthenticated, lang);
    r.SetHeader("WWW-Authenticate", "Bearer");
    return r;
  }
  if (by_cookie && IsUnsafe(req.method) && req.HeaderValue("X-CSRF-Token") != c.csrf_token) {
    return MakeProblem(ProblemType::kCsrf, lang);
  }

  // Who acts, for the audit log: every transaction the handler begins on this thread carries it,
  // and a streamed body's sink takes it along to wherever its writes run.
  const AuditContext audit{c.principal ? c.principal->login : "anonymous", req.remote_address,
                           fmt::format("{} {}", req.method, raw_path)};
  AuditContextScope audit_scope(audit);
  struct AuditedSink final : BodySink {
    AuditedSink(std::unique_ptr<BodySink> sink, AuditContext acting)
        : inner(std::move(sink)), context(std::move(acting)) {}
    bool Write(std::string_view bytes) override {
      AuditContextScope scope(context);
      return inner->Write(bytes);
    }
    Response Finish() override {
      AuditContextScope scope(context);
      return inner->Finish();
    }
    std::unique_ptr<BodySink> inner;
    AuditContext context;
  };

  // The body.
  if (entry.body == BodyKind::kStream) {
    auto sink = entry.stream(c);
    if (!sink) return std::move(sink.error());
    if (stream != nullptr) {
      *stream = std::make_unique<AuditedSink>(std::move(*sink), audit);
      return {};
    }
    if (!req.body.empty()) (*sink)->Write(req.body);
    return (*sink)->Finish();
  }
  if (entry.body == BodyKind::kJson) {
    if (req.body.size() > options.json_body_limit) {
      return MakeProblem(ProblemType::kPayloadTooLarge, lang,
                         lang == Lang::kEn ? fmt::format("JSON bodies are limited to {} bytes",
                                                         options.json_body_limit)
                                           : "");
    }
    if (req.body.empty()) {
      c.body = json::object();
    } else {
      std::string_view type = TrimAscii(
          req.HeaderValue("Content-Type").substr(0, req.HeaderValue("Content-Type").find(';')));
      if (!EqualsIgnoreCase(type, "application/json")) {
        return MakeProblem(ProblemType::kUnsupportedMediaType, lang,
                           lang == Lang::kEn ? "send Content-Type: application/json" : "");
      }
      auto parsed = ParseJsonBody(req.body);
      if (!parsed)
        return MakeProblem(ProblemType::kBadRequest, lang,
                           lang == Lang::kEn ? parsed.error().message : "");
      c.body = std::move(*parsed);
    }
  } else if (entry.body == BodyKind::kRaw && req.body.size() > options.upload_limit) {
    return MakeProblem(ProblemType::kPayloadTooLarge, lang,
                       lang == Lang::kEn
                           ? fmt::format("files are limited to {} bytes", options.upload_limit)
                           : "");
  }
  return entry.fn(c);
}

Api::Api(Store& store, std::shared_ptr<Analytics> analytics, ApiOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(analytics), std::move(options))) {}
Api::~Api() = default;

Response Api::Handle(Request&& request) {
  const auto started = std::chrono::steady_clock::now();
  std::string route = "unmatched";
  Response r;
  try {
    r = impl_->Route(request, route);
  } catch (const std::exception& e) {
    // A bug, not the client's fault: logged, and the client learns nothing of its insides.
    std::fprintf(stderr, "planwatch: %s %s: unexpected exception: %s\n", request.method.c_str(),
                 request.target.c_str(), e.what());
    r = MakeProblem(ProblemType::kInternal,
                    NegotiateLanguage(request.HeaderValue("Accept-Language")));
  }
  impl_->Finalize(r, route, request.method, started);
  return r;
}

void Api::Impl::Finalize(Response& r, const std::string& route, const std::string& method,
                         std::chrono::steady_clock::time_point started) {
  AddSecurityHeaders(r);
  if (r.HeaderValue("Cache-Control").empty()) r.SetHeader("Cache-Control", "no-store");
  if (r.HeaderValue("Vary").empty()) r.SetHeader("Vary", "Accept-Language, Cookie, Authorization");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics.Observe(route, method, r.status, seconds);
}

StreamDecision Api::OpenStream(const Request& head) {
  if (!impl_->Streams(head)) return {};
  const auto started = std::chrono::steady_clock::now();
  const Lang lang = NegotiateLanguage(head.HeaderValue("Accept-Language"));
  std::string route = "unmatched";
  std::unique_ptr<BodySink> sink;
  Response r;
  try {
    r = impl_->Route(head, route, &sink);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "planwatch: %s %s: unexpected exception: %s\n", head.method.c_str(),
                 head.target.c_str(), e.what());
    sink.reset();
    r = MakeProblem(ProblemType::kInternal, lang);
  }
  StreamDecision decision;
  if (sink) {
    Impl* impl = impl_.get();
    decision.sink = std::make_unique<FinalizedSink>(
        std::move(sink),
        [impl, route, method = head.method, started](Response& answer) {
          impl->Finalize(answer, route, method, started);
        },
        route, head.method, lang);
  } else {
    impl_->Finalize(r, route, head.method, started);
    decision.answer = std::move(r);
  }
  return decision;
}

Response Api::Refuse(int status, const Request& request) {
  Lang lang = NegotiateLanguage(request.HeaderValue("Accept-Language"));
  ProblemType type = ProblemType::kBadRequest;
  if (status == 413) type = ProblemType::kPayloadTooLarge;
  if (status == 431) type = ProblemType::kHeadersTooLarge;
  if (status == 503) type = ProblemType::kUnavailable;
  Response r = MakeProblem(type, lang);
  AddSecurityHeaders(r);
  r.SetHeader("Cache-Control", "no-store");
  impl_->metrics.Observe("unmatched", request.method.empty() ? "-" : request.method, r.status, 0);
  return r;
}

void AddSecurityHeaders(Response& response) {
  for (const auto& [name, value] : kSecurityHeaders) {
    if (response.HeaderValue(name).empty()) response.SetHeader(name, std::string(value));
  }
}

std::vector<std::pair<std::string, std::string>> Api::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : impl_->router.routes()) out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace planwatch::http
