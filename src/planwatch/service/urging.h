// The urging ladder as use cases: the scan that raises rungs (SPEC §3 "Accountability"), the
// answers to explanation requests, each plan's ladder, the notification centre and the webhooks
// that receive urging events. Authorization happens here, once per use case.
//
// What the scan urges, on `today`, over every plan:
//   - deadline tasks, by the deadline in force and the lead unit in force (the ledger rules of
//     plan_status, domain/task_status.h), met once the lead unit's claim of completion stands
//     (claimed view: the unit did its part; verification is the standing agency's). Cancelled
//     and recurring tasks are not urged.
//   - periodic reports: every period of the plan's report schedule (EffectiveReportSchedule,
//     service/reports.h) from the plan's start, for its expected reporters (ExpectedReporters:
//     units leading a task of the plan then), due on ReportDueOn; met once any revision was
//     first submitted (its local date, UTC + utc_offset).
//   - indicators: an off-track evaluation (domain/indicator_rules.h Evaluate over the
//     responsible unit's own values) raises an explanation request for the responsible unit, for
//     the latest period with a value; only in a scan of every plan.
// Each new rung is written in ONE transaction: the urging, one notification per leader and
// officer of the unit held to account (users whose unit is that unit; for an inspection flag
// also steering members whose scope holds it), one outbox e-mail per such user with an e-mail
// address, and one outbox webhook per active webhook subscribed to the rung's event. A rung
// already raised is never raised again (the store refuses a second (subject, rung)).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

struct ScanOptions {
  // Only plans for which this returns true; none: every plan, and indicators too.
  std::function<bool(const Plan&)> plan_filter;
  // Asked before each rung is raised; true ends the scan early with the rungs raised so far
  // (a server shutting down does not wait for a long first scan).
  std::function<bool()> stop_requested;
};

struct ScanResult {
  std::vector<UrgingRecord> raised;  // in the order raised
  int notifications = 0;
  int emails = 0;    // outbox e-mails queued
  int webhooks = 0;  // outbox webhook posts queued
};

// Runs the scan (see above). Errors of reads stop the scan; a rung whose transaction fails with
// conflict (raised meanwhile by another scan) is skipped. Rungs raised before an error stay.
Result<ScanResult> RunUrging(Store& store, Date today, std::chrono::minutes utc_offset,
                             const ScanOptions& options = {});

// The JSON of an urging: id, subject, task, plan, indicator, period, unit {id, code, name_vi,
// name_en} (when known), rung, due_on, raised_on, message, answer, answered_by, answered_at,
// created_at (absent fields are null).
nlohmann::json UrgingJson(const UrgingRecord& urging, const OrgUnit* unit);

class Urgings {
 public:
  Urgings(Store& store, TodayFn today, std::chrono::minutes utc_offset);

  // GET /plans/{id}/urging-rules: {plan, reminder_days_before, notice_days_after,
  // explanation_days_after, inspection_days_after, default (true when the plan has none of its
  // own)}. Any signed-in user (rules are reference data). not_found for an unknown plan.
  Result<nlohmann::json> Rules(const Principal& p, std::int64_t plan_id);
  // PUT: the four fields, all required (integers), by the plan's administrators.
  // invalid_argument naming each offending field; permission_denied; not_found.
  Result<nlohmann::json> PutRules(const Principal& p, std::int64_t plan_id,
                                  const nlohmann::json& body);

  // GET /urgings?plan=&unit=&rung=&subject=&open=true|false&limit=&offset=: the urgings the
  // caller may read, newest first. A reader of an urging: whoever may read its task (task
  // urgings), whoever's scope holds its unit, and the plan's administrators.
  // invalid_argument naming an unknown or malformed parameter.
  Result<Page> List(const Principal& p, const QueryParams& params);
  // not_found when it does not exist or the caller may not read it.
  Result<nlohmann::json> Get(const Principal& p, std::int64_t id);
  // POST /urgings/{id}/answer {"text"} (1–4000 bytes after trimming), by the unit's leaders and
  // officers (role unit_leader or unit_officer, scope holding the unit). failed_precondition
  // for a rung other than an explanation request, conflict when already answered,
  // permission_denied for other readers, not_found as Get.
  Result<nlohmann::json> Answer(const Principal& p, std::int64_t id, const nlohmann::json& body);
  // POST /urging/run {"as_of": "YYYY-MM-DD"} (default today): an admin whose scope is a root
  // scans every plan and the indicators; a standing agency scans the plans it administers.
  // permission_denied for anyone else. Answers {as_of, raised, notifications, emails, webhooks,
  // items: [urgings raised]}.
  Result<nlohmann::json> Run(const Principal& p, const nlohmann::json& body);

 private:
  Store& store_;
  TodayFn today_;
  std::chrono::minutes utc_offset_;
};

// The caller's own notification centre.
class Notifications {
 public:
  explicit Notifications(Store& store);
  // GET /notifications?unread=true|false&limit=&offset=: newest first; items {id, source, urging,
  // title, body, link, created_at, read_at}.
  Result<Page> List(const Principal& p, const QueryParams& params);
  // {"unread": n}
  Result<nlohmann::json> UnreadCount(const Principal& p);
  // Marks one read (the first read instant is kept); returns it. not_found when it does not
  // exist or is another user's.
  Result<nlohmann::json> MarkRead(const Principal& p, std::int64_t id);
  // {"marked": n}
  Result<nlohmann::json> MarkAllRead(const Principal& p);

 private:
  Store& store_;
};

// Webhooks that receive urging events, managed by admins whose scope is a root (the events
// concern every unit).
class Webhooks {
 public:
  explicit Webhooks(Store& store);
  // Items {id, url, events, active, created_by, created_at} (never the secret).
  Result<nlohmann::json> List(const Principal& p);
  // {"url": "http://…" or "https://…" (≤ 2000 bytes), "events": [event names, ≥ 1], "active"
  // (default true), "secret" (optional, 16–256 bytes; default 32 random bytes, base64url)}.
  // Answers the webhook with its secret: the only time it is shown.
  Result<nlohmann::json> Create(const Principal& p, const nlohmann::json& body);
  // not_found when it does not exist or is already deleted.
  Status Delete(const Principal& p, std::int64_t id);

 private:
  Store& store_;
};

}  // namespace planwatch
