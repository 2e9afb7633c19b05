// Who may do what: roles, principals and the access rules (pure). The service layer applies
// these rules once per use case; nothing above it decides access.
//
// Every role is scoped to an org unit's subtree (the unit and every unit beneath it, as the tree
// stands now). A target is "in scope" when its unit lies in that subtree.
//
//   role             reads                                   writes
//   admin            everything in scope                     users, org units, and all below;
//                                                            file imports (at a root only)
//   steering         everything in scope, classified too     comments only
//   standing_agency  everything in scope                     directives; plans, task groups,
//                                                            tasks and indicators it administers;
//                                                            verify, send back, amend, cancel;
//                                                            data values in scope
//   unit_leader      its subtree's tasks and values          its subtree's tasks (progress,
//                                                            claims) and data values
//   unit_officer     its subtree's tasks and values          the same as unit_leader
//   viewer           its subtree's tasks and values          nothing
//
// Reference data (org units, directives, plans, task groups, indicators and their targets) is
// readable by every signed-in user: it names the work, not its results.
#pragma once

#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"

namespace planwatch {

class OrgTree;
struct Plan;
struct Task;
struct Indicator;

enum class Role {
  kAdmin,
  kSteering,
  kStandingAgency,
  kUnitLeader,
  kUnitOfficer,
  kViewer,
};
std::string_view RoleName(Role role);  // "admin", "steering", "standing_agency", …
Result<Role> ParseRole(std::string_view text);

using UserId = Id<struct UserTag>;

// The authenticated caller of a use case.
struct Principal {
  UserId user;
  std::string login;
  Role role = Role::kViewer;
  OrgUnitId scope;  // the root of the subtree the role applies to

  friend bool operator==(const Principal&, const Principal&) = default;
};

// The access rules. Each takes the org tree as it stands now (for subtree tests) and answers
// allow (true) or deny.
class AccessPolicy {
 public:
  explicit AccessPolicy(const OrgTree& tree) : tree_(tree) {}

  // `unit` lies in the principal's subtree (a none unit never does).
  bool InScope(const Principal& p, OrgUnitId unit) const;

  // Reference data: org units, directives, plans, task groups, indicators, targets.
  bool CanReadReference(const Principal& p) const;
  // Create, change or close an org unit under `parent` (the unit's own parent; none: a root).
  bool CanManageUnit(const Principal& p, OrgUnitId parent) const;
  bool CanManageUsers(const Principal& p, OrgUnitId user_unit) const;
  bool CanManageDirectives(const Principal& p) const;
  // Whole-file imports and records exports: an admin whose scope is a root of the tree. They
  // reach that root's subtree only (ImportOptions::scope, ExportScope in service/).
  bool CanImport(const Principal& p) const;
  // Create or change a plan, its task groups and its tasks; verify, send back, amend, cancel.
  bool CanAdministerPlan(const Principal& p, const Plan& plan) const;
  bool CanManageIndicator(const Principal& p, const Indicator& indicator) const;

  // A task is visible to those whose scope holds its lead unit (`lead_unit`: the one in force) or
  // one of its coordinating units, and to those who administer its plan or read everything in
  // scope (admin, steering) when the lead unit is in their scope. A classified task only to
  // its own units, the plan's administrators and steering.
  bool CanReadTask(const Principal& p, const Task& task, OrgUnitId lead_unit,
                   const Plan& plan) const;
  // Progress, difficulties, claims, evidence: the lead unit's leaders and officers, and the
  // plan's administrators.
  bool CanReportOnTask(const Principal& p, const Task& task, OrgUnitId lead_unit,
                       const Plan& plan) const;

  // Comments: everyone who may see the task except viewers (steering members ask, units answer).
  bool CanCommentOnTask(const Principal& p, const Task& task, OrgUnitId lead_unit,
                        const Plan& plan) const;

  bool CanReadValues(const Principal& p, OrgUnitId unit) const;
  bool CanWriteValues(const Principal& p, OrgUnitId unit) const;

  // Aggregated analytics over `unit`'s subtree (none: the whole tree).
  bool CanReadAnalytics(const Principal& p, OrgUnitId unit) const;

 private:
  const OrgTree& tree_;
};

}  // namespace planwatch
