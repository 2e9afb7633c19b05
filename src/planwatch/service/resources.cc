#include "planwatch/service/resources.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/resource_codecs.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
std::unexpected<Error> BadQueryParam(std::string_view name, std::string_view code,
                                     std::string_view text) {
  const std::string echoed = EchoForMessage(name);
  return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", echoed),
              {ErrorDetail{0, echoed, FieldMessage(code, text)}});
}

Result<int> IntQueryParam(const QueryParams& params, std::string_view name, int fallback, int min,
                          int max) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  int value = 0;
  const std::string& text = it->second;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
      value > max) {
    return BadQueryParam(name, "invalid",
                         fmt::format("expected a whole number from {} to {}, got \"{}\"", min, max,
                                     EchoForMessage(text)));
  }
  return value;
}

namespace {

using nlohmann::json;
using Mode = JsonFields::Mode;

constexpr int kMaxLimit = 1000;

Status Denied() { return Fail(ErrorCode::kPermissionDenied, "you may not do this here"); }

// A refusal caused by the unit a body names in `field`: the field and the unit are named.
Status DeniedUnit(std::string_view field, OrgUnitId unit, const OrgTree& tree) {
  const OrgUnit* found = tree.Find(unit);
  const std::string code = found != nullptr ? EchoForMessage(found->code) : std::string("none");
  return Fail(
      ErrorCode::kPermissionDenied,
      fmt::format("you may not do this for org unit '{}' ({})", code, field),
      {ErrorDetail{
          0, std::string(field),
          FieldMessage("forbidden", fmt::format("org unit '{}' is outside your scope", code))}});
}

// Whether the role administers plans and indicators somewhere (so a refusal is about the unit).
bool AdministersSomewhere(const Principal& p) {
  return p.role == Role::kAdmin || p.role == Role::kStandingAgency;
}

std::unexpected<Error> NoSuch(ResourceKind kind, std::int64_t id) {
  return NotFound(fmt::format("no {} with id {}", ResourceKindName(kind), id));
}

Result<std::int64_t> ParseInt(std::string_view name, std::string_view text, std::int64_t min,
                              std::int64_t max) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return Fail(
        ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", name),
        {ErrorDetail{0, std::string(name),
                     FieldMessage("invalid", fmt::format("expected an integer from {} to "
                                                         "{}, got \"{}\"",
                                                         min, max, EchoForMessage(text)))}});
  }
  return v;
}

Status BadParam(std::string_view name, std::string_view code, const std::string& message) {
  return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", name),
              {ErrorDetail{0, std::string(name), FieldMessage(code, message)}});
}

// How a kind is listed: which fields filter by equality, which are searched, which sort.
struct ListSpec {
  std::vector<std::string_view> filters;
  std::vector<std::string_view> search;
  std::vector<std::string_view> sorts;
};

const ListSpec& SpecOf(ResourceKind kind) {
  static const ListSpec kOrgUnits{{"code", "type", "parent"},
                                  {"code", "name_vi", "name_en", "leader_name"},
                                  {"id", "code", "name_vi", "name_en", "type"}};
  static const ListSpec kDirectives{{"number", "kind"},
                                    {"number", "title_vi", "title_en", "issuer"},
                                    {"id", "number", "issued_on", "title_vi"}};
  static const ListSpec kPlans{{"code", "issuer", "standing_agency", "parent"},
                               {"code", "title_vi", "title_en"},
                               {"id", "code", "start", "end", "title_vi"}};
  static const ListSpec kGroups{{"plan", "code", "parent"},
                                {"code", "title_vi", "title_en"},
                                {"id", "code", "order", "title_vi"}};
  static const ListSpec kTasks{
      {"plan", "group", "code", "kind", "parent", "classified", "status"},
      {"code", "title_vi", "title_en", "description", "expected_output"},
      {"id", "code", "title_vi", "assigned_on", "deadline", "priority", "status"}};
  static const ListSpec kIndicators{
      {"code", "class", "value_type", "period_type", "unit_aggregation", "responsible_unit"},
      {"code", "name_vi", "name_en", "data_source"},
      {"id", "code", "name_vi", "class"}};
  switch (kind) {
    case ResourceKind::kOrgUnit:
      return kOrgUnits;
    case ResourceKind::kDirective:
      return kDirectives;
    case ResourceKind::kPlan:
      return kPlans;
    case ResourceKind::kTaskGroup:
      return kGroups;
    case ResourceKind::kTask:
      return kTasks;
    case ResourceKind::kIndicator:
      return kIndicators;
  }
  return kOrgUnits;
}

std::string FilterText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Whether an item matches the folded search text by something beyond its own fields.
using SearchBeyond = std::function<bool(const json& item, std::string_view folded_query)>;

// Filters, searches, sorts and pages JSON items by the kind's spec. Parameters handled by the
// caller are listed in `extra`.
Result<Page> PageOf(ResourceKind kind, std::vector<json> items, const QueryParams& params,
                    std::initializer_list<std::string_view> extra,
                    const SearchBeyond& search_beyond = nullptr) {
  const ListSpec& spec = SpecOf(kind);
  Page page;
  std::vector<std::pair<std::string, std::string>> filters;
  std::string query;
  std::string sort = "id";
  bool descending = false;
  for (const auto& [name, value] : params) {
    if (name == "limit") {
      auto v = ParseInt(name, value, 1, kMaxLimit);
      if (!v) return std::unexpected(v.error());
      page.limit = static_cast<int>(*v);
    } else if (name == "offset") {
      auto v = ParseInt(name, value, 0, 1'000'000'000);
      if (!v) return std::unexpected(v.error());
      page.offset = static_cast<int>(*v);
    } else if (name == "q") {
      query = FoldForSearch(value);
    } else if (name == "sort") {
      std::string_view s = value;
      descending = s.starts_with('-');
      if (descending) s.remove_prefix(1);
      if (std::ranges::find(spec.sorts, s) == spec.sorts.end()) {
        auto bad = BadParam(name, "invalid",
                            fmt::format("cannot sort by \"{}\"; one of: {}", EchoForMessage(s),
                                        fmt::join(spec.sorts, ", ")));
        return std::unexpected(bad.error());
      }
      sort = std::string(s);
    } else if (std::ranges::find(spec.filters, name) != spec.filters.end()) {
      filters.emplace_back(name, value);
    } else if (std::ranges::find(extra, std::string_view(name)) == extra.end()) {
      auto bad = BadParam(name, "unknown_field",
                          fmt::format("unknown parameter \"{}\"", EchoForMessage(name)));
      return std::unexpected(bad.error());
    }
  }
  std::erase_if(items, [&](const json& item) {
    for (const auto& [name, value] : filters) {
      if (FilterText(item[name]) != value) return true;
    }
    if (query.empty()) return false;
    if (search_beyond && search_beyond(item, query)) return false;
    return std::ranges::none_of(spec.search, [&](std::string_view field) {
      const json& v = item[std::string(field)];
      return v.is_string() && FoldForSearch(v.get<std::string>()).find(query) != std::string::npos;
    });
  });
  std::ranges::stable_sort(items, [&](const json& a, const json& b) {
    const json& x = a[sort];
    const json& y = b[sort];
    // Nulls last in either direction; ties by id.
    if (x.is_null() != y.is_null()) return y.is_null();
    if (x != y) return descending ? y < x : x < y;
    return a["id"] < b["id"];
  });
  page.total = static_cast<std::int64_t>(items.size());
  for (std::size_t i = static_cast<std::size_t>(page.offset);
       i < items.size() && page.items.size() < static_cast<std::size_t>(page.limit); ++i) {
    page.items.push_back(std::move(items[i]));
  }
  return page;
}

template <typename T>
std::vector<json> JsonAll(const std::vector<T>& records) {
  std::vector<json> out;
  out.reserve(records.size());
  for (const T& r : records) out.push_back(ToJson(r));
  return out;
}

template <typename T, typename IdT>
const T* FindById(const std::vector<T>& records, IdT id) {
  auto it = std::ranges::find_if(records, [&](const T& r) { return r.id == id; });
  return it == records.end() ? nullptr : &*it;
}

// Everything needed to judge a task: the plan, its ledger and today's evaluation.
struct TaskView {
  Task task;
  Plan plan;
  std::vector<TaskEvent> events;
  TaskState state;
};

Result<std::optional<TaskView>> FindTask(StoreReader& r, std::int64_t id, Date today) {
  auto record = LoadTaskRecord(r, TaskId{id});
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::optional<TaskView>();
  TaskView view{
      std::move((*record)->task), std::move((*record)->plan), std::move((*record)->ledger), {}};
  view.state = EvaluateTask(view.task, view.events, today, CompletionView::kVerified);
  return std::optional<TaskView>(std::move(view));
}

json TaskBody(const TaskView& v) {
  json body = ToJson(v.task);
  body["status"] = TaskStatusName(v.state.status);
  body["state"] = ToJson(v.state);
  return body;
}

Status CheckVersion(const std::optional<std::string>& if_match, const std::string& current) {
  if (!if_match) {
    return Fail(ErrorCode::kVersionRequired,
                "send the ETag you last read in If-Match, so that no one's change is lost");
  }
  if (*if_match == "*" || *if_match == current) return {};
  return Fail(ErrorCode::kVersionMismatch,
              "the record changed since you read it; read it again and reapply your change");
}

// Reference checks common to creates and updates: every id a body names must exist.
template <typename T, typename IdT>
void CheckRef(JsonFields& f, std::string_view field, IdT id, const std::vector<T>& records) {
  if (id && FindById(records, id) == nullptr) {
    f.Add(field, "not_found", fmt::format("no record with id {}", id.value));
  }
}

void CheckUnit(JsonFields& f, std::string_view field, OrgUnitId id, const OrgTree& tree) {
  if (id && tree.Find(id) == nullptr) {
    f.Add(field, "not_found", fmt::format("no org unit with id {}", id.value));
  }
}

}  // namespace

std::string_view ResourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kOrgUnit:
      return "org-units";
    case ResourceKind::kDirective:
      return "directives";
    case ResourceKind::kPlan:
      return "plans";
    case ResourceKind::kTaskGroup:
      return "task-groups";
    case ResourceKind::kTask:
      return "tasks";
    case ResourceKind::kIndicator:
      return "indicators";
  }
  return "resources";
}

std::string ETagOf(const json& stored) {
  return "\"" + Sha256Hex(stored.dump()).substr(0, 32) + "\"";
}

json TaskStoredJson(const Task& task, std::size_t ledger_size) {
  json stored = ToJson(task);
  stored["ledger_size"] = ledger_size;
  return stored;
}

Resources::Resources(Store& store, TodayFn today_fn) : store_(store), today_(std::move(today_fn)) {}

Result<Page> Resources::List(const Principal& p, ResourceKind kind, const QueryParams& params) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  if (kind != ResourceKind::kTask && !policy.CanReadReference(p)) {
    return std::unexpected(Denied().error());
  }
  switch (kind) {
    case ResourceKind::kOrgUnit: {
      std::vector<json> items;
      std::optional<Date> active_on;
      if (auto it = params.find("active_on"); it != params.end()) {
        auto d = Date::Parse(it->second);
        if (!d) return std::unexpected(BadParam("active_on", "invalid", d.error().message).error());
        active_on = *d;
      }
      for (const OrgUnit& u : tree->units()) {
        if (active_on && !u.ActiveOn(*active_on)) continue;
        items.push_back(ToJson(u));
      }
      return PageOf(kind, std::move(items), params, {"active_on"});
    }
    case ResourceKind::kDirective: {
      auto all = store_.Directives();
      if (!all) return std::unexpected(all.error());
      return PageOf(kind, JsonAll(*all), params, {});
    }
    case ResourceKind::kPlan: {
      auto all = store_.Plans();
      if (!all) return std::unexpected(all.error());
      return PageOf(kind, JsonAll(*all), params, {});
    }
    case ResourceKind::kTaskGroup: {
      auto plans = store_.Plans();
      if (!plans) return std::unexpected(plans.error());
      std::vector<json> items;
      for (const Plan& plan : *plans) {
        auto groups = store_.TaskGroups(plan.id);
        if (!groups) return std::unexpected(groups.error());
        for (const TaskGroup& g : *groups) items.push_back(ToJson(g));
      }
      return PageOf(kind, std::move(items), params, {});
    }
    case ResourceKind::kIndicator: {
      auto all = store_.Indicators();
      if (!all) return std::unexpected(all.error());
      return PageOf(kind, JsonAll(*all), params, {});
    }
    case ResourceKind::kTask:
      break;
  }

  // Tasks: judged on as_of (default today); filtered by what the caller may see.
  Date on = today_();
  if (auto it = params.find("as_of"); it != params.end()) {
    auto d = Date::Parse(it->second);
    if (!d) return std::unexpected(BadParam("as_of", "invalid", d.error().message).error());
    on = *d;
  }
  OrgUnitId lead;
  bool subtree = false;
  if (auto it = params.find("lead_unit"); it != params.end()) {
    auto v = ParseInt("lead_unit", it->second, 1, INT64_MAX);
    if (!v) return std::unexpected(v.error());
    lead = OrgUnitId{*v};
  }
  if (auto it = params.find("subtree"); it != params.end()) {
    if (it->second != "true" && it->second != "false") {
      return std::unexpected(BadParam("subtree", "invalid", "expected true or false").error());
    }
    subtree = it->second == "true";
  }
  std::optional<Date> deadline_from;
  std::optional<Date> deadline_to;
  for (auto [name, slot] :
       {std::pair{"deadline_from", &deadline_from}, std::pair{"deadline_to", &deadline_to}}) {
    if (auto it = params.find(name); it != params.end()) {
      auto d = Date::Parse(it->second);
      if (!d) return std::unexpected(BadParam(name, "invalid", d.error().message).error());
      *slot = *d;
    }
  }
  if (auto it = params.find("status"); it != params.end()) {
    if (auto s = ParseTaskStatus(it->second); !s) {
      return std::unexpected(BadParam("status", "invalid", s.error().message).error());
    }
  }
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  std::vector<json> items;
  for (const Plan& plan : *plans) {
    auto tasks = store_.Tasks(plan.id);
    if (!tasks) return std::unexpected(tasks.error());
    auto events = store_.TaskEvents(plan.id);
    if (!events) return std::unexpected(events.error());
    std::unordered_map<TaskId, std::vector<TaskEvent>> ledgers;
    for (TaskEvent& e : *events) ledgers[e.task].push_back(std::move(e));
    for (const Task& task : *tasks) {
      TaskView v{task, plan, ledgers[task.id], {}};
      v.state = EvaluateTask(task, v.events, on, CompletionView::kVerified);
      if (!policy.CanReadTask(p, task, v.state.lead_unit, plan)) continue;
      if (lead &&
          !(subtree ? tree->InSubtree(v.state.lead_unit, lead) : v.state.lead_unit == lead)) {
        continue;
      }
      if (deadline_from && (!v.state.deadline || *v.state.deadline < *deadline_from)) continue;
      if (deadline_to && (!v.state.deadline || *deadline_to < *v.state.deadline)) continue;
      items.push_back(TaskBody(v));
    }
  }
  // A task is also found by its lead unit in force: "chieng an" finds Phường Chiềng An's tasks.
  std::unordered_map<std::int64_t, std::string> unit_text;
  const SearchBeyond by_lead_unit = [&](const json& item, std::string_view query) {
    const json& id = item["state"]["lead_unit"];
    if (!id.is_number_integer()) return false;
    auto [it, fresh] = unit_text.try_emplace(id.get<std::int64_t>());
    if (fresh) {
      if (const OrgUnit* u = tree->Find(OrgUnitId{it->first})) {
        it->second = FoldForSearch(u->code + "\n" + u->name_vi + "\n" + u->name_en);
      }
    }
    return it->second.find(query) != std::string::npos;
  };
  return PageOf(kind, std::move(items), params,
                {"as_of", "lead_unit", "subtree", "deadline_from", "deadline_to"}, by_lead_unit);
}

Result<Resource> Resources::Get(const Principal& p, ResourceKind kind, std::int64_t id) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  if (kind == ResourceKind::kTask) {
    auto view = FindTask(store_, id, today_());
    if (!view) return std::unexpected(view.error());
    if (!*view || !policy.CanReadTask(p, (*view)->task, (*view)->state.lead_unit, (*view)->plan)) {
      return NoSuch(kind, id);
    }
    return Resource{TaskBody(**view),
                    ETagOf(TaskStoredJson((*view)->task, (*view)->events.size()))};
  }
  if (!policy.CanReadReference(p)) return std::unexpected(Denied().error());
  json body;
  switch (kind) {
    case ResourceKind::kOrgUnit: {
      const OrgUnit* u = tree->Find(OrgUnitId{id});
      if (u == nullptr) return NoSuch(kind, id);
      body = ToJson(*u);
      break;
    }
    case ResourceKind::kDirective: {
      auto all = store_.Directives();
      if (!all) return std::unexpected(all.error());
      const Directive* d = FindById(*all, DirectiveId{id});
      if (d == nullptr) return NoSuch(kind, id);
      body = ToJson(*d);
      break;
    }
    case ResourceKind::kPlan: {
      auto all = store_.Plans();
      if (!all) return std::unexpected(all.error());
      const Plan* plan = FindById(*all, PlanId{id});
      if (plan == nullptr) return NoSuch(kind, id);
      body = ToJson(*plan);
      break;
    }
    case ResourceKind::kTaskGroup: {
      auto plans = store_.Plans();
      if (!plans) return std::unexpected(plans.error());
      for (const Plan& plan : *plans) {
        auto groups = store_.TaskGroups(plan.id);
        if (!groups) return std::unexpected(groups.error());
        if (const TaskGroup* g = FindById(*groups, TaskGroupId{id}); g != nullptr) {
          body = ToJson(*g);
        }
      }
      if (body.is_null()) return NoSuch(kind, id);
      break;
    }
    case ResourceKind::kIndicator: {
      auto all = store_.Indicators();
      if (!all) return std::unexpected(all.error());
      const Indicator* i = FindById(*all, IndicatorId{id});
      if (i == nullptr) return NoSuch(kind, id);
      body = ToJson(*i);
      break;
    }
    case ResourceKind::kTask:
      break;
  }
  std::string etag = ETagOf(body);
  return Resource{std::move(body), std::move(etag)};
}

Result<json> Resources::History(const Principal& p, ResourceKind kind, std::int64_t id) {
  if (kind != ResourceKind::kTask && kind != ResourceKind::kOrgUnit) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("{} keep no version history", ResourceKindName(kind)));
  }
  // Visibility is the current version's, as for Get.
  if (auto visible = Get(p, kind, id); !visible) return std::unexpected(visible.error());
  json items = json::array();
  auto add = [&items](json value, const std::string& recorded_at,
                      const std::string& superseded_at) {
    items.push_back(
        json{{"value", std::move(value)},
             {"recorded_at", recorded_at},
             {"superseded_at", superseded_at.empty() ? json(nullptr) : json(superseded_at)}});
  };
  if (kind == ResourceKind::kTask) {
    auto history = store_.TaskHistory(TaskId{id});
    if (!history) return std::unexpected(history.error());
    for (const Version<Task>& v : *history) add(ToJson(v.value), v.recorded_at, v.superseded_at);
  } else {
    auto history = store_.OrgUnitHistory(OrgUnitId{id});
    if (!history) return std::unexpected(history.error());
    for (const Version<OrgUnit>& v : *history) add(ToJson(v.value), v.recorded_at, v.superseded_at);
  }
  return json{{"items", std::move(items)}};
}

namespace {

// One create-or-update of a record kind, inside `tx`. `current` is none for a create.
// Returns the id written.
Result<std::int64_t> WriteOrgUnit(Transaction& tx, const Principal& p, const OrgTree& tree,
                                  const OrgUnit* current, const json& body) {
  AccessPolicy policy(tree);
  if (current && !policy.CanManageUnit(p, current->parent))
    return std::unexpected(Denied().error());
  OrgUnit u = current ? *current : OrgUnit{};
  JsonFields f = MakeFields(body, current ? Mode::kPatch : Mode::kCreate, &u);
  Decode(f, u);
  CheckUnit(f, "parent", u.parent, tree);
  if (f.errors().empty() && u.parent) {
    if (current && (u.parent == current->id || tree.InSubtree(u.parent, current->id))) {
      f.Add("parent", "invalid", "a unit cannot move beneath itself");
    }
  }
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (current && !policy.CanManageUnit(p, current->parent))
    return std::unexpected(Denied().error());
  if (!policy.CanManageUnit(p, u.parent)) {
    if (p.role != Role::kAdmin) return std::unexpected(Denied().error());
    return std::unexpected(DeniedUnit("parent", u.parent, tree).error());
  }
  if (const OrgUnit* same = tree.FindByCode(u.code); same != nullptr && same->id != u.id) {
    return Conflict(fmt::format("the code {} is taken by another unit", EchoForMessage(u.code)));
  }
  // The tree must stay whole (restructure dates, cycles): check it with the change applied.
  std::vector<OrgUnit> units(tree.units().begin(), tree.units().end());
  OrgUnit candidate = u;
  if (!current) {
    std::int64_t max_id = 0;
    for (const OrgUnit& other : units) max_id = std::max(max_id, other.id.value);
    candidate.id = OrgUnitId{max_id + 1};
    units.push_back(candidate);
  } else {
    for (OrgUnit& other : units) {
      if (other.id == u.id) other = candidate;
    }
  }
  std::vector<Succession> successions(tree.successions().begin(), tree.successions().end());
  if (auto rebuilt = OrgTree::Build(std::move(units), std::move(successions)); !rebuilt) {
    std::vector<ErrorDetail> details;
    for (const ErrorDetail& d : rebuilt.error().details) {
      details.push_back(ErrorDetail{0, "valid_to", FieldMessage("invalid", d.message)});
    }
    return Fail(ErrorCode::kInvalidArgument, "the change would break the org tree", details);
  }
  auto id = tx.PutOrgUnit(u);
  if (!id) return std::unexpected(id.error());
  return id->value;
}

Result<std::int64_t> WriteDirective(Transaction& tx, const Principal& p, const OrgTree& tree,
                                    const Directive* current, const json& body) {
  AccessPolicy policy(tree);
  if (!policy.CanManageDirectives(p)) return std::unexpected(Denied().error());
  Directive d = current ? *current : Directive{};
  JsonFields f = MakeFields(body, current ? Mode::kPatch : Mode::kCreate, &d);
  Decode(f, d);
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (!policy.CanManageDirectives(p)) return std::unexpected(Denied().error());
  auto id = tx.PutDirective(d);
  if (!id) return std::unexpected(id.error());
  return id->value;
}

Result<std::int64_t> WritePlan(Transaction& tx, const Principal& p, const OrgTree& tree,
                               const Plan* current, const json& body) {
  AccessPolicy policy(tree);
  if (current && !policy.CanAdministerPlan(p, *current)) return std::unexpected(Denied().error());
  Plan plan = current ? *current : Plan{};
  JsonFields f = MakeFields(body, current ? Mode::kPatch : Mode::kCreate, &plan);
  Decode(f, plan);
  CheckUnit(f, "issuer", plan.issuer, tree);
  CheckUnit(f, "standing_agency", plan.standing_agency, tree);
  auto directives = tx.Directives();
  if (!directives) return std::unexpected(directives.error());
  for (DirectiveId d : plan.directives) CheckRef(f, "directives", d, *directives);
  auto plans = tx.Plans();
  if (!plans) return std::unexpected(plans.error());
  CheckRef(f, "parent", plan.parent, *plans);
  if (current && plan.parent == current->id)
    f.Add("parent", "invalid", "a plan cannot be its own parent");
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (current && !policy.CanAdministerPlan(p, *current)) return std::unexpected(Denied().error());
  if (!policy.CanAdministerPlan(p, plan)) {
    if (!AdministersSomewhere(p)) return std::unexpected(Denied().error());
    return std::unexpected((plan.standing_agency
                                ? DeniedUnit("standing_agency", plan.standing_agency, tree)
                                : DeniedUnit("issuer", plan.issuer, tree))
                               .error());
  }
  auto id = tx.PutPlan(plan);
  if (!id) return std::unexpected(id.error());
  return id->value;
}

Result<std::int64_t> WriteTaskGroup(Transaction& tx, const Principal& p, const OrgTree& tree,
                                    const TaskGroup* current, const json& body) {
  AccessPolicy policy(tree);
  TaskGroup g = current ? *current : TaskGroup{};
  JsonFields f = MakeFields(body, current ? Mode::kPatch : Mode::kCreate, &g);
  Decode(f, g);
  if (current && g.plan != current->plan)
    f.Add("plan", "invalid", "a task group cannot move to another plan");
  auto plans = tx.Plans();
  if (!plans) return std::unexpected(plans.error());
  const Plan* plan = FindById(*plans, g.plan);
  if (g.plan && plan == nullptr)
    f.Add("plan", "not_found", fmt::format("no plan with id {}", g.plan.value));
  if (plan != nullptr && g.parent) {
    auto groups = tx.TaskGroups(g.plan);
    if (!groups) return std::unexpected(groups.error());
    CheckRef(f, "parent", g.parent, *groups);
    if (current && g.parent == current->id)
      f.Add("parent", "invalid", "a group cannot be its own parent");
  }
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (!policy.CanAdministerPlan(p, *plan)) return std::unexpected(Denied().error());
  auto id = tx.PutTaskGroup(g);
  if (!id) return std::unexpected(id.error());
  return id->value;
}

Result<std::int64_t> WriteTask(Transaction& tx, const Principal& p, const OrgTree& tree,
                               const Task* current, const json& body) {
  AccessPolicy policy(tree);
  Task t = current ? *current : Task{};
  JsonFields f = MakeFields(body, current ? Mode::kPatch : Mode::kCreate, &t);
  Decode(f, t);
  if (current) {
    if (t.plan != current->plan) f.Add("plan", "invalid", "a task cannot move to another plan");
    if (t.deadline != current->deadline) {
      f.Add(
          "deadline", "invalid",
          "the deadline changes only by amendment (POST /api/v1/tasks/{id}/amend), with a reason");
    }
    if (t.lead_unit != current->lead_unit) {
      f.Add(
          "lead_unit", "invalid",
          "the lead unit changes only by amendment (POST /api/v1/tasks/{id}/amend), with a reason");
    }
  }
  auto plans = tx.Plans();
  if (!plans) return std::unexpected(plans.error());
  const Plan* plan = FindById(*plans, t.plan);
  if (t.plan && plan == nullptr)
    f.Add("plan", "not_found", fmt::format("no plan with id {}", t.plan.value));
  CheckUnit(f, "lead_unit", t.lead_unit, tree);
  for (OrgUnitId u : t.coordinating_units) CheckUnit(f, "coordinating_units", u, tree);
  auto indicators = tx.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  for (IndicatorId i : t.indicators) CheckRef(f, "indicators", i, *indicators);
  if (plan != nullptr) {
    auto groups = tx.TaskGroups(plan->id);
    if (!groups) return std::unexpected(groups.error());
    CheckRef(f, "group", t.group, *groups);
    if (t.parent) {
      auto history = tx.TaskHistory(t.parent);
      if (!history) f.Add("parent", "not_found", fmt::format("no task with id {}", t.parent.value));
      if (current && t.parent == current->id)
        f.Add("parent", "invalid", "a task cannot be its own parent");
    }
  }
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (!policy.CanAdministerPlan(p, *plan)) return std::unexpected(Denied().error());
  auto id = tx.PutTask(t);
  if (!id) return std::unexpected(id.error());
  return id->value;
}

Result<std::int64_t> WriteIndicator(Transaction& tx, const Principal& p, const OrgTree& tree,
                                    const Indicator* current, const json& body) {
  AccessPolicy policy(tree);
  if (current && !policy.CanManageIndicator(p, *current)) return std::unexpected(Denied().error());
  Indicator i = current ? *current : Indicator{};
  JsonFields f = MakeFields(body, current ? Mode::kPatch : Mode::kCreate, &i);
  Decode(f, i);
  CheckUnit(f, "responsible_unit", i.responsible_unit, tree);
  auto indicators = tx.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  CheckRef(f, "numerator", i.numerator, *indicators);
  CheckRef(f, "denominator", i.denominator, *indicators);
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (current && !policy.CanManageIndicator(p, *current)) return std::unexpected(Denied().error());
  if (!policy.CanManageIndicator(p, i)) {
    if (!AdministersSomewhere(p)) return std::unexpected(Denied().error());
    return std::unexpected(DeniedUnit("responsible_unit", i.responsible_unit, tree).error());
  }
  auto id = tx.PutIndicator(i);
  if (!id) return std::unexpected(id.error());
  return id->value;
}

// The stored JSON of a record read inside `tx` (for the version check), or none.
Result<std::optional<json>> StoredJson(Transaction& tx, ResourceKind kind, std::int64_t id) {
  switch (kind) {
    case ResourceKind::kOrgUnit: {
      auto all = tx.OrgUnits();
      if (!all) return std::unexpected(all.error());
      const OrgUnit* u = FindById(*all, OrgUnitId{id});
      return u ? std::optional<json>(ToJson(*u)) : std::nullopt;
    }
    case ResourceKind::kDirective: {
      auto all = tx.Directives();
      if (!all) return std::unexpected(all.error());
      const Directive* d = FindById(*all, DirectiveId{id});
      return d ? std::optional<json>(ToJson(*d)) : std::nullopt;
    }
    case ResourceKind::kPlan: {
      auto all = tx.Plans();
      if (!all) return std::unexpected(all.error());
      const Plan* p = FindById(*all, PlanId{id});
      return p ? std::optional<json>(ToJson(*p)) : std::nullopt;
    }
    case ResourceKind::kTaskGroup: {
      auto plans = tx.Plans();
      if (!plans) return std::unexpected(plans.error());
      for (const Plan& plan : *plans) {
        auto groups = tx.TaskGroups(plan.id);
        if (!groups) return std::unexpected(groups.error());
        if (const TaskGroup* g = FindById(*groups, TaskGroupId{id}))
          return std::optional<json>(ToJson(*g));
      }
      return std::optional<json>();
    }
    case ResourceKind::kTask: {
      auto history = tx.TaskHistory(TaskId{id});
      if (!history) {
        if (history.error().code == ErrorCode::kNotFound) return std::optional<json>();
        return std::unexpected(history.error());
      }
      const Task& task = history->back().value;
      auto events = tx.TaskEvents(task.plan);
      if (!events) return std::unexpected(events.error());
      auto n =
          std::ranges::count_if(*events, [&](const TaskEvent& e) { return e.task == task.id; });
      return std::optional<json>(TaskStoredJson(task, static_cast<std::size_t>(n)));
    }
    case ResourceKind::kIndicator: {
      auto all = tx.Indicators();
      if (!all) return std::unexpected(all.error());
      const Indicator* i = FindById(*all, IndicatorId{id});
      return i ? std::optional<json>(ToJson(*i)) : std::nullopt;
    }
  }
  return std::optional<json>();
}

Result<std::int64_t> Write(Transaction& tx, const Principal& p, const OrgTree& tree,
                           ResourceKind kind, std::optional<std::int64_t> id, const json& body) {
  switch (kind) {
    case ResourceKind::kOrgUnit: {
      const OrgUnit* current = id ? tree.Find(OrgUnitId{*id}) : nullptr;
      return WriteOrgUnit(tx, p, tree, current, body);
    }
    case ResourceKind::kDirective: {
      auto all = tx.Directives();
      if (!all) return std::unexpected(all.error());
      return WriteDirective(tx, p, tree, id ? FindById(*all, DirectiveId{*id}) : nullptr, body);
    }
    case ResourceKind::kPlan: {
      auto all = tx.Plans();
      if (!all) return std::unexpected(all.error());
      return WritePlan(tx, p, tree, id ? FindById(*all, PlanId{*id}) : nullptr, body);
    }
    case ResourceKind::kTaskGroup: {
      if (!id) return WriteTaskGroup(tx, p, tree, nullptr, body);
      auto plans = tx.Plans();
      if (!plans) return std::unexpected(plans.error());
      for (const Plan& plan : *plans) {
        auto groups = tx.TaskGroups(plan.id);
        if (!groups) return std::unexpected(groups.error());
        if (const TaskGroup* g = FindById(*groups, TaskGroupId{*id})) {
          TaskGroup copy = *g;
          return WriteTaskGroup(tx, p, tree, &copy, body);
        }
      }
      return NoSuch(kind, *id);
    }
    case ResourceKind::kTask: {
      if (!id) return WriteTask(tx, p, tree, nullptr, body);
      auto history = tx.TaskHistory(TaskId{*id});
      if (!history) return std::unexpected(history.error());
      Task copy = history->back().value;
      return WriteTask(tx, p, tree, &copy, body);
    }
    case ResourceKind::kIndicator: {
      auto all = tx.Indicators();
      if (!all) return std::unexpected(all.error());
      return WriteIndicator(tx, p, tree, id ? FindById(*all, IndicatorId{*id}) : nullptr, body);
    }
  }
  return Internal("unknown resource kind");
}

}  // namespace

Result<Resource> Resources::Create(const Principal& p, ResourceKind kind, const json& body) {
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto tree = LoadOrgTree(**tx);
  if (!tree) return std::unexpected(tree.error());
  auto id = Write(**tx, p, *tree, kind, std::nullopt, body);
  if (!id) return std::unexpected(id.error());
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  return Get(p, kind, *id);
}

Result<Resource> Resources::Update(const Principal& p, ResourceKind kind, std::int64_t id,
                                   const json& patch, const std::optional<std::string>& if_match) {
  // Not found (or not visible) answers before the version check, so ids out of scope stay hidden.
  auto visible = Get(p, kind, id);
  if (!visible) return std::unexpected(visible.error());
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto stored = StoredJson(**tx, kind, id);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return NoSuch(kind, id);
  if (auto ok = CheckVersion(if_match, ETagOf(**stored)); !ok) return std::unexpected(ok.error());
  auto tree = LoadOrgTree(**tx);
  if (!tree) return std::unexpected(tree.error());
  auto written = Write(**tx, p, *tree, kind, id, patch);
  if (!written) return std::unexpected(written.error());
  if (auto done = (*tx)->Commit(); !done) return std::unexpected(done.error());
  return Get(p, kind, id);
}

Status Resources::Delete(const Principal& p, ResourceKind kind, std::int64_t id,
                         const std::optional<std::string>& if_match) {
  auto visible = Get(p, kind, id);
  if (!visible) return std::unexpected(visible.error());
  if (kind == ResourceKind::kTask) {
    return Fail(ErrorCode::kFailedPrecondition,
                "a task is not deleted: cancel it (POST /api/v1/tasks/{id}/cancel) with a reason");
  }
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto stored = StoredJson(**tx, kind, id);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return NoSuch(kind, id);
  if (auto ok = CheckVersion(if_match, ETagOf(**stored)); !ok) return ok;
  auto tree = LoadOrgTree(**tx);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  auto plans = (*tx)->Plans();
  if (!plans) return std::unexpected(plans.error());
  Status done;
  switch (kind) {
    case ResourceKind::kOrgUnit: {
      const OrgUnit* u = tree->Find(OrgUnitId{id});
      if (!policy.CanManageUnit(p, u->parent)) return Denied();
      const Date yesterday = today_().AddDays(-1);
      for (OrgUnitId child : tree->Children(u->id)) {
        if (tree->Find(child)->ActiveOn(today_())) {
          return Conflict(fmt::format("{} still has units in force beneath it", u->code));
        }
      }
      if (u->valid_to && *u->valid_to <= yesterday) {
        return Conflict(fmt::format("{} is already closed", u->code));
      }
      OrgUnit closed = *u;
      closed.valid_to = yesterday;
      if (closed.valid_from && *closed.valid_to < *closed.valid_from)
        closed.valid_to = closed.valid_from;
      auto put = (*tx)->PutOrgUnit(closed);
      if (!put) return std::unexpected(put.error());
      break;
    }
    case ResourceKind::kDirective: {
      if (!policy.CanManageDirectives(p)) return Denied();
      for (const Plan& plan : *plans) {
        if (std::ranges::find(plan.directives, DirectiveId{id}) != plan.directives.end()) {
          return Conflict(fmt::format("plan {} implements this directive", plan.code));
        }
      }
      done = (*tx)->DeleteDirective(DirectiveId{id});
      break;
    }
    case ResourceKind::kPlan: {
      const Plan* plan = FindById(*plans, PlanId{id});
      if (!policy.CanAdministerPlan(p, *plan)) return Denied();
      auto tasks = (*tx)->Tasks(plan->id);
      if (!tasks) return std::unexpected(tasks.error());
      auto groups = (*tx)->TaskGroups(plan->id);
      if (!groups) return std::unexpected(groups.error());
      if (!tasks->empty() || !groups->empty()) {
        return Conflict(fmt::format("plan {} still has task groups or tasks", plan->code));
      }
      done = (*tx)->DeletePlan(plan->id);
      break;
    }
    case ResourceKind::kTaskGroup: {
      const PlanId plan_id{(**stored)["plan"].get<std::int64_t>()};
      const Plan* plan = FindById(*plans, plan_id);
      if (!policy.CanAdministerPlan(p, *plan)) return Denied();
      auto tasks = (*tx)->Tasks(plan_id);
      if (!tasks) return std::unexpected(tasks.error());
      auto groups = (*tx)->TaskGroups(plan_id);
      if (!groups) return std::unexpected(groups.error());
      if (std::ranges::any_of(*tasks, [&](const Task& t) { return t.group == TaskGroupId{id}; }) ||
          std::ranges::any_of(*groups,
                              [&](const TaskGroup& g) { return g.parent == TaskGroupId{id}; })) {
        return Conflict("the task group still has tasks or sub-groups");
      }
      done = (*tx)->DeleteTaskGroup(TaskGroupId{id});
      break;
    }
    case ResourceKind::kIndicator: {
      auto all = (*tx)->Indicators();
      if (!all) return std::unexpected(all.error());
      const Indicator* indicator = FindById(*all, IndicatorId{id});
      if (!policy.CanManageIndicator(p, *indicator)) return Denied();
      DataValueQuery query;
      query.indicator = indicator->id;
      auto values = (*tx)->DataValues(query);
      if (!values) return std::unexpected(values.error());
      if (!values->empty()) return Conflict(fmt::format("{} has data values", indicator->code));
      for (const Indicator& other : *all) {
        if (other.numerator == indicator->id || other.denominator == indicator->id) {
          return Conflict(fmt::format("ratio indicator {} is computed from it", other.code));
        }
      }
      done = (*tx)->DeleteIndicator(indicator->id);
      break;
    }
    case ResourceKind::kTask:
      break;
  }
  if (!done) return done;
  return (*tx)->Commit();
}

}  // namespace planwatch
