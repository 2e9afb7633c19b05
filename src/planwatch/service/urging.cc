#include "planwatch/service/urging.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "planwatch/base/clock.h"
#include "planwatch/base/text.h"
#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/report.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/domain/urging.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/reports.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

// The unique key of an urging's subject, as the store keys it.
std::string SubjectKey(const UrgingRecord& u) {
  switch (u.subject) {
    case UrgingSubjectKind::kTask:
      return fmt::format("task:{}", u.task.value);
    case UrgingSubjectKind::kReport:
      return fmt::format("report:{}:{}:{}", u.plan.value, u.unit.value,
                         u.period ? u.period->ToString() : "");
    case UrgingSubjectKind::kIndicator:
      break;
  }
  return fmt::format("indicator:{}:{}:{}", u.indicator.value, u.unit.value,
                     u.period ? u.period->ToString() : "");
}

std::string DateVi(Date d) { return fmt::format("{:02}/{:02}/{}", d.day(), d.month(), d.year()); }

// A rung to raise, with what the unit is told.
struct Candidate {
  UrgingRecord urging;
  std::string subject_vi;  // "Nhiệm vụ NV-01 «…»"
  std::string subject_en;
  std::string code;  // the subject's short name for titles
};

std::string MessageOf(const Candidate& c, const OrgUnit* unit) {
  const std::string unit_vi = unit ? unit->name_vi : "đơn vị";
  const std::string unit_en =
      unit ? (unit->name_en.empty() ? unit->name_vi : unit->name_en) : "the unit";
  const UrgingRecord& u = c.urging;
  const std::string due_vi = DateVi(u.due_on);
  const std::string due_en = u.due_on.ToString();
  std::string vi;
  std::string en;
  const bool indicator = u.subject == UrgingSubjectKind::kIndicator;
  switch (u.rung) {
    case UrgingRung::kReminder:
      vi = fmt::format("{} đến hạn ngày {}. Đề nghị {} hoàn thành đúng hạn.", c.subject_vi, due_vi,
                       unit_vi);
      en = fmt::format("{} is due on {}. {} is asked to complete it on time.", c.subject_en, due_en,
                       unit_en);
      break;
    case UrgingRung::kNotice:
      vi = fmt::format("{} đã quá hạn (hạn ngày {}). Đề nghị {} khẩn trương hoàn thành.",
                       c.subject_vi, due_vi, unit_vi);
      en = fmt::format("{} is overdue (due on {}). {} is urged to complete it without delay.",
                       c.subject_en, due_en, unit_en);
      break;
    case UrgingRung::kExplanationRequest:
      if (indicator) {
        vi = fmt::format(
            "{} không đạt tiến độ so với lộ trình. Đề nghị {} giải trình trên hệ "
            "thống.",
            c.subject_vi, unit_vi);
        en = fmt::format(
            "{} is off track against its trajectory. {} is asked to explain why, "
            "in planwatch.",
            c.subject_en, unit_en);
      } else {
        vi = fmt::format(
            "{} chưa hoàn thành (hạn ngày {}). Đề nghị {} giải trình nguyên nhân "
            "trên hệ thống.",
            c.subject_vi, due_vi, unit_vi);
        en = fmt::format("{} is not done (due on {}). {} is asked to explain why, in planwatch.",
                         c.subject_en, due_en, unit_en);
      }
      break;
    case UrgingRung::kInspectionFlag:
      vi = fmt::format("{} quá hạn từ ngày {}: {} được đề nghị Ủy ban Kiểm tra xem xét.",
                       c.subject_vi, due_vi, unit_vi);
      en = fmt::format("{} has been overdue since {}: {} is flagged for the inspection committee.",
                       c.subject_en, due_en, unit_en);
      break;
  }
  return vi + "\n\n" + en;
}

std::string TitleOf(const Candidate& c) {
  return fmt::format("{} / {}: {}", UrgingRungLabelVi(c.urging.rung),
                     UrgingRungLabelEn(c.urging.rung), c.code);
}

std::string LinkOf(UrgingId id) { return fmt::format("/api/v1/urgings/{}", id.value); }

json UnitJson(const OrgUnit* unit, OrgUnitId id) {
  if (!unit) return json{{"id", id.value}};
  return json{{"id", unit->id.value},
              {"code", unit->code},
              {"name_vi", unit->name_vi},
              {"name_en", unit->name_en}};
}

template <typename Tag>
json IdOrNull(Id<Tag> id) {
  return id ? json(id.value) : json(nullptr);
}

json TextOrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

// Who is told about a rung: the leaders and officers of the unit held to account, and for an
// inspection flag the steering members whose scope holds it. Disabled users are left out.
std::vector<const UserRecord*> Recipients(const std::vector<UserRecord>& users, const OrgTree& tree,
                                          const UrgingRecord& u) {
  std::vector<const UserRecord*> out;
  for (const UserRecord& user : users) {
    if (user.disabled) continue;
    const bool unit_user =
        (user.role == Role::kUnitLeader || user.role == Role::kUnitOfficer) && user.unit == u.unit;
    const bool steering = u.rung == UrgingRung::kInspectionFlag && user.role == Role::kSteering &&
                          user.unit && tree.InSubtree(u.unit, user.unit);
    if (unit_user || steering) out.push_back(&user);
  }
  return out;
}

// Writes one rung and everything it sends, in one transaction. none when it was raised
// meanwhile (conflict).
Result<std::optional<UrgingRecord>> Raise(Store& store, const Candidate& c, const OrgTree& tree,
                                          const std::vector<UserRecord>& users,
                                          const std::vector<WebhookRecord>& webhooks,
                                          ScanResult& result) {
  const OrgUnit* unit = tree.Find(c.urging.unit);
  UrgingRecord u = c.urging;
  u.message = MessageOf(c, unit);
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto id = (*tx)->PutUrging(u);
  if (!id) {
    if (id.error().code == ErrorCode::kConflict) return std::optional<UrgingRecord>();
    return std::unexpected(id.error());
  }
  u.id = *id;
  const std::string title = TitleOf(c);
  const std::string link = LinkOf(u.id);
  int notifications = 0;
  int emails = 0;
  int posts = 0;
  for (const UserRecord* user : Recipients(users, tree, u)) {
    NotificationRecord n;
    n.user = user->id;
    n.urging = u.id;
    n.source = "urging";
    n.title = title;
    n.body = u.message;
    n.link = link;
    if (auto put = (*tx)->PutNotification(n); !put) return std::unexpected(put.error());
    ++notifications;
    if (user->email.empty()) continue;
    OutboxRecord m;
    m.channel = DeliveryChannel::kEmail;
    m.destination = user->email;
    m.event = UrgingEventName(u.rung);
    m.subject = "[planwatch] " + title;
    m.payload = u.message + "\n\nXem / View: " + link + "\n";
    m.idempotency_key = fmt::format("urging-{}-email-{}", u.id.value, user->id.value);
    m.urging = u.id;
    if (auto put = (*tx)->PutOutbox(m); !put) return std::unexpected(put.error());
    ++emails;
  }
  const std::string event = UrgingEventName(u.rung);
  for (const WebhookRecord& hook : webhooks) {
    if (!hook.active || std::ranges::find(hook.events, event) == hook.events.end()) continue;
    OutboxRecord m;
    m.channel = DeliveryChannel::kWebhook;
    m.destination = hook.url;
    m.webhook = hook.id;
    m.event = event;
    m.idempotency_key = fmt::format("urging-{}-webhook-{}", u.id.value, hook.id.value);
    m.payload =
        json{{"event", event}, {"delivery_id", m.idempotency_key}, {"urging", UrgingJson(u, unit)}}
            .dump();
    m.urging = u.id;
    if (auto put = (*tx)->PutOutbox(m); !put) return std::unexpected(put.error());
    ++posts;
  }
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  result.notifications += notifications;
  result.emails += emails;
  result.webhooks += posts;
  auto stored = store.UrgingById(u.id);
  if (!stored) return std::unexpected(stored.error());
  return *stored;
}

// The rungs due for one subject that were not raised yet, as candidates.
void AddRungs(const UrgingRules& rules, const UrgingRecord& base, std::optional<Date> met_on,
              Date today, const std::set<std::pair<std::string, UrgingRung>>& raised,
              const Candidate& shape, std::vector<Candidate>& out) {
  const std::string key = SubjectKey(base);
  for (UrgingRung rung : RungsDue(rules, base.due_on, met_on, today)) {
    if (raised.contains({key, rung})) continue;
    Candidate c = shape;
    c.urging = base;
    c.urging.rung = rung;
    out.push_back(std::move(c));
  }
}

Result<std::vector<Candidate>> PlanCandidates(Store& store, const Plan& plan, Date today,
                                              std::chrono::minutes utc_offset) {
  std::vector<Candidate> out;
  auto own_rules = store.PlanUrgingRules(plan.id);
  if (!own_rules) return std::unexpected(own_rules.error());
  const UrgingRules rules = own_rules->value_or(UrgingRules{});
  UrgingQuery of_plan;
  of_plan.plan = plan.id;
  auto existing = store.Urgings(of_plan);
  if (!existing) return std::unexpected(existing.error());
  std::set<std::pair<std::string, UrgingRung>> raised;
  for (const UrgingRecord& u : *existing) raised.insert({SubjectKey(u), u.rung});

  auto tasks = store.Tasks(plan.id);
  if (!tasks) return std::unexpected(tasks.error());
  auto events = store.TaskEvents(plan.id);
  if (!events) return std::unexpected(events.error());
  std::map<TaskId, std::vector<TaskEvent>> ledgers;
  for (TaskEvent& e : *events) ledgers[e.task].push_back(std::move(e));

  std::optional<Date> first_day = plan.start;
  for (const Task& task : *tasks) {
    const auto ledger = ledgers.find(task.id);
    const std::span<const TaskEvent> task_events =
        ledger == ledgers.end() ? std::span<const TaskEvent>() : ledger->second;
    const TaskState state = EvaluateTask(task, task_events, today, CompletionView::kClaimed);
    if (state.status == TaskStatus::kNotAssigned || state.status == TaskStatus::kCancelled) {
      continue;
    }
    if (!first_day || task.assigned_on < *first_day) first_day = task.assigned_on;
    if (task.kind != TaskKind::kDeadline || !state.deadline || !state.lead_unit) continue;
    UrgingRecord base;
    base.subject = UrgingSubjectKind::kTask;
    base.task = task.id;
    base.plan = plan.id;
    base.unit = state.lead_unit;
    base.due_on = *state.deadline;
    base.raised_on = today;
    Candidate shape;
    shape.code = task.code;
    shape.subject_vi = fmt::format("Nhiệm vụ {} «{}»", task.code, task.title_vi);
    shape.subject_en = fmt::format("Task {} \"{}\"", task.code,
                                   task.title_en.empty() ? task.title_vi : task.title_en);
    const std::optional<Date> met = IsDone(state.status)
                                        ? std::optional<Date>(state.completed_on.value_or(today))
                                        : std::nullopt;
    AddRungs(rules, base, met, today, raised, shape, out);
  }

  // Reports: every scheduled period from the plan's first day, for its expected reporters.
  if (!first_day || tasks->empty()) return out;
  auto schedule = EffectiveReportSchedule(store, plan.id);
  if (!schedule) return std::unexpected(schedule.error());
  ReportQuery report_query;
  report_query.plan = plan.id;
  report_query.summaries_only = true;
  auto reports = store.FindReports(report_query);
  if (!reports) return std::unexpected(reports.error());
  // The first submission of any revision, per (unit, period), as a local date.
  std::map<std::pair<OrgUnitId, std::string>, Date> submitted;
  for (const ReportRecord& r : *reports) {
    if (r.first_submitted_at.empty()) continue;
    auto instant = ParseInstant(r.first_submitted_at);
    if (!instant) continue;
    const Date local = DateAt(*instant, utc_offset);
    const auto key = std::make_pair(r.unit, r.period.ToString());
    auto it = submitted.find(key);
    if (it == submitted.end() || local < it->second) submitted[key] = local;
  }
  for (const ReportScheduleItem& item : *schedule) {
    for (Period p = Period::Containing(*first_day, item.period_type);; p = p.Next()) {
      if (plan.end && p.start() > *plan.end) break;
      const Date due = ReportDueOn(p, item.due_day);
      // Later periods are due later still.
      if (RungDate(rules, UrgingRung::kReminder, due) > today) break;
      auto reporters = ExpectedReporters(store, plan.id, p);
      if (!reporters) return std::unexpected(reporters.error());
      for (OrgUnitId unit : *reporters) {
        UrgingRecord base;
        base.subject = UrgingSubjectKind::kReport;
        base.plan = plan.id;
        base.unit = unit;
        base.period = p;
        base.due_on = due;
        base.raised_on = today;
        Candidate shape;
        shape.code = fmt::format("{} {}", plan.code, p.ToString());
        shape.subject_vi =
            fmt::format("Báo cáo định kỳ kỳ {} của kế hoạch {}", p.ToString(), plan.code);
        shape.subject_en = fmt::format("The {} report on plan {}", p.ToString(), plan.code);
        std::optional<Date> met;
        if (auto it = submitted.find({unit, p.ToString()}); it != submitted.end()) {
          met = it->second;
        }
        AddRungs(rules, base, met, today, raised, shape, out);
      }
    }
  }
  return out;
}

Result<std::vector<Candidate>> IndicatorCandidates(Store& store, Date today) {
  std::vector<Candidate> out;
  auto indicators = store.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  auto targets = store.Targets();
  if (!targets) return std::unexpected(targets.error());
  auto values = store.DataValues(DataValueQuery{});
  if (!values) return std::unexpected(values.error());
  UrgingQuery of_indicators;
  of_indicators.subject = UrgingSubjectKind::kIndicator;
  auto existing = store.Urgings(of_indicators);
  if (!existing) return std::unexpected(existing.error());
  std::set<std::pair<std::string, UrgingRung>> raised;
  for (const UrgingRecord& u : *existing) raised.insert({SubjectKey(u), u.rung});
  for (const Indicator& indicator : *indicators) {
    if (!indicator.responsible_unit) continue;
    std::vector<Target> own;
    for (const Target& t : *targets) {
      if (t.indicator == indicator.id) own.push_back(t);
    }
    const std::vector<Target> applicable = ApplicableTargets(own, indicator.responsible_unit);
    std::vector<PeriodValue> unit_values;
    for (const DataValue& v : *values) {
      if (v.indicator == indicator.id && v.unit == indicator.responsible_unit) {
        unit_values.push_back(PeriodValue{v.period, v.value});
      }
    }
    auto evaluation = Evaluate(indicator, applicable, unit_values, today);
    // Without a baseline or targets there is nothing to be off track against.
    if (!evaluation || evaluation->status != IndicatorStatus::kOffTrack || !evaluation->latest) {
      continue;
    }
    UrgingRecord u;
    u.subject = UrgingSubjectKind::kIndicator;
    u.indicator = indicator.id;
    u.unit = indicator.responsible_unit;
    u.period = evaluation->latest;
    u.due_on = evaluation->latest->end();
    u.raised_on = today;
    u.rung = UrgingRung::kExplanationRequest;
    if (raised.contains({SubjectKey(u), u.rung})) continue;
    Candidate c;
    c.urging = u;
    c.code = indicator.code;
    c.subject_vi = fmt::format("Chỉ tiêu {} «{}» kỳ {}", indicator.code, indicator.name_vi,
                               u.period->ToString());
    c.subject_en = fmt::format("Indicator {} \"{}\" for {}", indicator.code,
                               indicator.name_en.empty() ? indicator.name_vi : indicator.name_en,
                               u.period->ToString());
    out.push_back(std::move(c));
  }
  return out;
}

// ---- request helpers ----

std::unexpected<Error> BadParam(std::string_view name, std::string_view code,
                                std::string_view text) {
  const std::string echoed = EchoForMessage(name);
  return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", echoed),
              {ErrorDetail{0, echoed, FieldMessage(code, text)}});
}

Status RefuseUnknown(const QueryParams& params, std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : params) {
    if (std::ranges::find(known, std::string_view(name)) == known.end()) {
      return BadParam(name, "unknown_field",
                      fmt::format("unknown parameter \"{}\"; accepted: {}", EchoForMessage(name),
                                  fmt::join(known, ", ")));
    }
  }
  return {};
}

std::optional<std::int64_t> ParseCount(std::string_view text) {
  std::int64_t v = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

// limit (1–500, default 50) and offset (0 or more) into `page`.
Status PageParams(const QueryParams& params, Page& page) {
  for (std::string_view name : {"limit", "offset"}) {
    auto it = params.find(name);
    if (it == params.end()) continue;
    auto v = ParseCount(it->second);
    if (!v || (name == "limit" && (*v < 1 || *v > 500)) || *v > 1'000'000'000) {
      return BadParam(name, "invalid", "expected an integer (limit 1–500, offset 0 or more)");
    }
    (name == "limit" ? page.limit : page.offset) = static_cast<int>(*v);
  }
  return {};
}

Result<std::optional<bool>> BoolParam(const QueryParams& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  return BadParam(name, "invalid",
                  fmt::format("expected true or false, got \"{}\"", EchoForMessage(it->second)));
}

template <typename T>
Page Paginate(std::vector<T> items, Page page) {
  page.total = static_cast<std::int64_t>(items.size());
  for (std::size_t i = static_cast<std::size_t>(page.offset);
       i < items.size() && page.items.size() < static_cast<std::size_t>(page.limit); ++i) {
    page.items.push_back(std::move(items[i]));
  }
  return page;
}

bool IsRootAdmin(const OrgTree& tree, const Principal& p) {
  if (p.role != Role::kAdmin) return false;
  const OrgUnit* scope = tree.Find(p.scope);
  return scope != nullptr && !scope->parent;
}

// Who may read an urging (see Urgings::List).
class UrgingReaders {
 public:
  UrgingReaders(Store& store, const OrgTree& tree, std::vector<Plan> plans)
      : store_(store), policy_(tree), plans_(std::move(plans)) {}

  Result<bool> CanRead(const Principal& p, const UrgingRecord& u) {
    const Plan* plan = FindPlan(u.plan);
    if (plan && policy_.CanAdministerPlan(p, *plan)) return true;
    if (u.subject == UrgingSubjectKind::kTask && plan) {
      auto tasks = TasksOf(plan->id);
      if (!tasks) return std::unexpected(tasks.error());
      for (const Task& t : **tasks) {
        if (t.id == u.task) return policy_.CanReadTask(p, t, u.unit, *plan);
      }
      return false;
    }
    return policy_.InScope(p, u.unit);
  }

  // Answers: the unit's leaders and officers.
  bool CanAnswer(const Principal& p, const UrgingRecord& u) const {
    return (p.role == Role::kUnitLeader || p.role == Role::kUnitOfficer) &&
           policy_.InScope(p, u.unit);
  }

 private:
  const Plan* FindPlan(PlanId id) const {
    if (!id) return nullptr;
    auto it = std::ranges::find_if(plans_, [&](const Plan& plan) { return plan.id == id; });
    return it == plans_.end() ? nullptr : &*it;
  }

  Result<const std::vector<Task>*> TasksOf(PlanId plan) {
    auto it = tasks_.find(plan);
    if (it == tasks_.end()) {
      auto tasks = store_.Tasks(plan);
      if (!tasks) return std::unexpected(tasks.error());
      it = tasks_.emplace(plan, std::move(*tasks)).first;
    }
    return &it->second;
  }

  Store& store_;
  AccessPolicy policy_;
  std::vector<Plan> plans_;
  std::map<PlanId, std::vector<Task>> tasks_;
};

json RulesJson(PlanId plan, const UrgingRules& r, bool is_default) {
  return json{{"plan", plan.value},
              {"reminder_days_before", r.reminder_days_before},
              {"notice_days_after", r.notice_days_after},
              {"explanation_days_after", r.explanation_days_after},
              {"inspection_days_after", r.inspection_days_after},
              {"default", is_default}};
}

json NotificationJson(const NotificationRecord& n) {
  return json{{"id", n.id.value},
              {"source", n.source},
              {"urging", IdOrNull(n.urging)},
              {"title", n.title},
              {"body", n.body},
              {"link", n.link},
              {"created_at", n.created_at},
              {"read_at", TextOrNull(n.read_at)}};
}

json WebhookJson(const WebhookRecord& w) {
  return json{{"id", w.id.value},           {"url", w.url},
              {"events", w.events},         {"active", w.active},
              {"created_by", w.created_by}, {"created_at", w.created_at}};
}

Result<const Plan*> FindLivePlan(const std::vector<Plan>& plans, std::int64_t id) {
  auto it = std::ranges::find_if(plans, [&](const Plan& plan) { return plan.id.value == id; });
  if (it == plans.end()) return NotFound(fmt::format("no plan with id {}", id));
  return &*it;
}

std::string RandomSecret() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

}  // namespace

json UrgingJson(const UrgingRecord& u, const OrgUnit* unit) {
  return json{{"id", u.id.value},
              {"subject", UrgingSubjectKindName(u.subject)},
              {"task", IdOrNull(u.task)},
              {"plan", IdOrNull(u.plan)},
              {"indicator", IdOrNull(u.indicator)},
              {"period", u.period ? json(u.period->ToString()) : json(nullptr)},
              {"unit", UnitJson(unit, u.unit)},
              {"rung", UrgingRungName(u.rung)},
              {"due_on", u.due_on.ToString()},
              {"raised_on", u.raised_on.ToString()},
              {"message", u.message},
              {"answer", TextOrNull(u.answer)},
              {"answered_by", TextOrNull(u.answered_by)},
              {"answered_at", TextOrNull(u.answered_at)},
              {"created_at", u.created_at}};
}

Result<ScanResult> RunUrging(Store& store, Date today, std::chrono::minutes utc_offset,
                             const ScanOptions& options) {
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  auto users = store.Users();
  if (!users) return std::unexpected(users.error());
  auto webhooks = store.Webhooks();
  if (!webhooks) return std::unexpected(webhooks.error());
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());

  std::vector<Candidate> candidates;
  for (const Plan& plan : *plans) {
    if (options.plan_filter && !options.plan_filter(plan)) continue;
    auto more = PlanCandidates(store, plan, today, utc_offset);
    if (!more) return std::unexpected(more.error());
    std::ranges::move(*more, std::back_inserter(candidates));
  }
  if (!options.plan_filter) {
    auto more = IndicatorCandidates(store, today);
    if (!more) return std::unexpected(more.error());
    std::ranges::move(*more, std::back_inserter(candidates));
  }

  ScanResult result;
  for (const Candidate& c : candidates) {
    if (options.stop_requested && options.stop_requested()) break;
    auto raised = Raise(store, c, *tree, *users, *webhooks, result);
    if (!raised) return std::unexpected(raised.error());
    if (*raised) result.raised.push_back(std::move(**raised));
  }
  return result;
}

Urgings::Urgings(Store& store, TodayFn today, std::chrono::minutes utc_offset)
    : store_(store), today_(std::move(today)), utc_offset_(utc_offset) {}

Result<json> Urgings::Rules(const Principal& p, std::int64_t plan_id) {
  if (!p.user) return Fail(ErrorCode::kUnauthenticated, "sign in to read urging rules");
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto plan = FindLivePlan(*plans, plan_id);
  if (!plan) return std::unexpected(plan.error());
  auto rules = store_.PlanUrgingRules((*plan)->id);
  if (!rules) return std::unexpected(rules.error());
  return RulesJson((*plan)->id, rules->value_or(UrgingRules{}), !rules->has_value());
}

Result<json> Urgings::PutRules(const Principal& p, std::int64_t plan_id, const json& body) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto plan = FindLivePlan(*plans, plan_id);
  if (!plan) return std::unexpected(plan.error());
  if (!AccessPolicy(*tree).CanAdministerPlan(p, **plan)) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not set the urging rules of plan {}", EchoForMessage(p.login),
                            (*plan)->code));
  }
  UrgingRules rules;
  JsonFields f(body, JsonFields::Mode::kCreate,
               {"reminder_days_before", "notice_days_after", "explanation_days_after",
                "inspection_days_after"});
  f.Integer("reminder_days_before", rules.reminder_days_before, true, 0, kMaxUrgingDays);
  f.Integer("notice_days_after", rules.notice_days_after, true, 1, kMaxUrgingDays);
  f.Integer("explanation_days_after", rules.explanation_days_after, true, 1, kMaxUrgingDays);
  f.Integer("inspection_days_after", rules.inspection_days_after, true, 1, kMaxUrgingDays);
  if (f.errors().empty()) {
    if (auto valid = ValidateUrgingRules(rules); !valid) {
      for (const ErrorDetail& d : valid.error().details) {
        f.Add(d.field, "out_of_range", d.message);
      }
    }
  }
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  if (auto put = (*tx)->PutUrgingRules((*plan)->id, rules); !put) {
    return std::unexpected(put.error());
  }
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  return RulesJson((*plan)->id, rules, false);
}

Result<Page> Urgings::List(const Principal& p, const QueryParams& params) {
  if (auto known =
          RefuseUnknown(params, {"plan", "unit", "rung", "subject", "open", "limit", "offset"});
      !known) {
    return std::unexpected(known.error());
  }
  UrgingQuery query;
  for (std::string_view name : {"plan", "unit"}) {
    auto it = params.find(name);
    if (it == params.end()) continue;
    auto id = ParseCount(it->second);
    if (!id || *id == 0) return BadParam(name, "invalid", "expected a positive id");
    if (name == "plan") {
      query.plan = PlanId{*id};
    } else {
      query.unit = OrgUnitId{*id};
    }
  }
  if (auto it = params.find("rung"); it != params.end()) {
    auto rung = ParseUrgingRung(it->second);
    if (!rung) return BadParam("rung", "invalid", rung.error().message);
    query.rung = *rung;
  }
  if (auto it = params.find("subject"); it != params.end()) {
    auto subject = ParseUrgingSubjectKind(it->second);
    if (!subject) return BadParam("subject", "invalid", subject.error().message);
    query.subject = *subject;
  }
  auto open = BoolParam(params, "open");
  if (!open) return std::unexpected(open.error());
  query.open_only = open->value_or(false);
  Page page;
  if (auto paged = PageParams(params, page); !paged) return std::unexpected(paged.error());

  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto urgings = store_.Urgings(query);
  if (!urgings) return std::unexpected(urgings.error());
  UrgingReaders readers(store_, *tree, std::move(*plans));
  std::vector<json> items;
  for (auto it = urgings->rbegin(); it != urgings->rend(); ++it) {
    auto readable = readers.CanRead(p, *it);
    if (!readable) return std::unexpected(readable.error());
    if (*readable) items.push_back(UrgingJson(*it, tree->Find(it->unit)));
  }
  return Paginate(std::move(items), page);
}

Result<json> Urgings::Get(const Principal& p, std::int64_t id) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto urging = store_.UrgingById(UrgingId{id});
  if (!urging) return std::unexpected(urging.error());
  const auto missing = NotFound(fmt::format("no urging with id {}", id));
  if (!*urging) return missing;
  UrgingReaders readers(store_, *tree, std::move(*plans));
  auto readable = readers.CanRead(p, **urging);
  if (!readable) return std::unexpected(readable.error());
  if (!*readable) return missing;
  return UrgingJson(**urging, tree->Find((*urging)->unit));
}

Result<json> Urgings::Answer(const Principal& p, std::int64_t id, const json& body) {
  std::string text;
  JsonFields f(body, JsonFields::Mode::kCreate, {"text"});
  f.Text("text", text, true, 8000);
  const std::string trimmed(TrimAscii(text));
  if (f.errors().empty() && trimmed.empty()) f.Add("text", "required", "the answer is empty");
  if (f.errors().empty() && trimmed.size() > 4000) {
    f.Add("text", "too_long", "at most 4000 bytes");
  }
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());

  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto urging = store_.UrgingById(UrgingId{id});
  if (!urging) return std::unexpected(urging.error());
  const auto missing = NotFound(fmt::format("no urging with id {}", id));
  if (!*urging) return missing;
  UrgingReaders readers(store_, *tree, std::move(*plans));
  auto readable = readers.CanRead(p, **urging);
  if (!readable) return std::unexpected(readable.error());
  if (!*readable) return missing;
  if (!readers.CanAnswer(p, **urging)) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not answer urging {}: only the unit's leaders and officers",
                            EchoForMessage(p.login), id));
  }
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  if (auto put = (*tx)->AnswerUrging(UrgingId{id}, trimmed, p.login); !put) {
    return std::unexpected(put.error());
  }
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  auto stored = store_.UrgingById(UrgingId{id});
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return missing;
  return UrgingJson(**stored, tree->Find((*stored)->unit));
}

Result<json> Urgings::Run(const Principal& p, const json& body) {
  Date as_of = today_();
  JsonFields f(body, JsonFields::Mode::kCreate, {"as_of"});
  f.DateField("as_of", as_of, false);
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  ScanOptions options;
  if (!IsRootAdmin(*tree, p)) {
    if (p.role != Role::kStandingAgency && p.role != Role::kAdmin) {
      return Fail(ErrorCode::kPermissionDenied,
                  fmt::format("{} may not run the urging scan: admins of a root unit and "
                              "standing agencies only",
                              EchoForMessage(p.login)));
    }
    const AccessPolicy policy(*tree);
    options.plan_filter = [policy, p](const Plan& plan) {
      return policy.CanAdministerPlan(p, plan);
    };
  }
  auto result = RunUrging(store_, as_of, utc_offset_, options);
  if (!result) return std::unexpected(result.error());
  json items = json::array();
  for (const UrgingRecord& u : result->raised) items.push_back(UrgingJson(u, tree->Find(u.unit)));
  return json{{"as_of", as_of.ToString()},
              {"raised", result->raised.size()},
              {"notifications", result->notifications},
              {"emails", result->emails},
              {"webhooks", result->webhooks},
              {"items", std::move(items)}};
}

Notifications::Notifications(Store& store) : store_(store) {}

Result<Page> Notifications::List(const Principal& p, const QueryParams& params) {
  if (auto known = RefuseUnknown(params, {"unread", "limit", "offset"}); !known) {
    return std::unexpected(known.error());
  }
  auto unread = BoolParam(params, "unread");
  if (!unread) return std::unexpected(unread.error());
  Page page;
  if (auto paged = PageParams(params, page); !paged) return std::unexpected(paged.error());
  auto list = store_.Notifications(NotificationQuery{p.user, unread->value_or(false)});
  if (!list) return std::unexpected(list.error());
  std::vector<json> items;
  for (auto it = list->rbegin(); it != list->rend(); ++it) items.push_back(NotificationJson(*it));
  return Paginate(std::move(items), page);
}

Result<json> Notifications::UnreadCount(const Principal& p) {
  auto list = store_.Notifications(NotificationQuery{p.user, true});
  if (!list) return std::unexpected(list.error());
  return json{{"unread", list->size()}};
}

Result<json> Notifications::MarkRead(const Principal& p, std::int64_t id) {
  auto found = store_.NotificationById(NotificationId{id});
  if (!found) return std::unexpected(found.error());
  if (!*found || (*found)->user != p.user) {
    return NotFound(fmt::format("no notification with id {}", id));
  }
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  if (auto put = (*tx)->MarkNotificationRead(NotificationId{id}); !put) {
    return std::unexpected(put.error());
  }
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  auto stored = store_.NotificationById(NotificationId{id});
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return NotFound(fmt::format("no notification with id {}", id));
  return NotificationJson(**stored);
}

Result<json> Notifications::MarkAllRead(const Principal& p) {
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto marked = (*tx)->MarkNotificationsRead(p.user);
  if (!marked) return std::unexpected(marked.error());
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  return json{{"marked", *marked}};
}

Webhooks::Webhooks(Store& store) : store_(store) {}

namespace {

Status RequireRootAdmin(Store& store, const Principal& p) {
  auto tree = LoadOrgTree(store);
  if (!tree) return std::unexpected(tree.error());
  if (!IsRootAdmin(*tree, p)) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not manage webhooks: admins of a root unit only",
                            EchoForMessage(p.login)));
  }
  return {};
}

bool IsWebhookUrl(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/') return false;
  return std::ranges::none_of(url, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

}  // namespace

Result<json> Webhooks::List(const Principal& p) {
  if (auto allowed = RequireRootAdmin(store_, p); !allowed) {
    return std::unexpected(allowed.error());
  }
  auto hooks = store_.Webhooks();
  if (!hooks) return std::unexpected(hooks.error());
  json items = json::array();
  for (const WebhookRecord& w : *hooks) items.push_back(WebhookJson(w));
  return json{{"items", std::move(items)}};
}

Result<json> Webhooks::Create(const Principal& p, const json& body) {
  WebhookRecord w;
  std::vector<std::string> events;
  JsonFields f(body, JsonFields::Mode::kCreate, {"url", "events", "active", "secret"});
  if (f.Text("url", w.url, true, 2000) && !IsWebhookUrl(w.url)) {
    f.Add("url", "invalid", "expected an http:// or https:// URL without spaces");
  }
  if (f.TextList("events", events, 10)) {
    if (events.empty()) f.Add("events", "required", "name at least one event");
    for (const std::string& e : events) {
      if (auto rung = ParseUrgingEvent(e); !rung) {
        f.Add("events", "invalid", rung.error().message);
      } else if (std::ranges::count(events, e) > 1) {
        f.Add("events", "invalid", fmt::format("'{}' is listed twice", EchoForMessage(e)));
        break;
      }
    }
  } else if (!f.Has("events")) {
    f.Add("events", "required", "name at least one event");
  }
  f.Boolean("active", w.active, false);
  if (f.Text("secret", w.secret, false, 256) && w.secret.size() < 16) {
    f.Add("secret", "invalid", "at least 16 bytes");
  }
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (auto allowed = RequireRootAdmin(store_, p); !allowed) {
    return std::unexpected(allowed.error());
  }
  if (w.secret.empty()) w.secret = RandomSecret();
  w.events = std::move(events);
  w.created_by = p.login;
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto id = (*tx)->PutWebhook(w);
  if (!id) return std::unexpected(id.error());
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  auto stored = store_.WebhookById(*id);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return Internal("the webhook just created is missing");
  json out = WebhookJson(**stored);
  out["secret"] = (*stored)->secret;
  return out;
}

Status Webhooks::Delete(const Principal& p, std::int64_t id) {
  if (auto allowed = RequireRootAdmin(store_, p); !allowed) return allowed;
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  if (auto done = (*tx)->DeleteWebhook(WebhookId{id}); !done) {
    if (done.error().code == ErrorCode::kNotFound) {
      return NotFound(fmt::format("no webhook with id {}", id));
    }
    return done;
  }
  return (*tx)->Commit();
}

}  // namespace planwatch
