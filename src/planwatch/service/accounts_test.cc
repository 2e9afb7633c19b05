#include "planwatch/service/accounts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "planwatch/service/import.h"

namespace planwatch {
namespace {

constexpr char kPassword[] = "correct horse battery";

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const ErrorDetail& d : error.details) fields.push_back(d.field);
  return fields;
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().has_value());
    path_ = std::filesystem::temp_directory_path() /
            ("planwatch_accounts_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    Remove();
    auto store = Store::Open(StoreOptions{path_.string(), true});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    std::istringstream units(
        "code,name_vi,type,parent_code\nP,Tỉnh,province,\nD,Sở,department,P\nC,Xã,commune,P\n");
    auto summary = ImportCsv(*store_, DataKind::kUnits, units);
    ASSERT_TRUE(summary.has_value()) << summary.error().ToString();
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
  OrgUnitId Unit(const std::string& code) {
    auto units = store_->OrgUnits();
    EXPECT_TRUE(units.has_value());
    for (const OrgUnit& u : units.value_or(std::vector<OrgUnit>{})) {
      if (u.code == code) return u.id;
    }
    ADD_FAILURE() << "no unit " << code;
    return {};
  }
  static NewUser User(std::string login, Role role = Role::kUnitOfficer, std::string unit = "D") {
    return NewUser{std::move(login), "Nguyễn Văn A", role, std::move(unit), kPassword};
  }
  UserView Add(Accounts& accounts, const NewUser& user) {
    auto view = accounts.AddUser(user);
    EXPECT_TRUE(view.has_value()) << view.error().ToString();
    return view.value_or(UserView{});
  }
  static Principal PrincipalOf(const UserView& v) {
    return Principal{v.id, v.login, v.role, v.unit};
  }
  // Every byte the database keeps on disk, the write-ahead log included.
  std::string DatabaseBytes() {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(path_.string() + suffix, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

  // Options whose clock is the fixture's: time moves only by Advance().
  AccountsOptions Options() {
    AccountsOptions options;
    options.clock = [this] { return now_; };
    return options;
  }
  void Advance(std::chrono::system_clock::duration d) { now_ += d; }
  Result<LoginResult> Fail5(Accounts& accounts, const std::string& login,
                            const std::string& address = "192.0.2.1") {
    Result<LoginResult> last = std::unexpected(Error{});
    for (int i = 0; i < 5; ++i) {
      last = accounts.Login(login, "wrong password " + std::to_string(i), address);
      EXPECT_EQ(last.error().code, ErrorCode::kUnauthenticated) << last.error().ToString();
    }
    return last;
  }
  int Failures(const std::string& login) {
    auto count = store_->CountLoginFailures(login, "2000-01-01T00:00:00.000Z");
    EXPECT_TRUE(count.has_value()) << count.error().ToString();
    return count ? count->count : -1;
  }

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
  std::chrono::system_clock::time_point now_ =
      std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
};

TEST(Sha256HexTest, KnownVectors) {
  ASSERT_TRUE(InitCrypto().has_value());
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(AccountsTest, AddUserStoresAnArgon2idHashAndNeverThePassword) {
  Accounts accounts(*store_);
  const UserView view = Add(accounts, User("lan.nguyen@sl", Role::kUnitLeader, "C"));
  EXPECT_TRUE(view.id);
  EXPECT_EQ(view.login, "lan.nguyen@sl");
  EXPECT_EQ(view.display_name, "Nguyễn Văn A");
  EXPECT_EQ(view.role, Role::kUnitLeader);
  EXPECT_EQ(view.unit, Unit("C"));
  EXPECT_EQ(view.unit_code, "C");
  EXPECT_FALSE(view.disabled);
  EXPECT_EQ(view.created_at.size(), 24u) << view.created_at;  // 2025-06-20T08:15:00.123Z

  auto record = store_->UserByLogin("lan.nguyen@sl");
  ASSERT_TRUE(record.has_value() && record->has_value());
  EXPECT_TRUE((*record)->password_hash.starts_with("$argon2id$")) << (*record)->password_hash;
  EXPECT_EQ(DatabaseBytes().find(kPassword), std::string::npos);

  auto listed = accounts.ListUsers();
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].login, "lan.nguyen@sl");
  EXPECT_EQ((*listed)[0].unit_code, "C");
  EXPECT_EQ((*listed)[0].created_at, view.created_at);
  auto got = accounts.GetUser(view.id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->login, "lan.nguyen@sl");
  EXPECT_EQ(accounts.GetUser(UserId{view.id.value + 100}).error().code, ErrorCode::kNotFound);
}

TEST_F(AccountsTest, AddUserRejectsBadInputNamingTheField) {
  Accounts accounts(*store_);
  NewUser bad = User("has space");
  auto r = accounts.AddUser(bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fields(r.error()), std::vector<std::string>{"login"});
  EXPECT_NE(r.error().details[0].message.find("has space"), std::string::npos);

  EXPECT_EQ(Fields(accounts.AddUser(User("")).error()), std::vector<std::string>{"login"});
  EXPECT_EQ(Fields(accounts.AddUser(User(std::string(65, 'a'))).error()),
            std::vector<std::string>{"login"});

  bad = User("role.bad", static_cast<Role>(42));
  r = accounts.AddUser(bad);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fields(r.error()), std::vector<std::string>{"role"});

  bad = User("short.pw");
  bad.password = "123456789";  // nine characters
  r = accounts.AddUser(bad);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fields(r.error()), std::vector<std::string>{"password"});
  EXPECT_NE(r.error().details[0].message.find("10"), std::string::npos);
  bad.password = std::string(1025, 'x');
  EXPECT_EQ(Fields(accounts.AddUser(bad).error()), std::vector<std::string>{"password"});

  // Every problem at once, in field order; the password itself is never echoed.
  bad = User("a b", static_cast<Role>(-1), "");
  bad.password = "tiny";
  r = accounts.AddUser(bad);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fields(r.error()), (std::vector<std::string>{"login", "role", "password", "unit"}));
  EXPECT_EQ(r.error().ToString().find("tiny"), std::string::npos);

  r = accounts.AddUser(User("no.unit", Role::kViewer, "NOPE"));
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Fields(r.error()), std::vector<std::string>{"unit"});
  EXPECT_NE(r.error().message.find("NOPE"), std::string::npos);

  Add(accounts, User("taken"));
  r = accounts.AddUser(User("taken", Role::kViewer, "P"));
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_NE(r.error().message.find("taken"), std::string::npos);
  EXPECT_EQ(accounts.ListUsers()->size(), 1u);
}

TEST_F(AccountsTest, LoginOpensASessionThatNamesThePrincipalUntilLogout) {
  Accounts accounts(*store_);
  const UserView user = Add(accounts, User("officer", Role::kUnitOfficer, "D"));
  auto login = accounts.Login("officer", kPassword, "192.0.2.1");
  ASSERT_TRUE(login.has_value()) << login.error().ToString();
  EXPECT_EQ(login->session_id.size(), 43u);  // 32 bytes, unpadded base64url
  EXPECT_EQ(login->csrf_token.size(), 43u);
  EXPECT_NE(login->session_id, login->csrf_token);
  EXPECT_EQ(login->session_id.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(login->user.id, user.id);
  EXPECT_EQ(login->user.unit_code, "D");

  // Only the hash of the session id is stored.
  auto stored = store_->SessionByHash(Sha256Hex(login->session_id));
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->user, user.id);
  EXPECT_EQ((*stored)->expires_at, login->expires_at);
  EXPECT_FALSE(store_->SessionByHash(login->session_id)->has_value());
  EXPECT_EQ(DatabaseBytes().find(login->session_id), std::string::npos);

  auto auth = accounts.FromSession(login->session_id);
  ASSERT_TRUE(auth.has_value()) << auth.error().ToString();
  EXPECT_EQ(auth->principal, (Principal{user.id, "officer", Role::kUnitOfficer, Unit("D")}));
  EXPECT_EQ(auth->csrf_token, login->csrf_token);
  EXPECT_EQ(auth->expires_at, login->expires_at);
  EXPECT_GT(auth->expires_at, (*stored)->created_at);  // 12 hours later by default

  EXPECT_EQ(accounts.FromSession("not-a-session").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(accounts.FromSession("").error().code, ErrorCode::kUnauthenticated);
  ASSERT_TRUE(accounts.Logout(login->session_id).has_value());
  EXPECT_EQ(accounts.FromSession(login->session_id).error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accounts.Logout(login->session_id).has_value());  // already gone: no error
}

TEST_F(AccountsTest, FailedLoginsAllLookTheSame) {
  Accounts accounts(*store_);
  const UserView user = Add(accounts, User("leader"));
  auto before = accounts.Login("leader", kPassword, "192.0.2.1");
  ASSERT_TRUE(before.has_value()) << before.error().ToString();

  auto wrong = accounts.Login("leader", "wrong password!", "192.0.2.1");
  auto unknown = accounts.Login("nobody", kPassword, "192.0.2.1");
  Accounts::UserChange disable;
  disable.disabled = true;
  ASSERT_TRUE(accounts.ChangeUser(user.id, disable).has_value());
  auto disabled = accounts.Login("leader", kPassword, "192.0.2.2");
  for (const auto* r : {&wrong, &unknown, &disabled}) {
    ASSERT_FALSE(r->has_value());
    EXPECT_EQ(r->error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(r->error().message, wrong.error().message);
  }
  // Disabling ended the session opened before.
  EXPECT_EQ(accounts.FromSession(before->session_id).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, ResetPasswordEndsSessionsAndTheOldPassword) {
  Accounts accounts(*store_);
  Add(accounts, User("forgetful"));
  auto login = accounts.Login("forgetful", kPassword, "192.0.2.1");
  ASSERT_TRUE(login.has_value());
  const std::string old_hash = (*store_->UserByLogin("forgetful"))->password_hash;

  auto short_pw = accounts.ResetPassword("forgetful", "short");
  EXPECT_EQ(short_pw.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fields(short_pw.error()), std::vector<std::string>{"password"});
  auto unknown = accounts.ResetPassword("ghost", "a new long password");
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message.find("ghost"), std::string::npos);

  ASSERT_TRUE(accounts.ResetPassword("forgetful", "a new long password").has_value());
  EXPECT_NE((*store_->UserByLogin("forgetful"))->password_hash, old_hash);
  EXPECT_EQ(accounts.FromSession(login->session_id).error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(accounts.Login("forgetful", kPassword, "192.0.2.1").error().code,
            ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accounts.Login("forgetful", "a new long password", "192.0.2.1").has_value());
}

TEST_F(AccountsTest, ChangeUserUpdatesOnlyTheGivenFields) {
  Accounts accounts(*store_);
  const UserView user = Add(accounts, User("mover", Role::kViewer, "D"));
  Accounts::UserChange change;
  change.role = Role::kStandingAgency;
  change.unit_code = "P";
  auto changed = accounts.ChangeUser(user.id, change);
  ASSERT_TRUE(changed.has_value()) << changed.error().ToString();
  EXPECT_EQ(changed->role, Role::kStandingAgency);
  EXPECT_EQ(changed->unit_code, "P");
  EXPECT_EQ(changed->unit, Unit("P"));
  EXPECT_EQ(changed->display_name, "Nguyễn Văn A");
  EXPECT_EQ(changed->created_at, user.created_at);

  Accounts::UserChange bad_unit;
  bad_unit.unit_code = "NOPE";
  EXPECT_EQ(accounts.ChangeUser(user.id, bad_unit).error().code, ErrorCode::kNotFound);
  Accounts::UserChange bad_password;
  bad_password.password = "short";
  EXPECT_EQ(Fields(accounts.ChangeUser(user.id, bad_password).error()),
            std::vector<std::string>{"password"});
  EXPECT_EQ(accounts.ChangeUser(UserId{user.id.value + 100}, change).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(accounts.GetUser(user.id)->unit_code, "P");
}

TEST_F(AccountsTest, ChangeUserChecksItsPreconditionAgainstTheStoredUser) {
  Accounts accounts(*store_);
  const UserView user = Add(accounts, User("checked", Role::kViewer, "D"));
  Accounts::UserChange change;
  change.role = Role::kUnitOfficer;
  std::string seen_login;
  change.precondition = [&](const UserView& stored) -> Status {
    seen_login = stored.login;
    return Fail(ErrorCode::kVersionMismatch, "changed since read");
  };
  auto refused = accounts.ChangeUser(user.id, change);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kVersionMismatch);
  EXPECT_EQ(seen_login, "checked");
  EXPECT_EQ(accounts.GetUser(user.id)->role, Role::kViewer);

  change.precondition = [](const UserView& stored) -> Status {
    return stored.role == Role::kViewer ? Status{} : Fail(ErrorCode::kVersionMismatch, "no");
  };
  ASSERT_TRUE(accounts.ChangeUser(user.id, change).has_value());
  EXPECT_EQ(accounts.GetUser(user.id)->role, Role::kUnitOfficer);
}

TEST(AccountsOptionsTest, DefaultsAreTheIssuesLimits) {
  const AccountsOptions options;
  EXPECT_EQ(options.max_login_failures, 100);
  EXPECT_EQ(options.max_address_failures, 300);
  EXPECT_EQ(options.failure_window, std::chrono::hours(1));
  EXPECT_EQ(options.free_failures, 5);
  EXPECT_EQ(options.delay_base, std::chrono::seconds(1));
  EXPECT_EQ(options.delay_cap, std::chrono::minutes(15));
  EXPECT_EQ(options.session_idle, std::chrono::minutes(30));
  EXPECT_EQ(options.session_lifetime, std::chrono::hours(12));
  EXPECT_EQ(options.touch_interval, std::chrono::minutes(1));
}

TEST_F(AccountsTest, DelayGrowsAfterFiveFailuresAndRefusesWithoutEvaluating) {
  Accounts accounts(*store_, Options());
  Add(accounts, User("target"));
  Fail5(accounts, "target");
  // The 6th attempt, at once: refused before the password is checked, even the right one.
  auto refused = accounts.Login("target", kPassword, "192.0.2.1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(Accounts::RetryAfterSeconds(refused.error()), 1);
  EXPECT_EQ(refused.error().message,
            "too many failed sign-ins for this login; try again in 1 second");
  EXPECT_EQ(Failures("target"), 5);  // a refusal is not an evaluated failure

  Advance(std::chrono::seconds(1));  // base * 2^0 after the 5th failure
  EXPECT_EQ(accounts.Login("target", "wrong again!", "192.0.2.1").error().code,
            ErrorCode::kUnauthenticated);
  // Six in a row: 2 s now.
  Advance(std::chrono::milliseconds(1500));
  auto early = accounts.Login("target", kPassword, "192.0.2.1");
  EXPECT_EQ(early.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(Accounts::RetryAfterSeconds(early.error()), 1);  // 0.5 s rounded up
  Advance(std::chrono::milliseconds(500));
  ASSERT_TRUE(accounts.Login("target", kPassword, "192.0.2.1").has_value());
  // The success ended the run: failures are free again.
  EXPECT_EQ(accounts.Login("target", "one more typo", "192.0.2.1").error().code,
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(accounts.Login("target", "two more typos", "192.0.2.1").error().code,
            ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, DelayDoublesUpToTheCap) {
  AccountsOptions options = Options();
  options.delay_cap = std::chrono::seconds(10);
  Accounts accounts(*store_, options);
  Fail5(accounts, "nobody-here");
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 6; ++i) {
    auto refused = accounts.Login("nobody-here", "guess", "192.0.2.1");
    ASSERT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
    const std::int64_t wait = Accounts::RetryAfterSeconds(refused.error());
    waits.push_back(wait);
    Advance(std::chrono::seconds(wait));
    EXPECT_EQ(accounts.Login("nobody-here", "guess", "192.0.2.1").error().code,
              ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(waits, (std::vector<std::int64_t>{1, 2, 4, 8, 10, 10}));
}

TEST_F(AccountsTest, AtMostOneHundredEvaluatedFailuresPerLoginPerHour) {
  AccountsOptions options = Options();
  options.free_failures = 1000;  // no delay: the hourly cap alone
  Accounts accounts(*store_, options);
  Add(accounts, User("popular"));
  for (int i = 0; i < 100; ++i) {
    // From a new address each time (the per-address cap stays far), a second apart.
    auto r =
        accounts.Login("popular", "guess " + std::to_string(i), "198.51.100." + std::to_string(i));
    ASSERT_EQ(r.error().code, ErrorCode::kUnauthenticated) << i;
    Advance(std::chrono::seconds(1));
  }
  auto refused = accounts.Login("popular", kPassword, "203.0.113.9");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(refused.error().message.find("for this login"), std::string::npos);
  // The first failure leaves the hour 3600 - 100 s from now.
  EXPECT_EQ(Accounts::RetryAfterSeconds(refused.error()), 3500);
  EXPECT_EQ(Failures("popular"), 100);
  Advance(std::chrono::seconds(3500));
  ASSERT_TRUE(accounts.Login("popular", kPassword, "203.0.113.9").has_value());
}

TEST_F(AccountsTest, PerAddressCapCoversEveryLogin) {
  AccountsOptions options = Options();
  options.max_address_failures = 4;
  Accounts accounts(*store_, options);
  Add(accounts, User("victim"));
  for (const char* login : {"admin", "root", "guest", "victim"}) {
    EXPECT_EQ(accounts.Login(login, "not the password", "198.51.100.7").error().code,
              ErrorCode::kUnauthenticated);
  }
  auto refused = accounts.Login("victim", kPassword, "198.51.100.7");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(refused.error().message.find("from this address"), std::string::npos);
  EXPECT_EQ(Accounts::RetryAfterSeconds(refused.error()), 3600);
  EXPECT_TRUE(accounts.Login("victim", kPassword, "198.51.100.8").has_value());
  Advance(std::chrono::hours(1));
  EXPECT_TRUE(accounts.Login("victim", kPassword, "198.51.100.7").has_value());
}

TEST_F(AccountsTest, FailuresSurviveARestart) {
  {
    Accounts accounts(*store_, Options());
    Add(accounts, User("steady"));
    Fail5(accounts, "steady");
  }
  // Another process over the same file sees the same run of failures.
  store_.reset();
  auto reopened = Store::Open(StoreOptions{path_.string(), false});
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  store_ = std::move(*reopened);
  Accounts accounts(*store_, Options());
  auto refused = accounts.Login("steady", kPassword, "192.0.2.9");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(Accounts::RetryAfterSeconds(refused.error()), 1);
}

TEST_F(AccountsTest, UnknownLoginsGetTheSameAnswersAndTheSameLimits) {
  Accounts accounts(*store_, Options());
  Add(accounts, User("known"));
  Add(accounts, User("dormant"));
  Accounts::UserChange disable;
  disable.disabled = true;
  ASSERT_TRUE(accounts.ChangeUser(accounts.ListUsers()->back().id, disable).has_value());
  auto wrong = accounts.Login("known", "wrong password!", "192.0.2.1");
  auto unknown = accounts.Login("unknown", kPassword, "192.0.2.1");
  auto disabled = accounts.Login("dormant", kPassword, "192.0.2.1");
  for (const auto* r : {&wrong, &unknown, &disabled}) {
    ASSERT_FALSE(r->has_value());
    EXPECT_EQ(r->error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(r->error().message, "the login or the password is wrong");
    EXPECT_TRUE(r->error().details.empty());
  }
  // Five failures of an existing and of an unknown login: both are delayed alike.
  Add(accounts, User("existing"));
  Fail5(accounts, "existing");
  Fail5(accounts, "stranger");
  auto known_refused = accounts.Login("existing", kPassword, "192.0.2.1");
  auto unknown_refused = accounts.Login("stranger", kPassword, "192.0.2.1");
  ASSERT_FALSE(known_refused.has_value());
  ASSERT_FALSE(unknown_refused.has_value());
  EXPECT_EQ(known_refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(unknown_refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(unknown_refused.error().message, known_refused.error().message);
  EXPECT_EQ(unknown_refused.error().details, known_refused.error().details);
  EXPECT_EQ(Failures("stranger"), 5);
  EXPECT_EQ(Failures("existing"), 5);
}

TEST_F(AccountsTest, EveryAttemptIsRecordedAndOldOnesArePrunedOnSuccess) {
  Accounts accounts(*store_, Options());
  Add(accounts, User("tracked"));
  Fail5(accounts, "tracked");
  EXPECT_FALSE(accounts.Login("tracked", kPassword, "192.0.2.1").has_value());  // delay
  auto recent = store_->RecentLoginAttempts("tracked", 10);
  ASSERT_TRUE(recent.has_value()) << recent.error().ToString();
  ASSERT_EQ(recent->size(), 5u);  // evaluated attempts only, newest first
  EXPECT_EQ(recent->front().outcome, LoginOutcome::kBadCredentials);
  EXPECT_EQ(recent->front().login, "tracked");
  EXPECT_EQ(recent->front().address_hash.size(), 64u);  // a keyed hash, not the address

  Advance(std::chrono::hours(25));
  ASSERT_TRUE(accounts.Login("tracked", kPassword, "192.0.2.1").has_value());
  recent = store_->RecentLoginAttempts("tracked", 10);
  ASSERT_TRUE(recent.has_value());
  ASSERT_EQ(recent->size(), 1u);  // the day-old failures (and the refusal) are gone
  EXPECT_EQ(recent->front().outcome, LoginOutcome::kOk);
  EXPECT_EQ(Failures("tracked"), 0);
}

TEST_F(AccountsTest, EachLoginGetsANewSessionAndEndsTheOneItCameWith) {
  Accounts accounts(*store_, Options());
  Add(accounts, User("rotator"));
  auto first = accounts.Login("rotator", kPassword, "192.0.2.1");
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  auto second = accounts.Login("rotator", kPassword, "192.0.2.1", first->session_id);
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_NE(second->session_id, first->session_id);
  EXPECT_NE(second->csrf_token, first->csrf_token);
  EXPECT_FALSE(store_->SessionByHash(Sha256Hex(first->session_id))->has_value());
  EXPECT_EQ(accounts.FromSession(first->session_id).error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accounts.FromSession(second->session_id).has_value());
  // A failed sign-in leaves the session it came with alone.
  EXPECT_FALSE(
      accounts.Login("rotator", "wrong password", "192.0.2.1", second->session_id).has_value());
  EXPECT_TRUE(accounts.FromSession(second->session_id).has_value());
}

TEST_F(AccountsTest, IdleSessionEndsAndUseIsRecordedAtMostOnceAMinute) {
  Accounts accounts(*store_, Options());
  Add(accounts, User("idler"));
  auto login = accounts.Login("idler", kPassword, "192.0.2.1");
  ASSERT_TRUE(login.has_value()) << login.error().ToString();
  const std::string hash = Sha256Hex(login->session_id);
  const std::string created = (*store_->SessionByHash(hash))->created_at;
  EXPECT_EQ((*store_->SessionByHash(hash))->last_seen_at, created);

  Advance(std::chrono::seconds(30));
  ASSERT_TRUE(accounts.FromSession(login->session_id).has_value());
  EXPECT_EQ((*store_->SessionByHash(hash))->last_seen_at, created);  // under a minute: no write
  Advance(std::chrono::minutes(29));
  ASSERT_TRUE(accounts.FromSession(login->session_id).has_value());  // 29.5 min idle: alive
  const std::string touched = (*store_->SessionByHash(hash))->last_seen_at;
  EXPECT_GT(touched, created);
  Advance(std::chrono::minutes(29));
  ASSERT_TRUE(accounts.FromSession(login->session_id).has_value());  // 29 min since the touch
  Advance(std::chrono::minutes(30));
  auto idle = accounts.FromSession(login->session_id);
  ASSERT_FALSE(idle.has_value());
  EXPECT_EQ(idle.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(idle.error().message, "the session has expired after being idle");
  EXPECT_FALSE(store_->SessionByHash(hash)->has_value());  // deleted, not just refused
}

TEST_F(AccountsTest, SessionEndsAtItsAbsoluteExpiryHoweverBusy) {
  Accounts accounts(*store_, Options());
  Add(accounts, User("busy"));
  auto login = accounts.Login("busy", kPassword, "192.0.2.1");
  ASSERT_TRUE(login.has_value()) << login.error().ToString();
  for (int i = 0; i < 47; ++i) {  // in use every 15 minutes for 11 h 45 min
    Advance(std::chrono::minutes(15));
    ASSERT_TRUE(accounts.FromSession(login->session_id).has_value()) << i;
  }
  Advance(std::chrono::minutes(15));  // 12 h after sign-in
  auto expired = accounts.FromSession(login->session_id);
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(expired.error().message, "the session has expired");
  EXPECT_FALSE(store_->SessionByHash(Sha256Hex(login->session_id))->has_value());
}

TEST_F(AccountsTest, ApiTokensAuthenticateUntilRevoked) {
  Accounts accounts(*store_);
  const Principal owner = PrincipalOf(Add(accounts, User("robot", Role::kUnitOfficer, "C")));
  const Principal other = PrincipalOf(Add(accounts, User("someone", Role::kViewer, "D")));

  auto token = accounts.CreateToken(owner, "  nightly sync ");
  ASSERT_TRUE(token.has_value()) << token.error().ToString();
  EXPECT_TRUE(token->token.starts_with("pwt_"));
  EXPECT_EQ(token->token.size(), 4u + 43u);
  EXPECT_EQ(token->name, "nightly sync");
  EXPECT_EQ(token->created_at.size(), 24u);
  EXPECT_EQ(DatabaseBytes().find(token->token), std::string::npos);

  auto listed = accounts.ListTokens(owner);
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, token->id);
  EXPECT_EQ((*listed)[0].token_hash, Sha256Hex(token->token));
  EXPECT_NE((*listed)[0].token_hash, token->token);
  EXPECT_TRUE((*listed)[0].revoked_at.empty());
  EXPECT_TRUE(accounts.ListTokens(other)->empty());

  auto principal = accounts.FromBearer(token->token);
  ASSERT_TRUE(principal.has_value()) << principal.error().ToString();
  EXPECT_EQ(*principal, owner);
  EXPECT_EQ(principal->scope, Unit("C"));
  EXPECT_EQ(accounts.FromBearer("pwt_unknown").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(accounts.FromBearer(token->token.substr(4)).error().code, ErrorCode::kUnauthenticated);

  auto theirs = accounts.RevokeToken(other, token->id);
  EXPECT_EQ(theirs.error().code, ErrorCode::kNotFound);
  EXPECT_NE(theirs.error().message.find(std::to_string(token->id.value)), std::string::npos);
  EXPECT_TRUE(accounts.FromBearer(token->token).has_value());

  ASSERT_TRUE(accounts.RevokeToken(owner, token->id).has_value());
  EXPECT_EQ(accounts.FromBearer(token->token).error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE((*accounts.ListTokens(owner))[0].revoked_at.empty());

  EXPECT_EQ(Fields(accounts.CreateToken(owner, "   ").error()), std::vector<std::string>{"name"});
}

TEST_F(AccountsTest, TokensOfADisabledUserStopWorking) {
  Accounts accounts(*store_);
  const UserView user = Add(accounts, User("retired"));
  auto token = accounts.CreateToken(PrincipalOf(user), "ci");
  ASSERT_TRUE(token.has_value()) << token.error().ToString();
  ASSERT_TRUE(accounts.FromBearer(token->token).has_value());
  Accounts::UserChange disable;
  disable.disabled = true;
  ASSERT_TRUE(accounts.ChangeUser(user.id, disable).has_value());
  EXPECT_EQ(accounts.FromBearer(token->token).error().code, ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace planwatch
