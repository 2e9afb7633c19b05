// Feedback as use cases: public submission (with a proof-of-work challenge and rate limits),
// moderation by the target's administrators, and the published view under a target.
//
// Submission: anyone, signed in or not, may submit feedback on a live plan, indicator or
// unclassified task, after solving a challenge (NewChallenge): find a decimal nonce such that
// SHA-256(token ":" nonce) starts with `difficulty` zero bits. Tokens are authenticated with
// HMAC-SHA-256 under a key made at construction (so they die with the process), expire after
// `challenge_lifetime` and are single-use. Rate limits count stored submissions per client
// address and overall over a sliding `window`, in memory (per process, lost on restart); the
// address itself is never stored, only its keyed hash (HMAC-SHA-256 under the database's
// feedback address key).
//
// Moderation: the plan's administrators (AccessPolicy::CanAdministerPlan of the target's plan;
// for an indicator CanManageIndicator) moderate; feedback that a principal may not moderate is
// not_found to them, so nothing is revealed. Every transition is an appended event (who, when).
//
// Thread-safety: every member function may be called concurrently; submissions are serialised
// (they are rare by design: the rate limits allow `overall_limit` per window).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct FeedbackOptions {
  // Leading zero bits a solution needs: 16 (about 65,000 hashes, a second in a browser) by
  // default; 0..kMaxChallengeDifficulty (domain/feedback.h), clamped into that range.
  int difficulty = 16;
  std::chrono::seconds challenge_lifetime{10 * 60};
  // Stored submissions allowed per client address, and overall, within `window`.
  int per_address_limit = 5;
  int overall_limit = 50;
  std::chrono::seconds window{60 * 60};
  // Used tokens remembered (each until it expires). When this many unexpired tokens have been
  // used, further submissions are resource_exhausted until some expire.
  std::size_t max_used_tokens = 100'000;
  // The current time; none: the system clock. Tests set it.
  std::function<std::chrono::system_clock::time_point()> clock;
};

enum class FeedbackAction { kAccept, kReject, kAnswer };
std::string_view FeedbackActionName(FeedbackAction action);  // "accept", "reject", "answer"

class Feedback {
 public:
  // internal (on first use) when libsodium cannot start.
  explicit Feedback(Store& store, FeedbackOptions options = {});
  ~Feedback();
  Feedback(const Feedback&) = delete;
  Feedback& operator=(const Feedback&) = delete;

  // A new challenge: {"token", "difficulty", "expires_at" (ISO 8601 UTC)}.
  Result<nlohmann::json> NewChallenge();

  // Stores the feedback in `body`:
  //   {"target": {"kind": "plan"|"task"|"indicator", "id"}, "kind": "initiative"|
  //    "recommendation"|"question"|"complaint", "text" (1–4000 bytes after trimming),
  //    "name"? (≤ 120 bytes), "contact"? (an e-mail address or a phone number, ≤ 200 bytes),
  //    "challenge": {"token", "nonce"}}
  // `author`: the signed-in caller (author_login = their login; their display name when no name
  // is given), none for the public. `address`: the client's address (for the rate limits).
  // Answers {"id", "target", "kind", "state": "new", "created_at"}.
  // Errors, checked in this order:
  // - invalid_argument with a detail per offending field (unknown fields too);
  // - conflict when the same text came from the same address within the window;
  // - resource_exhausted when the address or everyone used up the window's submissions; then
  //   `*retry_after` (when given) is the wait until one more is allowed (at least 1 s);
  // - invalid_argument naming "challenge" for a token that is malformed, forged, expired or
  //   already used, or a nonce that does not solve it (a verified token is used up, whatever
  //   happens next);
  // - invalid_argument naming "target" when it does not exist, is deleted, or is a classified
  //   task (the same answer as for a missing one).
  Result<nlohmann::json> Submit(const std::optional<Principal>& author, const nlohmann::json& body,
                                std::string_view address,
                                std::chrono::seconds* retry_after = nullptr);

  // The feedback `p` may moderate, by id, filtered by query parameters state, plan (an id),
  // target_kind, and paged by limit (1–1000, default 50) and offset. Items as Get without
  // events. invalid_argument naming a parameter that is unknown or malformed.
  Result<Page> List(const Principal& p, const QueryParams& params);

  // One piece of feedback with everything about it (contact and address hash included) and its
  // events: {"id", "target", "plan", "kind", "text", "author": {"login", "name"}, "contact",
  // "address_hash", "state", "answer", "answered_by", "answered_at", "reason", "created_at",
  // "updated_at", "events": [{"state", "actor", "note", "at"}]} (empty texts as null).
  // not_found when it does not exist or `p` may not moderate it.
  Result<nlohmann::json> Get(const Principal& p, std::int64_t id);

  // accept: body {}; reject: {"reason"} (1–1000 bytes after trimming); answer: {"answer"}
  // (1–4000 bytes after trimming; new feedback is accepted first). Answers as Get.
  // not_found as Get; invalid_argument naming the field; failed_precondition when the state
  // does not allow it (accepting accepted feedback, anything on answered or rejected feedback).
  Result<nlohmann::json> Moderate(const Principal& p, std::int64_t id, FeedbackAction action,
                                  const nlohmann::json& body);

  // Accepted and answered feedback on exactly one target named by the parameter plan, task or
  // indicator (an id), oldest first, paged by limit and offset: items {"id", "kind", "text",
  // "author_name", "created_at", "answer", "answered_at"} (null when empty) — never the contact,
  // the author's login or the address. not_found when the target does not exist, is deleted or
  // is a classified task; invalid_argument for parameters that are missing, repeated in kind
  // (two targets), unknown or malformed.
  Result<Page> Published(const QueryParams& params);

 private:
  struct State;
  Store& store_;
  FeedbackOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace planwatch
