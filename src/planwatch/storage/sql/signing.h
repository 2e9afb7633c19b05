// Signing keys: their StoreReader reads and Transaction writes (store.h) as functions
// of a Connection or a WriteContext. Table signing_keys (schema version 7, schema_signing.cc).
// Internal to storage.
//
// Writes validate before they write and may leave partial rows on failure: the caller runs each
// one inside a savepoint.
#pragma once

#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/storage/signing.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/write.h"

namespace planwatch::sql {

// Every key of the user, retired ones included, by id; empty for an unknown user.
Result<std::vector<SigningKeyRecord>> ReadSigningKeys(Connection& connection, UserId user);
// not_found naming the id when the key does not exist.
Result<SigningKeyRecord> ReadSigningKey(Connection& connection, SigningKeyId id);

// Inserts a current key (created_at = the stamp, not retired; key.created_at and key.retired_at
// are ignored). invalid_argument when key.id is set (keys are never replaced), when the user
// does not exist, when public_key is not the padded base64 of 32 bytes or sealed_secret is
// empty; conflict when the user already has a current key or the public key is stored already.
Result<SigningKeyId> WriteSigningKey(WriteContext& context, const SigningKeyRecord& key);
// retired_at = the stamp; a key already retired keeps its first retirement instant.
// not_found when the key does not exist.
Status RetireSigningKeyRow(WriteContext& context, SigningKeyId id);

}  // namespace planwatch::sql
