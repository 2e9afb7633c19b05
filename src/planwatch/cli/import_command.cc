#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include "planwatch/cli/commands.h"
#include "planwatch/service/file_imports.h"
#include "planwatch/service/import.h"
#include "planwatch/service/ingest.h"
#include "planwatch/service/store_reads.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct ImportCommandOptions {
  std::string db;
  std::string kind;
  std::string file;
  bool dry_run = false;
};

Result<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string((std::istreambuf_iterator<char>(std::cin)),
                       std::istreambuf_iterator<char>());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return NotFound(fmt::format("cannot read {}", path));
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// A DHIS2 dataValueSet (JSON) rather than CSV: its first non-blank character opens an object.
bool LooksLikeJson(std::string_view bytes) {
  const std::size_t first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && bytes[first] == '{';
}

void PrintChanges(const ImportSummary& summary) {
  for (const ImportChange& c : summary.changes) {
    std::string where = c.sheet.empty() ? fmt::format("line {}", c.line)
                                        : fmt::format("sheet {}, row {}", c.sheet, c.line);
    fmt::print("  {} {} {} ({})\n", ImportActionName(c.action), DataKindName(c.kind), c.key, where);
    for (const FieldChange& f : c.fields) {
      fmt::print("    {}: \"{}\" -> \"{}\"\n", f.column, f.before, f.after);
    }
  }
}

// Data values in DHIS2's dataValueSet shape go through the same bulk ingest as the API, as an
// administrator of the unit tree's root (whoever holds the database file).
int RunIngest(Store& store, const std::string& body, bool dry_run) {
  auto tree = LoadOrgTree(store);
  if (!tree) return Report(tree.error());
  const auto roots = tree->Roots();
  if (roots.size() != 1) {
    return Report(Error{ErrorCode::kFailedPrecondition,
                        fmt::format("a dataValueSet is imported as the administrator of the one "
                                    "root unit, but the unit tree has {} roots; import a CSV of "
                                    "data-values instead",
                                    roots.size()),
                        {}});
  }
  ValueCommitter committer(store);
  Ingest ingest(store, committer);
  IngestParams params;
  params.dry_run = dry_run;
  auto request = ingest.Begin(Principal{UserId{-1}, "import", Role::kAdmin, roots[0]},
                              IngestFormat::kJson, params);
  if (!request) return Report(request.error());
  (*request)->Write(body);
  auto summary = (*request)->Finish();
  if (!summary) return Report(summary.error());
  if (dry_run) {
    fmt::print("would import {} data values\n", summary->would_write);
  } else {
    fmt::print("imported {} data values\n", summary->written);
  }
  return 0;
}

int RunImport(const ImportCommandOptions& options) {
  std::optional<DataKind> kind;
  if (!options.kind.empty()) {
    auto parsed = ParseDataKind(options.kind);
    if (!parsed) return Report(parsed.error());
    kind = *parsed;
  }
  auto bytes = ReadInput(options.file);
  if (!bytes) return Report(bytes.error());
  const bool workbook = LooksLikeXlsx(*bytes);
  if (!workbook && !kind) {
    return Report(Error{ErrorCode::kInvalidArgument,
                        "name the kind of a CSV file with --kind (a workbook names it by its "
                        "sheets)",
                        {}});
  }
  auto store = Store::Open(StoreOptions{options.db, false});
  if (!store) return Report(store.error());
  if (!workbook && kind == DataKind::kDataValues && LooksLikeJson(*bytes)) {
    return RunIngest(**store, *bytes, options.dry_run);
  }

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
  Result<ImportSummary> summary;
  if (workbook) {
    summary = ImportWorkbook(**store, *bytes, kind, import_options);
  } else {
    std::istringstream in(std::move(*bytes));
    summary = ImportCsv(**store, *kind, in, import_options);
  }
  if (show_progress) fmt::print(stderr, "\r\033[K");
  if (!summary) return Report(summary.error());
  std::string kinds;
  for (DataKind k : summary->kinds)
    kinds += (kinds.empty() ? "" : ", ") + std::string(DataKindName(k));
  fmt::print("{} {} rows of {}: {} new, {} updated, {} unchanged\n",
             options.dry_run ? "would import" : "imported", summary->rows, kinds, summary->inserted,
             summary->updated, summary->unchanged);
  if (options.dry_run) PrintChanges(*summary);
  return 0;
}

}  // namespace

void AddImportCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ImportCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Import a CSV file, an XLSX workbook or a DHIS2 dataValueSet (all-or-nothing)");
  cmd->add_option("--db", options->db, "Database file")->required();
  cmd->add_option("--kind", options->kind,
                  "units, directives, plans, task-groups, indicators, targets, tasks, "
                  "task-updates or data-values (required for CSV; for a workbook, only that "
                  "kind's sheet is read)");
  cmd->add_option("file", options->file,
                  "CSV, .xlsx or (data-values) dataValueSet JSON file, or - for standard input")
      ->required();
  cmd->add_flag("--dry-run", options->dry_run, "Check everything, write nothing, list the changes");
  cmd->callback([options, &exit_code] { exit_code = RunImport(*options); });
}

}  // namespace planwatch::cli
