// The subcommands of `planwatch`. Each Add*Command registers its options on `app` and a callback
// that sets `exit_code`; they share nothing else.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>

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
void AddMigrateCommand(CLI::App& app, int& exit_code);  // SQLite file -> PostgreSQL
void AddAuditCommand(CLI::App& app, int& exit_code);    // `audit verify | checkpoint | log`
// `report pdf` and `report xlsx` under the `report` subcommand (report_documents_command.cc).
void AddReportDocumentCommands(CLI::App& report, int& exit_code);
CLI::App& AddReportCommand(CLI::App& app, int& exit_code);      // `report`, returned to add more to
void AddReportVerifyCommand(CLI::App& report, int& exit_code);  // `report verify FILE`

// Prints `error` to stderr ("planwatch: …" and one line per detail) and returns its exit code.
int Report(const Error& error);

// The whole of a file given on the command line, refused before reading when it is a folder or
// larger than `max_bytes` (so a mistaken argument, a disk image, is not read whole). `what` names
// it in messages ("a checkpoint file"). not_found when missing; failed_precondition when
// unreadable.
Result<std::string> ReadBoundedFile(const std::string& path, std::string_view what,
                                    std::uintmax_t max_bytes);

}  // namespace planwatch::cli
