#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "planwatch/cli/commands.h"
#include "planwatch/service/import.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct ImportCommandOptions {
  std::string db;
  std::string kind;
  std::string file;
  bool dry_run = false;
};

int RunImport(const ImportCommandOptions& options) {
  auto kind = ParseDataKind(options.kind);
  if (!kind) return Report(kind.error());
  std::ifstream file;
  if (options.file != "-") {
    file.open(options.file, std::ios::binary);
    if (!file) {
      return Report(Error{ErrorCode::kNotFound, fmt::format("cannot read {}", options.file), {}});
    }
  }
  std::istream& in = options.file == "-" ? std::cin : file;
  auto store = Store::Open(StoreOptions{options.db, false});
  if (!store) return Report(store.error());
  ImportOptions import_options;
  import_options.dry_run = options.dry_run;
  const bool show_progress = ::isatty(STDERR_FILENO) != 0;
  if (show_progress) {
    import_options.progress = [](std::string_view stage, std::size_t done, std::size_t total) {
      if (total > 0) {
        fmt::print(stderr, "\r\033[K  {} {:>3}%  {} of {} rows", stage, done * 100 / total, done,
                   total);
      } else {
        fmt::print(stderr, "\r\033[K  {} {} rows", stage, done);
      }
    };
  }
  auto summary = ImportCsv(**store, *kind, in, import_options);
  if (show_progress) fmt::print(stderr, "\r\033[K");
  if (!summary) return Report(summary.error());
  fmt::print("{} {} rows of {}: {} new, {} updated, {} unchanged\n",
             options.dry_run ? "would import" : "imported", summary->rows, DataKindName(*kind),
             summary->inserted, summary->updated, summary->unchanged);
  return 0;
}

}  // namespace

void AddImportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ImportCommandOptions>();
  CLI::App* cmd = app.add_subcommand("import", "Import a CSV file (all-or-nothing)");
  cmd->add_option("--db", options->db, "Database file")->required();
  cmd->add_option("--kind", options->kind,
                  "units, directives, plans, task-groups, indicators, targets, tasks, "
                  "task-updates or data-values")
      ->required();
  cmd->add_option("file", options->file, "CSV file, or - for standard input")->required();
  cmd->add_flag("--dry-run", options->dry_run, "Check everything, write nothing");
  cmd->callback([options, &exit_code] { exit_code = RunImport(*options); });
}

}  // namespace planwatch::cli
