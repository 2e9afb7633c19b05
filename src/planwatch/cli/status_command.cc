#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "planwatch/base/clock.h"
#include "planwatch/cli/commands.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/service/plan_status.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct StatusCommandOptions {
  std::string db;
  std::string plan;
  std::string as_of;
  std::string unit;
  bool subtree = false;
  bool claimed = false;
  bool json = false;
  std::string group_by;
};

std::string Rate(int numerator, int denominator) {
  const auto percent = RatePercent(numerator, denominator);
  return percent ? fmt::format("{:.1f}%", *percent) : std::string("—");
}

void PrintText(const PlanStatus& status) {
  const StatusSummary& s = status.summary;
  fmt::print("{} — {}\n", status.plan.code, status.plan.title_vi);
  fmt::print("as of {} ({} completion){}\n", status.as_of.ToString(),
             status.view == CompletionView::kVerified ? "verified" : "claimed",
             status.unit ? fmt::format(", led by {}{}", status.unit->name_vi,
                                       status.subtree ? " and the units beneath it" : "")
                         : std::string());
  fmt::print("\n");
  fmt::print("  tasks                {:>6}\n", s.total);
  fmt::print("  done on time         {:>6}\n", s.done_on_time);
  fmt::print("  done late            {:>6}\n", s.done_late);
  fmt::print("  in progress on time  {:>6}\n", s.in_progress_on_time);
  fmt::print("  overdue              {:>6}\n", s.overdue);
  fmt::print("  cancelled            {:>6}  (not counted)\n", s.cancelled);
  if (s.recurring_reported + s.recurring_missing + s.recurring_not_due > 0) {
    fmt::print("  recurring            {:>6}  ({} reported, {} missing for the last period)\n",
               s.recurring_reported + s.recurring_missing + s.recurring_not_due,
               s.recurring_reported, s.recurring_missing);
  }
  fmt::print("\n  completion rate  {:>7}  ({} of {} tasks done)\n", Rate(s.done, s.total), s.done,
             s.total);
  fmt::print("  on-time rate     {:>7}  ({} of {} tasks due done on time)\n",
             Rate(s.due_done_on_time, s.due), s.due_done_on_time, s.due);
  if (s.slip_days > 0) fmt::print("  deadline extensions: {} days in all\n", s.slip_days);
  if (status.rows.empty()) return;
  fmt::print("\n  {:<10} {:>5} {:>5} {:>7} {:>8} {:>11}  {}\n", "", "tasks", "done", "overdue",
             "complete", "on time", "name");
  for (const StatusRow& row : status.rows) {
    fmt::print("  {:<10} {:>5} {:>5} {:>7} {:>8} {:>11}  {}\n", row.code, row.summary.total,
               row.summary.done, row.summary.overdue, Rate(row.summary.done, row.summary.total),
               Rate(row.summary.due_done_on_time, row.summary.due), row.name_vi);
  }
}

int RunStatus(const StatusCommandOptions& options) {
  StatusQuery query;
  query.plan_code = options.plan;
  if (options.as_of.empty()) {
    query.as_of = TodayUtc();
  } else {
    auto date = Date::Parse(options.as_of);
    if (!date) return Report(date.error());
    query.as_of = *date;
  }
  query.unit_code = options.unit;
  if (options.subtree && options.unit.empty()) {
    return Report(Error{ErrorCode::kInvalidArgument, "--subtree needs --unit", {}});
  }
  query.subtree = options.subtree;
  query.view = options.claimed ? CompletionView::kClaimed : CompletionView::kVerified;
  if (!options.group_by.empty()) {
    auto group_by = ParseStatusGroupBy(options.group_by);
    if (!group_by) return Report(group_by.error());
    query.group_by = *group_by;
  }
  auto store = Store::Open(StoreOptions{options.db, false});
  if (!store) return Report(store.error());
  auto analytics = LoadAnalytics(**store);
  if (!analytics) return Report(analytics.error());
  auto status = GetPlanStatus(**analytics, query);
  if (!status) return Report(status.error());
  if (options.json) {
    fmt::print("{}\n", ToJson(*status).dump(2));
  } else {
    PrintText(*status);
  }
  return 0;
}

}  // namespace

void AddStatusCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<StatusCommandOptions>();
  CLI::App* cmd = app.add_subcommand("status", "Task-status breakdown and rates of a plan");
  cmd->add_option("--db", options->db, "Database file")->required();
  cmd->add_option("--plan", options->plan, "Plan code, e.g. 333-KH/TU")->required();
  cmd->add_option("--as-of", options->as_of, "Date YYYY-MM-DD (default: today)");
  cmd->add_option("--unit", options->unit, "Only tasks led by this unit (code)");
  cmd->add_flag("--subtree", options->subtree, "With --unit: include the units beneath it");
  cmd->add_flag("--claimed", options->claimed, "Count claimed completions, not only verified");
  cmd->add_flag("--json", options->json, "Print JSON");
  cmd->add_option("--group-by", options->group_by, "group or unit");
  cmd->callback([options, &exit_code] { exit_code = RunStatus(*options); });
}

}  // namespace planwatch::cli
