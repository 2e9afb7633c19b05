#include "planwatch/service/plan_status.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <tuple>

#include "planwatch/domain/org_tree.h"

namespace planwatch {
namespace {

nlohmann::json Percent(int numerator, int denominator) {
  const auto rate = RatePercent(numerator, denominator);
  return rate ? nlohmann::json(*rate) : nlohmann::json(nullptr);
}

nlohmann::json SummaryJson(const StatusSummary& s) {
  return {
      {"total", s.total},
      {"done", s.done},
      {"done_on_time", s.done_on_time},
      {"done_late", s.done_late},
      {"in_progress_on_time", s.in_progress_on_time},
      {"overdue", s.overdue},
      {"cancelled", s.cancelled},
      {"due", s.due},
      {"due_done_on_time", s.due_done_on_time},
      {"recurring_reported", s.recurring_reported},
      {"recurring_missing", s.recurring_missing},
      {"recurring_not_due", s.recurring_not_due},
      {"slip_days", s.slip_days},
      {"completion_rate", Percent(s.done, s.total)},
      {"on_time_rate", Percent(s.due_done_on_time, s.due)},
  };
}

}  // namespace

std::optional<double> RatePercent(int numerator, int denominator) {
  if (denominator <= 0) return std::nullopt;
  const long long tenths = static_cast<long long>(numerator) * 1000 / denominator;
  return static_cast<double>(tenths) / 10.0;
}

Result<StatusGroupBy> ParseStatusGroupBy(std::string_view text) {
  if (text == "group") return StatusGroupBy::kGroup;
  if (text == "unit") return StatusGroupBy::kUnit;
  return InvalidArgument(fmt::format("unknown grouping '{}' (accepted: group, unit)", text));
}

Result<PlanStatus> GetPlanStatus(const Analytics& analytics, const StatusQuery& query) {
  const std::shared_ptr<const Catalog> catalog = analytics.catalog();
  const Plan* plan = catalog->FindPlanByCode(query.plan_code);
  if (!plan) return NotFound(fmt::format("no plan '{}'", query.plan_code));

  PlanStatus status;
  status.plan = *plan;
  status.as_of = query.as_of;
  status.view = query.view;
  status.subtree = query.subtree;

  const OrgTree& tree = catalog->tree;
  TaskScope scope;
  scope.plan = plan->id;
  scope.as_of = query.as_of;
  scope.view = query.view;
  if (!query.unit_code.empty()) {
    const OrgUnit* unit = tree.FindByCode(query.unit_code);
    if (!unit) return NotFound(fmt::format("no unit '{}'", query.unit_code));
    status.unit = *unit;
    // A unit answers for the tasks of the units it succeeded (a ward formed by merging communes
    // carries on their tasks), and with its subtree for every unit beneath it.
    scope.unit = unit->id;
    scope.subtree = query.subtree;
  }

  auto summary = analytics.SummarizeTasks(scope);
  if (!summary) return std::unexpected(summary.error());
  status.summary = *summary;

  if (query.group_by == StatusGroupBy::kGroup) {
    std::vector<TaskGroup> groups;
    for (const TaskGroup& g : catalog->task_groups) {
      if (g.plan == plan->id) groups.push_back(g);
    }
    std::ranges::sort(groups, [](const TaskGroup& a, const TaskGroup& b) {
      return std::tie(a.order, a.code) < std::tie(b.order, b.code);
    });
    auto by_group = analytics.SummarizeTasksByGroup(scope);
    if (!by_group) return std::unexpected(by_group.error());
    for (const TaskGroup& g : groups) {
      auto it = by_group->find(g.id);
      if (it == by_group->end()) continue;
      status.rows.push_back(StatusRow{g.code, g.title_vi, g.title_en, it->second});
    }
  } else if (query.group_by == StatusGroupBy::kUnit) {
    auto by_unit = analytics.SummarizeTasksByLeadUnit(scope);
    if (!by_unit) return std::unexpected(by_unit.error());
    for (const auto& [id, summary_of_unit] : *by_unit) {
      const OrgUnit* u = tree.Find(id);
      status.rows.push_back(StatusRow{u ? u->code : std::to_string(id.value), u ? u->name_vi : "",
                                      u ? u->name_en : "", summary_of_unit});
    }
    std::ranges::sort(status.rows, {}, &StatusRow::code);
  }
  return status;
}

nlohmann::json ToJson(const PlanStatus& status) {
  nlohmann::json out = {
      {"plan", status.plan.code},
      {"as_of", status.as_of.ToString()},
      {"view", status.view == CompletionView::kVerified ? "verified" : "claimed"},
  };
  if (status.unit) {
    out["unit"] = status.unit->code;
    out["subtree"] = status.subtree;
  }
  out.update(SummaryJson(status.summary));
  if (!status.rows.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const StatusRow& row : status.rows) {
      nlohmann::json r = {{"code", row.code}, {"name_vi", row.name_vi}, {"name_en", row.name_en}};
      r.update(SummaryJson(row.summary));
      rows.push_back(std::move(r));
    }
    out["rows"] = std::move(rows);
  }
  return out;
}

}  // namespace planwatch
