#include "planwatch/service/data_value_sets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "planwatch/service/import.h"
#include "planwatch/service/ingest.h"

namespace planwatch {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(Dhis2NumberTest, PlainDecimalText) {
  EXPECT_EQ(Dhis2Number(22336), "22336");
  EXPECT_EQ(Dhis2Number(93.2), "93.2");
  EXPECT_EQ(Dhis2Number(0.0001), "0.0001");
  EXPECT_EQ(Dhis2Number(-5), "-5");
  EXPECT_EQ(Dhis2Number(-0.0), "0");
  EXPECT_EQ(Dhis2Number(1e21), "1000000000000000000000");
  EXPECT_EQ(Dhis2Number(0.1 + 0.2), "0.30000000000000004");
}

TEST(DataValueSetQueryTest, DecodesEveryParameter) {
  auto q = ParseDataValueSetQuery({{"dataElement", "N, D"},
                                   {"orgUnit", "C1"},
                                   {"children", "true"},
                                   {"period", "202501,2025Q2"},
                                   {"idScheme", "CODE"},
                                   {"orgUnitIdScheme", "code"},
                                   {"dataElementIdScheme", "Code"}});
  ASSERT_TRUE(q.has_value()) << q.error().ToString();
  EXPECT_THAT(q->data_elements, ElementsAre("N", "D"));
  EXPECT_THAT(q->org_units, ElementsAre("C1"));
  EXPECT_TRUE(q->children);
  ASSERT_EQ(q->periods.size(), 2U);
  EXPECT_EQ(q->periods[1].ToString(), "2025Q2");
  EXPECT_FALSE(q->start_date.has_value());

  auto dates = ParseDataValueSetQuery({{"startDate", "2025-01-01"}, {"endDate", "2025-06-30"}});
  ASSERT_TRUE(dates.has_value());
  EXPECT_EQ(dates->start_date->ToString(), "2025-01-01");
  EXPECT_EQ(dates->end_date->ToString(), "2025-06-30");
}

// The parameter named in the one detail of an invalid_argument error.
std::string Field(const Result<DataValueSetQuery>& r) {
  if (r.has_value() || r.error().code != ErrorCode::kInvalidArgument ||
      r.error().details.size() != 1) {
    return "<not one invalid_argument detail>";
  }
  return r.error().details[0].field;
}

TEST(DataValueSetQueryTest, RefusesWhatItCannotHonour) {
  auto uid = ParseDataValueSetQuery({{"idScheme", "uid"}});
  EXPECT_EQ(Field(uid), "idScheme");
  EXPECT_THAT(uid.error().details[0].message, HasSubstr("only code is"));
  EXPECT_THAT(uid.error().details[0].message, HasSubstr("\"uid\""));
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"orgUnitIdScheme", "name"}})), "orgUnitIdScheme");
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"dataElementIdScheme", "UID"}})), "dataElementIdScheme");
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"startDate", "2025-01-01"}})), "endDate");
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"endDate", "2025-01-01"}})), "startDate");
  EXPECT_EQ(Field(ParseDataValueSetQuery(
                {{"startDate", "2025-02-01"}, {"endDate", "2025-01-01"}, {"period", "2025"}})),
            "period");
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"startDate", "2025-02-01"}, {"endDate", "2025-01-01"}})),
            "endDate");
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"startDate", "1/2/2025"}, {"endDate", "2025-01-01"}})),
            "startDate");
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"period", "2025W3"}})), "period");
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"dataElement", "N,,D"}})), "dataElement");
  EXPECT_EQ(Field(ParseDataValueSetQuery({{"children", "yes"}})), "children");
  auto unknown = ParseDataValueSetQuery({{"lastUpdated", "2025-01-01"}});
  EXPECT_EQ(Field(unknown), "lastUpdated");
  EXPECT_THAT(unknown.error().details[0].message, HasSubstr("unknown_field"));
}

TEST(IngestParamsTest, DryRunAndCodeSchemesOnly) {
  auto p = ParseIngestParams({{"dryRun", "true"}, {"idScheme", "code"}});
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->dry_run);
  EXPECT_FALSE(ParseIngestParams({})->dry_run);
  auto name = ParseIngestParams({{"dataElementIdScheme", "NAME"}});
  ASSERT_FALSE(name.has_value());
  EXPECT_EQ(name.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(name.error().details.size(), 1U);
  EXPECT_EQ(name.error().details[0].field, "dataElementIdScheme");
  EXPECT_THAT(name.error().details[0].message, HasSubstr("\"NAME\" is not supported"));
  auto flag = ParseIngestParams({{"dryRun", "1"}});
  ASSERT_FALSE(flag.has_value());
  EXPECT_EQ(flag.error().details[0].field, "dryRun");
  auto unknown = ParseIngestParams({{"importStrategy", "CREATE"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().details[0].field, "importStrategy");
}

// Two databases with the same metadata: province P (communes C1, C2; C1 has village V1) and
// province Q. Indicators N and D (number, monthly), B (boolean, yearly).
class DataValueSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) {
      paths_[i] = std::filesystem::temp_directory_path() /
                  ("planwatch_dvs_test_" + std::to_string(::getpid()) + "_" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                   std::to_string(i) + ".db");
      Remove(i);
      auto store = Store::Open(StoreOptions{paths_[i].string(), true});
      ASSERT_TRUE(store.has_value()) << store.error().ToString();
      stores_[i] = std::move(*store);
      Import(*stores_[i], DataKind::kUnits,
             "code,name_vi,type,parent_code\nP,Tỉnh,province,\nC1,Xã Một,commune,P\n"
             "V1,Thôn Một,village,C1\nC2,Xã Hai,commune,P\nQ,Tỉnh khác,province,\n");
      Import(*stores_[i], DataKind::kIndicators,
             "code,name_vi,value_type,unit_aggregation,period_type\n"
             "N,Số,number,sum,monthly\nB,Có,boolean,max,yearly\nD,Mẫu,number,sum,monthly\n");
    }
    Import(*stores_[0], DataKind::kDataValues,
           "indicator_code,unit_code,period,value,comment,state\n"
           "N,C1,202501,4,,approved\nN,C1,202502,5.25,\"ghi chú \"\"x\"\"\",submitted\n"
           "N,V1,202501,1,,draft\nN,C2,202503,1234567,,approved\nN,Q,202501,9,,approved\n"
           "B,C2,2025,1,,approved\nB,C1,2025,0,,approved\nD,P,202501,0.0001,,approved\n");
    auto units = stores_[0]->OrgUnits();
    ASSERT_TRUE(units.has_value());
    for (const OrgUnit& u : *units) unit_[u.code] = u.id;
    admin_p_ = Principal{UserId{1}, "admin_p", Role::kAdmin, unit_["P"]};
    viewer_c1_ = Principal{UserId{2}, "viewer_c1", Role::kViewer, unit_["C1"]};
  }
  void TearDown() override {
    for (int i = 0; i < 2; ++i) {
      stores_[i].reset();
      Remove(i);
    }
  }
  void Remove(int i) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(paths_[i].string() + suffix);
    }
  }
  static void Import(Store& store, DataKind kind, const std::string& csv) {
    std::istringstream in(csv);
    auto done = ImportCsv(store, kind, in);
    ASSERT_TRUE(done.has_value()) << done.error().ToString();
  }

  Result<std::string> Export(const Principal& p, const QueryParams& params, int store = 0,
                             DataValueSetOptions options = {}) {
    auto query = ParseDataValueSetQuery(params);
    if (!query) return std::unexpected(query.error());
    std::string body;
    pieces_ = 0;
    auto done = WriteDataValueSet(
        *stores_[store], p, *query,
        [&](std::string_view piece) {
          body += piece;
          ++pieces_;
        },
        options);
    if (!done) return std::unexpected(done.error());
    return body;
  }

  // "dataElement/orgUnit/period=value" of each exported value, in order.
  static std::vector<std::string> Keys(const std::string& body) {
    std::vector<std::string> out;
    const json doc = json::parse(body);
    for (const json& v : doc["dataValues"]) {
      out.push_back(v["dataElement"].get<std::string>() + "/" + v["orgUnit"].get<std::string>() +
                    "/" + v["period"].get<std::string>() + "=" + v["value"].get<std::string>());
    }
    return out;
  }

  std::filesystem::path paths_[2];
  std::unique_ptr<Store> stores_[2];
  std::map<std::string, OrgUnitId> unit_;
  Principal admin_p_;
  Principal viewer_c1_;
  int pieces_ = 0;
};

TEST_F(DataValueSetTest, EverythingTheCallerMayReadInDhis2Shape) {
  auto body = Export(admin_p_, {});
  ASSERT_TRUE(body.has_value()) << body.error().ToString();
  // Indicators by code; Q is outside admin_p's scope.
  EXPECT_THAT(Keys(*body),
              ElementsAre("B/C1/2025=false", "B/C2/2025=true", "D/P/202501=0.0001", "N/C1/202501=4",
                          "N/C1/202502=5.25", "N/V1/202501=1", "N/C2/202503=1234567"));
  const json doc = json::parse(*body);
  ASSERT_EQ(doc.size(), 1U);
  const json& v = doc["dataValues"][4];
  EXPECT_EQ(v["comment"], "ghi chú \"x\"");
  EXPECT_EQ(v["followup"], false);
  EXPECT_FALSE(v["storedBy"].get<std::string>().empty());
  EXPECT_THAT(v["lastUpdated"].get<std::string>(), HasSubstr("T"));
  EXPECT_EQ(v["created"], v["lastUpdated"]);
  EXPECT_EQ(doc["dataValues"][3]["comment"], "");
  EXPECT_EQ(pieces_, 1);
}

TEST_F(DataValueSetTest, FiltersByElementUnitSubtreeAndPeriod) {
  auto c1 = Export(admin_p_, {{"dataElement", "N"}, {"orgUnit", "C1,C2"}});
  ASSERT_TRUE(c1.has_value()) << c1.error().ToString();
  EXPECT_THAT(Keys(*c1), ElementsAre("N/C1/202501=4", "N/C1/202502=5.25", "N/C2/202503=1234567"));
  auto subtree = Export(admin_p_, {{"dataElement", "N"}, {"orgUnit", "C1"}, {"children", "true"}});
  ASSERT_TRUE(subtree.has_value());
  EXPECT_THAT(Keys(*subtree), ElementsAre("N/C1/202501=4", "N/C1/202502=5.25", "N/V1/202501=1"));
  auto periods = Export(admin_p_, {{"period", "202501,2025"}});
  ASSERT_TRUE(periods.has_value());
  EXPECT_THAT(Keys(*periods), ElementsAre("B/C1/2025=false", "B/C2/2025=true", "D/P/202501=0.0001",
                                          "N/C1/202501=4", "N/V1/202501=1"));
  // Periods lying within the dates: the year 2025 does not lie within January–February.
  auto dates = Export(admin_p_, {{"startDate", "2025-01-15"}, {"endDate", "2025-02-28"}});
  ASSERT_TRUE(dates.has_value());
  EXPECT_THAT(Keys(*dates), ElementsAre("N/C1/202502=5.25"));
  auto none = Export(admin_p_, {{"period", "202412"}});
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, R"({"dataValues":[]})");
}

TEST_F(DataValueSetTest, ScopeAndUnknownCodes) {
  auto viewer = Export(viewer_c1_, {{"dataElement", "N"}});
  ASSERT_TRUE(viewer.has_value());
  EXPECT_THAT(Keys(*viewer), ElementsAre("N/C1/202501=4", "N/C1/202502=5.25", "N/V1/202501=1"));
  auto outside = Export(viewer_c1_, {{"orgUnit", "P"}, {"children", "true"}});
  ASSERT_FALSE(outside.has_value());
  EXPECT_EQ(outside.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(outside.error().message, HasSubstr("'P'"));
  auto element = Export(admin_p_, {{"dataElement", "N,NOPE"}});
  ASSERT_FALSE(element.has_value());
  EXPECT_EQ(element.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(element.error().message, HasSubstr("'NOPE'"));
  auto unit = Export(admin_p_, {{"orgUnit", "ZZ"}});
  ASSERT_FALSE(unit.has_value());
  EXPECT_EQ(unit.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(unit.error().message, HasSubstr("'ZZ'"));
}

TEST_F(DataValueSetTest, RefusesMoreThanTheBound) {
  DataValueSetOptions options;
  options.max_values = 6;
  auto big = Export(admin_p_, {}, 0, options);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(big.error().message, HasSubstr("more than 6 values"));
  options.max_values = 7;
  EXPECT_TRUE(Export(admin_p_, {}, 0, options).has_value());
}

TEST_F(DataValueSetTest, WhatIsExportedImportsBackTheSame) {
  auto first = Export(admin_p_, {});
  ASSERT_TRUE(first.has_value());
  ValueCommitter committer(*stores_[1]);
  Ingest ingest(*stores_[1], committer);
  auto send = [&](const IngestParams& params) -> Result<IngestSummary> {
    auto request = ingest.Begin(admin_p_, IngestFormat::kJson, params);
    if (!request) return std::unexpected(request.error());
    (*request)->Write(*first);
    return (*request)->Finish();
  };
  auto dry = send(IngestParams{true});
  ASSERT_TRUE(dry.has_value()) << dry.error().ToString();
  EXPECT_TRUE(dry->dry_run);
  EXPECT_EQ(dry->written, 0);
  EXPECT_EQ(dry->would_write, 7);
  EXPECT_EQ(*Export(admin_p_, {}, 1), R"({"dataValues":[]})");

  auto wet = send(IngestParams{});
  ASSERT_TRUE(wet.has_value()) << wet.error().ToString();
  EXPECT_EQ(wet->written, 7);
  auto second = Export(admin_p_, {}, 1);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(Keys(*second), Keys(*first));
  auto strip = [](std::string body) {
    json doc = json::parse(body);
    for (json& v : doc["dataValues"]) {
      v.erase("storedBy");
      v.erase("lastUpdated");
      v.erase("created");
    }
    return doc;
  };
  EXPECT_EQ(strip(*second), strip(*first));
}

}  // namespace
}  // namespace planwatch
