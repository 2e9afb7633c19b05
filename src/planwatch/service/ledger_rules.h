// The rules a task event must meet on its own and against its task, shared by every path that
// appends to a task's ledger (the task-updates import and the task actions of the API), so both
// accept and refuse the same events. Pure functions; thread-safe.
//
// Rules that depend on the rest of the ledger (a verify or return needs a standing claim) are the
// caller's: an import checks them against the file and the stored ledger together.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "planwatch/domain/task.h"

namespace planwatch {

// The event fields a rule may name. Each input names them its own way (a CSV column, a JSON
// field).
enum class LedgerField { kOn, kCompletedOn, kNewDeadline, kNewLeadUnit, kReason, kPeriod };

struct LedgerProblem {
  LedgerField field;
  std::string_view code;  // "required" (a needed field is missing) or "invalid"
  std::string message;    // English, names the offending values

  friend bool operator==(const LedgerProblem&, const LedgerProblem&) = default;
};

// Which optional fields the input carried, even with a malformed value (so a field that was given
// but could not be read is not also reported as missing).
struct LedgerFieldsGiven {
  bool completed_on = false;
  bool new_deadline = false;
  bool new_lead_unit = false;
};

// The rules of `e.kind`: a claim needs completed_on, not after its date; an amendment needs a new
// deadline or a new lead unit and a reason, and only a deadline task (when `task` is known) has a
// deadline to amend; a cancellation needs a reason; only a claim or a verify carries completed_on,
// only an amendment a new deadline or lead unit. `task` may be null (unknown to the caller).
std::vector<LedgerProblem> CheckEventFields(const Task* task, const TaskEvent& e,
                                            const LedgerFieldsGiven& given);

// The rules against the task: a period only for a recurring task and of its cadence; nothing
// dated before the task was assigned.
std::vector<LedgerProblem> CheckEventAgainstTask(const Task& task, const TaskEvent& e);

}  // namespace planwatch
