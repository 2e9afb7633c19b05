// Fuzz target for the audit chain rules (storage/audit.h). The first byte picks the mode, the
// rest is the input:
//  0: the input is a checkpoint document. Oracle: no crash; a refusal is invalid_argument with a
//     message naming the checkpoint; a parsed checkpoint writes back (AuditCheckpointJson) to a
//     document that parses to the same checkpoint.
//  1: the input is a chain, one event per line, 14 tab-separated fields in AuditEvent order
//     (seq, at, actor, address, action, table, row_key, operation, subject_kind, subject_id,
//     before_digest, after_digest, prev_hash, hash). Shorthands: seq "+" is the previous seq + 1
//     (1 first); prev_hash "^" is the previous line's hash (the genesis hash first); hash "*" is
//     the event's own AuditEventHash. Oracle: the verifier finds no problem exactly when the
//     seqs run 1, 2, 3, ..., every prev_hash is the previous event's hash (the genesis hash
//     first) and every hash is the event's own; a checkpoint of a missing seq is a problem.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/storage/audit.h"

namespace {

using planwatch::AuditChainVerifier;
using planwatch::AuditCheckpoint;
using planwatch::AuditEvent;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void ParseCheckpoint(std::string_view input) {
  auto parsed = planwatch::ParseAuditCheckpoint(input);
  if (!parsed) {
    Check(parsed.error().code == planwatch::ErrorCode::kInvalidArgument);
    Check(parsed.error().message.starts_with("audit checkpoint: "));
    return;
  }
  Check(parsed->seq >= 1 && parsed->head_hash.size() == 64);
  auto again = planwatch::ParseAuditCheckpoint(planwatch::AuditCheckpointJson(*parsed));
  Check(again.has_value() && *again == *parsed);
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// The seq of a line: digits (at most 15 of them), or "+"; none for anything else.
bool ParseSeq(std::string_view text, std::int64_t previous, std::int64_t& seq) {
  if (text == "+") {
    seq = previous + 1;
    return true;
  }
  if (text.empty() || text.size() > 15) return false;
  seq = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    seq = seq * 10 + (c - '0');
  }
  return true;
}

void VerifyChain(std::string_view input) {
  std::vector<AuditEvent> events;
  std::string previous_hash(planwatch::kAuditGenesisHash);
  std::int64_t previous_seq = 0;
  for (std::string_view line : Split(input, '\n')) {
    const std::vector<std::string_view> fields = Split(line, '\t');
    if (fields.size() != 14) continue;
    AuditEvent event;
    if (!ParseSeq(fields[0], previous_seq, event.seq)) continue;
    std::string* text[] = {
        &event.at,         &event.actor,         &event.address,      &event.action,
        &event.table,      &event.row_key,       &event.operation,    &event.subject_kind,
        &event.subject_id, &event.before_digest, &event.after_digest, &event.prev_hash};
    for (std::size_t i = 0; i < 12; ++i) *text[i] = std::string(fields[i + 1]);
    if (event.prev_hash == "^") event.prev_hash = previous_hash;
    event.hash = fields[13] == "*" ? planwatch::AuditEventHash(event) : std::string(fields[13]);
    previous_hash = event.hash;
    previous_seq = event.seq;
    events.push_back(std::move(event));
  }

  bool valid = true;
  std::string expected_prev(planwatch::kAuditGenesisHash);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const AuditEvent& e = events[i];
    valid = valid && e.seq == static_cast<std::int64_t>(i) + 1 && e.prev_hash == expected_prev &&
            e.hash == planwatch::AuditEventHash(e);
    expected_prev = e.hash;
  }

  AuditChainVerifier verifier;
  verifier.Expect(1);
  for (const AuditEvent& e : events) verifier.Add(e);
  Check(verifier.ok() == valid);
  Check(verifier.events() == static_cast<std::int64_t>(events.size()));
  for (const auto& problem : verifier.problems()) Check(!problem.message.empty());

  // A checkpoint past the last event is always reported (a truncated tail).
  AuditCheckpoint beyond;
  beyond.seq = verifier.last_seq() + 1;
  beyond.head_hash = verifier.head_hash();
  const std::size_t before = verifier.problems().size();
  verifier.Check(beyond);
  Check(verifier.problems().size() > before);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    ParseCheckpoint(input);
  } else {
    VerifyChain(input);
  }
  return 0;
}
