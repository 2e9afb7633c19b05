#include "planwatch/service/ingest.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "planwatch/service/import.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Compares line and field only (messages are checked separately where they matter).
MATCHER_P2(At, line, field, "") { return arg.line == line && arg.field == field; }

// Province P with communes C1, C2; province Q. Indicators: N (count, monthly, 0..1000),
// D (count, monthly), R = N / D (ratio), Y (number, yearly).
class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_ingest_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    Import(DataKind::kUnits,
           "code,name_vi,type,parent_code\nP,Tỉnh,province,\nC1,Xã Một,commune,P\n"
           "C2,Xã Hai,commune,P\nQ,Tỉnh khác,province,\n");
    Import(DataKind::kIndicators,
           "code,name_vi,value_type,unit_aggregation,numerator_code,denominator_code,period_type,"
           "min_value,max_value\n"
           "N,Tử số,count,sum,,,monthly,0,1000\nD,Mẫu số,count,sum,,,monthly,,\n"
           "R,Tỉ lệ,percent,ratio,N,D,monthly,,\nY,Năm,number,sum,,,yearly,,\n");
    auto units = store_->OrgUnits();
    ASSERT_TRUE(units.has_value());
    for (const OrgUnit& u : *units) unit_[u.code] = u.id;
    auto indicators = store_->Indicators();
    ASSERT_TRUE(indicators.has_value());
    for (const Indicator& i : *indicators) indicator_[i.code] = i.id;
    admin_ = Principal{UserId{1}, "admin_p", Role::kAdmin, unit_["P"]};
    committer_ = std::make_unique<ValueCommitter>(*store_, 3);  // tiny chunks: several per batch
    ingest_ = std::make_unique<Ingest>(*store_, *committer_);
  }
  void TearDown() override {
    ingest_.reset();
    committer_.reset();
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
    auto done = ImportCsv(*store_, kind, in);
    ASSERT_TRUE(done.has_value()) << done.error().ToString();
  }

  // Sends `body` in pieces of `piece` bytes.
  Result<IngestSummary> Send(IngestFormat format, std::string_view body, std::size_t piece = 7,
                             const Principal* who = nullptr) {
    auto request = ingest_->Begin(who ? *who : admin_, format);
    if (!request) return std::unexpected(request.error());
    for (std::size_t at = 0; at < body.size(); at += piece) {
      if (!(*request)->Write(body.substr(at, piece))) break;
    }
    auto done = (*request)->Finish();
    last_fault_ = (*request)->fault();
    return done;
  }

  std::vector<DataValue> Values(const std::string& indicator) {
    DataValueQuery q;
    q.indicator = indicator_[indicator];
    auto values = store_->DataValues(q);
    EXPECT_TRUE(values.has_value());
    return values ? *values : std::vector<DataValue>{};
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ValueCommitter> committer_;
  std::unique_ptr<Ingest> ingest_;
  std::map<std::string, OrgUnitId> unit_;
  std::map<std::string, IndicatorId> indicator_;
  Principal admin_;
  BodyFault last_fault_ = BodyFault::kNone;
};

TEST_F(IngestTest, CsvJsonAndDhis2LandTheSame) {
  auto csv = Send(IngestFormat::kCsv,
                  "\xEF\xBB\xBFMã chỉ tiêu,Mã đơn vị,Kỳ,Giá trị,Ghi chú\r\n"
                  "N,C1,202501,4,\r\nN,C2,202501,5,\"a, \"\"b\"\"\nc\"\r\nY,C1,2025,1.5,\r\n");
  ASSERT_TRUE(csv.has_value()) << csv.error().ToString();
  EXPECT_EQ(csv->written, 3);
  auto after_csv = Values("N");
  ASSERT_EQ(after_csv.size(), 2U);
  EXPECT_EQ(after_csv[1].comment, "a, \"b\"\nc");
  EXPECT_EQ(after_csv[1].stored_by, "admin_p");

  const std::string json = fmt::format(
      R"({{"values":[{{"indicator":{0},"unit":{1},"period":"202501","value":4}},)"
      R"({{"indicator":{0},"unit":{2},"period":"202501","value":5,"comment":"a, \"b\"\nc"}},)"
      R"({{"indicator":{3},"unit":{1},"period":"2025","value":1.5e0}}]}})",
      indicator_["N"].value, unit_["C1"].value, unit_["C2"].value, indicator_["Y"].value);
  auto by_ids = Send(IngestFormat::kJson, json, 5);
  ASSERT_TRUE(by_ids.has_value()) << by_ids.error().ToString();
  EXPECT_EQ(by_ids->written, 3);

  auto dhis2 = Send(IngestFormat::kJson,
                    R"({"dataValues":[{"dataElement":"N","value":"4"},)"
                    R"({"dataElement":"N","orgUnit":"C2","value":"5","comment":"a, \"b\"\u000ac"},)"
                    R"({"dataElement":"Y","period":"2025","value":"1.5","followup":false}],)"
                    R"("orgUnit":"C1","period":"202501"})",
                    3);
  ASSERT_TRUE(dhis2.has_value()) << dhis2.error().ToString();
  EXPECT_EQ(dhis2->written, 3);

  auto now = Values("N");
  ASSERT_EQ(now.size(), 2U);
  for (std::size_t i = 0; i < now.size(); ++i) {
    EXPECT_EQ(now[i].unit, after_csv[i].unit);
    EXPECT_EQ(now[i].value, after_csv[i].value);
    EXPECT_EQ(now[i].comment, after_csv[i].comment);
    EXPECT_EQ(now[i].state, ValueState::kApproved);
  }
  EXPECT_EQ(Values("Y").at(0).value, 1.5);
  auto history = store_->DataValueHistory(indicator_["N"], unit_["C1"], *Period::Parse("202501"));
  ASSERT_TRUE(history.has_value());
  EXPECT_EQ(history->size(), 3U);
}

TEST_F(IngestTest, EveryProblemIsNamedAndNothingIsWritten) {
  auto bad = Send(IngestFormat::kCsv,
                  "indicator_code,unit_code,period,value\n"
                  "N,C1,202501,4\n"
                  "N,C1,2025Q1,4\n"     // line 3: a quarter for a monthly indicator
                  "X,C1,202501,4\n"     // line 4: unknown indicator
                  "N,ZZ,202501,4\n"     // line 5: unknown unit
                  "N,C2,202501,1001\n"  // line 6: above max_value
                  "N,C2,202502,abc\n"   // line 7: not a number
                  "N,C1,202501,5\n"     // line 8: the same value as line 2
                  "N,C1\n"              // line 9: ragged
                  "N,C2,202503,\n");    // line 10: value required
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(last_fault_, BodyFault::kNone);
  EXPECT_THAT(bad.error().details, ElementsAre(At(3, "period"), At(4, "indicator_code"),
                                               At(5, "unit_code"), At(6, "value"), At(7, "value"),
                                               At(8, "period"), At(9, ""), At(10, "value")));
  EXPECT_THAT(bad.error().details[0].message, HasSubstr("2025Q1"));
  EXPECT_THAT(bad.error().details[5].message, HasSubstr("line 2"));
  EXPECT_EQ(bad.error().message, "8 problems in the values; nothing was written");
  EXPECT_TRUE(Values("N").empty());

  auto json = Send(IngestFormat::kJson,
                   R"({"values":[{"indicator":999,"unit":1,"period":"202501","value":1},)"
                   R"(7,{"unit":"x","period":202501,"value":"1","zzz":1,"comment":null}]})");
  ASSERT_FALSE(json.has_value());
  EXPECT_THAT(json.error().details,
              ElementsAre(At(0, "values[0].indicator"), At(0, "values[1]"), At(0, "values[2].unit"),
                          At(0, "values[2].period"), At(0, "values[2].value"),
                          At(0, "values[2].zzz"), At(0, "values[2].indicator")));
}

TEST_F(IngestTest, RatioInputsAreCheckedTogether) {
  auto bad = Send(IngestFormat::kCsv,
                  "indicator_code,unit_code,period,value\nD,C1,202501,10\nN,C1,202501,11\n"
                  "N,C2,202501,11\nD,C2,202502,5\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().details, ElementsAre(At(3, "value")));
  EXPECT_THAT(bad.error().details[0].message, HasSubstr("N"));
}

TEST_F(IngestTest, ScopeAndApproval) {
  auto outside = Send(IngestFormat::kCsv, "indicator_code,unit_code,period,value\nN,Q,202501,1\n");
  ASSERT_FALSE(outside.has_value());
  EXPECT_EQ(outside.error().code, ErrorCode::kPermissionDenied);
  // The refusal names the item and its unit.
  EXPECT_THAT(outside.error().details, ElementsAre(At(2, "unit_code")));
  EXPECT_THAT(outside.error().details[0].message, HasSubstr("'Q'"));
  EXPECT_EQ(outside.error().message,
            "1 value is for units outside your scope or in a state you may not set; nothing was "
            "written");

  const Principal officer{UserId{2}, "officer", Role::kUnitOfficer, unit_["C1"]};
  auto approve =
      Send(IngestFormat::kCsv,
           "indicator_code,unit_code,period,value,state\nN,C1,202501,1,approved\n", 7, &officer);
  ASSERT_FALSE(approve.has_value());
  EXPECT_EQ(approve.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(approve.error().details, ElementsAre(At(2, "state")));
  EXPECT_THAT(approve.error().details[0].message, HasSubstr("approved"));
  auto mixed =
      Send(IngestFormat::kJson,
           R"({"values":[{"indicator":)" + std::to_string(indicator_["N"].value) + R"(,"unit":)" +
               std::to_string(unit_["Q"].value) + R"(,"period":"202501","value":1}]})",
           7, &officer);
  ASSERT_FALSE(mixed.has_value());
  EXPECT_EQ(mixed.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(mixed.error().details, ElementsAre(At(0, "values[0].unit")));
  auto submitted = Send(IngestFormat::kCsv,
                        "indicator_code,unit_code,period,value\nN,C1,202501,1\n", 7, &officer);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().ToString();
  EXPECT_EQ(Values("N").at(0).state, ValueState::kSubmitted);
  EXPECT_EQ(Values("N").at(0).stored_by, "officer");

  const Principal viewer{UserId{3}, "viewer", Role::kViewer, unit_["P"]};
  auto begun = ingest_->Begin(viewer, IngestFormat::kCsv);
  ASSERT_FALSE(begun.has_value());
  EXPECT_EQ(begun.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(IngestTest, MalformedBodies) {
  struct Case {
    IngestFormat format;
    std::string body;
    BodyFault fault;
  };
  const std::vector<Case> cases = {
      {IngestFormat::kJson, "", BodyFault::kMalformed},
      {IngestFormat::kJson, R"({"values": [)", BodyFault::kMalformed},
      {IngestFormat::kJson, R"({"values": []} x)", BodyFault::kMalformed},
      {IngestFormat::kJson, R"({"values": [01]})", BodyFault::kMalformed},
      {IngestFormat::kJson, R"({"values": [tru]})", BodyFault::kMalformed},
      {IngestFormat::kJson, "{\"a\": \"\xC3\x28\"}", BodyFault::kMalformed},
      {IngestFormat::kJson, R"({"a": "\uDC00"})", BodyFault::kMalformed},
      {IngestFormat::kJson, "{\"a\": \"x\ny\"}", BodyFault::kMalformed},
      {IngestFormat::kJson, R"({"a": [}])", BodyFault::kMalformed},
      {IngestFormat::kJson, std::string(100, '[') + std::string(100, ']'), BodyFault::kMalformed},
      {IngestFormat::kJson, "{\"a\": \"" + std::string(70'000, 'x') + "\"}", BodyFault::kTooLarge},
      {IngestFormat::kCsv, "", BodyFault::kMalformed},
      {IngestFormat::kCsv, "indicator_code,unit_code,period,value\nN,C1,\"202501,1\n",
       BodyFault::kMalformed},
      {IngestFormat::kCsv, "indicator_code,unit_code,period,value\nN,C1,20\"25,1\n",
       BodyFault::kMalformed},
      {IngestFormat::kCsv, "indicator_code,unit_code,period,value\nN,C1,202501,\xFF\n",
       BodyFault::kMalformed},
      {IngestFormat::kCsv, "indicator_code\n" + std::string(70'000, 'x'), BodyFault::kTooLarge},
  };
  for (const Case& c : cases) {
    auto done = Send(c.format, c.body, 1);
    ASSERT_FALSE(done.has_value()) << c.body.substr(0, 60);
    EXPECT_EQ(done.error().code, ErrorCode::kInvalidArgument) << c.body.substr(0, 60);
    EXPECT_EQ(last_fault_, c.fault) << c.body.substr(0, 60);
  }
  auto csv = Send(IngestFormat::kCsv, "indicator_code,unit_code,period,value\nN,C1,20\"25,1\n", 4);
  ASSERT_FALSE(csv.has_value());
  EXPECT_THAT(csv.error().message, HasSubstr("line 2"));
  EXPECT_TRUE(Values("N").empty());
}

TEST_F(IngestTest, EmptyAndHeaderProblems) {
  auto empty = Send(IngestFormat::kJson, R"({"values": []})");
  ASSERT_FALSE(empty.has_value());
  EXPECT_THAT(empty.error().details, ElementsAre(At(0, "values")));
  auto none = Send(IngestFormat::kJson, R"({"zzz": {"a": [1]}})");
  ASSERT_FALSE(none.has_value());
  EXPECT_THAT(none.error().details, ElementsAre(At(0, "zzz"), At(0, "values")));
  auto header = Send(IngestFormat::kCsv, "indicator_code,unit,period,period\nN,C1,202501,1\n");
  ASSERT_FALSE(header.has_value());
  EXPECT_THAT(header.error().details,
              ElementsAre(At(1, "unit"), At(1, "period"), At(1, "unit_code"), At(1, "value")));
}

TEST_F(IngestTest, ErrorsAreCappedAt100) {
  std::string body = "indicator_code,unit_code,period,value\n";
  for (int i = 0; i < 300; ++i) body += "N,C1,2025,1\n";
  auto bad = Send(IngestFormat::kCsv, body, 4096);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().details.size(), 100U);
  EXPECT_EQ(bad.error().details.front().line, 2);
  EXPECT_EQ(bad.error().message,
            "300 problems in the values; nothing was written (the first 100 are listed)");
}

TEST(ValueBatchTest, FillsChunks) {
  ValueBatch batch("who");
  for (int i = 0; i < 20'000; ++i) {
    batch.Add(IndicatorId{1 + i % 3}, OrgUnitId{7},
              Period::Of(PeriodType::kMonth, 2000 + i / 12, i % 12 + 1), i,
              i == 19'999 ? "last" : "", ValueState::kDraft, static_cast<std::uint32_t>(i));
  }
  ASSERT_EQ(batch.size(), 20'000U);
  std::vector<DataValue> chunk;
  batch.Fill(19'998, 10, chunk);
  ASSERT_EQ(chunk.size(), 2U);
  EXPECT_EQ(chunk[1].indicator, IndicatorId{1 + 19'999 % 3});
  EXPECT_EQ(chunk[1].period.ToString(), "366608");
  EXPECT_EQ(chunk[1].value, 19'999);
  EXPECT_EQ(chunk[1].comment, "last");
  EXPECT_EQ(chunk[0].comment, "");
  EXPECT_EQ(chunk[1].stored_by, "who");
  EXPECT_EQ(chunk[1].state, ValueState::kDraft);
  EXPECT_EQ(batch.tag(12'345), 12'345U);
  batch.Add(IndicatorId{1}, OrgUnitId{1}, Period::Year(9999), 1, "", ValueState::kApproved);
  batch.Fill(20'000, 5, chunk);
  EXPECT_EQ(chunk.at(0).period, Period::Year(9999));
}

TEST_F(IngestTest, ConcurrentCommitsShareTransactions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::atomic<int> transactions{0};
  std::atomic<bool> first{true};
  ValueCommitter* committer = committer_.get();
  store_->SetCommitObserver([&](const CommittedChanges& changes) {
    ++transactions;
    // Holds the first commit until every other request is queued behind it.
    if (first.exchange(false)) {
      const std::size_t others = kThreads - changes.values.size() / kPerThread;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (committer->Queued() < others && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
  });
  std::vector<ValueBatch> batches;
  for (int t = 0; t < kThreads; ++t) {
    batches.emplace_back("t" + std::to_string(t));
    for (int i = 0; i < kPerThread; ++i) {
      batches.back().Add(indicator_["D"], unit_[t % 2 ? "C1" : "C2"],
                         Period::Of(PeriodType::kMonth, 2100 + t * 10 + i / 12, i % 12 + 1),
                         t * 1000 + i, "", ValueState::kApproved);
    }
  }
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { results[t] = committer_->Commit(batches[t]); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_LT(transactions.load(), kThreads);
  EXPECT_EQ(transactions.load(), 2);
  auto values = Values("D");
  ASSERT_EQ(values.size(), static_cast<std::size_t>(kThreads * kPerThread));
  double sum = 0;
  for (const DataValue& v : values) sum += v.value;
  double expected = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) expected += t * 1000 + i;
  }
  EXPECT_EQ(sum, expected);
}

TEST_F(IngestTest, AFailingBatchIsAnsweredAndTheOthersCommit) {
  ValueBatch good("good");
  good.Add(indicator_["D"], unit_["C1"], *Period::Parse("202501"), 1, "", ValueState::kApproved);
  ValueBatch bad("bad");  // seven values in chunks of three: the last chunk fails
  for (int i = 1; i <= 6; ++i) {
    bad.Add(indicator_["D"], unit_["C2"], Period::Of(PeriodType::kMonth, 2025, i), i, "",
            ValueState::kApproved);
  }
  bad.Add(IndicatorId{999}, unit_["C2"], *Period::Parse("202507"), 7, "", ValueState::kApproved);
  Status bad_status;
  std::thread other([&] { bad_status = committer_->Commit(bad); });
  Status good_status = committer_->Commit(good);
  other.join();
  EXPECT_TRUE(good_status.has_value()) << good_status.error().ToString();
  ASSERT_FALSE(bad_status.has_value());
  EXPECT_THAT(bad_status.error().message, HasSubstr("values[6]: "));
  auto values = Values("D");
  ASSERT_EQ(values.size(), 1U);
  EXPECT_EQ(values[0].stored_by, "good");
}

}  // namespace
}  // namespace planwatch
