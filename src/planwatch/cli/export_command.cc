#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <string>

#include "planwatch/cli/commands.h"
#include "planwatch/service/export.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct ExportCommandOptions {
  std::string db;
  std::string kind;
  std::string out;
};

int RunExport(const ExportCommandOptions& options) {
  auto kind = ParseDataKind(options.kind);
  if (!kind) return Report(kind.error());
  auto store = Store::Open(StoreOptions{options.db, false});
  if (!store) return Report(store.error());
  if (options.out.empty() || options.out == "-") {
    auto st = ExportCsv(**store, *kind, std::cout);
    return st ? 0 : Report(st.error());
  }
  // Written beside the target and renamed, so a failed export never leaves half a file.
  const std::string partial = options.out + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file) {
      return Report(
          Error{ErrorCode::kFailedPrecondition, fmt::format("cannot write {}", partial), {}});
    }
    if (auto st = ExportCsv(**store, *kind, file); !st) {
      std::remove(partial.c_str());
      return Report(st.error());
    }
  }
  if (std::rename(partial.c_str(), options.out.c_str()) != 0) {
    return Report(
        Error{ErrorCode::kFailedPrecondition, fmt::format("cannot write {}", options.out), {}});
  }
  return 0;
}

}  // namespace

void AddExportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ExportCommandOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Export records as CSV in the import format");
  cmd->add_option("--db", options->db, "Database file")->required();
  cmd->add_option("--kind", options->kind, "Kind of records (as for import)")->required();
  cmd->add_option("--out", options->out, "Output file (default: standard output)");
  cmd->callback([options, &exit_code] { exit_code = RunExport(*options); });
}

}  // namespace planwatch::cli
