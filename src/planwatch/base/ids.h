// Strong id types: a TaskId is not an OrgUnitId. Ids are assigned by storage; 0 is "none".
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace planwatch {

template <typename Tag>
struct Id {
  std::int64_t value = 0;

  constexpr explicit operator bool() const { return value != 0; }
  friend constexpr auto operator<=>(const Id&, const Id&) = default;
};

using OrgUnitId = Id<struct OrgUnitTag>;
using DirectiveId = Id<struct DirectiveTag>;
using PlanId = Id<struct PlanTag>;
using TaskGroupId = Id<struct TaskGroupTag>;
using TaskId = Id<struct TaskTag>;
using IndicatorId = Id<struct IndicatorTag>;

}  // namespace planwatch

template <typename Tag>
struct std::hash<planwatch::Id<Tag>> {
  std::size_t operator()(const planwatch::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
