#include "planwatch/service/delivery.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/report.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

std::string InstantText(DeliveryClock::time_point t) {
  return FormatInstant(std::chrono::time_point_cast<std::chrono::milliseconds>(t));
}

// Runs `write` in its own transaction and commits it.
template <typename T, typename Write>
Result<T> InTransaction(Store& store, Write write) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  Result<T> result = write(**tx);
  if (!result) return result;
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  return result;
}

Status EndAttempt(Store& store, OutboxId id, const DeliveryAttemptEnd& end) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  if (auto done = (*tx)->FinishDeliveryAttempt(id, end); !done) return done;
  return (*tx)->Commit();
}

std::unexpected<Error> BadParam(std::string_view name, std::string_view text) {
  const std::string echoed = EchoForMessage(name);
  return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", echoed),
              {ErrorDetail{0, echoed, FieldMessage("invalid", text)}});
}

}  // namespace

std::string EmailMessageId(const std::string& idempotency_key) {
  return "<" + idempotency_key + "@planwatch>";
}

Deliverer::Deliverer(DeliveryOptions options) : options_(std::move(options)) {
  if (options_.batch < 1) options_.batch = 1;
  if (!ValidateBackoffPolicy(options_.backoff)) options_.backoff = BackoffPolicy{};
}

Result<int> Deliverer::Recover(Store& store, DeliveryClock::time_point now) {
  OutboxQuery query;
  query.state = DeliveryState::kSending;
  auto stuck = store.Outbox(query);
  if (!stuck) return std::unexpected(stuck.error());
  const std::string at = InstantText(now);
  // Instants are stored in one fixed-width form, so they compare as text.
  const std::string lease_start = InstantText(now - options_.lease);
  int recovered = 0;
  for (const OutboxRecord& row : *stuck) {
    auto attempts = store.DeliveryAttempts(row.id);
    if (!attempts) return std::unexpected(attempts.error());
    const auto open =
        std::ranges::find(*attempts, AttemptOutcome::kOpen, &DeliveryAttempt::outcome);
    if (open != attempts->end() && open->started_at > lease_start) continue;  // maybe in flight
    DeliveryAttemptEnd end{.finished_at = at,
                           .outcome = AttemptOutcome::kInterrupted,
                           .error = "interrupted: the process stopped during this attempt",
                           .next_attempt_at = at};
    if (auto done = EndAttempt(store, row.id, end); !done) {
      // Another deliverer may have finished it meanwhile.
      if (done.error().code == ErrorCode::kFailedPrecondition) continue;
      return std::unexpected(done.error());
    }
    ++recovered;
  }
  return recovered;
}

Result<std::optional<Deliverer::Claim>> Deliverer::ClaimNext(Store& store,
                                                             DeliveryClock::time_point now) {
  const std::string at = InstantText(now);
  OutboxQuery query;
  query.state = DeliveryState::kPending;
  query.due_by = at;
  query.limit = 1;
  if (!options_.email) query.channel = DeliveryChannel::kWebhook;
  auto due = store.Outbox(query);
  if (!due) return std::unexpected(due.error());
  if (due->empty()) return std::optional<Claim>();
  const OutboxId id = due->front().id;
  auto number =
      InTransaction<int>(store, [&](Transaction& tx) { return tx.StartDeliveryAttempt(id, at); });
  if (!number) {
    // Another deliverer (another node on the same database) claimed it first.
    if (number.error().code == ErrorCode::kFailedPrecondition) return std::optional<Claim>();
    return std::unexpected(number.error());
  }
  auto row = store.OutboxById(id);
  if (!row) return std::unexpected(row.error());
  if (!*row) return Internal(fmt::format("outbox {} vanished after it was claimed", id.value));
  return std::optional<Claim>(Claim{std::move(**row), *number});
}

Result<AttemptOutcome> Deliverer::Complete(Store& store, Courier& courier, const Claim& claim,
                                           DeliveryClock::time_point now) {
  const OutboxRecord& row = claim.row;
  Status sent;
  if (row.channel == DeliveryChannel::kEmail) {
    OutboundEmail email{.to = {row.destination},
                        .from = options_.from,
                        .subject = row.subject,
                        .text = row.payload,
                        .message_id = EmailMessageId(row.idempotency_key)};
    sent = courier.SendEmail(email);
  } else {
    auto hook = store.WebhookById(row.webhook);
    if (!hook) return std::unexpected(hook.error());
    if (!*hook || !(*hook)->deleted_at.empty() || !(*hook)->active) {
      sent = Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("webhook {} was deleted or deactivated", row.webhook.value));
    } else {
      OutboundWebhook post{.url = row.destination,
                           .secret = (*hook)->secret,
                           .event = row.event,
                           .delivery_id = row.idempotency_key,
                           .body = row.payload};
      sent = courier.PostWebhook(post);
    }
  }

  const std::string at = InstantText(now);
  DeliveryAttemptEnd end;
  end.finished_at = at;
  if (sent) {
    end.outcome = AttemptOutcome::kDelivered;
  } else {
    end.error = sent.error().message.empty() ? std::string(ErrorCodeName(sent.error().code))
                                             : sent.error().message;
    const std::optional<std::chrono::seconds> delay =
        sent.error().code == ErrorCode::kUnavailable
            ? RetryDelay(options_.backoff, claim.row.attempts)
            : std::nullopt;
    if (delay) {
      end.outcome = AttemptOutcome::kRetry;
      end.next_attempt_at = InstantText(now + *delay);
    } else {
      end.outcome = AttemptOutcome::kFailed;
    }
  }
  if (auto done = EndAttempt(store, row.id, end); !done) return std::unexpected(done.error());
  return end.outcome;
}

Result<int> Deliverer::DeliverDue(Store& store, Courier& courier, DeliveryClock::time_point now) {
  if (auto recovered = Recover(store, now); !recovered) return std::unexpected(recovered.error());
  int delivered = 0;
  for (int i = 0; i < options_.batch; ++i) {
    auto claim = ClaimNext(store, now);
    if (!claim) return std::unexpected(claim.error());
    if (!*claim) break;
    auto outcome = Complete(store, courier, **claim, now);
    if (!outcome) return std::unexpected(outcome.error());
    if (*outcome == AttemptOutcome::kDelivered) ++delivered;
  }
  return delivered;
}

Result<Page> ListDeliveries(Store& store, const Principal& p, const QueryParams& params) {
  OutboxQuery query;
  Page page;
  for (const auto& [name, value] : params) {
    if (name == "state") {
      auto state = ParseDeliveryState(value);
      if (!state) return BadParam(name, state.error().message);
      query.state = *state;
    } else if (name == "channel") {
      auto channel = ParseDeliveryChannel(value);
      if (!channel) return BadParam(name, channel.error().message);
      query.channel = *channel;
    } else if (name == "limit" || name == "offset") {
      int v = -1;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      const bool ok = ec == std::errc() && end == value.data() + value.size() &&
                      (name == "limit" ? (v >= 1 && v <= 500) : v >= 0);
      if (!ok) return BadParam(name, "expected an integer (limit 1–500, offset 0 or more)");
      (name == "limit" ? page.limit : page.offset) = v;
    } else {
      const std::string echoed = EchoForMessage(name);
      return Fail(
          ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", echoed),
          {ErrorDetail{0, echoed,
                       FieldMessage("unknown_field", "accepted: state, channel, limit, offset")}});
    }
  }
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  const OrgUnit* scope = tree->Find(p.scope);
  if (p.role != Role::kAdmin || scope == nullptr || scope->parent) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not read the delivery outbox: admins of a root unit only",
                            EchoForMessage(p.login)));
  }
  auto rows = store.Outbox(query);
  if (!rows) return std::unexpected(rows.error());
  std::ranges::reverse(*rows);
  page.total = static_cast<std::int64_t>(rows->size());
  for (std::size_t i = static_cast<std::size_t>(page.offset);
       i < rows->size() && page.items.size() < static_cast<std::size_t>(page.limit); ++i) {
    const OutboxRecord& r = (*rows)[i];
    auto attempts = store.DeliveryAttempts(r.id);
    if (!attempts) return std::unexpected(attempts.error());
    json log = json::array();
    for (const DeliveryAttempt& a : *attempts) {
      log.push_back(
          json{{"number", a.number},
               {"started_at", a.started_at},
               {"finished_at", a.finished_at.empty() ? json(nullptr) : json(a.finished_at)},
               {"outcome", AttemptOutcomeName(a.outcome)},
               {"error", a.error}});
    }
    page.items.push_back(
        json{{"id", r.id.value},
             {"channel", DeliveryChannelName(r.channel)},
             {"destination", r.destination},
             {"event", r.event},
             {"subject", r.subject},
             {"idempotency_key", r.idempotency_key},
             {"state", DeliveryStateName(r.state)},
             {"attempts", r.attempts},
             {"next_attempt_at", r.next_attempt_at},
             {"delivered_at", r.delivered_at.empty() ? json(nullptr) : json(r.delivered_at)},
             {"last_error", r.last_error},
             {"created_at", r.created_at},
             {"urging", r.urging ? json(r.urging.value) : json(nullptr)},
             {"attempt_log", std::move(log)}});
  }
  return page;
}

}  // namespace planwatch
