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

// A PostgreSQL database exists before init (its administrator creates it): init refuses one
// that already holds a planwatch database's units, values or accounts.
Status RequireEmpty(Store& store, const std::string& location) {
  auto units = store.OrgUnits();
  if (!units) return std::unexpected(units.error());
  auto users = store.Users();
  if (!users) return std::unexpected(users.error());
  auto serial = store.CommitSerial();
  if (!serial) return std::unexpected(serial.error());
  if (units->empty() && users->empty() && *serial == 0) return {};
  return Fail(ErrorCode::kFailedPrecondition,
              fmt::format("{} already holds a planwatch database ({} units, {} accounts); init "
                          "creates a new one",
                          DisplayLocation(location), units->size(), users->size()));
}

int RunInit(const InitOptions& options) {
  std::error_code ec;
  if (!IsPostgresLocation(options.db) && std::filesystem::exists(options.db, ec)) {
    return Report(Error{ErrorCode::kFailedPrecondition,
                        fmt::format("{} already exists; init creates a new database", options.db),
                        {}});
  }
  int code = 0;
  {
    auto store = Store::Open(StoreOptions{options.db, true});
    if (!store) return Report(store.error());
    if (IsPostgresLocation(options.db)) {
      if (Status empty = RequireEmpty(**store, options.db); !empty) return Report(empty.error());
    }
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
    // A half-loaded demo is worse than none (on PostgreSQL, LoadDemo's imports are each
    // all-or-nothing; the database itself is its administrator's to drop).
    if (!IsPostgresLocation(options.db)) RemoveDatabase(options.db);
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
  cmd->add_option("--db", options->db,
                  "Database file to create, or an empty PostgreSQL database (postgresql://...)")
      ->required();
  cmd->add_flag("--demo", options->demo, "Load the Son La demo province");
  cmd->add_option("--demo-dir", options->demo_dir, "Folder of the demo CSV files");
  cmd->callback([options, &exit_code] { exit_code = RunInit(*options); });
}

}  // namespace planwatch::cli
