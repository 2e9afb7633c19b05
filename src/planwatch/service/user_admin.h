// Users as an API resource, for admins: each sees and manages the users of its own subtree and
// can grant no scope beyond it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

nlohmann::json ToJson(const UserView& user);

class UserAdmin {
 public:
  UserAdmin(Store& store, Accounts& accounts);

  Result<Page> List(const Principal& p, const QueryParams& params);
  // not_found for a user outside the caller's subtree (or when the caller is no admin).
  Result<Resource> Get(const Principal& p, std::int64_t id);
  // Body: login, password, role, unit (id), display_name, email (optional: where urging e-mails
  // go; a plain local@domain address).
  Result<Resource> Create(const Principal& p, const nlohmann::json& body);
  // Body: any of display_name, role, unit, disabled, password, email (null or "" removes it).
  // If-Match required.
  Result<Resource> Update(const Principal& p, std::int64_t id, const nlohmann::json& patch,
                          const std::optional<std::string>& if_match);

 private:
  Store& store_;
  Accounts& accounts_;
};

}  // namespace planwatch
