// Delivery of the outbox: e-mails through an SMTP relay and HMAC-signed webhooks.
//
// The Courier is the network behind an interface (http/couriers.h makes the real one; tests use
// a fake). The Deliverer drives the outbox kept by the store: every attempt is recorded before
// the message leaves, so a crash at any point loses nothing and a retry reuses the same
// idempotency key.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/urging.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct OutboundEmail {
  std::vector<std::string> to;  // addresses
  std::string from;             // empty: the courier's default
  std::string subject;          // UTF-8 (the courier encodes it, RFC 2047)
  std::string text;             // UTF-8 plain text (the courier encodes it)
  std::string message_id;       // "<outbox-17@planwatch>": stable across retries
};

struct OutboundWebhook {
  std::string url;          // http://host:port/path (https not required)
  std::string secret;       // HMAC-SHA256 key
  std::string event;        // "urging.notice"
  std::string delivery_id;  // stable across retries
  std::string body;         // JSON
};

// Sends one message. Outcomes:
//   ok: the relay or the receiver accepted it;
//   unavailable: transient (connection refused, timeout, 4xx SMTP reply, HTTP 5xx/429) → retry;
//   failed_precondition: permanent (5xx SMTP reply, HTTP 4xx other than 408/429) → no retry.
// The message says what happened (the reply line or status), for the attempt's record.
// Thread-safety: called by one delivery thread at a time.
class Courier {
 public:
  virtual ~Courier() = default;
  virtual Status SendEmail(const OutboundEmail& email) = 0;
  virtual Status PostWebhook(const OutboundWebhook& hook) = 0;
};

using DeliveryClock = std::chrono::system_clock;

struct DeliveryOptions {
  BackoffPolicy backoff;  // delays between attempts and how many are made
  std::string from;       // the e-mails' From; empty: the courier's default
  int batch = 50;         // at most this many rows per DeliverDue call; >= 1
  // false (no SMTP relay configured): e-mails are left pending, untouched; webhooks still go.
  bool email = true;
  // An attempt open for longer than this was cut short (its process stopped): Recover() closes
  // it. A younger one may be in flight on another node and is left alone. Well above a
  // courier's timeout (10 s).
  std::chrono::seconds lease{120};
};

// The message id of an e-mail: "<" + key + "@planwatch>".
std::string EmailMessageId(const std::string& idempotency_key);

// Delivers the outbox. Every attempt is recorded before the message leaves:
//   1. Claim: in one committed transaction, the row becomes `sending` and an open attempt is
//      recorded (StartDeliveryAttempt).
//   2. Send through the Courier, with the row's idempotency key (e-mail Message-ID, webhook
//      delivery id).
//   3. Record the outcome in a second transaction: delivered; or, after a transient failure
//      (unavailable), pending again after the back-off (RetryDelay) until max_attempts, then
//      failed; a permanent failure (any other error) fails at once.
// A crash between 1 and 3 leaves the row `sending` with its attempt open: Recover() (run by every
// DeliverDue) closes such attempts as interrupted once they are older than the lease and makes
// the rows due at once, so they are sent again with the SAME idempotency key — a receiver that
// keeps ids never shows a message twice. Nothing is lost: a row leaves the outbox only as
// delivered or failed, each attempt on record.
// Several Deliverers (one per node) may share a database: a claim is a check-and-set on a pending
// row, so one of them sends each attempt, and an attempt within its lease is never taken for an
// interrupted one. Thread-compatible: call from one thread.
class Deliverer {
 public:
  explicit Deliverer(DeliveryOptions options = {});

  // Closes the open attempt of every `sending` row that started more than the lease before
  // `now` as interrupted, due at `now`. Returns how many rows it recovered.
  Result<int> Recover(Store& store, DeliveryClock::time_point now);

  // One claimed row: committed as `sending`, its attempt open.
  struct Claim {
    OutboxRecord row;  // as claimed (state sending, attempts counting this one)
    int attempt = 0;   // the attempt's number
  };
  // Step 1 for the next due row (pending, next_attempt_at <= now, lowest id); none when no row
  // is due.
  Result<std::optional<Claim>> ClaimNext(Store& store, DeliveryClock::time_point now);
  // Steps 2 and 3 for a claimed row; `now` is when the outcome is recorded (and the back-off
  // counts from). Returns the outcome recorded.
  Result<AttemptOutcome> Complete(Store& store, Courier& courier, const Claim& claim,
                                  DeliveryClock::time_point now);

  // Recovers once (first call only), then claims and completes due rows, up to options.batch.
  // Returns how many rows were delivered. Stops at the first storage error.
  Result<int> DeliverDue(Store& store, Courier& courier, DeliveryClock::time_point now);

 private:
  DeliveryOptions options_;
};

// GET /deliveries?state=&channel=&limit=&offset=: the outbox, newest first, each row with its
// attempts: {id, channel, destination, event, subject, idempotency_key, state, attempts,
// next_attempt_at, delivered_at, last_error, created_at, urging, attempt_log: [{number,
// started_at, finished_at, outcome, error}]} (payloads and webhook secrets are not shown).
// Admins whose scope is a root only (permission_denied otherwise); invalid_argument naming an
// unknown or malformed parameter.
Result<Page> ListDeliveries(Store& store, const Principal& p, const QueryParams& params);

}  // namespace planwatch
