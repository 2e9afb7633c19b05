#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "planwatch/base/clock.h"
#include "planwatch/cli/commands.h"
#include "planwatch/service/export.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct ExportCommandOptions {
  std::string db;
  std::string kind;
  std::string format = "csv";
  std::string out;
  bool template_only = false;
};

// The file's bytes: the records of the kind, or its blank template.
Result<std::string> Render(const ExportCommandOptions& options, DataKind kind) {
  if (options.template_only) {
    if (options.format == "csv") return TemplateCsv(kind);
    return TemplateWorkbook(kind);
  }
  if (options.db.empty()) return InvalidArgument("--db is required to export records");
  auto store = Store::Open(StoreOptions{options.db, false});
  if (!store) return std::unexpected(store.error());
  if (options.format == "xlsx") {
    const DataKind kinds[] = {kind};
    return ExportWorkbook(**store, kinds, TodayUtc());
  }
  std::ostringstream out;
  if (auto st = ExportCsv(**store, kind, out); !st) return std::unexpected(st.error());
  return std::move(out).str();
}

int RunExport(const ExportCommandOptions& options) {
  auto kind = ParseDataKind(options.kind);
  if (!kind) return Report(kind.error());
  auto bytes = Render(options, *kind);
  if (!bytes) return Report(bytes.error());
  if (options.out.empty() || options.out == "-") {
    std::cout << *bytes;
    std::cout.flush();
    return std::cout ? 0 : Report(Error{ErrorCode::kUnavailable, "cannot write the output", {}});
  }
  // Written beside the target and renamed, so a failed export never leaves half a file.
  const std::string partial = options.out + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    file << *bytes;
    file.flush();
    if (!file) {
      std::remove(partial.c_str());
      return Report(
          Error{ErrorCode::kFailedPrecondition, fmt::format("cannot write {}", partial), {}});
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
  CLI::App* cmd = app.add_subcommand(
      "export", "Export records in the import format (CSV or XLSX), or a blank template");
  cmd->add_option("--db", options->db, "Database file (not needed for --template)");
  cmd->add_option("--kind", options->kind, "Kind of records (as for import)")->required();
  cmd->add_option("--format", options->format, "csv (default) or xlsx")
      ->check(CLI::IsMember({"csv", "xlsx"}));
  cmd->add_option("--out", options->out, "Output file (default: standard output)");
  cmd->add_flag("--template", options->template_only,
                "Write the kind's blank template (Vietnamese headers) instead of records");
  cmd->callback([options, &exit_code] { exit_code = RunExport(*options); });
}

}  // namespace planwatch::cli
