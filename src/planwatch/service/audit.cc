#include "planwatch/service/audit.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <memory>
#include <utility>

#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/report.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

// crypto_kdf's context (exactly 8 bytes) and subkey id: the audit key is its own key, unrelated
// to anything else derived from the instance key.
constexpr char kAuditKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "pwaudit1";
constexpr std::uint64_t kAuditSubkeyId = 1;

constexpr std::string_view kSubjectKinds[] = {"task",      "org_unit", "directive", "plan",
                                              "indicator", "report",   "user"};

struct AuditKeyPair {
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key{};

  AuditKeyPair() = default;
  AuditKeyPair(const AuditKeyPair&) = default;
  AuditKeyPair& operator=(const AuditKeyPair&) = default;
  ~AuditKeyPair() { sodium_memzero(secret_key.data(), secret_key.size()); }
};

AuditKeyPair DeriveAuditKey(const InstanceKey& key) {
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  static_assert(crypto_sign_SEEDBYTES >= crypto_kdf_BYTES_MIN &&
                crypto_sign_SEEDBYTES <= crypto_kdf_BYTES_MAX);
  static_assert(crypto_kdf_KEYBYTES == 32);
  crypto_kdf_derive_from_key(seed.data(), seed.size(), kAuditSubkeyId, kAuditKdfContext,
                             key.bytes.data());
  AuditKeyPair pair;
  crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  return pair;
}

std::string Base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string SignWith(const AuditKeyPair& pair, std::string_view message) {
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       pair.secret_key.data());
  return Base64(signature.data(), signature.size());
}

std::string NowInstant() {
  return FormatInstant(
      std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

std::unexpected<Error> DeniedTo(const Principal& p, std::string_view what) {
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("{} may not read the audit log of {}", EchoForMessage(p.login), what));
}

// A decimal number from 1 to INT64_MAX; none otherwise.
std::optional<std::int64_t> PositiveInt(std::string_view text) {
  if (text.empty() || text.size() > 19 || text.front() == '0') return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

Status CheckLimit(int limit) {
  if (limit < 1 || limit > 1000) {
    return InvalidArgument(fmt::format("limit {} is outside 1..1000", limit));
  }
  return {};
}

}  // namespace

std::string AuditPublicKey(const InstanceKey& key) {
  const AuditKeyPair pair = DeriveAuditKey(key);
  return Base64(pair.public_key.data(), pair.public_key.size());
}

AuditSigner MakeAuditSigner(const InstanceKey& key, int every) {
  auto pair = std::make_shared<const AuditKeyPair>(DeriveAuditKey(key));
  AuditSigner signer;
  signer.public_key = Base64(pair->public_key.data(), pair->public_key.size());
  // crypto_sign_detached keeps no state: one key pair signs from any thread.
  signer.sign = [pair](std::string_view message) { return SignWith(*pair, message); };
  signer.every = std::max(every, 1);
  return signer;
}

Result<AuditCheckpoint> SignAuditCheckpoint(Store& store, const InstanceKey& key) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  AuditQuery newest;
  newest.limit = 1;
  auto head = (*tx)->AuditEvents(newest);
  if (!head) return std::unexpected(head.error());
  if (head->empty()) {
    return Fail(ErrorCode::kFailedPrecondition, "the audit log has no events yet: nothing to sign");
  }
  auto stored = (*tx)->AuditCheckpoints();
  if (!stored) return std::unexpected(stored.error());
  const AuditEvent& last = head->front();
  if (!stored->empty() && stored->back().seq == last.seq && stored->back().head_hash == last.hash) {
    return stored->back();
  }
  const AuditKeyPair pair = DeriveAuditKey(key);
  AuditCheckpoint checkpoint;
  checkpoint.seq = last.seq;
  checkpoint.head_hash = last.hash;
  checkpoint.at = NowInstant();
  checkpoint.public_key = Base64(pair.public_key.data(), pair.public_key.size());
  checkpoint.signature = SignWith(pair, AuditCheckpointMessage(checkpoint));
  if (auto put = (*tx)->PutAuditCheckpoint(checkpoint); !put) {
    return std::unexpected(put.error());
  }
  if (auto committed = (*tx)->Commit(); !committed) return std::unexpected(committed.error());
  return checkpoint;
}

Result<AuditVerification> VerifyAudit(StoreReader& store,
                                      const std::optional<AuditCheckpoint>& external,
                                      std::optional<std::string> expected_public_key) {
  auto checkpoints = store.AuditCheckpoints();
  if (!checkpoints) return std::unexpected(checkpoints.error());
  AuditChainVerifier verifier;
  // Only the hashes at checkpoint seqs are kept, so memory stays constant in the chain's length.
  for (const AuditCheckpoint& checkpoint : *checkpoints) verifier.Expect(checkpoint.seq);
  if (external) verifier.Expect(external->seq);
  auto scanned = store.ScanAuditEvents(1, [&verifier](const AuditEvent& event) {
    verifier.Add(event);
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  std::optional<std::string_view> key;
  if (expected_public_key) key = *expected_public_key;
  AuditVerification out;
  for (const AuditCheckpoint& checkpoint : *checkpoints) {
    verifier.Check(checkpoint, key);
    ++out.checkpoints;
  }
  if (external) {
    verifier.Check(*external, key);
    ++out.checkpoints;
  }
  out.events = verifier.events();
  out.head_seq = verifier.last_seq();
  out.head_hash = verifier.head_hash();
  out.problems = verifier.problems();
  return out;
}

json AuditEventJson(const AuditEvent& e) {
  return json{{"seq", e.seq},
              {"at", e.at},
              {"actor", e.actor},
              {"address", e.address},
              {"action", e.action},
              {"table", e.table},
              {"row_key", e.row_key},
              {"operation", e.operation},
              {"subject_kind", e.subject_kind},
              {"subject_id", e.subject_id},
              {"before_digest", e.before_digest},
              {"after_digest", e.after_digest},
              {"prev_hash", e.prev_hash},
              {"hash", e.hash}};
}

json AuditCheckpointView(const AuditCheckpoint& checkpoint) {
  // The same document `planwatch audit checkpoint` exports, so either can be kept elsewhere.
  return json::parse(AuditCheckpointJson(checkpoint));
}

Result<std::pair<std::string, std::string>> ParseAuditSubject(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view kind = text.substr(0, colon);
  const bool known = std::ranges::find(kSubjectKinds, kind) != std::end(kSubjectKinds);
  if (colon == std::string_view::npos || !known ||
      !PositiveInt(text.substr(colon + 1)).has_value()) {
    return InvalidArgument(
        fmt::format("subject '{}' is not KIND:ID with KIND one of task, org_unit, directive, plan, "
                    "indicator, report, user and ID a positive whole number",
                    EchoForMessage(text)));
  }
  return std::pair<std::string, std::string>(std::string(kind),
                                             std::string(text.substr(colon + 1)));
}

AuditLog::AuditLog(Store& store, TodayFn today) : store_(store), today_(std::move(today)) {}

Status AuditLog::MayReadWholeLog(const Principal& p) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  if (p.role == Role::kAdmin) {
    const OrgUnit* scope = tree->Find(p.scope);
    if (scope != nullptr && !scope->parent) return {};
  }
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("{} may not read the whole audit log: only admins of a root unit may",
                          EchoForMessage(p.login)));
}

Status AuditLog::MayReadSubject(const Principal& p, std::string_view kind, std::int64_t id) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  const std::string what = fmt::format("{} {}", kind, id);
  if (kind == "task") {
    auto record = LoadTaskRecord(store_, TaskId{id});
    if (!record) return std::unexpected(record.error());
    const auto no_such = NotFound(fmt::format("no task with id {}", id));
    if (!*record) return no_such;
    const TaskState now =
        EvaluateTask((*record)->task, (*record)->ledger, today_(), CompletionView::kClaimed);
    // As reading the task: an invisible task is not revealed to exist.
    if (!policy.CanReadTask(p, (*record)->task, now.lead_unit, (*record)->plan)) return no_such;
    return {};
  }
  if (kind == "report") {
    const auto no_such = NotFound(fmt::format("no report with id {}", id));
    auto report = store_.ReportById(ReportId{id});
    if (!report) {
      if (report.error().code == ErrorCode::kNotFound) return no_such;
      return std::unexpected(report.error());
    }
    auto plans = store_.Plans();
    if (!plans) return std::unexpected(plans.error());
    auto plan = std::ranges::find(*plans, report->plan, &Plan::id);
    if (plan == plans->end() || !CanReadReport(policy, p, *plan, report->unit)) return no_such;
    return {};
  }
  if (kind == "user") {
    auto user = store_.UserById(UserId{id});
    if (!user) return std::unexpected(user.error());
    if (!*user) return NotFound(fmt::format("no user with id {}", id));
    if (p.user == (*user)->id || policy.CanManageUsers(p, (*user)->unit)) return {};
    return DeniedTo(p, what);
  }
  bool exists = false;
  if (kind == "org_unit") {
    exists = tree->Find(OrgUnitId{id}) != nullptr;
  } else if (kind == "directive") {
    auto all = store_.Directives();
    if (!all) return std::unexpected(all.error());
    exists = std::ranges::find(*all, DirectiveId{id}, &Directive::id) != all->end();
  } else if (kind == "plan") {
    auto all = store_.Plans();
    if (!all) return std::unexpected(all.error());
    exists = std::ranges::find(*all, PlanId{id}, &Plan::id) != all->end();
  } else if (kind == "indicator") {
    auto all = store_.Indicators();
    if (!all) return std::unexpected(all.error());
    exists = std::ranges::find(*all, IndicatorId{id}, &Indicator::id) != all->end();
  } else {
    return InvalidArgument(
        fmt::format("no audit history for subjects of kind '{}'", EchoForMessage(kind)));
  }
  if (!exists) return NotFound(fmt::format("no {} with id {}", kind, id));
  if (!policy.CanReadReference(p)) return DeniedTo(p, what);
  return {};
}

Result<std::vector<AuditEvent>> AuditLog::History(const Principal& p, std::string_view subject_kind,
                                                  std::string_view subject_id,
                                                  std::int64_t before_seq, int limit) {
  auto subject = ParseAuditSubject(fmt::format("{}:{}", subject_kind, subject_id));
  if (!subject) return std::unexpected(subject.error());
  if (auto ok = CheckLimit(limit); !ok) return std::unexpected(ok.error());
  if (auto allowed = MayReadSubject(p, subject->first, *PositiveInt(subject->second)); !allowed) {
    return std::unexpected(allowed.error());
  }
  AuditQuery query;
  query.subject_kind = subject->first;
  query.subject_id = subject->second;
  query.before_seq = std::max<std::int64_t>(before_seq, 0);
  query.limit = limit;
  return store_.AuditEvents(query);
}

Result<std::vector<AuditEvent>> AuditLog::List(const Principal& p, const AuditQuery& query) {
  if (auto ok = CheckLimit(query.limit); !ok) return std::unexpected(ok.error());
  if (auto allowed = MayReadWholeLog(p); !allowed) return std::unexpected(allowed.error());
  return store_.AuditEvents(query);
}

Result<json> AuditLog::Query(const Principal& p, const QueryParams& params) {
  for (const auto& [name, value] : params) {
    if (name != "subject" && name != "before" && name != "limit") {
      return BadQueryParam(name, "unknown_field", "expected subject, before or limit");
    }
  }
  auto limit = IntQueryParam(params, "limit", 50, 1, 1000);
  if (!limit) return std::unexpected(limit.error());
  std::int64_t before = 0;
  if (auto it = params.find("before"); it != params.end()) {
    auto parsed = PositiveInt(it->second);
    if (!parsed) {
      return BadQueryParam("before", "invalid",
                           fmt::format("expected the seq of an event (a whole number >= 1), got "
                                       "'{}'",
                                       EchoForMessage(it->second)));
    }
    before = *parsed;
  }
  Result<std::vector<AuditEvent>> events;
  if (auto it = params.find("subject"); it != params.end()) {
    auto subject = ParseAuditSubject(it->second);
    if (!subject) return BadQueryParam("subject", "invalid", subject.error().message);
    events = History(p, subject->first, subject->second, before, *limit);
  } else {
    AuditQuery query;
    query.before_seq = before;
    query.limit = *limit;
    events = List(p, query);
  }
  if (!events) return std::unexpected(events.error());
  json out{{"items", json::array()}, {"next_before", nullptr}};
  for (const AuditEvent& e : *events) out["items"].push_back(AuditEventJson(e));
  if (static_cast<int>(events->size()) == *limit && events->back().seq > 1) {
    out["next_before"] = events->back().seq;
  }
  return out;
}

Result<json> AuditLog::Checkpoints(const Principal& p) {
  if (auto allowed = MayReadWholeLog(p); !allowed) return std::unexpected(allowed.error());
  auto stored = store_.AuditCheckpoints();
  if (!stored) return std::unexpected(stored.error());
  json out{{"items", json::array()}};
  for (auto it = stored->rbegin(); it != stored->rend(); ++it) {
    out["items"].push_back(AuditCheckpointView(*it));
  }
  return out;
}

Result<AuditCheckpoint> AuditLog::SignNow(const Principal& p, const InstanceKey& key) {
  if (auto allowed = MayReadWholeLog(p); !allowed) return std::unexpected(allowed.error());
  return SignAuditCheckpoint(store_, key);
}

}  // namespace planwatch
