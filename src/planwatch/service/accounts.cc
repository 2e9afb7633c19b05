#include "planwatch/service/accounts.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

#include "planwatch/base/text.h"
#include "planwatch/domain/report.h"

namespace planwatch {
namespace {

constexpr std::size_t kMaxLoginChars = 64;
constexpr std::size_t kMinPasswordChars = 10;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxDisplayNameChars = 200;
constexpr std::size_t kMaxTokenNameChars = 100;
constexpr std::size_t kSecretBytes = 32;
constexpr std::string_view kTokenPrefix = "pwt_";
// Recorded logins longer than any valid login are cut, so junk input cannot grow the rows.
constexpr std::size_t kMaxThrottleKeyBytes = 128;
// Evaluated attempts read to find the current run of failures: enough for the delay to reach
// any cap below 2^20 times the base.
constexpr int kRecentAttempts = 25;
constexpr std::string_view kRetryAfterField = "retry_after";
// One message for every failed sign-in, so the answer does not tell which logins exist.
constexpr std::string_view kBadCredentials = "the login or the password is wrong";

std::size_t Utf8Chars(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool ValidLoginChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '-';
}

std::optional<ErrorDetail> CheckLogin(std::string_view login) {
  if (login.empty() || login.size() > kMaxLoginChars) {
    return ErrorDetail{
        0, "login",
        fmt::format("'{}' must be 1 to {} characters long", EchoForMessage(login), kMaxLoginChars)};
  }
  if (!std::all_of(login.begin(), login.end(), ValidLoginChar)) {
    return ErrorDetail{0, "login",
                       fmt::format("'{}' may only contain letters A-Z a-z, digits and . _ @ -",
                                   EchoForMessage(login))};
  }
  return std::nullopt;
}

std::optional<ErrorDetail> CheckPassword(std::string_view password) {
  if (FirstInvalidUtf8(password)) {
    return ErrorDetail{0, "password", "the password is not valid UTF-8"};
  }
  if (Utf8Chars(password) < kMinPasswordChars) {
    return ErrorDetail{
        0, "password",
        fmt::format("the password must have at least {} characters", kMinPasswordChars)};
  }
  if (password.size() > kMaxPasswordBytes) {
    return ErrorDetail{0, "password",
                       fmt::format("the password must have at most {} bytes", kMaxPasswordBytes)};
  }
  return std::nullopt;
}

std::optional<ErrorDetail> CheckRole(Role role) {
  if (RoleName(role) == "unknown") {
    return ErrorDetail{0, "role",
                       fmt::format("role value {} is not a known role", static_cast<int>(role))};
  }
  return std::nullopt;
}

std::optional<ErrorDetail> CheckDisplayName(std::string_view name) {
  if (FirstInvalidUtf8(name)) {
    return ErrorDetail{0, "display_name", "the display name is not valid UTF-8"};
  }
  if (Utf8Chars(name) > kMaxDisplayNameChars) {
    return ErrorDetail{
        0, "display_name",
        fmt::format("the display name must have at most {} characters", kMaxDisplayNameChars)};
  }
  return std::nullopt;
}

// invalid_argument naming the offending fields; the details say what is wrong with each.
std::unexpected<Error> Invalid(std::vector<ErrorDetail> details) {
  std::string fields;
  for (const ErrorDetail& d : details) fields += (fields.empty() ? "" : ", ") + d.field;
  return Fail(ErrorCode::kInvalidArgument, "invalid " + fields, std::move(details));
}

std::unexpected<Error> Unauthenticated(std::string message) {
  return Fail(ErrorCode::kUnauthenticated, std::move(message));
}

// "YYYY-MM-DDTHH:MM:SS.mmmZ", the store's instant format, so instants compare as text.
std::string FormatInstant(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

// 32 random bytes as unpadded base64url (43 characters).
std::string RandomSecret() {
  std::array<unsigned char, kSecretBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string out(sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

Result<std::string> HashPassword(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.empty() ? "" : password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("cannot hash the password (out of memory)");
  }
  return std::string(out.data());
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  // libsodium declares the password non-null even when empty.
  const char* bytes = password.empty() ? "" : password.data();
  return crypto_pwhash_str_verify(hash.c_str(), bytes, password.size()) == 0;
}

// A hash no password is known for; unknown logins are checked against it so that they take as
// long as known ones.
const std::string& DummyHash() {
  static const std::string hash = [] {
    const std::string secret = RandomSecret();
    auto hashed = HashPassword(secret);
    return hashed ? *hashed : std::string();
  }();
  return hash;
}

Principal PrincipalOf(const UserRecord& user) {
  return Principal{user.id, user.login, user.role, user.unit};
}

UserView ViewOf(const UserRecord& user, const std::vector<OrgUnit>& units) {
  UserView view;
  view.id = user.id;
  view.login = user.login;
  view.display_name = user.display_name;
  view.role = user.role;
  view.unit = user.unit;
  view.disabled = user.disabled;
  view.created_at = user.created_at;
  view.email = user.email;
  for (const OrgUnit& unit : units) {
    if (unit.id == user.unit) {
      view.unit_code = unit.code;
      break;
    }
  }
  return view;
}

Result<UserView> ViewOf(StoreReader& reader, const UserRecord& user) {
  auto units = reader.OrgUnits();
  if (!units) return std::unexpected(units.error());
  return ViewOf(user, *units);
}

// The unit with `code`: invalid_argument when empty, not_found when no unit has it.
Result<OrgUnitId> UnitByCode(StoreReader& reader, std::string_view code) {
  if (code.empty()) {
    return Invalid({ErrorDetail{0, "unit", "a unit code is required (the scope's root unit)"}});
  }
  auto units = reader.OrgUnits();
  if (!units) return std::unexpected(units.error());
  for (const OrgUnit& unit : *units) {
    if (unit.code == code) return unit.id;
  }
  const std::string message = fmt::format("no org unit has code '{}'", EchoForMessage(code));
  return Fail(ErrorCode::kNotFound, message, {ErrorDetail{0, "unit", message}});
}

// The login as recorded: longer input than any valid login is cut, so junk cannot grow rows.
std::string AttemptLogin(std::string_view login) {
  return std::string(login.substr(0, kMaxThrottleKeyBytes));
}

std::string HexOf(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

// Whole seconds from `from` until `until`, at least 1.
std::chrono::seconds CeilSeconds(std::chrono::system_clock::duration d) {
  const auto s = std::chrono::ceil<std::chrono::seconds>(d);
  return std::max(s, std::chrono::seconds{1});
}

// A stored instant as a time point; `fallback` when it does not parse (never for stored rows).
std::chrono::system_clock::time_point InstantOr(std::string_view text,
                                                std::chrono::system_clock::time_point fallback) {
  auto parsed = ParseInstant(text);
  return parsed ? std::chrono::system_clock::time_point(*parsed) : fallback;
}

}  // namespace

Status InitCrypto() {
  static std::once_flag once;
  static int result = 0;
  std::call_once(once, [] { result = sodium_init(); });
  if (result < 0) return Internal("cannot initialise libsodium");
  return {};
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

struct Accounts::State {
  std::mutex mutex;
  std::string address_key;  // guarded by mutex: the store's key for address hashes, once read
};

Accounts::Accounts(Store& store, AccountsOptions options)
    : store_(store), options_(options), state_(std::make_unique<State>()) {}

Accounts::~Accounts() = default;

Result<UserView> Accounts::AddUser(const NewUser& user, std::string_view email) {
  if (auto s = InitCrypto(); !s) return std::unexpected(s.error());
  std::vector<ErrorDetail> details;
  for (auto detail : {CheckLogin(user.login), CheckDisplayName(user.display_name),
                      CheckRole(user.role), CheckPassword(user.password)}) {
    if (detail) details.push_back(std::move(*detail));
  }
  if (user.unit_code.empty()) {
    details.push_back({0, "unit", "a unit code is required (the scope's root unit)"});
  }
  if (!details.empty()) return Invalid(std::move(details));
  auto unit = UnitByCode(store_, user.unit_code);
  if (!unit) return std::unexpected(unit.error());
  auto existing = store_.UserByLogin(user.login);
  if (!existing) return std::unexpected(existing.error());
  const std::string taken = fmt::format("the login '{}' is taken", user.login);
  if (*existing) return Conflict(taken);
  // Hashing takes tens of milliseconds: done before the transaction so it holds no lock.
  auto hash = HashPassword(user.password);
  if (!hash) return std::unexpected(hash.error());

  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  UserRecord record;
  record.login = user.login;
  record.display_name = user.display_name;
  record.role = user.role;
  record.unit = *unit;
  record.password_hash = std::move(*hash);
  record.email = std::string(email);
  auto id = (*txn)->PutUser(record);
  if (!id) {
    if (id.error().code == ErrorCode::kConflict) return Conflict(taken);
    return std::unexpected(id.error());
  }
  auto stored = (*txn)->UserById(*id);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return Internal(fmt::format("user {} vanished after insert", id->value));
  auto view = ViewOf(**txn, **stored);
  if (!view) return std::unexpected(view.error());
  if (auto s = (*txn)->Commit(); !s) return std::unexpected(s.error());
  return view;
}

Status Accounts::ResetPassword(std::string_view login, std::string_view new_password) {
  if (auto s = InitCrypto(); !s) return std::unexpected(s.error());
  if (auto detail = CheckPassword(new_password)) return Invalid({std::move(*detail)});
  auto user = store_.UserByLogin(login);
  if (!user) return std::unexpected(user.error());
  const std::string unknown = fmt::format("no user has login '{}'", EchoForMessage(login));
  if (!*user) return NotFound(unknown);
  auto hash = HashPassword(new_password);
  if (!hash) return std::unexpected(hash.error());

  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto current = (*txn)->UserByLogin(login);
  if (!current) return std::unexpected(current.error());
  if (!*current) return NotFound(unknown);
  UserRecord record = **current;
  record.password_hash = std::move(*hash);
  if (auto id = (*txn)->PutUser(record); !id) return std::unexpected(id.error());
  if (auto s = (*txn)->DeleteSessionsOf(record.id); !s) return s;
  return (*txn)->Commit();
}

Result<std::vector<UserView>> Accounts::ListUsers() {
  auto users = store_.Users();
  if (!users) return std::unexpected(users.error());
  auto units = store_.OrgUnits();
  if (!units) return std::unexpected(units.error());
  std::vector<UserView> views;
  views.reserve(users->size());
  for (const UserRecord& user : *users) views.push_back(ViewOf(user, *units));
  return views;
}

Result<UserView> Accounts::GetUser(UserId id) {
  auto user = store_.UserById(id);
  if (!user) return std::unexpected(user.error());
  if (!*user) return NotFound(fmt::format("no user has id {}", id.value));
  return ViewOf(store_, **user);
}

Result<UserView> Accounts::ChangeUser(UserId id, const UserChange& change) {
  if (auto s = InitCrypto(); !s) return std::unexpected(s.error());
  std::vector<ErrorDetail> details;
  if (change.display_name) {
    if (auto d = CheckDisplayName(*change.display_name)) details.push_back(std::move(*d));
  }
  if (change.role) {
    if (auto d = CheckRole(*change.role)) details.push_back(std::move(*d));
  }
  if (change.unit_code && change.unit_code->empty()) {
    details.push_back({0, "unit", "a unit code is required (the scope's root unit)"});
  }
  if (change.password) {
    if (auto d = CheckPassword(*change.password)) details.push_back(std::move(*d));
  }
  if (!details.empty()) return Invalid(std::move(details));
  std::optional<OrgUnitId> unit;
  if (change.unit_code) {
    auto found = UnitByCode(store_, *change.unit_code);
    if (!found) return std::unexpected(found.error());
    unit = *found;
  }
  std::optional<std::string> hash;
  if (change.password) {
    auto hashed = HashPassword(*change.password);
    if (!hashed) return std::unexpected(hashed.error());
    hash = std::move(*hashed);
  }

  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto current = (*txn)->UserById(id);
  if (!current) return std::unexpected(current.error());
  if (!*current) return NotFound(fmt::format("no user has id {}", id.value));
  if (change.precondition) {
    auto before = ViewOf(**txn, **current);
    if (!before) return std::unexpected(before.error());
    if (auto ok = change.precondition(*before); !ok) return std::unexpected(ok.error());
  }
  UserRecord record = **current;
  if (change.display_name) record.display_name = *change.display_name;
  if (change.role) record.role = *change.role;
  if (unit) record.unit = *unit;
  if (change.disabled) record.disabled = *change.disabled;
  if (change.email) record.email = *change.email;
  if (hash) record.password_hash = std::move(*hash);
  if (auto put = (*txn)->PutUser(record); !put) return std::unexpected(put.error());
  // A disabled account or a new password must not leave old sessions signed in.
  if (record.disabled || hash) {
    if (auto s = (*txn)->DeleteSessionsOf(record.id); !s) return std::unexpected(s.error());
  }
  auto stored = (*txn)->UserById(id);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return Internal(fmt::format("user {} vanished after update", id.value));
  auto view = ViewOf(**txn, **stored);
  if (!view) return std::unexpected(view.error());
  if (auto s = (*txn)->Commit(); !s) return std::unexpected(s.error());
  return view;
}

std::chrono::system_clock::time_point Accounts::Now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

Result<std::string> Accounts::AddressHash(std::string_view address) {
  if (address.empty()) return std::string();
  std::string key;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->address_key.empty()) {
      auto stored = store_.FeedbackAddressKey();
      if (!stored) return std::unexpected(stored.error());
      state_->address_key = std::move(*stored);
    }
    key = state_->address_key;
  }
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state hmac;
  crypto_auth_hmacsha256_init(&hmac, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&hmac, reinterpret_cast<const unsigned char*>(address.data()),
                                address.size());
  crypto_auth_hmacsha256_final(&hmac, mac.data());
  return HexOf(mac.data(), mac.size());
}

std::unexpected<Error> Accounts::Refuse(const LoginAttemptRecord& attempt, std::string_view address,
                                        std::string message, std::chrono::seconds wait) {
  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  (*txn)->SetAuditContext({attempt.login, std::string(address), "login"});
  if (auto id = (*txn)->AppendLoginAttempt(attempt); !id) return std::unexpected(id.error());
  if (auto s = (*txn)->Commit(); !s) return std::unexpected(s.error());
  return Fail(ErrorCode::kResourceExhausted,
              fmt::format("{}; try again in {} second{}", message, wait.count(),
                          wait.count() == 1 ? "" : "s"),
              {ErrorDetail{0, std::string(kRetryAfterField), std::to_string(wait.count())}});
}

std::int64_t Accounts::RetryAfterSeconds(const Error& error) {
  if (error.code != ErrorCode::kResourceExhausted) return 0;
  for (const ErrorDetail& d : error.details) {
    if (d.field != kRetryAfterField) continue;
    std::int64_t value = 0;
    for (char c : d.message) {
      if (c < '0' || c > '9') return 0;
      value = value * 10 + (c - '0');
    }
    return value;
  }
  return 0;
}

Result<LoginResult> Accounts::Login(std::string_view login, std::string_view password,
                                    std::string_view address, std::string_view previous_session) {
  using std::chrono::system_clock;
  if (auto s = InitCrypto(); !s) return std::unexpected(s.error());
  const system_clock::time_point now = Now();
  const std::string now_text = FormatInstant(now);
  auto address_hash = AddressHash(address);
  if (!address_hash) return std::unexpected(address_hash.error());
  LoginAttemptRecord attempt;
  attempt.at = now_text;
  attempt.login = AttemptLogin(login);
  if (attempt.login.empty()) attempt.login = "-";  // an empty login is still an attempt
  attempt.address_hash = *address_hash;

  // 1. The limits, before the password is looked at, so guessing stops.
  const std::string since = FormatInstant(now - options_.failure_window);
  auto window_left = [&](const std::string& oldest_at) {
    const auto oldest = InstantOr(oldest_at, now);
    return CeilSeconds(oldest + options_.failure_window - now);
  };
  auto by_login = store_.CountLoginFailures(attempt.login, since);
  if (!by_login) return std::unexpected(by_login.error());
  if (by_login->count >= options_.max_login_failures) {
    attempt.outcome = LoginOutcome::kRefusedRate;
    return Refuse(attempt, address, "too many failed sign-ins for this login",
                  window_left(by_login->oldest_at));
  }
  if (!attempt.address_hash.empty()) {
    auto by_address = store_.CountAddressFailures(attempt.address_hash, since);
    if (!by_address) return std::unexpected(by_address.error());
    if (by_address->count >= options_.max_address_failures) {
      attempt.outcome = LoginOutcome::kRefusedRate;
      return Refuse(attempt, address, "too many failed sign-ins from this address",
                    window_left(by_address->oldest_at));
    }
  }
  auto recent = store_.RecentLoginAttempts(attempt.login, kRecentAttempts);
  if (!recent) return std::unexpected(recent.error());
  int run = 0;  // consecutive failures since the last success
  for (const LoginAttemptRecord& a : *recent) {
    if (a.outcome != LoginOutcome::kBadCredentials) break;
    ++run;
  }
  if (run >= options_.free_failures && !recent->empty()) {
    const int exponent = std::min(run - options_.free_failures, 30);
    auto delay = options_.delay_base * (std::int64_t{1} << exponent);
    delay = std::min(delay, options_.delay_cap);
    const auto last = InstantOr(recent->front().at, now);
    if (now < last + delay) {
      attempt.outcome = LoginOutcome::kRefusedDelay;
      return Refuse(attempt, address, "too many failed sign-ins for this login",
                    CeilSeconds(last + delay - now));
    }
  }

  // 2. The password; an unknown login costs the same hash, so timing tells nothing either.
  auto user = store_.UserByLogin(login);
  if (!user) return std::unexpected(user.error());
  bool ok = false;
  if (password.size() > kMaxPasswordBytes) {
    VerifyPassword(DummyHash(), {});  // no stored password is this long
  } else if (*user) {
    ok = VerifyPassword((*user)->password_hash, password) && !(*user)->disabled;
  } else {
    VerifyPassword(DummyHash(), password);
  }
  attempt.outcome = ok ? LoginOutcome::kOk : LoginOutcome::kBadCredentials;

  LoginResult result;
  std::optional<UserView> view;
  if (ok) {
    auto v = ViewOf(store_, **user);
    if (!v) return std::unexpected(v.error());
    view = std::move(*v);
  }
  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  (*txn)->SetAuditContext({attempt.login, std::string(address), "login"});
  if (auto id = (*txn)->AppendLoginAttempt(attempt); !id) return std::unexpected(id.error());
  if (!ok) {
    if (auto s = (*txn)->Commit(); !s) return std::unexpected(s.error());
    return Unauthenticated(std::string(kBadCredentials));
  }
  // Old attempts and ended sessions are cleared as new sessions begin.
  if (auto s = (*txn)->PruneLoginAttempts(FormatInstant(now - options_.attempt_retention)); !s) {
    return std::unexpected(s.error());
  }
  if (auto s = (*txn)->DeleteSessionsExpiredBy(now_text); !s) return std::unexpected(s.error());
  // A new id at every sign-in; the session the browser came with ends.
  if (!previous_session.empty()) {
    if (auto s = (*txn)->DeleteSession(Sha256Hex(previous_session)); !s) {
      return std::unexpected(s.error());
    }
  }
  result.session_id = RandomSecret();
  result.csrf_token = RandomSecret();
  result.expires_at = FormatInstant(now + options_.session_lifetime);
  SessionRecord session{Sha256Hex(result.session_id),
                        (*user)->id,
                        result.csrf_token,
                        now_text,
                        result.expires_at,
                        now_text};
  if (auto s = (*txn)->PutSession(session); !s) return std::unexpected(s.error());
  if (auto s = (*txn)->Commit(); !s) return std::unexpected(s.error());
  result.user = std::move(*view);
  return result;
}

Status Accounts::Logout(std::string_view session_id) {
  // Audited as a row delete under the request's context (actor, address, action).
  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  if (auto s = (*txn)->DeleteSession(Sha256Hex(session_id)); !s) return s;
  return (*txn)->Commit();
}

Result<Accounts::Authenticated> Accounts::FromSession(std::string_view session_id) {
  if (session_id.empty()) return Unauthenticated("no session");
  const std::string hash = Sha256Hex(session_id);
  auto session = store_.SessionByHash(hash);
  if (!session) return std::unexpected(session.error());
  if (!*session) return Unauthenticated("the session is unknown or has ended");
  const SessionRecord& record = **session;
  auto user = store_.UserById(record.user);
  if (!user) return std::unexpected(user.error());
  const std::string actor = *user ? (*user)->login : std::string();

  const auto now = Now();
  const auto expires = InstantOr(record.expires_at, now);
  const auto last_seen =
      InstantOr(record.last_seen_at.empty() ? record.created_at : record.last_seen_at, now);
  const bool absolute = expires <= now;
  if (absolute || last_seen + options_.session_idle <= now) {
    // The ended session is deleted, so its end is a row change the audit chain records.
    auto txn = store_.Begin();
    if (!txn) return std::unexpected(txn.error());
    (*txn)->SetAuditContext({actor, "", "session expired"});
    if (auto s = (*txn)->DeleteSession(hash); !s) return std::unexpected(s.error());
    if (auto s = (*txn)->Commit(); !s) return std::unexpected(s.error());
    return Unauthenticated(absolute ? "the session has expired"
                                    : "the session has expired after being idle");
  }
  if (!*user || (*user)->disabled) return Unauthenticated("the account is disabled");
  if (now - last_seen >= options_.touch_interval) {
    auto txn = store_.Begin();
    if (!txn) return std::unexpected(txn.error());
    (*txn)->SetAuditContext({actor, "", "session activity"});
    if (auto s = (*txn)->TouchSession(hash, FormatInstant(now)); !s) {
      return std::unexpected(s.error());
    }
    if (auto s = (*txn)->Commit(); !s) return std::unexpected(s.error());
  }
  return Authenticated{PrincipalOf(**user), record.csrf_token, record.expires_at};
}

Result<Principal> Accounts::FromBearer(std::string_view token) {
  if (!token.starts_with(kTokenPrefix))
    return Unauthenticated("the token is not a planwatch token");
  auto record = store_.ApiTokenByHash(Sha256Hex(token));
  if (!record) return std::unexpected(record.error());
  if (!*record) return Unauthenticated("the token is unknown");
  if (!(*record)->revoked_at.empty()) return Unauthenticated("the token has been revoked");
  auto user = store_.UserById((*record)->user);
  if (!user) return std::unexpected(user.error());
  if (!*user || (*user)->disabled) return Unauthenticated("the account is disabled");
  return PrincipalOf(**user);
}

Result<Accounts::NewToken> Accounts::CreateToken(const Principal& owner, std::string_view name) {
  if (auto s = InitCrypto(); !s) return std::unexpected(s.error());
  const std::string_view trimmed = TrimAscii(name);
  if (trimmed.empty() || FirstInvalidUtf8(trimmed) || Utf8Chars(trimmed) > kMaxTokenNameChars) {
    return Invalid({ErrorDetail{
        0, "name",
        fmt::format("a token name is 1 to {} characters of UTF-8", kMaxTokenNameChars)}});
  }
  NewToken token;
  token.name = std::string(trimmed);
  token.token = std::string(kTokenPrefix) + RandomSecret();
  ApiTokenRecord record;
  record.user = owner.user;
  record.name = token.name;
  record.token_hash = Sha256Hex(token.token);

  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto user = (*txn)->UserById(owner.user);
  if (!user) return std::unexpected(user.error());
  if (!*user) return NotFound(fmt::format("no user has id {}", owner.user.value));
  auto id = (*txn)->PutApiToken(record);
  if (!id) return std::unexpected(id.error());
  auto stored = (*txn)->ApiTokenByHash(record.token_hash);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return Internal(fmt::format("API token {} vanished after insert", id->value));
  if (auto s = (*txn)->Commit(); !s) return std::unexpected(s.error());
  token.id = *id;
  token.created_at = (*stored)->created_at;
  return token;
}

Result<std::vector<ApiTokenRecord>> Accounts::ListTokens(const Principal& owner) {
  return store_.ApiTokens(owner.user);
}

Status Accounts::RevokeToken(const Principal& owner, ApiTokenId id) {
  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto tokens = (*txn)->ApiTokens(owner.user);
  if (!tokens) return std::unexpected(tokens.error());
  auto it = std::find_if(tokens->begin(), tokens->end(),
                         [id](const ApiTokenRecord& t) { return t.id == id; });
  if (it == tokens->end())
    return NotFound(fmt::format("you have no API token with id {}", id.value));
  if (!it->revoked_at.empty()) return {};  // already revoked: keep the first instant
  if (auto s = (*txn)->RevokeApiToken(id); !s) return s;
  return (*txn)->Commit();
}

}  // namespace planwatch
