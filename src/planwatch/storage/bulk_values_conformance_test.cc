// Conformance of Transaction::PutDataValues (store.h): the same checks and history as
// PutDataValue for each item, all or nothing, errors naming the item's position. Run by every
// engine through the StoreConformanceTest fixture (store_conformance.h), instantiated in
// store_conformance_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "planwatch/storage/store_conformance.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

Period P(std::string_view text) { return Period::Parse(text).value(); }

struct Catalog {
  OrgUnitId province;
  OrgUnitId commune;
  IndicatorId sites;
  IndicatorId share;
};

Catalog Seed(Store& store) {
  auto tx = Must(store.Begin());
  Catalog c;
  OrgUnit unit;
  unit.code = "SL";
  unit.name_vi = "Tỉnh Sơn La";
  unit.type = OrgUnitType::kProvince;
  c.province = Must(tx->PutOrgUnit(unit));
  unit.code = "SL-CA";
  unit.name_vi = "Phường Chiềng An";
  unit.type = OrgUnitType::kWard;
  unit.parent = c.province;
  c.commune = Must(tx->PutOrgUnit(unit));
  Indicator indicator;
  indicator.code = "SITES_4G";
  indicator.name_vi = "Số thôn, bản có sóng 4G";
  indicator.value_type = ValueType::kCount;
  c.sites = Must(tx->PutIndicator(indicator));
  indicator.code = "DIGITISED";
  indicator.name_vi = "Tỷ lệ hồ sơ được số hóa";
  indicator.value_type = ValueType::kPercent;
  c.share = Must(tx->PutIndicator(indicator));
  MustOk(tx->Commit());
  return c;
}

DataValue Value(IndicatorId indicator, OrgUnitId unit, std::string_view period, double value,
                std::string comment = "") {
  DataValue v;
  v.indicator = indicator;
  v.unit = unit;
  v.period = P(period);
  v.value = value;
  v.comment = std::move(comment);
  v.state = ValueState::kSubmitted;
  v.stored_by = "vanphong@sonla.gov.vn";
  return v;
}

std::vector<double> ValuesOf(Store& store, IndicatorId indicator) {
  DataValueQuery query;
  query.indicator = indicator;
  std::vector<double> values;
  for (const DataValue& v : Must(store.DataValues(query))) values.push_back(v.value);
  return values;
}

TEST_P(StoreConformanceTest, PutDataValuesWritesEveryItemWithOneStamp) {
  const Catalog c = Seed(store());
  std::vector<DataValue> values;
  for (int month = 1; month <= 12; ++month) {
    values.push_back(Value(c.sites, c.commune,
                           "2025" + std::string(month < 10 ? "0" : "") + std::to_string(month),
                           month * 2, "tháng " + std::to_string(month)));
  }
  values.push_back(Value(c.share, c.province, "2025Q4", 93.2));
  auto tx = Begin();
  MustOk(tx->PutDataValues(values));
  MustOk(tx->Commit());

  DataValueQuery query;
  const std::vector<DataValue> stored = Must(store().DataValues(query));
  ASSERT_THAT(stored, SizeIs(13));
  EXPECT_EQ(stored[0].period, P("202501"));
  EXPECT_EQ(stored[0].value, 2);
  EXPECT_EQ(stored[0].comment, "tháng 1");
  EXPECT_EQ(stored[0].state, ValueState::kSubmitted);
  EXPECT_EQ(stored[0].stored_by, "vanphong@sonla.gov.vn");
  EXPECT_EQ(stored[11].period, P("202512"));
  EXPECT_EQ(stored[11].value, 24);
  EXPECT_EQ(stored[12].indicator, c.share);
  EXPECT_EQ(stored[12].value, 93.2);
  for (const DataValue& v : stored) EXPECT_EQ(v.stored_at, stored[0].stored_at);
}

TEST_P(StoreConformanceTest, PutDataValuesDuplicateKeyLastWinsAndHistoryKeepsBoth) {
  const Catalog c = Seed(store());
  auto tx = Begin();
  MustOk(tx->PutDataValues(std::vector<DataValue>{
      Value(c.sites, c.commune, "202503", 10, "first"),
      Value(c.sites, c.province, "202503", 99),
      Value(c.sites, c.commune, "202503", 12, "second"),
  }));
  MustOk(tx->Commit());

  DataValueQuery query;
  query.unit = c.commune;
  const std::vector<DataValue> current = Must(store().DataValues(query));
  ASSERT_THAT(current, SizeIs(1));
  EXPECT_EQ(current[0].value, 12);
  EXPECT_EQ(current[0].comment, "second");
  const auto history = Must(store().DataValueHistory(c.sites, c.commune, P("202503")));
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_EQ(history[0].value, 10);
  EXPECT_EQ(history[0].comment, "first");
  EXPECT_EQ(history[1].value, 12);
  EXPECT_EQ(history[1].stored_at, history[0].stored_at);
}

TEST_P(StoreConformanceTest, PutDataValuesReplacesEarlierValuesKeepingHistory) {
  const Catalog c = Seed(store());
  {
    auto tx = Begin();
    MustOk(tx->PutDataValue(Value(c.sites, c.commune, "202501", 5)));
    MustOk(tx->Commit());
  }
  auto tx = Begin();
  MustOk(tx->PutDataValues(std::vector<DataValue>{Value(c.sites, c.commune, "202501", 6),
                                                  Value(c.sites, c.commune, "202502", 7)}));
  MustOk(tx->Commit());
  EXPECT_THAT(ValuesOf(store(), c.sites), ElementsAre(6, 7));
  const auto history = Must(store().DataValueHistory(c.sites, c.commune, P("202501")));
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_EQ(history[0].value, 5);
  EXPECT_EQ(history[1].value, 6);
  EXPECT_LT(history[0].stored_at, history[1].stored_at);
}

TEST_P(StoreConformanceTest, PutDataValuesRefusesAllWhenOneItemIsBad) {
  const Catalog c = Seed(store());
  std::vector<DataValue> values;
  for (int i = 0; i < 150; ++i) values.push_back(Value(c.sites, c.commune, "2025", i));
  values[137].unit = OrgUnitId{4242};
  auto tx = Begin();
  MustOk(tx->PutDataValue(Value(c.share, c.province, "2025", 50)));
  Status put = tx->PutDataValues(values);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(put.error().message, StartsWith("values[137]: "));
  EXPECT_THAT(put.error().message, HasSubstr("org unit 4242 does not exist"));
  // The transaction goes on: the earlier write stays, nothing of the refused call does.
  MustOk(tx->Commit());
  EXPECT_THAT(ValuesOf(store(), c.sites), IsEmpty());
  EXPECT_THAT(ValuesOf(store(), c.share), ElementsAre(50));
  EXPECT_THAT(Must(store().DataValueHistory(c.sites, c.commune, P("2025"))), IsEmpty());
}

TEST_P(StoreConformanceTest, PutDataValuesNamesTheFirstBadItemAndWhatIsWrong) {
  const Catalog c = Seed(store());
  struct Case {
    int index;
    DataValue bad;
    std::string message;
  };
  DataValue no_indicator = Value(IndicatorId{}, c.commune, "202504", 1);
  DataValue no_unit = Value(c.sites, OrgUnitId{}, "202504", 1);
  DataValue unknown_indicator = Value(IndicatorId{777}, c.commune, "202504", 1);
  DataValue not_finite =
      Value(c.sites, c.commune, "202504", std::numeric_limits<double>::quiet_NaN());
  const std::vector<Case> cases = {
      {0, no_indicator, "indicator is required"},
      {1, no_unit, "org unit is required"},
      {2, unknown_indicator, "indicator 777 does not exist"},
      {3, not_finite, "value is not a finite number"},
  };
  for (const Case& k : cases) {
    std::vector<DataValue> values(static_cast<std::size_t>(k.index),
                                  Value(c.sites, c.commune, "202503", 1));
    values.push_back(k.bad);
    values.push_back(Value(c.sites, OrgUnitId{999}, "202505", 1));  // also bad, but later
    auto tx = Begin();
    Status put = tx->PutDataValues(values);
    ASSERT_FALSE(put.has_value()) << k.message;
    EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(put.error().message, StartsWith("values[" + std::to_string(k.index) + "]: "));
    EXPECT_THAT(put.error().message, HasSubstr(k.message));
    EXPECT_THAT(put.error().message, HasSubstr("period 202504"));
  }
}

TEST_P(StoreConformanceTest, PutDataValuesRefusesADeletedIndicator) {
  const Catalog c = Seed(store());
  {
    auto tx = Begin();
    MustOk(tx->DeleteIndicator(c.share));
    MustOk(tx->Commit());
  }
  auto tx = Begin();
  Status put = tx->PutDataValues(std::vector<DataValue>{Value(c.sites, c.commune, "202501", 1),
                                                        Value(c.share, c.commune, "202501", 1)});
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(put.error().message, StartsWith("values[1]: "));
  EXPECT_THAT(put.error().message,
              HasSubstr("indicator " + std::to_string(c.share.value) + " does not exist"));
}

TEST_P(StoreConformanceTest, PutDataValuesOfManyBlocksKeepsOrderAndKeys) {
  const Catalog c = Seed(store());
  // More than one statement block, with a remainder, and a key repeated across blocks.
  std::vector<DataValue> values;
  Period month = P("202001");
  for (int i = 0; i < 200; ++i, month = month.Next()) {
    values.push_back(Value(c.sites, c.commune, month.ToString(), i));
  }
  values.push_back(Value(c.sites, c.commune, "202001", 1000));
  auto tx = Begin();
  MustOk(tx->PutDataValues(values));
  MustOk(tx->Commit());
  const std::vector<double> stored = ValuesOf(store(), c.sites);
  ASSERT_THAT(stored, SizeIs(200));
  EXPECT_EQ(stored[0], 1000);
  EXPECT_EQ(stored[1], 1);
  EXPECT_EQ(stored[199], 199);
  EXPECT_THAT(Must(store().DataValueHistory(c.sites, c.commune, P("202001"))), SizeIs(2));
}

TEST_P(StoreConformanceTest, PutDataValuesChangesReachTheCommitObserverInOrder) {
  const Catalog c = Seed(store());
  std::vector<CommittedChanges> seen;
  store().SetCommitObserver([&](const CommittedChanges& changes) { seen.push_back(changes); });
  {
    auto tx = Begin();
    MustOk(tx->PutDataValues(std::vector<DataValue>{Value(c.sites, c.commune, "202501", 3),
                                                    Value(c.share, c.province, "2025", 40.5),
                                                    Value(c.sites, c.commune, "202501", 4)}));
    // A refused call adds nothing to what the observer sees.
    EXPECT_FALSE(
        tx->PutDataValues(std::vector<DataValue>{Value(c.sites, OrgUnitId{999}, "2025", 1)})
            .has_value());
    MustOk(tx->Commit());
  }
  ASSERT_THAT(seen, SizeIs(1));
  const auto& values = seen[0].values;
  ASSERT_THAT(values, SizeIs(3));
  EXPECT_EQ(values[0].cell.indicator, c.sites);
  EXPECT_EQ(values[0].cell.unit, c.commune);
  EXPECT_EQ(values[0].cell.period, P("202501"));
  EXPECT_EQ(values[0].cell.value, 3);
  EXPECT_EQ(values[1].cell.indicator, c.share);
  EXPECT_EQ(values[1].cell.value, 40.5);
  EXPECT_EQ(values[2].cell.value, 4);
  EXPECT_FALSE(values[2].erased);
  EXPECT_FALSE(seen[0].catalog);
  // A transaction whose bulk call was refused commits nothing the observer keeps.
  {
    auto tx = Begin();
    EXPECT_FALSE(
        tx->PutDataValues(std::vector<DataValue>{Value(c.sites, c.commune, "2025", std::nan(""))})
            .has_value());
    MustOk(tx->Commit());
  }
  EXPECT_THAT(seen, SizeIs(1));
  store().SetCommitObserver({});
}

TEST_P(StoreConformanceTest, PutDataValuesOfNothingSucceeds) {
  const Catalog c = Seed(store());
  auto tx = Begin();
  MustOk(tx->PutDataValues(std::span<const DataValue>{}));
  MustOk(tx->Commit());
  EXPECT_THAT(ValuesOf(store(), c.sites), IsEmpty());
}

}  // namespace
}  // namespace planwatch
