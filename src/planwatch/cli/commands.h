// The subcommands of `planwatch`. Each Add*Command registers its options on `app` and a callback
// that sets `exit_code`; they share nothing else.
#pragma once

#include <CLI/CLI.hpp>

#include "planwatch/base/error.h"

namespace planwatch::cli {

void AddInitCommand(CLI::App& app, int& exit_code);
void AddImportCommand(CLI::App& app, int& exit_code);
void AddExportCommand(CLI::App& app, int& exit_code);
void AddStatusCommand(CLI::App& app, int& exit_code);
void AddIndicatorsCommand(CLI::App& app, int& exit_code);
void AddUserCommand(CLI::App& app, int& exit_code);
void AddServeCommand(CLI::App& app, int& exit_code);
void AddGenerateCommand(CLI::App& app, int& exit_code);
void AddAuditCommand(CLI::App& app, int& exit_code);  // `audit verify | checkpoint | log`
// `report pdf` and `report xlsx` under the `report` subcommand (report_documents_command.cc).
void AddReportDocumentCommands(CLI::App& report, int& exit_code);
CLI::App& AddReportCommand(CLI::App& app, int& exit_code);      // `report`, returned to add more to
void AddReportVerifyCommand(CLI::App& report, int& exit_code);  // `report verify FILE`

// Prints `error` to stderr ("planwatch: …" and one line per detail) and returns its exit code.
int Report(const Error& error);

}  // namespace planwatch::cli
