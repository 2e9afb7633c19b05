#include "planwatch/domain/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "planwatch/base/enum_names.h"
#include "planwatch/base/text.h"

namespace planwatch {
namespace {

constexpr NameTable<ReportState, 5> kStates{{
    {ReportState::kDraft, "draft"},
    {ReportState::kSubmitted, "submitted"},
    {ReportState::kApproved, "approved"},
    {ReportState::kAccepted, "accepted"},
    {ReportState::kReturned, "returned"},
}};

constexpr NameTable<ReportAction, 7> kActions{{
    {ReportAction::kCreate, "create"},
    {ReportAction::kEdit, "edit"},
    {ReportAction::kSubmit, "submit"},
    {ReportAction::kApprove, "approve"},
    {ReportAction::kAccept, "accept"},
    {ReportAction::kReturn, "return"},
    {ReportAction::kRevise, "revise"},
}};

constexpr NameTable<ReportParty, 3> kParties{{
    {ReportParty::kUnitOfficer, "unit_officer"},
    {ReportParty::kUnitLeader, "unit_leader"},
    {ReportParty::kStandingAgency, "standing_agency"},
}};

constexpr NameTable<ReportTimeliness, 4> kTimeliness{{
    {ReportTimeliness::kOnTime, "on_time"},
    {ReportTimeliness::kLate, "late"},
    {ReportTimeliness::kMissing, "missing"},
    {ReportTimeliness::kNotYetDue, "not_yet_due"},
}};

constexpr NameTable<MissingItemKind, 2> kMissingKinds{{
    {MissingItemKind::kValue, "value"},
    {MissingItemKind::kUpdate, "update"},
}};

using S = ReportState;
using A = ReportAction;
// {from, action, to, by officer, by leader, by agency}
constexpr std::array<ReportTransition, 9> kTransitions{{
    {S::kDraft, A::kEdit, S::kDraft, true, true, false},
    {S::kReturned, A::kEdit, S::kReturned, true, true, false},
    {S::kDraft, A::kSubmit, S::kSubmitted, true, true, false},
    {S::kReturned, A::kSubmit, S::kSubmitted, true, true, false},
    {S::kSubmitted, A::kApprove, S::kApproved, false, true, false},
    {S::kSubmitted, A::kReturn, S::kReturned, false, true, true},
    {S::kApproved, A::kReturn, S::kReturned, false, false, true},
    {S::kApproved, A::kAccept, S::kAccepted, false, false, true},
    {S::kAccepted, A::kRevise, S::kDraft, true, true, false},
}};

const ReportTransition* FindTransition(ReportState from, ReportAction action) {
  for (const ReportTransition& t : kTransitions) {
    if (t.from == from && t.action == action) return &t;
  }
  return nullptr;
}

// "be submitted", "be edited", …: the action as a passive verb for messages.
std::string_view Passive(ReportAction action) {
  switch (action) {
    case A::kCreate:
      return "be created";
    case A::kEdit:
      return "be edited";
    case A::kSubmit:
      return "be submitted";
    case A::kApprove:
      return "be approved";
    case A::kAccept:
      return "be accepted";
    case A::kReturn:
      return "be returned";
    case A::kRevise:
      return "be revised";
  }
  return "change";
}

}  // namespace

std::string_view ReportStateName(ReportState state) { return NameOf(kStates, state); }
Result<ReportState> ParseReportState(std::string_view text) {
  return ParseName(kStates, "report state", text);
}
std::string_view ReportActionName(ReportAction action) { return NameOf(kActions, action); }
Result<ReportAction> ParseReportAction(std::string_view text) {
  return ParseName(kActions, "report action", text);
}
std::string_view ReportPartyName(ReportParty party) { return NameOf(kParties, party); }
std::string_view ReportTimelinessName(ReportTimeliness t) { return NameOf(kTimeliness, t); }
std::string_view MissingItemKindName(MissingItemKind kind) { return NameOf(kMissingKinds, kind); }

std::span<const ReportTransition> ReportTransitions() { return kTransitions; }

Result<ReportState> NextReportState(ReportState from, ReportAction action) {
  if (const ReportTransition* t = FindTransition(from, action)) return t->to;
  const std::string_view state = ReportStateName(from);
  return Fail(ErrorCode::kFailedPrecondition,
              fmt::format("a{} {} report cannot {} (action '{}' is not allowed in state '{}')",
                          state.front() == 'a' ? "n" : "", state, Passive(action),
                          ReportActionName(action), state));
}

bool PartyMayTake(ReportParty party, ReportState from, ReportAction action) {
  const ReportTransition* t = FindTransition(from, action);
  if (t == nullptr) return false;
  switch (party) {
    case ReportParty::kUnitOfficer:
      return t->by_officer;
    case ReportParty::kUnitLeader:
      return t->by_leader;
    case ReportParty::kStandingAgency:
      return t->by_agency;
  }
  return false;
}

bool IsReportEditable(ReportState state) {
  return state == ReportState::kDraft || state == ReportState::kReturned;
}

std::vector<ReportParty> ReportPartiesOf(const AccessPolicy& policy, const Principal& p,
                                         const Plan& plan, OrgUnitId unit) {
  std::vector<ReportParty> parties;
  if (p.user && policy.InScope(p, unit)) {
    if (p.role == Role::kUnitOfficer) parties.push_back(ReportParty::kUnitOfficer);
    if (p.role == Role::kUnitLeader) parties.push_back(ReportParty::kUnitLeader);
  }
  if (policy.CanAdministerPlan(p, plan)) parties.push_back(ReportParty::kStandingAgency);
  return parties;
}

bool CanReadReport(const AccessPolicy& policy, const Principal& p, const Plan& plan,
                   OrgUnitId unit) {
  if (!p.user) return false;
  return policy.InScope(p, unit) || policy.CanAdministerPlan(p, plan);
}

bool CanStartReport(const AccessPolicy& policy, const Principal& p, const Plan& plan,
                    OrgUnitId unit) {
  const auto parties = ReportPartiesOf(policy, p, plan, unit);
  return std::ranges::any_of(parties, [](ReportParty party) {
    return party == ReportParty::kUnitOfficer || party == ReportParty::kUnitLeader;
  });
}

bool CanTakeReportAction(const AccessPolicy& policy, const Principal& p, const Plan& plan,
                         OrgUnitId unit, ReportState from, ReportAction action) {
  const auto parties = ReportPartiesOf(policy, p, plan, unit);
  return std::ranges::any_of(parties,
                             [&](ReportParty party) { return PartyMayTake(party, from, action); });
}

bool CanSetReportSchedule(const AccessPolicy& policy, const Principal& p, const Plan& plan) {
  return policy.CanAdministerPlan(p, plan);
}

std::vector<ReportScheduleItem> DefaultReportSchedule() {
  return {ReportScheduleItem{PeriodType::kMonth, kDefaultReportDueDay}};
}

Status ValidateReportSchedule(std::span<const ReportScheduleItem> schedule) {
  if (schedule.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a report schedule needs at least one period type",
                {ErrorDetail{0, "items", "must not be empty"}});
  }
  std::vector<ErrorDetail> details;
  std::set<PeriodType> seen;
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    const ReportScheduleItem& item = schedule[i];
    const std::string prefix = fmt::format("items[{}].", i);
    if (item.due_day < 1 || item.due_day > kMaxReportDueDay) {
      details.push_back(
          {0, prefix + "due_day",
           fmt::format("due_day {} is outside 1..{}", item.due_day, kMaxReportDueDay)});
    }
    if (!seen.insert(item.period_type).second) {
      details.push_back(
          {0, prefix + "period_type",
           fmt::format("period type '{}' appears twice", PeriodTypeName(item.period_type))});
    }
  }
  if (details.empty()) return {};
  std::string message = "invalid report schedule: " + details.front().message;
  return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(details));
}

std::optional<int> DueDayOf(std::span<const ReportScheduleItem> schedule, PeriodType type) {
  for (const ReportScheduleItem& item : schedule) {
    if (item.period_type == type) return item.due_day;
  }
  return std::nullopt;
}

Date ReportDueOn(const Period& period, int due_day) {
  const Date first_after = period.end().AddDays(1);  // the first day of the next month
  return first_after.AddDays(std::clamp(due_day, 1, kMaxReportDueDay) - 1);
}

std::vector<Period> ExpectedReportPeriods(std::span<const ReportScheduleItem> schedule,
                                          const Period& span) {
  std::vector<Period> out;
  for (const ReportScheduleItem& item : schedule) {
    if (item.period_type < span.type()) continue;  // coarser than the span
    Period p = Period::Containing(span.start(), item.period_type);
    while (span.Contains(p)) {
      out.push_back(p);
      p = p.Next();
    }
  }
  std::ranges::sort(out);
  return out;
}

std::string FormatInstant(Instant instant) {
  const auto day = std::chrono::floor<std::chrono::days>(instant);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::milliseconds> time{instant - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z",
                     static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), time.hours().count(), time.minutes().count(),
                     time.seconds().count(), time.subseconds().count());
}

Result<Instant> ParseInstant(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument(fmt::format(
        "'{}' is not an instant such as 2025-06-20T08:15:00.000Z (UTC)", EchoForMessage(text)));
  };
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z
  if (text.size() < 20 || text.back() != 'Z') return bad();
  auto digits = [&](std::size_t from, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || !digits(11, 2, hour) ||
      !digits(14, 2, minute) || !digits(17, 2, second) || hour > 23 || minute > 59 || second > 59) {
    return bad();
  }
  auto date = Date::Parse(text.substr(0, 10));
  if (!date) return bad();
  int millis = 0;
  const std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest.front() != '.' || rest.size() < 2 || rest.size() > 10) return bad();
    for (std::size_t i = 1; i < rest.size(); ++i) {
      if (rest[i] < '0' || rest[i] > '9') return bad();
      if (i <= 3) millis = millis * 10 + (rest[i] - '0');
    }
    for (std::size_t i = rest.size(); i <= 3; ++i) millis *= 10;
  }
  const std::chrono::sys_days day{std::chrono::days{date->days_since_epoch()}};
  return Instant{day} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second} + std::chrono::milliseconds{millis};
}

bool SubmittedOnTime(Instant submitted_at, Date due_on, std::chrono::minutes utc_offset) {
  // The local date of the instant: floor(instant + offset) in days.
  const auto local_day = std::chrono::floor<std::chrono::days>(submitted_at + utc_offset);
  return local_day.time_since_epoch().count() <= due_on.days_since_epoch();
}

ReportTimeliness JudgeTimeliness(std::optional<Instant> first_submitted_at, Date due_on, Date today,
                                 std::chrono::minutes utc_offset) {
  if (first_submitted_at) {
    return SubmittedOnTime(*first_submitted_at, due_on, utc_offset) ? ReportTimeliness::kOnTime
                                                                    : ReportTimeliness::kLate;
  }
  return today > due_on ? ReportTimeliness::kMissing : ReportTimeliness::kNotYetDue;
}

double ReportCompleteness::Ratio() const {
  if (required == 0) return 1.0;
  return static_cast<double>(present) / static_cast<double>(required);
}

ReportCompleteness JudgeCompleteness(const Period& period, std::span<const ReportTaskFacts> tasks,
                                     std::span<const Indicator> indicators,
                                     std::span<const IndicatorId> with_value) {
  ReportCompleteness out;
  std::set<IndicatorId> linked;
  for (const ReportTaskFacts& task : tasks) {
    if (task.cancelled) continue;
    linked.insert(task.indicators.begin(), task.indicators.end());
  }
  std::vector<const Indicator*> required;
  for (const Indicator& indicator : indicators) {
    if (linked.contains(indicator.id) && indicator.period_type == period.type()) {
      required.push_back(&indicator);
    }
  }
  std::ranges::sort(required, {}, [](const Indicator* i) { return i->code; });
  required.erase(std::unique(required.begin(), required.end(),
                             [](const Indicator* a, const Indicator* b) { return a->id == b->id; }),
                 required.end());
  for (const Indicator* indicator : required) {
    ++out.required;
    if (std::ranges::find(with_value, indicator->id) != with_value.end()) {
      ++out.present;
    } else {
      out.missing.push_back({MissingItemKind::kValue, indicator->code});
    }
  }
  for (const ReportTaskFacts& task : tasks) {
    if (task.cancelled || task.done_before_period) continue;
    ++out.required;
    if (task.updated_in_period) {
      ++out.present;
    } else {
      out.missing.push_back({MissingItemKind::kUpdate, task.code});
    }
  }
  return out;
}

}  // namespace planwatch
