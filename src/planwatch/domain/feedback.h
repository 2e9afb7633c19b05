// Feedback from people, businesses and officials on a plan, a task or an indicator, and the rules
// it follows (pure): the moderation states and their transitions, and the proof-of-work
// challenge that a public submission must solve (its token format and the check of a solution).
//
//   new ──accept──▶ accepted ──answer──▶ answered
//    │                 │
//    └─────reject──────┴──reject──▶ rejected
//
// Answering new feedback accepts it first (two transitions). answered and rejected are final.
//
// Thread-safety: every function is pure; no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "planwatch/base/error.h"

namespace planwatch {

enum class FeedbackKind { kInitiative, kRecommendation, kQuestion, kComplaint };
enum class FeedbackState { kNew, kAccepted, kAnswered, kRejected };
enum class FeedbackTargetKind { kPlan, kTask, kIndicator };

// Lower-case names as in JSON ("initiative", "accepted", "task"); each Parse* is
// invalid_argument naming the input and the accepted names for anything else.
std::string_view FeedbackKindName(FeedbackKind kind);
std::string_view FeedbackStateName(FeedbackState state);
std::string_view FeedbackTargetKindName(FeedbackTargetKind kind);
Result<FeedbackKind> ParseFeedbackKind(std::string_view text);
Result<FeedbackState> ParseFeedbackState(std::string_view text);
Result<FeedbackTargetKind> ParseFeedbackTargetKind(std::string_view text);

// What the feedback is about: the id of a plan, a task or an indicator (by `kind`).
struct FeedbackTarget {
  FeedbackTargetKind kind = FeedbackTargetKind::kPlan;
  std::int64_t id = 0;

  friend bool operator==(const FeedbackTarget&, const FeedbackTarget&) = default;
};

// One transition: success when `from` may move to `to` (new → accepted, new → rejected,
// accepted → answered, accepted → rejected); failed_precondition naming both states otherwise.
Status CheckFeedbackTransition(FeedbackState from, FeedbackState to);

// Accepted and answered feedback is shown under its target to everyone.
bool IsPublished(FeedbackState state);

// ---- The challenge ----

// A challenge as issued: random bytes, the instant it expires (seconds since the Unix epoch) and
// the number of leading zero bits a solution's hash must have, authenticated by `mac`
// (HMAC-SHA-256 of ChallengePayload under the issuer's key, computed above the domain).
struct ChallengeToken {
  std::array<std::uint8_t, 16> random{};
  std::int64_t expires_at = 0;  // seconds since 1970-01-01T00:00:00Z
  int difficulty = 0;           // 0..kMaxChallengeDifficulty
  std::array<std::uint8_t, 32> mac{};

  friend bool operator==(const ChallengeToken&, const ChallengeToken&) = default;
};

inline constexpr int kMaxChallengeDifficulty = 32;
// The length of a token's text: base64url without padding of 16 + 8 + 1 + 32 bytes.
inline constexpr std::size_t kChallengeTokenLength = 76;
// A nonce is a decimal string of 1..kMaxNonceLength ASCII digits.
inline constexpr std::size_t kMaxNonceLength = 20;

// The bytes the mac authenticates: random ‖ expires_at (8 bytes, big-endian) ‖ difficulty
// (1 byte).
std::string ChallengePayload(const ChallengeToken& token);

// The token's text: base64url (RFC 4648 §5, no padding) of ChallengePayload ‖ mac.
std::string EncodeChallengeToken(const ChallengeToken& token);

// The inverse of EncodeChallengeToken. invalid_argument (the message names what is wrong, never
// echoing more than a short prefix of the input) for a text of the wrong length, a character
// outside the base64url alphabet, non-zero padding bits, or a difficulty above
// kMaxChallengeDifficulty. Says nothing about the mac or the expiry: the caller checks those.
Result<ChallengeToken> ParseChallengeToken(std::string_view text);

// Leading zero bits of `digest` (8 × its size when all of it is zero).
int LeadingZeroBits(std::span<const std::uint8_t> digest);

// A nonce is well-formed: 1..kMaxNonceLength ASCII digits.
bool IsWellFormedNonce(std::string_view nonce);

// The text whose SHA-256 a solution must make start with `difficulty` zero bits:
// token + ":" + nonce.
std::string ChallengeSolutionInput(std::string_view token, std::string_view nonce);

// The proof-of-work check: `digest` (the SHA-256 of ChallengeSolutionInput) has at least
// `difficulty` leading zero bits.
bool SolvesChallenge(std::span<const std::uint8_t> digest, int difficulty);

}  // namespace planwatch
