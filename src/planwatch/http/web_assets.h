// The web UI's files as embedded in the binary at build time (web/scripts/embed.mjs writes the
// table; web_assets_none.cc answers an empty one when the build has no UI, PW_WEB=OFF).
#pragma once

#include <span>
#include <string_view>

namespace planwatch::http {

// One file of the built UI. Every view points into the binary's read-only data: valid for the
// life of the process.
struct WebAsset {
  std::string_view path;          // "/index.html", "/assets/index-abc.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8", …
  std::string_view etag;          // quoted prefix of the body's SHA-256 hex: "\"3f2a…\""
  std::string_view body;          // the file's bytes
  std::string_view gzip;          // a gzip -9 copy of body; empty when none is smaller
};

// Every embedded file, sorted by path (byte order); empty when the UI was not built in.
std::span<const WebAsset> EmbeddedWebAssets();

}  // namespace planwatch::http
