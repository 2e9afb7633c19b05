// Feedback records of the store (store.h): each piece of feedback with its current state, and
// the append-only events of its moderation.
#pragma once

#include <optional>
#include <string>

#include "planwatch/base/ids.h"
#include "planwatch/domain/feedback.h"

namespace planwatch {

using FeedbackId = Id<struct FeedbackTag>;

// One piece of feedback. The target, kind, text, author, contact and address hash never change
// once stored; state, answer and reason change only through AppendFeedbackEvent.
struct FeedbackRecord {
  FeedbackId id;
  FeedbackTarget target;
  PlanId plan;  // the target's plan (a plan: itself; a task: its plan); none for an indicator
  FeedbackKind kind = FeedbackKind::kQuestion;
  std::string text;
  std::string author_login;  // the signed-in author; empty for the public
  std::string author_name;   // as given; may be empty
  std::string contact;       // e-mail or phone as given; never shown publicly; may be empty
  std::string address_hash;  // keyed hash of the client address (rate limits, abuse review)
  FeedbackState state = FeedbackState::kNew;
  std::string answer;       // set by the answered event
  std::string answered_by;  // login
  std::string answered_at;  // ISO 8601 UTC instant; empty until answered
  std::string reason;       // set by the rejected event
  std::string created_at;   // set by the store
  std::string updated_at;   // the instant of the latest event (created_at at first)

  friend bool operator==(const FeedbackRecord&, const FeedbackRecord&) = default;
};

// One event of a piece of feedback: its submission (state new) and each later transition.
struct FeedbackEvent {
  FeedbackId feedback;
  FeedbackState state = FeedbackState::kNew;  // the state it moved to
  std::string actor;                          // login; empty for a public submission
  std::string note;                           // the answer (answered), the reason (rejected)
  std::string at;                             // set by the store

  friend bool operator==(const FeedbackEvent&, const FeedbackEvent&) = default;
};

// Filters of FindFeedback; every one that is set must match.
struct FeedbackQuery {
  std::optional<FeedbackState> state;
  std::optional<PlanId> plan;
  std::optional<FeedbackTargetKind> target_kind;
  std::optional<FeedbackTarget> target;
};

}  // namespace planwatch
