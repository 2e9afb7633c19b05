#include "planwatch/service/reviews.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/review.h"
#include "planwatch/service/indicator_figures.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/plan_status.h"
#include "planwatch/service/scorecards.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

constexpr int kMaxLimit = 1000;

Result<std::int64_t> IdQuery(const QueryParams& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end()) return BadQueryParam(name, "required", "a review id is required");
  std::int64_t value = 0;
  const std::string& text = it->second;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value <= 0) {
    return BadQueryParam(name, "invalid",
                         fmt::format("expected a review id, got \"{}\"", EchoForMessage(text)));
  }
  return value;
}

const Plan* FindPlan(const std::vector<Plan>& plans, PlanId id) {
  auto it = std::ranges::find(plans, id, &Plan::id);
  return it == plans.end() ? nullptr : &*it;
}

bool CanRead(const AccessPolicy& policy, const Principal& p, const Plan& plan,
             const ReviewRecord& review) {
  if (!p.user) return false;
  return review.published || policy.CanAdministerPlan(p, plan) ||
         (plan.issuer && policy.CanReadAnalytics(p, plan.issuer));
}

json ReviewJson(const ReviewRecord& r, const Plan& plan, bool with_figures) {
  json out = {
      {"id", r.id.value},
      {"plan", {{"id", plan.id.value}, {"code", plan.code}}},
      {"kind", ReviewKindName(r.kind)},
      {"title_vi", r.title_vi},
      {"title_en", r.title_en},
      {"as_of", r.as_of.ToString()},
      {"created_by", r.created_by},
      {"created_at", r.created_at},
      {"published", r.published},
      {"published_at", r.published ? json(r.published_at) : json(nullptr)},
      {"published_by", r.published ? json(r.published_by) : json(nullptr)},
  };
  if (with_figures) {
    json figures = json::parse(r.figures, nullptr, false);
    out["figures"] = figures.is_discarded() ? json(nullptr) : std::move(figures);
  }
  return out;
}

Resource AsResource(json body) {
  std::string etag = ETagOf(body);
  return Resource{std::move(body), std::move(etag)};
}

json Change(const json& a, const json& b) {
  if (!a.is_number() || !b.is_number()) return nullptr;
  return b.get<double>() - a.get<double>();
}

const json& Member(const json& object, std::string_view key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// Items of `list` keyed by the string at `path` (e.g. {"unit", "code"}).
std::map<std::string, const json*> ByCode(const json& list,
                                          std::initializer_list<std::string_view> path) {
  std::map<std::string, const json*> out;
  if (!list.is_array()) return out;
  for (const json& item : list) {
    const json* at = &item;
    for (std::string_view key : path) at = &Member(*at, key);
    if (at->is_string()) out[at->get<std::string>()] = &item;
  }
  return out;
}

json CodesOnlyIn(const std::map<std::string, const json*>& in,
                 const std::map<std::string, const json*>& other) {
  json out = json::array();
  for (const auto& [code, item] : in) {
    if (!other.contains(code)) out.push_back(code);
  }
  return out;
}

json ScoreSide(const json* card) {
  if (!card) return nullptr;
  return {{"score", Member(*card, "score")},
          {"rating", Member(*card, "rating")},
          {"rank", Member(*card, "rank")}};
}

json GroupSide(const json* row) {
  if (!row) return nullptr;
  return {{"done", Member(*row, "done")},
          {"total", Member(*row, "total")},
          {"completion_rate", Member(*row, "completion_rate")}};
}

json Summary(const ReviewRecord& r) {
  return {{"id", r.id.value},       {"kind", ReviewKindName(r.kind)}, {"title_vi", r.title_vi},
          {"title_en", r.title_en}, {"as_of", r.as_of.ToString()},    {"published", r.published}};
}

}  // namespace

Result<json> FreezeFigures(StoreReader& store, const Analytics& analytics, const Plan& plan,
                           Date as_of, std::chrono::minutes utc_offset) {
  StatusQuery query;
  query.plan_code = plan.code;
  query.as_of = as_of;
  query.group_by = StatusGroupBy::kGroup;
  auto status = GetPlanStatus(analytics, query);
  if (!status) return std::unexpected(status.error());

  const Period year = Period::Year(as_of.year());
  json indicators = json::object();
  if (plan.issuer) {
    auto tree = LoadOrgTree(store);
    if (!tree) return std::unexpected(tree.error());
    const OrgUnit* issuer = tree->Find(plan.issuer);
    if (!issuer) return Internal(fmt::format("plan {} has no issuing unit", plan.code));
    auto figures = GetIndicatorFigures(analytics, issuer->code, PeriodRange{year, year});
    if (!figures) return std::unexpected(figures.error());
    indicators = ToJson(*figures);
  }

  ScorecardQuery cards_query{plan.id, year, std::nullopt, std::nullopt};
  auto cards = ComputeScorecards(store, cards_query, as_of, utc_offset);
  if (!cards) return std::unexpected(cards.error());
  json items = json::array();
  for (const UnitScorecard& card : *cards) items.push_back(ToJson(card));

  return json{{"plan",
               {{"id", plan.id.value},
                {"code", plan.code},
                {"title_vi", plan.title_vi},
                {"title_en", plan.title_en}}},
              {"as_of", as_of.ToString()},
              {"status", ToJson(*status)},
              {"indicators", std::move(indicators)},
              {"scorecards", {{"period", year.ToString()}, {"items", std::move(items)}}}};
}

Reviews::Reviews(Store& store, const Analytics& analytics, TodayFn today,
                 std::chrono::minutes utc_offset)
    : store_(store), analytics_(analytics), today_(std::move(today)), utc_offset_(utc_offset) {}

Result<Resource> Reviews::Create(const Principal& p, const json& body) {
  JsonFields f(body, JsonFields::Mode::kCreate, {"plan", "as_of", "kind", "title_vi", "title_en"});
  ReviewRecord review;
  f.Ref("plan", review.plan, true);
  const Date today = today_();
  if (f.DateField("as_of", review.as_of, true) && review.as_of > today) {
    f.Add("as_of", "out_of_range",
          fmt::format("a review freezes figures up to today ({}), got {}", today.ToString(),
                      review.as_of.ToString()));
  }
  f.Enum("kind", review.kind, ParseReviewKind, true);
  if (f.Text("title_vi", review.title_vi, true, 500) && review.title_vi.empty()) {
    f.Add("title_vi", "required", "the Vietnamese title must not be empty");
  }
  f.Text("title_en", review.title_en, false, 500);
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  const Plan* plan = review.plan ? FindPlan(*plans, review.plan) : nullptr;
  if (review.plan && !plan) {
    f.Add("plan", "not_found", fmt::format("no plan with id {}", review.plan.value));
  }
  if (auto ok = f.Finish(); !ok) return std::unexpected(ok.error());

  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  if (!AccessPolicy(*tree).CanAdministerPlan(p, *plan)) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not review plan {}", EchoForMessage(p.login), plan->code));
  }
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  // Frozen from the transaction's own reads, so the figures are one consistent state.
  auto figures = FreezeFigures(**tx, analytics_, *plan, review.as_of, utc_offset_);
  if (!figures) return std::unexpected(figures.error());
  review.figures = figures->dump();
  review.created_by = p.login;
  auto id = (*tx)->PutReview(review);
  if (!id) return std::unexpected(id.error());
  if (auto ok = (*tx)->Commit(); !ok) return std::unexpected(ok.error());
  auto stored = store_.ReviewById(*id);
  if (!stored) return std::unexpected(stored.error());
  return AsResource(ReviewJson(*stored, *plan, true));
}

Result<Page> Reviews::List(const Principal& p, const QueryParams& params) {
  for (const auto& [name, value] : params) {
    if (name != "plan" && name != "limit" && name != "offset") {
      return BadQueryParam(name, "unknown_field",
                           fmt::format("unknown parameter \"{}\"; accepted: plan, limit, offset",
                                       EchoForMessage(name)));
    }
  }
  auto limit = IntQueryParam(params, "limit", 50, 1, kMaxLimit);
  if (!limit) return std::unexpected(limit.error());
  auto offset = IntQueryParam(params, "offset", 0, 0, 1'000'000'000);
  if (!offset) return std::unexpected(offset.error());
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  PlanId only;
  if (auto it = params.find("plan"); it != params.end()) {
    const std::string& text = it->second;
    const bool digits =
        !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
    auto plan = std::ranges::find_if(*plans, [&](const Plan& pl) {
      return pl.code == text || (digits && std::to_string(pl.id.value) == text);
    });
    if (plan == plans->end()) return NotFound(fmt::format("no plan '{}'", EchoForMessage(text)));
    only = plan->id;
  }
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  const AccessPolicy policy(*tree);
  auto stored = store_.Reviews(only);
  if (!stored) return std::unexpected(stored.error());
  std::vector<json> visible;
  for (const ReviewRecord& r : *stored) {
    const Plan* plan = FindPlan(*plans, r.plan);
    if (plan && CanRead(policy, p, *plan, r)) visible.push_back(ReviewJson(r, *plan, false));
  }
  Page page;
  page.limit = *limit;
  page.offset = *offset;
  page.total = static_cast<std::int64_t>(visible.size());
  for (std::size_t i = static_cast<std::size_t>(*offset);
       i < visible.size() && page.items.size() < static_cast<std::size_t>(*limit); ++i) {
    page.items.push_back(std::move(visible[i]));
  }
  return page;
}

Result<Resource> Reviews::Get(const Principal& p, std::int64_t id) {
  auto review = store_.ReviewById(ReviewId{id});
  if (!review) return std::unexpected(review.error());
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  const Plan* plan = FindPlan(*plans, review->plan);
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  if (!plan || !CanRead(AccessPolicy(*tree), p, *plan, *review)) {
    return NotFound(fmt::format("review {} does not exist", id));
  }
  return AsResource(ReviewJson(*review, *plan, true));
}

Result<Resource> Reviews::Publish(const Principal& p, std::int64_t id) {
  auto review = store_.ReviewById(ReviewId{id});
  if (!review) return std::unexpected(review.error());
  auto plans = store_.Plans();
  if (!plans) return std::unexpected(plans.error());
  const Plan* plan = FindPlan(*plans, review->plan);
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  const AccessPolicy policy(*tree);
  if (!plan || !CanRead(policy, p, *plan, *review)) {
    return NotFound(fmt::format("review {} does not exist", id));
  }
  if (!policy.CanAdministerPlan(p, *plan)) {
    return Fail(ErrorCode::kPermissionDenied, fmt::format("{} may not publish reviews of plan {}",
                                                          EchoForMessage(p.login), plan->code));
  }
  auto tx = store_.Begin();
  if (!tx) return std::unexpected(tx.error());
  if (auto ok = (*tx)->PublishReview(ReviewId{id}, p.login); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = (*tx)->Commit(); !ok) return std::unexpected(ok.error());
  return Get(p, id);
}

Result<json> Reviews::Compare(const Principal& p, const QueryParams& params) {
  for (const auto& [name, value] : params) {
    if (name != "a" && name != "b") {
      return BadQueryParam(
          name, "unknown_field",
          fmt::format("unknown parameter \"{}\"; accepted: a, b", EchoForMessage(name)));
    }
  }
  auto a_id = IdQuery(params, "a");
  if (!a_id) return std::unexpected(a_id.error());
  auto b_id = IdQuery(params, "b");
  if (!b_id) return std::unexpected(b_id.error());
  auto a = Get(p, *a_id);
  if (!a) return std::unexpected(a.error());
  auto b = Get(p, *b_id);
  if (!b) return std::unexpected(b.error());
  if (a->body["plan"]["id"] != b->body["plan"]["id"]) {
    return BadQueryParam("b", "invalid",
                         fmt::format("reviews {} and {} are of different plans", *a_id, *b_id));
  }
  auto ra = store_.ReviewById(ReviewId{*a_id});
  if (!ra) return std::unexpected(ra.error());
  auto rb = store_.ReviewById(ReviewId{*b_id});
  if (!rb) return std::unexpected(rb.error());
  const json& fa = a->body["figures"];
  const json& fb = b->body["figures"];

  json status = json::object();
  for (std::string_view field : kPlanStatusFigures) {
    const json& va = Member(Member(fa, "status"), field);
    const json& vb = Member(Member(fb, "status"), field);
    status[std::string(field)] = {{"a", va}, {"b", vb}, {"change", Change(va, vb)}};
  }

  const auto groups_a = ByCode(Member(Member(fa, "status"), "rows"), {"code"});
  const auto groups_b = ByCode(Member(Member(fb, "status"), "rows"), {"code"});
  // In the plan's order of groups (the later review's rows), then the groups only the earlier
  // one has: "N2" before "N10", as on the dashboard.
  std::vector<std::string> group_codes;
  for (const json* rows :
       {&Member(Member(fb, "status"), "rows"), &Member(Member(fa, "status"), "rows")}) {
    if (!rows->is_array()) continue;
    for (const json& row : *rows) {
      const json& code = Member(row, "code");
      if (code.is_string() &&
          std::ranges::find(group_codes, code.get<std::string>()) == group_codes.end())
        group_codes.push_back(code.get<std::string>());
    }
  }
  json groups = json::array();
  for (const std::string& code : group_codes) {
    const json* ga = groups_a.contains(code) ? groups_a.at(code) : nullptr;
    const json* gb = groups_b.contains(code) ? groups_b.at(code) : nullptr;
    const json& named = gb ? *gb : *ga;
    groups.push_back({{"code", code},
                      {"name_vi", Member(named, "name_vi")},
                      {"name_en", Member(named, "name_en")},
                      {"a", GroupSide(ga)},
                      {"b", GroupSide(gb)},
                      {"change", Change(ga ? Member(*ga, "completion_rate") : json(nullptr),
                                        gb ? Member(*gb, "completion_rate") : json(nullptr))}});
  }

  const auto ind_a = ByCode(Member(Member(fa, "indicators"), "indicators"), {"indicator"});
  const auto ind_b = ByCode(Member(Member(fb, "indicators"), "indicators"), {"indicator"});
  json indicators = json::array();
  for (const auto& [code, row_a] : ind_a) {
    auto it = ind_b.find(code);
    if (it == ind_b.end()) continue;
    const json& va = Member(*row_a, "value");
    const json& vb = Member(*it->second, "value");
    indicators.push_back({{"code", code},
                          {"name_vi", Member(*it->second, "name_vi")},
                          {"name_en", Member(*it->second, "name_en")},
                          {"unit_of_measure", Member(*it->second, "unit_of_measure")},
                          {"a", va},
                          {"b", vb},
                          {"change", Change(va, vb)}});
  }

  const auto units_a = ByCode(Member(Member(fa, "scorecards"), "items"), {"unit", "code"});
  const auto units_b = ByCode(Member(Member(fb, "scorecards"), "items"), {"unit", "code"});
  json units = json::array();
  for (const auto& [code, card_a] : units_a) {
    auto it = units_b.find(code);
    if (it == units_b.end()) continue;
    const json& unit = Member(*it->second, "unit");
    units.push_back({{"code", code},
                     {"name_vi", Member(unit, "name_vi")},
                     {"name_en", Member(unit, "name_en")},
                     {"type", Member(unit, "type")},
                     {"a", ScoreSide(card_a)},
                     {"b", ScoreSide(it->second)},
                     {"change", Change(Member(*card_a, "score"), Member(*it->second, "score"))}});
  }

  return json{{"plan", a->body["plan"]},
              {"a", Summary(*ra)},
              {"b", Summary(*rb)},
              {"status", std::move(status)},
              {"groups", std::move(groups)},
              {"indicators", std::move(indicators)},
              {"indicators_added", CodesOnlyIn(ind_b, ind_a)},
              {"indicators_removed", CodesOnlyIn(ind_a, ind_b)},
              {"units", std::move(units)},
              {"units_added", CodesOnlyIn(units_b, units_a)},
              {"units_removed", CodesOnlyIn(units_a, units_b)}};
}

}  // namespace planwatch
