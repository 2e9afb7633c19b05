#include "planwatch/service/publishing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "planwatch/service/import.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/service/reviews.h"

namespace planwatch {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class PublishingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_publishing_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    auto analytics = AttachAnalytics(*store_);
    ASSERT_TRUE(analytics.has_value()) << analytics.error().ToString();
    analytics_ = std::move(*analytics);
    Import(DataKind::kUnits,
           "code,name_vi,name_en,type,parent_code\nP,Tỉnh,Province,province,\n"
           "D,Sở Khoa học,Science Department,department,P\n"
           "C1,Xã Một,Commune One,commune,P\nC2,Xã Hai,,commune,P\n");
    Import(DataKind::kPlans,
           "code,title_vi,title_en,issuer_code,standing_agency_code\n"
           "333-KH/TU,Kế hoạch 333,Plan 333,P,D\n");
    Import(DataKind::kTaskGroups,
           "plan_code,code,title_vi,title_en,order\n333-KH/TU,G2,Nhóm hai,Group two,2\n"
           "333-KH/TU,G1,Nhóm một,Group one,1\n");
    Import(DataKind::kIndicators,
           "code,name_vi,name_en,unit_of_measure,value_type,unit_aggregation,time_aggregation,"
           "period_type,baseline_value,baseline_date,responsible_unit_code\n"
           "I1,Số bộ dữ liệu mở,Open datasets,bộ,number,sum,last,monthly,0,2024-12-31,D\n");
    Import(DataKind::kTargets,
           "indicator_code,unit_code,date,value\nI1,C1,2025-12-31,6\nI1,,2025-12-31,10\n");
    Import(DataKind::kTasks,
           "plan_code,code,group_code,title_vi,title_en,lead_unit_code,assigned_on,deadline,"
           "classified\n"
           "333-KH/TU,T1,G1,\"Xây dựng, ban hành quy chế\",Issue rules,C1,2025-01-01,2025-03-31,"
           "false\n"
           "333-KH/TU,T2,G1,Số hoá hồ sơ,Digitize records,C2,2025-01-01,2025-09-30,false\n"
           "333-KH/TU,T3,G2,Mở dữ liệu,Open data,C1,2025-01-01,2025-05-31,false\n"
           "333-KH/TU,T4,G2,Bí mật quốc phòng,Defence secret,C2,2025-01-01,2025-04-30,true\n"
           "333-KH/TU,T5,G2,Hạ tầng số,Digital infrastructure,C2,2025-01-01,2025-06-30,false\n");
    Import(DataKind::kTaskUpdates,
           "plan_code,task_code,kind,date,progress_percent,completed_on\n"
           "333-KH/TU,T1,claim,2025-03-20,100,2025-03-20\n"
           "333-KH/TU,T1,verify,2025-03-25,,\n"
           "333-KH/TU,T2,progress,2025-06-01,40,\n"
           "333-KH/TU,T5,claim,2025-06-25,100,2025-06-25\n");
    Import(DataKind::kDataValues,
           "indicator_code,unit_code,period,value,state\nI1,C2,202505,7,approved\n"
           "I1,C1,202506,4.5,approved\nI1,C1,202505,3,approved\nI1,C2,202506,9,submitted\n");
    auto units = store_->OrgUnits();
    ASSERT_TRUE(units.has_value());
    for (const OrgUnit& u : *units) unit_[u.code] = u.id;
  }
  void TearDown() override {
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }
  void Import(DataKind kind, const std::string& csv) {
    std::istringstream in(csv);
    auto summary = ImportCsv(*store_, kind, in);
    ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
  }
  Publishing Service() {
    return Publishing(*store_, *analytics_, [this] { return *Date::Parse(today_); }, {});
  }
  Principal Agency() { return Principal{UserId{1}, "vanphong", Role::kStandingAgency, unit_["D"]}; }
  Principal Officer() { return Principal{UserId{2}, "canbo", Role::kUnitOfficer, unit_["C1"]}; }
  json Publish(const json& body) {
    auto publishing = Service();
    auto published = publishing.Publish(Agency(), body);
    EXPECT_TRUE(published.has_value()) << published.error().ToString();
    return published ? *published : json();
  }
  static void ExpectInvalid(const Result<json>& r, const std::string& field,
                            const std::string& mention) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
    bool found = false;
    for (const ErrorDetail& d : r.error().details) {
      if (d.field == field) {
        found = true;
        EXPECT_THAT(d.message, HasSubstr(mention));
      }
    }
    EXPECT_TRUE(found) << "no detail on " << field << ": " << r.error().ToString();
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<Analytics> analytics_;
  std::map<std::string, OrgUnitId> unit_;
  std::string today_ = "2025-07-01";
};

TEST(DatasetSlugTest, LowercasesAndJoinsRunsOfOtherCharactersWithOneDash) {
  EXPECT_EQ(DatasetSlug("333-KH/TU"), "333-kh-tu");
  EXPECT_EQ(DatasetSlug("KHUNG-01-CV/BCĐTW"), "khung-01-cv-bc-tw");
  EXPECT_EQ(DatasetSlug("  /OPEN_DATASETS/ "), "open-datasets");
  EXPECT_EQ(DatasetSlug("Đ"), "");
}

TEST_F(PublishingTest, PlanDatasetRowsAndSummaryLeaveClassifiedTasksOut) {
  const json d = Publish({{"kind", "plan"}, {"subject", "333-KH/TU"}});
  EXPECT_EQ(d["name"], "plan-333-kh-tu");
  EXPECT_EQ(d["kind"], "plan");
  EXPECT_EQ(d["subject"], "333-KH/TU");
  EXPECT_EQ(d["version"], 1);
  EXPECT_EQ(d["title_vi"], "Tiến độ thực hiện 333-KH/TU");
  EXPECT_EQ(d["publisher"],
            json({{"code", "D"}, {"name_vi", "Sở Khoa học"}, {"name_en", "Science Department"}}));
  EXPECT_EQ(d["issued"], d["modified"]);
  EXPECT_EQ(d["row_count"], 4);
  ASSERT_EQ(d["columns"].size(), 12u);
  EXPECT_EQ(d["columns"][8], json({{"name", "deadline"},
                                   {"title_vi", "Thời hạn"},
                                   {"title_en", "Deadline"},
                                   {"type", "date"}}));
  const json expected_rows = json::parse(R"([
    ["T1","Xây dựng, ban hành quy chế","Issue rules","G1","Nhóm một","C1","Xã Một","Commune One",
     "2025-03-31","done_on_time",100,"2025-03-20"],
    ["T2","Số hoá hồ sơ","Digitize records","G1","Nhóm một","C2","Xã Hai","",
     "2025-09-30","in_progress_on_time",40,null],
    ["T3","Mở dữ liệu","Open data","G2","Nhóm hai","C1","Xã Một","Commune One",
     "2025-05-31","overdue",null,null],
    ["T5","Hạ tầng số","Digital infrastructure","G2","Nhóm hai","C2","Xã Hai","",
     "2025-06-30","overdue",100,null]])");
  EXPECT_EQ(d["rows"], expected_rows);
  const json expected_summary = json::parse(R"({
    "as_of":"2025-07-01","plan":{"code":"333-KH/TU","title_vi":"Kế hoạch 333","title_en":"Plan 333"},
    "total":4,"done_on_time":1,"done_late":0,"in_progress":1,"overdue":2,"cancelled":0,
    "recurring":0,"completion_rate":25,"completion_rate_claimed":50,"on_time_rate":33.3,
    "groups":[{"code":"G1","title_vi":"Nhóm một","title_en":"Group one","total":2,"done":1,
               "completion_rate":50},
              {"code":"G2","title_vi":"Nhóm hai","title_en":"Group two","total":2,"done":0,
               "completion_rate":0}]})");
  EXPECT_EQ(d["summary"], expected_summary);
  EXPECT_EQ(d.dump().find("Bí mật"), std::string::npos);
  EXPECT_EQ(d.dump().find("Defence"), std::string::npos);
  EXPECT_EQ(d.dump().find("\"T4\""), std::string::npos);
}

TEST_F(PublishingTest, IndicatorDatasetHoldsOnlyApprovedValuesByUnitThenPeriod) {
  const json d = Publish({{"kind", "indicator"}, {"subject", "I1"}});
  EXPECT_EQ(d["name"], "indicator-i1");
  EXPECT_EQ(d["title_en"], "Open datasets");
  const json expected_rows = json::parse(R"([
    ["C1","Xã Một","Commune One","202505",3],
    ["C1","Xã Một","Commune One","202506",4.5],
    ["C2","Xã Hai","","202505",7]])");
  EXPECT_EQ(d["rows"], expected_rows);
  const json expected_summary = json::parse(R"({
    "indicator":{"code":"I1","name_vi":"Số bộ dữ liệu mở","name_en":"Open datasets",
                 "unit_of_measure":"bộ","period_type":"monthly","direction":"up"},
    "targets":[{"unit_code":null,"unit_name_vi":null,"unit_name_en":null,"year":2025,"value":10},
               {"unit_code":"C1","unit_name_vi":"Xã Một","unit_name_en":"Commune One",
                "year":2025,"value":6}]})");
  EXPECT_EQ(d["summary"], expected_summary);
  EXPECT_EQ(d["publisher"]["code"], "D");  // the publishing principal's unit
}

TEST_F(PublishingTest, ScorecardsDatasetRanksTheUnitsForThePeriod) {
  const json d = Publish({{"kind", "scorecards"}, {"subject", "333-KH/TU"}, {"period", "2025"}});
  EXPECT_EQ(d["name"], "scorecards-333-kh-tu-2025");
  // C1: T1 done on time, T3 overdue (on time 1 of 2 due); no report sent: score
  // (0.5 × 0.5 + 0.2 × 0) / 0.7 = 35.71 → 35.7. C2: T4 and T5 overdue, T2 not yet due.
  const json expected_rows = json::parse(R"([
    ["commune",1,2,"C1","Xã Một","Commune One","","",35.7,"not_completed",50,2,1,1],
    ["commune",2,2,"C2","Xã Hai","","","",0,"not_completed",0,3,0,2]])");
  EXPECT_EQ(d["rows"], expected_rows);
  EXPECT_EQ(d["summary"], json::parse(R"({"plan":{"code":"333-KH/TU","title_vi":"Kế hoạch 333",
    "title_en":"Plan 333"},"period":"2025","judged_on":"2025-07-01"})"));
}

TEST_F(PublishingTest, ReviewDatasetNeedsAPublishedReviewAndHoldsItsFrozenFigures) {
  auto plans = store_->Plans();
  ASSERT_TRUE(plans.has_value());
  Reviews reviews(*store_, *analytics_, [this] { return *Date::Parse(today_); }, {});
  auto created = reviews.Create(Agency(), {{"plan", (*plans)[0].id.value},
                                           {"as_of", "2025-06-30"},
                                           {"kind", "interim"},
                                           {"title_vi", "Sơ kết 6 tháng"}});
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  const std::int64_t id = created->body["id"].get<std::int64_t>();
  auto publishing = Service();
  auto early = publishing.Publish(Agency(), {{"kind", "review"}, {"subject", id}});
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(early.error().message, HasSubstr("publish the review first"));
  ASSERT_TRUE(reviews.Publish(Agency(), id).has_value());

  const json d = Publish({{"kind", "review"}, {"subject", std::to_string(id)}});
  EXPECT_EQ(d["name"], "review-" + std::to_string(id));
  EXPECT_EQ(d["subject"], std::to_string(id));
  EXPECT_EQ(d["title_vi"], "Sơ kết 6 tháng");
  const json& rows = d["rows"];
  // 15 status measures (the rates too), 3 per group, actual and target of I1, a score per unit.
  ASSERT_EQ(rows.size(), 15u + 6u + 2u + 2u);
  EXPECT_EQ(rows[0], json::parse(R"(["status","333-KH/TU","Kế hoạch 333","Plan 333","total",5])"));
  EXPECT_EQ(rows[15], json::parse(R"(["group","G1","Nhóm một","Group one","total",2])"));
  // The figure as the review froze it, copied unchanged.
  const json& frozen = created->body["figures"]["indicators"]["indicators"][0]["value"];
  ASSERT_TRUE(frozen.is_number());
  EXPECT_EQ(rows[21],
            json({"indicator", "I1", "Số bộ dữ liệu mở", "Open datasets", "actual", frozen}));
  EXPECT_EQ(rows[22],
            json::parse(R"(["indicator","I1","Số bộ dữ liệu mở","Open datasets","target",10])"));
  EXPECT_EQ(rows[23][0], "unit");
  EXPECT_EQ(rows[23][1], "C1");
  EXPECT_EQ(d["summary"], json::parse(R"({"plan":{"code":"333-KH/TU","title_vi":"Kế hoạch 333",
    "title_en":"Plan 333"},"kind":"interim","as_of":"2025-06-30","title_vi":"Sơ kết 6 tháng",
    "title_en":""})"));
}

TEST_F(PublishingTest, IdenticalPublicationIsRefusedAndVersionsAreNumbered) {
  Publish({{"kind", "plan"}, {"subject", "333-KH/TU"}});
  auto publishing = Service();
  auto again = publishing.Publish(Agency(), {{"kind", "plan"}, {"subject", "333-KH/TU"}});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_THAT(again.error().message, HasSubstr("nothing changed since version 1"));

  today_ = "2025-07-02";  // as_of is in the summary: a new day is a new version
  const json v2 = Publish({{"kind", "plan"}, {"subject", "333-KH/TU"}});
  EXPECT_EQ(v2["version"], 2);
  EXPECT_NE(v2["issued"], v2["modified"]);
  auto versions = publishing.Versions("plan-333-kh-tu");
  ASSERT_TRUE(versions.has_value());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[1].version, 2);
  EXPECT_EQ((*versions)[1].issued, (*versions)[0].modified);
  EXPECT_EQ((*versions)[1].published_by, "vanphong");
}

TEST_F(PublishingTest, DiffNamesAddedRemovedAndChangedRowsWithTheirColumns) {
  Publish({{"kind", "plan"}, {"subject", "333-KH/TU"}});
  Import(DataKind::kTaskUpdates,
         "plan_code,task_code,kind,date,progress_percent,completed_on\n"
         "333-KH/TU,T2,claim,2025-07-01,100,2025-06-30\n333-KH/TU,T2,verify,2025-07-01,,\n");
  Import(DataKind::kTasks,
         "plan_code,code,group_code,title_vi,lead_unit_code,assigned_on,deadline\n"
         "333-KH/TU,T6,G1,Nhiệm vụ mới,C1,2025-06-01,2025-12-31\n");
  {
    // T3 becomes classified: it leaves the published rows.
    auto tx = store_->Begin();
    ASSERT_TRUE(tx.has_value());
    auto plans = (*tx)->Plans();
    auto tasks = (*tx)->Tasks((*plans)[0].id);
    Task t3 = *std::ranges::find(*tasks, std::string("T3"), &Task::code);
    t3.classified = true;
    ASSERT_TRUE((*tx)->PutTask(t3).has_value());
    ASSERT_TRUE((*tx)->Commit().has_value());
  }
  Publish({{"kind", "plan"}, {"subject", "333-KH/TU"}});
  auto publishing = Service();
  auto diff = publishing.Diff("plan-333-kh-tu", 1, 2);
  ASSERT_TRUE(diff.has_value()) << diff.error().ToString();
  EXPECT_EQ((*diff)["name"], "plan-333-kh-tu");
  EXPECT_EQ((*diff)["from"], 1);
  EXPECT_EQ((*diff)["to"], 2);
  EXPECT_EQ((*diff)["added"], json::parse(R"([["T6","Nhiệm vụ mới","","G1","Nhóm một","C1",
    "Xã Một","Commune One","2025-12-31","in_progress_on_time",null,null]])"));
  ASSERT_EQ((*diff)["removed"].size(), 1u);
  EXPECT_EQ((*diff)["removed"][0][0], "T3");
  ASSERT_EQ((*diff)["changed"].size(), 1u);
  const json& t2 = (*diff)["changed"][0];
  EXPECT_EQ(t2["key"], json::array({"T2"}));
  EXPECT_EQ(t2["columns"], json::parse(R"(["status","progress_percent","completed_on"])"));
  EXPECT_EQ(t2["before"][9], "in_progress_on_time");
  EXPECT_EQ(t2["after"][9], "done_on_time");
  EXPECT_EQ(t2["after"][11], "2025-06-30");
  EXPECT_EQ((*diff)["summary_changed"], true);

  auto same = publishing.Diff("plan-333-kh-tu", 2, 2);
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE((*same)["added"].empty());
  EXPECT_TRUE((*same)["changed"].empty());
  EXPECT_EQ((*same)["summary_changed"], false);
  auto missing = publishing.Diff("plan-333-kh-tu", 1, 3);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("version 3"));
}

TEST_F(PublishingTest, WithdrawHidesTheDatasetUntilItIsPublishedAgain) {
  Publish({{"kind", "plan"}, {"subject", "333-KH/TU"}});
  Publish({{"kind", "indicator"}, {"subject", "I1"}});
  auto publishing = Service();
  auto tag1 = publishing.CatalogTag();
  ASSERT_TRUE(tag1.has_value());
  EXPECT_THAT(*tag1, ::testing::MatchesRegex("\"c2-[0-9]+-0\""));
  auto officer = publishing.Withdraw(Officer(), "plan-333-kh-tu");
  ASSERT_FALSE(officer.has_value());
  EXPECT_EQ(officer.error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(publishing.Withdraw(Agency(), "plan-333-kh-tu").has_value());
  EXPECT_NE(*publishing.CatalogTag(), *tag1);

  auto catalog = publishing.Catalog();
  ASSERT_TRUE(catalog.has_value());
  ASSERT_EQ(catalog->size(), 1u);
  EXPECT_EQ((*catalog)[0].name, "indicator-i1");
  auto hidden = publishing.Get("plan-333-kh-tu", std::nullopt);
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(hidden.error().message, HasSubstr("plan-333-kh-tu"));
  EXPECT_EQ(publishing.Versions("plan-333-kh-tu").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(publishing.Get("plan-333-kh-tu", 1).error().code, ErrorCode::kNotFound);
  auto twice = publishing.Withdraw(Agency(), "plan-333-kh-tu");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(publishing.Withdraw(Agency(), "plan-nothing").error().code, ErrorCode::kNotFound);

  auto list = publishing.List(Officer(), {});
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->total, 2);
  EXPECT_EQ(list->items[0]["name"], "indicator-i1");
  EXPECT_EQ(list->items[0]["withdrawn"], false);
  EXPECT_EQ(list->items[1]["name"], "plan-333-kh-tu");
  EXPECT_EQ(list->items[1]["withdrawn"], true);
  EXPECT_EQ(list->items[1]["withdrawn_by"], "vanphong");

  // The same content again: a new version ends the withdrawal.
  const json v2 = Publish({{"kind", "plan"}, {"subject", "333-KH/TU"}});
  EXPECT_EQ(v2["version"], 2);
  auto back = publishing.Get("plan-333-kh-tu", std::nullopt);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->info.version, 2);
  EXPECT_EQ(publishing.Catalog()->size(), 2u);
}

TEST_F(PublishingTest, OnlyThePlansAdministratorsAndTheIndicatorsManagersPublish) {
  auto publishing = Service();
  for (const json& body : {json{{"kind", "plan"}, {"subject", "333-KH/TU"}},
                           json{{"kind", "indicator"}, {"subject", "I1"}}}) {
    auto r = publishing.Publish(Officer(), body);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
    EXPECT_THAT(r.error().message, HasSubstr("canbo"));
  }
  const Principal other{UserId{3}, "xa", Role::kStandingAgency, unit_["C1"]};
  auto r = publishing.Publish(other, {{"kind", "plan"}, {"subject", "333-KH/TU"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(publishing.Catalog()->empty());
}

TEST_F(PublishingTest, BadBodiesNameTheirFields) {
  auto publishing = Service();
  ExpectInvalid(publishing.Publish(Agency(), {{"kind", "chart"}, {"subject", "I1"}}), "kind",
                "chart");
  ExpectInvalid(publishing.Publish(Agency(), {{"kind", "plan"}}), "subject", "required");
  ExpectInvalid(publishing.Publish(Agency(), {{"kind", "plan"}, {"subject", 12345}}), "subject",
                "expected a string");
  ExpectInvalid(publishing.Publish(Agency(), {{"subject", 12345}}), "subject", "expected a string");
  ExpectInvalid(publishing.Publish(Agency(), {{"kind", "plan"}, {"subject", "NOPE"}}), "subject",
                "NOPE");
  ExpectInvalid(publishing.Publish(Agency(), {{"kind", "indicator"}, {"subject", "I9"}}), "subject",
                "I9");
  ExpectInvalid(publishing.Publish(Agency(), {{"kind", "review"}, {"subject", 42}}), "subject",
                "42");
  ExpectInvalid(publishing.Publish(Agency(), {{"kind", "review"}, {"subject", "x1"}}), "subject",
                "x1");
  ExpectInvalid(publishing.Publish(Agency(), {{"kind", "scorecards"}, {"subject", "333-KH/TU"}}),
                "period", "required");
  ExpectInvalid(
      publishing.Publish(Agency(),
                         {{"kind", "scorecards"}, {"subject", "333-KH/TU"}, {"period", "2025X"}}),
      "period", "2025X");
  ExpectInvalid(
      publishing.Publish(Agency(),
                         {{"kind", "scorecards"}, {"subject", "333-KH/TU"}, {"period", "2026"}}),
      "period", "not started");
  ExpectInvalid(publishing.Publish(
                    Agency(), {{"kind", "plan"}, {"subject", "333-KH/TU"}, {"period", "2025"}}),
                "period", "only to scorecards");
  ExpectInvalid(
      publishing.Publish(Agency(), {{"kind", "plan"}, {"subject", "333-KH/TU"}, {"extra", 1}}),
      "extra", "unknown");
  ExpectInvalid(publishing.Publish(Agency(), json::array()), "", "object");
  EXPECT_TRUE(publishing.Catalog()->empty());
}

TEST_F(PublishingTest, CsvHasABomTheColumnNamesAndQuotedFields) {
  Publish({{"kind", "plan"}, {"subject", "333-KH/TU"}});
  auto publishing = Service();
  auto d = publishing.Get("plan-333-kh-tu", 1);
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  const std::string csv = DatasetCsv(*d);
  EXPECT_EQ(
      csv.rfind("\xEF\xBB\xBF"
                "code,title_vi,title_en,group_code,group_title_vi,lead_unit_code,lead_unit_name_vi,"
                "lead_unit_name_en,deadline,status,progress_percent,completed_on\r\n"
                "T1,\"Xây dựng, ban hành quy chế\",Issue rules,G1,Nhóm một,C1,Xã Một,Commune One,"
                "2025-03-31,done_on_time,100,2025-03-20\r\n"
                "T2,Số hoá hồ sơ,Digitize records,G1,Nhóm một,C2,Xã Hai,,2025-09-30,"
                "in_progress_on_time,40,\r\n",
                0),
      0u);
  const json info = DatasetInfoJson(d->info);
  EXPECT_EQ(info["distributions"][0]["url"], "/open/datasets/plan-333-kh-tu.csv");
  EXPECT_EQ(info["distributions"][1]["media_type"], "application/json");
  EXPECT_FALSE(info.contains("rows"));
}

}  // namespace
}  // namespace planwatch
