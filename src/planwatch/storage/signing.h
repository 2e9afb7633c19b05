// Records of the signing keys: the Ed25519 key pairs with which leaders sign the reports they
// approve. Read and written through StoreReader / Transaction (store.h).
#pragma once

#include <string>

#include "planwatch/base/ids.h"
#include "planwatch/domain/access.h"

namespace planwatch {

using SigningKeyId = Id<struct SigningKeyTag>;

// One key pair of a user. A user has at most one current key (retired_at empty); a retired key
// stays stored for ever, so signatures made with it can still be checked. Rows are never
// changed except to retire them once.
struct SigningKeyRecord {
  SigningKeyId id;
  UserId user;
  // Standard padded base64 of the raw 32-byte Ed25519 public key (44 characters).
  std::string public_key;
  // Base64 of nonce ‖ ciphertext of the 64-byte secret key, sealed under the instance key
  // above storage; the store never sees the secret in clear.
  std::string sealed_secret;
  std::string created_at;  // set by the store: the transaction's instant
  std::string retired_at;  // empty while current; set by RetireSigningKey

  friend bool operator==(const SigningKeyRecord&, const SigningKeyRecord&) = default;
};

}  // namespace planwatch
