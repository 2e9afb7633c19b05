#include "planwatch/storage/sql/audit.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "planwatch/storage/sql/rows.h"
#include "planwatch/storage/sql/status_macros.h"

namespace planwatch::sql {
namespace {

constexpr char kHead[] = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1";
constexpr char kPending[] =
    "SELECT tbl, row_key, operation, subject_kind, subject_id, before_digest, after_digest "
    "FROM audit_pending ORDER BY id";
constexpr char kClearPending[] = "DELETE FROM audit_pending";
constexpr char kInsertEvent[] =
    "INSERT INTO audit_events (seq, at, actor, address, action, tbl, row_key, operation, "
    "subject_kind, subject_id, before_digest, after_digest, prev_hash, hash) VALUES (?1, ?2, ?3, "
    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
constexpr char kEventColumns[] =
    "SELECT seq, at, actor, address, action, tbl, row_key, operation, subject_kind, subject_id, "
    "before_digest, after_digest, prev_hash, hash FROM audit_events ";
constexpr char kCheckpointAt[] = "SELECT head_hash FROM audit_checkpoints WHERE seq = ?1";
constexpr char kEventHash[] = "SELECT hash FROM audit_events WHERE seq = ?1";
constexpr char kInsertCheckpoint[] =
    "INSERT INTO audit_checkpoints (seq, head_hash, at, public_key, signature) VALUES (?1, ?2, "
    "?3, ?4, ?5)";
constexpr char kCheckpoints[] =
    "SELECT seq, head_hash, at, public_key, signature FROM audit_checkpoints ORDER BY seq";

const std::string kEventsNewest =
    std::string(kEventColumns) + "WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2";
const std::string kEventsOfKind =
    std::string(kEventColumns) + "WHERE subject_kind = ?3 AND seq < ?1 ORDER BY seq DESC LIMIT ?2";
const std::string kEventsOfSubject = std::string(kEventColumns) +
                                     "WHERE subject_kind = ?3 AND subject_id = ?4 AND "
                                     "seq < ?1 ORDER BY seq DESC LIMIT ?2";
const std::string kEventsFrom = std::string(kEventColumns) + "WHERE seq >= ?1 ORDER BY seq";

// Appends `event` (seq, prev_hash and hash set) to audit_events.
Status InsertEvent(Connection& c, const AuditEvent& event) {
  PW_SQL_ASSIGN(auto insert, c.Prepare(kInsertEvent));
  insert.BindInt(1, event.seq);
  insert.BindText(2, event.at);
  insert.BindText(3, event.actor);
  insert.BindText(4, event.address);
  insert.BindText(5, event.action);
  insert.BindText(6, event.table);
  insert.BindText(7, event.row_key);
  insert.BindText(8, event.operation);
  insert.BindText(9, event.subject_kind);
  insert.BindText(10, event.subject_id);
  insert.BindText(11, event.before_digest);
  insert.BindText(12, event.after_digest);
  insert.BindText(13, event.prev_hash);
  insert.BindText(14, event.hash);
  return insert.Run();
}

// Sets seq, prev_hash and hash of `event` to follow `head`, and moves the head on.
void Chain(AuditEvent& event, AuditHead& head) {
  event.seq = ++head.seq;
  event.prev_hash = std::move(head.hash);
  event.hash = AuditEventHash(event);
  head.hash = event.hash;
}

void SetContext(AuditEvent& event, const AuditContext& audit, std::string at) {
  event.at = std::move(at);
  event.actor = audit.actor;
  event.address = audit.address;
  event.action = audit.action;
}

Result<AuditEvent> EventRow(Statement& stmt) {
  AuditEvent event;
  event.seq = stmt.Int(0);
  event.at = stmt.Text(1);
  event.actor = stmt.Text(2);
  event.address = stmt.Text(3);
  event.action = stmt.Text(4);
  event.table = stmt.Text(5);
  event.row_key = stmt.Text(6);
  event.operation = stmt.Text(7);
  event.subject_kind = stmt.Text(8);
  event.subject_id = stmt.Text(9);
  event.before_digest = stmt.Text(10);
  event.after_digest = stmt.Text(11);
  event.prev_hash = stmt.Text(12);
  event.hash = stmt.Text(13);
  return event;
}

// Whether a checkpoint of event `seq` is stored already.
Result<bool> CheckpointExists(Connection& c, std::int64_t seq) {
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kCheckpointAt));
  stmt.BindInt(1, seq);
  return stmt.Step();
}

Status InsertCheckpoint(Connection& c, const AuditCheckpoint& checkpoint) {
  PW_SQL_ASSIGN(auto insert, c.Prepare(kInsertCheckpoint));
  insert.BindInt(1, checkpoint.seq);
  insert.BindText(2, checkpoint.head_hash);
  insert.BindText(3, checkpoint.at);
  insert.BindText(4, checkpoint.public_key);
  insert.BindText(5, checkpoint.signature);
  return insert.Run();
}

}  // namespace

Result<AuditHead> ReadAuditHead(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kHead));
  PW_SQL_ASSIGN(bool row, stmt.Step());
  if (!row) return AuditHead{0, std::string(kAuditGenesisHash)};
  return AuditHead{stmt.Int(0), stmt.Text(1)};
}

Status FlushAuditPending(WriteContext& context, const AuditContext& audit) {
  Connection& c = context.connection();
  {
    PW_SQL_ASSIGN(auto pending, c.Prepare(kPending));
    PW_SQL_ASSIGN(bool row, pending.Step());
    if (!row) return {};
    PW_SQL_ASSIGN(std::string stamp, context.Stamp());
    PW_SQL_ASSIGN(AuditHead head, ReadAuditHead(c));
    AuditEvent event;
    SetContext(event, audit, std::move(stamp));
    while (row) {
      event.table = pending.Text(0);
      event.row_key = pending.Text(1);
      event.operation = pending.Text(2);
      event.subject_kind = pending.Text(3);
      event.subject_id = pending.Text(4);
      event.before_digest = pending.Text(5);
      event.after_digest = pending.Text(6);
      Chain(event, head);
      PW_SQL_TRY(InsertEvent(c, event));
      PW_SQL_ASSIGN(row, pending.Step());
    }
  }
  return c.Run(kClearPending);
}

Status AppendNamedAuditEvent(WriteContext& context, const AuditContext& audit,
                             const AuditEvent& named) {
  if (named.table.empty()) return InvalidArgument("audit event: the table is empty");
  if (named.operation.empty()) {
    return InvalidArgument("audit event of '" + named.table + "': the operation is empty");
  }
  PW_SQL_TRY(FlushAuditPending(context, audit));
  Connection& c = context.connection();
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(AuditHead head, ReadAuditHead(c));
  AuditEvent event;
  SetContext(event, audit, std::move(stamp));
  event.table = named.table;
  event.row_key = named.row_key;
  event.operation = named.operation;
  event.subject_kind = named.subject_kind;
  event.subject_id = named.subject_id;
  Chain(event, head);
  return InsertEvent(c, event);
}

Status WriteAuditCheckpoint(WriteContext& context, const AuditContext& audit,
                            const AuditCheckpoint& checkpoint) {
  PW_SQL_TRY(FlushAuditPending(context, audit));
  Connection& c = context.connection();
  const std::string name = "audit checkpoint at event " + std::to_string(checkpoint.seq);
  {
    PW_SQL_ASSIGN(auto stmt, c.Prepare(kEventHash));
    stmt.BindInt(1, checkpoint.seq);
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return InvalidArgument(name + ": there is no such event");
    if (stmt.Text(0) != checkpoint.head_hash) {
      return InvalidArgument(name + ": head_hash " + checkpoint.head_hash +
                             " is not that event's hash");
    }
  }
  PW_SQL_ASSIGN(bool exists, CheckpointExists(c, checkpoint.seq));
  if (exists) return {};
  return InsertCheckpoint(c, checkpoint);
}

Status SignAuditHeadIfDue(WriteContext& context, const AuditSigner& signer, std::int64_t base_seq) {
  if (!signer.sign) return {};
  const std::int64_t every = std::max(signer.every, 1);
  Connection& c = context.connection();
  PW_SQL_ASSIGN(AuditHead head, ReadAuditHead(c));
  if (head.seq <= base_seq || head.seq / every == base_seq / every) return {};
  PW_SQL_ASSIGN(bool signed_already, CheckpointExists(c, head.seq));
  if (signed_already) return {};  // within this transaction
  AuditCheckpoint checkpoint;
  checkpoint.seq = head.seq;
  checkpoint.head_hash = head.hash;
  PW_SQL_ASSIGN(checkpoint.at, context.Stamp());
  checkpoint.public_key = signer.public_key;
  checkpoint.signature = signer.sign(AuditCheckpointMessage(checkpoint));
  if (!AuditCheckpointSignatureValid(checkpoint)) {
    return Internal("the audit signer returned a signature that does not verify for event " +
                    std::to_string(head.seq));
  }
  return InsertCheckpoint(c, checkpoint);
}

Result<std::vector<AuditEvent>> ReadAuditEvents(Connection& connection, const AuditQuery& query) {
  if (query.limit < 1 || query.limit > 1000) {
    return InvalidArgument("audit query: limit " + std::to_string(query.limit) +
                           " is outside 1..1000");
  }
  const std::string& sql = query.subject_kind.empty() ? kEventsNewest
                           : query.subject_id.empty() ? kEventsOfKind
                                                      : kEventsOfSubject;
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  // A bound rather than an OR, so that SQLite walks the seq range.
  stmt.BindInt(1,
               query.before_seq > 0 ? query.before_seq : std::numeric_limits<std::int64_t>::max());
  stmt.BindInt(2, query.limit);
  if (!query.subject_kind.empty()) stmt.BindText(3, query.subject_kind);
  if (!query.subject_kind.empty() && !query.subject_id.empty()) {
    stmt.BindText(4, query.subject_id);
  }
  return Collect<AuditEvent>(stmt, EventRow);
}

Status ScanAuditEvents(Connection& connection, std::int64_t from_seq,
                       const std::function<bool(const AuditEvent&)>& visit) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kEventsFrom));
  stmt.BindInt(1, from_seq);
  while (true) {
    PW_SQL_ASSIGN(bool row, stmt.Step());
    if (!row) return {};
    PW_SQL_ASSIGN(AuditEvent event, EventRow(stmt));
    if (!visit(event)) return {};
  }
}

Result<std::vector<AuditCheckpoint>> ReadAuditCheckpoints(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kCheckpoints));
  return Collect<AuditCheckpoint>(stmt, [](Statement& s) -> Result<AuditCheckpoint> {
    return AuditCheckpoint{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)};
  });
}

}  // namespace planwatch::sql
