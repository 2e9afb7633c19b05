// planwatch: monitoring, urging and evaluating the implementation of action plans.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <functional>
#include <string>

#include "planwatch/cli/commands.h"
#include "planwatch/storage/audit.h"

namespace {

// Who runs the command, for the audit log: "cli:<$USER>", else "cli:<uid>".
std::string CliActor() {
  const char* user = std::getenv("USER");
  return "cli:" +
         (user != nullptr && *user != '\0' ? std::string(user) : std::to_string(::getuid()));
}

// The leading subcommand names ("planwatch user add"): never option values, so no password or
// file path reaches the audit log.
std::string CommandSummary(const CLI::App& app, int argc, char** argv) {
  std::string out = "planwatch";
  const CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    auto found = at->get_subcommands(std::function<bool(const CLI::App*)>(
        [&word](const CLI::App* sub) { return sub->check_name(word); }));
    if (found.empty()) break;
    out += " " + word;
    at = found.front();
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"planwatch — monitoring, urging and evaluating action plans"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "planwatch 0.1.0");
  int exit_code = 0;
  planwatch::cli::AddInitCommand(app, exit_code);
  planwatch::cli::AddImportCommand(app, exit_code);
  planwatch::cli::AddExportCommand(app, exit_code);
  planwatch::cli::AddStatusCommand(app, exit_code);
  planwatch::cli::AddIndicatorsCommand(app, exit_code);
  planwatch::cli::AddUserCommand(app, exit_code);
  planwatch::cli::AddServeCommand(app, exit_code);
  planwatch::cli::AddGenerateCommand(app, exit_code);
  planwatch::cli::AddMigrateCommand(app, exit_code);
  planwatch::cli::AddAuditCommand(app, exit_code);
  CLI::App& report = planwatch::cli::AddReportCommand(app, exit_code);
  planwatch::cli::AddReportDocumentCommands(report, exit_code);
  // Every transaction a command begins carries who ran it (serve's requests set their own).
  planwatch::AuditContextScope audit_scope(
      planwatch::AuditContext{CliActor(), "", CommandSummary(app, argc, argv)});
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
