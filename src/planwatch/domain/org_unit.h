// The administration tree: provinces, departments, communes, wards, villages, committees.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"

namespace planwatch {

enum class OrgUnitType {
  kCentral,
  kProvince,
  kCommittee,   // steering committee, council
  kDepartment,  // department or agency of a province
  kCommune,
  kWard,
  kVillage,
  kOther,
};

std::string_view OrgUnitTypeName(OrgUnitType type);  // "central", "province", …
Result<OrgUnitType> ParseOrgUnitType(std::string_view text);

struct OrgUnit {
  OrgUnitId id;
  std::string code;  // unique, stable across restructures
  std::string name_vi;
  std::string name_en;
  OrgUnitType type = OrgUnitType::kOther;
  OrgUnitId parent;  // none for the root(s)
  std::string leader_name;
  std::string leader_title;
  std::optional<Date> valid_from;  // none: since ever
  std::optional<Date> valid_to;    // inclusive; none: still in force

  bool ActiveOn(Date d) const {
    return (!valid_from || *valid_from <= d) && (!valid_to || d <= *valid_to);
  }

  friend bool operator==(const OrgUnit&, const OrgUnit&) = default;
};

// A restructure edge: from `effective_on`, `successor` carries on (part of) the work and data
// of `predecessor`. A merge has several predecessors with one successor, a split the reverse.
struct Succession {
  OrgUnitId predecessor;
  OrgUnitId successor;
  Date effective_on;

  friend bool operator==(const Succession&, const Succession&) = default;
};

}  // namespace planwatch
