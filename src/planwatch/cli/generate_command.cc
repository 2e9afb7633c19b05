#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "planwatch/cli/commands.h"
#include "planwatch/service/generate.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct GenerateCommandOptions {
  std::string db;
  std::string scale;
  std::uint64_t seed = 1;
};

void RemoveDatabase(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
}

std::string Bytes(std::uintmax_t bytes) {
  if (bytes >= (1ULL << 30))
    return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1ULL << 30));
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1ULL << 20));
}

int RunGenerate(const GenerateCommandOptions& options) {
  auto scale = ParseGenerateScale(options.scale);
  if (!scale) return Report(scale.error());
  std::error_code ec;
  if (std::filesystem::exists(options.db, ec)) {
    return Report(
        Error{ErrorCode::kFailedPrecondition,
              fmt::format("{} already exists; generate creates a new database", options.db),
              {}});
  }
  const auto started = std::chrono::steady_clock::now();
  GenerateOptions generate;
  generate.scale = *scale;
  generate.seed = options.seed;
  const bool show_progress = ::isatty(STDERR_FILENO) != 0;
  if (show_progress) {
    generate.progress = [started](std::string_view stage, std::uint64_t done, std::uint64_t total) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
      const std::uint64_t percent = total > 0 ? done * 100 / total : 100;
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(percent * kWidth / 100);
      fmt::print(stderr, "\r\033[K  {:<10} [{}{}] {:>3}%  {} of {}  {:.0f}/s", stage,
                 std::string(filled, '#'), std::string(kWidth - filled, '.'), percent, done, total,
                 rate);
    };
  }
  Result<GenerateSummary> summary;
  {
    auto store = Store::Open(StoreOptions{options.db, true});
    if (!store) return Report(store.error());
    summary = Generate(**store, generate);
  }
  if (show_progress) fmt::print(stderr, "\r\033[K");
  if (!summary) {
    RemoveDatabase(options.db);  // a half-generated database is worse than none
    return Report(summary.error());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::uintmax_t size = std::filesystem::file_size(options.db, ec);
  const GenerateSummary& s = *summary;
  fmt::print(
      "generated {} (scale {}, seed {}): {} units ({} provinces, {} departments, {} communes, {} "
      "villages), {} indicators, {} targets, {} plans, {} tasks, {} task events, {} values in "
      "{:.1f} s, {}\n",
      options.db, GenerateScaleName(*scale), options.seed, s.units, s.provinces, s.departments,
      s.communes, s.villages, s.indicators, s.targets, s.plans, s.tasks, s.task_events, s.values,
      seconds, ec ? std::string("size unknown") : Bytes(size));
  return 0;
}

}  // namespace

void AddGenerateCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GenerateCommandOptions>();
  CLI::App* cmd = app.add_subcommand("generate", "Create a database filled with synthetic data");
  cmd->add_option("--db", options->db, "Database file to create")->required();
  cmd->add_option("--scale", options->scale, "province, national or villages")->required();
  cmd->add_option("--seed", options->seed, "Seed of the synthetic data (default 1)");
  cmd->callback([options, &exit_code] { exit_code = RunGenerate(*options); });
}

}  // namespace planwatch::cli
