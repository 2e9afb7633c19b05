#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "planwatch/base/clock.h"
#include "planwatch/cli/commands.h"
#include "planwatch/service/indicator_figures.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct IndicatorsCommandOptions {
  std::string db;
  std::string unit;
  std::string periods;
  std::string indicator;
  bool json = false;
};

// 22336 → "22,336"; 93.2 → "93.2": thousands grouped, at most two decimals.
std::string Number(double v) {
  std::string digits = fmt::format("{:.2f}", v);
  while (digits.back() == '0') digits.pop_back();
  if (digits.back() == '.') digits.pop_back();
  const std::size_t dot = std::min(digits.find('.'), digits.size());
  const std::size_t start = digits[0] == '-' ? 1 : 0;
  for (std::size_t i = dot; i > start + 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

int RunIndicators(const IndicatorsCommandOptions& options) {
  const std::string text =
      options.periods.empty() ? std::to_string(TodayUtc().year()) : options.periods;
  auto window = PeriodRange::Parse(text);
  if (!window) return Report(window.error());
  auto store = Store::Open(StoreOptions{options.db, false});
  if (!store) return Report(store.error());
  auto analytics = LoadAnalytics(**store);
  if (!analytics) return Report(analytics.error());
  auto figures = GetIndicatorFigures(**analytics, options.unit, *window, options.indicator);
  if (!figures) return Report(figures.error());
  if (options.json) {
    fmt::print("{}\n", ToJson(*figures).dump(2));
    return 0;
  }
  fmt::print("{} — indicators for {}\n\n", figures->unit.name_vi, figures->window.ToString());
  fmt::print("  {:<28} {:>12} {:>12}  {:<10}  {}\n", "indicator", "value", "target", "by", "name");
  for (const IndicatorFigure& f : figures->figures) {
    fmt::print("  {:<28} {:>12} {:>12}  {:<10}  {}\n", f.indicator.code,
               f.value ? Number(*f.value) : "—", f.target ? Number(f.target->value) : "",
               f.target ? f.target->date.ToString() : "", f.indicator.name_vi);
  }
  return 0;
}

}  // namespace

void AddIndicatorsCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<IndicatorsCommandOptions>();
  CLI::App* cmd = app.add_subcommand("indicators", "Indicator figures of a unit and its subtree");
  cmd->add_option("--db", options->db, "Database file")->required();
  cmd->add_option("--unit", options->unit, "Unit code, e.g. SL")->required();
  cmd->add_option("--periods", options->periods,
                  "Period or range, e.g. 2025, 202512 or 2025Q1..2025Q4 (default: this year)");
  cmd->add_option("--indicator", options->indicator, "Only this indicator (code)");
  cmd->add_flag("--json", options->json, "Print JSON");
  cmd->callback([options, &exit_code] { exit_code = RunIndicators(*options); });
}

}  // namespace planwatch::cli
