// The audit log: every change to the database is an event in one append-only hash chain,
// committed in the same transaction as the change. Read and written through StoreReader /
// Transaction (store.h); the chain's rules (canonical encoding, hashes, checkpoint messages and
// verification) are here so that every engine and `planwatch audit verify` share them.
//
// An event names who (actor login, client address, the request or command), when (the
// transaction's instant), what (the table, the row's key, the operation, and the subject the row
// belongs to, e.g. task 12) and the SHA-256 digests of the row before and after. Each event's hash
// covers all of that and the previous event's hash, so an edited, deleted, inserted or
// reordered event breaks the chain. A checkpoint is the head (seq, hash) signed with the
// instance's Ed25519 key; kept outside the database, it also reveals a truncated tail.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"

namespace planwatch {

// Who is acting in a transaction. Set by the caller (Transaction::SetAuditContext); the events
// written afterwards in that transaction carry it.
struct AuditContext {
  std::string actor;    // the login; "system" for background work; "cli:<os user>" for the CLI
  std::string address;  // the client's IP address; empty for local work
  std::string action;   // the request ("PATCH /api/v1/tasks/12") or command ("import tasks")

  friend bool operator==(const AuditContext&, const AuditContext&) = default;
};

// The context a new transaction starts with on this thread (Store::Begin reads it): the HTTP
// layer sets one per request, the CLI one per command. Scopes nest; the destructor restores the
// outer one. With none set, transactions start with {"system", "", ""}.
class AuditContextScope {
 public:
  explicit AuditContextScope(AuditContext context);
  ~AuditContextScope();
  AuditContextScope(const AuditContextScope&) = delete;
  AuditContextScope& operator=(const AuditContextScope&) = delete;

 private:
  AuditContext saved_;
};
const AuditContext& CurrentAuditContext();

// What the engine needs to sign checkpoints itself, without ever seeing the key: every `every`
// events (when a commit's last event reaches or crosses a multiple of `every`) the engine
// writes a checkpoint of the head in the same transaction, signed through `sign`.
struct AuditSigner {
  std::string public_key;  // standard padded base64 of the 32-byte Ed25519 public key
  // Returns the standard padded base64 of the signature of `message`. Must be thread-safe.
  std::function<std::string(std::string_view message)> sign;
  int every = 1000;  // values below 1 count as 1
};

struct AuditEvent {
  std::int64_t seq = 0;                // 1, 2, 3, ... without gaps, in commit order
  std::string at;                      // the transaction's instant (ISO 8601 UTC with milliseconds)
  std::string actor, address, action;  // the AuditContext in force
  std::string table;                   // the table changed ("tasks"), or "auth" etc. for events
  std::string row_key;                 // the row's key as text ("12", "3/17/202503")
  std::string operation;               // "insert", "update", "delete", or a named event
  std::string subject_kind;            // what the row belongs to: "task", "org_unit", ...
  std::string subject_id;              // its id as text
  std::string before_digest;           // lower-case hex SHA-256 of the row before; empty: none
  std::string after_digest;            // ... after; empty for a delete
  std::string prev_hash;               // the previous event's hash; 64 zeros for seq 1
  std::string hash;                    // AuditEventHash(*this)

  friend bool operator==(const AuditEvent&, const AuditEvent&) = default;
};

// A signed chain head.
struct AuditCheckpoint {
  std::int64_t seq = 0;    // the last event covered
  std::string head_hash;   // that event's hash
  std::string at;          // when it was signed (ISO 8601 UTC)
  std::string public_key;  // standard padded base64 of the 32-byte Ed25519 public key
  std::string signature;   // standard padded base64 of the 64-byte signature of
                           // AuditCheckpointMessage(*this)

  friend bool operator==(const AuditCheckpoint&, const AuditCheckpoint&) = default;
};

struct AuditQuery {
  std::string subject_kind;     // empty: every subject
  std::string subject_id;       // with subject_kind: only that subject
  std::int64_t before_seq = 0;  // > 0: only events with seq < before_seq
  int limit = 100;              // newest first, at most this many (1..1000)
};

// The 64-hex-digit hash of seq 1's predecessor.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Lower-case hex SHA-256 over the canonical encoding of every field of `event` except `hash`
// (prev_hash included). The encoding is length-prefixed, so no two different events encode alike.
std::string AuditEventHash(const AuditEvent& event);

// The bytes a checkpoint's signature covers: a fixed domain tag, seq, head_hash, at, public_key.
std::string AuditCheckpointMessage(const AuditCheckpoint& checkpoint);

// Whether `signature` is a valid Ed25519 signature of AuditCheckpointMessage by `public_key`
// (false for malformed base64 or sizes).
bool AuditCheckpointSignatureValid(const AuditCheckpoint& checkpoint);

// A checkpoint as a JSON document (what `planwatch audit checkpoint` exports) and back.
// Parsing: invalid_argument naming the field for anything malformed.
std::string AuditCheckpointJson(const AuditCheckpoint& checkpoint);
Result<AuditCheckpoint> ParseAuditCheckpoint(std::string_view json);

// Checks a chain incrementally, one event at a time in storage order, so that a chain of any
// length is verified in constant memory. Problems are collected, not thrown; after the first
// broken link every later event is still checked against its own stored prev_hash, so one
// tampered event is reported once, where it is.
//
// What is detected, and the messages (each Problem names the event):
//   "event 12: hash does not match its content (edited?)"
//   "event 13: prev_hash is not the hash of event 12 (deleted, inserted or reordered?)"
//   "event 1: prev_hash is not the genesis hash"
//   "event 14 follows event 12: event 13 is missing"   (or "events 13 to 15 are missing")
//   "event 12 appears twice", "event 11 follows event 12: out of order"
// and by Check(): a checkpoint beyond the last event (truncated tail), a checkpoint whose hash
// differs from the event's, a bad signature, a key other than the expected one.
//
// A checkpoint is compared with the hash of the event at its seq. The verifier keeps that hash
// only for the head and for the seqs passed to Expect() before the events go by: call
// Expect(checkpoint.seq) for every checkpoint before the first Add, then Check() each after the
// last Add. Memory grows with the number of expected checkpoints, never with the events.
// Not thread-safe.
class AuditChainVerifier {
 public:
  struct Problem {
    std::int64_t seq = 0;  // the event concerned (0: the chain as a whole)
    std::string message;   // English, names what is wrong (see above)

    friend bool operator==(const Problem&, const Problem&) = default;
  };

  // Keeps the hash of the event at `seq` when it goes by, for a later Check(). Call before Add.
  void Expect(std::int64_t seq);
  // Feeds the next stored event.
  void Add(const AuditEvent& event);
  // Checks a checkpoint against the events fed so far (call after the last Add): the event at
  // checkpoint.seq exists with that hash (else the tail was truncated or the chain rewritten) and
  // the signature is valid. `expected_key`, when set, is the public key it must carry. A
  // checkpoint below the head whose seq was not passed to Expect() is a problem too ("its
  // event's hash was not kept"): the verifier cannot vouch for it.
  void Check(const AuditCheckpoint& checkpoint,
             std::optional<std::string_view> expected_key = std::nullopt);

  std::int64_t events() const { return events_; }
  std::int64_t last_seq() const { return last_seq_; }
  const std::string& head_hash() const { return head_hash_; }
  const std::vector<Problem>& problems() const { return problems_; }
  bool ok() const { return problems_.empty(); }

 private:
  // The hash of an expected checkpoint's event, once that event went by.
  struct Kept {
    std::int64_t seq = 0;
    std::optional<std::string> hash;  // none until the event is seen; the first one wins
  };

  void Report(std::int64_t seq, std::string message);

  std::int64_t events_ = 0;
  std::int64_t last_seq_ = 0;  // the seq of the last event fed (0 before the first)
  std::string head_hash_ = std::string(kAuditGenesisHash);  // the stored hash of that event
  std::vector<Problem> problems_;
  std::vector<Kept> kept_;  // sorted by seq, unique
};

}  // namespace planwatch
