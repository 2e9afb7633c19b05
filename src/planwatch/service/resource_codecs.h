// JSON forms of the model's records and their strict decoding (internal to the service layer).
// Field names are those of the domain structs; references are ids; dates "YYYY-MM-DD"; periods
// DHIS2 identifiers; enums their lower-case names.
#pragma once

#include <nlohmann/json.hpp>

#include "planwatch/domain/indicator.h"
#include "planwatch/domain/org_unit.h"
#include "planwatch/domain/plan.h"
#include "planwatch/domain/task.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/service/json_fields.h"

namespace planwatch {

nlohmann::json ToJson(const OrgUnit& unit);
nlohmann::json ToJson(const Directive& directive);
nlohmann::json ToJson(const Plan& plan);
nlohmann::json ToJson(const TaskGroup& group);
nlohmann::json ToJson(const Task& task);
nlohmann::json ToJson(const Indicator& indicator);
nlohmann::json ToJson(const Target& target);
nlohmann::json ToJson(const TaskEvent& event);
nlohmann::json ToJson(const DataValue& value);
// The derived state of a task on a date (status, deadline in force, slip, claim, …).
nlohmann::json ToJson(const TaskState& state);

// Reads the fields of the body into `into` (create: from a default record; patch: from the
// current one). Reference ids are not checked here; errors go to `fields`.
void Decode(JsonFields& fields, OrgUnit& into);
void Decode(JsonFields& fields, Directive& into);
void Decode(JsonFields& fields, Plan& into);
void Decode(JsonFields& fields, TaskGroup& into);
void Decode(JsonFields& fields, Task& into);
void Decode(JsonFields& fields, Indicator& into);

// The fields each kind accepts in a body.
JsonFields MakeFields(const nlohmann::json& body, JsonFields::Mode mode, const OrgUnit*);
JsonFields MakeFields(const nlohmann::json& body, JsonFields::Mode mode, const Directive*);
JsonFields MakeFields(const nlohmann::json& body, JsonFields::Mode mode, const Plan*);
JsonFields MakeFields(const nlohmann::json& body, JsonFields::Mode mode, const TaskGroup*);
JsonFields MakeFields(const nlohmann::json& body, JsonFields::Mode mode, const Task*);
JsonFields MakeFields(const nlohmann::json& body, JsonFields::Mode mode, const Indicator*);

}  // namespace planwatch
