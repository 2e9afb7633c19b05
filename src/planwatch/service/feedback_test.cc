#include "planwatch/service/feedback.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "planwatch/domain/feedback.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/import.h"

namespace planwatch {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::SizeIs;

MATCHER_P2(DetailOn, field, message_part, "") {
  return arg.field == field && arg.message.find(message_part) != std::string::npos;
}

using Clock = std::chrono::system_clock;

class FeedbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().has_value());
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_feedback_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    Import(DataKind::kUnits,
           "code,name_vi,type,parent_code\n"
           "P,Tỉnh P,province,\n"
           "D,Sở D,department,P\n"
           "C1,Xã Một,commune,P\n"
           "Q,Tỉnh Q,province,\n");
    Import(DataKind::kPlans,
           "code,title_vi,issuer_code,standing_agency_code,start\n"
           "PL,Kế hoạch,P,D,2025-01-01\n"
           "PQ,Kế hoạch Q,Q,Q,2025-01-01\n");
    Import(DataKind::kIndicators,
           "code,name_vi,responsible_unit_code\n"
           "I-D,Chỉ tiêu D,D\n");
    Import(DataKind::kTasks,
           "plan_code,code,title_vi,lead_unit_code,kind,assigned_on,deadline,classified\n"
           "PL,T1,Việc công khai,C1,deadline,2025-01-10,2025-09-30,false\n"
           "PL,TS,Việc mật,C1,deadline,2025-01-10,2025-09-30,true\n");
    // Each list is held first: a range-for over value() of a temporary would dangle.
    const std::vector<OrgUnit> units = store_->OrgUnits().value();
    for (const OrgUnit& u : units) unit_[u.code] = u.id;
    const std::vector<Plan> plans = store_->Plans().value();
    for (const Plan& p : plans) plan_[p.code] = p.id.value;
    const std::vector<Task> tasks = store_->Tasks(PlanId{plan_["PL"]}).value();
    for (const Task& t : tasks) task_[t.code] = t.id.value;
    indicator_ = store_->Indicators().value().at(0).id.value;
    agency_ = Principal{UserId{1}, "agency.d", Role::kStandingAgency, unit_["D"]};
    admin_q_ = Principal{UserId{2}, "admin.q", Role::kAdmin, unit_["Q"]};
    officer_ = Principal{UserId{3}, "officer.c1", Role::kUnitOfficer, unit_["C1"]};
    now_ = Clock::time_point(std::chrono::seconds(1'750'000'000));
    MakeService(2);
  }
  void TearDown() override {
    feedback_.reset();
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
  void MakeService(int difficulty) {
    FeedbackOptions options;
    options.difficulty = difficulty;
    options.clock = [this] { return now_; };
    feedback_ = std::make_unique<Feedback>(*store_, options);
  }

  // A solved challenge, by brute force as a client would.
  json Solved() {
    json challenge = feedback_->NewChallenge().value();
    const std::string token = challenge["token"];
    const int difficulty = challenge["difficulty"];
    for (std::uint64_t n = 0;; ++n) {
      const std::string nonce = std::to_string(n);
      const std::string input = ChallengeSolutionInput(token, nonce);
      std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
      crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(input.data()),
                         input.size());
      if (SolvesChallenge(digest, difficulty)) return json{{"token", token}, {"nonce", nonce}};
    }
  }
  json Body(std::string_view kind, std::int64_t id, std::string text) {
    return json{{"target", {{"kind", kind}, {"id", id}}},
                {"kind", "recommendation"},
                {"text", std::move(text)},
                {"name", "Lò Thị Mai"},
                {"contact", "mai@example.vn"},
                {"challenge", Solved()}};
  }
  std::int64_t SubmitOk(const json& body, std::string_view address = "203.0.113.7") {
    auto r = feedback_->Submit(std::nullopt, body, address);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r.has_value() ? (*r)["id"].get<std::int64_t>() : 0;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Feedback> feedback_;
  std::map<std::string, OrgUnitId> unit_;
  std::map<std::string, std::int64_t> plan_;
  std::map<std::string, std::int64_t> task_;
  std::int64_t indicator_ = 0;
  Principal agency_;
  Principal admin_q_;
  Principal officer_;
  Clock::time_point now_;
};

TEST_F(FeedbackTest, ChallengeHasTheConfiguredDifficultyAndExpiresInTenMinutes) {
  MakeService(16);
  json c = feedback_->NewChallenge().value();
  EXPECT_EQ(c["difficulty"], 16);
  EXPECT_EQ(c["token"].get<std::string>().size(), kChallengeTokenLength);
  // 1'750'000'000 s is 2025-06-15T15:06:40Z; ten minutes later:
  EXPECT_EQ(c["expires_at"], "2025-06-15T15:16:40.000Z");
  EXPECT_NE(feedback_->NewChallenge().value()["token"], c["token"]);
}

TEST_F(FeedbackTest, PublicSubmissionIsStoredAsNewWithAHashedAddress) {
  auto r = feedback_->Submit(std::nullopt, Body("task", task_["T1"], "  Nên họp trực tuyến  "),
                             "203.0.113.7");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ((*r)["state"], "new");
  EXPECT_EQ((*r)["kind"], "recommendation");
  EXPECT_EQ((*r)["target"], (json{{"kind", "task"}, {"id", task_["T1"]}}));
  auto stored = store_->FeedbackById(FeedbackId{(*r)["id"].get<std::int64_t>()}).value().value();
  EXPECT_EQ(stored.text, "Nên họp trực tuyến");
  EXPECT_EQ(stored.plan.value, plan_["PL"]);
  EXPECT_EQ(stored.author_login, "");
  EXPECT_EQ(stored.author_name, "Lò Thị Mai");
  EXPECT_EQ(stored.contact, "mai@example.vn");
  EXPECT_THAT(stored.address_hash, SizeIs(64));
  EXPECT_EQ(stored.address_hash.find("203.0.113.7"), std::string::npos);
}

TEST_F(FeedbackTest, SignedInAuthorIsRecorded) {
  json body = Body("plan", plan_["PL"], "Đề xuất");
  body.erase("name");
  auto r = feedback_->Submit(officer_, body, "10.0.0.1");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  auto stored = store_->FeedbackById(FeedbackId{(*r)["id"].get<std::int64_t>()}).value().value();
  EXPECT_EQ(stored.author_login, "officer.c1");
}

TEST_F(FeedbackTest, BodyErrorsNameEveryField) {
  json body = {{"target", {{"kind", "org-unit"}, {"id", 0}}},
               {"kind", "praise"},
               {"text", "   "},
               {"name", std::string(121, 'x')},
               {"contact", "not a contact"},
               {"zzz", 1}};
  auto r = feedback_->Submit(std::nullopt, body, "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  const auto& d = r.error().details;
  EXPECT_THAT(d, Contains(DetailOn("target.kind", "'org-unit'")));
  EXPECT_THAT(d, Contains(DetailOn("target.id", "positive integer")));
  EXPECT_THAT(d, Contains(DetailOn("kind", "'praise'")));
  EXPECT_THAT(d, Contains(DetailOn("text", "required")));
  EXPECT_THAT(d, Contains(DetailOn("name", "at most 120 bytes")));
  EXPECT_THAT(d, Contains(DetailOn("contact", "'not a contact'")));
  EXPECT_THAT(d, Contains(DetailOn("challenge", "required")));
  EXPECT_THAT(d, Contains(DetailOn("zzz", "unknown_field")));
}

TEST_F(FeedbackTest, TextIsLimitedTo4000BytesAfterTrimming) {
  auto ok = feedback_->Submit(
      std::nullopt, Body("plan", plan_["PL"], " " + std::string(4000, 'a') + " "), "203.0.113.7");
  EXPECT_TRUE(ok.has_value()) << ok.error().ToString();
  auto r = feedback_->Submit(std::nullopt, Body("plan", plan_["PL"], std::string(4001, 'b')),
                             "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().details, Contains(DetailOn("text", "at most 4000 bytes")));
}

TEST_F(FeedbackTest, ContactAcceptsEmailAndPhone) {
  for (const char* contact : {"a.b@so-khcn.sonla.gov.vn", "+84 212 3852 123", "(0212) 385-2123"}) {
    json body = Body("plan", plan_["PL"], std::string("Ý kiến ") + contact);
    body["contact"] = contact;
    auto r = feedback_->Submit(std::nullopt, body, contact);
    EXPECT_TRUE(r.has_value()) << contact << ": " << r.error().ToString();
  }
  for (const char* contact : {"a@b", "@example.vn", "12345", "+84 abc 123456"}) {
    json body = Body("plan", plan_["PL"], "x");
    body["contact"] = contact;
    auto r = feedback_->Submit(std::nullopt, body, "198.51.100.1");
    ASSERT_FALSE(r.has_value()) << contact;
    EXPECT_THAT(r.error().details, Contains(DetailOn("contact", "neither"))) << contact;
  }
}

TEST_F(FeedbackTest, ChallengeMustBeSolvedAuthenticUnexpiredAndUnused) {
  MakeService(8);
  json body = Body("plan", plan_["PL"], "một");
  // A wrong nonce: some nonce below this one was the first solution, so "x" + … is not digits.
  json wrong = body;
  wrong["challenge"]["nonce"] = "12a";
  auto r = feedback_->Submit(std::nullopt, wrong, "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().details, Contains(DetailOn("challenge", "'12a'")));

  // A forged token: a valid layout whose mac this server did not make.
  json forged = body;
  auto token = ParseChallengeToken(body["challenge"]["token"].get<std::string>()).value();
  token.mac[0] ^= 1;
  forged["challenge"]["token"] = EncodeChallengeToken(token);
  r = feedback_->Submit(std::nullopt, forged, "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().details, Contains(DetailOn("challenge", "not issued by this server")));

  // Garbage.
  json garbage = body;
  garbage["challenge"]["token"] = "abc";
  r = feedback_->Submit(std::nullopt, garbage, "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().details, Contains(DetailOn("challenge", "76 characters")));

  // Used once, then refused.
  EXPECT_NE(SubmitOk(body), 0);
  json again = body;
  again["text"] = "hai";
  r = feedback_->Submit(std::nullopt, again, "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().details, Contains(DetailOn("challenge", "already used")));

  // Expired after ten minutes.
  json late = Body("plan", plan_["PL"], "ba");
  now_ += std::chrono::minutes(10);
  r = feedback_->Submit(std::nullopt, late, "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().details, Contains(DetailOn("challenge", "expired")));
}

TEST_F(FeedbackTest, ANonceThatDoesNotSolveIsRefused) {
  MakeService(20);
  json challenge = feedback_->NewChallenge().value();
  const std::string token = challenge["token"];
  // Find a nonce that does NOT solve it (almost every one).
  std::string nonce;
  for (int n = 0;; ++n) {
    const std::string input = ChallengeSolutionInput(token, std::to_string(n));
    std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size());
    if (!SolvesChallenge(digest, 20)) {
      nonce = std::to_string(n);
      break;
    }
  }
  json body = {{"target", {{"kind", "plan"}, {"id", plan_["PL"]}}},
               {"kind", "question"},
               {"text", "?"},
               {"challenge", {{"token", token}, {"nonce", nonce}}}};
  auto r = feedback_->Submit(std::nullopt, body, "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().details, Contains(DetailOn("challenge", "20 leading zero bits")));
}

TEST_F(FeedbackTest, TargetsMustBeLiveAndNotClassified) {
  for (auto [kind, id] :
       {std::pair<std::string, std::int64_t>{"task", task_["TS"]}, {"task", 99999}}) {
    auto r =
        feedback_->Submit(std::nullopt, Body(kind, id, "x" + std::to_string(id)), "203.0.113.7");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    // The same answer for a classified task as for a missing one.
    EXPECT_THAT(r.error().details,
                Contains(DetailOn("target", "no task with id " + std::to_string(id))));
  }
  auto r = feedback_->Submit(std::nullopt, Body("indicator", 4242, "y"), "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().details, Contains(DetailOn("target", "no indicator with id 4242")));
  EXPECT_NE(SubmitOk(Body("indicator", indicator_, "z")), 0);
}

TEST_F(FeedbackTest, RateLimitsPerAddressAndDuplicates) {
  for (int i = 0; i < 5; ++i) SubmitOk(Body("plan", plan_["PL"], "ý kiến " + std::to_string(i)));
  json dup = Body("plan", plan_["PL"], "ý kiến 4");
  auto r = feedback_->Submit(std::nullopt, dup, "203.0.113.7");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  std::chrono::seconds retry{0};
  now_ += std::chrono::minutes(20);
  r = feedback_->Submit(std::nullopt, Body("plan", plan_["PL"], "thứ sáu"), "203.0.113.7", &retry);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(retry, std::chrono::seconds(40 * 60));
  // Another address is not limited by this one.
  SubmitOk(Body("plan", plan_["PL"], "thứ sáu"), "198.51.100.9");
  // After the hour the address may submit again, the duplicate too.
  now_ += std::chrono::minutes(40);
  SubmitOk(Body("plan", plan_["PL"], "ý kiến 4"));
}

TEST_F(FeedbackTest, OverallLimit) {
  for (int i = 0; i < 50; ++i) {
    SubmitOk(Body("plan", plan_["PL"], "x"), "10.1.0." + std::to_string(i));
  }
  std::chrono::seconds retry{0};
  auto r = feedback_->Submit(std::nullopt, Body("plan", plan_["PL"], "x"), "10.2.0.1", &retry);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(retry, std::chrono::seconds(3600));
}

TEST_F(FeedbackTest, ModerationIsForThePlansAdministrators) {
  const std::int64_t on_task = SubmitOk(Body("task", task_["T1"], "một"));
  const std::int64_t on_indicator = SubmitOk(Body("indicator", indicator_, "hai"));
  auto list = feedback_->List(agency_, {});
  ASSERT_TRUE(list.has_value()) << list.error().ToString();
  EXPECT_EQ(list->total, 2);
  EXPECT_EQ(list->items[0]["id"], on_task);
  EXPECT_EQ(list->items[0]["contact"], "mai@example.vn");
  EXPECT_EQ(feedback_->List(admin_q_, {}).value().total, 0);
  EXPECT_EQ(feedback_->List(officer_, {}).value().total, 0);
  EXPECT_EQ(feedback_->List(agency_, {{"target_kind", "indicator"}}).value().items[0]["id"],
            on_indicator);
  auto bad = feedback_->List(agency_, {{"state", "open"}});
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().details, Contains(DetailOn("state", "'open'")));

  auto hidden = feedback_->Get(officer_, on_task);
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(
      feedback_->Moderate(admin_q_, on_task, FeedbackAction::kAccept, json::object()).error().code,
      ErrorCode::kNotFound);
}

TEST_F(FeedbackTest, AnswerAcceptsNewFeedbackAndPublishesIt) {
  const std::int64_t id = SubmitOk(Body("task", task_["T1"], "Câu hỏi"));
  EXPECT_EQ(feedback_->Published({{"task", std::to_string(task_["T1"])}}).value().total, 0);
  auto answered = feedback_->Moderate(agency_, id, FeedbackAction::kAnswer,
                                      json{{"answer", "  Đã tiếp thu  "}});
  ASSERT_TRUE(answered.has_value()) << answered.error().ToString();
  EXPECT_EQ((*answered)["state"], "answered");
  EXPECT_EQ((*answered)["answer"], "Đã tiếp thu");
  EXPECT_EQ((*answered)["answered_by"], "agency.d");
  ASSERT_THAT((*answered)["events"], SizeIs(3));
  EXPECT_EQ((*answered)["events"][1]["state"], "accepted");
  EXPECT_EQ((*answered)["events"][2]["actor"], "agency.d");

  auto published = feedback_->Published({{"task", std::to_string(task_["T1"])}});
  ASSERT_TRUE(published.has_value());
  ASSERT_EQ(published->total, 1);
  const json& item = published->items[0];
  EXPECT_EQ(item["text"], "Câu hỏi");
  EXPECT_EQ(item["author_name"], "Lò Thị Mai");
  EXPECT_EQ(item["answer"], "Đã tiếp thu");
  EXPECT_FALSE(item.contains("contact"));
  EXPECT_FALSE(item.contains("address_hash"));

  auto again = feedback_->Moderate(agency_, id, FeedbackAction::kReject, json{{"reason", "x"}});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(again.error().message, HasSubstr("it is answered"));
}

TEST_F(FeedbackTest, RejectNeedsAReasonAndHidesFeedback) {
  const std::int64_t id = SubmitOk(Body("plan", plan_["PL"], "Quảng cáo"));
  auto no_reason = feedback_->Moderate(agency_, id, FeedbackAction::kReject, json::object());
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_THAT(no_reason.error().details, Contains(DetailOn("reason", "required")));
  auto accepted = feedback_->Moderate(agency_, id, FeedbackAction::kAccept, json::object());
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(feedback_->Published({{"plan", std::to_string(plan_["PL"])}}).value().total, 1);
  auto twice = feedback_->Moderate(agency_, id, FeedbackAction::kAccept, json::object());
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
  auto rejected =
      feedback_->Moderate(agency_, id, FeedbackAction::kReject, json{{"reason", "Quảng cáo"}});
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ((*rejected)["reason"], "Quảng cáo");
  EXPECT_EQ(feedback_->Published({{"plan", std::to_string(plan_["PL"])}}).value().total, 0);
}

TEST_F(FeedbackTest, PublishedNeedsExactlyOneVisibleTarget) {
  auto none = feedback_->Published({});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  auto two = feedback_->Published({{"plan", "1"}, {"task", "1"}});
  ASSERT_FALSE(two.has_value());
  EXPECT_EQ(two.error().code, ErrorCode::kInvalidArgument);
  auto classified = feedback_->Published({{"task", std::to_string(task_["TS"])}});
  ASSERT_FALSE(classified.has_value());
  EXPECT_EQ(classified.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(classified.error().message, "no task with id " + std::to_string(task_["TS"]));
  auto unknown = feedback_->Published({{"plan", "1"}, {"sort", "x"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_THAT(unknown.error().details, Contains(DetailOn("sort", "unknown")));
}

}  // namespace
}  // namespace planwatch
