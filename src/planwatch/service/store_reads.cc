#include "planwatch/service/store_reads.h"

#include <algorithm>
#include <utility>

namespace planwatch {

Result<OrgTree> LoadOrgTree(StoreReader& store) {
  auto units = store.OrgUnits();
  if (!units) return std::unexpected(units.error());
  auto successions = store.Successions();
  if (!successions) return std::unexpected(successions.error());
  auto tree = OrgTree::Build(std::move(*units), std::move(*successions));
  if (!tree) return Internal("the stored org tree is inconsistent: " + tree.error().message);
  return tree;
}

Result<std::optional<TaskRecord>> LoadTaskRecord(StoreReader& store, TaskId id) {
  if (id.value <= 0) return std::optional<TaskRecord>();
  auto history = store.TaskHistory(id);
  if (!history) {
    if (history.error().code == ErrorCode::kNotFound) return std::optional<TaskRecord>();
    return std::unexpected(history.error());
  }
  TaskRecord out;
  out.task = history->back().value;
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto plan = std::ranges::find_if(*plans, [&](const Plan& p) { return p.id == out.task.plan; });
  if (plan == plans->end()) return std::optional<TaskRecord>();
  out.plan = *plan;
  auto events = store.TaskEvents(out.task.plan);
  if (!events) return std::unexpected(events.error());
  for (TaskEvent& e : *events) {
    if (e.task == out.task.id) out.ledger.push_back(std::move(e));
  }
  return std::optional<TaskRecord>(std::move(out));
}

}  // namespace planwatch
