#include "planwatch/storage/store_conformance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "planwatch/storage/postgres/store_backend.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

// ---- helpers ----

MATCHER_P2(FailsWith, code, substring,
           std::string("fails with ") + std::string(ErrorCodeName(code)) + " mentioning \"" +
               std::string(substring) + "\"") {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << arg.error().ToString();
  return arg.error().code == code &&
         arg.error().message.find(std::string(substring)) != std::string::npos;
}

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

Date D(std::string_view text) { return Date::Parse(text).value(); }
Period P(std::string_view text) { return Period::Parse(text).value(); }

constexpr char kStampPattern[] =
    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z";

// ---- field-by-field comparison ----

void ExpectSame(const OrgUnit& want, const OrgUnit& got) {
  SCOPED_TRACE("org unit " + want.code);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(got.name_vi, want.name_vi);
  EXPECT_EQ(got.name_en, want.name_en);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.parent, want.parent);
  EXPECT_EQ(got.leader_name, want.leader_name);
  EXPECT_EQ(got.leader_title, want.leader_title);
  EXPECT_EQ(got.valid_from, want.valid_from);
  EXPECT_EQ(got.valid_to, want.valid_to);
}

void ExpectSame(const Directive& want, const Directive& got) {
  SCOPED_TRACE("directive " + want.number);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.number, want.number);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.issuer, want.issuer);
  EXPECT_EQ(got.issued_on, want.issued_on);
  EXPECT_EQ(got.title_vi, want.title_vi);
  EXPECT_EQ(got.title_en, want.title_en);
  EXPECT_EQ(got.url, want.url);
}

void ExpectSame(const Plan& want, const Plan& got) {
  SCOPED_TRACE("plan " + want.code);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(got.title_vi, want.title_vi);
  EXPECT_EQ(got.title_en, want.title_en);
  EXPECT_EQ(got.issuer, want.issuer);
  EXPECT_EQ(got.directives, want.directives);
  EXPECT_EQ(got.parent, want.parent);
  EXPECT_EQ(got.start, want.start);
  EXPECT_EQ(got.end, want.end);
  EXPECT_EQ(got.stages, want.stages);
  EXPECT_EQ(got.standing_agency, want.standing_agency);
}

void ExpectSame(const TaskGroup& want, const TaskGroup& got) {
  SCOPED_TRACE("task group " + want.code);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.plan, want.plan);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(got.title_vi, want.title_vi);
  EXPECT_EQ(got.title_en, want.title_en);
  EXPECT_EQ(got.order, want.order);
  EXPECT_EQ(got.parent, want.parent);
}

void ExpectSame(const Task& want, const Task& got) {
  SCOPED_TRACE("task " + want.code);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.plan, want.plan);
  EXPECT_EQ(got.group, want.group);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(got.title_vi, want.title_vi);
  EXPECT_EQ(got.title_en, want.title_en);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.parent, want.parent);
  EXPECT_EQ(got.lead_unit, want.lead_unit);
  EXPECT_EQ(got.coordinating_units, want.coordinating_units);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.assigned_on, want.assigned_on);
  EXPECT_EQ(got.start, want.start);
  EXPECT_EQ(got.deadline, want.deadline);
  EXPECT_EQ(got.cadence, want.cadence);
  EXPECT_EQ(got.expected_output, want.expected_output);
  EXPECT_EQ(got.priority, want.priority);
  EXPECT_EQ(got.indicators, want.indicators);
  EXPECT_EQ(got.classified, want.classified);
}

void ExpectSame(const TaskEvent& want, const TaskEvent& got) {
  SCOPED_TRACE("task event of task " + std::to_string(want.task.value));
  EXPECT_EQ(got.task, want.task);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.on, want.on);
  EXPECT_EQ(got.progress_percent, want.progress_percent);
  EXPECT_EQ(got.completed_on, want.completed_on);
  EXPECT_EQ(got.new_deadline, want.new_deadline);
  EXPECT_EQ(got.new_lead_unit, want.new_lead_unit);
  EXPECT_EQ(got.period, want.period);
  EXPECT_EQ(got.actor, want.actor);
  EXPECT_EQ(got.requested_by, want.requested_by);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.difficulties, want.difficulties);
  EXPECT_EQ(got.proposals, want.proposals);
  EXPECT_EQ(got.evidence, want.evidence);
  // Catches a field added to TaskEvent but not compared above.
  EXPECT_TRUE(got == want) << "task events differ in a field not compared field by field";
}

void ExpectSame(const Indicator& want, const Indicator& got) {
  SCOPED_TRACE("indicator " + want.code);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(got.name_vi, want.name_vi);
  EXPECT_EQ(got.name_en, want.name_en);
  EXPECT_EQ(got.unit_of_measure, want.unit_of_measure);
  EXPECT_EQ(got.indicator_class, want.indicator_class);
  EXPECT_EQ(got.value_type, want.value_type);
  EXPECT_EQ(got.unit_aggregation, want.unit_aggregation);
  EXPECT_EQ(got.numerator, want.numerator);
  EXPECT_EQ(got.denominator, want.denominator);
  EXPECT_EQ(got.factor, want.factor);
  EXPECT_EQ(got.time_aggregation, want.time_aggregation);
  EXPECT_EQ(got.direction, want.direction);
  EXPECT_EQ(got.period_type, want.period_type);
  EXPECT_EQ(got.baseline_value, want.baseline_value);
  EXPECT_EQ(got.baseline_date, want.baseline_date);
  EXPECT_EQ(got.min_value, want.min_value);
  EXPECT_EQ(got.max_value, want.max_value);
  EXPECT_EQ(got.at_risk_threshold, want.at_risk_threshold);
  EXPECT_EQ(got.data_source, want.data_source);
  EXPECT_EQ(got.responsible_unit, want.responsible_unit);
}

void ExpectSame(const Target& want, const Target& got) {
  EXPECT_EQ(got.indicator, want.indicator);
  EXPECT_EQ(got.unit, want.unit);
  EXPECT_EQ(got.date, want.date);
  EXPECT_EQ(got.value, want.value);
}

// Everything but stored_at, which the store sets.
void ExpectSame(const DataValue& want, const DataValue& got) {
  SCOPED_TRACE("data value " + want.period.ToString());
  EXPECT_EQ(got.indicator, want.indicator);
  EXPECT_EQ(got.unit, want.unit);
  EXPECT_EQ(got.period, want.period);
  EXPECT_EQ(got.value, want.value);
  EXPECT_EQ(got.comment, want.comment);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.stored_by, want.stored_by);
}

// The value field by field, and both instants exactly.
template <typename T>
void ExpectSame(const Version<T>& want, const Version<T>& got) {
  ExpectSame(want.value, got.value);
  EXPECT_EQ(got.recorded_at, want.recorded_at);
  EXPECT_EQ(got.superseded_at, want.superseded_at);
}

template <typename T>
void ExpectSameList(const std::type_identity_t<std::vector<T>>& want, const std::vector<T>& got) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) ExpectSame(want[i], got[i]);
}

template <typename T>
std::vector<T> Values(const std::vector<Version<T>>& versions) {
  std::vector<T> values;
  for (const Version<T>& version : versions) values.push_back(version.value);
  return values;
}

// Versions are contiguous: each is recorded in a later transaction than the one before and
// supersedes it at that instant; only the last (current) one has no superseded_at.
template <typename T>
void ExpectContiguous(const std::vector<Version<T>>& versions) {
  ASSERT_FALSE(versions.empty());
  for (std::size_t i = 0; i < versions.size(); ++i) {
    SCOPED_TRACE("version " + std::to_string(i));
    EXPECT_THAT(versions[i].recorded_at, MatchesRegex(kStampPattern));
    if (i + 1 < versions.size()) {
      EXPECT_LT(versions[i].recorded_at, versions[i + 1].recorded_at);
      EXPECT_EQ(versions[i].superseded_at, versions[i + 1].recorded_at);
    } else {
      EXPECT_EQ(versions[i].superseded_at, "");
    }
  }
}

// The instant 1 ms before `stamp` (a stored stamp, "YYYY-MM-DDTHH:MM:SS.mmmZ"), in that form.
std::string MsBefore(const std::string& stamp) {
  Date day = Date::Parse(stamp.substr(0, 10)).value();
  std::int64_t ms = std::stoll(stamp.substr(11, 2)) * 3'600'000 +
                    std::stoll(stamp.substr(14, 2)) * 60'000 +
                    std::stoll(stamp.substr(17, 2)) * 1000 + std::stoll(stamp.substr(20, 3)) - 1;
  if (ms < 0) {
    ms += 86'400'000;
    day = day.AddDays(-1);
  }
  char time[32];
  std::snprintf(time, sizeof time, "T%02d:%02d:%02d.%03dZ", static_cast<int>(ms / 3'600'000),
                static_cast<int>(ms / 60'000 % 60), static_cast<int>(ms / 1000 % 60),
                static_cast<int>(ms % 1000));
  return day.ToString() + time;
}

// An instant strictly after `stamp` and before the next millisecond (sub-millisecond digits).
std::string JustAfter(const std::string& stamp) { return stamp.substr(0, 23) + "5Z"; }

constexpr char kBeforeEverything[] = "2000-01-01T00:00:00.000Z";
constexpr char kAfterEverything[] = "9999-12-31T23:59:59.999Z";

// ---- sample model ----

OrgUnit Unit(std::string code, OrgUnitType type = OrgUnitType::kDepartment, OrgUnitId parent = {}) {
  OrgUnit unit;
  unit.code = std::move(code);
  unit.name_vi = "Đơn vị " + unit.code;
  unit.type = type;
  unit.parent = parent;
  return unit;
}

OrgUnit FullProvince() {
  OrgUnit unit;
  unit.code = "SL";
  unit.name_vi = "Ủy ban nhân dân tỉnh Sơn La";
  unit.name_en = "Son La Provincial People's Committee";
  unit.type = OrgUnitType::kProvince;
  unit.leader_name = "Nguyễn Đình Việt";
  unit.leader_title = "Chủ tịch";
  unit.valid_from = D("2025-07-01");
  unit.valid_to = D("2030-12-31");
  return unit;
}

Directive Resolution57() {
  Directive directive;
  directive.number = "57-NQ/TW";
  directive.kind = "resolution";
  directive.issuer = "Bộ Chính trị";
  directive.issued_on = D("2024-12-22");
  directive.title_vi =
      "Về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi "
      "số quốc gia";
  directive.title_en =
      "On breakthroughs in science, technology, innovation and national digital "
      "transformation";
  directive.url = "https://example.vn/57-NQ-TW";
  return directive;
}

Indicator SimpleIndicator(std::string code) {
  Indicator indicator;
  indicator.code = std::move(code);
  indicator.name_vi = "Chỉ tiêu " + indicator.code;
  return indicator;
}

Task SimpleTask(PlanId plan, std::string code) {
  Task task;
  task.plan = plan;
  task.code = std::move(code);
  task.title_vi = "Nhiệm vụ " + task.code;
  task.assigned_on = D("2025-05-07");
  return task;
}

TaskEvent Event(TaskId task, std::string_view on, std::string actor = "") {
  TaskEvent event;
  event.task = task;
  event.on = D(on);
  event.actor = std::move(actor);
  return event;
}

DataValueQuery AsOf(std::string as_of) {
  DataValueQuery query;
  query.as_of = std::move(as_of);
  return query;
}

DataValueQuery Filter(std::optional<IndicatorId> indicator, std::optional<OrgUnitId> unit) {
  DataValueQuery query;
  query.indicator = indicator;
  query.unit = unit;
  return query;
}

DataValue Value(IndicatorId indicator, OrgUnitId unit, std::string_view period, double value) {
  DataValue data;
  data.indicator = indicator;
  data.unit = unit;
  data.period = P(period);
  data.value = value;
  data.stored_by = "can.bo@sonla.gov.vn";
  return data;
}

// The rows most tests refer to, committed in one transaction by SeedModel().
struct Model {
  OrgUnitId province;
  OrgUnitId department;
  OrgUnitId commune;
  DirectiveId resolution;
  PlanId plan;
  TaskGroupId group;
  IndicatorId indicator;
  IndicatorId indicator2;
};

Model SeedModel(Store& store) {
  Model m;
  auto tx = Must(store.Begin());
  m.province = Must(tx->PutOrgUnit(Unit("SL", OrgUnitType::kProvince)));
  m.department = Must(tx->PutOrgUnit(Unit("SKHCN", OrgUnitType::kDepartment, m.province)));
  m.commune = Must(tx->PutOrgUnit(Unit("CHIENG-AN", OrgUnitType::kWard, m.province)));
  m.resolution = Must(tx->PutDirective(Resolution57()));
  Plan plan;
  plan.code = "333-KH/TU";
  plan.title_vi = "Kế hoạch thực hiện Nghị quyết 57";
  plan.issuer = m.province;
  plan.standing_agency = m.department;
  plan.directives = {m.resolution};
  m.plan = Must(tx->PutPlan(plan));
  TaskGroup group;
  group.plan = m.plan;
  group.code = "G1";
  group.title_vi = "Nâng cao nhận thức";
  m.group = Must(tx->PutTaskGroup(group));
  m.indicator = Must(tx->PutIndicator(SimpleIndicator("OPEN-DATA")));
  m.indicator2 = Must(tx->PutIndicator(SimpleIndicator("ONLINE-PROC")));
  MustOk(tx->Commit());
  return m;
}

// ==== empty store, ids ====

TEST_P(StoreConformanceTest, NewStoreIsEmptyAndMigrated) {
  EXPECT_GT(store().SchemaVersion(), 0);
  EXPECT_THAT(Must(store().OrgUnits()), IsEmpty());
  EXPECT_THAT(Must(store().Successions()), IsEmpty());
  EXPECT_THAT(Must(store().Directives()), IsEmpty());
  EXPECT_THAT(Must(store().Plans()), IsEmpty());
  EXPECT_THAT(Must(store().Indicators()), IsEmpty());
  EXPECT_THAT(Must(store().Targets()), IsEmpty());
  EXPECT_THAT(Must(store().DataValues({})), IsEmpty());
  EXPECT_THAT(Must(store().Users()), IsEmpty());
}

TEST_P(StoreConformanceTest, InsertAssignsDistinctIncreasingIds) {
  auto tx = Begin();
  const OrgUnitId a = Must(tx->PutOrgUnit(Unit("A")));
  const OrgUnitId b = Must(tx->PutOrgUnit(Unit("B")));
  const OrgUnitId c = Must(tx->PutOrgUnit(Unit("C")));
  MustOk(tx->Commit());
  EXPECT_GT(a.value, 0);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  auto units = Must(store().OrgUnits());
  ASSERT_THAT(units, SizeIs(3));
  EXPECT_EQ(units[0].id, a);
  EXPECT_EQ(units[1].id, b);
  EXPECT_EQ(units[2].id, c);
  EXPECT_EQ(units[1].code, "B");
}

// ==== org units and successions ====

TEST_P(StoreConformanceTest, OrgUnitRoundTripsEveryField) {
  auto tx = Begin();
  OrgUnit province = FullProvince();
  province.id = Must(tx->PutOrgUnit(province));
  OrgUnit ward;
  ward.code = "CHIENG-AN";
  ward.name_vi = "Phường Chiềng An";
  ward.name_en = "Chieng An Ward";
  ward.type = OrgUnitType::kWard;
  ward.parent = province.id;
  ward.leader_name = "Lò Thị Hương";
  ward.leader_title = "Chủ tịch UBND phường";
  ward.valid_from = D("2025-07-01");
  ward.id = Must(tx->PutOrgUnit(ward));
  MustOk(tx->Commit());
  ExpectSameList({province, ward}, Must(store().OrgUnits()));
}

TEST_P(StoreConformanceTest, OrgUnitUpdateReplacesTheRowInPlace) {
  auto tx = Begin();
  OrgUnit first = Unit("A");
  first.id = Must(tx->PutOrgUnit(first));
  const OrgUnitId second = Must(tx->PutOrgUnit(Unit("B")));
  MustOk(tx->Commit());

  tx = Begin();
  first.name_vi = "Sở Thông tin và Truyền thông (đã hợp nhất)";
  first.valid_to = D("2025-02-28");
  first.parent = second;
  EXPECT_EQ(Must(tx->PutOrgUnit(first)), first.id);
  MustOk(tx->Commit());

  auto units = Must(store().OrgUnits());
  ASSERT_THAT(units, SizeIs(2));
  ExpectSame(first, units[0]);  // still first: lists follow ids, not update order
  EXPECT_EQ(units[1].id, second);
}

TEST_P(StoreConformanceTest, OrgUnitDuplicateCodeIsConflictNamingTheCode) {
  auto tx = Begin();
  Must(tx->PutOrgUnit(Unit("SKHCN")));
  EXPECT_THAT(tx->PutOrgUnit(Unit("SKHCN")), FailsWith(ErrorCode::kConflict, "'SKHCN'"));
}

TEST_P(StoreConformanceTest, OrgUnitUpdateToAnotherUnitsCodeIsConflict) {
  auto tx = Begin();
  OrgUnit a = Unit("A");
  a.id = Must(tx->PutOrgUnit(a));
  Must(tx->PutOrgUnit(Unit("B")));
  a.name_en = "kept code";
  EXPECT_EQ(Must(tx->PutOrgUnit(a)), a.id);  // its own code is not a conflict
  a.code = "B";
  EXPECT_THAT(tx->PutOrgUnit(a), FailsWith(ErrorCode::kConflict, "'B'"));
}

TEST_P(StoreConformanceTest, OrgUnitUpdateOfUnknownIdIsNotFound) {
  auto tx = Begin();
  OrgUnit unit = Unit("GHOST");
  unit.id = OrgUnitId{4242};
  EXPECT_THAT(tx->PutOrgUnit(unit), FailsWith(ErrorCode::kNotFound, "4242"));
  EXPECT_THAT(Must(tx->OrgUnits()), IsEmpty());
}

TEST_P(StoreConformanceTest, OrgUnitWithMissingParentIsInvalid) {
  auto tx = Begin();
  EXPECT_THAT(tx->PutOrgUnit(Unit("X", OrgUnitType::kCommune, OrgUnitId{777})),
              FailsWith(ErrorCode::kInvalidArgument, "parent org unit 777"));
}

TEST_P(StoreConformanceTest, OrgUnitParentCycleIsInvalid) {
  auto tx = Begin();
  OrgUnit root = Unit("ROOT", OrgUnitType::kProvince);
  root.id = Must(tx->PutOrgUnit(root));
  const OrgUnitId child = Must(tx->PutOrgUnit(Unit("CHILD", OrgUnitType::kCommune, root.id)));
  root.parent = child;
  EXPECT_THAT(tx->PutOrgUnit(root), FailsWith(ErrorCode::kInvalidArgument, "'ROOT'"));
  root.parent = root.id;
  EXPECT_THAT(tx->PutOrgUnit(root), FailsWith(ErrorCode::kInvalidArgument, "own ancestor"));
}

TEST_P(StoreConformanceTest, SuccessionsRoundTripInEffectiveDateOrder) {
  auto tx = Begin();
  const OrgUnitId a = Must(tx->PutOrgUnit(Unit("A", OrgUnitType::kCommune)));
  const OrgUnitId b = Must(tx->PutOrgUnit(Unit("B", OrgUnitType::kCommune)));
  const OrgUnitId c = Must(tx->PutOrgUnit(Unit("C", OrgUnitType::kCommune)));
  const OrgUnitId d = Must(tx->PutOrgUnit(Unit("D", OrgUnitType::kCommune)));
  MustOk(tx->PutSuccession({c, d, D("2025-07-01")}));  // later restructure first
  MustOk(tx->PutSuccession({b, c, D("2025-03-01")}));  // merge of a and b into c
  MustOk(tx->PutSuccession({a, c, D("2025-03-01")}));
  MustOk(tx->Commit());
  auto successions = Must(store().Successions());
  ASSERT_THAT(successions, SizeIs(3));
  EXPECT_EQ(successions[0].predecessor, a);
  EXPECT_EQ(successions[0].successor, c);
  EXPECT_EQ(successions[0].effective_on, D("2025-03-01"));
  EXPECT_EQ(successions[1].predecessor, b);
  EXPECT_EQ(successions[2].predecessor, c);
  EXPECT_EQ(successions[2].successor, d);
  EXPECT_EQ(successions[2].effective_on, D("2025-07-01"));
}

TEST_P(StoreConformanceTest, SuccessionReferencesMustExist) {
  auto tx = Begin();
  const OrgUnitId a = Must(tx->PutOrgUnit(Unit("A")));
  EXPECT_THAT(tx->PutSuccession({a, OrgUnitId{99}, D("2025-07-01")}),
              FailsWith(ErrorCode::kInvalidArgument, "successor org unit 99"));
  EXPECT_THAT(tx->PutSuccession({OrgUnitId{98}, a, D("2025-07-01")}),
              FailsWith(ErrorCode::kInvalidArgument, "predecessor org unit 98"));
  EXPECT_THAT(tx->PutSuccession({a, a, D("2025-07-01")}),
              FailsWith(ErrorCode::kInvalidArgument, "itself"));
}

// ==== directives and plans ====

TEST_P(StoreConformanceTest, DirectiveRoundTripsAndNumberIsUnique) {
  auto tx = Begin();
  Directive resolution = Resolution57();
  resolution.id = Must(tx->PutDirective(resolution));
  Directive dispatch;
  dispatch.number = "333-KH/TU";
  dispatch.kind = "plan";
  dispatch.title_vi = "Kế hoạch số 333-KH/TU";
  dispatch.id = Must(tx->PutDirective(dispatch));  // optionals left empty
  EXPECT_THAT(tx->PutDirective(Resolution57()), FailsWith(ErrorCode::kConflict, "'57-NQ/TW'"));
  MustOk(tx->Commit());
  ExpectSameList({resolution, dispatch}, Must(store().Directives()));
}

TEST_P(StoreConformanceTest, PlanRoundTripsDirectivesAndStagesInOrder) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const DirectiveId decision = Must(tx->PutDirective(Directive{{},
                                                               "749/QĐ-TTg",
                                                               "decision",
                                                               "Thủ tướng",
                                                               std::nullopt,
                                                               "Chương trình chuyển đổi số",
                                                               "",
                                                               ""}));
  Plan plan;
  plan.code = "KH-CHIENG-AN";
  plan.title_vi = "Kế hoạch của phường Chiềng An";
  plan.title_en = "Chieng An ward's plan";
  plan.issuer = m.commune;
  plan.directives = {decision, m.resolution};  // not in id order
  plan.parent = m.plan;
  plan.start = D("2025-06-01");
  plan.end = D("2030-12-31");
  plan.stages = {"2025", "2026–2030", "tầm nhìn 2045"};
  plan.standing_agency = m.commune;
  plan.id = Must(tx->PutPlan(plan));
  MustOk(tx->Commit());
  auto plans = Must(store().Plans());
  ASSERT_THAT(plans, SizeIs(2));
  EXPECT_EQ(plans[0].id, m.plan);
  EXPECT_EQ(plans[0].directives, std::vector<DirectiveId>{m.resolution});
  EXPECT_THAT(plans[0].stages, IsEmpty());
  ExpectSame(plan, plans[1]);
}

TEST_P(StoreConformanceTest, PlanUpdateReplacesItsLists) {
  const Model m = SeedModel(store());
  auto plans = Must(store().Plans());
  ASSERT_THAT(plans, SizeIs(1));
  Plan plan = plans[0];
  EXPECT_EQ(plan.id, m.plan);
  plan.stages = {"2025"};
  plan.directives = {};
  plan.end = D("2025-12-31");
  auto tx = Begin();
  EXPECT_EQ(Must(tx->PutPlan(plan)), plan.id);
  MustOk(tx->Commit());
  ExpectSameList({plan}, Must(store().Plans()));
}

TEST_P(StoreConformanceTest, PlanReferencesMustExistAndCodeIsUnique) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Plan plan;
  plan.code = "NEW";
  plan.issuer = OrgUnitId{501};
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kInvalidArgument, "issuing org unit 501"));
  plan.issuer = {};
  plan.standing_agency = OrgUnitId{502};
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kInvalidArgument, "org unit 502"));
  plan.standing_agency = {};
  plan.directives = {DirectiveId{503}};
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kInvalidArgument, "directive 503"));
  plan.directives = {m.resolution, m.resolution};
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kInvalidArgument, "twice"));
  plan.directives = {};
  plan.parent = PlanId{504};
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kInvalidArgument, "parent plan 504"));
  plan.parent = {};
  plan.code = "333-KH/TU";
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kConflict, "'333-KH/TU'"));
  plan.code = "";
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kInvalidArgument, "plan code"));
  plan.code = "NEW";
  plan.id = PlanId{505};
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kNotFound, "plan 505"));
}

// ==== task groups ====

TEST_P(StoreConformanceTest, TaskGroupsRoundTripPerPlanInIdOrder) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  TaskGroup child;
  child.plan = m.plan;
  child.code = "G1.1";
  child.title_vi = "Tuyên truyền về chuyển đổi số";
  child.title_en = "Communication on digital transformation";
  child.order = -3;  // ids, not `order`, decide the list order
  child.parent = m.group;
  child.id = Must(tx->PutTaskGroup(child));
  Plan other;
  other.code = "OTHER";
  const PlanId other_plan = Must(tx->PutPlan(other));
  TaskGroup elsewhere;
  elsewhere.plan = other_plan;
  elsewhere.code = "G1";  // same code, other plan: allowed
  elsewhere.id = Must(tx->PutTaskGroup(elsewhere));
  MustOk(tx->Commit());

  auto groups = Must(store().TaskGroups(m.plan));
  ASSERT_THAT(groups, SizeIs(2));
  EXPECT_EQ(groups[0].id, m.group);
  EXPECT_EQ(groups[0].code, "G1");
  EXPECT_EQ(groups[0].title_vi, "Nâng cao nhận thức");
  ExpectSame(child, groups[1]);
  ExpectSameList({elsewhere}, Must(store().TaskGroups(other_plan)));
}

TEST_P(StoreConformanceTest, TaskGroupErrors) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  TaskGroup group;
  group.plan = m.plan;
  group.code = "G1";
  EXPECT_THAT(tx->PutTaskGroup(group), FailsWith(ErrorCode::kConflict, "'G1'"));
  group.code = "G2";
  group.plan = PlanId{808};
  EXPECT_THAT(tx->PutTaskGroup(group), FailsWith(ErrorCode::kInvalidArgument, "plan 808"));
  group.plan = m.plan;
  group.parent = TaskGroupId{809};
  EXPECT_THAT(tx->PutTaskGroup(group),
              FailsWith(ErrorCode::kInvalidArgument, "parent task group 809"));
  group.parent = {};
  group.id = TaskGroupId{810};
  EXPECT_THAT(tx->PutTaskGroup(group), FailsWith(ErrorCode::kNotFound, "task group 810"));
  EXPECT_THAT(tx->TaskGroups(PlanId{811}), FailsWith(ErrorCode::kNotFound, "plan 811"));
}

// ==== tasks ====

Task FullTask(const Model& m) {
  Task task;
  task.plan = m.plan;
  task.group = m.group;
  task.code = "NV-07";
  task.title_vi = "Xây dựng Chiến lược phát triển hạ tầng số 10 năm";
  task.title_en = "Build the 10-year digital infrastructure strategy";
  task.description = "Theo Nghị quyết số 57-NQ/TW; phối hợp với các sở, ngành.\nDòng thứ hai.";
  task.lead_unit = m.department;
  task.coordinating_units = {m.commune, m.province};  // not in id order
  task.kind = TaskKind::kDeadline;
  task.assigned_on = D("2025-05-07");
  task.start = D("2025-06-01");
  task.deadline = D("2025-12-31");
  task.expected_output = "Chiến lược được UBND tỉnh phê duyệt";
  task.priority = 2;
  task.indicators = {m.indicator2, m.indicator};
  task.classified = true;
  return task;
}

TEST_P(StoreConformanceTest, TaskRoundTripsEveryField) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Task task = FullTask(m);
  task.id = Must(tx->PutTask(task));
  Task recurring = SimpleTask(m.plan, "NV-08");
  recurring.kind = TaskKind::kRecurring;
  recurring.cadence = PeriodType::kQuarter;
  recurring.parent = task.id;
  recurring.id = Must(tx->PutTask(recurring));
  MustOk(tx->Commit());
  ExpectSameList({task, recurring}, Must(store().Tasks(m.plan)));
}

TEST_P(StoreConformanceTest, TaskUpdateKeepsEveryVersion) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Task v1 = FullTask(m);
  v1.id = Must(tx->PutTask(v1));
  MustOk(tx->Commit());
  ExpectSameList({v1}, Values(Must(store().TaskHistory(v1.id))));

  Task v2 = v1;
  v2.lead_unit = m.commune;
  v2.coordinating_units = {m.department};
  v2.indicators = {};
  v2.title_vi = "Tiêu đề đã sửa";
  tx = Begin();
  EXPECT_EQ(Must(tx->PutTask(v2)), v1.id);
  MustOk(tx->Commit());

  Task v3 = v2;
  v3.deadline = std::nullopt;
  v3.kind = TaskKind::kRecurring;
  v3.cadence = PeriodType::kMonth;
  tx = Begin();
  Must(tx->PutTask(v3));
  MustOk(tx->Commit());

  ExpectSameList({v1, v2, v3}, Values(Must(store().TaskHistory(v1.id))));
  ExpectSameList({v3}, Must(store().Tasks(m.plan)));
}

TEST_P(StoreConformanceTest, TaskHistoryOfUnknownTaskIsNotFound) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(SimpleTask(m.plan, "NV-01")));
  MustOk(tx->Commit());
  const auto history = Must(store().TaskHistory(task));
  ASSERT_THAT(history, SizeIs(1));
  EXPECT_EQ(history[0].value.code, "NV-01");
  EXPECT_EQ(history[0].superseded_at, "");
  EXPECT_THAT(store().TaskHistory(TaskId{9090}), FailsWith(ErrorCode::kNotFound, "task 9090"));
  auto tx2 = Begin();
  EXPECT_THAT(tx2->TaskHistory(TaskId{9091}), FailsWith(ErrorCode::kNotFound, "task 9091"));
}

TEST_P(StoreConformanceTest, TaskCodeIsUniqueWithinItsPlanOnly) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Must(tx->PutTask(SimpleTask(m.plan, "NV-01")));
  EXPECT_THAT(tx->PutTask(SimpleTask(m.plan, "NV-01")), FailsWith(ErrorCode::kConflict, "'NV-01'"));
  Plan other;
  other.code = "OTHER";
  const PlanId other_plan = Must(tx->PutPlan(other));
  Must(tx->PutTask(SimpleTask(other_plan, "NV-01")));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().Tasks(m.plan)), SizeIs(1));
  EXPECT_THAT(Must(store().Tasks(other_plan)), SizeIs(1));
}

TEST_P(StoreConformanceTest, TaskUpdateOfUnknownIdIsNotFound) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Task task = SimpleTask(m.plan, "NV-01");
  task.id = TaskId{5150};
  EXPECT_THAT(tx->PutTask(task), FailsWith(ErrorCode::kNotFound, "task 5150"));
}

TEST_P(StoreConformanceTest, TaskReferencesMustExist) {
  const Model m = SeedModel(store());
  struct Case {
    std::string name;
    std::function<void(Task&)> edit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"plan", [](Task& t) { t.plan = PlanId{901}; }, "plan 901"},
      {"group", [](Task& t) { t.group = TaskGroupId{902}; }, "task group 902"},
      {"parent", [](Task& t) { t.parent = TaskId{903}; }, "parent task 903"},
      {"lead unit", [](Task& t) { t.lead_unit = OrgUnitId{904}; }, "lead unit 904"},
      {"coordinating unit",
       [&](Task& t) {
         t.coordinating_units = {m.commune, OrgUnitId{905}};
       },
       "coordinating unit 905"},
      {"indicator", [](Task& t) { t.indicators = {IndicatorId{906}}; }, "indicator 906"},
      {"duplicate unit",
       [&](Task& t) {
         t.coordinating_units = {m.commune, m.commune};
       },
       "twice"},
  };
  auto tx = Begin();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Task task = FullTask(m);
    c.edit(task);
    EXPECT_THAT(tx->PutTask(task), FailsWith(ErrorCode::kInvalidArgument, c.message));
  }
  EXPECT_THAT(Must(tx->Tasks(m.plan)), IsEmpty());
}

TEST_P(StoreConformanceTest, TaskGroupMustBelongToTheTasksPlan) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Plan other;
  other.code = "OTHER";
  const PlanId other_plan = Must(tx->PutPlan(other));
  Task task = SimpleTask(other_plan, "NV-01");
  task.group = m.group;  // a group of m.plan
  EXPECT_THAT(tx->PutTask(task), FailsWith(ErrorCode::kInvalidArgument, "'NV-01'"));
}

TEST_P(StoreConformanceTest, TaskParentCycleIsInvalid) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Task parent = SimpleTask(m.plan, "NV-01");
  parent.id = Must(tx->PutTask(parent));
  Task child = SimpleTask(m.plan, "NV-01.1");
  child.parent = parent.id;
  child.id = Must(tx->PutTask(child));
  parent.parent = child.id;
  EXPECT_THAT(tx->PutTask(parent), FailsWith(ErrorCode::kInvalidArgument, "own ancestor"));
}

// ==== task events ====

TEST_P(StoreConformanceTest, TaskEventsRoundTripEveryField) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(FullTask(m)));
  TaskEvent progress;
  progress.task = task;
  progress.kind = TaskEventKind::kProgress;
  progress.on = D("2025-06-30");
  progress.progress_percent = 40;
  progress.period = P("2025Q2");
  progress.actor = "Sở KH&CN";
  progress.difficulties = "Thiếu nhân lực công nghệ thông tin";
  progress.proposals = "Đề nghị bổ sung kinh phí";
  TaskEvent amend;
  amend.task = task;
  amend.kind = TaskEventKind::kAmend;
  amend.on = D("2025-07-15");
  amend.new_deadline = D("2026-03-31");
  amend.new_lead_unit = m.commune;
  amend.actor = "Ban Chỉ đạo tỉnh";
  amend.requested_by = "Sở KH&CN";
  amend.reason = "Chờ hướng dẫn của Trung ương";
  TaskEvent claim;
  claim.task = task;
  claim.kind = TaskEventKind::kClaim;
  claim.on = D("2025-12-20");
  claim.completed_on = D("2025-12-18");
  claim.progress_percent = 100;
  claim.evidence = "https://sonla.gov.vn/chien-luoc.pdf";
  TaskEvent verify;
  verify.task = task;
  verify.kind = TaskEventKind::kVerify;
  verify.on = D("2025-12-22");
  verify.completed_on = D("2025-12-19");
  for (const TaskEvent* e : {&progress, &amend, &claim, &verify}) MustOk(tx->AppendTaskEvent(*e));
  MustOk(tx->Commit());
  ExpectSameList({progress, amend, claim, verify}, Must(store().TaskEvents(m.plan)));
}

TEST_P(StoreConformanceTest, TaskEventsComeInAppendOrderAcrossTasksAndTransactions) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId a = Must(tx->PutTask(SimpleTask(m.plan, "A")));
  const TaskId b = Must(tx->PutTask(SimpleTask(m.plan, "B")));
  // Neither task order nor date order: only append order counts.
  MustOk(tx->AppendTaskEvent(Event(b, "2025-09-01", "1")));
  MustOk(tx->AppendTaskEvent(Event(a, "2025-08-01", "2")));
  MustOk(tx->Commit());
  tx = Begin();
  MustOk(tx->AppendTaskEvent(Event(b, "2025-07-01", "3")));
  MustOk(tx->AppendTaskEvent(Event(a, "2025-10-01", "4")));
  MustOk(tx->AppendTaskEvent(Event(b, "2025-07-01", "5")));
  MustOk(tx->Commit());
  std::vector<std::string> actors;
  for (const TaskEvent& e : Must(store().TaskEvents(m.plan))) actors.push_back(e.actor);
  EXPECT_THAT(actors, ElementsAre("1", "2", "3", "4", "5"));
}

TEST_P(StoreConformanceTest, CommitLogNamesWhatEachCountedCommitChanged) {
  const Model m = SeedModel(store());
  const std::int64_t start = Must(store().CommitSerial());
  auto tx = Begin();
  Plan other;
  other.code = "OTHER";
  const PlanId other_plan = Must(tx->PutPlan(other));
  MustOk(tx->Commit());
  tx = Begin();
  const TaskId a = Must(tx->PutTask(SimpleTask(m.plan, "A")));
  MustOk(tx->Commit());
  tx = Begin();
  MustOk(tx->AppendTaskEvent(Event(a, "2025-08-01", "1")));  // the plan comes from the task
  MustOk(tx->Commit());
  tx = Begin();
  (void)Must(tx->PutTask(SimpleTask(other_plan, "B")));
  MustOk(tx->Commit());
  const std::int64_t end = Must(store().CommitSerial());
  ASSERT_EQ(end, start + 4);

  const CommitLogSummary all = Must(store().CommitLog(start, end));
  EXPECT_TRUE(all.complete);
  EXPECT_TRUE(all.catalog);
  EXPECT_THAT(all.plans, ElementsAre(std::min(m.plan, other_plan), std::max(m.plan, other_plan)));
  const CommitLogSummary tasks_only = Must(store().CommitLog(start + 1, start + 3));
  EXPECT_TRUE(tasks_only.complete);
  EXPECT_FALSE(tasks_only.catalog);
  EXPECT_THAT(tasks_only.plans, ElementsAre(m.plan));
  const CommitLogSummary nothing = Must(store().CommitLog(end, end));
  EXPECT_TRUE(nothing.complete);
  EXPECT_FALSE(nothing.catalog);
  EXPECT_THAT(nothing.plans, IsEmpty());
  // Serials the log never held (before it, or beyond the last commit) make it incomplete.
  EXPECT_FALSE(Must(store().CommitLog(start, end + 1)).complete);
  // A transaction that changes nothing the index keeps is not counted.
  tx = Begin();
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().CommitSerial()), end);
}

TEST_P(StoreConformanceTest, AWatchWakesForAnotherStoresCommit) {
  const Model m = SeedModel(store());
  auto watch = Must(store().WatchCommits());
  const std::int64_t before = Must(store().CommitSerial());
  {
    auto other = OpenAnother();
    auto tx = Must(other->Begin());
    (void)Must(tx->PutTask(SimpleTask(m.plan, "ELSEWHERE")));
    MustOk(tx->Commit());
  }
  bool woken = false;
  for (int i = 0; i < 100 && !woken; ++i) woken = Must(watch->Wait(std::chrono::milliseconds(100)));
  EXPECT_TRUE(woken);
  EXPECT_EQ(Must(store().CommitSerial()), before + 1);
}

TEST_P(StoreConformanceTest, TaskEventsAreScopedToTheirPlan) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Plan other;
  other.code = "OTHER";
  const PlanId other_plan = Must(tx->PutPlan(other));
  const TaskId here = Must(tx->PutTask(SimpleTask(m.plan, "HERE")));
  const TaskId there = Must(tx->PutTask(SimpleTask(other_plan, "THERE")));
  MustOk(tx->AppendTaskEvent(Event(there, "2025-07-01")));
  MustOk(tx->AppendTaskEvent(Event(here, "2025-07-02")));
  MustOk(tx->Commit());
  auto events = Must(store().TaskEvents(m.plan));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].task, here);
  EXPECT_THAT(store().TaskEvents(PlanId{31337}), FailsWith(ErrorCode::kNotFound, "plan 31337"));
}

TEST_P(StoreConformanceTest, TaskEventForUnknownTaskIsInvalid) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(SimpleTask(m.plan, "NV-01")));
  EXPECT_THAT(tx->AppendTaskEvent(Event(TaskId{6060}, "2025-07-01")),
              FailsWith(ErrorCode::kInvalidArgument, "task 6060"));
  MustOk(tx->AppendTaskEvent(Event(task, "2025-07-01", "still usable")));
  MustOk(tx->Commit());
  auto events = Must(store().TaskEvents(m.plan));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].actor, "still usable");
}

TaskEvent Amend(TaskId task, std::string_view on, std::optional<Date> new_deadline,
                OrgUnitId new_lead_unit) {
  TaskEvent event = Event(task, on, "Ban Chỉ đạo tỉnh");
  event.kind = TaskEventKind::kAmend;
  event.new_deadline = new_deadline;
  event.new_lead_unit = new_lead_unit;
  event.requested_by = "Sở KH&CN";
  event.reason = "Điều chỉnh đơn vị chủ trì";
  return event;
}

TEST_P(StoreConformanceTest, AmendEventsRoundTripTheNewLeadUnitWithOrWithoutADeadline) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(FullTask(m)));
  const TaskEvent both = Amend(task, "2025-07-15", D("2026-03-31"), m.commune);
  const TaskEvent lead_only = Amend(task, "2025-08-01", std::nullopt, m.province);
  const TaskEvent deadline_only = Amend(task, "2025-09-01", D("2026-06-30"), OrgUnitId{});
  TaskEvent progress = Event(task, "2025-09-30", "UBND phường Chiềng An");
  progress.progress_percent = 60;
  for (const TaskEvent& e : {both, lead_only, deadline_only, progress}) {
    MustOk(tx->AppendTaskEvent(e));
  }
  MustOk(tx->Commit());

  const auto events = Must(store().TaskEvents(m.plan));
  ExpectSameList({both, lead_only, deadline_only, progress}, events);
  ASSERT_THAT(events, SizeIs(4));
  EXPECT_EQ(events[0].new_lead_unit, m.commune);
  EXPECT_EQ(events[0].new_deadline, D("2026-03-31"));
  EXPECT_EQ(events[1].new_lead_unit, m.province);
  EXPECT_FALSE(events[1].new_deadline.has_value());
  EXPECT_EQ(events[2].new_lead_unit, OrgUnitId{});  // none: the lead unit is unchanged
  EXPECT_EQ(events[3].new_lead_unit, OrgUnitId{});

  Reopen();
  ExpectSameList({both, lead_only, deadline_only, progress}, Must(store().TaskEvents(m.plan)));
}

TEST_P(StoreConformanceTest, EventsWithoutANewLeadUnitReadBackWithNone) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(SimpleTask(m.plan, "NV-01")));
  TaskEvent claim = Event(task, "2025-12-20", "Sở KH&CN");
  claim.kind = TaskEventKind::kClaim;
  claim.completed_on = D("2025-12-18");
  TaskEvent cancel = Event(task, "2025-12-30", "Ban Chỉ đạo tỉnh");
  cancel.kind = TaskEventKind::kCancel;
  cancel.reason = "Không còn phù hợp";
  MustOk(tx->AppendTaskEvent(Event(task, "2025-07-01", "Sở KH&CN")));
  MustOk(tx->AppendTaskEvent(claim));
  MustOk(tx->AppendTaskEvent(cancel));
  MustOk(tx->Commit());
  const auto events = Must(store().TaskEvents(m.plan));
  ASSERT_THAT(events, SizeIs(3));
  for (const TaskEvent& event : events) {
    SCOPED_TRACE(std::string(TaskEventKindName(event.kind)));
    EXPECT_FALSE(event.new_lead_unit);
    EXPECT_EQ(event.new_lead_unit.value, 0);
  }
  EXPECT_EQ(events[1].kind, TaskEventKind::kClaim);
  EXPECT_EQ(events[2].reason, "Không còn phù hợp");
}

TEST_P(StoreConformanceTest, AmendEventWithUnknownNewLeadUnitIsInvalidAndTheTransactionGoesOn) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(SimpleTask(m.plan, "NV-01")));
  EXPECT_THAT(tx->AppendTaskEvent(Amend(task, "2025-07-15", D("2026-03-31"), OrgUnitId{7070})),
              FailsWith(ErrorCode::kInvalidArgument, "new lead unit 7070"));
  EXPECT_THAT(tx->AppendTaskEvent(Amend(task, "2025-07-16", std::nullopt, OrgUnitId{7071})),
              FailsWith(ErrorCode::kInvalidArgument, "new lead unit 7071"));
  EXPECT_THAT(Must(tx->TaskEvents(m.plan)), IsEmpty());  // nothing of the failed appends stays
  const TaskEvent valid = Amend(task, "2025-07-17", std::nullopt, m.department);
  MustOk(tx->AppendTaskEvent(valid));
  MustOk(tx->Commit());
  const auto events = Must(store().TaskEvents(m.plan));
  ASSERT_THAT(events, SizeIs(1));
  ExpectSame(valid, events[0]);
  EXPECT_EQ(events[0].new_lead_unit, m.department);
}

// ==== indicators and targets ====

TEST_P(StoreConformanceTest, IndicatorRoundTripsEveryField) {
  const Model m = SeedModel(store());
  Indicator ratio;
  ratio.code = "DIGITIZED-RATE";
  ratio.name_vi = "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính";
  ratio.name_en = "Document digitization rate";
  ratio.unit_of_measure = "%";
  ratio.indicator_class = IndicatorClass::kStrategic;
  ratio.value_type = ValueType::kPercent;
  ratio.unit_aggregation = UnitAggregation::kRatio;
  ratio.numerator = m.indicator;
  ratio.denominator = m.indicator2;
  ratio.factor = 100.0;
  ratio.time_aggregation = TimeAggregation::kAverage;
  ratio.direction = Direction::kDown;
  ratio.period_type = PeriodType::kQuarter;
  ratio.baseline_value = 12.5;
  ratio.baseline_date = D("2024-12-31");
  ratio.min_value = 0.0;
  ratio.max_value = 100.0;
  ratio.at_risk_threshold = 0.85;
  ratio.data_source = "Cổng dịch vụ công quốc gia";
  ratio.responsible_unit = m.department;
  auto tx = Begin();
  ratio.id = Must(tx->PutIndicator(ratio));
  MustOk(tx->Commit());
  auto indicators = Must(store().Indicators());
  ASSERT_THAT(indicators, SizeIs(3));
  EXPECT_EQ(indicators[0].id, m.indicator);
  EXPECT_EQ(indicators[0].code, "OPEN-DATA");
  EXPECT_EQ(indicators[0].baseline_value, std::nullopt);
  EXPECT_EQ(indicators[0].min_value, std::nullopt);
  EXPECT_EQ(indicators[0].numerator, IndicatorId{});
  ExpectSame(ratio, indicators[2]);
}

TEST_P(StoreConformanceTest, IndicatorErrors) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  EXPECT_THAT(tx->PutIndicator(SimpleIndicator("OPEN-DATA")),
              FailsWith(ErrorCode::kConflict, "'OPEN-DATA'"));
  Indicator indicator = SimpleIndicator("NEW");
  indicator.numerator = IndicatorId{4401};
  EXPECT_THAT(tx->PutIndicator(indicator), FailsWith(ErrorCode::kInvalidArgument, "4401"));
  indicator.numerator = {};
  indicator.responsible_unit = OrgUnitId{4402};
  EXPECT_THAT(tx->PutIndicator(indicator),
              FailsWith(ErrorCode::kInvalidArgument, "responsible org unit 4402"));
  indicator.responsible_unit = {};
  indicator.id = IndicatorId{4403};
  EXPECT_THAT(tx->PutIndicator(indicator), FailsWith(ErrorCode::kNotFound, "indicator 4403"));
  Indicator self_ratio = SimpleIndicator("OPEN-DATA");
  self_ratio.id = m.indicator;
  self_ratio.unit_aggregation = UnitAggregation::kRatio;
  self_ratio.numerator = m.indicator;
  self_ratio.denominator = m.indicator2;
  EXPECT_THAT(tx->PutIndicator(self_ratio), FailsWith(ErrorCode::kInvalidArgument, "itself"));
  Indicator not_finite = SimpleIndicator("NAN");
  not_finite.factor = std::nan("");
  EXPECT_THAT(tx->PutIndicator(not_finite), FailsWith(ErrorCode::kInvalidArgument, "factor"));
}

TEST_P(StoreConformanceTest, TargetsReplaceOnSameKeyAndListInKeyOrder) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  MustOk(tx->PutTarget({m.indicator2, {}, D("2030-12-31"), 80}));
  MustOk(tx->PutTarget({m.indicator, m.commune, D("2025-12-31"), 5}));
  MustOk(tx->PutTarget({m.indicator, {}, D("2030-12-31"), 900}));
  MustOk(tx->PutTarget({m.indicator, {}, D("2025-12-31"), 658}));
  MustOk(tx->PutTarget({m.indicator, {}, D("2030-12-31"), 1000}));  // replaces 900
  MustOk(tx->Commit());
  auto targets = Must(store().Targets());
  ASSERT_THAT(targets, SizeIs(4));
  ExpectSame(Target{m.indicator, {}, D("2025-12-31"), 658}, targets[0]);
  ExpectSame(Target{m.indicator, {}, D("2030-12-31"), 1000}, targets[1]);
  ExpectSame(Target{m.indicator, m.commune, D("2025-12-31"), 5}, targets[2]);
  ExpectSame(Target{m.indicator2, {}, D("2030-12-31"), 80}, targets[3]);
}

TEST_P(StoreConformanceTest, TargetReferencesMustExist) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  EXPECT_THAT(tx->PutTarget({IndicatorId{7001}, {}, D("2030-12-31"), 1}),
              FailsWith(ErrorCode::kInvalidArgument, "indicator 7001"));
  EXPECT_THAT(tx->PutTarget({m.indicator, OrgUnitId{7002}, D("2030-12-31"), 1}),
              FailsWith(ErrorCode::kInvalidArgument, "org unit 7002"));
}

// ==== target history and as-of ====

TEST_P(StoreConformanceTest, TargetChangedTwiceKeepsEveryValueWithChainedInstants) {
  const Model m = SeedModel(store());
  const Target v1{m.indicator, {}, D("2030-12-31"), 900};
  const Target v2{m.indicator, {}, D("2030-12-31"), 1000};
  const Target v3{m.indicator, {}, D("2030-12-31"), 1200.5};
  auto tx = Begin();
  MustOk(tx->PutTarget(v1));
  MustOk(tx->Commit());
  tx = Begin();
  MustOk(tx->PutTarget(v2));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));  // same transaction
  MustOk(tx->Commit());
  tx = Begin();
  MustOk(tx->PutTarget(v3));
  MustOk(tx->Commit());

  const auto history = Must(store().TargetHistory(m.indicator, {}, D("2030-12-31")));
  ASSERT_THAT(history, SizeIs(3));
  ExpectSameList({v1, v2, v3}, Values(history));
  ExpectContiguous(history);
  // One clock for every record: the target and the data value of one transaction share it.
  const auto values = Must(store().DataValues({}));
  ASSERT_THAT(values, SizeIs(1));
  EXPECT_EQ(history[1].recorded_at, values[0].stored_at);
  // Only the current value is listed.
  ExpectSameList({v3}, Must(store().Targets()));
  // The same history from a transaction, and after reopening the database.
  tx = Begin();
  ExpectSameList(history, Must(tx->TargetHistory(m.indicator, {}, D("2030-12-31"))));
  tx.reset();
  Reopen();
  ExpectSameList(history, Must(store().TargetHistory(m.indicator, {}, D("2030-12-31"))));
}

TEST_P(StoreConformanceTest, TargetsAsOfReconstructEachInstant) {
  const Model m = SeedModel(store());
  const Target a1{m.indicator, {}, D("2030-12-31"), 900};
  const Target a2{m.indicator, {}, D("2030-12-31"), 1000};
  const Target a3{m.indicator, {}, D("2030-12-31"), 1100};
  const Target b{m.indicator2, m.commune, D("2025-12-31"), 7};
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(a1));
    MustOk(tx->Commit());
  }
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(b));  // created with the first change of a
    MustOk(tx->PutTarget(a2));
    MustOk(tx->Commit());
  }
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(a3));
    MustOk(tx->Commit());
  }
  const auto history = Must(store().TargetHistory(m.indicator, {}, D("2030-12-31")));
  ASSERT_THAT(history, SizeIs(3));
  const std::string t1 = history[0].recorded_at;
  const std::string t2 = history[1].recorded_at;
  const std::string t3 = history[2].recorded_at;

  auto at = [&](const std::string& as_of) {
    SCOPED_TRACE("as of " + as_of);
    return Must(store().TargetsAsOf(as_of));
  };
  EXPECT_THAT(at(kBeforeEverything), IsEmpty());
  EXPECT_THAT(at(MsBefore(t1)), IsEmpty());
  ExpectSameList({a1}, at(t1));  // current from its recorded_at inclusive
  ExpectSameList({a1}, at(JustAfter(t1)));
  ExpectSameList({a1}, at(MsBefore(t2)));
  ExpectSameList({a2, b}, at(t2));  // exactly at a change: the new value
  ExpectSameList({a2, b}, at(JustAfter(t2)));
  ExpectSameList({a2, b}, at(MsBefore(t3)));
  ExpectSameList({a3, b}, at(t3));
  ExpectSameList({a3, b}, at(kAfterEverything));
  // Now is the same as the current state.
  ExpectSameList(Must(store().Targets()), at(kAfterEverything));
  // A transaction reads the same past.
  auto tx = Begin();
  ExpectSameList({a2, b}, Must(tx->TargetsAsOf(t2)));
  ExpectSameList({a1}, Must(tx->TargetsAsOf(MsBefore(t2))));
}

TEST_P(StoreConformanceTest, GeneralAndPerUnitTargetsWithTheSameKeyHaveSeparateHistories) {
  const Model m = SeedModel(store());
  const Date date = D("2030-12-31");
  const Target general1{m.indicator, {}, date, 1000};
  const Target commune1{m.indicator, m.commune, date, 50};
  const Target commune2{m.indicator, m.commune, date, 60};
  const Target general2{m.indicator, {}, date, 1500};
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(general1));
    MustOk(tx->PutTarget(commune1));
    MustOk(tx->Commit());
  }
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(commune2));
    MustOk(tx->Commit());
  }
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(general2));
    MustOk(tx->Commit());
  }
  const auto general = Must(store().TargetHistory(m.indicator, {}, date));
  const auto commune = Must(store().TargetHistory(m.indicator, m.commune, date));
  ASSERT_THAT(general, SizeIs(2));
  ASSERT_THAT(commune, SizeIs(2));
  ExpectSameList({general1, general2}, Values(general));
  ExpectSameList({commune1, commune2}, Values(commune));
  ExpectContiguous(general);
  ExpectContiguous(commune);
  // Both started together; each changed in its own transaction.
  EXPECT_EQ(general[0].recorded_at, commune[0].recorded_at);
  EXPECT_LT(commune[1].recorded_at, general[1].recorded_at);
  // Between the two changes: the unit's new value and the general target's first one.
  ExpectSameList({general1, commune2}, Must(store().TargetsAsOf(commune[1].recorded_at)));
  // Another unit, another date, another indicator or an unknown one: never existed.
  EXPECT_THAT(Must(store().TargetHistory(m.indicator, m.department, date)), IsEmpty());
  EXPECT_THAT(Must(store().TargetHistory(m.indicator, {}, D("2025-12-31"))), IsEmpty());
  EXPECT_THAT(Must(store().TargetHistory(m.indicator2, {}, date)), IsEmpty());
  EXPECT_THAT(Must(store().TargetHistory(IndicatorId{7003}, {}, date)), IsEmpty());
}

TEST_P(StoreConformanceTest, PuttingATargetsCurrentValueAgainAddsNoVersion) {
  const Model m = SeedModel(store());
  const Target first{m.indicator, m.department, D("2026-06-30"), 80};
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(first));
    MustOk(tx->PutTarget(first));  // in the same transaction
    MustOk(tx->Commit());
  }
  const auto before = Must(store().TargetHistory(m.indicator, m.department, D("2026-06-30")));
  ASSERT_THAT(before, SizeIs(1));
  EXPECT_THAT(before[0].recorded_at, MatchesRegex(kStampPattern));
  std::string later;  // the stamp of the transaction that re-puts it
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(first));
    MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));
    MustOk(tx->Commit());
    const auto values = Must(store().DataValues({}));
    ASSERT_THAT(values, SizeIs(1));
    later = values[0].stored_at;
  }
  ASSERT_GT(later, before[0].recorded_at);
  // Still one version, current since the first write, not since the re-put.
  ExpectSameList(before, Must(store().TargetHistory(m.indicator, m.department, D("2026-06-30"))));

  // Going back to an earlier value is a change like any other.
  const Target second{m.indicator, m.department, D("2026-06-30"), 85};
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(second));
    MustOk(tx->Commit());
  }
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(first));
    MustOk(tx->Commit());
  }
  const auto after = Must(store().TargetHistory(m.indicator, m.department, D("2026-06-30")));
  ASSERT_THAT(after, SizeIs(3));
  ExpectSameList({first, second, first}, Values(after));
  ExpectContiguous(after);
  EXPECT_EQ(after[0].recorded_at, before[0].recorded_at);
}

TEST_P(StoreConformanceTest, ATargetValueReplacedInItsOwnTransactionWasNeverCurrent) {
  const Model m = SeedModel(store());
  const Target v1{m.indicator, {}, D("2030-12-31"), 1};
  const Target v2{m.indicator, {}, D("2030-12-31"), 2};
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(v1));
    MustOk(tx->PutTarget(v2));
    MustOk(tx->Commit());
  }
  const auto history = Must(store().TargetHistory(m.indicator, {}, D("2030-12-31")));
  ASSERT_THAT(history, SizeIs(2));
  ExpectSameList({v1, v2}, Values(history));
  EXPECT_EQ(history[0].recorded_at, history[1].recorded_at);
  EXPECT_EQ(history[0].superseded_at, history[1].recorded_at);
  EXPECT_EQ(history[1].superseded_at, "");
  ExpectSameList({v2}, Must(store().TargetsAsOf(history[0].recorded_at)));
  EXPECT_THAT(Must(store().TargetsAsOf(MsBefore(history[0].recorded_at))), IsEmpty());
}

TEST_P(StoreConformanceTest, UncommittedTargetChangesAreInvisibleAndVanishOnRollback) {
  const Model m = SeedModel(store());
  const Target committed{m.indicator, {}, D("2030-12-31"), 100};
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(committed));
    MustOk(tx->Commit());
  }
  const auto before = Must(store().TargetHistory(m.indicator, {}, D("2030-12-31")));
  ASSERT_THAT(before, SizeIs(1));
  const Target pending{m.indicator, {}, D("2030-12-31"), 200};
  const Target created{m.indicator2, m.commune, D("2025-12-31"), 3};
  {
    auto tx = Begin();
    MustOk(tx->PutTarget(pending));
    MustOk(tx->PutTarget(created));
    // The transaction sees its own changes.
    const auto own = Must(tx->TargetHistory(m.indicator, {}, D("2030-12-31")));
    ASSERT_THAT(own, SizeIs(2));
    ExpectSameList({committed, pending}, Values(own));
    EXPECT_EQ(own[0].superseded_at, own[1].recorded_at);
    EXPECT_THAT(Must(tx->TargetHistory(m.indicator2, m.commune, D("2025-12-31"))), SizeIs(1));
    ExpectSameList({pending, created}, Must(tx->TargetsAsOf(kAfterEverything)));
    // Others see neither the new values nor an end to the committed one.
    ExpectSameList(before, Must(store().TargetHistory(m.indicator, {}, D("2030-12-31"))));
    EXPECT_THAT(Must(store().TargetHistory(m.indicator2, m.commune, D("2025-12-31"))), IsEmpty());
    ExpectSameList({committed}, Must(store().TargetsAsOf(kAfterEverything)));
    ExpectSameList({committed}, Must(store().Targets()));
  }  // rolled back
  ExpectSameList(before, Must(store().TargetHistory(m.indicator, {}, D("2030-12-31"))));
  EXPECT_THAT(Must(store().TargetHistory(m.indicator2, m.commune, D("2025-12-31"))), IsEmpty());
  ExpectSameList({committed}, Must(store().TargetsAsOf(kAfterEverything)));

  // The next committed change supersedes the committed value, as usual.
  const Target next{m.indicator, {}, D("2030-12-31"), 150};
  auto tx = Begin();
  MustOk(tx->PutTarget(next));
  MustOk(tx->Commit());
  const auto after = Must(store().TargetHistory(m.indicator, {}, D("2030-12-31")));
  ASSERT_THAT(after, SizeIs(2));
  ExpectSameList({committed, next}, Values(after));
  ExpectContiguous(after);
  EXPECT_EQ(after[0].recorded_at, before[0].recorded_at);
}

TEST_P(StoreConformanceTest, TargetsAsOfRejectsAMalformedInstant) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  MustOk(tx->PutTarget({m.indicator, {}, D("2030-12-31"), 1}));
  for (const char* bad : {"yesterday", "2025-06-20", "2025-06-20T08:15:00", "2025-06-20 08:15:00Z",
                          "2025-13-01T00:00:00Z", "2025-06-20T08:15:00+07:00",
                          "2025-06-20T08:15:00.Z", "2025-06-20T08:15:00.1234567890Z", ""}) {
    SCOPED_TRACE(bad);
    const std::string quoted = "'" + std::string(bad) + "'";
    EXPECT_THAT(store().TargetsAsOf(bad), FailsWith(ErrorCode::kInvalidArgument, quoted));
    EXPECT_THAT(tx->TargetsAsOf(bad), FailsWith(ErrorCode::kInvalidArgument, quoted));
  }
  // Seconds without a fraction, or up to 9 fraction digits, are instants.
  EXPECT_THAT(Must(tx->TargetsAsOf("9999-12-31T23:59:59Z")), SizeIs(1));
  EXPECT_THAT(Must(tx->TargetsAsOf("9999-12-31T23:59:59.123456789Z")), SizeIs(1));
  EXPECT_THAT(Must(store().TargetsAsOf("9999-12-31T23:59:59.1Z")), IsEmpty());
}

// ==== data values ====

TEST_P(StoreConformanceTest, DataValueRoundTripsWithStoredAtSetByTheStore) {
  const Model m = SeedModel(store());
  DataValue value = Value(m.indicator, m.commune, "202503", 93.2);
  value.comment = "Số liệu từ Cổng dịch vụ công — đã kiểm tra";
  value.state = ValueState::kSubmitted;
  value.stored_at = "1999-01-01T00:00:00.000Z";  // ignored
  auto tx = Begin();
  MustOk(tx->PutDataValue(value));
  MustOk(tx->Commit());
  auto values = Must(store().DataValues({}));
  ASSERT_THAT(values, SizeIs(1));
  ExpectSame(value, values[0]);
  EXPECT_THAT(values[0].stored_at, MatchesRegex(kStampPattern));
  EXPECT_GT(values[0].stored_at, "2020");
}

TEST_P(StoreConformanceTest, DataValueUpdateKeepsEveryVersion) {
  const Model m = SeedModel(store());
  for (double v : {10.0, 20.0, 30.0}) {
    auto tx = Begin();
    DataValue value = Value(m.indicator, m.commune, "2025Q1", v);
    value.state = v < 30 ? ValueState::kDraft : ValueState::kApproved;
    MustOk(tx->PutDataValue(value));
    MustOk(tx->Commit());
  }
  auto history = Must(store().DataValueHistory(m.indicator, m.commune, P("2025Q1")));
  ASSERT_THAT(history, SizeIs(3));
  EXPECT_EQ(history[0].value, 10.0);
  EXPECT_EQ(history[0].state, ValueState::kDraft);
  EXPECT_EQ(history[1].value, 20.0);
  EXPECT_EQ(history[2].value, 30.0);
  EXPECT_EQ(history[2].state, ValueState::kApproved);
  EXPECT_LT(history[0].stored_at, history[1].stored_at);
  EXPECT_LT(history[1].stored_at, history[2].stored_at);
  auto current = Must(store().DataValues({}));
  ASSERT_THAT(current, SizeIs(1));
  EXPECT_EQ(current[0].value, 30.0);
  EXPECT_EQ(current[0].stored_at, history[2].stored_at);
  EXPECT_THAT(Must(store().DataValueHistory(m.indicator, m.commune, P("2025Q2"))), IsEmpty());
}

TEST_P(StoreConformanceTest, DataValuesAsOfReconstructEachInstant) {
  const Model m = SeedModel(store());
  auto put = [&](std::vector<DataValue> values) {
    auto tx = Begin();
    for (const DataValue& v : values) MustOk(tx->PutDataValue(v));
    MustOk(tx->Commit());
  };
  put({Value(m.indicator, m.commune, "2025Q1", 1)});
  put({Value(m.indicator, m.commune, "2025Q1", 2)});
  put({Value(m.indicator, m.commune, "2025Q1", 3), Value(m.indicator, m.commune, "2025Q2", 10)});
  auto history = Must(store().DataValueHistory(m.indicator, m.commune, P("2025Q1")));
  ASSERT_THAT(history, SizeIs(3));
  const std::string t1 = history[0].stored_at;
  const std::string t2 = history[1].stored_at;
  const std::string t3 = history[2].stored_at;

  auto values_at = [&](std::string as_of) {
    std::vector<std::pair<std::string, double>> out;
    for (const DataValue& v : Must(store().DataValues(AsOf(std::move(as_of))))) {
      out.emplace_back(v.period.ToString(), v.value);
    }
    return out;
  };
  using Row = std::pair<std::string, double>;
  EXPECT_THAT(values_at("2000-01-01T00:00:00.000Z"), IsEmpty());
  EXPECT_THAT(values_at(t1), ElementsAre(Row{"2025Q1", 1}));
  EXPECT_THAT(values_at(t2), ElementsAre(Row{"2025Q1", 2}));
  EXPECT_THAT(values_at(t3), ElementsAre(Row{"2025Q1", 3}, Row{"2025Q2", 10}));
  EXPECT_THAT(values_at("9999-12-31T23:59:59.999Z"),
              ElementsAre(Row{"2025Q1", 3}, Row{"2025Q2", 10}));
  // Sub-millisecond digits: still the instant t2 (t3 is at least 1 ms later).
  EXPECT_THAT(values_at(t2.substr(0, 23) + "999Z"), ElementsAre(Row{"2025Q1", 2}));
  // The value as of an instant keeps the stamp it was stored with.
  auto at_t2 = Must(store().DataValues(AsOf(t2)));
  ASSERT_THAT(at_t2, SizeIs(1));
  EXPECT_EQ(at_t2[0].stored_at, t2);
}

TEST_P(StoreConformanceTest, DataValuesAsOfRejectsAMalformedInstant) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));
  for (const char* bad : {"yesterday", "2025-06-20", "2025-06-20T08:15:00", "2025-06-20 08:15:00Z",
                          "2025-13-01T00:00:00Z", "2025-06-20T08:15:00+07:00",
                          "2025-06-20T08:15:00.Z", "2025-06-20T08:15:00.1234567890Z"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(tx->DataValues(AsOf(bad)), FailsWith(ErrorCode::kInvalidArgument, bad));
    EXPECT_THAT(store().DataValues(AsOf(bad)), FailsWith(ErrorCode::kInvalidArgument, bad));
  }
  EXPECT_THAT(Must(tx->DataValues(AsOf("9999-12-31T23:59:59Z"))), SizeIs(1));
}

TEST_P(StoreConformanceTest, DataValuesFilterByIndicatorAndUnit) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));
  MustOk(tx->PutDataValue(Value(m.indicator, m.department, "2025", 2)));
  MustOk(tx->PutDataValue(Value(m.indicator2, m.commune, "2025", 3)));
  MustOk(tx->Commit());
  auto by_indicator = Must(store().DataValues(Filter(m.indicator, std::nullopt)));
  ASSERT_THAT(by_indicator, SizeIs(2));
  ASSERT_LT(m.department, m.commune);
  EXPECT_EQ(by_indicator[0].unit, m.department);
  EXPECT_EQ(by_indicator[0].value, 2);
  EXPECT_EQ(by_indicator[1].unit, m.commune);
  EXPECT_EQ(by_indicator[1].value, 1);
  auto by_unit = Must(store().DataValues(Filter(std::nullopt, m.commune)));
  ASSERT_THAT(by_unit, SizeIs(2));
  EXPECT_EQ(by_unit[0].value, 1);
  EXPECT_EQ(by_unit[1].value, 3);
  auto both = Must(store().DataValues(Filter(m.indicator2, m.commune)));
  ASSERT_THAT(both, SizeIs(1));
  EXPECT_EQ(both[0].value, 3);
  EXPECT_THAT(Must(store().DataValues(Filter(IndicatorId{999}, std::nullopt))), IsEmpty());
}

TEST_P(StoreConformanceTest, DataValuesAreOrderedByIndicatorUnitAndPeriod) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  // Written in scrambled order.
  for (auto [indicator, unit, period] :
       std::vector<std::tuple<IndicatorId, OrgUnitId, std::string>>{
           {m.indicator2, m.department, "2025"},
           {m.indicator, m.commune, "202503"},
           {m.indicator, m.department, "2025Q2"},
           {m.indicator, m.department, "202502"},
           {m.indicator, m.department, "2025"},
           {m.indicator, m.department, "202501"},
           {m.indicator, m.department, "2025S1"},
           {m.indicator, m.department, "2024"},
           {m.indicator, m.department, "2025Q1"},
       }) {
    MustOk(tx->PutDataValue(Value(indicator, unit, period, 1)));
  }
  MustOk(tx->Commit());
  std::vector<std::string> order;
  for (const DataValue& v : Must(store().DataValues({}))) {
    order.push_back(std::to_string(v.indicator.value) + "/" + std::to_string(v.unit.value) + "/" +
                    v.period.ToString());
  }
  const std::string i1 = std::to_string(m.indicator.value);
  const std::string i2 = std::to_string(m.indicator2.value);
  const std::string dep = std::to_string(m.department.value);
  const std::string com = std::to_string(m.commune.value);
  ASSERT_LT(m.department, m.commune);
  EXPECT_THAT(order, ElementsAre(i1 + "/" + dep + "/2024", i1 + "/" + dep + "/2025",
                                 i1 + "/" + dep + "/2025S1", i1 + "/" + dep + "/2025Q1",
                                 i1 + "/" + dep + "/202501", i1 + "/" + dep + "/202502",
                                 i1 + "/" + dep + "/2025Q2", i1 + "/" + com + "/202503",
                                 i2 + "/" + dep + "/2025"));
}

TEST_P(StoreConformanceTest, DataValueReferencesMustExist) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  EXPECT_THAT(tx->PutDataValue(Value(IndicatorId{8801}, m.commune, "2025", 1)),
              FailsWith(ErrorCode::kInvalidArgument, "indicator 8801"));
  EXPECT_THAT(tx->PutDataValue(Value(m.indicator, OrgUnitId{8802}, "2025", 1)),
              FailsWith(ErrorCode::kInvalidArgument, "org unit 8802"));
  EXPECT_THAT(Must(tx->DataValues({})), IsEmpty());
}

TEST_P(StoreConformanceTest, StoredAtIsSharedWithinATransactionAndIncreasesAcross) {
  const Model m = SeedModel(store());
  std::vector<std::string> stamps;
  for (int i = 0; i < 5; ++i) {
    auto tx = Begin();
    MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", i)));
    MustOk(tx->PutDataValue(Value(m.indicator2, m.commune, "2025", i)));
    MustOk(tx->Commit());
    auto values = Must(store().DataValues(Filter(std::nullopt, m.commune)));
    ASSERT_THAT(values, SizeIs(2));
    EXPECT_EQ(values[0].stored_at, values[1].stored_at);
    stamps.push_back(values[0].stored_at);
  }
  for (std::size_t i = 1; i < stamps.size(); ++i) EXPECT_LT(stamps[i - 1], stamps[i]);
}

// ==== history and as-of of tasks and org units ====

TEST_P(StoreConformanceTest, TaskHistoryGivesEachVersionTheIntervalItWasCurrent) {
  const Model m = SeedModel(store());
  Task v1 = FullTask(m);
  auto tx = Begin();
  v1.id = Must(tx->PutTask(v1));
  MustOk(tx->Commit());

  Task v2 = v1;
  v2.deadline = D("2026-06-30");
  v2.coordinating_units = {m.province};
  tx = Begin();
  Must(tx->PutTask(v2));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));  // same transaction
  MustOk(tx->Commit());

  Task v3 = v2;
  v3.lead_unit = m.commune;
  v3.indicators = {m.indicator};
  tx = Begin();
  Must(tx->PutTask(v3));
  MustOk(tx->Commit());

  const auto history = Must(store().TaskHistory(v1.id));
  ASSERT_THAT(history, SizeIs(3));
  ExpectSameList({v1, v2, v3}, Values(history));
  ExpectContiguous(history);
  // One clock for every record: the task version and the data value written by one transaction
  // carry the same instant.
  auto values = Must(store().DataValues({}));
  ASSERT_THAT(values, SizeIs(1));
  EXPECT_EQ(history[1].recorded_at, values[0].stored_at);
  // History does not change when read again, from the store or from a transaction.
  ExpectSameList(history, Must(store().TaskHistory(v1.id)));
  tx = Begin();
  ExpectSameList(history, Must(tx->TaskHistory(v1.id)));
}

TEST_P(StoreConformanceTest, OrgUnitHistoryGivesEachVersionTheIntervalItWasCurrent) {
  OrgUnit v1 = FullProvince();
  auto tx = Begin();
  v1.id = Must(tx->PutOrgUnit(v1));
  const OrgUnitId other = Must(tx->PutOrgUnit(Unit("OTHER")));
  MustOk(tx->Commit());

  OrgUnit v2 = v1;  // a new leader
  v2.leader_name = "Hoàng Quốc Khánh";
  v2.leader_title = "Quyền Chủ tịch";
  tx = Begin();
  Must(tx->PutOrgUnit(v2));
  MustOk(tx->Commit());

  OrgUnit v3 = v2;  // renamed after a merger
  v3.name_vi = "Ủy ban nhân dân tỉnh Sơn La (sau sáp nhập)";
  v3.name_en = "Son La Provincial People's Committee (merged)";
  tx = Begin();
  Must(tx->PutOrgUnit(v3));
  MustOk(tx->Commit());

  const auto history = Must(store().OrgUnitHistory(v1.id));
  ASSERT_THAT(history, SizeIs(3));
  ExpectSameList({v1, v2, v3}, Values(history));
  ExpectContiguous(history);
  ExpectSame(v3, Must(store().OrgUnits())[0]);
  // A unit never updated has its one, current version, recorded with the first transaction.
  const auto untouched = Must(store().OrgUnitHistory(other));
  ASSERT_THAT(untouched, SizeIs(1));
  EXPECT_EQ(untouched[0].value.code, "OTHER");
  EXPECT_EQ(untouched[0].recorded_at, history[0].recorded_at);
  EXPECT_EQ(untouched[0].superseded_at, "");
}

TEST_P(StoreConformanceTest, TasksAsOfReconstructEachInstant) {
  const Model m = SeedModel(store());
  Plan other_plan;
  other_plan.code = "OTHER";
  Task a1 = FullTask(m);
  Task b = SimpleTask(m.plan, "NV-09");
  PlanId other;
  {
    auto tx = Begin();
    other = Must(tx->PutPlan(other_plan));
    a1.id = Must(tx->PutTask(a1));
    MustOk(tx->Commit());
  }
  Task a2 = a1;
  a2.deadline = D("2026-03-31");
  a2.coordinating_units = {m.department};
  a2.indicators = {};
  {
    auto tx = Begin();
    Must(tx->PutTask(a2));
    b.id = Must(tx->PutTask(b));  // created with the first update of a
    MustOk(tx->Commit());
  }
  Task a3 = a2;
  a3.title_vi = "Chiến lược hạ tầng số (điều chỉnh)";
  a3.coordinating_units = {m.province, m.commune};
  Task b_moved = b;  // moves to the other plan
  b_moved.plan = other;
  {
    auto tx = Begin();
    Must(tx->PutTask(a3));
    Must(tx->PutTask(b_moved));
    MustOk(tx->Commit());
  }
  const auto history = Must(store().TaskHistory(a1.id));
  ASSERT_THAT(history, SizeIs(3));
  const std::string t1 = history[0].recorded_at;
  const std::string t2 = history[1].recorded_at;
  const std::string t3 = history[2].recorded_at;

  auto at = [&](PlanId plan, const std::string& as_of) {
    SCOPED_TRACE("as of " + as_of);
    return Must(store().TasksAsOf(plan, as_of));
  };
  EXPECT_THAT(at(m.plan, kBeforeEverything), IsEmpty());
  EXPECT_THAT(at(m.plan, MsBefore(t1)), IsEmpty());
  ExpectSameList({a1}, at(m.plan, t1));  // current from its recorded_at inclusive
  ExpectSameList({a1}, at(m.plan, JustAfter(t1)));
  ExpectSameList({a1}, at(m.plan, MsBefore(t2)));
  ExpectSameList({a2, b}, at(m.plan, t2));
  ExpectSameList({a2, b}, at(m.plan, MsBefore(t3)));
  ExpectSameList({a3}, at(m.plan, t3));
  ExpectSameList({a3}, at(m.plan, kAfterEverything));
  EXPECT_THAT(at(other, MsBefore(t3)), IsEmpty());
  ExpectSameList({b_moved}, at(other, t3));
  // Now is the same as the current state.
  ExpectSameList(Must(store().Tasks(m.plan)), at(m.plan, kAfterEverything));
  // A transaction reads the same past.
  auto tx = Begin();
  ExpectSameList({a2, b}, Must(tx->TasksAsOf(m.plan, t2)));
}

TEST_P(StoreConformanceTest, OrgUnitsAsOfReconstructEachInstant) {
  OrgUnit a1 = Unit("SKHCN");
  a1.leader_name = "Nguyễn Văn A";
  {
    auto tx = Begin();
    a1.id = Must(tx->PutOrgUnit(a1));
    MustOk(tx->Commit());
  }
  OrgUnit a2 = a1;
  a2.leader_name = "Trần Thị B";
  OrgUnit b = Unit("CHIENG-AN", OrgUnitType::kWard);
  {
    auto tx = Begin();
    Must(tx->PutOrgUnit(a2));
    b.id = Must(tx->PutOrgUnit(b));
    MustOk(tx->Commit());
  }
  OrgUnit a3 = a2;
  a3.name_vi = "Sở Khoa học và Công nghệ (hợp nhất)";
  a3.valid_to = D("2025-02-28");
  {
    auto tx = Begin();
    Must(tx->PutOrgUnit(a3));
    MustOk(tx->Commit());
  }
  const auto history = Must(store().OrgUnitHistory(a1.id));
  ASSERT_THAT(history, SizeIs(3));
  const std::string t1 = history[0].recorded_at;
  const std::string t2 = history[1].recorded_at;
  const std::string t3 = history[2].recorded_at;

  auto at = [&](const std::string& as_of) {
    SCOPED_TRACE("as of " + as_of);
    return Must(store().OrgUnitsAsOf(as_of));
  };
  EXPECT_THAT(at(kBeforeEverything), IsEmpty());
  EXPECT_THAT(at(MsBefore(t1)), IsEmpty());
  ExpectSameList({a1}, at(t1));
  ExpectSameList({a1}, at(JustAfter(t1)));
  ExpectSameList({a1}, at(MsBefore(t2)));
  ExpectSameList({a2, b}, at(t2));
  ExpectSameList({a2, b}, at(MsBefore(t3)));
  ExpectSameList({a3, b}, at(t3));
  ExpectSameList({a3, b}, at(kAfterEverything));
  ExpectSameList(Must(store().OrgUnits()), at(kAfterEverything));
  auto tx = Begin();
  ExpectSameList({a2, b}, Must(tx->OrgUnitsAsOf(t2)));
}

TEST_P(StoreConformanceTest, AsOfReadsRejectAMalformedInstantAndAnUnknownPlan) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Must(tx->PutTask(SimpleTask(m.plan, "NV-01")));
  for (const char* bad : {"yesterday", "2025-06-20", "2025-06-20T08:15:00", "2025-06-20 08:15:00Z",
                          "2025-13-01T00:00:00Z", "2025-06-20T08:15:00+07:00",
                          "2025-06-20T08:15:00.Z", "2025-06-20T08:15:00.1234567890Z", ""}) {
    SCOPED_TRACE(bad);
    const std::string quoted = "'" + std::string(bad) + "'";
    EXPECT_THAT(store().TasksAsOf(m.plan, bad), FailsWith(ErrorCode::kInvalidArgument, quoted));
    EXPECT_THAT(tx->TasksAsOf(m.plan, bad), FailsWith(ErrorCode::kInvalidArgument, quoted));
    EXPECT_THAT(store().OrgUnitsAsOf(bad), FailsWith(ErrorCode::kInvalidArgument, quoted));
    EXPECT_THAT(tx->OrgUnitsAsOf(bad), FailsWith(ErrorCode::kInvalidArgument, quoted));
  }
  // Seconds without a fraction, or up to 9 fraction digits, are instants.
  EXPECT_THAT(Must(tx->TasksAsOf(m.plan, "9999-12-31T23:59:59Z")), SizeIs(1));
  EXPECT_THAT(Must(tx->OrgUnitsAsOf("9999-12-31T23:59:59.123456789Z")), SizeIs(3));
  EXPECT_THAT(store().TasksAsOf(PlanId{7070}, kAfterEverything),
              FailsWith(ErrorCode::kNotFound, "plan 7070"));
  EXPECT_THAT(tx->TasksAsOf(PlanId{7071}, kAfterEverything),
              FailsWith(ErrorCode::kNotFound, "plan 7071"));
}

TEST_P(StoreConformanceTest, HistoryOfUnknownIdsIsNotFound) {
  SeedModel(store());
  EXPECT_THAT(store().TaskHistory(TaskId{6060}), FailsWith(ErrorCode::kNotFound, "task 6060"));
  EXPECT_THAT(store().OrgUnitHistory(OrgUnitId{6161}),
              FailsWith(ErrorCode::kNotFound, "org unit 6161"));
  auto tx = Begin();
  EXPECT_THAT(tx->OrgUnitHistory(OrgUnitId{6262}),
              FailsWith(ErrorCode::kNotFound, "org unit 6262"));
  // A row inserted by a transaction has a history inside it only.
  const OrgUnitId pending = Must(tx->PutOrgUnit(Unit("PENDING")));
  EXPECT_THAT(Must(tx->OrgUnitHistory(pending)), SizeIs(1));
  EXPECT_THAT(store().OrgUnitHistory(pending), FailsWith(ErrorCode::kNotFound, "org unit"));
}

TEST_P(StoreConformanceTest, UncommittedUpdatesAreNotInHistory) {
  const Model m = SeedModel(store());
  Task task = SimpleTask(m.plan, "NV-01");
  OrgUnit unit = Unit("U");
  {
    auto tx = Begin();
    task.id = Must(tx->PutTask(task));
    unit.id = Must(tx->PutOrgUnit(unit));
    MustOk(tx->Commit());
  }
  const auto task_before = Must(store().TaskHistory(task.id));
  const auto unit_before = Must(store().OrgUnitHistory(unit.id));
  ASSERT_THAT(task_before, SizeIs(1));
  ASSERT_THAT(unit_before, SizeIs(1));
  {
    auto tx = Begin();
    Task pending = task;
    pending.priority = 9;
    Must(tx->PutTask(pending));
    OrgUnit pending_unit = unit;
    pending_unit.leader_name = "Chưa xác nhận";
    Must(tx->PutOrgUnit(pending_unit));
    EXPECT_THAT(Must(tx->TaskHistory(task.id)), SizeIs(2));
    EXPECT_THAT(Must(tx->OrgUnitHistory(unit.id)), SizeIs(2));
    // Others see neither the new version nor an end to the current one.
    ExpectSameList(task_before, Must(store().TaskHistory(task.id)));
    ExpectSameList(unit_before, Must(store().OrgUnitHistory(unit.id)));
    ExpectSameList({task}, Must(store().TasksAsOf(m.plan, kAfterEverything)));
    const auto units = Must(store().OrgUnitsAsOf(kAfterEverything));
    ASSERT_THAT(units, SizeIs(4));  // the model's three, then U
    ExpectSame(unit, units[3]);
  }  // rolled back
  ExpectSameList(task_before, Must(store().TaskHistory(task.id)));
  ExpectSameList(unit_before, Must(store().OrgUnitHistory(unit.id)));

  // The next committed update is stamped after the first version, as usual.
  Task next = task;
  next.priority = 1;
  auto tx = Begin();
  Must(tx->PutTask(next));
  MustOk(tx->Commit());
  const auto after = Must(store().TaskHistory(task.id));
  ASSERT_THAT(after, SizeIs(2));
  ExpectSameList({task, next}, Values(after));
  ExpectContiguous(after);
  EXPECT_EQ(after[0].recorded_at, task_before[0].recorded_at);
}

TEST_P(StoreConformanceTest, AVersionReplacedInItsOwnTransactionWasNeverCurrent) {
  const Model m = SeedModel(store());
  Task v1 = SimpleTask(m.plan, "NV-01");
  Task v2 = v1;
  {
    auto tx = Begin();
    v1.id = Must(tx->PutTask(v1));
    v2.id = v1.id;
    v2.priority = 3;
    Must(tx->PutTask(v2));
    MustOk(tx->Commit());
  }
  const auto history = Must(store().TaskHistory(v1.id));
  ASSERT_THAT(history, SizeIs(2));
  ExpectSameList({v1, v2}, Values(history));
  EXPECT_EQ(history[0].recorded_at, history[1].recorded_at);
  EXPECT_EQ(history[0].superseded_at, history[1].recorded_at);
  EXPECT_EQ(history[1].superseded_at, "");
  // At that instant, and at any other, only the last version of the transaction is current.
  ExpectSameList({v2}, Must(store().TasksAsOf(m.plan, history[0].recorded_at)));
  EXPECT_THAT(Must(store().TasksAsOf(m.plan, MsBefore(history[0].recorded_at))), IsEmpty());
}

// ==== transactions ====

TEST_P(StoreConformanceTest, UncommittedWritesAreInvisibleToTheStore) {
  auto tx = Begin();
  Must(tx->PutOrgUnit(Unit("PENDING")));
  EXPECT_THAT(Must(store().OrgUnits()), IsEmpty());
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().OrgUnits()), SizeIs(1));
}

TEST_P(StoreConformanceTest, TransactionDestroyedWithoutCommitRollsBack) {
  {
    auto tx = Begin();
    const OrgUnitId unit = Must(tx->PutOrgUnit(Unit("LOST")));
    const IndicatorId indicator = Must(tx->PutIndicator(SimpleIndicator("LOST")));
    MustOk(tx->PutDataValue(Value(indicator, unit, "2025", 1)));
  }
  EXPECT_THAT(Must(store().OrgUnits()), IsEmpty());
  EXPECT_THAT(Must(store().Indicators()), IsEmpty());
  EXPECT_THAT(Must(store().DataValues({})), IsEmpty());
  // The write lock was released: a new transaction can reuse the code.
  auto tx = Begin();
  Must(tx->PutOrgUnit(Unit("LOST")));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().OrgUnits()), SizeIs(1));
}

TEST_P(StoreConformanceTest, TransactionSeesItsOwnWrites) {
  auto tx = Begin();
  const OrgUnitId unit = Must(tx->PutOrgUnit(Unit("MINE")));
  Plan plan;
  plan.code = "P";
  plan.stages = {"2025"};
  const PlanId plan_id = Must(tx->PutPlan(plan));
  Task task = SimpleTask(plan_id, "T");
  task.lead_unit = unit;
  task.id = Must(tx->PutTask(task));
  task.title_vi = "Đã sửa trong cùng giao dịch";
  Must(tx->PutTask(task));
  EXPECT_THAT(Must(tx->OrgUnits()), SizeIs(1));
  EXPECT_EQ(Must(tx->Plans())[0].stages, std::vector<std::string>{"2025"});
  ExpectSameList({task}, Must(tx->Tasks(plan_id)));
  const auto history = Must(tx->TaskHistory(task.id));
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_EQ(history[1].value.title_vi, "Đã sửa trong cùng giao dịch");
  EXPECT_EQ(history[1].superseded_at, "");
}

TEST_P(StoreConformanceTest, CommittedTransactionIsVisibleAndClosed) {
  auto tx = Begin();
  Must(tx->PutOrgUnit(Unit("DONE")));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().OrgUnits()), SizeIs(1));
  EXPECT_THAT(tx->Commit(), FailsWith(ErrorCode::kFailedPrecondition, "committed"));
  EXPECT_THAT(tx->PutOrgUnit(Unit("LATE")), FailsWith(ErrorCode::kFailedPrecondition, "committed"));
  EXPECT_THAT(tx->OrgUnits(), FailsWith(ErrorCode::kFailedPrecondition, "committed"));
}

TEST_P(StoreConformanceTest, TwoTransactionsInSequence) {
  auto first = Begin();
  OrgUnit unit = Unit("SEQ");
  unit.id = Must(first->PutOrgUnit(unit));
  MustOk(first->Commit());
  first.reset();

  auto second = Begin();
  auto seen = Must(second->OrgUnits());
  ASSERT_THAT(seen, SizeIs(1));
  unit.name_vi = "Lần thứ hai";
  Must(second->PutOrgUnit(unit));
  Must(second->PutOrgUnit(Unit("SEQ2")));
  MustOk(second->Commit());

  auto units = Must(store().OrgUnits());
  ASSERT_THAT(units, SizeIs(2));
  EXPECT_EQ(units[0].name_vi, "Lần thứ hai");
  EXPECT_EQ(units[1].code, "SEQ2");
}

TEST_P(StoreConformanceTest, FailedPutLeavesTheTransactionUsable) {
  auto tx = Begin();
  Must(tx->PutOrgUnit(Unit("A")));
  Plan plan;
  plan.code = "P";
  plan.directives = {DirectiveId{1234}};
  plan.stages = {"2025"};
  EXPECT_THAT(tx->PutPlan(plan), FailsWith(ErrorCode::kInvalidArgument, "directive 1234"));
  EXPECT_THAT(tx->PutOrgUnit(Unit("A")), FailsWith(ErrorCode::kConflict, "'A'"));
  Must(tx->PutOrgUnit(Unit("B")));
  MustOk(tx->Commit());
  auto units = Must(store().OrgUnits());
  ASSERT_THAT(units, SizeIs(2));
  EXPECT_EQ(units[0].code, "A");
  EXPECT_EQ(units[1].code, "B");
  EXPECT_THAT(Must(store().Plans()), IsEmpty());
}

TEST_P(StoreConformanceTest, StoreSharedByThreads) {
  auto setup = Begin();
  const OrgUnitId unit = Must(setup->PutOrgUnit(Unit("U")));
  const IndicatorId indicator = Must(setup->PutIndicator(SimpleIndicator("I")));
  MustOk(setup->Commit());
  setup.reset();

  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        auto tx = store().Begin();
        if (!tx || !(*tx)->PutDataValue(Value(indicator, unit, "2025", t * 100 + i)) ||
            !(*tx)->Commit() || !store().DataValues({})) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto history = Must(store().DataValueHistory(indicator, unit, P("2025")));
  ASSERT_THAT(history, SizeIs(kThreads * kWritesPerThread));
  for (std::size_t i = 1; i < history.size(); ++i) {
    EXPECT_LT(history[i - 1].stored_at, history[i].stored_at);
  }
}

// ==== soft deletes ====

TEST_P(StoreConformanceTest, DeletedDirectiveIsHiddenAndItsNumberStaysTaken) {
  auto tx = Begin();
  Directive kept = Resolution57();
  kept.id = Must(tx->PutDirective(kept));
  Directive gone = Resolution57();
  gone.number = "01-NQ/TU";
  gone.id = Must(tx->PutDirective(gone));
  Plan plan;
  plan.code = "P";
  plan.directives = {kept.id, gone.id};
  plan.id = Must(tx->PutPlan(plan));
  MustOk(tx->Commit());

  tx = Begin();
  MustOk(tx->DeleteDirective(gone.id));
  ExpectSameList({kept}, Must(tx->Directives()));  // the transaction sees its own delete
  ExpectSameList({kept, gone}, Must(store().Directives()));
  MustOk(tx->Commit());
  ExpectSameList({kept}, Must(store().Directives()));

  tx = Begin();
  Directive again = gone;
  again.id = {};
  EXPECT_THAT(tx->PutDirective(again), FailsWith(ErrorCode::kConflict, "'01-NQ/TU'"));
  EXPECT_THAT(tx->PutDirective(again), FailsWith(ErrorCode::kConflict, "deleted id"));
  Directive renamed = kept;
  renamed.number = "01-NQ/TU";
  EXPECT_THAT(tx->PutDirective(renamed), FailsWith(ErrorCode::kConflict, "'01-NQ/TU'"));
  EXPECT_THAT(tx->PutDirective(gone),
              FailsWith(ErrorCode::kNotFound, "directive " + std::to_string(gone.id.value)));
  EXPECT_THAT(tx->DeleteDirective(gone.id),
              FailsWith(ErrorCode::kNotFound, "directive " + std::to_string(gone.id.value)));
  EXPECT_THAT(tx->DeleteDirective(DirectiveId{999}),
              FailsWith(ErrorCode::kNotFound, "directive 999"));
  // A plan naming the deleted directive keeps naming it and can still be changed.
  plan.title_vi = "Đổi tên";
  Must(tx->PutPlan(plan));
  MustOk(tx->Commit());
  auto plans = Must(store().Plans());
  ASSERT_THAT(plans, SizeIs(1));
  EXPECT_EQ(plans[0].directives, (std::vector<DirectiveId>{kept.id, gone.id}));
  EXPECT_EQ(plans[0].title_vi, "Đổi tên");
}

TEST_P(StoreConformanceTest, DeletedPlanIsHiddenWithEverythingReadThroughIt) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(SimpleTask(m.plan, "T1")));
  MustOk(tx->AppendTaskEvent(Event(task, "2025-07-01", "Sở KH&CN")));
  Plan other;
  other.code = "OTHER";
  other.id = Must(tx->PutPlan(other));
  MustOk(tx->Commit());
  const std::string live_instant = Must(store().TaskHistory(task)).back().recorded_at;

  tx = Begin();
  MustOk(tx->DeletePlan(m.plan));
  MustOk(tx->Commit());
  const std::string plan_id = "plan " + std::to_string(m.plan.value);
  auto plans = Must(store().Plans());
  ASSERT_THAT(plans, SizeIs(1));
  EXPECT_EQ(plans[0].id, other.id);
  EXPECT_THAT(store().TaskGroups(m.plan), FailsWith(ErrorCode::kNotFound, plan_id));
  EXPECT_THAT(store().Tasks(m.plan), FailsWith(ErrorCode::kNotFound, plan_id));
  EXPECT_THAT(store().TaskEvents(m.plan), FailsWith(ErrorCode::kNotFound, plan_id));
  EXPECT_THAT(store().TasksAsOf(m.plan, live_instant), FailsWith(ErrorCode::kNotFound, plan_id));
  // The task itself is still in the database with its history.
  EXPECT_THAT(Must(store().TaskHistory(task)), SizeIs(1));

  tx = Begin();
  EXPECT_THAT(tx->PutTask(SimpleTask(m.plan, "T2")),
              FailsWith(ErrorCode::kInvalidArgument, plan_id + " does not exist"));
  TaskGroup group;
  group.plan = m.plan;
  group.code = "G2";
  EXPECT_THAT(tx->PutTaskGroup(group), FailsWith(ErrorCode::kInvalidArgument, plan_id));
  Plan child;
  child.code = "CHILD";
  child.parent = m.plan;
  EXPECT_THAT(tx->PutPlan(child), FailsWith(ErrorCode::kInvalidArgument, plan_id));
  Plan same_code;
  same_code.code = "333-KH/TU";
  EXPECT_THAT(tx->PutPlan(same_code), FailsWith(ErrorCode::kConflict, "'333-KH/TU'"));
  Plan revived = same_code;
  revived.id = m.plan;
  EXPECT_THAT(tx->PutPlan(revived), FailsWith(ErrorCode::kNotFound, plan_id));
  EXPECT_THAT(tx->DeletePlan(m.plan), FailsWith(ErrorCode::kNotFound, plan_id));
  EXPECT_THAT(tx->DeletePlan(PlanId{999}), FailsWith(ErrorCode::kNotFound, "plan 999"));
}

TEST_P(StoreConformanceTest, DeletedTaskGroupIsHiddenAndItsCodeStaysTakenInItsPlan) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  TaskGroup second;
  second.plan = m.plan;
  second.code = "G2";
  second.id = Must(tx->PutTaskGroup(second));
  MustOk(tx->DeleteTaskGroup(m.group));
  MustOk(tx->Commit());
  ExpectSameList({second}, Must(store().TaskGroups(m.plan)));

  const std::string group_id = "task group " + std::to_string(m.group.value);
  tx = Begin();
  TaskGroup again;
  again.plan = m.plan;
  again.code = "G1";
  EXPECT_THAT(tx->PutTaskGroup(again), FailsWith(ErrorCode::kConflict, "'G1'"));
  again.id = m.group;
  EXPECT_THAT(tx->PutTaskGroup(again), FailsWith(ErrorCode::kNotFound, group_id));
  TaskGroup child;
  child.plan = m.plan;
  child.code = "G3";
  child.parent = m.group;
  EXPECT_THAT(tx->PutTaskGroup(child), FailsWith(ErrorCode::kInvalidArgument, group_id));
  Task task = SimpleTask(m.plan, "T1");
  task.group = m.group;
  EXPECT_THAT(tx->PutTask(task), FailsWith(ErrorCode::kInvalidArgument, group_id));
  task.group = second.id;
  Must(tx->PutTask(task));
  EXPECT_THAT(tx->DeleteTaskGroup(m.group), FailsWith(ErrorCode::kNotFound, group_id));
  EXPECT_THAT(tx->DeleteTaskGroup(TaskGroupId{999}),
              FailsWith(ErrorCode::kNotFound, "task group 999"));
  MustOk(tx->Commit());
}

TEST_P(StoreConformanceTest, DeletedIndicatorIsHiddenAndTakesNoNewValuesOrTargets) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Task task = SimpleTask(m.plan, "T1");
  task.indicators = {m.indicator, m.indicator2};
  task.id = Must(tx->PutTask(task));
  Indicator ratio = SimpleIndicator("RATIO");
  ratio.numerator = m.indicator;
  ratio.denominator = m.indicator2;
  ratio.id = Must(tx->PutIndicator(ratio));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 7)));
  MustOk(tx->Commit());

  tx = Begin();
  MustOk(tx->DeleteIndicator(m.indicator));
  MustOk(tx->Commit());
  auto indicators = Must(store().Indicators());
  ASSERT_THAT(indicators, SizeIs(2));
  EXPECT_EQ(indicators[0].id, m.indicator2);
  EXPECT_EQ(indicators[1].id, ratio.id);

  const std::string indicator_id = "indicator " + std::to_string(m.indicator.value);
  tx = Begin();
  EXPECT_THAT(tx->PutIndicator(SimpleIndicator("OPEN-DATA")),
              FailsWith(ErrorCode::kConflict, "'OPEN-DATA'"));
  Indicator revived = SimpleIndicator("OPEN-DATA");
  revived.id = m.indicator;
  EXPECT_THAT(tx->PutIndicator(revived), FailsWith(ErrorCode::kNotFound, indicator_id));
  EXPECT_THAT(tx->PutDataValue(Value(m.indicator, m.commune, "2026", 1)),
              FailsWith(ErrorCode::kInvalidArgument, indicator_id));
  EXPECT_THAT(tx->PutTarget({m.indicator, {}, D("2030-12-31"), 1}),
              FailsWith(ErrorCode::kInvalidArgument, indicator_id));
  EXPECT_THAT(tx->DeleteIndicator(m.indicator), FailsWith(ErrorCode::kNotFound, indicator_id));
  EXPECT_THAT(tx->DeleteIndicator(IndicatorId{999}),
              FailsWith(ErrorCode::kNotFound, "indicator 999"));
  // Lists naming it keep naming it: the task and the ratio can still be changed.
  task.priority = 4;
  Must(tx->PutTask(task));
  ratio.name_en = "Ratio";
  Must(tx->PutIndicator(ratio));
  MustOk(tx->Commit());
  auto tasks = Must(store().Tasks(m.plan));
  ASSERT_THAT(tasks, SizeIs(1));
  EXPECT_EQ(tasks[0].indicators, (std::vector<IndicatorId>{m.indicator, m.indicator2}));
  EXPECT_EQ(tasks[0].priority, 4);
}

TEST_P(StoreConformanceTest, DeletesRollBackWithTheirTransactionAndSurviveReopening) {
  const Model m = SeedModel(store());
  {
    auto tx = Begin();
    MustOk(tx->DeleteDirective(m.resolution));
    MustOk(tx->DeletePlan(m.plan));
    MustOk(tx->DeleteIndicator(m.indicator2));
    EXPECT_THAT(Must(tx->Plans()), IsEmpty());
  }  // rolled back
  EXPECT_THAT(Must(store().Directives()), SizeIs(1));
  EXPECT_THAT(Must(store().Plans()), SizeIs(1));
  EXPECT_THAT(Must(store().Indicators()), SizeIs(2));
  EXPECT_THAT(Must(store().TaskGroups(m.plan)), SizeIs(1));

  auto tx = Begin();
  MustOk(tx->DeleteTaskGroup(m.group));
  MustOk(tx->DeleteIndicator(m.indicator2));
  MustOk(tx->Commit());
  tx.reset();
  Reopen();
  EXPECT_THAT(Must(store().TaskGroups(m.plan)), IsEmpty());
  auto indicators = Must(store().Indicators());
  ASSERT_THAT(indicators, SizeIs(1));
  EXPECT_EQ(indicators[0].id, m.indicator);
  tx = Begin();
  EXPECT_THAT(tx->DeleteIndicator(m.indicator2), FailsWith(ErrorCode::kNotFound, "indicator"));
}

// ==== deleted data values ====

TEST_P(StoreConformanceTest, DeletedDataValueIsAbsentNowAndAfterButNotBefore) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  DataValue first = Value(m.indicator, m.commune, "2025Q1", 40);
  first.comment = "ước tính";
  first.state = ValueState::kSubmitted;
  MustOk(tx->PutDataValue(first));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025Q2", 50)));
  MustOk(tx->Commit());

  tx = Begin();
  MustOk(tx->DeleteDataValue(m.indicator, m.commune, P("2025Q1"), "quan.tri@sonla.gov.vn"));
  EXPECT_THAT(Must(tx->DataValues({})), SizeIs(1));
  EXPECT_THAT(Must(store().DataValues({})), SizeIs(2));
  MustOk(tx->Commit());

  auto current = Must(store().DataValues({}));
  ASSERT_THAT(current, SizeIs(1));
  EXPECT_EQ(current[0].period, P("2025Q2"));
  EXPECT_FALSE(current[0].deleted);
  EXPECT_THAT(Must(store().DataValues(Filter(m.indicator, m.commune))), SizeIs(1));

  auto history = Must(store().DataValueHistory(m.indicator, m.commune, P("2025Q1")));
  ASSERT_THAT(history, SizeIs(2));
  ExpectSame(first, history[0]);
  EXPECT_FALSE(history[0].deleted);
  // The tombstone names who deleted the value and carries what it ended.
  EXPECT_TRUE(history[1].deleted);
  EXPECT_EQ(history[1].stored_by, "quan.tri@sonla.gov.vn");
  EXPECT_EQ(history[1].value, 40);
  EXPECT_EQ(history[1].comment, "ước tính");
  EXPECT_EQ(history[1].state, ValueState::kSubmitted);
  EXPECT_EQ(history[1].period, P("2025Q1"));
  EXPECT_LT(history[0].stored_at, history[1].stored_at);
  const std::string put_at = history[0].stored_at;
  const std::string deleted_at = history[1].stored_at;

  auto periods_at = [&](const std::string& as_of) {
    std::vector<std::string> out;
    for (const DataValue& v : Must(store().DataValues(AsOf(as_of)))) {
      EXPECT_FALSE(v.deleted);
      out.push_back(v.period.ToString());
    }
    return out;
  };
  EXPECT_THAT(periods_at(put_at), ElementsAre("2025Q1", "2025Q2"));
  EXPECT_THAT(periods_at(MsBefore(deleted_at)), ElementsAre("2025Q1", "2025Q2"));
  EXPECT_THAT(periods_at(deleted_at), ElementsAre("2025Q2"));
  EXPECT_THAT(periods_at(kAfterEverything), ElementsAre("2025Q2"));
}

TEST_P(StoreConformanceTest, PuttingADeletedDataValueAgainBringsItBack) {
  const Model m = SeedModel(store());
  auto put = [&](double v) {
    auto tx = Begin();
    MustOk(tx->PutDataValue(Value(m.indicator, m.department, "2025", v)));
    MustOk(tx->Commit());
  };
  put(1);
  {
    auto tx = Begin();
    MustOk(tx->DeleteDataValue(m.indicator, m.department, P("2025"), "x"));
    MustOk(tx->Commit());
  }
  EXPECT_THAT(Must(store().DataValues({})), IsEmpty());
  put(2);
  auto current = Must(store().DataValues({}));
  ASSERT_THAT(current, SizeIs(1));
  EXPECT_EQ(current[0].value, 2);
  auto history = Must(store().DataValueHistory(m.indicator, m.department, P("2025")));
  ASSERT_THAT(history, SizeIs(3));
  EXPECT_FALSE(history[0].deleted);
  EXPECT_TRUE(history[1].deleted);
  EXPECT_FALSE(history[2].deleted);
  EXPECT_EQ(history[2].value, 2);
  EXPECT_EQ(current[0].stored_at, history[2].stored_at);
  EXPECT_THAT(Must(store().DataValues(AsOf(history[1].stored_at))), IsEmpty());
  auto back = Must(store().DataValues(AsOf(history[2].stored_at)));
  ASSERT_THAT(back, SizeIs(1));
  EXPECT_EQ(back[0].value, 2);
  EXPECT_EQ(Must(store().DataValues(AsOf(history[0].stored_at)))[0].value, 1);
}

TEST_P(StoreConformanceTest, DataValueDeletedAndPutInOneTransactionEndsWithTheLastWrite) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));
  MustOk(tx->Commit());
  tx = Begin();
  MustOk(tx->DeleteDataValue(m.indicator, m.commune, P("2025"), "x"));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 3)));
  MustOk(tx->Commit());
  tx = Begin();
  MustOk(tx->PutDataValue(Value(m.indicator2, m.commune, "2025", 5)));
  MustOk(tx->DeleteDataValue(m.indicator2, m.commune, P("2025"), "y"));
  MustOk(tx->Commit());
  auto current = Must(store().DataValues({}));
  ASSERT_THAT(current, SizeIs(1));
  EXPECT_EQ(current[0].indicator, m.indicator);
  EXPECT_EQ(current[0].value, 3);
  auto as_of = Must(store().DataValues(AsOf(kAfterEverything)));
  ASSERT_THAT(as_of, SizeIs(1));
  EXPECT_EQ(as_of[0].value, 3);
  auto history = Must(store().DataValueHistory(m.indicator2, m.commune, P("2025")));
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_EQ(history[0].stored_at, history[1].stored_at);
  EXPECT_TRUE(history[1].deleted);
}

TEST_P(StoreConformanceTest, DeletingADataValueThatIsNotThereIsNotFound) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  EXPECT_THAT(tx->DeleteDataValue(m.indicator, m.commune, P("2025"), "x"),
              FailsWith(ErrorCode::kNotFound, "period 2025"));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));
  // Another period of the same value is not it.
  EXPECT_THAT(tx->DeleteDataValue(m.indicator, m.commune, P("2025Q1"), "x"),
              FailsWith(ErrorCode::kNotFound, "period 2025Q1"));
  MustOk(tx->DeleteDataValue(m.indicator, m.commune, P("2025"), "x"));
  EXPECT_THAT(tx->DeleteDataValue(m.indicator, m.commune, P("2025"), "x"),
              FailsWith(ErrorCode::kNotFound, "indicator " + std::to_string(m.indicator.value)));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().DataValueHistory(m.indicator, m.commune, P("2025"))), SizeIs(2));
}

// ==== users ====

UserRecord User(std::string login, OrgUnitId unit, Role role = Role::kUnitOfficer) {
  UserRecord user;
  user.login = std::move(login);
  user.display_name = "Cán bộ " + user.login;
  user.role = role;
  user.unit = unit;
  user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  return user;
}

TEST_P(StoreConformanceTest, UsersRoundTripEveryFieldAndAreFoundByIdAndLogin) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  UserRecord admin = User("admin", m.province, Role::kAdmin);
  UserRecord officer = User("can.bo", m.commune);
  officer.disabled = true;
  admin.created_at = "1999-01-01T00:00:00.000Z";  // ignored
  admin.id = Must(tx->PutUser(admin));
  officer.id = Must(tx->PutUser(officer));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));
  MustOk(tx->Commit());
  const std::string stamp = Must(store().DataValues({}))[0].stored_at;
  EXPECT_LT(admin.id, officer.id);
  admin.created_at = stamp;
  officer.created_at = stamp;

  EXPECT_THAT(Must(store().Users()), ElementsAre(admin, officer));
  EXPECT_EQ(Must(store().UserById(officer.id)), officer);
  EXPECT_EQ(Must(store().UserByLogin("admin")), admin);
  EXPECT_EQ(Must(store().UserById(UserId{999})), std::nullopt);
  EXPECT_EQ(Must(store().UserByLogin("nobody")), std::nullopt);
  EXPECT_EQ(Must(store().UserByLogin("")), std::nullopt);
}

TEST_P(StoreConformanceTest, EveryRoleRoundTrips) {
  auto tx = Begin();
  const std::vector<Role> roles = {Role::kAdmin,      Role::kSteering,    Role::kStandingAgency,
                                   Role::kUnitLeader, Role::kUnitOfficer, Role::kViewer};
  for (Role role : roles) Must(tx->PutUser(User(std::string(RoleName(role)), {}, role)));
  MustOk(tx->Commit());
  auto users = Must(store().Users());
  ASSERT_THAT(users, SizeIs(roles.size()));
  for (std::size_t i = 0; i < roles.size(); ++i) {
    EXPECT_EQ(users[i].role, roles[i]);
    EXPECT_EQ(users[i].login, RoleName(roles[i]));
    EXPECT_EQ(users[i].unit, OrgUnitId{});
  }
}

TEST_P(StoreConformanceTest, UserUpdateReplacesEverythingButCreatedAt) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  UserRecord user = User("can.bo", m.commune);
  user.id = Must(tx->PutUser(user));
  MustOk(tx->Commit());
  const std::string created_at = Must(store().UserById(user.id))->created_at;
  EXPECT_THAT(created_at, MatchesRegex(kStampPattern));

  tx = Begin();
  UserRecord changed = user;
  changed.login = "can.bo.so";
  changed.display_name = "Nguyễn Văn A";
  changed.role = Role::kUnitLeader;
  changed.unit = m.department;
  changed.password_hash = "$argon2id$v=19$new";
  changed.disabled = true;
  changed.created_at = "2000-01-01T00:00:00.000Z";  // ignored
  EXPECT_EQ(Must(tx->PutUser(changed)), user.id);
  MustOk(tx->Commit());
  changed.created_at = created_at;
  EXPECT_THAT(Must(store().Users()), ElementsAre(changed));
  EXPECT_EQ(Must(store().UserByLogin("can.bo")), std::nullopt);
  EXPECT_EQ(Must(store().UserByLogin("can.bo.so")), changed);
}

TEST_P(StoreConformanceTest, UserErrors) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const UserId first = Must(tx->PutUser(User("can.bo", m.commune)));
  EXPECT_THAT(tx->PutUser(User("can.bo", m.department)),
              FailsWith(ErrorCode::kConflict, "'can.bo'"));
  UserRecord other = User("khac", m.commune);
  other.id = Must(tx->PutUser(other));
  other.login = "can.bo";
  EXPECT_THAT(tx->PutUser(other), FailsWith(ErrorCode::kConflict, "'can.bo'"));
  UserRecord unknown = User("ma", m.commune);
  unknown.id = UserId{999};
  EXPECT_THAT(tx->PutUser(unknown), FailsWith(ErrorCode::kNotFound, "user 999"));
  EXPECT_THAT(tx->PutUser(User("lac", OrgUnitId{4242})),
              FailsWith(ErrorCode::kInvalidArgument, "org unit 4242"));
  EXPECT_THAT(tx->PutUser(User("", m.commune)), FailsWith(ErrorCode::kInvalidArgument, "login"));
  MustOk(tx->Commit());
  auto users = Must(store().Users());
  ASSERT_THAT(users, SizeIs(2));
  EXPECT_EQ(users[0].id, first);
  EXPECT_EQ(users[1].login, "khac");
}

// ==== sessions ====

SessionRecord Session(std::string id_hash, UserId user) {
  SessionRecord session;
  session.id_hash = std::move(id_hash);
  session.user = user;
  session.csrf_token = "csrf-" + session.id_hash;
  session.created_at = "2025-06-20T08:15:00.123Z";
  session.expires_at = "2025-06-20T20:15:00.123Z";
  return session;
}

TEST_P(StoreConformanceTest, SessionsAreStoredFoundAndEnded) {
  auto tx = Begin();
  const UserId alice = Must(tx->PutUser(User("alice", {})));
  const UserId bob = Must(tx->PutUser(User("bob", {})));
  const SessionRecord a1 = Session("hash-a1", alice);
  const SessionRecord a2 = Session("hash-a2", alice);
  const SessionRecord b1 = Session("hash-b1", bob);
  for (const SessionRecord& s : {a1, a2, b1}) MustOk(tx->PutSession(s));
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().SessionByHash("hash-a1")), a1);
  EXPECT_EQ(Must(store().SessionByHash("hash-b1")), b1);
  EXPECT_EQ(Must(store().SessionByHash("hash-none")), std::nullopt);

  tx = Begin();
  MustOk(tx->DeleteSession("hash-a1"));
  MustOk(tx->DeleteSession("hash-a1"));    // already gone: nothing to do
  MustOk(tx->DeleteSession("hash-none"));  // never existed
  EXPECT_EQ(Must(tx->SessionByHash("hash-a1")), std::nullopt);
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().SessionByHash("hash-a1")), std::nullopt);
  EXPECT_EQ(Must(store().SessionByHash("hash-a2")), a2);

  tx = Begin();
  MustOk(tx->PutSession(Session("hash-a3", alice)));
  MustOk(tx->DeleteSessionsOf(alice));
  MustOk(tx->DeleteSessionsOf(UserId{999}));
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().SessionByHash("hash-a2")), std::nullopt);
  EXPECT_EQ(Must(store().SessionByHash("hash-a3")), std::nullopt);
  EXPECT_EQ(Must(store().SessionByHash("hash-b1")), b1);
}

TEST_P(StoreConformanceTest, ExpiredSessionsAreRemovedUpToTheInstant) {
  auto tx = Begin();
  const UserId alice = Must(tx->PutUser(User("alice", {})));
  SessionRecord early = Session("hash-early", alice);
  early.expires_at = "2025-06-20T10:00:00.000Z";
  SessionRecord exact = Session("hash-exact", alice);
  exact.expires_at = "2025-06-20T12:00:00.000Z";
  SessionRecord late = Session("hash-late", alice);
  late.expires_at = "2025-06-20T12:00:00.001Z";
  for (const SessionRecord& s : {early, exact, late}) MustOk(tx->PutSession(s));
  MustOk(tx->Commit());

  tx = Begin();
  MustOk(tx->DeleteSessionsExpiredBy("2025-06-20T12:00:00Z"));
  EXPECT_THAT(tx->DeleteSessionsExpiredBy("noon"),
              FailsWith(ErrorCode::kInvalidArgument, "'noon'"));
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().SessionByHash("hash-early")), std::nullopt);
  EXPECT_EQ(Must(store().SessionByHash("hash-exact")), std::nullopt);
  EXPECT_EQ(Must(store().SessionByHash("hash-late")), late);
}

TEST_P(StoreConformanceTest, SessionErrors) {
  auto tx = Begin();
  const UserId user = Must(tx->PutUser(User("alice", {})));
  MustOk(tx->PutSession(Session("hash-1", user)));
  EXPECT_THAT(tx->PutSession(Session("hash-1", user)), FailsWith(ErrorCode::kConflict, "session"));
  EXPECT_THAT(tx->PutSession(Session("hash-2", UserId{999})),
              FailsWith(ErrorCode::kInvalidArgument, "user 999"));
  EXPECT_THAT(tx->PutSession(Session("", user)), FailsWith(ErrorCode::kInvalidArgument, "id_hash"));
  SessionRecord bad = Session("hash-3", user);
  bad.expires_at = "tomorrow";
  EXPECT_THAT(tx->PutSession(bad), FailsWith(ErrorCode::kInvalidArgument, "'tomorrow'"));
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().SessionByHash("hash-3")), std::nullopt);
  EXPECT_EQ(Must(store().SessionByHash("hash-1"))->user, user);
}

// ==== API tokens ====

ApiTokenRecord Token(UserId user, std::string name, std::string hash) {
  ApiTokenRecord token;
  token.user = user;
  token.name = std::move(name);
  token.token_hash = std::move(hash);
  return token;
}

TEST_P(StoreConformanceTest, ApiTokensRoundTripAndRevokeAtTheTransactionsInstant) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const UserId robot = Must(tx->PutUser(User("robot", {}, Role::kViewer)));
  const UserId other = Must(tx->PutUser(User("other", {})));
  ApiTokenRecord first = Token(robot, "nightly import", "sha256:aaa");
  first.created_at = "1999-01-01T00:00:00.000Z";  // ignored
  first.revoked_at = "1999-01-01T00:00:00.000Z";  // ignored
  first.id = Must(tx->PutApiToken(first));
  ApiTokenRecord second = Token(robot, "dashboard", "sha256:bbb");
  second.id = Must(tx->PutApiToken(second));
  ApiTokenRecord foreign = Token(other, "x", "sha256:ccc");
  foreign.id = Must(tx->PutApiToken(foreign));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));
  MustOk(tx->Commit());
  const std::string created = Must(store().DataValues({}))[0].stored_at;
  first.created_at = created;
  first.revoked_at = "";
  second.created_at = created;
  foreign.created_at = created;
  EXPECT_LT(first.id, second.id);
  EXPECT_THAT(Must(store().ApiTokens(robot)), ElementsAre(first, second));
  EXPECT_EQ(Must(store().ApiTokenByHash("sha256:bbb")), second);
  EXPECT_EQ(Must(store().ApiTokenByHash("sha256:zzz")), std::nullopt);
  EXPECT_THAT(Must(store().ApiTokens(UserId{999})), IsEmpty());

  tx = Begin();
  MustOk(tx->RevokeApiToken(first.id));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 2)));
  MustOk(tx->Commit());
  const std::string revoked = Must(store().DataValues({}))[0].stored_at;
  EXPECT_GT(revoked, created);
  first.revoked_at = revoked;
  // Still found by its hash: the caller sees that it is revoked.
  EXPECT_EQ(Must(store().ApiTokenByHash("sha256:aaa")), first);
  EXPECT_THAT(Must(store().ApiTokens(robot)), ElementsAre(first, second));
  EXPECT_EQ(Must(store().ApiTokenByHash("sha256:ccc")), foreign);
}

TEST_P(StoreConformanceTest, ApiTokenErrors) {
  auto tx = Begin();
  const UserId robot = Must(tx->PutUser(User("robot", {})));
  Must(tx->PutApiToken(Token(robot, "a", "hash-1")));
  EXPECT_THAT(tx->PutApiToken(Token(robot, "b", "hash-1")), FailsWith(ErrorCode::kConflict, "'b'"));
  EXPECT_THAT(tx->PutApiToken(Token(UserId{999}, "c", "hash-2")),
              FailsWith(ErrorCode::kInvalidArgument, "user 999"));
  EXPECT_THAT(tx->PutApiToken(Token(robot, "d", "")),
              FailsWith(ErrorCode::kInvalidArgument, "token_hash"));
  ApiTokenRecord unknown = Token(robot, "e", "hash-3");
  unknown.id = ApiTokenId{999};
  EXPECT_THAT(tx->PutApiToken(unknown), FailsWith(ErrorCode::kNotFound, "API token 999"));
  EXPECT_THAT(tx->RevokeApiToken(ApiTokenId{999}),
              FailsWith(ErrorCode::kNotFound, "API token 999"));
  MustOk(tx->Commit());
  auto tokens = Must(store().ApiTokens(robot));
  ASSERT_THAT(tokens, SizeIs(1));
  EXPECT_EQ(tokens[0].name, "a");
  EXPECT_EQ(tokens[0].revoked_at, "");
}

// ==== evidence files ====

std::string RandomBytes(std::size_t n, std::uint32_t seed) {
  std::string bytes(n, '\0');
  std::uint32_t state = seed;
  for (char& byte : bytes) {
    state = state * 1'664'525u + 1'013'904'223u;  // a fixed LCG: the same bytes every run
    byte = static_cast<char>(state >> 24);
  }
  return bytes;
}

EvidenceFile Meta(TaskId task, std::string file_name, const std::string& content) {
  EvidenceFile meta;
  meta.task = task;
  meta.file_name = std::move(file_name);
  meta.content_type = "application/pdf";
  meta.size = static_cast<std::int64_t>(content.size());
  meta.sha256 = std::string(64, 'a');
  meta.uploaded_by = "can.bo@sonla.gov.vn";
  return meta;
}

TEST_P(StoreConformanceTest, EvidenceFilesRoundTripBinaryContent) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(SimpleTask(m.plan, "T1")));
  const TaskId other = Must(tx->PutTask(SimpleTask(m.plan, "T2")));
  MustOk(tx->Commit());

  const std::string big = RandomBytes(100 * 1024, 57);
  ASSERT_NE(big.find('\0'), std::string::npos);
  const std::string small("a\0b\0\0c", 6);
  const std::string empty;
  EvidenceFile report = Meta(task, "Báo cáo kết quả.pdf", big);
  EvidenceFile photo = Meta(task, "anh.png", small);
  photo.content_type = "image/png";
  EvidenceFile blank = Meta(other, "trong.txt", empty);
  blank.content_type = "text/plain";
  tx = Begin();
  report.id = Must(tx->PutEvidence(report, big));
  photo.id = Must(tx->PutEvidence(photo, small));
  blank.id = Must(tx->PutEvidence(blank, empty));
  EXPECT_EQ(Must(tx->EvidenceContent(report.id)), big);  // visible inside the transaction
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 1)));
  MustOk(tx->Commit());
  const std::string stamp = Must(store().DataValues({}))[0].stored_at;
  for (EvidenceFile* file : {&report, &photo, &blank}) file->uploaded_at = stamp;

  EXPECT_LT(report.id, photo.id);
  EXPECT_THAT(Must(store().EvidenceFiles(task)), ElementsAre(report, photo));
  EXPECT_THAT(Must(store().EvidenceFiles(other)), ElementsAre(blank));
  EXPECT_THAT(Must(store().EvidenceFiles(TaskId{999})), IsEmpty());
  EXPECT_EQ(Must(store().Evidence(photo.id)), photo);
  const std::string content = Must(store().EvidenceContent(report.id));
  EXPECT_EQ(content.size(), 100u * 1024u);
  EXPECT_TRUE(content == big) << "the 100 KiB content differs";
  EXPECT_EQ(Must(store().EvidenceContent(photo.id)), small);
  EXPECT_EQ(Must(store().EvidenceContent(blank.id)), "");

  Reopen();
  EXPECT_TRUE(Must(store().EvidenceContent(report.id)) == big);
  EXPECT_EQ(Must(store().Evidence(report.id)), report);
}

TEST_P(StoreConformanceTest, EvidenceErrors) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(SimpleTask(m.plan, "T1")));
  EXPECT_THAT(tx->PutEvidence(Meta(TaskId{999}, "a.pdf", "x"), "x"),
              FailsWith(ErrorCode::kInvalidArgument, "task 999"));
  EvidenceFile wrong_size = Meta(task, "b.pdf", "xyz");
  wrong_size.size = 5;
  EXPECT_THAT(tx->PutEvidence(wrong_size, "xyz"),
              FailsWith(ErrorCode::kInvalidArgument, "'b.pdf'"));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().EvidenceFiles(task)), IsEmpty());
  EXPECT_THAT(store().Evidence(EvidenceId{999}),
              FailsWith(ErrorCode::kNotFound, "evidence file 999"));
  EXPECT_THAT(store().EvidenceContent(EvidenceId{999}),
              FailsWith(ErrorCode::kNotFound, "evidence file 999"));
}

TEST_P(StoreConformanceTest, TaskCommentsAppendInOrderAndSurviveReopening) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  const TaskId task = Must(tx->PutTask(SimpleTask(m.plan, "T1")));
  const TaskId other = Must(tx->PutTask(SimpleTask(m.plan, "T2")));
  MustOk(tx->Commit());

  TaskComment ask{{}, task, "bcd.sonla", "Thành viên Ban Chỉ đạo", "Đề nghị báo cáo tiến độ?", ""};
  TaskComment answer{{}, task, "so.canbo", "Cán bộ Sở", "Đã hoàn thành 60%.", ""};
  TaskComment elsewhere{{}, other, "bcd.sonla", "", "Khác", ""};
  tx = Begin();
  ask.id = Must(tx->PutTaskComment(ask));
  answer.id = Must(tx->PutTaskComment(answer));
  elsewhere.id = Must(tx->PutTaskComment(elsewhere));
  EXPECT_THAT(Must(tx->TaskComments(task)), SizeIs(2));  // visible inside the transaction
  MustOk(tx->Commit());

  const std::vector<TaskComment> stored = Must(store().TaskComments(task));
  ASSERT_THAT(stored, SizeIs(2));
  EXPECT_LT(ask.id, answer.id);
  EXPECT_FALSE(stored[0].created_at.empty());
  ask.created_at = stored[0].created_at;
  answer.created_at = stored[1].created_at;
  EXPECT_THAT(stored, ElementsAre(ask, answer));
  EXPECT_THAT(Must(store().TaskComments(TaskId{999})), IsEmpty());

  tx = Begin();
  EXPECT_THAT(tx->PutTaskComment({{}, TaskId{999}, "a", "", "x", ""}),
              FailsWith(ErrorCode::kInvalidArgument, "task 999"));
  EXPECT_THAT(tx->PutTaskComment({{}, task, "a", "", "", ""}),
              FailsWith(ErrorCode::kInvalidArgument, "empty"));
  MustOk(tx->Commit());

  Reopen();
  EXPECT_THAT(Must(store().TaskComments(task)), ElementsAre(ask, answer));
  EXPECT_THAT(Must(store().TaskComments(other)), SizeIs(1));
}

TEST_P(StoreConformanceTest, AccountsAndEvidenceRollBackWithTheirTransaction) {
  const Model m = SeedModel(store());
  TaskId task;
  {
    auto tx = Begin();
    task = Must(tx->PutTask(SimpleTask(m.plan, "T1")));
    MustOk(tx->Commit());
  }
  {
    auto tx = Begin();
    const UserId user = Must(tx->PutUser(User("alice", {})));
    MustOk(tx->PutSession(Session("hash-1", user)));
    Must(tx->PutApiToken(Token(user, "t", "token-1")));
    Must(tx->PutEvidence(Meta(task, "a.pdf", "abc"), "abc"));
  }  // rolled back
  EXPECT_THAT(Must(store().Users()), IsEmpty());
  EXPECT_EQ(Must(store().SessionByHash("hash-1")), std::nullopt);
  EXPECT_EQ(Must(store().ApiTokenByHash("token-1")), std::nullopt);
  EXPECT_THAT(Must(store().EvidenceFiles(task)), IsEmpty());
  // The login is free again.
  auto tx = Begin();
  Must(tx->PutUser(User("alice", {})));
  MustOk(tx->Commit());
  EXPECT_THAT(Must(store().Users()), SizeIs(1));
}

// ==== reopening ====

TEST_P(StoreConformanceTest, ReopeningKeepsEverything) {
  const Model m = SeedModel(store());
  auto tx = Begin();
  Task task = FullTask(m);
  task.id = Must(tx->PutTask(task));
  MustOk(tx->AppendTaskEvent(Event(task.id, "2025-07-01", "x")));
  MustOk(tx->PutTarget({m.indicator, {}, D("2025-12-31"), 658}));
  MustOk(tx->PutSuccession({m.department, m.commune, D("2025-07-01")}));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 600)));
  MustOk(tx->Commit());
  tx = Begin();
  task.priority = 5;
  Must(tx->PutTask(task));
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 658)));
  MustOk(tx->Commit());
  tx.reset();

  const auto units = Must(store().OrgUnits());
  const auto directives = Must(store().Directives());
  const auto plans = Must(store().Plans());
  const auto groups = Must(store().TaskGroups(m.plan));
  const auto tasks = Must(store().Tasks(m.plan));
  const auto history = Must(store().TaskHistory(task.id));
  const auto events = Must(store().TaskEvents(m.plan));
  const auto indicators = Must(store().Indicators());
  const auto targets = Must(store().Targets());
  const auto values = Must(store().DataValues({}));
  const auto value_history = Must(store().DataValueHistory(m.indicator, m.commune, P("2025")));
  const int version = store().SchemaVersion();

  Reopen();

  EXPECT_EQ(store().SchemaVersion(), version);
  ExpectSameList(units, Must(store().OrgUnits()));
  EXPECT_THAT(Must(store().Successions()), SizeIs(1));
  ExpectSameList(directives, Must(store().Directives()));
  ExpectSameList(plans, Must(store().Plans()));
  ExpectSameList(groups, Must(store().TaskGroups(m.plan)));
  ExpectSameList(tasks, Must(store().Tasks(m.plan)));
  ExpectSameList(history, Must(store().TaskHistory(task.id)));
  ExpectSameList(events, Must(store().TaskEvents(m.plan)));
  ExpectSameList(indicators, Must(store().Indicators()));
  ExpectSameList(targets, Must(store().Targets()));
  ExpectSameList(values, Must(store().DataValues({})));
  auto reopened_history = Must(store().DataValueHistory(m.indicator, m.commune, P("2025")));
  ExpectSameList(value_history, reopened_history);
  ASSERT_THAT(reopened_history, SizeIs(2));
  EXPECT_EQ(reopened_history[0].stored_at, value_history[0].stored_at);
  EXPECT_EQ(reopened_history[1].stored_at, value_history[1].stored_at);
  ASSERT_THAT(tasks, SizeIs(1));
  EXPECT_EQ(tasks[0].priority, 5);
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_EQ(history[0].value.priority, 2);
  EXPECT_EQ(history[1].value.priority, 5);

  // Writes go on after reopening, with later stamps.
  tx = Begin();
  MustOk(tx->PutDataValue(Value(m.indicator, m.commune, "2025", 700)));
  MustOk(tx->Commit());
  auto after = Must(store().DataValueHistory(m.indicator, m.commune, P("2025")));
  ASSERT_THAT(after, SizeIs(3));
  EXPECT_LT(after[1].stored_at, after[2].stored_at);
}

// ==== the SQLite instantiation ====

// A fresh database file per test, removed with its -wal and -shm files afterwards.
class SqliteFileBackend : public StoreBackend {
 public:
  SqliteFileBackend() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = (std::filesystem::temp_directory_path() /
             ("planwatch-conformance-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++) + "-" + name + ".db"))
                .string();
  }
  ~SqliteFileBackend() override {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  }

  Result<std::unique_ptr<Store>> Open() override {
    StoreOptions options;
    options.location = path_;
    return Store::Open(options);
  }

 private:
  std::string path_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
                         ::testing::Values(StoreBackendFactory{
                             "sqlite", [] { return std::make_unique<SqliteFileBackend>(); }}),
                         StoreBackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformanceTest,
                         ::testing::Values(postgres::test_support::PostgresBackendFactory()),
                         StoreBackendName);

}  // namespace
}  // namespace planwatch
