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

  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
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

TEST_F(AccountsTest, ExpiredSessionIsRefused) {
  Accounts accounts(*store_, AccountsOptions{std::chrono::seconds(0), 3, std::chrono::seconds(60)});
  Add(accounts, User("brief"));
  auto login = accounts.Login("brief", kPassword, "192.0.2.1");
  ASSERT_TRUE(login.has_value()) << login.error().ToString();
  auto auth = accounts.FromSession(login->session_id);
  ASSERT_FALSE(auth.has_value());
  EXPECT_EQ(auth.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(auth.error().message.find("expired"), std::string::npos);

  // The next sign-in clears the ended session from the database.
  ASSERT_TRUE(store_->SessionByHash(Sha256Hex(login->session_id)).value().has_value());
  ASSERT_TRUE(accounts.Login("brief", kPassword, "192.0.2.1").has_value());
  EXPECT_FALSE(store_->SessionByHash(Sha256Hex(login->session_id)).value().has_value());
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

TEST_F(AccountsTest, ThrottleRefusesEvenTheRightPasswordAfterMaxFailuresPerLogin) {
  Accounts accounts(*store_, AccountsOptions{std::chrono::hours(1), 3, std::chrono::minutes(15)});
  Add(accounts, User("target"));
  for (int i = 0; i < 3; ++i) {
    // From a new address each time: the login's own count trips.
    auto r = accounts.Login("target", "guess number " + std::to_string(i),
                            "198.51.100." + std::to_string(i));
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  }
  auto refused = accounts.Login("target", kPassword, "203.0.113.9");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(refused.error().message.find("login"), std::string::npos);
}

TEST_F(AccountsTest, SuccessfulLoginClearsTheLoginsFailures) {
  Accounts accounts(*store_, AccountsOptions{std::chrono::hours(1), 3, std::chrono::minutes(15)});
  Add(accounts, User("clumsy"));
  EXPECT_FALSE(accounts.Login("clumsy", "typo typo typo", "").has_value());
  EXPECT_FALSE(accounts.Login("clumsy", "typo typo typo", "").has_value());
  EXPECT_TRUE(accounts.Login("clumsy", kPassword, "").has_value());
  EXPECT_FALSE(accounts.Login("clumsy", "typo typo typo", "").has_value());
  // Four failures in all, but only one since the last success.
  EXPECT_TRUE(accounts.Login("clumsy", kPassword, "").has_value());
}

TEST_F(AccountsTest, ThrottleCountsFailuresPerAddress) {
  Accounts accounts(*store_, AccountsOptions{std::chrono::hours(1), 3, std::chrono::minutes(15)});
  Add(accounts, User("victim"));
  for (const char* login : {"admin", "root", "guest"}) {
    EXPECT_EQ(accounts.Login(login, kPassword, "198.51.100.7").error().code,
              ErrorCode::kUnauthenticated);
  }
  auto refused = accounts.Login("victim", kPassword, "198.51.100.7");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(refused.error().message.find("address"), std::string::npos);
  EXPECT_TRUE(accounts.Login("victim", kPassword, "198.51.100.8").has_value());
}

TEST_F(AccountsTest, ThrottleLiftsWhenTheWindowHasPassed) {
  Accounts accounts(*store_, AccountsOptions{std::chrono::hours(1), 2, std::chrono::seconds(1)});
  Add(accounts, User("patient"));
  EXPECT_FALSE(accounts.Login("patient", "wrong password 1", "192.0.2.5").has_value());
  EXPECT_FALSE(accounts.Login("patient", "wrong password 2", "192.0.2.5").has_value());
  EXPECT_EQ(accounts.Login("patient", kPassword, "192.0.2.5").error().code,
            ErrorCode::kResourceExhausted);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(accounts.Login("patient", kPassword, "192.0.2.5").has_value());
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
