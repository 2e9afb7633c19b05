// The urging ladder (SPEC §3 "Accountability") and the back-off of the delivery outbox, as pure
// rules: no I/O, no clock; thread-compatible.
//
// A subject (a task's deadline, a report's due date, an indicator value) climbs the ladder while
// it is not met:
//   reminder             from reminder_days_before days before the due date
//   notice               from notice_days_after days after it (the subject is overdue)
//   explanation_request  from explanation_days_after days after it (the unit must answer)
//   inspection_flag      from inspection_days_after days after it (for the inspection committee)
// Each rung is raised once per subject; a scan that missed days raises every rung it skipped.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"

namespace planwatch {

using UrgingId = Id<struct UrgingTag>;
using NotificationId = Id<struct NotificationTag>;
using WebhookId = Id<struct WebhookTag>;
using OutboxId = Id<struct OutboxTag>;

// The rungs, in ladder order (the enum order is the ladder order).
enum class UrgingRung { kReminder, kNotice, kExplanationRequest, kInspectionFlag };
// "reminder", "notice", "explanation_request", "inspection_flag".
std::string_view UrgingRungName(UrgingRung rung);
// Exactly the names above; invalid_argument naming the input and the accepted names otherwise.
Result<UrgingRung> ParseUrgingRung(std::string_view text);
// The webhook event of a rung: "urging.reminder", "urging.notice",
// "urging.explanation_request", "urging.inspection_flag".
std::string UrgingEventName(UrgingRung rung);
// Exactly an event name above; invalid_argument naming the input otherwise.
Result<UrgingRung> ParseUrgingEvent(std::string_view text);
// Vietnamese and English labels of a rung ("Nhắc việc" / "Reminder", …).
std::string_view UrgingRungLabelVi(UrgingRung rung);
std::string_view UrgingRungLabelEn(UrgingRung rung);

// What an urging is about.
enum class UrgingSubjectKind {
  kTask,       // a deadline task: its deadline in force
  kReport,     // a periodic report of (plan, unit, period): its due date
  kIndicator,  // an indicator value of (indicator, unit, period) found off track
};
// "task", "report", "indicator"; Parse* is invalid_argument naming the input otherwise.
std::string_view UrgingSubjectKindName(UrgingSubjectKind kind);
Result<UrgingSubjectKind> ParseUrgingSubjectKind(std::string_view text);

// A plan's ladder, in days. Defaults as documented.
struct UrgingRules {
  int reminder_days_before = 7;
  int notice_days_after = 1;
  int explanation_days_after = 10;
  int inspection_days_after = 30;

  friend bool operator==(const UrgingRules&, const UrgingRules&) = default;
};

// Longest span any rule may name, in days.
inline constexpr int kMaxUrgingDays = 3650;

// OK when 0 <= reminder_days_before <= kMaxUrgingDays and
// 1 <= notice_days_after < explanation_days_after < inspection_days_after <= kMaxUrgingDays.
// invalid_argument otherwise, with one ErrorDetail per offending field (field = its name, message
// with the value and the bound), in field order.
Status ValidateUrgingRules(const UrgingRules& rules);

// The first day on which `rung` is due for a subject due on `due_on`.
Date RungDate(const UrgingRules& rules, UrgingRung rung, Date due_on);

// The rungs due on `today` for a subject due on `due_on`, in ladder order: every rung from the
// reminder up to the highest one whose RungDate is on or before `today`, so a scan that missed
// days catches up. Empty when the subject is met on or before `today` (met_on set and
// *met_on <= today: a met subject is never urged, even late), or when today is before the
// reminder date. Which of them were already raised is the caller's to filter.
std::vector<UrgingRung> RungsDue(const UrgingRules& rules, Date due_on, std::optional<Date> met_on,
                                 Date today);

// ---------------------------------------------------------------------------------------------
// The delivery outbox

enum class DeliveryChannel { kEmail, kWebhook };
// "email", "webhook".
std::string_view DeliveryChannelName(DeliveryChannel channel);
Result<DeliveryChannel> ParseDeliveryChannel(std::string_view text);

// pending → sending → delivered | pending (retry) | failed. A row is `sending` only while an
// attempt is open; a row left `sending` by a crash is recovered as pending.
enum class DeliveryState { kPending, kSending, kDelivered, kFailed };
// "pending", "sending", "delivered", "failed".
std::string_view DeliveryStateName(DeliveryState state);
Result<DeliveryState> ParseDeliveryState(std::string_view text);

// How an attempt ended.
enum class AttemptOutcome {
  kOpen,         // not ended yet (the attempt is in progress, or the process died during it)
  kDelivered,    // accepted by the relay or the receiver
  kRetry,        // transient failure: tried again later
  kFailed,       // permanent failure, or the last attempt allowed failed
  kInterrupted,  // the process stopped during the attempt; retried with the same key
};
// "open", "delivered", "retry", "failed", "interrupted".
std::string_view AttemptOutcomeName(AttemptOutcome outcome);
Result<AttemptOutcome> ParseAttemptOutcome(std::string_view text);

// Exponential back-off of failed deliveries.
struct BackoffPolicy {
  std::chrono::seconds base{30};       // the delay after the first failed attempt; > 0
  std::chrono::seconds cap{6 * 3600};  // no delay is longer; >= base
  int max_attempts = 8;                // attempts in all; >= 1

  friend bool operator==(const BackoffPolicy&, const BackoffPolicy&) = default;
};

// invalid_argument naming the field (base, cap, max_attempts) when a bound above is broken.
Status ValidateBackoffPolicy(const BackoffPolicy& policy);

// After `attempts_made` attempts (>= 1) of which the last failed transiently: the delay before
// the next one, base·2^(attempts_made−1) capped at `cap` (no overflow for any count); none when
// attempts_made >= max_attempts (the row fails). attempts_made < 1 is treated as 1.
std::optional<std::chrono::seconds> RetryDelay(const BackoffPolicy& policy, int attempts_made);

}  // namespace planwatch
