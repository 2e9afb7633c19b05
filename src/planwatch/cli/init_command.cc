#include <fmt/format.h>

#include <filesystem>
#include <string>

#include "planwatch/cli/commands.h"
#include "planwatch/service/demo.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct InitOptions {
  std::string db;
  bool demo = false;
  std::string demo_dir;
};

void RemoveDatabase(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
}

int RunInit(const InitOptions& options) {
  std::error_code ec;
  if (std::filesystem::exists(options.db, ec)) {
    return Report(Error{ErrorCode::kFailedPrecondition,
                        fmt::format("{} already exists; init creates a new database", options.db),
                        {}});
  }
  int code = 0;
  {
    auto store = Store::Open(StoreOptions{options.db, true});
    if (!store) return Report(store.error());
    if (options.demo) {
      const std::filesystem::path dir =
          options.demo_dir.empty() ? DefaultDemoDir() : std::filesystem::path(options.demo_dir);
      auto loaded = LoadDemo(**store, dir);
      if (!loaded) {
        code = Report(loaded.error());
      } else {
        for (const ImportSummary& s : *loaded) {
          fmt::print("  {:<13} {:>6} rows\n", DataKindName(s.kind), s.rows);
        }
      }
    }
  }
  if (code != 0) {
    RemoveDatabase(options.db);  // a half-loaded demo is worse than none
    return code;
  }
  fmt::print("created {}{}\n", DisplayLocation(options.db),
             options.demo ? " with the Son La demo" : "");
  return 0;
}

}  // namespace

void AddInitCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* cmd = app.add_subcommand("init", "Create a new database");
  cmd->add_option("--db", options->db, "Database file to create")->required();
  cmd->add_flag("--demo", options->demo, "Load the Son La demo province");
  cmd->add_option("--demo-dir", options->demo_dir, "Folder of the demo CSV files");
  cmd->callback([options, &exit_code] { exit_code = RunInit(*options); });
}

}  // namespace planwatch::cli
