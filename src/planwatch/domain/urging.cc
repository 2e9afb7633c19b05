#include "planwatch/domain/urging.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <utility>

#include "planwatch/base/enum_names.h"

namespace planwatch {
namespace {

constexpr NameTable<UrgingRung, 4> kRungNames{{
    {UrgingRung::kReminder, "reminder"},
    {UrgingRung::kNotice, "notice"},
    {UrgingRung::kExplanationRequest, "explanation_request"},
    {UrgingRung::kInspectionFlag, "inspection_flag"},
}};
constexpr NameTable<UrgingRung, 4> kRungLabelsVi{{
    {UrgingRung::kReminder, "Nhắc việc"},
    {UrgingRung::kNotice, "Thông báo đôn đốc"},
    {UrgingRung::kExplanationRequest, "Yêu cầu giải trình"},
    {UrgingRung::kInspectionFlag, "Đề nghị kiểm tra"},
}};
constexpr NameTable<UrgingRung, 4> kRungLabelsEn{{
    {UrgingRung::kReminder, "Reminder"},
    {UrgingRung::kNotice, "Urging notice"},
    {UrgingRung::kExplanationRequest, "Explanation request"},
    {UrgingRung::kInspectionFlag, "Inspection flag"},
}};
constexpr NameTable<UrgingSubjectKind, 3> kSubjectNames{{
    {UrgingSubjectKind::kTask, "task"},
    {UrgingSubjectKind::kReport, "report"},
    {UrgingSubjectKind::kIndicator, "indicator"},
}};
constexpr NameTable<DeliveryChannel, 2> kChannelNames{{
    {DeliveryChannel::kEmail, "email"},
    {DeliveryChannel::kWebhook, "webhook"},
}};
constexpr NameTable<DeliveryState, 4> kStateNames{{
    {DeliveryState::kPending, "pending"},
    {DeliveryState::kSending, "sending"},
    {DeliveryState::kDelivered, "delivered"},
    {DeliveryState::kFailed, "failed"},
}};
constexpr NameTable<AttemptOutcome, 5> kOutcomeNames{{
    {AttemptOutcome::kOpen, "open"},
    {AttemptOutcome::kDelivered, "delivered"},
    {AttemptOutcome::kRetry, "retry"},
    {AttemptOutcome::kFailed, "failed"},
    {AttemptOutcome::kInterrupted, "interrupted"},
}};

constexpr std::string_view kEventPrefix = "urging.";

constexpr std::array<UrgingRung, 4> kLadder = {UrgingRung::kReminder, UrgingRung::kNotice,
                                               UrgingRung::kExplanationRequest,
                                               UrgingRung::kInspectionFlag};

}  // namespace

std::string_view UrgingRungName(UrgingRung rung) { return NameOf(kRungNames, rung); }
Result<UrgingRung> ParseUrgingRung(std::string_view text) {
  return ParseName(kRungNames, "urging rung", text);
}
std::string UrgingEventName(UrgingRung rung) {
  return std::string(kEventPrefix) + std::string(UrgingRungName(rung));
}
Result<UrgingRung> ParseUrgingEvent(std::string_view text) {
  if (text.starts_with(kEventPrefix)) {
    if (auto rung = ParseUrgingRung(text.substr(kEventPrefix.size()))) return *rung;
  }
  std::string accepted;
  for (UrgingRung rung : kLadder) {
    if (!accepted.empty()) accepted += ", ";
    accepted += UrgingEventName(rung);
  }
  return InvalidArgument(
      fmt::format("'{}' is not a valid event: expected one of {}", EchoForMessage(text), accepted));
}
std::string_view UrgingRungLabelVi(UrgingRung rung) { return NameOf(kRungLabelsVi, rung); }
std::string_view UrgingRungLabelEn(UrgingRung rung) { return NameOf(kRungLabelsEn, rung); }

std::string_view UrgingSubjectKindName(UrgingSubjectKind kind) {
  return NameOf(kSubjectNames, kind);
}
Result<UrgingSubjectKind> ParseUrgingSubjectKind(std::string_view text) {
  return ParseName(kSubjectNames, "urging subject", text);
}

Status ValidateUrgingRules(const UrgingRules& rules) {
  std::vector<ErrorDetail> details;
  auto check = [&](bool ok, std::string_view field, int value, std::string bound) {
    if (!ok) {
      details.push_back(ErrorDetail{0, std::string(field),
                                    fmt::format("{} is {}, must be {}", field, value, bound)});
    }
  };
  check(rules.reminder_days_before >= 0 && rules.reminder_days_before <= kMaxUrgingDays,
        "reminder_days_before", rules.reminder_days_before, fmt::format("0 to {}", kMaxUrgingDays));
  check(rules.notice_days_after >= 1 && rules.notice_days_after <= kMaxUrgingDays,
        "notice_days_after", rules.notice_days_after, fmt::format("1 to {}", kMaxUrgingDays));
  check(rules.explanation_days_after > rules.notice_days_after &&
            rules.explanation_days_after <= kMaxUrgingDays,
        "explanation_days_after", rules.explanation_days_after,
        fmt::format("more than notice_days_after ({}) and at most {}", rules.notice_days_after,
                    kMaxUrgingDays));
  check(rules.inspection_days_after > rules.explanation_days_after &&
            rules.inspection_days_after <= kMaxUrgingDays,
        "inspection_days_after", rules.inspection_days_after,
        fmt::format("more than explanation_days_after ({}) and at most {}",
                    rules.explanation_days_after, kMaxUrgingDays));
  if (details.empty()) return {};
  std::string message = "invalid urging rules: " + details.front().message;
  return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(details));
}

Date RungDate(const UrgingRules& rules, UrgingRung rung, Date due_on) {
  switch (rung) {
    case UrgingRung::kReminder:
      return due_on.AddDays(-rules.reminder_days_before);
    case UrgingRung::kNotice:
      return due_on.AddDays(rules.notice_days_after);
    case UrgingRung::kExplanationRequest:
      return due_on.AddDays(rules.explanation_days_after);
    case UrgingRung::kInspectionFlag:
      break;
  }
  return due_on.AddDays(rules.inspection_days_after);
}

std::vector<UrgingRung> RungsDue(const UrgingRules& rules, Date due_on, std::optional<Date> met_on,
                                 Date today) {
  if (met_on && *met_on <= today) return {};
  std::size_t reached = 0;
  for (std::size_t i = 0; i < kLadder.size(); ++i) {
    if (RungDate(rules, kLadder[i], due_on) <= today) reached = i + 1;
  }
  return std::vector<UrgingRung>(kLadder.begin(), kLadder.begin() + static_cast<long>(reached));
}

std::string_view DeliveryChannelName(DeliveryChannel channel) {
  return NameOf(kChannelNames, channel);
}
Result<DeliveryChannel> ParseDeliveryChannel(std::string_view text) {
  return ParseName(kChannelNames, "delivery channel", text);
}
std::string_view DeliveryStateName(DeliveryState state) { return NameOf(kStateNames, state); }
Result<DeliveryState> ParseDeliveryState(std::string_view text) {
  return ParseName(kStateNames, "delivery state", text);
}
std::string_view AttemptOutcomeName(AttemptOutcome outcome) {
  return NameOf(kOutcomeNames, outcome);
}
Result<AttemptOutcome> ParseAttemptOutcome(std::string_view text) {
  return ParseName(kOutcomeNames, "attempt outcome", text);
}

Status ValidateBackoffPolicy(const BackoffPolicy& policy) {
  if (policy.base.count() <= 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("back-off base must be positive, got {} s", policy.base.count()),
                {ErrorDetail{0, "base", "must be positive"}});
  }
  if (policy.cap < policy.base) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("back-off cap ({} s) must not be below its base ({} s)",
                            policy.cap.count(), policy.base.count()),
                {ErrorDetail{0, "cap", "must not be below base"}});
  }
  if (policy.max_attempts < 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("max_attempts must be at least 1, got {}", policy.max_attempts),
                {ErrorDetail{0, "max_attempts", "must be at least 1"}});
  }
  return {};
}

std::optional<std::chrono::seconds> RetryDelay(const BackoffPolicy& policy, int attempts_made) {
  if (attempts_made < 1) attempts_made = 1;
  if (attempts_made >= policy.max_attempts) return std::nullopt;
  std::int64_t delay = policy.base.count();
  const std::int64_t cap = policy.cap.count();
  // Doubling stops at the cap, so no count overflows.
  for (int i = 1; i < attempts_made && delay < cap; ++i) {
    delay = delay > cap / 2 ? cap : delay * 2;
  }
  return std::chrono::seconds(delay < cap ? delay : cap);
}

}  // namespace planwatch
