// Directives, action plans and task groups.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/ids.h"

namespace planwatch {

// A source document: resolution, plan, decision, dispatch.
struct Directive {
  DirectiveId id;
  std::string number;  // unique, e.g. "57-NQ/TW"
  std::string kind;    // resolution, plan, decision, dispatch, …
  std::string issuer;
  std::optional<Date> issued_on;
  std::string title_vi;
  std::string title_en;
  std::string url;

  friend bool operator==(const Directive&, const Directive&) = default;
};

// An action plan issued by an org unit to implement directives.
struct Plan {
  PlanId id;
  std::string code;  // unique, e.g. "333-KH/TU"
  std::string title_vi;
  std::string title_en;
  OrgUnitId issuer;
  std::vector<DirectiveId> directives;
  PlanId parent;
  std::optional<Date> start;
  std::optional<Date> end;
  std::vector<std::string> stages;  // e.g. "2025", "2026-2030", "vision 2045"
  OrgUnitId standing_agency;        // administers the plan: verifies, amends, cancels

  friend bool operator==(const Plan&, const Plan&) = default;
};

struct TaskGroup {
  TaskGroupId id;
  PlanId plan;
  std::string code;  // unique within the plan
  std::string title_vi;
  std::string title_en;
  int order = 0;
  TaskGroupId parent;

  friend bool operator==(const TaskGroup&, const TaskGroup&) = default;
};

}  // namespace planwatch
