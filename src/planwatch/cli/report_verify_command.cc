#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "planwatch/cli/commands.h"
#include "planwatch/service/signing.h"

namespace planwatch::cli {
namespace {

// Far above any report; keeps a mistaken argument (a disk image) from being read whole.
constexpr std::uintmax_t kMaxFileBytes = 64 << 20;

struct ReportVerifyOptions {
  std::vector<std::string> files;
};

// A text field of the content, or `fallback` when it is absent or not text.
std::string Text(const nlohmann::json& object, const char* key, const char* fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  return fallback;
}

// Verifies one file: prints its summary on stdout (after "FILE: " when `named`), or reports why
// it does not verify on stderr; answers the exit code.
int VerifyOne(const std::string& file, bool named) {
  auto bytes = ReadBoundedFile(file, "a signed report file", kMaxFileBytes);
  if (!bytes) return Report(bytes.error());
  auto verified = VerifySignedReportFile(*bytes);
  if (!verified) {
    Error error = verified.error();
    error.message = fmt::format("{}: {}", file, error.message);
    return Report(error);
  }
  const nlohmann::json& content = verified->content;
  std::string unit = Text(content, "unit", "?");
  if (content.contains("unit") && content["unit"].is_object()) {
    unit = Text(content["unit"], "code", "?");
  }
  const ReportSignature& sig = verified->signature;
  fmt::print("{}valid: report {} {} rev {}, signed by {} ({}) at {}, key {}\n",
             named ? file + ": " : "", unit, Text(content, "period", "?"),
             Text(content, "revision", "?"), sig.signer_name, sig.signer_login, sig.signed_at,
             sig.key.value);
  return 0;
}

// Every file is checked; the exit code is the first failure's, 0 when all verify.
int RunReportVerify(const ReportVerifyOptions& options) {
  const bool named = options.files.size() > 1;
  int exit_code = 0;
  for (const std::string& file : options.files) {
    const int code = VerifyOne(file, named);
    if (exit_code == 0) exit_code = code;
  }
  return exit_code;
}

}  // namespace

void AddReportVerifyCommand(CLI::App& report, int& exit_code) {
  auto options = std::make_shared<ReportVerifyOptions>();
  CLI::App* cmd = report.add_subcommand(
      "verify",
      "Check signed report files offline (no database): every byte must be as signed. With "
      "several files, each line of output starts with its file; the exit code is the first "
      "failure's");
  cmd->add_option("FILE", options->files, "Signed report files (.json)")->required();
  cmd->callback([options, &exit_code] { exit_code = RunReportVerify(*options); });
}

CLI::App& AddReportCommand(CLI::App& app, int& exit_code) {
  CLI::App* report = app.add_subcommand("report", "Periodic reports and their signed files");
  report->require_subcommand(1);
  AddReportVerifyCommand(*report, exit_code);
  return *report;
}

}  // namespace planwatch::cli
