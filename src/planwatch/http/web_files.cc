#include "planwatch/http/web_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>
#include <vector>

#include "planwatch/base/text.h"
#include "planwatch/http/message.h"
#include "planwatch/service/accounts.h"

namespace planwatch::http {
namespace {

// ETags carry 128 bits of the SHA-256, as embed.mjs writes them.
constexpr std::size_t kEtagHexDigits = 32;

class TableFiles final : public WebFiles {
 public:
  explicit TableFiles(std::span<const WebAsset> table) : assets_(table.begin(), table.end()) {
    std::ranges::stable_sort(assets_, {}, &WebAsset::path);
  }

  std::optional<WebFile> Find(std::string_view path, bool accept_gzip) const override {
    if (!IsSafeWebPath(path)) return std::nullopt;
    auto it = std::ranges::lower_bound(assets_, path, {}, &WebAsset::path);
    if (it == assets_.end() || it->path != path) return std::nullopt;
    const bool gzip = accept_gzip && !it->gzip.empty();
    return WebFile{std::string(it->content_type), std::string(it->etag),
                   std::string(gzip ? it->gzip : it->body), gzip};
  }

 private:
  std::vector<WebAsset> assets_;  // sorted by path
};

class DirectoryFiles final : public WebFiles {
 public:
  explicit DirectoryFiles(std::filesystem::path root) : root_(std::move(root)) {}

  std::optional<WebFile> Find(std::string_view path, bool /*accept_gzip*/) const override {
    if (!IsSafeWebPath(path)) return std::nullopt;
    std::error_code ec;
    // canonical() resolves symbolic links, so a link cannot lead out of the directory.
    const std::filesystem::path real = std::filesystem::canonical(root_ / path.substr(1), ec);
    if (ec) return std::nullopt;
    const auto [root_end, real_it] = std::ranges::mismatch(root_, real);
    if (root_end != root_.end() || real_it == real.end()) return std::nullopt;
    if (!std::filesystem::is_regular_file(real, ec)) return std::nullopt;
    std::ifstream in(real, std::ios::binary);
    std::string body(std::istreambuf_iterator<char>(in), {});
    if (in.bad()) return std::nullopt;
    std::string etag = fmt::format("\"{}\"", Sha256Hex(body).substr(0, kEtagHexDigits));
    return WebFile{std::string(WebContentType(path)), std::move(etag), std::move(body), false};
  }

 private:
  std::filesystem::path root_;  // canonical
};

}  // namespace

std::unique_ptr<WebFiles> WebFiles::FromTable(std::span<const WebAsset> table) {
  return std::make_unique<TableFiles>(table);
}

Result<std::unique_ptr<WebFiles>> WebFiles::FromDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (!std::filesystem::exists(status)) {
    return NotFound(fmt::format("web directory {} does not exist", dir.string()));
  }
  if (!std::filesystem::is_directory(status)) {
    return InvalidArgument(fmt::format("web directory {} is not a directory", dir.string()));
  }
  std::filesystem::path root = std::filesystem::canonical(dir, ec);
  if (ec) {
    return NotFound(fmt::format("web directory {}: {}", dir.string(), ec.message()));
  }
  return std::make_unique<DirectoryFiles>(std::move(root));
}

bool IsSafeWebPath(std::string_view path) {
  if (!path.starts_with('/')) return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos ||
      path.find("..") != std::string_view::npos) {
    return false;
  }
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) return path.substr(start) != ".";  // the last segment
    const std::string_view segment = path.substr(start, slash - start);
    if (segment.empty() || segment == ".") return false;
    start = slash + 1;
  }
}

std::string_view WebContentType(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  const std::string_view name = path.substr(path.rfind('/') + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const std::string_view extension = name.substr(dot);
  for (const auto& [ext, type] : kTypes) {
    if (EqualsIgnoreCase(ext, extension)) return type;
  }
  return "application/octet-stream";
}

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;  // set when gzip is named
  bool any = false;          // "*" with q > 0
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const std::size_t semi = item.find(';');
    const std::string_view coding = TrimAscii(item.substr(0, semi));
    bool positive = true;
    if (semi != std::string_view::npos) {
      std::string_view param = TrimAscii(item.substr(semi + 1));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q')) {
        param = TrimAscii(param.substr(1));
        if (param.starts_with('=')) {
          param = TrimAscii(param.substr(1));
          // q is 0 only when every digit is 0 ("0", "0.0", "0.000").
          positive = param.find_first_not_of("0.") != std::string_view::npos;
        }
      }
    }
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      gzip = gzip.value_or(false) || positive;
    } else if (coding == "*") {
      any = any || positive;
    }
  }
  return gzip.value_or(any);
}

}  // namespace planwatch::http
