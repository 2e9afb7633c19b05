#include "planwatch/domain/access.h"

#include <algorithm>

#include "planwatch/base/enum_names.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"

namespace planwatch {
namespace {

constexpr NameTable<Role, 6> kRoleNames{{
    {Role::kAdmin, "admin"},
    {Role::kSteering, "steering"},
    {Role::kStandingAgency, "standing_agency"},
    {Role::kUnitLeader, "unit_leader"},
    {Role::kUnitOfficer, "unit_officer"},
    {Role::kViewer, "viewer"},
}};

bool Reports(Role role) { return role == Role::kUnitLeader || role == Role::kUnitOfficer; }

}  // namespace

std::string_view RoleName(Role role) { return NameOf(kRoleNames, role); }
Result<Role> ParseRole(std::string_view text) { return ParseName(kRoleNames, "role", text); }

bool AccessPolicy::InScope(const Principal& p, OrgUnitId unit) const {
  return unit && p.scope && tree_.InSubtree(unit, p.scope);
}

bool AccessPolicy::CanReadReference(const Principal& p) const { return static_cast<bool>(p.user); }

bool AccessPolicy::CanManageUnit(const Principal& p, OrgUnitId parent) const {
  if (p.role != Role::kAdmin) return false;
  // A new root is outside every subtree: only an admin of a root may add one.
  if (!parent) return tree_.Find(p.scope) != nullptr && !tree_.Find(p.scope)->parent;
  return InScope(p, parent);
}

bool AccessPolicy::CanManageUsers(const Principal& p, OrgUnitId user_unit) const {
  return p.role == Role::kAdmin && InScope(p, user_unit);
}

bool AccessPolicy::CanManageDirectives(const Principal& p) const {
  return p.role == Role::kAdmin || p.role == Role::kStandingAgency;
}

bool AccessPolicy::CanImport(const Principal& p) const {
  if (p.role != Role::kAdmin) return false;
  const OrgUnit* scope = tree_.Find(p.scope);
  return scope != nullptr && !scope->parent;
}

bool AccessPolicy::CanAdministerPlan(const Principal& p, const Plan& plan) const {
  if (p.role != Role::kAdmin && p.role != Role::kStandingAgency) return false;
  return InScope(p, plan.standing_agency) || (!plan.standing_agency && InScope(p, plan.issuer));
}

bool AccessPolicy::CanManageIndicator(const Principal& p, const Indicator& indicator) const {
  if (p.role != Role::kAdmin && p.role != Role::kStandingAgency) return false;
  if (!indicator.responsible_unit) return true;
  return InScope(p, indicator.responsible_unit);
}

bool AccessPolicy::CanReadTask(const Principal& p, const Task& task, OrgUnitId lead_unit,
                               const Plan& plan) const {
  if (CanAdministerPlan(p, plan)) return true;
  const bool own =
      InScope(p, lead_unit) ||
      std::ranges::any_of(task.coordinating_units, [&](OrgUnitId u) { return InScope(p, u); });
  if (task.classified) {
    if (p.role == Role::kSteering) return InScope(p, lead_unit);
    return own;
  }
  return own;
}

bool AccessPolicy::CanReportOnTask(const Principal& p, const Task& /*task*/, OrgUnitId lead_unit,
                                   const Plan& plan) const {
  if (CanAdministerPlan(p, plan)) return true;
  return Reports(p.role) && InScope(p, lead_unit);
}

bool AccessPolicy::CanCommentOnTask(const Principal& p, const Task& task, OrgUnitId lead_unit,
                                    const Plan& plan) const {
  return p.role != Role::kViewer && CanReadTask(p, task, lead_unit, plan);
}

bool AccessPolicy::CanReadValues(const Principal& p, OrgUnitId unit) const {
  return static_cast<bool>(p.user) && InScope(p, unit);
}

bool AccessPolicy::CanWriteValues(const Principal& p, OrgUnitId unit) const {
  if (p.role == Role::kViewer || p.role == Role::kSteering) return false;
  return InScope(p, unit);
}

bool AccessPolicy::CanReadAnalytics(const Principal& p, OrgUnitId unit) const {
  if (!p.user) return false;
  if (!unit) {
    // The whole tree: only a principal whose scope is a root sees figures over every unit.
    const OrgUnit* scope = tree_.Find(p.scope);
    return scope != nullptr && !scope->parent;
  }
  return InScope(p, unit);
}

}  // namespace planwatch
