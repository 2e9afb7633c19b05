#include "planwatch/domain/feedback.h"

#include <fmt/format.h>

#include <bit>

#include "planwatch/base/enum_names.h"
#include "planwatch/base/text.h"

namespace planwatch {
namespace {

constexpr NameTable<FeedbackKind, 4> kKindNames{{
    {FeedbackKind::kInitiative, "initiative"},
    {FeedbackKind::kRecommendation, "recommendation"},
    {FeedbackKind::kQuestion, "question"},
    {FeedbackKind::kComplaint, "complaint"},
}};

constexpr NameTable<FeedbackState, 4> kStateNames{{
    {FeedbackState::kNew, "new"},
    {FeedbackState::kAccepted, "accepted"},
    {FeedbackState::kAnswered, "answered"},
    {FeedbackState::kRejected, "rejected"},
}};

constexpr NameTable<FeedbackTargetKind, 3> kTargetKindNames{{
    {FeedbackTargetKind::kPlan, "plan"},
    {FeedbackTargetKind::kTask, "task"},
    {FeedbackTargetKind::kIndicator, "indicator"},
}};

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kPayloadBytes = 16 + 8 + 1;
constexpr std::size_t kTokenBytes = kPayloadBytes + 32;

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : bytes) {
    buffer = (buffer << 8) | static_cast<std::uint8_t>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

}  // namespace

std::string_view FeedbackKindName(FeedbackKind kind) { return NameOf(kKindNames, kind); }
std::string_view FeedbackStateName(FeedbackState state) { return NameOf(kStateNames, state); }
std::string_view FeedbackTargetKindName(FeedbackTargetKind kind) {
  return NameOf(kTargetKindNames, kind);
}
Result<FeedbackKind> ParseFeedbackKind(std::string_view text) {
  return ParseName(kKindNames, "feedback kind", text);
}
Result<FeedbackState> ParseFeedbackState(std::string_view text) {
  return ParseName(kStateNames, "feedback state", text);
}
Result<FeedbackTargetKind> ParseFeedbackTargetKind(std::string_view text) {
  return ParseName(kTargetKindNames, "feedback target kind", text);
}

Status CheckFeedbackTransition(FeedbackState from, FeedbackState to) {
  const bool allowed = (from == FeedbackState::kNew &&
                        (to == FeedbackState::kAccepted || to == FeedbackState::kRejected)) ||
                       (from == FeedbackState::kAccepted &&
                        (to == FeedbackState::kAnswered || to == FeedbackState::kRejected));
  if (allowed) return {};
  return Fail(ErrorCode::kFailedPrecondition,
              fmt::format("feedback that is {} cannot become {}", FeedbackStateName(from),
                          FeedbackStateName(to)));
}

bool IsPublished(FeedbackState state) {
  return state == FeedbackState::kAccepted || state == FeedbackState::kAnswered;
}

std::string ChallengePayload(const ChallengeToken& token) {
  std::string out(token.random.begin(), token.random.end());
  const auto expires = static_cast<std::uint64_t>(token.expires_at);
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((expires >> shift) & 0xFF));
  }
  out.push_back(static_cast<char>(token.difficulty & 0xFF));
  return out;
}

std::string EncodeChallengeToken(const ChallengeToken& token) {
  std::string bytes = ChallengePayload(token);
  bytes.append(token.mac.begin(), token.mac.end());
  return Base64UrlEncode(bytes);
}

Result<ChallengeToken> ParseChallengeToken(std::string_view text) {
  if (text.size() != kChallengeTokenLength) {
    return InvalidArgument(fmt::format("a challenge token has {} characters, not {}",
                                       kChallengeTokenLength, text.size()));
  }
  std::string bytes;
  bytes.reserve(kTokenBytes);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = Base64UrlValue(text[i]);
    if (v < 0) {
      return InvalidArgument(fmt::format("a challenge token is base64url: '{}' at {} is not",
                                         EchoForMessage(text.substr(i, 1)), i));
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // 76 characters carry 456 bits: 57 bytes and 0 bits left over, so nothing can hide there;
  // the check stays for a change of the layout.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) {
    return InvalidArgument("a challenge token has non-zero padding bits");
  }
  if (bytes.size() != kTokenBytes) return InvalidArgument("a challenge token has the wrong size");
  ChallengeToken token;
  for (std::size_t i = 0; i < token.random.size(); ++i) {
    token.random[i] = static_cast<std::uint8_t>(bytes[i]);
  }
  std::uint64_t expires = 0;
  for (std::size_t i = 16; i < 24; ++i)
    expires = (expires << 8) | static_cast<std::uint8_t>(bytes[i]);
  token.expires_at = static_cast<std::int64_t>(expires);
  token.difficulty = static_cast<std::uint8_t>(bytes[24]);
  if (token.difficulty > kMaxChallengeDifficulty) {
    return InvalidArgument(fmt::format("a challenge token's difficulty {} is above {}",
                                       token.difficulty, kMaxChallengeDifficulty));
  }
  for (std::size_t i = 0; i < token.mac.size(); ++i) {
    token.mac[i] = static_cast<std::uint8_t>(bytes[kPayloadBytes + i]);
  }
  return token;
}

int LeadingZeroBits(std::span<const std::uint8_t> digest) {
  int zeros = 0;
  for (std::uint8_t byte : digest) {
    if (byte == 0) {
      zeros += 8;
      continue;
    }
    return zeros + std::countl_zero(byte);
  }
  return zeros;
}

bool IsWellFormedNonce(std::string_view nonce) {
  if (nonce.empty() || nonce.size() > kMaxNonceLength) return false;
  for (char c : nonce) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string ChallengeSolutionInput(std::string_view token, std::string_view nonce) {
  std::string out;
  out.reserve(token.size() + 1 + nonce.size());
  out.append(token);
  out.push_back(':');
  out.append(nonce);
  return out;
}

bool SolvesChallenge(std::span<const std::uint8_t> digest, int difficulty) {
  return difficulty <= 0 || LeadingZeroBits(digest) >= difficulty;
}

}  // namespace planwatch
