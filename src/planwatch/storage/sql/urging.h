// Urging rules and rungs, notifications, webhooks and the delivery outbox: their
// StoreReader reads and Transaction writes (store.h) as functions of a Connection or a
// WriteContext. Internal to storage. Contracts as in store.h.
//
// Reads: stored text that does not parse (a rung or state name) is internal. Writes validate
// before they write and may leave partial rows on failure: the caller runs each one inside a
// savepoint.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/write.h"
#include "planwatch/storage/store.h"

namespace planwatch::sql {

Result<std::optional<UrgingRules>> ReadPlanUrgingRules(Connection& connection, PlanId plan);
Result<std::vector<UrgingRecord>> ReadUrgings(Connection& connection, const UrgingQuery& query);
Result<std::optional<UrgingRecord>> ReadUrgingById(Connection& connection, UrgingId id);
Result<std::vector<NotificationRecord>> ReadNotifications(Connection& connection,
                                                          const NotificationQuery& query);
Result<std::optional<NotificationRecord>> ReadNotificationById(Connection& connection,
                                                               NotificationId id);
Result<std::vector<WebhookRecord>> ReadWebhooks(Connection& connection);
Result<std::optional<WebhookRecord>> ReadWebhookById(Connection& connection, WebhookId id);
Result<std::vector<OutboxRecord>> ReadOutbox(Connection& connection, const OutboxQuery& query);
Result<std::optional<OutboxRecord>> ReadOutboxById(Connection& connection, OutboxId id);
Result<std::vector<DeliveryAttempt>> ReadDeliveryAttempts(Connection& connection, OutboxId id);

Status WriteUrgingRules(WriteContext& context, PlanId plan, const UrgingRules& rules);
Result<UrgingId> WriteUrging(WriteContext& context, const UrgingRecord& urging);
Status WriteUrgingAnswer(WriteContext& context, UrgingId id, std::string_view text,
                         std::string_view answered_by);
Result<NotificationId> WriteNotification(WriteContext& context,
                                         const NotificationRecord& notification);
Status WriteNotificationRead(WriteContext& context, NotificationId id);
Result<int> WriteNotificationsReadOf(WriteContext& context, UserId user);
Result<WebhookId> WriteWebhook(WriteContext& context, const WebhookRecord& webhook);
Status DeleteWebhookRow(WriteContext& context, WebhookId id);
Result<OutboxId> WriteOutbox(WriteContext& context, const OutboxRecord& message);
Result<int> WriteAttemptStart(WriteContext& context, OutboxId id, const std::string& started_at);
Status WriteAttemptEnd(WriteContext& context, OutboxId id, const DeliveryAttemptEnd& end);

}  // namespace planwatch::sql
