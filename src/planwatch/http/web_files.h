// The files of the web UI (the single-page app of web/): the table embedded at build time, or a
// directory read at request time while the UI is being developed (`planwatch serve --web-dir`).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/http/web_assets.h"

namespace planwatch::http {

// One file as it is to be sent.
struct WebFile {
  std::string content_type;
  std::string etag;   // a quoted strong validator, the same for both encodings
  std::string body;   // the bytes to send: the gzip copy when `gzip`
  bool gzip = false;  // body is Content-Encoding: gzip
};

// A source of UI files. Implementations are immutable after construction: Find is thread-safe.
class WebFiles {
 public:
  virtual ~WebFiles() = default;

  // The file at `path`, a percent-decoded absolute path ("/index.html", "/assets/app-1f.js").
  // `accept_gzip`: the client takes gzip, so a compressed copy is chosen when there is one.
  // none when there is no such file or `path` is not IsSafeWebPath.
  virtual std::optional<WebFile> Find(std::string_view path, bool accept_gzip) const = 0;

  // The files of `table` (any order; the first of equal paths wins). The views must outlive the
  // returned object (EmbeddedWebAssets() lives as long as the process).
  static std::unique_ptr<WebFiles> FromTable(std::span<const WebAsset> table);

  // Files read from `dir` on every Find, never cached: only regular files whose real path (after
  // symbolic links) lies under dir's real path; the content type by extension (WebContentType);
  // no gzip copies. not_found when `dir` does not exist, invalid_argument when it is not a
  // directory; both messages name it.
  static Result<std::unique_ptr<WebFiles>> FromDirectory(const std::filesystem::path& dir);
};

// A path a UI file may have: starts with '/'; no NUL, backslash or ".." anywhere; no empty or
// "." segment except that the last segment may be empty ("/assets/").
bool IsSafeWebPath(std::string_view path);

// The Content-Type for a file by the extension of its name (the same table as embed.mjs):
// html, js, css, svg, png, ico, woff2, json, txt, map; application/octet-stream for any other.
std::string_view WebContentType(std::string_view path);

// Whether an Accept-Encoding header lets gzip be sent (RFC 9110 §12.5.3): "gzip" or "x-gzip", or
// else "*", listed with q > 0. Codings compare case-insensitively. An absent or empty header
// answers false (identity is always safe).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace planwatch::http
