// Open-data routes, public and read-only: the DCAT catalogue, dataset files and versions under
// /open/, and CKAN's action API under /api/3/action/. Every answer is cacheable for a minute,
// carries an ETag (304 on If-None-Match) and may be read from any origin.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "planwatch/http/api_impl.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/open_data.h"
#include "planwatch/service/publishing.h"

namespace planwatch::http {
namespace {

// Caches may keep every answer but must revalidate it (a cheap 304 by the ETag), so a new
// publication shows at once: public figures are as current as the signed-in ones.
constexpr std::string_view kCacheControl = "public, no-cache";
constexpr std::string_view kJson = "application/json; charset=utf-8";

void AllowAnyOrigin(Response& r) { r.SetHeader("Access-Control-Allow-Origin", "*"); }

OpenSite SiteOf(const Request& req) {
  OpenSite site;
  site.base_url = BaseUrlForHost(req.HeaderValue("Host"));
  return site;
}

// A public answer with its validator: 304 without a body when If-None-Match names `etag`.
Response Cacheable(const Request& req, const std::string& etag, std::string_view content_type,
                   std::string body) {
  Response r;
  r.SetHeader("ETag", etag);
  r.SetHeader("Cache-Control", std::string(kCacheControl));
  // Absolute URLs in the bodies follow the Host header.
  r.SetHeader("Vary", "Host");
  AllowAnyOrigin(r);
  if (IfNoneMatchHits(req.HeaderValue("If-None-Match"), etag)) {
    r.status = 304;
    return r;
  }
  r.SetHeader("Content-Type", std::string(content_type));
  r.body = std::move(body);
  return r;
}

std::string Dump(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The validator of an answer derived from the whole public catalogue: it changes with every
// publication or withdrawal (CatalogTag), and differs per address, site and query.
std::string CatalogETag(std::string_view catalog_tag, const Ctx& c, const OpenSite& site) {
  std::string key = fmt::format("{}|{}|{}", catalog_tag, c.req.target, site.base_url);
  return fmt::format("\"{}\"", Sha256Hex(key).substr(0, 32));
}

// "<name>.<ext>" → name and extension ("json" or "csv"); none otherwise.
std::optional<std::pair<std::string, std::string>> SplitFile(std::string_view file) {
  const std::size_t dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string_view ext = file.substr(dot + 1);
  if (ext != "json" && ext != "csv") return std::nullopt;
  return std::pair{std::string(file.substr(0, dot)), std::string(ext)};
}

// "v<N>" with N a canonical positive number; none otherwise.
std::optional<int> ParseVersion(std::string_view text) {
  if (text.size() < 2 || text.front() != 'v' || text[1] == '0') return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// A query parameter that is a version number (from, to of a diff).
Result<int> VersionParam(const QueryParams& query, std::string_view name) {
  auto it = query.find(name);
  const std::string echoed = EchoForMessage(name);
  if (it == query.end()) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("query parameter {} is required", echoed),
                {ErrorDetail{0, echoed, FieldMessage("required", "a version number is required")}});
  }
  int value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("invalid query parameter {}: expected a version number (1, 2, …), "
                            "got \"{}\"",
                            echoed, EchoForMessage(text)),
                {ErrorDetail{0, echoed, FieldMessage("invalid", "expected a version number")}});
  }
  return value;
}

Status OnlyParams(const QueryParams& query, std::initializer_list<std::string_view> accepted,
                  std::string_view list) {
  for (const auto& [name, value] : query) {
    if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) {
      const std::string echoed = EchoForMessage(name);
      return Fail(
          ErrorCode::kInvalidArgument,
          fmt::format("unknown parameter {}; accepted: {}", echoed, list.empty() ? "none" : list),
          {ErrorDetail{0, echoed, FieldMessage("unknown_field", "unknown parameter")}});
    }
  }
  return {};
}

// ---- CKAN's envelope ----

std::string HelpUrl(const OpenSite& site) { return site.base_url + "/api/v1/openapi.json"; }

Response CkanOk(const Ctx& c, const OpenSite& site, const std::string& etag, json result) {
  return Cacheable(c.req, etag, kJson,
                   Dump(json{{"help", HelpUrl(site)}, {"success", true}, {"result", result}}));
}

// CKAN's own error shape: {"success": false, "error": {"__type", "message", <field>: [...]}}.
Response CkanError(const OpenSite& site, const Error& e) {
  const bool not_found = e.code == ErrorCode::kNotFound;
  json error{{"__type", not_found ? "Not Found Error" : "Validation Error"},
             {"message", not_found ? "Not found: " + e.message : e.message}};
  for (const ErrorDetail& d : e.details) {
    if (!d.field.empty()) error[d.field].push_back(d.message);
  }
  Response r = JsonResponse(not_found ? 404 : 400,
                            json{{"help", HelpUrl(site)}, {"success", false}, {"error", error}});
  r.SetHeader("Vary", "Host");
  AllowAnyOrigin(r);
  return r;
}

bool IsCkanError(const Error& e) {
  return e.code == ErrorCode::kNotFound || e.code == ErrorCode::kInvalidArgument;
}

Result<bool> BoolParam(const QueryParams& query, std::string_view name) {
  auto it = query.find(name);
  if (it == query.end()) return false;
  std::string value = it->second;
  for (char& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  const std::string echoed = EchoForMessage(name);
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("invalid query parameter {}: expected true or false, got \"{}\"", echoed,
                          EchoForMessage(it->second)),
              {ErrorDetail{0, echoed, FieldMessage("invalid", "expected true or false")}});
}

Result<int> CountParam(const QueryParams& query, std::string_view name, int fallback) {
  auto it = query.find(name);
  if (it == query.end()) return fallback;
  int value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    const std::string echoed = EchoForMessage(name);
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("invalid query parameter {}: expected a whole number ≥ 0, got \"{}\"",
                            echoed, EchoForMessage(text)),
                {ErrorDetail{0, echoed, FieldMessage("invalid", "expected a whole number")}});
  }
  return value;
}

}  // namespace

void Api::Impl::AddOpenDataRoutes() {
  // Answers of /open/: errors as problems, readable from any origin too.
  auto problem = [this](const Ctx& c, const planwatch::Error& e) {
    Response r = Error(c, e);
    AllowAnyOrigin(r);
    return r;
  };
  auto not_found = [problem](const Ctx& c, std::string_view what) {
    return problem(
        c, planwatch::Error{
               ErrorCode::kNotFound, fmt::format("no dataset file {}", EchoForMessage(what)), {}});
  };
  // A catalogue-wide answer: the ETag first, so a revalidation renders nothing.
  auto catalog_answer =
      [this, problem](
          const Ctx& c, std::string_view content_type,
          const std::function<std::string(const std::vector<DatasetInfo>&, const OpenSite&)>&
              render) {
        const OpenSite site = SiteOf(c.req);
        auto tag = publishing.CatalogTag();
        if (!tag) return problem(c, tag.error());
        const std::string etag = CatalogETag(*tag, c, site);
        if (IfNoneMatchHits(c.req.HeaderValue("If-None-Match"), etag)) {
          return Cacheable(c.req, etag, content_type, {});
        }
        auto datasets = publishing.Catalog();
        if (!datasets) return problem(c, datasets.error());
        return Cacheable(c.req, etag, content_type, render(*datasets, site));
      };

  Add("GET", "/open/catalog.jsonld", Access::kPublic, BodyKind::kNone, [catalog_answer](Ctx& c) {
    return catalog_answer(c, "application/ld+json; charset=utf-8",
                          [](const std::vector<DatasetInfo>& all, const OpenSite& site) {
                            return Dump(DcatCatalog(all, site));
                          });
  });
  Add("GET", "/open/datasets.json", Access::kPublic, BodyKind::kNone, [catalog_answer](Ctx& c) {
    return catalog_answer(c, kJson, [](const std::vector<DatasetInfo>& all, const OpenSite&) {
      json list = json::array();
      for (const DatasetInfo& d : all) list.push_back(DatasetInfoJson(d));
      return Dump(json{{"datasets", std::move(list)}});
    });
  });

  // One version's file: its ETag names the dataset, the version and the format.
  auto dataset_file = [this, problem](const Ctx& c, const std::string& name,
                                      std::optional<int> version, const std::string& ext) {
    auto got = publishing.Get(name, version);
    if (!got) return problem(c, got.error());
    const int n = got->info.version;
    const std::string etag = fmt::format("\"{}-v{}-{}\"", name, n, ext);
    if (ext == "json") return Cacheable(c.req, etag, kJson, Dump(DatasetJson(*got)));
    Response r = Cacheable(c.req, etag, "text/csv; charset=utf-8", DatasetCsv(*got));
    r.SetHeader("Content-Disposition", fmt::format("attachment; filename=\"{}-v{}.csv\"", name, n));
    return r;
  };
  Add("GET", "/open/datasets/{file}", Access::kPublic, BodyKind::kNone,
      [dataset_file, not_found](Ctx& c) {
        auto file = SplitFile(c.params[0]);
        if (!file) return not_found(c, c.params[0]);
        return dataset_file(c, file->first, std::nullopt, file->second);
      });
  Add(
      "GET", "/open/datasets/{name}/{file}", Access::kPublic, BodyKind::kNone,
      [this, problem, not_found, dataset_file](Ctx& c) {
        const std::string& name = c.params[0];
        const std::string& file = c.params[1];
        const bool diff = file == "diff.json";
        if (auto only = diff ? OnlyParams(c.query, {"from", "to"}, "from, to")
                             : OnlyParams(c.query, {}, "");
            !only) {
          return problem(c, only.error());
        }
        if (file == "versions.json" || diff) {
          const OpenSite site = SiteOf(c.req);
          int from = 0;
          int to = 0;
          if (diff) {
            auto f = VersionParam(c.query, "from");
            if (!f) return problem(c, f.error());
            auto t = VersionParam(c.query, "to");
            if (!t) return problem(c, t.error());
            from = *f;
            to = *t;
          }
          auto tag = publishing.CatalogTag();
          if (!tag) return problem(c, tag.error());
          const std::string etag = CatalogETag(*tag, c, site);
          if (IfNoneMatchHits(c.req.HeaderValue("If-None-Match"), etag)) {
            // Still 404 for a dataset that is gone: a withdrawal changes the tag anyway.
            return Cacheable(c.req, etag, kJson, {});
          }
          if (diff) {
            auto d = publishing.Diff(name, from, to);
            if (!d) return problem(c, d.error());
            return Cacheable(c.req, etag, kJson, Dump(*d));
          }
          auto versions = publishing.Versions(name);
          if (!versions) return problem(c, versions.error());
          json list = json::array();
          for (const DatasetInfo& v : *versions) list.push_back(DatasetInfoJson(v));
          return Cacheable(c.req, etag, kJson,
                           Dump(json{{"name", name}, {"versions", std::move(list)}}));
        }
        auto split = SplitFile(file);
        std::optional<int> version = split ? ParseVersion(split->first) : std::nullopt;
        if (!version) return not_found(c, file);
        return dataset_file(c, name, version, split->second);
      },
      true);

  // CKAN's action API (read-only), answering in CKAN's envelope.
  auto ckan = [this](const Ctx& c, const std::function<Result<json>(const std::vector<DatasetInfo>&,
                                                                    const OpenSite&)>& act) {
    const OpenSite site = SiteOf(c.req);
    auto tag = publishing.CatalogTag();
    if (!tag) return Error(c, tag.error());
    auto datasets = publishing.Catalog();
    if (!datasets) return Error(c, datasets.error());
    auto result = act(*datasets, site);
    if (!result) {
      if (IsCkanError(result.error())) return CkanError(site, result.error());
      return Error(c, result.error());
    }
    return CkanOk(c, site, CatalogETag(*tag, c, site), std::move(*result));
  };
  Add(
      "GET", "/api/3/action/package_list", Access::kPublic, BodyKind::kNone,
      [ckan](Ctx& c) {
        return ckan(c, [&c](const std::vector<DatasetInfo>& all, const OpenSite&) -> Result<json> {
          if (auto only = OnlyParams(c.query, {"limit", "offset"}, "limit, offset"); !only) {
            return std::unexpected(only.error());
          }
          auto limit = CountParam(c.query, "limit", -1);
          if (!limit) return std::unexpected(limit.error());
          auto offset = CountParam(c.query, "offset", 0);
          if (!offset) return std::unexpected(offset.error());
          json names = json::array();
          for (std::size_t i = static_cast<std::size_t>(*offset); i < all.size(); ++i) {
            if (*limit >= 0 && names.size() >= static_cast<std::size_t>(*limit)) break;
            names.push_back(all[i].name);
          }
          return names;
        });
      },
      true);
  Add(
      "GET", "/api/3/action/package_show", Access::kPublic, BodyKind::kNone,
      [ckan](Ctx& c) {
        return ckan(
            c, [&c](const std::vector<DatasetInfo>& all, const OpenSite& site) -> Result<json> {
              if (auto only = OnlyParams(c.query, {"id"}, "id"); !only) {
                return std::unexpected(only.error());
              }
              auto id = c.query.find("id");
              if (id == c.query.end() || id->second.empty()) {
                return Fail(ErrorCode::kInvalidArgument, "query parameter id is required",
                            {ErrorDetail{0, "id", "Missing value"}});
              }
              const DatasetInfo* found = FindPackage(all, id->second);
              if (found == nullptr) {
                return NotFound(fmt::format("no dataset {}", EchoForMessage(id->second)));
              }
              return CkanPackage(*found, site);
            });
      },
      true);
  Add(
      "GET", "/api/3/action/package_search", Access::kPublic, BodyKind::kNone,
      [ckan](Ctx& c) {
        return ckan(
            c, [&c](const std::vector<DatasetInfo>& all, const OpenSite& site) -> Result<json> {
              auto query = ParseCkanSearch(c.query);
              if (!query) return std::unexpected(query.error());
              return CkanSearch(all, *query, site);
            });
      },
      true);
  Add(
      "GET", "/api/3/action/organization_list", Access::kPublic, BodyKind::kNone,
      [ckan](Ctx& c) {
        return ckan(c, [&c](const std::vector<DatasetInfo>& all, const OpenSite&) -> Result<json> {
          if (auto only = OnlyParams(c.query, {"all_fields"}, "all_fields"); !only) {
            return std::unexpected(only.error());
          }
          auto all_fields = BoolParam(c.query, "all_fields");
          if (!all_fields) return std::unexpected(all_fields.error());
          return CkanOrganizationList(all, *all_fields);
        });
      },
      true);
}

}  // namespace planwatch::http
