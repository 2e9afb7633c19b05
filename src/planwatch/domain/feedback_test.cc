#include "planwatch/domain/feedback.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

namespace planwatch {
namespace {

using ::testing::HasSubstr;

TEST(FeedbackNamesTest, RoundTripEveryName) {
  for (FeedbackKind k : {FeedbackKind::kInitiative, FeedbackKind::kRecommendation,
                         FeedbackKind::kQuestion, FeedbackKind::kComplaint}) {
    EXPECT_EQ(ParseFeedbackKind(FeedbackKindName(k)).value(), k);
  }
  for (FeedbackState s : {FeedbackState::kNew, FeedbackState::kAccepted, FeedbackState::kAnswered,
                          FeedbackState::kRejected}) {
    EXPECT_EQ(ParseFeedbackState(FeedbackStateName(s)).value(), s);
  }
  for (FeedbackTargetKind k :
       {FeedbackTargetKind::kPlan, FeedbackTargetKind::kTask, FeedbackTargetKind::kIndicator}) {
    EXPECT_EQ(ParseFeedbackTargetKind(FeedbackTargetKindName(k)).value(), k);
  }
  EXPECT_EQ(FeedbackKindName(FeedbackKind::kRecommendation), "recommendation");
  EXPECT_EQ(FeedbackStateName(FeedbackState::kAnswered), "answered");
  EXPECT_EQ(FeedbackTargetKindName(FeedbackTargetKind::kIndicator), "indicator");
}

TEST(FeedbackNamesTest, UnknownNamesAreInvalidAndNamed) {
  auto kind = ParseFeedbackKind("praise");
  ASSERT_FALSE(kind.has_value());
  EXPECT_EQ(kind.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(kind.error().message, HasSubstr("'praise'"));
  EXPECT_THAT(kind.error().message, HasSubstr("initiative, recommendation, question, complaint"));
  EXPECT_EQ(ParseFeedbackState("Accepted").error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(ParseFeedbackTargetKind("org-unit").error().message, HasSubstr("'org-unit'"));
}

TEST(FeedbackTransitionTest, AllowsExactlyTheFourMoves) {
  const FeedbackState all[] = {FeedbackState::kNew, FeedbackState::kAccepted,
                               FeedbackState::kAnswered, FeedbackState::kRejected};
  int allowed = 0;
  for (FeedbackState from : all) {
    for (FeedbackState to : all) {
      if (CheckFeedbackTransition(from, to).has_value()) ++allowed;
    }
  }
  EXPECT_EQ(allowed, 4);
  EXPECT_TRUE(CheckFeedbackTransition(FeedbackState::kNew, FeedbackState::kAccepted));
  EXPECT_TRUE(CheckFeedbackTransition(FeedbackState::kNew, FeedbackState::kRejected));
  EXPECT_TRUE(CheckFeedbackTransition(FeedbackState::kAccepted, FeedbackState::kAnswered));
  EXPECT_TRUE(CheckFeedbackTransition(FeedbackState::kAccepted, FeedbackState::kRejected));
}

TEST(FeedbackTransitionTest, RefusalNamesBothStates) {
  auto answered_new = CheckFeedbackTransition(FeedbackState::kNew, FeedbackState::kAnswered);
  ASSERT_FALSE(answered_new.has_value());
  EXPECT_EQ(answered_new.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(answered_new.error().message, "feedback that is new cannot become answered");
  auto reopened = CheckFeedbackTransition(FeedbackState::kRejected, FeedbackState::kAccepted);
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().message, "feedback that is rejected cannot become accepted");
  EXPECT_FALSE(CheckFeedbackTransition(FeedbackState::kAnswered, FeedbackState::kRejected));
  EXPECT_FALSE(CheckFeedbackTransition(FeedbackState::kAccepted, FeedbackState::kAccepted));
}

TEST(FeedbackTransitionTest, PublishedStates) {
  EXPECT_FALSE(IsPublished(FeedbackState::kNew));
  EXPECT_TRUE(IsPublished(FeedbackState::kAccepted));
  EXPECT_TRUE(IsPublished(FeedbackState::kAnswered));
  EXPECT_FALSE(IsPublished(FeedbackState::kRejected));
}

ChallengeToken SampleToken() {
  ChallengeToken t;
  for (std::size_t i = 0; i < t.random.size(); ++i) t.random[i] = static_cast<std::uint8_t>(i);
  t.expires_at = 1'750'000'000;
  t.difficulty = 16;
  for (std::size_t i = 0; i < t.mac.size(); ++i) t.mac[i] = static_cast<std::uint8_t>(0xA0 + i);
  return t;
}

TEST(ChallengeTokenTest, PayloadLayout) {
  const std::string payload = ChallengePayload(SampleToken());
  ASSERT_EQ(payload.size(), 25u);
  EXPECT_EQ(payload[0], '\x00');
  EXPECT_EQ(payload[15], '\x0f');
  // 1'750'000'000 = 0x684EE180, big-endian in 8 bytes.
  EXPECT_EQ(payload.substr(16, 8), std::string("\x00\x00\x00\x00\x68\x4e\xe1\x80", 8));
  EXPECT_EQ(payload[24], '\x10');
}

TEST(ChallengeTokenTest, EncodesAsBase64UrlAndRoundTrips) {
  const std::string text = EncodeChallengeToken(SampleToken());
  ASSERT_EQ(text.size(), kChallengeTokenLength);
  // The first 3 bytes 00 01 02 are "AAEC" in base64url.
  EXPECT_EQ(text.substr(0, 4), "AAEC");
  EXPECT_EQ(
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  auto parsed = ParseChallengeToken(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(*parsed, SampleToken());
}

TEST(ChallengeTokenTest, RefusesWrongLengthAndAlphabet) {
  const std::string text = EncodeChallengeToken(SampleToken());
  auto short_text = ParseChallengeToken(text.substr(1));
  ASSERT_FALSE(short_text.has_value());
  EXPECT_EQ(short_text.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(short_text.error().message, "a challenge token has 76 characters, not 75");
  EXPECT_FALSE(ParseChallengeToken("").has_value());
  std::string plus = text;
  plus[10] = '+';
  auto bad = ParseChallengeToken(plus);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "a challenge token is base64url: '+' at 10 is not");
  std::string padded = text;
  padded.back() = '=';
  EXPECT_FALSE(ParseChallengeToken(padded).has_value());
}

TEST(ChallengeTokenTest, RefusesADifficultyAboveTheMaximum) {
  ChallengeToken t = SampleToken();
  t.difficulty = kMaxChallengeDifficulty + 1;
  auto parsed = ParseChallengeToken(EncodeChallengeToken(t));
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "a challenge token's difficulty 33 is above 32");
  t.difficulty = kMaxChallengeDifficulty;
  EXPECT_TRUE(ParseChallengeToken(EncodeChallengeToken(t)).has_value());
}

TEST(ProofOfWorkTest, LeadingZeroBits) {
  const std::array<std::uint8_t, 4> none = {0x80, 0, 0, 0};
  const std::array<std::uint8_t, 4> nine = {0x00, 0x40, 0xFF, 0xFF};
  const std::array<std::uint8_t, 4> sixteen = {0x00, 0x00, 0x80, 0x00};
  const std::array<std::uint8_t, 4> zero = {0, 0, 0, 0};
  EXPECT_EQ(LeadingZeroBits(none), 0);
  EXPECT_EQ(LeadingZeroBits(nine), 9);
  EXPECT_EQ(LeadingZeroBits(sixteen), 16);
  EXPECT_EQ(LeadingZeroBits(zero), 32);
  EXPECT_TRUE(SolvesChallenge(nine, 9));
  EXPECT_FALSE(SolvesChallenge(nine, 10));
  EXPECT_TRUE(SolvesChallenge(none, 0));
  EXPECT_FALSE(SolvesChallenge(none, 1));
}

TEST(ProofOfWorkTest, NonceAndSolutionInput) {
  EXPECT_TRUE(IsWellFormedNonce("0"));
  EXPECT_TRUE(IsWellFormedNonce("18446744073709551615"));
  EXPECT_FALSE(IsWellFormedNonce(""));
  EXPECT_FALSE(IsWellFormedNonce("184467440737095516150"));
  EXPECT_FALSE(IsWellFormedNonce("-1"));
  EXPECT_FALSE(IsWellFormedNonce("12a"));
  EXPECT_FALSE(IsWellFormedNonce(" 12"));
  EXPECT_EQ(ChallengeSolutionInput("tok", "42"), "tok:42");
}

}  // namespace
}  // namespace planwatch
