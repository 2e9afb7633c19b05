// The audit log above storage: the instance's audit signing key, checkpoints signed on demand
// and at shutdown, verification of the whole chain (what `planwatch audit verify` runs), and the
// log as a use case — who may read which events. The chain itself (events, hashes, checkpoint
// messages, the verifier) is storage/audit.h; the engine writes the events.
//
// The audit key: an Ed25519 key pair derived deterministically from the instance key (the file
// "<db>.key" beside the database, service/signing.h) with libsodium's crypto_kdf, so it needs no
// storage of its own and a copy of the database alone cannot sign a checkpoint.
//
// Thread-safety: every function is thread-safe; an AuditLog may be shared by threads (it holds
// only references). libsodium must be initialised first (InitCrypto, service/accounts.h).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/service/resources.h"
#include "planwatch/service/signing.h"
#include "planwatch/storage/audit.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// The standard padded base64 of the audit public key derived from `key` (32 bytes).
std::string AuditPublicKey(const InstanceKey& key);

// A signer for Store::SetAuditSigner: signs with the key derived from `key` (copied into the
// signer; never stored), a checkpoint every `every` events (>= 1; smaller values become 1).
AuditSigner MakeAuditSigner(const InstanceKey& key, int every);

// Signs the current head now and stores the checkpoint (one transaction), returning it. When
// the head has not moved since the latest stored checkpoint, stores nothing and returns that
// one. failed_precondition when the log has no event yet; store errors as they come.
Result<AuditCheckpoint> SignAuditCheckpoint(Store& store, const InstanceKey& key);

// What VerifyAudit found.
struct AuditVerification {
  std::int64_t events = 0;    // events scanned
  std::int64_t head_seq = 0;  // the last event's seq (0: no event)
  std::string head_hash;      // its hash (the genesis hash when there is none)
  int checkpoints = 0;        // checkpoints checked: the stored ones and the external one
  std::vector<AuditChainVerifier::Problem> problems;  // in the order found; empty: verified

  bool ok() const { return problems.empty(); }
};

// Scans every event in storage order through AuditChainVerifier (constant memory), then checks
// every stored checkpoint and `external` (one kept outside the database, which alone reveals a
// truncated tail signed before). `expected_public_key`, when set, is the key every checkpoint
// must carry (AuditPublicKey of the instance key). Broken chains are answered as problems, not
// errors; errors are only the store's.
Result<AuditVerification> VerifyAudit(StoreReader& store,
                                      const std::optional<AuditCheckpoint>& external,
                                      std::optional<std::string> expected_public_key);

// An event and a checkpoint as the API and the CLI show them: every field, by its name in
// storage/audit.h ("table" for the table).
nlohmann::json AuditEventJson(const AuditEvent& event);
nlohmann::json AuditCheckpointView(const AuditCheckpoint& checkpoint);

// "task:12" into ("task", "12"). Kinds with a history: task, org_unit, directive, plan,
// indicator, report, user; the id a positive integer. invalid_argument naming the text
// otherwise.
Result<std::pair<std::string, std::string>> ParseAuditSubject(std::string_view text);

// The log as use cases, each authorized here.
//  - One subject's history: whoever may read the subject. A task: the rule of reading the task
//    (AccessPolicy::CanReadTask with the lead unit in force today, classified tasks included),
//    and, as there, not_found when it may not be read, so ids out of scope are not revealed; a
//    report likewise (CanReadReport). Org units, directives, plans and indicators: reference
//    readers. A user: admins who manage users of that user's unit, and the user themself.
//    not_found for a subject that does not exist; permission_denied otherwise.
//  - The whole log, the checkpoints, and signing a checkpoint: admins whose scope is a root.
class AuditLog {
 public:
  // `today` judges the lead unit in force of a task.
  AuditLog(Store& store, TodayFn today);

  // The subject's events, newest first: seq < before_seq when before_seq > 0, at most `limit`
  // (1..1000, else invalid_argument).
  Result<std::vector<AuditEvent>> History(const Principal& p, std::string_view subject_kind,
                                          std::string_view subject_id, std::int64_t before_seq,
                                          int limit);
  // Every event matching `query`, newest first.
  Result<std::vector<AuditEvent>> List(const Principal& p, const AuditQuery& query);
  // The query string of GET /api/v1/audit: subject (History; absent: List), before (a seq >= 1),
  // limit (1..1000, default 50); anything else is invalid_argument naming it. Answers
  // {"items": [event…], "next_before": the seq to page on with, or null after the last page}.
  Result<nlohmann::json> Query(const Principal& p, const QueryParams& params);

  // Every stored checkpoint, latest first: {"items": [checkpoint…]}.
  Result<nlohmann::json> Checkpoints(const Principal& p);
  // Signs the head now (SignAuditCheckpoint) with the instance key.
  Result<AuditCheckpoint> SignNow(const Principal& p, const InstanceKey& key);

 private:
  Status MayReadWholeLog(const Principal& p);
  Status MayReadSubject(const Principal& p, std::string_view kind, std::int64_t id);

  Store& store_;
  TodayFn today_;
};

}  // namespace planwatch
