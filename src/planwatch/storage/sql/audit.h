// The audit log, shared by the engines: chaining the row changes the audit triggers record
// (schema_audit.h), named events, checkpoints, and reading them back. Internal to
// storage.
//
// A transaction's row changes wait in audit_pending until FlushAuditPending turns them into
// events, in the order they were made, each carrying the context in force and the
// transaction's instant: at Commit, and before anything that must follow them in the chain (a
// change of context, a named event, a checkpoint). Reads of the open transaction see its events
// only once they are flushed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/storage/audit.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/write.h"

namespace planwatch::sql {

// The last stored event: seq 0 and kAuditGenesisHash when there is none.
struct AuditHead {
  std::int64_t seq = 0;
  std::string hash;
};
Result<AuditHead> ReadAuditHead(Connection& connection);

// Chains every pending row change as an event with `context` and context.Stamp(), and empties
// audit_pending. Nothing is stamped when nothing is pending.
Status FlushAuditPending(WriteContext& context, const AuditContext& audit);

// Flushes, then appends the named event `event` (table, row_key, operation, subject_kind and
// subject_id are used). invalid_argument for an empty table or operation.
Status AppendNamedAuditEvent(WriteContext& context, const AuditContext& audit,
                             const AuditEvent& event);

// Flushes, then stores `checkpoint`. invalid_argument naming the seq unless it names a stored
// event whose hash is head_hash; a checkpoint of a seq that already has one is not stored again
// (the head there is already signed) and succeeds.
Status WriteAuditCheckpoint(WriteContext& context, const AuditContext& audit,
                            const AuditCheckpoint& checkpoint);

// Signs and stores a checkpoint of the head when `signer` is set and the head went from
// `base_seq` to a multiple of signer.every or past one. internal when the signature the
// signer returns does not verify.
Status SignAuditHeadIfDue(WriteContext& context, const AuditSigner& signer, std::int64_t base_seq);

// invalid_argument (naming the limit) for a limit outside 1..1000.
Result<std::vector<AuditEvent>> ReadAuditEvents(Connection& connection, const AuditQuery& query);
Status ScanAuditEvents(Connection& connection, std::int64_t from_seq,
                       const std::function<bool(const AuditEvent&)>& visit);
Result<std::vector<AuditCheckpoint>> ReadAuditCheckpoints(Connection& connection);

}  // namespace planwatch::sql
