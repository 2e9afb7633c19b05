// planwatch: monitoring, urging and evaluating the implementation of action plans.
#include <CLI/CLI.hpp>

#include "planwatch/cli/commands.h"

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
  CLI::App& report = planwatch::cli::AddReportCommand(app, exit_code);
  planwatch::cli::AddReportDocumentCommands(report, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
