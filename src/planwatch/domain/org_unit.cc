#include "planwatch/domain/org_unit.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace planwatch {
namespace {

constexpr std::array<std::pair<OrgUnitType, std::string_view>, 8> kTypeNames = {{
    {OrgUnitType::kCentral, "central"},
    {OrgUnitType::kProvince, "province"},
    {OrgUnitType::kCommittee, "committee"},
    {OrgUnitType::kDepartment, "department"},
    {OrgUnitType::kCommune, "commune"},
    {OrgUnitType::kWard, "ward"},
    {OrgUnitType::kVillage, "village"},
    {OrgUnitType::kOther, "other"},
}};

}  // namespace

std::string_view OrgUnitTypeName(OrgUnitType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "other";
}

Result<OrgUnitType> ParseOrgUnitType(std::string_view text) {
  for (const auto& [t, name] : kTypeNames) {
    if (name == text) return t;
  }
  std::string accepted;
  for (const auto& entry : kTypeNames) {
    if (!accepted.empty()) accepted += ", ";
    accepted += entry.second;
  }
  return InvalidArgument(
      fmt::format("'{}' is not an org unit type: expected one of {}", text, accepted));
}

}  // namespace planwatch
