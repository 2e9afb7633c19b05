#include "planwatch/service/plan_status.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

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

Result<PlanStatus> GetPlanStatus(StoreReader& store, const StatusQuery& query) {
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto plan =
      std::ranges::find_if(*plans, [&](const Plan& p) { return p.code == query.plan_code; });
  if (plan == plans->end()) return NotFound(fmt::format("no plan '{}'", query.plan_code));

  PlanStatus status;
  status.plan = *plan;
  status.as_of = query.as_of;
  status.view = query.view;
  status.subtree = query.subtree;

  auto units = store.OrgUnits();
  if (!units) return std::unexpected(units.error());
  auto successions = store.Successions();
  if (!successions) return std::unexpected(successions.error());
  auto tree = OrgTree::Build(*units, *successions);
  if (!tree) return std::unexpected(tree.error());

  TaskFilter filter;
  filter.plan = plan->id;
  if (!query.unit_code.empty()) {
    const OrgUnit* unit = tree->FindByCode(query.unit_code);
    if (!unit) return NotFound(fmt::format("no unit '{}'", query.unit_code));
    status.unit = *unit;
    // A unit answers for the tasks of the units it succeeded (a ward formed by merging communes
    // carries on their tasks), and with its subtree for every unit beneath it.
    std::unordered_set<OrgUnitId> leads;
    const std::vector<OrgUnitId> roots =
        query.subtree ? tree->Subtree(unit->id) : std::vector<OrgUnitId>{unit->id};
    for (OrgUnitId id : roots) {
      leads.insert(id);
      for (OrgUnitId predecessor : tree->Predecessors(id)) leads.insert(predecessor);
    }
    filter.lead_units = std::move(leads);
  }

  auto tasks = store.Tasks(plan->id);
  if (!tasks) return std::unexpected(tasks.error());
  auto events = store.TaskEvents(plan->id);
  if (!events) return std::unexpected(events.error());
  status.summary = Summarize(*tasks, *events, query.as_of, query.view, filter);

  if (query.group_by == StatusGroupBy::kGroup) {
    auto groups = store.TaskGroups(plan->id);
    if (!groups) return std::unexpected(groups.error());
    std::ranges::sort(*groups, [](const TaskGroup& a, const TaskGroup& b) {
      return std::tie(a.order, a.code) < std::tie(b.order, b.code);
    });
    const auto by_group = SummarizeByGroup(*tasks, *events, query.as_of, query.view, filter);
    for (const TaskGroup& g : *groups) {
      auto it = by_group.find(g.id);
      if (it == by_group.end()) continue;
      status.rows.push_back(StatusRow{g.code, g.title_vi, g.title_en, it->second});
    }
  } else if (query.group_by == StatusGroupBy::kUnit) {
    const auto by_unit = SummarizeByLeadUnit(*tasks, *events, query.as_of, query.view, filter);
    for (const auto& [id, summary] : by_unit) {
      const OrgUnit* u = tree->Find(id);
      status.rows.push_back(StatusRow{u ? u->code : std::to_string(id.value), u ? u->name_vi : "",
                                      u ? u->name_en : "", summary});
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
