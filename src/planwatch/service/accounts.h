// Users, passwords, sessions and API tokens: how a request becomes a Principal.
//
// Passwords are hashed with Argon2id (libsodium crypto_pwhash_str, interactive limits). Session
// ids, CSRF tokens and API tokens are 32 random bytes (libsodium randombytes), sent as unpadded
// base64url; only their SHA-256 is stored, so a copy of the database hands out no credentials.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// Call once before any other function here (initialises libsodium); thread-safe, idempotent.
// internal when the library cannot start.
Status InitCrypto();

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

struct NewUser {
  std::string login;         // 1–64 chars of [A-Za-z0-9._@-]
  std::string display_name;  // may be empty (the login is shown)
  Role role = Role::kViewer;
  std::string unit_code;  // the scope's root unit (by code)
  std::string password;   // at least 10 characters
};

// The public view of a user (no hash).
struct UserView {
  UserId id;
  std::string login;
  std::string display_name;
  Role role = Role::kViewer;
  OrgUnitId unit;
  std::string unit_code;
  bool disabled = false;
  std::string created_at;
  std::string email;  // empty: none
};

struct LoginResult {
  std::string session_id;  // for the cookie; never stored
  std::string csrf_token;
  std::string expires_at;  // ISO 8601 UTC
  UserView user;
};

struct AccountsOptions {
  std::chrono::seconds session_lifetime{12 * 3600};
  // Login attempts: at most this many failures per login and per address in `failure_window`;
  // then Login refuses (resource_exhausted) until the window has passed.
  int max_failures = 10;
  std::chrono::seconds failure_window{15 * 60};
};

class Accounts {
 public:
  Accounts(Store& store, AccountsOptions options = {});
  ~Accounts();

  // CLI and admin use (authorization is the caller's: the CLI runs as the database owner, the
  // API checks AccessPolicy::CanManageUsers first).
  // invalid_argument (with the offending field in details) for a bad login, role, unit or short
  // password; conflict when the login is taken; not_found for an unknown unit code.
  // `email`: where urging e-mails go (empty: none), checked by the caller.
  Result<UserView> AddUser(const NewUser& user, std::string_view email = {});
  // Sets a new password and ends every session of the user. not_found for an unknown login.
  Status ResetPassword(std::string_view login, std::string_view new_password);
  Result<std::vector<UserView>> ListUsers();
  Result<UserView> GetUser(UserId id);
  // Changes role, scope, display name or disabled (fields left none stay). Disabling ends the
  // user's sessions.
  struct UserChange {
    std::optional<std::string> display_name;
    std::optional<Role> role;
    std::optional<std::string> unit_code;
    std::optional<bool> disabled;
    std::optional<std::string> password;
    std::optional<std::string> email;  // "" removes the address
    // Checked against the user as stored, inside the write transaction (a version check); its
    // error is returned and nothing is written.
    std::function<Status(const UserView& current)> precondition;
  };
  Result<UserView> ChangeUser(UserId id, const UserChange& change);

  // Checks the password and opens a session. unauthenticated (the same message for an unknown
  // login, a wrong password and a disabled account); resource_exhausted when `login` or `address`
  // reached max_failures within the window (HTTP 429) — checked before the password, so
  // guessing stops. Failures are counted in memory per process.
  Result<LoginResult> Login(std::string_view login, std::string_view password,
                            std::string_view address);
  // Ends the session (no error when it is already gone).
  Status Logout(std::string_view session_id);

  // The principal of a session cookie or a bearer token, with the session's CSRF token (empty for
  // tokens). unauthenticated when unknown, expired, revoked or the user is disabled.
  struct Authenticated {
    Principal principal;
    std::string csrf_token;
    std::string expires_at;
  };
  Result<Authenticated> FromSession(std::string_view session_id);
  Result<Principal> FromBearer(std::string_view token);

  // API tokens of the principal's own user. The token text is returned once, at creation.
  struct NewToken {
    ApiTokenId id;
    std::string name;
    std::string token;
    std::string created_at;
  };
  Result<NewToken> CreateToken(const Principal& owner, std::string_view name);
  Result<std::vector<ApiTokenRecord>> ListTokens(const Principal& owner);
  // not_found when the token is not the principal's own.
  Status RevokeToken(const Principal& owner, ApiTokenId id);

 private:
  struct State;
  Store& store_;
  AccountsOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace planwatch
