#include "planwatch/service/feedback.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "planwatch/base/text.h"
#include "planwatch/domain/feedback.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;
using Clock = std::chrono::system_clock;
using TargetRef = Id<struct FeedbackTargetRefTag>;

constexpr std::size_t kMaxText = 4000;
constexpr std::size_t kMaxName = 120;
constexpr std::size_t kMaxContact = 200;
constexpr std::size_t kMaxReason = 1000;

std::string FormatInstant(Clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

std::string Hex(std::span<const unsigned char> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

std::array<unsigned char, crypto_hash_sha256_BYTES> Sha256(std::string_view data) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  return digest;
}

std::unexpected<Error> FieldError(std::string_view field, std::string_view code,
                                  std::string message) {
  return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: {}", field, message),
              {ErrorDetail{0, std::string(field), FieldMessage(code, message)}});
}

json NullIfEmpty(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

json TargetJson(const FeedbackTarget& t) {
  return json{{"kind", FeedbackTargetKindName(t.kind)}, {"id", t.id}};
}

json ModerationJson(const FeedbackRecord& f) {
  return json{{"id", f.id.value},
              {"target", TargetJson(f.target)},
              {"plan", f.plan ? json(f.plan.value) : json(nullptr)},
              {"kind", FeedbackKindName(f.kind)},
              {"text", f.text},
              {"author",
               json{{"login", NullIfEmpty(f.author_login)}, {"name", NullIfEmpty(f.author_name)}}},
              {"contact", NullIfEmpty(f.contact)},
              {"address_hash", NullIfEmpty(f.address_hash)},
              {"state", FeedbackStateName(f.state)},
              {"answer", NullIfEmpty(f.answer)},
              {"answered_by", NullIfEmpty(f.answered_by)},
              {"answered_at", NullIfEmpty(f.answered_at)},
              {"reason", NullIfEmpty(f.reason)},
              {"created_at", f.created_at},
              {"updated_at", f.updated_at}};
}

json PublishedJson(const FeedbackRecord& f) {
  return json{{"id", f.id.value},
              {"kind", FeedbackKindName(f.kind)},
              {"text", f.text},
              {"author_name", NullIfEmpty(f.author_name)},
              {"created_at", f.created_at},
              {"answer", NullIfEmpty(f.answer)},
              {"answered_at", NullIfEmpty(f.answered_at)}};
}

// An e-mail address (local@domain.tld, no spaces) or a phone number (digits with + ( ) - . and
// spaces, 6 to 15 digits).
bool IsContact(std::string_view text) {
  const std::size_t at = text.find('@');
  if (at != std::string_view::npos) {
    const std::string_view local = text.substr(0, at);
    const std::string_view domain = text.substr(at + 1);
    const auto printable = [](std::string_view s) {
      return std::ranges::all_of(
          s, [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != '@' && c != 0x7F; });
    };
    const std::size_t dot = domain.rfind('.');
    return !local.empty() && printable(local) && printable(domain) &&
           dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
  }
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+') {
      if (i != 0) return false;
    } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      return false;
    }
  }
  return digits >= 6 && digits <= 15;
}

// Reads an optional text field, trimmed, at most `max` bytes after trimming.
void TrimmedText(JsonFields& f, std::string_view name, std::string& out, bool required,
                 std::size_t max) {
  std::string raw;
  if (!f.Text(name, raw, required, 1 << 20)) return;
  const std::string_view trimmed = TrimAscii(raw);
  if (trimmed.size() > max) {
    f.Add(name, "too_long", fmt::format("at most {} bytes (after trimming)", max));
    return;
  }
  out = std::string(trimmed);
}

// A nested object field read with its own JsonFields; its errors join `f` as "<name>.<field>".
// false when absent (required: an error), not an object, or invalid.
template <typename ReadFn>
bool NestedObject(JsonFields& f, const json& body, std::string_view name,
                  std::initializer_list<std::string_view> known, ReadFn read) {
  if (!body.is_object()) return false;
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    f.Add(name, "required", "this field is required");
    return false;
  }
  if (!it->is_object()) {
    f.Add(name, "type", "expected an object");
    return false;
  }
  JsonFields inner(*it, JsonFields::Mode::kCreate, known);
  read(inner);
  for (const ErrorDetail& d : inner.errors()) {
    // d.message is "<code>: <text>" (FieldMessage); the field gains the object's name.
    const std::size_t colon = d.message.find(": ");
    const std::string_view message = d.message;
    f.Add(d.field.empty() ? std::string(name) : fmt::format("{}.{}", name, d.field),
          message.substr(0, colon),
          colon == std::string_view::npos ? std::string_view() : message.substr(colon + 2));
  }
  return inner.errors().empty();
}

Result<int> PageNumber(std::string_view name, std::string_view value) {
  int v = -1;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  const bool ok = ec == std::errc() && end == value.data() + value.size() &&
                  (name == "limit" ? (v >= 1 && v <= 1000) : v >= 0);
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", name),
                {ErrorDetail{0, std::string(name),
                             FieldMessage("invalid", "limit 1–1000, offset 0 or more")}});
  }
  return v;
}

std::unexpected<Error> BadParameter(std::string_view name, std::string_view code,
                                    std::string_view text) {
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("invalid query parameter {}: {}", EchoForMessage(name), text),
              {ErrorDetail{0, std::string(name), FieldMessage(code, text)}});
}

Result<std::int64_t> IdParameter(std::string_view name, std::string_view value) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v <= 0) {
    return BadParameter(name, "invalid", fmt::format("'{}' is not an id", EchoForMessage(value)));
  }
  return v;
}

Page PageOf(const std::vector<json>& items, int limit, int offset) {
  Page page;
  page.limit = limit;
  page.offset = offset;
  page.total = static_cast<std::int64_t>(items.size());
  for (std::size_t i = static_cast<std::size_t>(offset);
       i < items.size() && i < static_cast<std::size_t>(offset) + static_cast<std::size_t>(limit);
       ++i) {
    page.items.push_back(items[i]);
  }
  return page;
}

}  // namespace

std::string_view FeedbackActionName(FeedbackAction action) {
  switch (action) {
    case FeedbackAction::kAccept:
      return "accept";
    case FeedbackAction::kReject:
      return "reject";
    case FeedbackAction::kAnswer:
      return "answer";
  }
  return "unknown";
}

// What the rate limits and the challenge remember, under one mutex.
struct Feedback::State {
  std::mutex mu;  // guards everything below; held through a whole submission
  std::array<unsigned char, crypto_auth_hmacsha256_KEYBYTES> challenge_key{};
  std::string address_key;  // loaded from the store on first use
  struct Recent {
    Clock::time_point at;
    std::string address_hash;
    std::string text_hash;
  };
  std::deque<Recent> recent;  // stored submissions within the window, oldest first
  std::unordered_map<std::string, std::int64_t> used_tokens;  // token → expires_at (s)
  bool crypto_ok = false;
};

Feedback::Feedback(Store& store, FeedbackOptions options)
    : store_(store), options_(std::move(options)), state_(std::make_unique<State>()) {
  options_.difficulty = std::clamp(options_.difficulty, 0, kMaxChallengeDifficulty);
  if (!options_.clock) options_.clock = [] { return Clock::now(); };
  state_->crypto_ok = InitCrypto().has_value();
  if (state_->crypto_ok) crypto_auth_hmacsha256_keygen(state_->challenge_key.data());
}

Feedback::~Feedback() = default;

Result<json> Feedback::NewChallenge() {
  if (!state_->crypto_ok) return Internal("libsodium could not be initialised");
  ChallengeToken token;
  randombytes_buf(token.random.data(), token.random.size());
  const auto expires = options_.clock() + options_.challenge_lifetime;
  token.expires_at =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  token.difficulty = options_.difficulty;
  const std::string payload = ChallengePayload(token);
  // The key is written once, in the constructor: reading it needs no lock.
  crypto_auth_hmacsha256(token.mac.data(), reinterpret_cast<const unsigned char*>(payload.data()),
                         payload.size(), state_->challenge_key.data());
  return json{
      {"token", EncodeChallengeToken(token)},
      {"difficulty", token.difficulty},
      {"expires_at", FormatInstant(Clock::time_point(std::chrono::seconds(token.expires_at)))}};
}

Result<json> Feedback::Submit(const std::optional<Principal>& author, const json& body,
                              std::string_view address, std::chrono::seconds* retry_after) {
  if (!state_->crypto_ok) return Internal("libsodium could not be initialised");
  // 1. The body, every field at once.
  JsonFields f(body, JsonFields::Mode::kCreate,
               {"target", "kind", "text", "name", "contact", "challenge"});
  FeedbackTarget target;
  std::string target_kind;
  TargetRef target_id;
  NestedObject(f, body, "target", {"kind", "id"}, [&](JsonFields& inner) {
    inner.Enum("kind", target.kind, ParseFeedbackTargetKind, true);
    inner.Ref("id", target_id, true);
  });
  target.id = target_id.value;
  FeedbackKind kind = FeedbackKind::kQuestion;
  f.Enum("kind", kind, ParseFeedbackKind, true);
  std::string text;
  TrimmedText(f, "text", text, true, kMaxText);
  std::string name;
  TrimmedText(f, "name", name, false, kMaxName);
  std::string contact;
  TrimmedText(f, "contact", contact, false, kMaxContact);
  if (!contact.empty() && !IsContact(contact)) {
    f.Add("contact", "invalid",
          fmt::format("'{}' is neither an e-mail address nor a phone number",
                      EchoForMessage(contact)));
  }
  std::string token_text;
  std::string nonce;
  NestedObject(f, body, "challenge", {"token", "nonce"}, [&](JsonFields& inner) {
    inner.Text("token", token_text, true, 256);
    inner.Text("nonce", nonce, true, 64);
  });
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());

  std::lock_guard lock(state_->mu);
  if (state_->address_key.empty()) {
    auto key = store_.FeedbackAddressKey();
    if (!key) return std::unexpected(key.error());
    state_->address_key = std::move(*key);
  }
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  {
    crypto_auth_hmacsha256_state hmac;
    crypto_auth_hmacsha256_init(&hmac,
                                reinterpret_cast<const unsigned char*>(state_->address_key.data()),
                                state_->address_key.size());
    crypto_auth_hmacsha256_update(&hmac, reinterpret_cast<const unsigned char*>(address.data()),
                                  address.size());
    crypto_auth_hmacsha256_final(&hmac, mac.data());
  }
  const std::string address_hash = Hex(mac);
  const std::string text_hash = Hex(Sha256(text));

  // 2. The window: forget what left it, then the duplicate and the limits.
  const Clock::time_point now = options_.clock();
  while (!state_->recent.empty() && state_->recent.front().at + options_.window <= now) {
    state_->recent.pop_front();
  }
  int from_address = 0;
  std::optional<Clock::time_point> oldest_from_address;
  for (const State::Recent& r : state_->recent) {
    if (r.address_hash != address_hash) continue;
    if (r.text_hash == text_hash) {
      return Conflict("text: the same feedback was already received from this address");
    }
    ++from_address;
    if (!oldest_from_address) oldest_from_address = r.at;
  }
  const auto refuse = [&](Clock::time_point oldest, std::string message) {
    if (retry_after != nullptr) {
      const auto wait = std::chrono::ceil<std::chrono::seconds>(oldest + options_.window - now);
      *retry_after = std::max(wait, std::chrono::seconds(1));
    }
    return Fail(ErrorCode::kResourceExhausted, std::move(message));
  };
  if (from_address >= options_.per_address_limit) {
    return refuse(*oldest_from_address,
                  fmt::format("at most {} submissions per address within {} minutes",
                              options_.per_address_limit, options_.window.count() / 60));
  }
  if (static_cast<int>(state_->recent.size()) >= options_.overall_limit) {
    return refuse(state_->recent.front().at,
                  fmt::format("at most {} submissions within {} minutes; try again later",
                              options_.overall_limit, options_.window.count() / 60));
  }

  // 3. The challenge: authentic, unexpired, unused and solved; then used up.
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::erase_if(state_->used_tokens, [&](const auto& entry) { return entry.second <= now_s; });
  auto token = ParseChallengeToken(token_text);
  if (!token) return FieldError("challenge", "invalid", token.error().message);
  const std::string payload = ChallengePayload(*token);
  if (crypto_auth_hmacsha256_verify(token->mac.data(),
                                    reinterpret_cast<const unsigned char*>(payload.data()),
                                    payload.size(), state_->challenge_key.data()) != 0) {
    return FieldError("challenge", "invalid", "the token was not issued by this server");
  }
  if (token->expires_at <= now_s) {
    return FieldError("challenge", "invalid", "the token has expired: ask for a new challenge");
  }
  if (state_->used_tokens.contains(token_text)) {
    return FieldError("challenge", "invalid", "the token was already used");
  }
  if (!IsWellFormedNonce(nonce)) {
    return FieldError("challenge", "invalid",
                      fmt::format("the nonce '{}' is not a decimal number of 1 to {} digits",
                                  EchoForMessage(nonce), kMaxNonceLength));
  }
  if (!SolvesChallenge(Sha256(ChallengeSolutionInput(token_text, nonce)), token->difficulty)) {
    return FieldError(
        "challenge", "invalid",
        fmt::format("the nonce does not give {} leading zero bits", token->difficulty));
  }
  if (state_->used_tokens.size() >= options_.max_used_tokens) {
    return Fail(ErrorCode::kResourceExhausted, "too many challenges in use; try again later");
  }
  state_->used_tokens.emplace(token_text, token->expires_at);

  // 4. The target: live and not classified; a classified task is answered as a missing one.
  const std::string missing =
      fmt::format("no {} with id {}", FeedbackTargetKindName(target.kind), target.id);
  PlanId plan;
  switch (target.kind) {
    case FeedbackTargetKind::kPlan: {
      auto plans = store_.Plans();
      if (!plans) return std::unexpected(plans.error());
      if (std::ranges::none_of(*plans, [&](const Plan& p) { return p.id.value == target.id; })) {
        return FieldError("target", "not_found", missing);
      }
      plan = PlanId{target.id};
      break;
    }
    case FeedbackTargetKind::kTask: {
      auto record = LoadTaskRecord(store_, TaskId{target.id});
      if (!record) return std::unexpected(record.error());
      if (!*record || (*record)->task.classified) {
        return FieldError("target", "not_found", missing);
      }
      plan = (*record)->plan.id;
      break;
    }
    case FeedbackTargetKind::kIndicator: {
      auto indicators = store_.Indicators();
      if (!indicators) return std::unexpected(indicators.error());
      if (std::ranges::none_of(*indicators,
                               [&](const Indicator& i) { return i.id.value == target.id; })) {
        return FieldError("target", "not_found", missing);
      }
      break;
    }
  }

  // 5. Stored, then counted.
  FeedbackRecord record;
  record.target = target;
  record.plan = plan;
  record.kind = kind;
  record.text = text;
  record.author_name = name;
  record.contact = contact;
  record.address_hash = address_hash;
  if (author) {
    record.author_login = author->login;
    if (record.author_name.empty()) {
      auto user = store_.UserById(author->user);
      if (!user) return std::unexpected(user.error());
      if (*user) {
        record.author_name = (*user)->display_name.empty() ? (*user)->login : (*user)->display_name;
      }
    }
  }
  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto id = (*txn)->AddFeedback(record);
  if (!id) {
    // The target went away between the check and the write.
    if (id.error().code == ErrorCode::kInvalidArgument) {
      return FieldError("target", "not_found", missing);
    }
    return std::unexpected(id.error());
  }
  auto stored = (*txn)->FeedbackById(*id);
  if (!stored) return std::unexpected(stored.error());
  if (auto done = (*txn)->Commit(); !done) return std::unexpected(done.error());
  state_->recent.push_back(State::Recent{now, address_hash, text_hash});
  return json{{"id", id->value},
              {"target", TargetJson(target)},
              {"kind", FeedbackKindName(kind)},
              {"state", FeedbackStateName(FeedbackState::kNew)},
              {"created_at", *stored ? (*stored)->created_at : std::string()}};
}

namespace {

// Who may moderate what, read once per use case.
class Moderators {
 public:
  static Result<Moderators> Load(StoreReader& store) {
    auto tree = LoadOrgTree(store);
    if (!tree) return std::unexpected(tree.error());
    auto plans = store.Plans();
    if (!plans) return std::unexpected(plans.error());
    auto indicators = store.Indicators();
    if (!indicators) return std::unexpected(indicators.error());
    return Moderators(std::move(*tree), std::move(*plans), std::move(*indicators));
  }

  // The plan's administrators (a plan or task target), the indicator's managers; never for a
  // deleted plan or indicator.
  bool May(const Principal& p, const FeedbackRecord& f) const {
    AccessPolicy policy(tree_);
    if (f.target.kind == FeedbackTargetKind::kIndicator) {
      auto it = std::ranges::find_if(indicators_,
                                     [&](const Indicator& i) { return i.id.value == f.target.id; });
      return it != indicators_.end() && policy.CanManageIndicator(p, *it);
    }
    auto it = std::ranges::find_if(plans_, [&](const Plan& plan) { return plan.id == f.plan; });
    return it != plans_.end() && policy.CanAdministerPlan(p, *it);
  }

 private:
  Moderators(OrgTree tree, std::vector<Plan> plans, std::vector<Indicator> indicators)
      : tree_(std::move(tree)), plans_(std::move(plans)), indicators_(std::move(indicators)) {}

  OrgTree tree_;
  std::vector<Plan> plans_;
  std::vector<Indicator> indicators_;
};

std::unexpected<Error> NoSuchFeedback(std::int64_t id) {
  return NotFound(fmt::format("no feedback with id {}", id));
}

// The feedback with its events, when `p` may moderate it.
Result<json> ModeratedJson(StoreReader& store, const Principal& p, std::int64_t id) {
  auto record = store.FeedbackById(FeedbackId{id});
  if (!record) return std::unexpected(record.error());
  if (!*record) return NoSuchFeedback(id);
  auto moderators = Moderators::Load(store);
  if (!moderators) return std::unexpected(moderators.error());
  if (!moderators->May(p, **record)) return NoSuchFeedback(id);
  auto events = store.FeedbackEvents(FeedbackId{id});
  if (!events) return std::unexpected(events.error());
  json out = ModerationJson(**record);
  json list = json::array();
  for (const FeedbackEvent& e : *events) {
    list.push_back(json{{"state", FeedbackStateName(e.state)},
                        {"actor", NullIfEmpty(e.actor)},
                        {"note", NullIfEmpty(e.note)},
                        {"at", e.at}});
  }
  out["events"] = std::move(list);
  return out;
}

}  // namespace

Result<Page> Feedback::List(const Principal& p, const QueryParams& params) {
  FeedbackQuery query;
  int limit = 50;
  int offset = 0;
  for (const auto& [name, value] : params) {
    if (name == "state") {
      auto state = ParseFeedbackState(value);
      if (!state) return BadParameter(name, "invalid", state.error().message);
      query.state = *state;
    } else if (name == "plan") {
      auto id = IdParameter(name, value);
      if (!id) return std::unexpected(id.error());
      query.plan = PlanId{*id};
    } else if (name == "target_kind") {
      auto kind = ParseFeedbackTargetKind(value);
      if (!kind) return BadParameter(name, "invalid", kind.error().message);
      query.target_kind = *kind;
    } else if (name == "limit" || name == "offset") {
      auto v = PageNumber(name, value);
      if (!v) return std::unexpected(v.error());
      (name == "limit" ? limit : offset) = *v;
    } else {
      return BadParameter(name, "unknown_field", "unknown parameter");
    }
  }
  auto records = store_.FindFeedback(query);
  if (!records) return std::unexpected(records.error());
  auto moderators = Moderators::Load(store_);
  if (!moderators) return std::unexpected(moderators.error());
  std::vector<json> items;
  for (const FeedbackRecord& f : *records) {
    if (moderators->May(p, f)) items.push_back(ModerationJson(f));
  }
  return PageOf(items, limit, offset);
}

Result<json> Feedback::Get(const Principal& p, std::int64_t id) {
  return ModeratedJson(store_, p, id);
}

Result<json> Feedback::Moderate(const Principal& p, std::int64_t id, FeedbackAction action,
                                const json& body) {
  std::string note;
  {
    JsonFields f = action == FeedbackAction::kAccept
                       ? JsonFields(body, JsonFields::Mode::kCreate, {})
                   : action == FeedbackAction::kReject
                       ? JsonFields(body, JsonFields::Mode::kCreate, {"reason"})
                       : JsonFields(body, JsonFields::Mode::kCreate, {"answer"});
    if (action == FeedbackAction::kReject) TrimmedText(f, "reason", note, true, kMaxReason);
    if (action == FeedbackAction::kAnswer) TrimmedText(f, "answer", note, true, kMaxText);
    if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  }
  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  Transaction& t = **txn;
  // Checked inside the write transaction: two moderators cannot both move the same state.
  auto current = ModeratedJson(t, p, id);
  if (!current) return std::unexpected(current.error());
  auto state = ParseFeedbackState((*current)["state"].get<std::string>());
  if (!state) return Internal(state.error().message);
  std::vector<FeedbackEvent> events;
  const FeedbackId fid{id};
  switch (action) {
    case FeedbackAction::kAccept:
      events.push_back(FeedbackEvent{fid, FeedbackState::kAccepted, p.login, "", ""});
      break;
    case FeedbackAction::kReject:
      events.push_back(FeedbackEvent{fid, FeedbackState::kRejected, p.login, note, ""});
      break;
    case FeedbackAction::kAnswer:
      if (*state == FeedbackState::kNew) {
        events.push_back(FeedbackEvent{fid, FeedbackState::kAccepted, p.login, "", ""});
      }
      events.push_back(FeedbackEvent{fid, FeedbackState::kAnswered, p.login, note, ""});
      break;
  }
  for (const FeedbackEvent& e : events) {
    if (auto done = t.AppendFeedbackEvent(e); !done) {
      if (done.error().code == ErrorCode::kFailedPrecondition) {
        return Fail(ErrorCode::kFailedPrecondition,
                    fmt::format("cannot {} feedback {}: it is {}", FeedbackActionName(action), id,
                                FeedbackStateName(*state)));
      }
      return std::unexpected(done.error());
    }
  }
  auto after = ModeratedJson(t, p, id);
  if (!after) return std::unexpected(after.error());
  if (auto done = t.Commit(); !done) return std::unexpected(done.error());
  return after;
}

Result<Page> Feedback::Published(const QueryParams& params) {
  std::optional<FeedbackTarget> target;
  int limit = 50;
  int offset = 0;
  for (const auto& [name, value] : params) {
    std::optional<FeedbackTargetKind> kind;
    if (name == "plan") kind = FeedbackTargetKind::kPlan;
    if (name == "task") kind = FeedbackTargetKind::kTask;
    if (name == "indicator") kind = FeedbackTargetKind::kIndicator;
    if (kind) {
      if (target) {
        return BadParameter(name, "invalid", "name one target: plan, task or indicator");
      }
      auto id = IdParameter(name, value);
      if (!id) return std::unexpected(id.error());
      target = FeedbackTarget{*kind, *id};
    } else if (name == "limit" || name == "offset") {
      auto v = PageNumber(name, value);
      if (!v) return std::unexpected(v.error());
      (name == "limit" ? limit : offset) = *v;
    } else {
      return BadParameter(name, "unknown_field", "unknown parameter");
    }
  }
  if (!target) {
    return Fail(
        ErrorCode::kInvalidArgument, "name the target: plan, task or indicator",
        {ErrorDetail{0, "plan", FieldMessage("required", "one of plan, task or indicator")}});
  }
  const auto missing = [&] {
    return NotFound(
        fmt::format("no {} with id {}", FeedbackTargetKindName(target->kind), target->id));
  };
  switch (target->kind) {
    case FeedbackTargetKind::kPlan: {
      auto plans = store_.Plans();
      if (!plans) return std::unexpected(plans.error());
      if (std::ranges::none_of(*plans, [&](const Plan& p) { return p.id.value == target->id; })) {
        return missing();
      }
      break;
    }
    case FeedbackTargetKind::kTask: {
      auto record = LoadTaskRecord(store_, TaskId{target->id});
      if (!record) return std::unexpected(record.error());
      if (!*record || (*record)->task.classified) return missing();
      break;
    }
    case FeedbackTargetKind::kIndicator: {
      auto indicators = store_.Indicators();
      if (!indicators) return std::unexpected(indicators.error());
      if (std::ranges::none_of(*indicators,
                               [&](const Indicator& i) { return i.id.value == target->id; })) {
        return missing();
      }
      break;
    }
  }
  FeedbackQuery query;
  query.target = target;
  auto records = store_.FindFeedback(query);
  if (!records) return std::unexpected(records.error());
  std::vector<json> items;
  for (const FeedbackRecord& f : *records) {
    if (IsPublished(f.state)) items.push_back(PublishedJson(f));
  }
  return PageOf(items, limit, offset);
}

}  // namespace planwatch
