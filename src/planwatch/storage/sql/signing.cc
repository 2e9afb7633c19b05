#include "planwatch/storage/sql/signing.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "planwatch/storage/sql/status_macros.h"

namespace planwatch::sql {
namespace {

constexpr char kSelectKeysOfUser[] =
    "SELECT id, user_id, public_key, sealed_secret, created_at, retired_at FROM signing_keys "
    "WHERE user_id = ?1 ORDER BY id";
constexpr char kSelectKey[] =
    "SELECT id, user_id, public_key, sealed_secret, created_at, retired_at FROM signing_keys "
    "WHERE id = ?1";
constexpr char kUserExists[] = "SELECT 1 FROM users WHERE id = ?1";
constexpr char kCurrentKeyOfUser[] =
    "SELECT id FROM signing_keys WHERE user_id = ?1 AND retired_at IS NULL";
constexpr char kPublicKeyTaken[] = "SELECT id FROM signing_keys WHERE public_key = ?1";
constexpr char kInsertKey[] =
    "INSERT INTO signing_keys (user_id, public_key, sealed_secret, created_at) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr char kRetiredAt[] = "SELECT retired_at FROM signing_keys WHERE id = ?1";
constexpr char kRetireKey[] =
    "UPDATE signing_keys SET retired_at = ?1 WHERE id = ?2 AND retired_at IS NULL";

SigningKeyRecord KeyRow(const Statement& s) {
  SigningKeyRecord key;
  key.id = s.IdAt<SigningKeyId>(0);
  key.user = s.IdAt<UserId>(1);
  key.public_key = s.Text(2);
  key.sealed_secret = s.Text(3);
  key.created_at = s.Text(4);
  key.retired_at = s.Text(5);  // NULL reads as ""
  return key;
}

// Padded standard base64 of exactly 32 bytes: 43 alphabet characters and one '='.
bool IsBase64Of32Bytes(std::string_view text) {
  if (text.size() != 44 || text.back() != '=') return false;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!alphabet) return false;
  }
  return true;
}

// The id of the first row of a one-parameter lookup; none when there is no row.
Result<std::optional<std::int64_t>> FirstId(Connection& connection, const char* sql,
                                            const auto& bind) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  bind(stmt);
  PW_SQL_ASSIGN(bool found, stmt.Step());
  if (!found) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt.Int(0));
}

}  // namespace

Result<std::vector<SigningKeyRecord>> ReadSigningKeys(Connection& connection, UserId user) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectKeysOfUser));
  stmt.BindInt(1, user.value);
  std::vector<SigningKeyRecord> keys;
  while (true) {
    PW_SQL_ASSIGN(bool has_row, stmt.Step());
    if (!has_row) return keys;
    keys.push_back(KeyRow(stmt));
  }
}

Result<SigningKeyRecord> ReadSigningKey(Connection& connection, SigningKeyId id) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kSelectKey));
  stmt.BindInt(1, id.value);
  PW_SQL_ASSIGN(bool found, stmt.Step());
  if (!found) return NotFound("signing key " + std::to_string(id.value) + " does not exist");
  return KeyRow(stmt);
}

Result<SigningKeyId> WriteSigningKey(WriteContext& context, const SigningKeyRecord& key) {
  Connection& c = context.connection();
  const std::string subject = "signing key of user " + std::to_string(key.user.value);
  if (key.id) {
    return InvalidArgument(subject + ": signing keys are never replaced (id " +
                           std::to_string(key.id.value) + " given)");
  }
  if (!IsBase64Of32Bytes(key.public_key)) {
    return InvalidArgument(subject + ": public_key '" + key.public_key +
                           "' is not the padded base64 of 32 bytes");
  }
  if (key.sealed_secret.empty()) return InvalidArgument(subject + ": sealed_secret is empty");
  PW_SQL_ASSIGN(std::optional<std::int64_t> user,
                FirstId(c, kUserExists, [&](Statement& s) { s.BindInt(1, key.user.value); }));
  if (!user) {
    return InvalidArgument(subject + ": user " + std::to_string(key.user.value) +
                           " does not exist");
  }
  PW_SQL_ASSIGN(std::optional<std::int64_t> current,
                FirstId(c, kCurrentKeyOfUser, [&](Statement& s) { s.BindInt(1, key.user.value); }));
  if (current) {
    return Conflict(subject + ": the user already has a current key (" + std::to_string(*current) +
                    "); retire it first");
  }
  PW_SQL_ASSIGN(std::optional<std::int64_t> taken,
                FirstId(c, kPublicKeyTaken, [&](Statement& s) { s.BindText(1, key.public_key); }));
  if (taken) {
    return Conflict(subject + ": public key " + key.public_key + " is already stored (key " +
                    std::to_string(*taken) + ")");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertKey));
  stmt.BindInt(1, key.user.value);
  stmt.BindText(2, key.public_key);
  stmt.BindText(3, key.sealed_secret);
  stmt.BindText(4, stamp);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("signing_keys", "id"));
  return SigningKeyId{inserted};
}

Status RetireSigningKeyRow(WriteContext& context, SigningKeyId id) {
  Connection& c = context.connection();
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  {
    PW_SQL_ASSIGN(auto exists, c.Prepare(kRetiredAt));
    exists.BindInt(1, id.value);
    PW_SQL_ASSIGN(bool found, exists.Step());
    if (!found) return NotFound("signing key " + std::to_string(id.value) + " does not exist");
    if (!exists.IsNull(0)) return {};
  }
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kRetireKey));
  stmt.BindText(1, stamp);
  stmt.BindInt(2, id.value);
  return stmt.Run();
}

}  // namespace planwatch::sql
