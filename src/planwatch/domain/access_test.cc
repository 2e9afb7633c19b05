#include "planwatch/domain/access.h"

#include <gtest/gtest.h>

#include "planwatch/domain/indicator.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"

namespace planwatch {
namespace {

// P (province, a root) with department D and communes C1 (village V1 beneath) and C2; Q is
// another root.
constexpr OrgUnitId kP{1}, kD{2}, kC1{3}, kV1{4}, kC2{5}, kQ{6};

OrgUnit Unit(OrgUnitId id, const char* code, OrgUnitId parent) {
  OrgUnit u;
  u.id = id;
  u.code = code;
  u.name_vi = code;
  u.parent = parent;
  return u;
}

class AccessPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tree = OrgTree::Build({Unit(kP, "P", {}), Unit(kD, "D", kP), Unit(kC1, "C1", kP),
                                Unit(kV1, "V1", kC1), Unit(kC2, "C2", kP), Unit(kQ, "Q", {})});
    ASSERT_TRUE(tree.has_value()) << tree.error().ToString();
    tree_ = std::move(*tree);
    plan_.id = PlanId{1};
    plan_.issuer = kP;
    plan_.standing_agency = kD;
    task_.plan = plan_.id;
    task_.lead_unit = kC1;
  }

  static Principal As(Role role, OrgUnitId scope) {
    return Principal{UserId{7}, "someone", role, scope};
  }

  OrgTree tree_;
  Plan plan_;
  Task task_;
};

TEST_F(AccessPolicyTest, ScopeIsTheSubtreeOfTheUnit) {
  AccessPolicy policy(tree_);
  const Principal officer = As(Role::kUnitOfficer, kC1);
  EXPECT_TRUE(policy.InScope(officer, kC1));
  EXPECT_TRUE(policy.InScope(officer, kV1));
  EXPECT_FALSE(policy.InScope(officer, kP));
  EXPECT_FALSE(policy.InScope(officer, kC2));
  EXPECT_FALSE(policy.InScope(officer, kQ));
  EXPECT_FALSE(policy.InScope(officer, OrgUnitId{}));
}

TEST_F(AccessPolicyTest, TasksAreSeenByTheirUnitsAndTheirAdministrators) {
  AccessPolicy policy(tree_);
  EXPECT_TRUE(policy.CanReadTask(As(Role::kViewer, kC1), task_, kC1, plan_));
  EXPECT_TRUE(policy.CanReadTask(As(Role::kViewer, kP), task_, kC1, plan_));
  EXPECT_FALSE(policy.CanReadTask(As(Role::kUnitOfficer, kC2), task_, kC1, plan_));
  EXPECT_FALSE(policy.CanReadTask(As(Role::kUnitOfficer, kV1), task_, kC1, plan_));
  EXPECT_TRUE(policy.CanReadTask(As(Role::kStandingAgency, kD), task_, kC1, plan_));
  // A coordinating unit sees it; the lead unit in force (after an amendment) decides, not the
  // one first assigned.
  Task coordinated = task_;
  coordinated.coordinating_units = {kC2};
  EXPECT_TRUE(policy.CanReadTask(As(Role::kViewer, kC2), coordinated, kC1, plan_));
  EXPECT_TRUE(policy.CanReadTask(As(Role::kViewer, kC2), task_, kC2, plan_));
  EXPECT_FALSE(policy.CanReadTask(As(Role::kViewer, kC1), task_, kC2, plan_));
}

TEST_F(AccessPolicyTest, ClassifiedTasksOnlyForTheirUnitsAdministratorsAndSteering) {
  AccessPolicy policy(tree_);
  Task secret = task_;
  secret.classified = true;
  EXPECT_TRUE(policy.CanReadTask(As(Role::kUnitOfficer, kC1), secret, kC1, plan_));
  EXPECT_TRUE(policy.CanReadTask(As(Role::kSteering, kP), secret, kC1, plan_));
  EXPECT_TRUE(policy.CanReadTask(As(Role::kStandingAgency, kD), secret, kC1, plan_));
  EXPECT_FALSE(policy.CanReadTask(As(Role::kSteering, kC2), secret, kC1, plan_));
  // An admin of the province sees it as one of its own units' tasks.
  EXPECT_TRUE(policy.CanReadTask(As(Role::kAdmin, kP), secret, kC1, plan_));
}

TEST_F(AccessPolicyTest, ReportingIsForTheLeadUnitsLeadersAndOfficersAndTheAdministrators) {
  AccessPolicy policy(tree_);
  EXPECT_TRUE(policy.CanReportOnTask(As(Role::kUnitOfficer, kC1), task_, kC1, plan_));
  EXPECT_TRUE(policy.CanReportOnTask(As(Role::kUnitLeader, kC1), task_, kC1, plan_));
  EXPECT_FALSE(policy.CanReportOnTask(As(Role::kViewer, kC1), task_, kC1, plan_));
  EXPECT_FALSE(policy.CanReportOnTask(As(Role::kSteering, kP), task_, kC1, plan_));
  EXPECT_FALSE(policy.CanReportOnTask(As(Role::kUnitOfficer, kC2), task_, kC1, plan_));
  EXPECT_TRUE(policy.CanReportOnTask(As(Role::kStandingAgency, kD), task_, kC1, plan_));
}

TEST_F(AccessPolicyTest, CommentsAreForEveryoneWhoSeesTheTaskButViewers) {
  AccessPolicy policy(tree_);
  EXPECT_TRUE(policy.CanCommentOnTask(As(Role::kSteering, kP), task_, kC1, plan_));
  EXPECT_TRUE(policy.CanCommentOnTask(As(Role::kUnitOfficer, kC1), task_, kC1, plan_));
  EXPECT_TRUE(policy.CanCommentOnTask(As(Role::kStandingAgency, kD), task_, kC1, plan_));
  EXPECT_FALSE(policy.CanCommentOnTask(As(Role::kViewer, kP), task_, kC1, plan_));
  // Not on a task it cannot see; a coordinating unit may.
  EXPECT_FALSE(policy.CanCommentOnTask(As(Role::kUnitOfficer, kC2), task_, kC1, plan_));
  Task coordinated = task_;
  coordinated.coordinating_units = {kC2};
  EXPECT_TRUE(policy.CanCommentOnTask(As(Role::kUnitOfficer, kC2), coordinated, kC1, plan_));
}

TEST_F(AccessPolicyTest, PlansAreAdministeredFromTheirStandingAgency) {
  AccessPolicy policy(tree_);
  EXPECT_TRUE(policy.CanAdministerPlan(As(Role::kStandingAgency, kD), plan_));
  EXPECT_TRUE(policy.CanAdministerPlan(As(Role::kAdmin, kP), plan_));
  EXPECT_FALSE(policy.CanAdministerPlan(As(Role::kStandingAgency, kC1), plan_));
  EXPECT_FALSE(policy.CanAdministerPlan(As(Role::kSteering, kP), plan_));
  EXPECT_FALSE(policy.CanAdministerPlan(As(Role::kUnitLeader, kD), plan_));
  Plan without_agency = plan_;
  without_agency.standing_agency = {};
  EXPECT_TRUE(policy.CanAdministerPlan(As(Role::kStandingAgency, kP), without_agency));
  EXPECT_FALSE(policy.CanAdministerPlan(As(Role::kStandingAgency, kD), without_agency));
}

TEST_F(AccessPolicyTest, ValuesAreEnteredInScopeByEveryRoleButViewersAndSteering) {
  AccessPolicy policy(tree_);
  for (Role role : {Role::kAdmin, Role::kStandingAgency, Role::kUnitLeader, Role::kUnitOfficer}) {
    EXPECT_TRUE(policy.CanWriteValues(As(role, kC1), kV1)) << RoleName(role);
    EXPECT_FALSE(policy.CanWriteValues(As(role, kC1), kC2)) << RoleName(role);
  }
  EXPECT_FALSE(policy.CanWriteValues(As(Role::kViewer, kC1), kC1));
  EXPECT_FALSE(policy.CanWriteValues(As(Role::kSteering, kP), kC1));
  EXPECT_TRUE(policy.CanReadValues(As(Role::kViewer, kC1), kV1));
  EXPECT_FALSE(policy.CanReadValues(As(Role::kViewer, kC1), kP));
}

TEST_F(AccessPolicyTest, UnitsUsersIndicatorsAndImports) {
  AccessPolicy policy(tree_);
  EXPECT_TRUE(policy.CanManageUnit(As(Role::kAdmin, kC1), kC1));
  EXPECT_FALSE(policy.CanManageUnit(As(Role::kAdmin, kC1), kP));
  EXPECT_FALSE(policy.CanManageUnit(As(Role::kStandingAgency, kP), kP));
  EXPECT_TRUE(policy.CanManageUnit(As(Role::kAdmin, kP), OrgUnitId{}));  // a new root
  EXPECT_FALSE(policy.CanManageUnit(As(Role::kAdmin, kC1), OrgUnitId{}));
  EXPECT_TRUE(policy.CanManageUsers(As(Role::kAdmin, kC1), kV1));
  EXPECT_FALSE(policy.CanManageUsers(As(Role::kAdmin, kC1), kC2));

  Indicator indicator;
  indicator.responsible_unit = kD;
  EXPECT_TRUE(policy.CanManageIndicator(As(Role::kStandingAgency, kD), indicator));
  EXPECT_FALSE(policy.CanManageIndicator(As(Role::kStandingAgency, kC1), indicator));
  EXPECT_FALSE(policy.CanManageIndicator(As(Role::kUnitLeader, kP), indicator));

  EXPECT_TRUE(policy.CanImport(As(Role::kAdmin, kP)));
  EXPECT_TRUE(policy.CanImport(As(Role::kAdmin, kQ)));
  EXPECT_FALSE(policy.CanImport(As(Role::kAdmin, kC1)));
  EXPECT_FALSE(policy.CanImport(As(Role::kStandingAgency, kP)));
}

TEST_F(AccessPolicyTest, AnalyticsOverTheWholeTreeOnlyFromARoot) {
  AccessPolicy policy(tree_);
  EXPECT_TRUE(policy.CanReadAnalytics(As(Role::kViewer, kP), OrgUnitId{}));
  EXPECT_FALSE(policy.CanReadAnalytics(As(Role::kSteering, kC1), OrgUnitId{}));
  EXPECT_TRUE(policy.CanReadAnalytics(As(Role::kViewer, kC1), kV1));
  EXPECT_FALSE(policy.CanReadAnalytics(As(Role::kViewer, kC1), kC2));
  EXPECT_FALSE(policy.CanReadAnalytics(Principal{}, kC1));  // nobody signed in
}

TEST(RoleNamesTest, RoundTripAndRefuseOthers) {
  for (Role role : {Role::kAdmin, Role::kSteering, Role::kStandingAgency, Role::kUnitLeader,
                    Role::kUnitOfficer, Role::kViewer}) {
    auto parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, role);
  }
  auto bad = ParseRole("superuser");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("superuser"), std::string::npos);
}

}  // namespace
}  // namespace planwatch
