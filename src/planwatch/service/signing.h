// Signatures of approved reports: Ed25519 key pairs per leader (libsodium), the instance key that
// seals their private keys at rest, and the signed report file that `planwatch report verify`
// checks offline.
//
// What a signature covers: the canonical JSON (CanonicalJson) of the signed file without the
// signature value itself, i.e. the format, the version, the content bytes (as a JSON string, so
// byte-exact) and the key id, algorithm, public key, signer login, signer name and instant. So
// neither the content nor who signed it, nor when, can be changed without breaking it.
//
// Thread-safety: every function is thread-safe; a Signer may be shared by threads (it holds only
// the instance key). libsodium is initialised on first use (InitCrypto, service/accounts.h).
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/storage/signing.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// 32 bytes that encrypt the private keys at rest (XChaCha20-Poly1305, libsodium
// crypto_aead_xchacha20poly1305_ietf). Kept in a file beside the database, never in it: a copy
// of the database alone cannot sign.
struct InstanceKey {
  std::array<unsigned char, 32> bytes;
};

// Reads the key file (exactly 32 raw bytes, no access for group or others); creates it with
// fresh random bytes (mode 0600, written atomically: temp file + fsync, then linked into place
// without ever replacing an existing file, so two processes starting at once agree on one key)
// when it does not exist and `create` is true.
// Errors, each naming the path: not_found when it does not exist and `create` is false;
// failed_precondition when it is not a regular file, has the wrong size, is accessible by group
// or others, or cannot be read or written (with the system's reason).
Result<InstanceKey> LoadOrCreateInstanceKey(const std::string& path, bool create = true);

// The default key file of a database: "<db path>.key" for a SQLite file; for a PostgreSQL
// location, "<database name>.key" in the working directory (nodes that share a directory share
// the instance key).
std::string DefaultKeyPath(std::string_view db_path);

struct ReportSignature {
  SigningKeyId key;
  std::string algorithm;   // "ed25519"
  std::string public_key;  // base64 (standard, padded) of the 32-byte public key
  std::string signature;   // base64 of the 64-byte detached signature
  std::string signer_login, signer_name;
  std::string signed_at;  // ISO 8601 UTC instant

  friend bool operator==(const ReportSignature&, const ReportSignature&) = default;
};

class Signer {
 public:
  explicit Signer(InstanceKey key);
  Signer(const Signer&) = default;
  Signer& operator=(const Signer&) = default;
  ~Signer();  // wipes the instance key from memory

  // Signs `content` (the exact bytes) with `signer`'s current key pair, creating and storing it
  // (in `tx`, private key sealed under the instance key) on first use. The caller commits `tx`.
  // invalid_argument when signer.id is none, `content` or the signer's names are not valid UTF-8,
  // or `signed_at` is not an ISO 8601 UTC instant ("2025-06-20T08:15:00.123Z"; 0–9 fraction
  // digits); internal when the stored key cannot be decrypted (wrong instance key) or does not
  // match its public key — never signs with another key; store errors as they come.
  Result<ReportSignature> Sign(Transaction& tx, const UserRecord& signer, std::string_view content,
                               std::string_view signed_at);

  // Checks a signature made by Sign against the stored public key of `key` (the key need not
  // be current). false for a mismatch: other content or metadata, another public key, another
  // algorithm, or a signature that is not the base64 of 64 bytes. not_found for an unknown key.
  // Needs no instance key: any Signer checks any signature of the database.
  Result<bool> Check(StoreReader& store, const ReportSignature& sig, std::string_view content);

 private:
  InstanceKey key_;
};

// The signed file (JSON, UTF-8, two-space indented, one final newline):
//   {"format": "planwatch-signed-report", "version": 1,
//    "content": <the canonical content as a JSON string, byte-exact>,
//    "signature": {"key": <number>, "algorithm", "public_key", "signature", "signer_login",
//                  "signer_name", "signed_at"}}
// `content` is kept as a string so the signed bytes are exactly those in the file after JSON
// unescaping. `content` must be valid UTF-8 (CanonicalJson's output always is): invalid bytes
// would be replaced by U+FFFD and the file would not verify.
std::string SignedReportFile(std::string_view content, const ReportSignature& sig);

struct VerifiedReport {
  nlohmann::json content;  // the content string, parsed
  ReportSignature signature;
};

// Offline verification: parses, checks format/version, decodes base64, verifies the Ed25519
// signature with the embedded public key, and checks the file is byte for byte what
// SignedReportFile writes for those fields (so no byte of it can change unnoticed, not even
// whitespace). Errors:
//  - invalid_argument naming what is malformed: not JSON (with line and column), not UTF-8, a
//    duplicate key, a missing, unknown or mistyped field (by name), unsupported format, base64
//    that is not the canonical encoding of 32 (public key) or 64 (signature) bytes, a malformed
//    instant, content that is not a JSON object, a layout that differs (with the byte offset);
//  - failed_precondition "unsupported version N" for a version other than 1;
//  - failed_precondition "signature does not match the content" on mismatch.
Result<VerifiedReport> VerifySignedReportFile(std::string_view file);

// Canonical bytes of a JSON value: object keys sorted by their UTF-8 bytes (nlohmann::json
// stores objects as std::map, so dump() writes them sorted), no insignificant whitespace, UTF-8
// strings unescaped except '"', '\\' and control characters (\b \f \n \r \t, others \u00XX),
// integers as integers, other numbers in shortest round-trip form (nlohmann's dump() writes
// doubles with the Grisu2 shortest representation, "1.0" for an integral double), non-finite
// numbers as null. invalid_argument (with the byte offset) when a string is not valid UTF-8.
Result<std::string> CanonicalJsonChecked(const nlohmann::json& value);
// CanonicalJson for values known to be valid UTF-8 (built by planwatch from validated text);
// invalid UTF-8 bytes would be written as U+FFFD.
std::string CanonicalJson(const nlohmann::json& value);

}  // namespace planwatch
