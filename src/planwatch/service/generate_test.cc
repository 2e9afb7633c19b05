#include "planwatch/service/generate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "planwatch/domain/indicator_rules.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/service/plan_status.h"

namespace planwatch {
namespace {

using ::testing::HasSubstr;

class TempDb {
 public:
  explicit TempDb(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("pw-generate-" + std::to_string(::getpid()) + "-" + name + ".db")) {
    Remove();
  }
  ~TempDb() { Remove(); }
  std::string path() const { return path_.string(); }

 private:
  void Remove() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix, ec);
    }
  }
  std::filesystem::path path_;
};

// The value, or a test failure and a default value (a range-for over a temporary's value()
// would dangle).
template <typename T>
T Must(Result<T> result) {
  if (!result) {
    ADD_FAILURE() << result.error().ToString();
    return T{};
  }
  return std::move(result).value();
}

std::unique_ptr<Store> OpenStore(const std::string& path) {
  auto store = Store::Open(StoreOptions{path, true});
  if (!store) ADD_FAILURE() << store.error().ToString();
  return std::move(store).value();
}

GenerateSummary MustGenerate(Store& store, std::uint64_t seed) {
  GenerateOptions options;
  options.seed = seed;
  options.values_per_transaction = 20'000;
  auto summary = Generate(store, options);
  if (!summary) ADD_FAILURE() << summary.error().ToString();
  return summary.value_or(GenerateSummary{});
}

// FNV-1a over a sample of the content: every unit, the values of three indicators, every task
// and event of every plan.
class Checksum {
 public:
  void Add(std::string_view text) {
    for (unsigned char c : text) hash_ = (hash_ ^ c) * 0x100000001b3ULL;
    hash_ = (hash_ ^ 0xff) * 0x100000001b3ULL;
  }
  void Add(std::int64_t n) { Add(std::to_string(n)); }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::uint64_t SampleChecksum(StoreReader& store) {
  Checksum sum;
  for (const OrgUnit& u : Must(store.OrgUnits())) {
    sum.Add(u.code);
    sum.Add(u.name_vi);
    sum.Add(u.name_en);
    sum.Add(OrgUnitTypeName(u.type));
    sum.Add(u.parent.value);
    sum.Add(u.leader_name);
  }
  const std::vector<Indicator> indicators = store.Indicators().value();
  for (std::size_t i = 0; i < 3 && i < indicators.size(); ++i) {
    DataValueQuery query;
    query.indicator = indicators[i].id;
    for (const DataValue& v : Must(store.DataValues(query))) {
      sum.Add(v.unit.value);
      sum.Add(v.period.ToString());
      sum.Add(static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(v.value)));
    }
  }
  for (const Plan& plan : Must(store.Plans())) {
    sum.Add(plan.code);
    for (const Task& t : Must(store.Tasks(plan.id))) {
      sum.Add(t.code);
      sum.Add(t.title_vi);
      sum.Add(t.lead_unit.value);
      sum.Add(t.assigned_on.ToString());
      sum.Add(t.deadline ? t.deadline->ToString() : "-");
    }
    for (const TaskEvent& e : Must(store.TaskEvents(plan.id))) {
      sum.Add(e.task.value);
      sum.Add(TaskEventKindName(e.kind));
      sum.Add(e.on.ToString());
      sum.Add(e.new_lead_unit.value);
    }
  }
  return sum.value();
}

// One province-scale database with seed 1, shared by the tests that only read it.
class GenerateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TempDb("shared");
    auto store = OpenStore(db_->path());
    summary_ = MustGenerate(*store, 1);
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }

  static TempDb* db_;
  static GenerateSummary summary_;
};

TempDb* GenerateTest::db_ = nullptr;
GenerateSummary GenerateTest::summary_;

TEST(GenerateScaleTest, NamesParseBack) {
  for (GenerateScale scale :
       {GenerateScale::kProvince, GenerateScale::kNational, GenerateScale::kVillages}) {
    EXPECT_EQ(ParseGenerateScale(GenerateScaleName(scale)).value(), scale);
  }
  EXPECT_EQ(GenerateScaleName(GenerateScale::kNational), "national");
  auto bad = ParseGenerateScale("country");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(bad.error().message, HasSubstr("'country'"));
}

TEST_F(GenerateTest, ProvinceScaleHasTheDemoShape) {
  auto store = OpenStore(db_->path());
  std::map<OrgUnitType, int> by_type;
  for (const OrgUnit& u : Must(store->OrgUnits())) ++by_type[u.type];
  EXPECT_EQ(by_type[OrgUnitType::kCentral], 1);
  EXPECT_EQ(by_type[OrgUnitType::kCommittee], 1);
  EXPECT_EQ(by_type[OrgUnitType::kProvince], 1);
  EXPECT_GE(by_type[OrgUnitType::kDepartment], 18);
  EXPECT_LE(by_type[OrgUnitType::kDepartment], 22);
  EXPECT_EQ(by_type[OrgUnitType::kCommune] + by_type[OrgUnitType::kWard], 75);
  EXPECT_GT(by_type[OrgUnitType::kWard], 0);
  EXPECT_EQ(by_type[OrgUnitType::kVillage], 0);
  const int departments = by_type[OrgUnitType::kDepartment];
  EXPECT_EQ(summary_.units, static_cast<std::uint64_t>(3 + departments + 75));
  EXPECT_EQ(summary_.departments, static_cast<std::uint64_t>(departments));
  EXPECT_EQ(summary_.communes, 75u);
  EXPECT_EQ(summary_.indicators, 30u);
  EXPECT_EQ(store->Indicators().value().size(), 30u);
  EXPECT_EQ(summary_.plans, 2u);
  EXPECT_EQ(summary_.task_groups, 20u);
  // 6 tasks per department, 2 per commune, 10 in the national plan.
  EXPECT_EQ(summary_.tasks, static_cast<std::uint64_t>(departments * 6 + 75 * 2 + 10));
  std::uint64_t tasks = 0;
  std::uint64_t events = 0;
  for (const Plan& plan : Must(store->Plans())) {
    tasks += store->Tasks(plan.id).value().size();
    events += store->TaskEvents(plan.id).value().size();
    EXPECT_EQ(store->TaskGroups(plan.id).value().size(), 10u) << plan.code;
  }
  EXPECT_EQ(tasks, summary_.tasks);
  EXPECT_EQ(events, summary_.task_events);
  std::uint64_t values = 0;
  ASSERT_TRUE(store->ScanDataValues([&](const ValueCell&) { ++values; }).has_value());
  EXPECT_EQ(values, summary_.values);
  // 72 months for every reporting unit.
  EXPECT_EQ(values % 72, 0u);
  EXPECT_GT(values, 75u * 72 * 10);
}

TEST_F(GenerateTest, EveryValueIsWithinItsIndicatorsBounds) {
  auto store = OpenStore(db_->path());
  std::map<std::int64_t, Indicator> indicators;
  for (const Indicator& i : Must(store->Indicators())) indicators[i.id.value] = i;
  std::uint64_t refused = 0;
  std::uint64_t checked = 0;
  std::string first_refusal;
  ASSERT_TRUE(store
                  ->ScanDataValues([&](const ValueCell& cell) {
                    ++checked;
                    const Indicator& indicator = indicators.at(cell.indicator.value);
                    EXPECT_NE(indicator.unit_aggregation, UnitAggregation::kRatio);
                    if (auto ok = ValidateValue(indicator, cell.value); !ok) {
                      if (refused++ == 0) first_refusal = ok.error().message;
                    }
                  })
                  .has_value());
  EXPECT_EQ(checked, summary_.values);
  EXPECT_EQ(refused, 0u) << first_refusal;
}

TEST_F(GenerateTest, RatioPartsAreConsistentForEveryUnitAndMonth) {
  auto store = OpenStore(db_->path());
  std::map<std::int64_t, Indicator> indicators;
  for (const Indicator& i : Must(store->Indicators())) indicators[i.id.value] = i;
  int ratios = 0;
  for (const auto& [id, ratio] : indicators) {
    if (ratio.unit_aggregation != UnitAggregation::kRatio) continue;
    ++ratios;
    EXPECT_EQ(ratio.factor, 100);
    const Indicator& numerator = indicators.at(ratio.numerator.value);
    const Indicator& denominator = indicators.at(ratio.denominator.value);
    DataValueQuery nq;
    nq.indicator = numerator.id;
    DataValueQuery dq;
    dq.indicator = denominator.id;
    const std::vector<DataValue> nums = store->DataValues(nq).value();
    const std::vector<DataValue> dens = store->DataValues(dq).value();
    ASSERT_EQ(nums.size(), dens.size()) << ratio.code;
    ASSERT_FALSE(nums.empty()) << ratio.code;
    for (std::size_t k = 0; k < nums.size(); ++k) {
      ASSERT_EQ(nums[k].unit, dens[k].unit);
      ASSERT_EQ(nums[k].period, dens[k].period);
      auto ok = ValidateRatioInputs(numerator, nums[k].value, denominator, dens[k].value);
      ASSERT_TRUE(ok.has_value()) << ok.error().message;
    }
  }
  EXPECT_GT(ratios, 0);
}

TEST_F(GenerateTest, EventsOfEveryTaskAreDatedInOrderAndNotBeforeAssignment) {
  auto store = OpenStore(db_->path());
  std::map<TaskEventKind, int> kinds;
  int lead_changes = 0;
  for (const Plan& plan : Must(store->Plans())) {
    std::map<std::int64_t, Task> tasks;
    for (const Task& t : Must(store->Tasks(plan.id))) tasks[t.id.value] = t;
    std::map<std::int64_t, Date> last;
    for (const TaskEvent& e : Must(store->TaskEvents(plan.id))) {
      ++kinds[e.kind];
      if (e.new_lead_unit) ++lead_changes;
      const Task& task = tasks.at(e.task.value);
      EXPECT_GE(e.on, task.assigned_on) << plan.code << " " << task.code;
      auto [it, first] = last.emplace(e.task.value, e.on);
      if (!first) {
        EXPECT_GE(e.on, it->second) << plan.code << " " << task.code;
        it->second = e.on;
      }
      if (e.completed_on) {
        EXPECT_LE(*e.completed_on, e.on) << plan.code << " " << task.code;
      }
    }
  }
  for (TaskEventKind kind :
       {TaskEventKind::kProgress, TaskEventKind::kClaim, TaskEventKind::kVerify,
        TaskEventKind::kReturn, TaskEventKind::kAmend, TaskEventKind::kCancel}) {
    EXPECT_GT(kinds[kind], 0) << TaskEventKindName(kind);
  }
  EXPECT_GT(lead_changes, 0);
}

TEST_F(GenerateTest, ReopensAndAnswersPlanStatusWithEveryStatus) {
  auto store = Store::Open(StoreOptions{db_->path(), false});
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto analytics = LoadAnalytics(**store);
  ASSERT_TRUE(analytics.has_value()) << analytics.error().ToString();
  StatusQuery query;
  query.plan_code = "KH-P01-57";
  query.as_of = Date::Parse("2027-06-30").value();
  auto status = GetPlanStatus(**analytics, query);
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  const StatusSummary& s = status->summary;
  EXPECT_EQ(status->plan.code, "KH-P01-57");
  EXPECT_GT(s.total, 0);
  EXPECT_GT(s.done_on_time, 0);
  EXPECT_GT(s.done_late, 0);
  EXPECT_GT(s.overdue, 0);
  EXPECT_GT(s.cancelled, 0);
  EXPECT_GT(s.in_progress_on_time, 0);
}

TEST(GenerateDeterminismTest, SameSeedSameContentOtherSeedDiffers) {
  TempDb a("a");
  TempDb b("b");
  TempDb c("c");
  auto sa = OpenStore(a.path());
  auto sb = OpenStore(b.path());
  auto sc = OpenStore(c.path());
  const GenerateSummary ga = MustGenerate(*sa, 42);
  const GenerateSummary gb = MustGenerate(*sb, 42);
  const GenerateSummary gc = MustGenerate(*sc, 43);
  EXPECT_EQ(ga.units, gb.units);
  EXPECT_EQ(ga.tasks, gb.tasks);
  EXPECT_EQ(ga.task_events, gb.task_events);
  EXPECT_EQ(ga.values, gb.values);
  EXPECT_EQ(ga.targets, gb.targets);
  const std::uint64_t checksum = SampleChecksum(*sa);
  EXPECT_EQ(SampleChecksum(*sb), checksum);
  EXPECT_NE(SampleChecksum(*sc), checksum);
  EXPECT_NE(gc.task_events, ga.task_events);
}

TEST(GenerateRefusalTest, RefusesADatabaseThatHoldsUnits) {
  TempDb db("refuse");
  auto store = OpenStore(db.path());
  {
    auto tx = store->Begin().value();
    OrgUnit unit;
    unit.code = "SL";
    unit.name_vi = "Tỉnh Sơn La";
    unit.type = OrgUnitType::kProvince;
    ASSERT_TRUE(tx->PutOrgUnit(unit).has_value());
    ASSERT_TRUE(tx->Commit().has_value());
  }
  auto summary = Generate(*store, GenerateOptions{});
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(summary.error().message, HasSubstr("1 org units"));
  EXPECT_EQ(store->OrgUnits().value().size(), 1u);
}

TEST(GenerateRefusalTest, RefusesZeroValuesPerTransaction) {
  TempDb db("zero");
  auto store = OpenStore(db.path());
  GenerateOptions options;
  options.values_per_transaction = 0;
  auto summary = Generate(*store, options);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(summary.error().message, HasSubstr("values_per_transaction"));
  EXPECT_TRUE(store->OrgUnits().value().empty());
}

}  // namespace
}  // namespace planwatch
