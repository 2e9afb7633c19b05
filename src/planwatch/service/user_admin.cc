#include "planwatch/service/user_admin.h"

#include <fmt/format.h>

#include <charconv>

#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

// A plain address for the SMTP envelope: ASCII local@domain, at most 254 bytes, without spaces,
// control characters, quotes, angle brackets, commas or semicolons, and a dot in the domain.
bool IsEmailAddress(std::string_view text) {
  if (text.empty() || text.size() > 254) return false;
  const auto at = text.find('@');
  if (at == 0 || at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = text.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.') {
    return false;
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f ||
        std::string_view("\"<>(),;:[]\\").find(c) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Reads the optional "email" field (null or "" clears it); true when present and valid.
bool EmailField(JsonFields& f, std::string& out) {
  std::string text;
  if (!f.Text("email", text, false, 254)) return false;
  if (!text.empty() && !IsEmailAddress(text)) {
    f.Add("email", "invalid", "expected an e-mail address such as name@example.gov.vn");
    return false;
  }
  out = text;
  return true;
}

std::unexpected<Error> NoUser(std::int64_t id) {
  return NotFound(fmt::format("no user with id {}", id));
}

Resource ResourceOf(const UserView& user) {
  json body = ToJson(user);
  std::string etag = ETagOf(body);
  return Resource{std::move(body), std::move(etag)};
}

// The refused "unit" of a user body, named with the unit's code.
ErrorDetail OutsideScope(OrgUnitId unit, const OrgTree& tree) {
  const OrgUnit* found = tree.Find(unit);
  return ErrorDetail{
      0, "unit",
      FieldMessage("forbidden",
                   fmt::format("org unit '{}' is outside your scope",
                               found != nullptr ? EchoForMessage(found->code) : std::string("?")))};
}

}  // namespace

json ToJson(const UserView& u) {
  return json{{"id", u.id.value},
              {"login", u.login},
              {"display_name", u.display_name},
              {"role", RoleName(u.role)},
              {"unit", u.unit ? json(u.unit.value) : json(nullptr)},
              {"unit_code", u.unit_code},
              {"disabled", u.disabled},
              {"created_at", u.created_at},
              {"email", u.email.empty() ? json(nullptr) : json(u.email)}};
}

UserAdmin::UserAdmin(Store& store, Accounts& accounts) : store_(store), accounts_(accounts) {}

Result<Page> UserAdmin::List(const Principal& p, const QueryParams& params) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  if (p.role != Role::kAdmin) return Fail(ErrorCode::kPermissionDenied, "only admins manage users");
  std::string query;
  Page page;
  for (const auto& [name, value] : params) {
    if (name == "q") {
      query = FoldForSearch(value);
    } else if (name == "limit" || name == "offset") {
      int v = -1;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      const bool ok = ec == std::errc() && end == value.data() + value.size() &&
                      (name == "limit" ? (v >= 1 && v <= 1000) : v >= 0);
      if (!ok) {
        return Fail(
            ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", name),
            {ErrorDetail{0, name, FieldMessage("invalid", "limit 1–1000, offset 0 or more")}});
      }
      (name == "limit" ? page.limit : page.offset) = v;
    } else {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", name),
                  {ErrorDetail{0, name, FieldMessage("unknown_field", "unknown parameter")}});
    }
  }
  auto users = accounts_.ListUsers();
  if (!users) return std::unexpected(users.error());
  std::vector<json> matching;
  for (const UserView& u : *users) {
    if (!policy.CanManageUsers(p, u.unit)) continue;
    if (!query.empty() && FoldForSearch(u.login).find(query) == std::string::npos &&
        FoldForSearch(u.display_name).find(query) == std::string::npos) {
      continue;
    }
    matching.push_back(ToJson(u));
  }
  page.total = static_cast<std::int64_t>(matching.size());
  for (std::size_t i = static_cast<std::size_t>(page.offset);
       i < matching.size() && page.items.size() < static_cast<std::size_t>(page.limit); ++i) {
    page.items.push_back(std::move(matching[i]));
  }
  return page;
}

Result<Resource> UserAdmin::Get(const Principal& p, std::int64_t id) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  auto user = accounts_.GetUser(UserId{id});
  if (!user) {
    if (user.error().code == ErrorCode::kNotFound) return NoUser(id);
    return std::unexpected(user.error());
  }
  if (!AccessPolicy(*tree).CanManageUsers(p, user->unit)) return NoUser(id);
  return ResourceOf(*user);
}

Result<Resource> UserAdmin::Create(const Principal& p, const json& body) {
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  if (p.role != Role::kAdmin) return Fail(ErrorCode::kPermissionDenied, "only admins manage users");
  NewUser user;
  std::string email;
  OrgUnitId unit;
  JsonFields f(body, JsonFields::Mode::kCreate,
               {"login", "password", "role", "unit", "display_name", "email"});
  f.Text("login", user.login, true, 64);
  f.Text("password", user.password, true, 1024);
  f.Enum("role", user.role, ParseRole, true);
  f.Ref("unit", unit, true);
  f.Text("display_name", user.display_name, false, 256);
  EmailField(f, email);
  const OrgUnit* found = unit ? tree->Find(unit) : nullptr;
  if (unit && found == nullptr)
    f.Add("unit", "not_found", fmt::format("no org unit with id {}", unit.value));
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (!policy.CanManageUsers(p, unit)) {
    return Fail(ErrorCode::kPermissionDenied, "you may not grant a scope outside your own",
                {OutsideScope(unit, *tree)});
  }
  user.unit_code = found->code;
  auto added = accounts_.AddUser(user, email);
  if (!added) return std::unexpected(added.error());
  return ResourceOf(*added);
}

Result<Resource> UserAdmin::Update(const Principal& p, std::int64_t id, const json& patch,
                                   const std::optional<std::string>& if_match) {
  auto current = Get(p, id);
  if (!current) return std::unexpected(current.error());
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  AccessPolicy policy(*tree);
  Accounts::UserChange change;
  JsonFields f(patch, JsonFields::Mode::kPatch,
               {"display_name", "role", "unit", "disabled", "password", "email"});
  std::string text;
  if (f.Text("display_name", text, false, 256)) change.display_name = text;
  Role role = Role::kViewer;
  if (f.Enum("role", role, ParseRole)) change.role = role;
  OrgUnitId unit;
  if (f.Ref("unit", unit, true)) {
    const OrgUnit* found = tree->Find(unit);
    if (found == nullptr) {
      f.Add("unit", "not_found", fmt::format("no org unit with id {}", unit.value));
    } else {
      change.unit_code = found->code;
    }
  }
  bool disabled = false;
  if (f.Boolean("disabled", disabled)) change.disabled = disabled;
  std::string password;
  if (f.Text("password", password, false, 1024)) change.password = password;
  std::string email;
  if (EmailField(f, email)) change.email = email;
  if (auto done = f.Finish(); !done) return std::unexpected(done.error());
  if (change.unit_code && !policy.CanManageUsers(p, unit)) {
    return Fail(ErrorCode::kPermissionDenied, "you may not grant a scope outside your own",
                {OutsideScope(unit, *tree)});
  }
  if (!if_match) {
    return Fail(ErrorCode::kVersionRequired, "send the ETag you last read in If-Match");
  }
  change.precondition = [&if_match](const UserView& stored) -> Status {
    if (*if_match != "*" && *if_match != ETagOf(ToJson(stored))) {
      return Fail(ErrorCode::kVersionMismatch, "the user changed since you read it");
    }
    return {};
  };
  auto changed = accounts_.ChangeUser(UserId{id}, change);
  if (!changed) return std::unexpected(changed.error());
  return ResourceOf(*changed);
}

}  // namespace planwatch
