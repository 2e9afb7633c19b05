// The index against brute force: every answer is compared with the pure rules of the domain
// (Rollup, RollupRatio, Summarize*) computed over a plain model of the same data, for random
// units, windows, indicators and dates, between random interleaved writes and restructures.
#include "planwatch/analytics/analytics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "planwatch/domain/indicator_rules.h"

namespace planwatch {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::Optional;

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }
Period Month(int y, int m) { return Period::Of(PeriodType::kMonth, y, m); }

OrgUnit Unit(std::int64_t id, std::int64_t parent, std::string code) {
  OrgUnit u;
  u.id = OrgUnitId{id};
  u.parent = OrgUnitId{parent};
  u.code = std::move(code);
  u.name_vi = u.code;
  return u;
}

Indicator MakeIndicator(std::int64_t id, TimeAggregation time, UnitAggregation units) {
  Indicator i;
  i.id = IndicatorId{id};
  i.code = "I" + std::to_string(id);
  i.time_aggregation = time;
  i.unit_aggregation = units;
  return i;
}

// The data as plain maps, and the rules applied to them.
struct Model {
  Catalog catalog;
  std::map<std::tuple<IndicatorId, OrgUnitId, Period>, double> values;
  std::vector<Task> tasks;
  std::vector<TaskEvent> events;

  ValuesByUnit ValuesOf(IndicatorId indicator) const {
    ValuesByUnit out;
    for (const auto& [key, v] : values) {
      if (std::get<0>(key) == indicator) {
        out[std::get<1>(key)].push_back(PeriodValue{std::get<2>(key), v});
      }
    }
    return out;
  }

  std::vector<OrgUnitId> Covered(OrgUnitId root, bool subtree = true) const {
    const OrgTree& tree = catalog.tree;
    std::vector<OrgUnitId> units = subtree ? tree.Subtree(root) : std::vector<OrgUnitId>{root};
    const std::size_t n = units.size();
    for (std::size_t i = 0; i < n; ++i) {
      for (OrgUnitId p : tree.Predecessors(units[i])) units.push_back(p);
    }
    return units;
  }

  std::optional<double> Rollup(const Indicator& indicator, OrgUnitId root,
                               const PeriodRange& window) const {
    const std::vector<OrgUnitId> units = Covered(root);
    if (indicator.unit_aggregation == UnitAggregation::kRatio) {
      const Indicator& num = *catalog.FindIndicator(indicator.numerator);
      const Indicator& den = *catalog.FindIndicator(indicator.denominator);
      return *RollupRatio(indicator, num, ValuesOf(num.id), den, ValuesOf(den.id), units, window);
    }
    return *planwatch::Rollup(indicator, ValuesOf(indicator.id), units, window);
  }

  TaskFilter FilterFor(const TaskScope& scope) const {
    TaskFilter filter;
    filter.plan = scope.plan;
    if (scope.unit) {
      const auto units = Covered(scope.unit, scope.subtree);
      filter.lead_units.emplace(units.begin(), units.end());
    }
    return filter;
  }
};

void ExpectSame(const std::optional<double>& index, const std::optional<double>& brute,
                const std::string& what) {
  ASSERT_EQ(index.has_value(), brute.has_value()) << what;
  if (brute) {
    EXPECT_NEAR(*index, *brute, 1e-9 * std::max(1.0, std::abs(*brute))) << what;
  }
}

// A province-like tree: a root, provinces, districts, communes; ids follow creation.
struct TreeBuilder {
  std::vector<OrgUnit> units;
  std::vector<Succession> successions;
  std::int64_t next = 1;

  OrgUnitId Add(OrgUnitId parent, const std::string& code) {
    units.push_back(Unit(next, parent.value, code));
    return OrgUnitId{next++};
  }
};

class AnalyticsPropertyTest : public ::testing::TestWithParam<int> {};

TEST_P(AnalyticsPropertyTest, EveryAnswerEqualsTheRulesOverTheSameData) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(GetParam()));
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };

  TreeBuilder b;
  const OrgUnitId root = b.Add(OrgUnitId{}, "R");
  std::vector<OrgUnitId> leaves;
  for (int p = 0; p < 3; ++p) {
    const OrgUnitId province = b.Add(root, "P" + std::to_string(p));
    for (int d = 0; d < 3 + static_cast<int>(pick(3)); ++d) {
      const OrgUnitId district = b.Add(province, "P" + std::to_string(p) + "D" + std::to_string(d));
      for (int c = 0; c < static_cast<int>(pick(5)); ++c) {
        leaves.push_back(b.Add(
            district, "P" + std::to_string(p) + "D" + std::to_string(d) + "C" + std::to_string(c)));
      }
    }
  }
  // Two communes merged into a third (in another province, so the successor's subtree must reach
  // outside its own range), closed on 30 June 2025.
  ASSERT_GE(leaves.size(), 6U);
  for (int k = 0; k < 2; ++k) {
    OrgUnit& closed =
        b.units[static_cast<std::size_t>(leaves[static_cast<std::size_t>(k)].value - 1)];
    closed.valid_to = D(2025, 6, 30);
    b.successions.push_back(Succession{closed.id, leaves.back(), D(2025, 7, 1)});
  }

  Model model;
  model.catalog.tree = *OrgTree::Build(b.units, b.successions);
  auto& indicators = model.catalog.indicators;
  indicators = {
      MakeIndicator(1, TimeAggregation::kSum, UnitAggregation::kSum),
      MakeIndicator(2, TimeAggregation::kLast, UnitAggregation::kSum),
      MakeIndicator(3, TimeAggregation::kAverage, UnitAggregation::kAverage),
      MakeIndicator(4, TimeAggregation::kSum, UnitAggregation::kMin),
      MakeIndicator(5, TimeAggregation::kLast, UnitAggregation::kMax),
      MakeIndicator(6, TimeAggregation::kAverage, UnitAggregation::kSum),
      MakeIndicator(7, TimeAggregation::kSum, UnitAggregation::kRatio),
      MakeIndicator(8, TimeAggregation::kLast, UnitAggregation::kRatio),
  };
  indicators[6].numerator = IndicatorId{1};
  indicators[6].denominator = IndicatorId{6};
  indicators[6].factor = 100;
  indicators[7].numerator = IndicatorId{2};
  indicators[7].denominator = IndicatorId{5};
  Plan plan;
  plan.id = PlanId{1};
  plan.code = "PLAN";
  model.catalog.plans = {plan};
  for (int g = 1; g <= 3; ++g) {
    TaskGroup group;
    group.id = TaskGroupId{g};
    group.plan = plan.id;
    group.code = "G" + std::to_string(g);
    model.catalog.task_groups.push_back(group);
  }

  Analytics index;
  index.SetCatalog(model.catalog);

  const std::vector<Indicator> plain(indicators.begin(), indicators.begin() + 6);
  auto any_unit = [&] {
    const auto all = model.catalog.tree.units();
    return all[pick(all.size())].id;
  };
  auto write_values = [&](int n) {
    std::vector<CellValue> batch;
    for (int i = 0; i < n; ++i) {
      const Indicator& ind = plain[pick(plain.size())];
      const OrgUnitId unit = any_unit();
      const Period period = Month(2025 + static_cast<int>(pick(2)), 1 + static_cast<int>(pick(12)));
      const auto key = std::make_tuple(ind.id, unit, period);
      if (chance(10)) {
        model.values.erase(key);
        index.SetValues(batch);  // in write order
        batch.clear();
        index.EraseValue(ind.id, unit, period);
        continue;
      }
      const double v = static_cast<double>(pick(1000)) / 4.0 + (ind.id.value == 5 ? 1.0 : 0.0);
      model.values[key] = v;
      if (chance(50)) {
        index.SetValues(batch);
        batch.clear();
        index.SetValue(ind.id, unit, period, v);
      } else {
        batch.push_back(CellValue{ind.id, unit, period, v});
        if (chance(20)) {
          index.SetValues(batch);
          batch.clear();
        }
      }
    }
    index.SetValues(batch);
  };

  std::int64_t next_task = 1;
  auto write_tasks = [&](int n) {
    for (int i = 0; i < n; ++i) {
      if (model.tasks.empty() || chance(40)) {
        Task t;
        t.id = TaskId{next_task++};
        t.plan = plan.id;
        t.group = TaskGroupId{1 + static_cast<std::int64_t>(pick(3))};
        t.lead_unit = any_unit();
        t.code = "T" + std::to_string(t.id.value);
        t.assigned_on = D(2025, 1 + static_cast<int>(pick(6)), 1);
        if (chance(15)) {
          t.kind = TaskKind::kRecurring;
          t.cadence = PeriodType::kQuarter;
        } else {
          t.deadline = D(2025, 3 + static_cast<int>(pick(10)), 1 + static_cast<int>(pick(28)));
        }
        model.tasks.push_back(t);
        index.PutTask(t);
        continue;
      }
      const Task& t = model.tasks[pick(model.tasks.size())];
      TaskEvent e;
      e.task = t.id;
      e.on = D(2025, 2 + static_cast<int>(pick(11)), 1 + static_cast<int>(pick(28)));
      switch (pick(6)) {
        case 0:
          e.kind = TaskEventKind::kProgress;
          e.progress_percent = static_cast<int>(pick(100));
          if (t.cadence) e.period = Period::Containing(e.on, PeriodType::kQuarter);
          break;
        case 1:
        case 2:
          e.kind = TaskEventKind::kClaim;
          e.completed_on = e.on;
          break;
        case 3:
          e.kind = TaskEventKind::kVerify;
          break;
        case 4:
          e.kind = TaskEventKind::kAmend;
          if (chance(50)) {
            e.new_lead_unit = any_unit();
          } else {
            e.new_deadline = e.on.AddDays(static_cast<int>(pick(90)));
          }
          break;
        default:
          e.kind = chance(50) ? TaskEventKind::kCancel : TaskEventKind::kReturn;
          break;
      }
      model.events.push_back(e);
      index.AppendTaskEvent(e);
    }
  };

  auto random_window = [&]() -> PeriodRange {
    switch (pick(3)) {
      case 0: {
        const int y = 2025 + static_cast<int>(pick(2));
        return PeriodRange{Period::Year(y), Period::Year(y)};
      }
      case 1: {
        const int q = 1 + static_cast<int>(pick(4));
        return PeriodRange{Period::Of(PeriodType::kQuarter, 2025, q),
                           Period::Of(PeriodType::kQuarter, 2025 + static_cast<int>(pick(2)),
                                      q + static_cast<int>(pick(static_cast<std::size_t>(5 - q))))};
      }
      default: {
        const int first = static_cast<int>(pick(24));
        const int last = first + static_cast<int>(pick(static_cast<std::size_t>(24 - first)));
        return PeriodRange{Month(2025 + first / 12, 1 + first % 12),
                           Month(2025 + last / 12, 1 + last % 12)};
      }
    }
  };

  auto check_queries = [&](int n) {
    for (int q = 0; q < n; ++q) {
      const Indicator& ind = indicators[pick(indicators.size())];
      const OrgUnitId unit = chance(20) ? root : any_unit();
      const PeriodRange window = random_window();
      const std::string what =
          ind.code + " over " + model.catalog.tree.Find(unit)->code + " in " + window.ToString();
      auto got = index.Rollup(ind.id, unit, window);
      ASSERT_TRUE(got.has_value()) << got.error().message;
      ExpectSame(*got, model.Rollup(ind, unit, window), what);

      auto by_period = index.RollupByPeriod(ind.id, unit, window, PeriodType::kMonth);
      ASSERT_TRUE(by_period.has_value());
      std::vector<Period> months;
      for (Period p = Period::Containing(window.first.start(), PeriodType::kMonth);
           p.start() <= window.last.end(); p = p.Next()) {
        months.push_back(p);
      }
      ASSERT_EQ(by_period->size(), months.size()) << what;
      for (std::size_t i = 0; i < months.size(); ++i) {
        EXPECT_EQ((*by_period)[i].first, months[i]);
        ExpectSame((*by_period)[i].second,
                   model.Rollup(ind, unit, PeriodRange{months[i], months[i]}),
                   what + " month " + months[i].ToString());
      }

      auto by_child = index.RollupByChild(ind.id, unit, window);
      ASSERT_TRUE(by_child.has_value());
      std::vector<OrgUnitId> children;
      for (OrgUnitId c : model.catalog.tree.Children(unit)) {
        if (model.catalog.tree.Find(c)->ActiveOn(window.last.end())) children.push_back(c);
      }
      ASSERT_EQ(by_child->size(), children.size()) << what;
      for (std::size_t i = 0; i < children.size(); ++i) {
        EXPECT_EQ((*by_child)[i].first, children[i]);
        ExpectSame((*by_child)[i].second, model.Rollup(ind, children[i], window),
                   what + " child " + model.catalog.tree.Find(children[i])->code);
      }
    }
    for (int q = 0; q < n; ++q) {
      TaskScope scope;
      scope.plan = plan.id;
      if (!chance(20)) scope.unit = any_unit();
      scope.subtree = chance(70);
      scope.as_of = D(2025, 1 + static_cast<int>(pick(12)), 1 + static_cast<int>(pick(28)));
      scope.view = chance(50) ? CompletionView::kVerified : CompletionView::kClaimed;
      const TaskFilter filter = model.FilterFor(scope);
      EXPECT_EQ(*index.SummarizeTasks(scope),
                Summarize(model.tasks, model.events, scope.as_of, scope.view, filter));
      EXPECT_EQ(*index.SummarizeTasksByGroup(scope),
                SummarizeByGroup(model.tasks, model.events, scope.as_of, scope.view, filter));
      EXPECT_EQ(*index.SummarizeTasksByLeadUnit(scope),
                SummarizeByLeadUnit(model.tasks, model.events, scope.as_of, scope.view, filter));
    }
  };

  for (int round = 0; round < 6; ++round) {
    write_values(150);
    write_tasks(40);
    check_queries(25);
    if (round == 3) {
      // A restructure: a new district with a commune in the middle of the tree moves every
      // position after it; the values stay with their units.
      b.Add(OrgUnitId{2}, "P0DA");
      b.Add(OrgUnitId{b.next - 1}, "P0DAC0");
      model.catalog.tree = *OrgTree::Build(b.units, b.successions);
      index.SetCatalog(model.catalog);
    }
    if (HasFailure()) return;
  }
  const Analytics::Size size = index.size();
  EXPECT_EQ(size.values, model.values.size());
  EXPECT_EQ(size.tasks, model.tasks.size());
  EXPECT_EQ(size.events, model.events.size());
}

INSTANTIATE_TEST_SUITE_P(Seeds, AnalyticsPropertyTest, ::testing::Range(1, 13));

// ---- hand-computed cases ----

class AnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // R ─ A ─ A1, A2 ; R ─ B
    catalog_.tree = *OrgTree::Build(
        {Unit(1, 0, "R"), Unit(2, 1, "A"), Unit(3, 2, "A1"), Unit(4, 2, "A2"), Unit(5, 1, "B")});
    catalog_.indicators = {MakeIndicator(1, TimeAggregation::kSum, UnitAggregation::kSum),
                           MakeIndicator(2, TimeAggregation::kLast, UnitAggregation::kAverage)};
    index_.SetCatalog(catalog_);
  }
  Catalog catalog_;
  Analytics index_;
};

TEST_F(AnalyticsTest, SumsASubtreeOverAWindow) {
  index_.SetValue(IndicatorId{1}, OrgUnitId{3}, Month(2025, 1), 10);
  index_.SetValue(IndicatorId{1}, OrgUnitId{4}, Month(2025, 2), 5);
  index_.SetValue(IndicatorId{1}, OrgUnitId{5}, Month(2025, 1), 100);
  const PeriodRange year{Period::Year(2025), Period::Year(2025)};
  EXPECT_THAT(*index_.Rollup(IndicatorId{1}, OrgUnitId{2}, year), Optional(DoubleNear(15, 0)));
  EXPECT_THAT(*index_.Rollup(IndicatorId{1}, OrgUnitId{1}, year), Optional(DoubleNear(115, 0)));
  EXPECT_EQ(
      *index_.Rollup(IndicatorId{1}, OrgUnitId{2}, PeriodRange{Month(2025, 3), Month(2025, 3)}),
      std::nullopt);
  EXPECT_THAT(*index_.RollupByChild(IndicatorId{1}, OrgUnitId{1}, year),
              ElementsAre(std::pair{OrgUnitId{2}, std::optional<double>(15)},
                          std::pair{OrgUnitId{5}, std::optional<double>(100)}));
}

TEST_F(AnalyticsTest, AStockTakesEachUnitsLatestValueThenAverages) {
  index_.SetValue(IndicatorId{2}, OrgUnitId{3}, Month(2025, 1), 10);
  index_.SetValue(IndicatorId{2}, OrgUnitId{3}, Month(2025, 3), 30);
  index_.SetValue(IndicatorId{2}, OrgUnitId{4}, Month(2025, 2), 50);
  const PeriodRange q1{Period::Of(PeriodType::kQuarter, 2025, 1),
                       Period::Of(PeriodType::kQuarter, 2025, 1)};
  EXPECT_THAT(*index_.Rollup(IndicatorId{2}, OrgUnitId{2}, q1), Optional(DoubleNear(40, 0)));
  index_.EraseValue(IndicatorId{2}, OrgUnitId{3}, Month(2025, 3));
  EXPECT_THAT(*index_.Rollup(IndicatorId{2}, OrgUnitId{2}, q1), Optional(DoubleNear(30, 0)));
  EXPECT_EQ(index_.size().values, 2U);
}

TEST_F(AnalyticsTest, UnknownIndicatorOrUnitIsNotFound) {
  const PeriodRange year{Period::Year(2025), Period::Year(2025)};
  EXPECT_EQ(index_.Rollup(IndicatorId{9}, OrgUnitId{1}, year).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(index_.Rollup(IndicatorId{1}, OrgUnitId{9}, year).error().code, ErrorCode::kNotFound);
  TaskScope scope;
  scope.plan = PlanId{3};
  EXPECT_EQ(index_.SummarizeTasks(scope).error().code, ErrorCode::kNotFound);
}

TEST_F(AnalyticsTest, QueriesRunWhileValuesAreWritten) {
  // Readers and one writer at once; every answer is a sum of whole values written so far.
  const PeriodRange year{Period::Year(2025), Period::Year(2025)};
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < 20000; ++i) {
      index_.SetValue(IndicatorId{1}, OrgUnitId{3 + i % 3}, Month(2025, 1 + (i / 3) % 12), 1);
    }
    done = true;
  });
  int answers = 0;
  while (!done) {
    auto v = index_.Rollup(IndicatorId{1}, OrgUnitId{1}, year);
    ASSERT_TRUE(v.has_value());
    if (*v) {
      EXPECT_EQ(**v, std::floor(**v));
      EXPECT_LE(**v, 36);
    }
    ++answers;
  }
  writer.join();
  EXPECT_GT(answers, 0);
  EXPECT_THAT(*index_.Rollup(IndicatorId{1}, OrgUnitId{1}, year), Optional(DoubleNear(36, 0)));
}

}  // namespace
}  // namespace planwatch
