// Users, passwords, sessions and API tokens: how a request becomes a Principal.
//
// Passwords are hashed with Argon2id (libsodium crypto_pwhash_str, interactive limits). Session
// ids, CSRF tokens and API tokens are 32 random bytes (libsodium randombytes), sent as unpadded
// base64url; only their SHA-256 is stored, so a copy of the database hands out no credentials.
#pragma once

#include <chrono>
#include <cstdint>
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

// Sign-in limits and session expiry. Attempts are recorded in the store, so the limits hold
// across restarts and across several processes on one database.
struct AccountsOptions {
  // Absolute expiry: a session ends this long after sign-in, however busy.
  std::chrono::seconds session_lifetime{12 * 3600};
  // Idle expiry: a session unused this long ends (FromSession deletes it).
  std::chrono::seconds session_idle{30 * 60};
  // A session's last use is written at most once per this interval (not on every request).
  std::chrono::seconds touch_interval{60};
  // Evaluated failures (the password was checked and was wrong) allowed per login, and per
  // client address across all logins, within `failure_window`; beyond them Login refuses
  // without checking the password.
  int max_login_failures = 100;
  int max_address_failures = 300;
  std::chrono::seconds failure_window{3600};
  // After this many consecutive failures of a login, the next attempt is evaluated only
  // delay_base * 2^(n - free_failures) after the last failure (n: the consecutive failures),
  // at most delay_cap.
  int free_failures = 5;
  std::chrono::seconds delay_base{1};
  std::chrono::seconds delay_cap{15 * 60};
  // Attempts older than this are removed whenever someone signs in.
  std::chrono::seconds attempt_retention{24 * 3600};
  // The current time; none: the system clock. Tests set it.
  std::function<std::chrono::system_clock::time_point()> clock;
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

  // Checks the password and opens a session with a new id; `previous_session` (the session
  // cookie sent with the request, if any) is ended when the sign-in succeeds. Every attempt is
  // recorded (its row is audited with actor `login`, `address`, action "login").
  // unauthenticated with one message for an unknown login, a wrong password and a disabled
  // account (an unknown login costs the same password hash); resource_exhausted, before the
  // password is checked, when the login or the address has used up its failures within the
  // window or the login's growing delay has not passed: the error's details hold one item with
  // field "retry_after" and the whole seconds to wait as its message (HTTP: 429, Retry-After).
  // The limits count by the login as typed, so they do not tell which logins exist.
  Result<LoginResult> Login(std::string_view login, std::string_view password,
                            std::string_view address, std::string_view previous_session = {});
  // Ends the session (no error when it is already gone).
  Status Logout(std::string_view session_id);

  // The seconds to wait of a resource_exhausted error from Login; 0 when it has none.
  static std::int64_t RetryAfterSeconds(const Error& error);

  // The principal of a session cookie or a bearer token, with the session's CSRF token (empty for
  // tokens). unauthenticated when unknown, expired (absolute or idle: the session is deleted),
  // revoked or the user is disabled. A session's last use is written when it is older than
  // touch_interval.
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
  std::chrono::system_clock::time_point Now() const;
  // The keyed hash of a client address (empty for none).
  Result<std::string> AddressHash(std::string_view address);
  // Records a refused attempt and returns the refusal.
  std::unexpected<Error> Refuse(const LoginAttemptRecord& attempt, std::string_view address,
                                std::string message, std::chrono::seconds wait);
  Store& store_;
  AccountsOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace planwatch
