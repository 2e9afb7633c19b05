// Conformance of signing keys (store.h, "Signing keys"): run by every engine through the
// StoreConformanceTest fixture (store_conformance.h), instantiated in store_conformance_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "planwatch/storage/store_conformance.h"

namespace planwatch {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kStamp[] = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z";

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& mention) {
  ASSERT_FALSE(result.has_value()) << "succeeded, expected " << ErrorCodeName(code);
  EXPECT_EQ(result.error().code, code) << result.error().ToString();
  EXPECT_THAT(result.error().message, HasSubstr(mention));
}

// A well-formed public key text: 43 base64 characters and the padding.
std::string PublicKey(char c) { return std::string(43, c) + "="; }

SigningKeyRecord Key(UserId user, char c) {
  SigningKeyRecord key;
  key.user = user;
  key.public_key = PublicKey(c);
  key.sealed_secret = std::string("sealed-") + c;
  return key;
}

struct Users {
  UserId leader;
  UserId deputy;
};

Users SeedUsers(Store& store) {
  auto tx = Must(store.Begin());
  UserRecord user;
  user.login = "lanh.dao";
  user.display_name = "Nguyễn Thị Lan";
  user.role = Role::kUnitLeader;
  user.password_hash = "hash";
  Users users;
  users.leader = Must(tx->PutUser(user));
  user.login = "pho.chu.tich";
  user.display_name = "Lò Văn Minh";
  users.deputy = Must(tx->PutUser(user));
  MustOk(tx->Commit());
  return users;
}

TEST_P(StoreConformanceTest, SigningKeyIsStoredAndReadBack) {
  const Users users = SeedUsers(store());
  auto tx = Begin();
  SigningKeyRecord key = Key(users.leader, 'A');
  key.created_at = "1999-01-01T00:00:00.000Z";  // ignored: the store sets it
  key.retired_at = "1999-01-01T00:00:00.000Z";  // ignored: a new key is current
  const SigningKeyId id = Must(tx->PutSigningKey(key));
  EXPECT_TRUE(id);
  // The transaction sees its own write.
  EXPECT_EQ(Must(tx->SigningKey(id)).public_key, PublicKey('A'));
  MustOk(tx->Commit());

  Reopen();
  const SigningKeyRecord read = Must(store().SigningKey(id));
  EXPECT_EQ(read.id, id);
  EXPECT_EQ(read.user, users.leader);
  EXPECT_EQ(read.public_key, PublicKey('A'));
  EXPECT_EQ(read.sealed_secret, "sealed-A");
  EXPECT_THAT(read.created_at, MatchesRegex(kStamp));
  EXPECT_NE(read.created_at, "1999-01-01T00:00:00.000Z");
  EXPECT_EQ(read.retired_at, "");
  EXPECT_EQ(Must(store().SigningKeys(users.leader)), std::vector<SigningKeyRecord>{read});
  EXPECT_TRUE(Must(store().SigningKeys(users.deputy)).empty());
  EXPECT_TRUE(Must(store().SigningKeys(UserId{999})).empty());
}

TEST_P(StoreConformanceTest, SigningKeyCreatedAtIsTheTransactionsInstant) {
  const Users users = SeedUsers(store());
  auto tx = Begin();
  const SigningKeyId a = Must(tx->PutSigningKey(Key(users.leader, 'A')));
  const SigningKeyId b = Must(tx->PutSigningKey(Key(users.deputy, 'B')));
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().SigningKey(a)).created_at, Must(store().SigningKey(b)).created_at);
}

TEST_P(StoreConformanceTest, OneCurrentSigningKeyPerUserAndRetiredOnesStay) {
  const Users users = SeedUsers(store());
  SigningKeyId first;
  {
    auto tx = Begin();
    first = Must(tx->PutSigningKey(Key(users.leader, 'A')));
    ExpectError(tx->PutSigningKey(Key(users.leader, 'B')), ErrorCode::kConflict,
                "already has a current key (" + std::to_string(first.value) + ")");
    // Another user's key is independent.
    Must(tx->PutSigningKey(Key(users.deputy, 'C')));
    MustOk(tx->Commit());
  }
  std::string retired_at;
  {
    auto tx = Begin();
    MustOk(tx->RetireSigningKey(first));
    retired_at = Must(tx->SigningKey(first)).retired_at;
    EXPECT_THAT(retired_at, MatchesRegex(kStamp));
    const SigningKeyId second = Must(tx->PutSigningKey(Key(users.leader, 'B')));
    EXPECT_GT(second.value, first.value);
    MustOk(tx->Commit());
  }
  {
    // Retiring again keeps the first retirement instant.
    auto tx = Begin();
    MustOk(tx->RetireSigningKey(first));
    MustOk(tx->Commit());
  }
  const std::vector<SigningKeyRecord> keys = Must(store().SigningKeys(users.leader));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].id, first);
  EXPECT_EQ(keys[0].public_key, PublicKey('A'));
  EXPECT_EQ(keys[0].retired_at, retired_at);
  EXPECT_GE(keys[0].retired_at, keys[0].created_at);
  EXPECT_EQ(keys[1].public_key, PublicKey('B'));
  EXPECT_EQ(keys[1].retired_at, "");
}

TEST_P(StoreConformanceTest, SigningKeyWritesValidateNamingTheInput) {
  const Users users = SeedUsers(store());
  auto tx = Begin();
  SigningKeyRecord with_id = Key(users.leader, 'A');
  with_id.id = SigningKeyId{5};
  ExpectError(tx->PutSigningKey(with_id), ErrorCode::kInvalidArgument, "never replaced (id 5");
  ExpectError(tx->PutSigningKey(Key(UserId{999}, 'A')), ErrorCode::kInvalidArgument,
              "user 999 does not exist");
  for (const std::string& bad : {std::string(""), std::string(44, 'A'), PublicKey('A') + "=",
                                 std::string(42, 'A') + "==", std::string(43, '-') + "="}) {
    SigningKeyRecord key = Key(users.leader, 'A');
    key.public_key = bad;
    ExpectError(tx->PutSigningKey(key), ErrorCode::kInvalidArgument,
                "public_key '" + bad + "' is not the padded base64 of 32 bytes");
  }
  SigningKeyRecord unsealed = Key(users.leader, 'A');
  unsealed.sealed_secret.clear();
  ExpectError(
      tx->PutSigningKey(unsealed), ErrorCode::kInvalidArgument,
      "signing key of user " + std::to_string(users.leader.value) + ": sealed_secret is empty");

  const SigningKeyId stored = Must(tx->PutSigningKey(Key(users.leader, 'A')));
  ExpectError(tx->PutSigningKey(Key(users.deputy, 'A')), ErrorCode::kConflict,
              "public key " + PublicKey('A') + " is already stored (key " +
                  std::to_string(stored.value) + ")");
  ExpectError(tx->RetireSigningKey(SigningKeyId{777}), ErrorCode::kNotFound,
              "signing key 777 does not exist");
  MustOk(tx->Commit());
  ExpectError(store().SigningKey(SigningKeyId{778}), ErrorCode::kNotFound,
              "signing key 778 does not exist");
  // The failed writes left nothing behind.
  EXPECT_EQ(Must(store().SigningKeys(users.leader)).size(), 1u);
  EXPECT_TRUE(Must(store().SigningKeys(users.deputy)).empty());
}

TEST_P(StoreConformanceTest, SigningKeyOfARolledBackTransactionIsGone) {
  const Users users = SeedUsers(store());
  {
    auto tx = Begin();
    Must(tx->PutSigningKey(Key(users.leader, 'A')));
  }  // destroyed without Commit
  EXPECT_TRUE(Must(store().SigningKeys(users.leader)).empty());
  auto tx = Begin();
  Must(tx->PutSigningKey(Key(users.leader, 'A')));  // the public key is free again
  MustOk(tx->Commit());
  EXPECT_EQ(Must(store().SigningKeys(users.leader)).size(), 1u);
}

}  // namespace
}  // namespace planwatch
