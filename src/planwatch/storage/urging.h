// Records of the urging ladder, the notification centre and the delivery outbox, as the Store
// keeps them (the methods are in store.h under "Urging, notifications and the outbox").
// Instants are ISO 8601 UTC with milliseconds, as everywhere in storage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/urging.h"

namespace planwatch {

// One rung raised for one subject: accountability evidence. Append-only except the answer.
// The subject is (task) for kTask, (plan, unit, period) for kReport and (indicator, unit,
// period) for kIndicator; at most one urging per (subject, rung).
struct UrgingRecord {
  UrgingId id;
  UrgingSubjectKind subject = UrgingSubjectKind::kTask;
  TaskId task;                   // kTask
  IndicatorId indicator;         // kIndicator
  std::optional<Period> period;  // kReport, kIndicator
  PlanId plan;                   // kTask, kReport (none for an indicator)
  OrgUnitId unit;                // the unit held to account
  UrgingRung rung = UrgingRung::kReminder;
  Date due_on;              // the subject's due date (an indicator: the end of its period)
  Date raised_on;           // the scan's date
  std::string message;      // what the unit was told (Vietnamese, then English)
  std::string answer;       // explanation requests: the unit's answer; empty while unanswered
  std::string answered_by;  // login
  std::string answered_at;  // set by the store
  std::string created_at;   // set by the store

  friend bool operator==(const UrgingRecord&, const UrgingRecord&) = default;
};

struct UrgingQuery {
  std::optional<PlanId> plan;
  std::optional<OrgUnitId> unit;
  std::optional<UrgingRung> rung;
  std::optional<UrgingSubjectKind> subject;
  std::optional<TaskId> task;
  // Only explanation requests still awaiting their answer.
  bool open_only = false;
};

// A message in a user's notification centre.
struct NotificationRecord {
  NotificationId id;
  UserId user;
  UrgingId urging;     // none when another source raised it
  std::string source;  // "urging", or the raising part's name; not empty
  std::string title;   // not empty
  std::string body;
  std::string link;        // a path in the UI or API, e.g. "/api/v1/urgings/3"
  std::string created_at;  // set by the store
  std::string read_at;     // empty while unread; set by the store

  friend bool operator==(const NotificationRecord&, const NotificationRecord&) = default;
};

struct NotificationQuery {
  UserId user;
  bool unread_only = false;
};

// A receiver of signed event posts.
struct WebhookRecord {
  WebhookId id;
  std::string url;                  // not empty
  std::string secret;               // HMAC-SHA256 key; not empty
  std::vector<std::string> events;  // event names (urging.notice, …), no empty or repeated one
  bool active = true;
  std::string created_by;  // login
  std::string created_at;  // set by the store
  std::string deleted_at;  // empty while live; set by DeleteWebhook

  friend bool operator==(const WebhookRecord&, const WebhookRecord&) = default;
};

// One message to deliver. The idempotency key is sent with every attempt (e-mail Message-ID,
// webhook X-Planwatch-Delivery), so a receiver that keeps ids shows it once.
struct OutboxRecord {
  OutboxId id;
  DeliveryChannel channel = DeliveryChannel::kEmail;
  std::string destination;      // an e-mail address, or the webhook's URL; not empty
  WebhookId webhook;            // kWebhook: the webhook whose secret signs the body
  std::string event;            // "urging.notice"
  std::string subject;          // e-mail subject (UTF-8)
  std::string payload;          // e-mail text, or the webhook's JSON body
  std::string idempotency_key;  // unique, not empty
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;             // attempts started
  std::string next_attempt_at;  // when pending: due from this instant
  std::string delivered_at;
  std::string last_error;
  std::string created_at;  // set by the store
  UrgingId urging;         // the urging that raised it, if any

  friend bool operator==(const OutboxRecord&, const OutboxRecord&) = default;
};

struct OutboxQuery {
  std::optional<DeliveryState> state;
  // Only rows whose next_attempt_at is at or before this instant (with state pending: the rows
  // due for delivery).
  std::optional<std::string> due_by;
  std::optional<DeliveryChannel> channel;
  int limit = 0;  // 0: no limit
};

// One delivery attempt of an outbox row; `number` counts from 1 per row.
struct DeliveryAttempt {
  OutboxId outbox;
  int number = 0;
  std::string started_at;
  std::string finished_at;  // empty while open
  AttemptOutcome outcome = AttemptOutcome::kOpen;
  std::string error;

  friend bool operator==(const DeliveryAttempt&, const DeliveryAttempt&) = default;
};

// How the open attempt of a `sending` row ended.
struct DeliveryAttemptEnd {
  std::string finished_at;                              // an instant
  AttemptOutcome outcome = AttemptOutcome::kDelivered;  // not kOpen
  std::string error;  // kRetry, kFailed, kInterrupted: what happened
  // kRetry, kInterrupted: when the row is due again (an instant).
  std::string next_attempt_at;
};

}  // namespace planwatch
