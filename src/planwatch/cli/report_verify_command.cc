#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "planwatch/cli/commands.h"
#include "planwatch/service/signing.h"

namespace planwatch::cli {
namespace {

// Far above any report; keeps a mistaken argument (a disk image) from being read whole.
constexpr std::uintmax_t kMaxFileBytes = 64 << 20;

struct ReportVerifyOptions {
  std::string file;
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

int RunReportVerify(const ReportVerifyOptions& options) {
  auto bytes = ReadBoundedFile(options.file, "a signed report file", kMaxFileBytes);
  if (!bytes) return Report(bytes.error());
  auto verified = VerifySignedReportFile(*bytes);
  if (!verified) {
    Error error = verified.error();
    error.message = fmt::format("{}: {}", options.file, error.message);
    return Report(error);
  }
  const nlohmann::json& content = verified->content;
  std::string unit = Text(content, "unit", "?");
  if (content.contains("unit") && content["unit"].is_object()) {
    unit = Text(content["unit"], "code", "?");
  }
  const ReportSignature& sig = verified->signature;
  fmt::print("valid: report {} {} rev {}, signed by {} ({}) at {}, key {}\n", unit,
             Text(content, "period", "?"), Text(content, "revision", "?"), sig.signer_name,
             sig.signer_login, sig.signed_at, sig.key.value);
  return 0;
}

}  // namespace

void AddReportVerifyCommand(CLI::App& report, int& exit_code) {
  auto options = std::make_shared<ReportVerifyOptions>();
  CLI::App* cmd = report.add_subcommand(
      "verify", "Check a signed report file offline (no database): every byte must be as signed");
  cmd->add_option("FILE", options->file, "Signed report file (.json)")->required();
  cmd->callback([options, &exit_code] { exit_code = RunReportVerify(*options); });
}

CLI::App& AddReportCommand(CLI::App& app, int& exit_code) {
  CLI::App* report = app.add_subcommand("report", "Periodic reports and their signed files");
  report->require_subcommand(1);
  AddReportVerifyCommand(*report, exit_code);
  return *report;
}

}  // namespace planwatch::cli
