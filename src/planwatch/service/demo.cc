#include "planwatch/service/demo.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

namespace planwatch {

Result<std::vector<ImportSummary>> LoadDemo(Store& store, const std::filesystem::path& dir) {
  std::vector<ImportSummary> summaries;
  for (DataKind kind : AllDataKinds()) {
    const auto path = dir / fmt::format("{}.csv", DataKindName(kind));
    std::ifstream in(path, std::ios::binary);
    if (!in) return NotFound(fmt::format("cannot read {}", path.string()));
    ImportOptions options;
    options.actor = "demo";
    auto summary = ImportCsv(store, kind, in, options);
    if (!summary) {
      Error error = summary.error();
      error.message = fmt::format("{}: {}", path.string(), error.message);
      return std::unexpected(std::move(error));
    }
    summaries.push_back(*summary);
  }
  return summaries;
}

std::filesystem::path DefaultDemoDir() {
  if (const char* env = std::getenv("PLANWATCH_DEMO_DIR"); env && *env) return env;
  std::filesystem::path source = PLANWATCH_SOURCE_DIR "/data/demo";
  std::error_code ec;
  if (std::filesystem::is_directory(source, ec)) return source;
  return "data/demo";
}

}  // namespace planwatch
