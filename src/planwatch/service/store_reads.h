// Reads that several use cases share, so that each is done one way.
#pragma once

#include <optional>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// The org tree as it stands now: every unit ever, with the restructures between them. internal
// when the stored units do not form a tree (the writes keep them one).
Result<OrgTree> LoadOrgTree(StoreReader& store);

// A task with its plan and its ledger (this task's events, in append order).
struct TaskRecord {
  Task task;
  Plan plan;
  std::vector<TaskEvent> ledger;
};

// none when the task does not exist or its plan was deleted.
Result<std::optional<TaskRecord>> LoadTaskRecord(StoreReader& store, TaskId id);

}  // namespace planwatch
