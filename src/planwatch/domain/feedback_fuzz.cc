// Parses arbitrary bytes as a feedback challenge token and checks what parses: the canonical
// form round-trips byte for byte, the difficulty is in range, and errors are valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "planwatch/base/text.h"
#include "planwatch/domain/feedback.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto token = planwatch::ParseChallengeToken(text);
  if (!token) {
    Check(token.error().code == planwatch::ErrorCode::kInvalidArgument);
    Check(!planwatch::FirstInvalidUtf8(token.error().message).has_value());
    return 0;
  }
  Check(text.size() == planwatch::kChallengeTokenLength);
  Check(token->difficulty >= 0 && token->difficulty <= planwatch::kMaxChallengeDifficulty);
  Check(planwatch::EncodeChallengeToken(*token) == text);
  Check(planwatch::ChallengePayload(*token).size() == 25);
  return 0;
}
