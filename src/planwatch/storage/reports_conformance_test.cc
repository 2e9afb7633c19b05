// Conformance of periodic reports, their events and report schedules (store.h, "Reports"): run by
// every engine through the StoreConformanceTest fixture (store_conformance.h), instantiated in
// store_conformance_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "planwatch/storage/store_conformance.h"

namespace planwatch {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kStamp[] = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z";

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& mention) {
  ASSERT_FALSE(result.has_value()) << "succeeded, expected " << ErrorCodeName(code);
  EXPECT_EQ(result.error().code, code) << result.error().ToString();
  EXPECT_THAT(result.error().message, HasSubstr(mention));
}

struct Seed {
  PlanId plan;
  PlanId other_plan;
  OrgUnitId commune;
  OrgUnitId ward;
};

Seed SeedModel(Store& store) {
  auto tx = Must(store.Begin());
  Seed seed;
  OrgUnit unit;
  unit.code = "SL";
  unit.name_vi = "Tỉnh Sơn La";
  unit.type = OrgUnitType::kProvince;
  const OrgUnitId province = Must(tx->PutOrgUnit(unit));
  unit.code = "CHIENG-AN";
  unit.name_vi = "Phường Chiềng An";
  unit.type = OrgUnitType::kWard;
  unit.parent = province;
  seed.ward = Must(tx->PutOrgUnit(unit));
  unit.code = "MUONG-BU";
  unit.name_vi = "Xã Mường Bú";
  unit.type = OrgUnitType::kCommune;
  seed.commune = Must(tx->PutOrgUnit(unit));
  Plan plan;
  plan.code = "333-KH/TU";
  plan.title_vi = "Kế hoạch 333";
  plan.issuer = province;
  plan.standing_agency = province;
  seed.plan = Must(tx->PutPlan(plan));
  plan.code = "KH-2026";
  seed.other_plan = Must(tx->PutPlan(plan));
  MustOk(tx->Commit());
  return seed;
}

ReportRecord Draft(const Seed& seed, const char* period = "202510") {
  ReportRecord r;
  r.plan = seed.plan;
  r.unit = seed.ward;
  r.period = *Period::Parse(period);
  r.due_on = *Date::Parse("2025-11-20");
  r.results = "Hoàn thành 3 nhiệm vụ";
  r.difficulties = "Thiếu kinh phí";
  r.proposals = "Bổ sung kinh phí";
  r.content = R"({"period":"202510"})";
  r.required_items = 4;
  r.present_items = 3;
  r.created_by = "chiengan.canbo";
  return r;
}

StoredReportSignature Signature() {
  StoredReportSignature sig;
  sig.key = SigningKeyId{0};
  sig.algorithm = "ed25519";
  sig.public_key = "cHVibGljLWtleQ==";
  sig.signature = "c2lnbmF0dXJl";
  sig.signer_login = "chiengan.lanhdao";
  sig.signer_name = "Lò Văn A";
  sig.signed_at = "2025-11-18T02:00:00.000Z";
  sig.content = R"({"period":"202510","submitted_by":"chiengan.canbo"})";
  return sig;
}

TEST_P(StoreConformanceTest, ReportScheduleIsReplacedAsAWhole) {
  const Seed seed = SeedModel(store());
  EXPECT_TRUE(Must(store().ReportSchedule(seed.plan)).empty());
  {
    auto tx = Begin();
    MustOk(tx->PutReportSchedule(
        seed.plan,
        {{PeriodType::kMonth, 20}, {PeriodType::kYear, 15}, {PeriodType::kQuarter, 10}}));
    MustOk(tx->Commit());
  }
  EXPECT_EQ(Must(store().ReportSchedule(seed.plan)),
            (std::vector<ReportScheduleItem>{
                {PeriodType::kYear, 15}, {PeriodType::kQuarter, 10}, {PeriodType::kMonth, 20}}));
  EXPECT_TRUE(Must(store().ReportSchedule(seed.other_plan)).empty());
  {
    auto tx = Begin();
    MustOk(tx->PutReportSchedule(seed.plan, {{PeriodType::kQuarter, 5}}));
    MustOk(tx->Commit());
  }
  EXPECT_EQ(Must(store().ReportSchedule(seed.plan)),
            (std::vector<ReportScheduleItem>{{PeriodType::kQuarter, 5}}));
  {
    auto tx = Begin();
    MustOk(tx->PutReportSchedule(seed.plan, {}));
    MustOk(tx->Commit());
  }
  EXPECT_TRUE(Must(store().ReportSchedule(seed.plan)).empty());
}

TEST_P(StoreConformanceTest, ReportScheduleRejectsBadItemsAndUnknownPlans) {
  const Seed seed = SeedModel(store());
  auto tx = Begin();
  ExpectError(tx->PutReportSchedule(seed.plan, {{PeriodType::kMonth, 29}}),
              ErrorCode::kInvalidArgument, "due_day 29");
  ExpectError(tx->PutReportSchedule(seed.plan, {{PeriodType::kMonth, 20}, {PeriodType::kMonth, 5}}),
              ErrorCode::kInvalidArgument, "appears twice");
  ExpectError(tx->PutReportSchedule(PlanId{999}, {{PeriodType::kMonth, 20}}),
              ErrorCode::kInvalidArgument, "plan 999");
  MustOk(tx->Commit());
  EXPECT_TRUE(Must(store().ReportSchedule(seed.plan)).empty());
}

TEST_P(StoreConformanceTest, ReportReadsBackAsWritten) {
  const Seed seed = SeedModel(store());
  ReportRecord draft = Draft(seed);
  ReportId id;
  {
    auto tx = Begin();
    id = Must(tx->PutReport(draft));
    MustOk(tx->Commit());
  }
  ReportRecord stored = Must(store().ReportById(id));
  EXPECT_THAT(stored.created_at, MatchesRegex(kStamp));
  EXPECT_EQ(stored.updated_at, stored.created_at);
  draft.id = id;
  draft.created_at = stored.created_at;
  draft.updated_at = stored.updated_at;
  EXPECT_EQ(stored, draft);

  // Submission: the record's own instants and submitter are kept as given.
  ReportRecord submitted = stored;
  submitted.state = ReportState::kSubmitted;
  submitted.first_submitted_at = "2025-11-18T01:00:00.000Z";
  submitted.submitted_at = "2025-11-18T01:00:00.000Z";
  submitted.submitted_by = "chiengan.canbo";
  {
    auto tx = Begin();
    EXPECT_EQ(Must(tx->PutReport(submitted)), id);
    MustOk(tx->Commit());
  }
  stored = Must(store().ReportById(id));
  EXPECT_EQ(stored.created_at, draft.created_at);
  EXPECT_GT(stored.updated_at, draft.updated_at);
  EXPECT_EQ(stored.state, ReportState::kSubmitted);
  EXPECT_EQ(stored.first_submitted_at, "2025-11-18T01:00:00.000Z");
  EXPECT_EQ(stored.submitted_by, "chiengan.canbo");
  EXPECT_EQ(stored.signature, std::nullopt);

  ExpectError(store().ReportById(ReportId{4242}), ErrorCode::kNotFound, "report 4242");
}

TEST_P(StoreConformanceTest, ReportKeyIsUniquePerRevision) {
  const Seed seed = SeedModel(store());
  auto tx = Begin();
  const ReportId first = Must(tx->PutReport(Draft(seed)));
  ExpectError(tx->PutReport(Draft(seed)), ErrorCode::kConflict, "revision 1");
  // Another unit, period or plan is another key.
  ReportRecord other = Draft(seed);
  other.unit = seed.commune;
  EXPECT_TRUE(tx->PutReport(other).has_value());
  other = Draft(seed, "202511");
  EXPECT_TRUE(tx->PutReport(other).has_value());
  other = Draft(seed);
  other.plan = seed.other_plan;
  EXPECT_TRUE(tx->PutReport(other).has_value());

  ReportRecord missing = Draft(seed);
  missing.id = ReportId{first.value + 100};
  ExpectError(tx->PutReport(missing), ErrorCode::kNotFound, "does not exist");
  ReportRecord bad = Draft(seed, "202512");
  bad.plan = PlanId{999};
  ExpectError(tx->PutReport(bad), ErrorCode::kInvalidArgument, "plan 999");
  bad = Draft(seed, "202512");
  bad.unit = OrgUnitId{999};
  ExpectError(tx->PutReport(bad), ErrorCode::kInvalidArgument, "org unit 999");
  bad = Draft(seed, "202512");
  bad.present_items = 5;
  ExpectError(tx->PutReport(bad), ErrorCode::kInvalidArgument, "present_items");
  bad = Draft(seed, "202512");
  bad.state = ReportState::kApproved;
  ExpectError(tx->PutReport(bad), ErrorCode::kInvalidArgument, "signature");
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().FindReports({})).size(), 4u);
}

TEST_P(StoreConformanceTest, RevisionsSupersedeTheirPredecessorAndKeepIt) {
  const Seed seed = SeedModel(store());
  auto tx = Begin();
  ReportRecord accepted = Draft(seed);
  accepted.state = ReportState::kAccepted;
  accepted.signature = Signature();
  const ReportId first = Must(tx->PutReport(accepted));

  ReportRecord second = Draft(seed);
  second.revision = 2;
  ExpectError(tx->PutReport(second), ErrorCode::kInvalidArgument, "supersedes");
  ReportRecord first_with_link = Draft(seed, "202511");
  first_with_link.supersedes = first;
  ExpectError(tx->PutReport(first_with_link), ErrorCode::kInvalidArgument, "supersedes");
  ReportRecord elsewhere = Draft(seed);
  elsewhere.unit = seed.commune;
  elsewhere.revision = 2;
  elsewhere.supersedes = first;
  ExpectError(tx->PutReport(elsewhere), ErrorCode::kInvalidArgument, "another plan, unit");
  second.supersedes = first;
  const ReportId second_id = Must(tx->PutReport(second));
  MustOk(tx->Commit());

  ReportQuery query;
  query.plan = seed.plan;
  query.unit = seed.ward;
  query.period = *Period::Parse("202510");
  const auto both = Must(store().FindReports(query));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].id, first);
  EXPECT_EQ(both[0].state, ReportState::kAccepted);
  EXPECT_EQ(both[0].signature, Signature());
  EXPECT_EQ(both[1].id, second_id);
  EXPECT_EQ(both[1].revision, 2);
  EXPECT_EQ(both[1].supersedes, first);
}

TEST_P(StoreConformanceTest, AnAcceptedReportNeverChanges) {
  const Seed seed = SeedModel(store());
  ReportRecord accepted = Draft(seed);
  accepted.state = ReportState::kAccepted;
  accepted.signature = Signature();
  ReportId id;
  {
    auto tx = Begin();
    id = Must(tx->PutReport(accepted));
    MustOk(tx->Commit());
  }
  const ReportRecord before = Must(store().ReportById(id));
  {
    auto tx = Begin();
    ReportRecord changed = before;
    changed.results = "sửa lại";
    ExpectError(tx->PutReport(changed), ErrorCode::kFailedPrecondition, "accepted");
    changed = before;
    changed.state = ReportState::kReturned;
    changed.signature.reset();
    ExpectError(tx->PutReport(changed), ErrorCode::kFailedPrecondition, "accepted");
    MustOk(tx->Commit());
  }
  Reopen();
  EXPECT_EQ(Must(store().ReportById(id)), before);
}

TEST_P(StoreConformanceTest, ReportQueriesFilterAndSummariesLeaveTheContentOut) {
  const Seed seed = SeedModel(store());
  {
    auto tx = Begin();
    ReportRecord r = Draft(seed);
    Must(tx->PutReport(r));
    r = Draft(seed, "202511");
    r.state = ReportState::kApproved;
    r.signature = Signature();
    Must(tx->PutReport(r));
    r = Draft(seed);
    r.unit = seed.commune;
    r.state = ReportState::kSubmitted;
    Must(tx->PutReport(r));
    r = Draft(seed);
    r.plan = seed.other_plan;
    Must(tx->PutReport(r));
    MustOk(tx->Commit());
  }
  ReportQuery q;
  q.plan = seed.plan;
  EXPECT_EQ(Must(store().FindReports(q)).size(), 3u);
  q.unit = seed.ward;
  EXPECT_EQ(Must(store().FindReports(q)).size(), 2u);
  q.period = *Period::Parse("202511");
  auto found = Must(store().FindReports(q));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].state, ReportState::kApproved);
  EXPECT_EQ(found[0].content, R"({"period":"202510"})");
  ASSERT_TRUE(found[0].signature.has_value());

  q.summaries_only = true;
  found = Must(store().FindReports(q));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].content, "");
  EXPECT_EQ(found[0].signature, std::nullopt);
  EXPECT_EQ(found[0].required_items, 4);
  EXPECT_EQ(found[0].present_items, 3);
  EXPECT_EQ(found[0].results, "Hoàn thành 3 nhiệm vụ");

  ReportQuery by_state;
  by_state.state = ReportState::kSubmitted;
  found = Must(store().FindReports(by_state));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].unit, seed.commune);
}

TEST_P(StoreConformanceTest, ReportEventsAreAppendedInOrderWithTheTransactionInstant) {
  const Seed seed = SeedModel(store());
  ReportId id;
  std::string stamp;
  {
    auto tx = Begin();
    id = Must(tx->PutReport(Draft(seed)));
    MustOk(tx->AppendReportEvent({0, id, ReportAction::kCreate, std::nullopt, ReportState::kDraft,
                                  "chiengan.canbo", "", ""}));
    MustOk(tx->AppendReportEvent({0, id, ReportAction::kSubmit, ReportState::kDraft,
                                  ReportState::kSubmitted, "chiengan.canbo", "", ""}));
    ExpectError(tx->AppendReportEvent({0, ReportId{777}, ReportAction::kSubmit, ReportState::kDraft,
                                       ReportState::kSubmitted, "x", "", ""}),
                ErrorCode::kInvalidArgument, "report 777");
    stamp = Must(tx->ReportById(id)).created_at;
    MustOk(tx->Commit());
  }
  {
    auto tx = Begin();
    MustOk(
        tx->AppendReportEvent({0, id, ReportAction::kReturn, ReportState::kSubmitted,
                               ReportState::kReturned, "chiengan.lanhdao", "Thiếu số liệu", ""}));
    MustOk(tx->Commit());
  }
  const auto events = Must(store().ReportEvents(id));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].action, ReportAction::kCreate);
  EXPECT_EQ(events[0].from, std::nullopt);
  EXPECT_EQ(events[0].to, ReportState::kDraft);
  EXPECT_EQ(events[0].at, stamp);
  EXPECT_EQ(events[1].at, stamp);
  EXPECT_LT(events[0].sequence, events[1].sequence);
  EXPECT_EQ(events[1].from, ReportState::kDraft);
  EXPECT_EQ(events[2].action, ReportAction::kReturn);
  EXPECT_EQ(events[2].actor, "chiengan.lanhdao");
  EXPECT_EQ(events[2].comment, "Thiếu số liệu");
  EXPECT_GT(events[2].at, stamp);
  EXPECT_EQ(events[2].report, id);
  EXPECT_TRUE(Must(store().ReportEvents(ReportId{777})).empty());
}

TEST_P(StoreConformanceTest, AReportWrittenInARolledBackTransactionLeavesNoTrace) {
  const Seed seed = SeedModel(store());
  {
    auto tx = Begin();
    const ReportId id = Must(tx->PutReport(Draft(seed)));
    MustOk(tx->AppendReportEvent(
        {0, id, ReportAction::kCreate, std::nullopt, ReportState::kDraft, "x", "", ""}));
    MustOk(tx->PutReportSchedule(seed.plan, {{PeriodType::kQuarter, 10}}));
  }
  EXPECT_TRUE(Must(store().FindReports({})).empty());
  EXPECT_TRUE(Must(store().ReportSchedule(seed.plan)).empty());
}

}  // namespace
}  // namespace planwatch
