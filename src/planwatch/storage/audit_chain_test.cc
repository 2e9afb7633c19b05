// The audit chain rules (storage/audit.h): event hashes, checkpoint messages, signatures and
// documents, the verifier, and the per-thread context.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "planwatch/storage/audit.h"

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// An Ed25519 key pair for tests, with base64 as the checkpoint carries it.
class TestKey {
 public:
  TestKey() {
    EXPECT_GE(sodium_init(), 0);
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
  }

  std::string PublicKey() const { return Base64(public_key_.data(), public_key_.size()); }

  std::string Sign(std::string_view message) const {
    std::array<unsigned char, crypto_sign_BYTES> signature;
    crypto_sign_detached(signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         secret_key_.data());
    return Base64(signature.data(), signature.size());
  }

  // A checkpoint of (seq, hash) signed with this key.
  AuditCheckpoint Checkpoint(std::int64_t seq, std::string hash) const {
    AuditCheckpoint checkpoint{seq, std::move(hash), "2025-06-20T08:15:00.123Z", PublicKey(), ""};
    checkpoint.signature = Sign(AuditCheckpointMessage(checkpoint));
    return checkpoint;
  }

 private:
  static std::string Base64(const unsigned char* bytes, std::size_t size) {
    std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();  // the terminating NUL
    return out;
  }

  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key_;
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key_;
};

AuditEvent PinnedEvent() {
  AuditEvent e;
  e.seq = 7;
  e.at = "2025-06-20T08:15:00.123Z";
  e.actor = "lan.nguyen";
  e.address = "203.0.113.7";
  e.action = "PATCH /api/v1/tasks/12 (Cập nhật)";
  e.table = "tasks";
  e.row_key = "12";
  e.operation = "update";
  e.subject_kind = "task";
  e.subject_id = "12";
  e.before_digest = std::string(64, '1');
  e.after_digest = std::string(64, '2');
  e.prev_hash = std::string(64, '3');
  return e;
}

// A valid chain of `n` events, each changing task <seq>.
std::vector<AuditEvent> Chain(int n) {
  std::vector<AuditEvent> events;
  std::string prev(kAuditGenesisHash);
  for (int i = 1; i <= n; ++i) {
    AuditEvent e;
    e.seq = i;
    e.at = "2025-06-20T08:15:00.123Z";
    e.actor = "system";
    e.table = "tasks";
    e.row_key = std::to_string(i);
    e.operation = "insert";
    e.subject_kind = "task";
    e.subject_id = std::to_string(i);
    e.after_digest = std::string(64, 'a');
    e.prev_hash = prev;
    e.hash = AuditEventHash(e);
    prev = e.hash;
    events.push_back(e);
  }
  return events;
}

std::vector<std::string> Messages(const AuditChainVerifier& verifier) {
  std::vector<std::string> out;
  for (const auto& problem : verifier.problems()) out.push_back(problem.message);
  return out;
}

AuditChainVerifier Verify(const std::vector<AuditEvent>& events) {
  AuditChainVerifier verifier;
  for (const AuditEvent& e : events) verifier.Add(e);
  return verifier;
}

// ---- hashes ----

TEST(AuditEventHashTest, IsPinned) {
  // Computed once with Python's hashlib, independently of this code:
  //   fields = ["planwatch audit event v1", "7", at, actor, address, action, table, row_key,
  //             operation, subject_kind, subject_id, before, after, prev_hash]
  //   sha256(b"".join(len(f.encode()).to_bytes(8, "big") + f.encode() for f in fields))
  EXPECT_EQ(AuditEventHash(PinnedEvent()),
            "efb178f7900b61e3d470e8d365017057dca09485e047f4274113615c990aa6fe");
}

TEST(AuditEventHashTest, CoversEveryFieldButTheHash) {
  const AuditEvent base = PinnedEvent();
  std::set<std::string> hashes = {AuditEventHash(base)};
  std::vector<AuditEvent> variants(13, base);
  variants[0].seq = 8;
  variants[1].at = "2025-06-20T08:15:00.124Z";
  variants[2].actor = "lan";
  variants[3].address = "203.0.113.8";
  variants[4].action = "import tasks";
  variants[5].table = "task_versions";
  variants[6].row_key = "13";
  variants[7].operation = "delete";
  variants[8].subject_kind = "plan";
  variants[9].subject_id = "13";
  variants[10].before_digest = "";
  variants[11].after_digest = "";
  variants[12].prev_hash = std::string(kAuditGenesisHash);
  for (const AuditEvent& v : variants) hashes.insert(AuditEventHash(v));
  EXPECT_EQ(hashes.size(), 14u);

  AuditEvent with_hash = base;
  with_hash.hash = "anything";
  EXPECT_EQ(AuditEventHash(with_hash), AuditEventHash(base));
}

TEST(AuditEventHashTest, FieldBoundariesAreUnambiguous) {
  AuditEvent a = PinnedEvent();
  AuditEvent b = PinnedEvent();
  a.actor = "ab";
  a.address = "c";
  b.actor = "a";
  b.address = "bc";
  EXPECT_NE(AuditEventHash(a), AuditEventHash(b));
}

TEST(AuditEventHashTest, IsLowerCaseHex) {
  const std::string hash = AuditEventHash(PinnedEvent());
  ASSERT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// ---- checkpoints ----

TEST(AuditCheckpointTest, MessageIsTaggedAndCoversEveryFieldButTheSignature) {
  const AuditCheckpoint base{12, std::string(64, 'c'), "2025-06-20T08:15:00.123Z", "key", "sig"};
  const std::string message = AuditCheckpointMessage(base);
  EXPECT_THAT(message, HasSubstr("planwatch audit checkpoint v1"));
  std::set<std::string> messages = {message};
  AuditCheckpoint v = base;
  v.seq = 13;
  messages.insert(AuditCheckpointMessage(v));
  v = base;
  v.head_hash = std::string(64, 'd');
  messages.insert(AuditCheckpointMessage(v));
  v = base;
  v.at = "2025-06-20T08:15:00.124Z";
  messages.insert(AuditCheckpointMessage(v));
  v = base;
  v.public_key = "other";
  messages.insert(AuditCheckpointMessage(v));
  EXPECT_EQ(messages.size(), 5u);
  v = base;
  v.signature = "another";
  EXPECT_EQ(AuditCheckpointMessage(v), message);
}

TEST(AuditCheckpointTest, SignatureChecksTheKeyAndEveryField) {
  const TestKey key;
  const TestKey other;
  const AuditCheckpoint signed_checkpoint = key.Checkpoint(12, std::string(64, 'c'));
  EXPECT_TRUE(AuditCheckpointSignatureValid(signed_checkpoint));

  AuditCheckpoint c = signed_checkpoint;
  c.seq = 13;
  EXPECT_FALSE(AuditCheckpointSignatureValid(c));
  c = signed_checkpoint;
  c.head_hash = std::string(64, 'd');
  EXPECT_FALSE(AuditCheckpointSignatureValid(c));
  c = signed_checkpoint;
  c.at = "2025-06-20T08:15:00.124Z";
  EXPECT_FALSE(AuditCheckpointSignatureValid(c));
  c = signed_checkpoint;
  c.public_key = other.PublicKey();
  EXPECT_FALSE(AuditCheckpointSignatureValid(c));
  c = signed_checkpoint;
  c.signature = "not base64!";
  EXPECT_FALSE(AuditCheckpointSignatureValid(c));
  c = signed_checkpoint;
  c.public_key = "AAAA";  // 3 bytes
  EXPECT_FALSE(AuditCheckpointSignatureValid(c));
  c = signed_checkpoint;
  c.signature = c.signature.substr(0, 44);  // a 32-byte prefix
  EXPECT_FALSE(AuditCheckpointSignatureValid(c));
}

TEST(AuditCheckpointJsonTest, RoundTrips) {
  const TestKey key;
  const AuditCheckpoint checkpoint = key.Checkpoint(1234, std::string(64, 'e'));
  const std::string json = AuditCheckpointJson(checkpoint);
  EXPECT_THAT(json, HasSubstr("\"seq\": 1234"));
  EXPECT_THAT(json, HasSubstr("\"head_hash\": \"" + std::string(64, 'e') + "\""));
  auto parsed = ParseAuditCheckpoint(json);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, checkpoint);
  EXPECT_TRUE(AuditCheckpointSignatureValid(*parsed));
}

class ParseAuditCheckpointTest : public ::testing::Test {
 protected:
  // A valid document with `field` replaced by the JSON text `value` (or left out when empty).
  std::string With(const std::string& field, const std::string& value) const {
    const std::vector<std::pair<std::string, std::string>> fields = {
        {"seq", "5"},
        {"head_hash", "\"" + std::string(64, 'f') + "\""},
        {"at", "\"2025-06-20T08:15:00.123Z\""},
        {"public_key", "\"" + checkpoint_.public_key + "\""},
        {"signature", "\"" + checkpoint_.signature + "\""}};
    std::string json = "{";
    for (const auto& [name, text] : fields) {
      const std::string& v = name == field ? value : text;
      if (v.empty()) continue;
      if (json.size() > 1) json += ",";
      json += "\"" + name + "\":" + v;
    }
    return json + "}";
  }

  void ExpectRefused(const std::string& json, const std::string& mention) const {
    auto parsed = ParseAuditCheckpoint(json);
    ASSERT_FALSE(parsed.has_value()) << json;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(parsed.error().message, HasSubstr(mention)) << json;
  }

  TestKey key_;
  AuditCheckpoint checkpoint_ = key_.Checkpoint(5, std::string(64, 'f'));
};

TEST_F(ParseAuditCheckpointTest, AcceptsTheValidDocument) {
  auto parsed = ParseAuditCheckpoint(With("", ""));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, checkpoint_);
}

TEST_F(ParseAuditCheckpointTest, RefusesWhatIsNotACheckpointObject) {
  ExpectRefused("", "not valid JSON");
  ExpectRefused("{\"seq\":", "not valid JSON");
  ExpectRefused("[1, 2]", "not a JSON object");
  ExpectRefused("\"checkpoint\"", "not a JSON object");
  ExpectRefused(With("", "").substr(0, With("", "").size() - 1) + ",\"extra\":1}",
                "unknown field 'extra'");
}

TEST_F(ParseAuditCheckpointTest, RefusesEveryMissingField) {
  for (const char* field : {"seq", "head_hash", "at", "public_key", "signature"}) {
    ExpectRefused(With(field, ""), "field '" + std::string(field) + "' is missing");
  }
}

TEST_F(ParseAuditCheckpointTest, RefusesABadSeq) {
  for (const char* seq : {"0", "-1", "1.5", "\"5\"", "true", "null", "9223372036854775808",
                          "18446744073709551615", "[5]"}) {
    ExpectRefused(With("seq", seq), "field 'seq' must be an integer >= 1");
  }
}

TEST_F(ParseAuditCheckpointTest, RefusesABadHeadHash) {
  ExpectRefused(With("head_hash", "\"" + std::string(64, 'F') + "\""),
                "field 'head_hash' must be 64 lower-case hex digits");
  ExpectRefused(With("head_hash", "\"" + std::string(63, 'f') + "\""),
                "field 'head_hash' must be 64 lower-case hex digits");
  ExpectRefused(With("head_hash", "\"" + std::string(65, 'f') + "\""),
                "field 'head_hash' must be 64 lower-case hex digits");
  ExpectRefused(With("head_hash", "\"" + std::string(63, 'f') + "g\""),
                "field 'head_hash' must be 64 lower-case hex digits");
  ExpectRefused(With("head_hash", "12"), "field 'head_hash' must be a string");
}

TEST_F(ParseAuditCheckpointTest, RefusesABadInstant) {
  for (const char* at :
       {"\"2025-06-20\"", "\"2025-06-20T08:15:00+07:00\"", "\"2025-06-20T08:15:00.Z\"",
        "\"2025-06-20T08:15:00.1234567890Z\"", "\"2025-6-20T08:15:00Z\"", "\"\""}) {
    ExpectRefused(With("at", at), "field 'at' must be an instant");
  }
  ExpectRefused(With("at", "20250620"), "field 'at' must be a string");
  auto whole_seconds = ParseAuditCheckpoint(With("at", "\"2025-06-20T08:15:00Z\""));
  ASSERT_TRUE(whole_seconds.has_value()) << whole_seconds.error().ToString();
  EXPECT_EQ(whole_seconds->at, "2025-06-20T08:15:00Z");
}

TEST_F(ParseAuditCheckpointTest, RefusesABadKeyOrSignature) {
  ExpectRefused(With("public_key", "\"AAAA\""),
                "field 'public_key' must be standard base64 of 32 bytes");
  ExpectRefused(With("public_key", "\"" + checkpoint_.public_key + "=\""),
                "field 'public_key' must be standard base64 of 32 bytes");
  std::string url_safe = checkpoint_.public_key;
  for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
  if (url_safe != checkpoint_.public_key) {
    ExpectRefused(With("public_key", "\"" + url_safe + "\""),
                  "field 'public_key' must be standard base64 of 32 bytes");
  }
  ExpectRefused(With("public_key", "[]"), "field 'public_key' must be a string");
  ExpectRefused(With("signature", "\"" + checkpoint_.public_key + "\""),
                "field 'signature' must be standard base64 of 64 bytes");
  ExpectRefused(With("signature", "\"%%%\""),
                "field 'signature' must be standard base64 of 64 bytes");
  ExpectRefused(With("signature", "{}"), "field 'signature' must be a string");
}

// ---- the verifier ----

TEST(AuditChainVerifierTest, AcceptsAValidChain) {
  const auto events = Chain(5);
  AuditChainVerifier verifier = Verify(events);
  EXPECT_TRUE(verifier.ok()) << ::testing::PrintToString(Messages(verifier));
  EXPECT_EQ(verifier.events(), 5);
  EXPECT_EQ(verifier.last_seq(), 5);
  EXPECT_EQ(verifier.head_hash(), events[4].hash);
}

TEST(AuditChainVerifierTest, AnEmptyChainIsValid) {
  AuditChainVerifier verifier;
  EXPECT_TRUE(verifier.ok());
  EXPECT_EQ(verifier.head_hash(), kAuditGenesisHash);
}

TEST(AuditChainVerifierTest, FindsAnEditedEventOnce) {
  auto events = Chain(5);
  events[2].actor = "mallory";
  EXPECT_THAT(Messages(Verify(events)),
              ElementsAre("event 3: hash does not match its content (edited?)"));
}

TEST(AuditChainVerifierTest, FindsAnEventRehashedAfterEditing) {
  auto events = Chain(5);
  events[2].actor = "mallory";
  events[2].hash = AuditEventHash(events[2]);
  EXPECT_THAT(Messages(Verify(events)),
              ElementsAre("event 4: prev_hash is not the hash of event 3 (deleted, inserted or "
                          "reordered?)"));
}

TEST(AuditChainVerifierTest, FindsADeletedEvent) {
  auto events = Chain(5);
  events.erase(events.begin() + 2);
  EXPECT_THAT(Messages(Verify(events)),
              ElementsAre("event 4 follows event 2: event 3 is missing",
                          "event 4: prev_hash is not the hash of event 2 (deleted, inserted or "
                          "reordered?)"));
  auto more = Chain(6);
  more.erase(more.begin() + 1, more.begin() + 4);
  EXPECT_THAT(Messages(Verify(more)),
              ::testing::Contains("event 5 follows event 1: events 2 to 4 are missing"));
}

TEST(AuditChainVerifierTest, FindsADeletedFirstEvent) {
  auto events = Chain(3);
  events.erase(events.begin());
  EXPECT_THAT(Messages(Verify(events)), ElementsAre("event 2 is the first: event 1 is missing"));
}

TEST(AuditChainVerifierTest, FindsAForgedFirstEvent) {
  auto events = Chain(1);
  events[0].prev_hash = std::string(64, 'f');
  events[0].hash = AuditEventHash(events[0]);
  EXPECT_THAT(Messages(Verify(events)), ElementsAre("event 1: prev_hash is not the genesis hash"));
}

TEST(AuditChainVerifierTest, FindsADuplicateAndDisorder) {
  auto events = Chain(4);
  auto duplicated = events;
  duplicated.insert(duplicated.begin() + 2, events[1]);
  EXPECT_THAT(Messages(Verify(duplicated)),
              ElementsAre("event 2 appears twice",
                          "event 2: prev_hash is not the hash of event 2 (deleted, inserted or "
                          "reordered?)"));
  auto swapped = events;
  std::swap(swapped[1], swapped[2]);
  EXPECT_THAT(
      Messages(Verify(swapped)),
      ElementsAre("event 3 follows event 1: event 2 is missing",
                  "event 3: prev_hash is not the hash of event 1 (deleted, inserted or reordered?)",
                  "event 2 follows event 3: out of order",
                  "event 2: prev_hash is not the hash of event 3 (deleted, inserted or reordered?)",
                  "event 4 follows event 2: event 3 is missing",
                  "event 4: prev_hash is not the hash of event 2 (deleted, inserted or "
                  "reordered?)"));
}

TEST(AuditChainVerifierTest, ProblemsNameTheirEvent) {
  auto events = Chain(3);
  events[1].operation = "delete";
  const AuditChainVerifier verifier = Verify(events);
  EXPECT_THAT(verifier.problems(), ElementsAre(Field(&AuditChainVerifier::Problem::seq, 2)));
}

TEST(AuditChainVerifierTest, ChecksACheckpointOfTheHead) {
  const TestKey key;
  const auto events = Chain(4);
  AuditChainVerifier verifier = Verify(events);
  verifier.Check(key.Checkpoint(4, events[3].hash), key.PublicKey());
  EXPECT_TRUE(verifier.ok()) << ::testing::PrintToString(Messages(verifier));
}

TEST(AuditChainVerifierTest, ChecksAnEarlierCheckpointRegisteredBeforehand) {
  const TestKey key;
  const auto events = Chain(6);
  AuditChainVerifier verifier;
  verifier.Expect(2);
  verifier.Expect(5);
  for (const AuditEvent& e : events) verifier.Add(e);
  verifier.Check(key.Checkpoint(2, events[1].hash));
  verifier.Check(key.Checkpoint(5, events[4].hash));
  EXPECT_TRUE(verifier.ok()) << ::testing::PrintToString(Messages(verifier));
  verifier.Check(key.Checkpoint(3, events[2].hash));
  EXPECT_THAT(Messages(verifier),
              ElementsAre("checkpoint at event 3: its event's hash was not kept (Expect() not "
                          "called)"));
}

TEST(AuditChainVerifierTest, FindsATruncatedTail) {
  const TestKey key;
  auto events = Chain(6);
  const AuditCheckpoint checkpoint = key.Checkpoint(6, events[5].hash);
  events.resize(4);
  AuditChainVerifier verifier = Verify(events);
  EXPECT_TRUE(verifier.ok());  // a prefix of a chain is a chain: only the checkpoint tells
  verifier.Check(checkpoint);
  EXPECT_THAT(Messages(verifier),
              ElementsAre("checkpoint at event 6: the chain ends at event 4 (tail truncated?)"));

  AuditChainVerifier empty;
  empty.Check(checkpoint);
  EXPECT_THAT(Messages(empty),
              ElementsAre("checkpoint at event 6: the chain is empty (truncated?)"));
}

TEST(AuditChainVerifierTest, FindsARewrittenChain) {
  const TestKey key;
  auto events = Chain(4);
  const AuditCheckpoint checkpoint = key.Checkpoint(4, events[3].hash);
  // Rewritten from event 2 on with every hash recomputed: a valid chain, but not the signed one.
  std::string prev = events[0].hash;
  for (std::size_t i = 1; i < events.size(); ++i) {
    events[i].actor = "mallory";
    events[i].prev_hash = prev;
    events[i].hash = AuditEventHash(events[i]);
    prev = events[i].hash;
  }
  AuditChainVerifier verifier = Verify(events);
  EXPECT_TRUE(verifier.ok());
  verifier.Check(checkpoint);
  EXPECT_THAT(Messages(verifier),
              ElementsAre("checkpoint at event 4: the signed hash is not event 4's hash (chain "
                          "rewritten?)"));
}

TEST(AuditChainVerifierTest, FindsAMissingCheckpointEvent) {
  const TestKey key;
  auto events = Chain(5);
  const AuditCheckpoint checkpoint = key.Checkpoint(3, events[2].hash);
  events.erase(events.begin() + 2);
  AuditChainVerifier verifier;
  verifier.Expect(3);
  for (const AuditEvent& e : events) verifier.Add(e);
  verifier.Check(checkpoint);
  EXPECT_THAT(Messages(verifier),
              ::testing::Contains("checkpoint at event 3: event 3 is missing (deleted?)"));
}

TEST(AuditChainVerifierTest, FindsABadSignatureAndAWrongKey) {
  const TestKey key;
  const TestKey other;
  const auto events = Chain(2);
  AuditCheckpoint forged = key.Checkpoint(2, events[1].hash);
  forged.at = "2025-06-21T00:00:00.000Z";
  AuditChainVerifier verifier = Verify(events);
  verifier.Check(forged);
  EXPECT_THAT(Messages(verifier), ElementsAre("checkpoint at event 2: signature is not valid"));

  AuditChainVerifier keyed = Verify(events);
  keyed.Check(other.Checkpoint(2, events[1].hash), key.PublicKey());
  EXPECT_THAT(Messages(keyed),
              ElementsAre("checkpoint at event 2: signed by key " + other.PublicKey() +
                          ", not the expected key " + key.PublicKey()));
}

// ---- the context ----

TEST(AuditContextTest, ScopesNestAndRestore) {
  EXPECT_EQ(CurrentAuditContext(), (AuditContext{"system", "", ""}));
  {
    AuditContextScope request(AuditContext{"lan", "203.0.113.7", "PATCH /api/v1/tasks/12"});
    EXPECT_EQ(CurrentAuditContext().actor, "lan");
    {
      AuditContextScope command(AuditContext{"cli:root", "", "import tasks"});
      EXPECT_EQ(CurrentAuditContext(), (AuditContext{"cli:root", "", "import tasks"}));
    }
    EXPECT_EQ(CurrentAuditContext(),
              (AuditContext{"lan", "203.0.113.7", "PATCH /api/v1/tasks/12"}));
  }
  EXPECT_EQ(CurrentAuditContext(), (AuditContext{"system", "", ""}));
}

TEST(AuditContextTest, IsPerThread) {
  AuditContextScope scope(AuditContext{"lan", "203.0.113.7", "GET /"});
  AuditContext seen;
  std::thread other([&] { seen = CurrentAuditContext(); });
  other.join();
  EXPECT_EQ(seen, (AuditContext{"system", "", ""}));
  EXPECT_EQ(CurrentAuditContext().actor, "lan");
}

}  // namespace
}  // namespace planwatch
