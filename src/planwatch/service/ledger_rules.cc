#include "planwatch/service/ledger_rules.h"

#include <fmt/format.h>

namespace planwatch {

std::vector<LedgerProblem> CheckEventFields(const Task* task, const TaskEvent& e,
                                            const LedgerFieldsGiven& given) {
  std::vector<LedgerProblem> problems;
  auto add = [&](LedgerField field, std::string_view code, std::string message) {
    problems.push_back(LedgerProblem{field, code, std::move(message)});
  };
  switch (e.kind) {
    case TaskEventKind::kClaim:
      if (!given.completed_on) {
        add(LedgerField::kCompletedOn, "required",
            "a claim needs the date the output was completed");
      }
      if (e.completed_on && *e.completed_on > e.on) {
        add(LedgerField::kCompletedOn, "invalid",
            fmt::format("{} is after the claim's date {}", e.completed_on->ToString(),
                        e.on.ToString()));
      }
      break;
    case TaskEventKind::kAmend:
      if (!given.new_deadline && !given.new_lead_unit) {
        add(LedgerField::kNewDeadline, "required",
            "an amendment needs a new deadline or a new lead unit");
      }
      if (e.reason.empty()) add(LedgerField::kReason, "required", "an amendment needs a reason");
      if (given.new_deadline && task != nullptr && task->kind != TaskKind::kDeadline) {
        add(LedgerField::kNewDeadline, "invalid", "only a deadline task has a deadline to amend");
      }
      break;
    case TaskEventKind::kCancel:
      if (e.reason.empty()) add(LedgerField::kReason, "required", "a cancellation needs a reason");
      break;
    case TaskEventKind::kVerify:
    case TaskEventKind::kReturn:
    case TaskEventKind::kProgress:
      break;
  }
  if (e.kind != TaskEventKind::kClaim && e.kind != TaskEventKind::kVerify && given.completed_on) {
    add(LedgerField::kCompletedOn, "invalid",
        "only a claim or a verification carries a completion date");
  }
  if (e.kind != TaskEventKind::kAmend && given.new_deadline) {
    add(LedgerField::kNewDeadline, "invalid", "only an amendment carries a new deadline");
  }
  if (e.kind != TaskEventKind::kAmend && given.new_lead_unit) {
    add(LedgerField::kNewLeadUnit, "invalid", "only an amendment carries a new lead unit");
  }
  return problems;
}

std::vector<LedgerProblem> CheckEventAgainstTask(const Task& task, const TaskEvent& e) {
  std::vector<LedgerProblem> problems;
  if (e.period) {
    if (task.kind != TaskKind::kRecurring) {
      problems.push_back(LedgerProblem{LedgerField::kPeriod, "invalid",
                                       "only a recurring task reports per period"});
    } else if (task.cadence && e.period->type() != *task.cadence) {
      problems.push_back(LedgerProblem{LedgerField::kPeriod, "invalid",
                                       fmt::format("'{}' is not a {} period", e.period->ToString(),
                                                   PeriodTypeName(*task.cadence))});
    }
  }
  if (e.on < task.assigned_on) {
    problems.push_back(LedgerProblem{LedgerField::kOn, "invalid",
                                     fmt::format("{} is before the task was assigned ({})",
                                                 e.on.ToString(), task.assigned_on.ToString())});
  }
  return problems;
}

}  // namespace planwatch
