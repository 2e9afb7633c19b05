#include "planwatch/domain/org_unit.h"

#include "planwatch/base/enum_names.h"

namespace planwatch {
namespace {

constexpr NameTable<OrgUnitType, 8> kTypeNames = {{
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

std::string_view OrgUnitTypeName(OrgUnitType type) { return NameOf(kTypeNames, type); }

Result<OrgUnitType> ParseOrgUnitType(std::string_view text) {
  return ParseName(kTypeNames, "org unit type", text);
}

}  // namespace planwatch
