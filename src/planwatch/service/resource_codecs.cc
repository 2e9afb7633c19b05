#include "planwatch/service/resource_codecs.h"

#include "planwatch/domain/period.h"

namespace planwatch {
namespace {

using nlohmann::json;
using Mode = JsonFields::Mode;

template <typename Tag>
json IdJson(Id<Tag> id) {
  if (!id) return nullptr;
  return id.value;
}

template <typename Tag>
json IdsJson(const std::vector<Id<Tag>>& ids) {
  json out = json::array();
  for (Id<Tag> id : ids) out.push_back(id.value);
  return out;
}

json OptionalJson(const std::optional<double>& v) {
  if (!v) return nullptr;
  return *v;
}

}  // namespace

json ToJson(const OrgUnit& u) {
  return json{{"id", u.id.value},
              {"code", u.code},
              {"name_vi", u.name_vi},
              {"name_en", u.name_en},
              {"type", OrgUnitTypeName(u.type)},
              {"parent", IdJson(u.parent)},
              {"leader_name", u.leader_name},
              {"leader_title", u.leader_title},
              {"valid_from", DateJson(u.valid_from)},
              {"valid_to", DateJson(u.valid_to)}};
}

json ToJson(const Directive& d) {
  return json{{"id", d.id.value},
              {"number", d.number},
              {"kind", d.kind},
              {"issuer", d.issuer},
              {"issued_on", DateJson(d.issued_on)},
              {"title_vi", d.title_vi},
              {"title_en", d.title_en},
              {"url", d.url}};
}

json ToJson(const Plan& p) {
  return json{{"id", p.id.value},
              {"code", p.code},
              {"title_vi", p.title_vi},
              {"title_en", p.title_en},
              {"issuer", IdJson(p.issuer)},
              {"directives", IdsJson(p.directives)},
              {"parent", IdJson(p.parent)},
              {"start", DateJson(p.start)},
              {"end", DateJson(p.end)},
              {"stages", p.stages},
              {"standing_agency", IdJson(p.standing_agency)}};
}

json ToJson(const TaskGroup& g) {
  return json{{"id", g.id.value},          {"plan", g.plan.value},   {"code", g.code},
              {"title_vi", g.title_vi},    {"title_en", g.title_en}, {"order", g.order},
              {"parent", IdJson(g.parent)}};
}

json ToJson(const Task& t) {
  json cadence = nullptr;
  if (t.cadence) cadence = PeriodTypeName(*t.cadence);
  return json{{"id", t.id.value},
              {"plan", t.plan.value},
              {"group", IdJson(t.group)},
              {"code", t.code},
              {"title_vi", t.title_vi},
              {"title_en", t.title_en},
              {"description", t.description},
              {"parent", IdJson(t.parent)},
              {"lead_unit", IdJson(t.lead_unit)},
              {"coordinating_units", IdsJson(t.coordinating_units)},
              {"kind", TaskKindName(t.kind)},
              {"assigned_on", t.assigned_on.ToString()},
              {"start", DateJson(t.start)},
              {"deadline", DateJson(t.deadline)},
              {"cadence", cadence},
              {"expected_output", t.expected_output},
              {"priority", t.priority},
              {"indicators", IdsJson(t.indicators)},
              {"classified", t.classified}};
}

json ToJson(const Indicator& i) {
  return json{{"id", i.id.value},
              {"code", i.code},
              {"name_vi", i.name_vi},
              {"name_en", i.name_en},
              {"unit_of_measure", i.unit_of_measure},
              {"class", IndicatorClassName(i.indicator_class)},
              {"value_type", ValueTypeName(i.value_type)},
              {"unit_aggregation", UnitAggregationName(i.unit_aggregation)},
              {"numerator", IdJson(i.numerator)},
              {"denominator", IdJson(i.denominator)},
              {"factor", i.factor},
              {"time_aggregation", TimeAggregationName(i.time_aggregation)},
              {"direction", DirectionName(i.direction)},
              {"period_type", PeriodTypeName(i.period_type)},
              {"baseline_value", OptionalJson(i.baseline_value)},
              {"baseline_date", DateJson(i.baseline_date)},
              {"min_value", OptionalJson(i.min_value)},
              {"max_value", OptionalJson(i.max_value)},
              {"at_risk_threshold", i.at_risk_threshold},
              {"data_source", i.data_source},
              {"responsible_unit", IdJson(i.responsible_unit)}};
}

json ToJson(const Target& t) {
  return json{{"indicator", t.indicator.value},
              {"unit", IdJson(t.unit)},
              {"date", t.date.ToString()},
              {"value", t.value}};
}

json ToJson(const TaskEvent& e) {
  json out{{"kind", TaskEventKindName(e.kind)}, {"on", e.on.ToString()}, {"actor", e.actor}};
  if (e.progress_percent) out["progress_percent"] = *e.progress_percent;
  if (e.completed_on) out["completed_on"] = e.completed_on->ToString();
  if (e.new_deadline) out["new_deadline"] = e.new_deadline->ToString();
  if (e.new_lead_unit) out["new_lead_unit"] = e.new_lead_unit.value;
  if (e.period) out["period"] = e.period->ToString();
  if (!e.requested_by.empty()) out["requested_by"] = e.requested_by;
  if (!e.reason.empty()) out["reason"] = e.reason;
  if (!e.difficulties.empty()) out["difficulties"] = e.difficulties;
  if (!e.proposals.empty()) out["proposals"] = e.proposals;
  if (!e.evidence.empty()) out["evidence"] = e.evidence;
  return out;
}

json ToJson(const DataValue& v) {
  json out{{"indicator", v.indicator.value}, {"unit", v.unit.value},
           {"period", v.period.ToString()},  {"value", v.value},
           {"comment", v.comment},           {"state", ValueStateName(v.state)},
           {"stored_by", v.stored_by},       {"stored_at", v.stored_at}};
  if (v.deleted) out["deleted"] = true;
  return out;
}

json ToJson(const TaskState& s) {
  json out{{"status", TaskStatusName(s.status)},
           {"deadline", DateJson(s.deadline)},
           {"original_deadline", DateJson(s.original_deadline)},
           {"slip_days", s.slip_days},
           {"amendments", s.amendments},
           {"lead_unit", IdJson(s.lead_unit)},
           {"completed_on", DateJson(s.completed_on)},
           {"claimed", s.claimed},
           {"verified", s.verified},
           {"claimed_on", DateJson(s.claimed_on)},
           {"verified_on", DateJson(s.verified_on)},
           {"progress_percent", s.progress_percent ? json(*s.progress_percent) : json(nullptr)},
           {"difficulties", s.difficulties},
           {"proposals", s.proposals},
           {"cancelled_on", DateJson(s.cancelled_on)},
           {"period", s.period ? json(s.period->ToString()) : json(nullptr)}};
  return out;
}

JsonFields MakeFields(const json& body, Mode mode, const OrgUnit*) {
  return JsonFields(body, mode,
                    {"code", "name_vi", "name_en", "type", "parent", "leader_name", "leader_title",
                     "valid_from", "valid_to"});
}
JsonFields MakeFields(const json& body, Mode mode, const Directive*) {
  return JsonFields(body, mode,
                    {"number", "kind", "issuer", "issued_on", "title_vi", "title_en", "url"});
}
JsonFields MakeFields(const json& body, Mode mode, const Plan*) {
  return JsonFields(body, mode,
                    {"code", "title_vi", "title_en", "issuer", "directives", "parent", "start",
                     "end", "stages", "standing_agency"});
}
JsonFields MakeFields(const json& body, Mode mode, const TaskGroup*) {
  return JsonFields(body, mode, {"plan", "code", "title_vi", "title_en", "order", "parent"});
}
JsonFields MakeFields(const json& body, Mode mode, const Task*) {
  return JsonFields(body, mode,
                    {"plan", "group", "code", "title_vi", "title_en", "description", "parent",
                     "lead_unit", "coordinating_units", "kind", "assigned_on", "start", "deadline",
                     "cadence", "expected_output", "priority", "indicators", "classified"});
}
JsonFields MakeFields(const json& body, Mode mode, const Indicator*) {
  return JsonFields(body, mode,
                    {"code",
                     "name_vi",
                     "name_en",
                     "unit_of_measure",
                     "class",
                     "value_type",
                     "unit_aggregation",
                     "numerator",
                     "denominator",
                     "factor",
                     "time_aggregation",
                     "direction",
                     "period_type",
                     "baseline_value",
                     "baseline_date",
                     "min_value",
                     "max_value",
                     "at_risk_threshold",
                     "data_source",
                     "responsible_unit"});
}

void Decode(JsonFields& f, OrgUnit& u) {
  f.Text("code", u.code, true, 64);
  f.Text("name_vi", u.name_vi, true, 512);
  f.Text("name_en", u.name_en, false, 512);
  f.Enum("type", u.type, ParseOrgUnitType, true);
  f.Ref("parent", u.parent);
  f.Text("leader_name", u.leader_name, false, 256);
  f.Text("leader_title", u.leader_title, false, 256);
  f.OptionalDate("valid_from", u.valid_from);
  f.OptionalDate("valid_to", u.valid_to);
  if (u.valid_from && u.valid_to && *u.valid_to < *u.valid_from) {
    f.Add("valid_to", "invalid", "valid_to is before valid_from");
  }
}

void Decode(JsonFields& f, Directive& d) {
  f.Text("number", d.number, true, 64);
  f.Text("kind", d.kind, false, 64);
  f.Text("issuer", d.issuer, false, 256);
  f.OptionalDate("issued_on", d.issued_on);
  f.Text("title_vi", d.title_vi, true, 1024);
  f.Text("title_en", d.title_en, false, 1024);
  f.Text("url", d.url, false, 2048);
}

void Decode(JsonFields& f, Plan& p) {
  f.Text("code", p.code, true, 64);
  f.Text("title_vi", p.title_vi, true, 1024);
  f.Text("title_en", p.title_en, false, 1024);
  f.Ref("issuer", p.issuer, true);
  f.RefList("directives", p.directives);
  f.Ref("parent", p.parent);
  f.OptionalDate("start", p.start);
  f.OptionalDate("end", p.end);
  f.TextList("stages", p.stages, 20);
  f.Ref("standing_agency", p.standing_agency, true);
  if (p.start && p.end && *p.end < *p.start) f.Add("end", "invalid", "end is before start");
}

void Decode(JsonFields& f, TaskGroup& g) {
  f.Ref("plan", g.plan, true);
  f.Text("code", g.code, true, 64);
  f.Text("title_vi", g.title_vi, true, 1024);
  f.Text("title_en", g.title_en, false, 1024);
  f.Integer("order", g.order, false, 0, 1'000'000);
  f.Ref("parent", g.parent);
}

void Decode(JsonFields& f, Task& t) {
  f.Ref("plan", t.plan, true);
  f.Ref("group", t.group);
  f.Text("code", t.code, true, 64);
  f.Text("title_vi", t.title_vi, true, 2048);
  f.Text("title_en", t.title_en, false, 2048);
  f.Text("description", t.description, false, 16384);
  f.Ref("parent", t.parent);
  f.Ref("lead_unit", t.lead_unit, true);
  f.RefList("coordinating_units", t.coordinating_units);
  f.Enum("kind", t.kind, ParseTaskKind, false);
  f.DateField("assigned_on", t.assigned_on, true);
  f.OptionalDate("start", t.start);
  f.OptionalDate("deadline", t.deadline);
  if (f.Has("cadence")) {
    std::string text;
    if (f.Text("cadence", text, false, 32)) {
      if (text.empty()) {
        t.cadence.reset();
      } else if (auto c = ParsePeriodType(text); c) {
        t.cadence = *c;
      } else {
        f.Add("cadence", "invalid", c.error().message);
      }
    }
  }
  f.Text("expected_output", t.expected_output, false, 4096);
  f.Integer("priority", t.priority, false, 0, 10);
  f.RefList("indicators", t.indicators);
  f.Boolean("classified", t.classified);
  if (t.kind == TaskKind::kDeadline && !t.deadline && f.errors().empty()) {
    f.Add("deadline", "required", "a deadline task needs a deadline");
  }
  if (t.kind == TaskKind::kRecurring && !t.cadence && f.errors().empty()) {
    f.Add("cadence", "required", "a recurring task needs a cadence (monthly, quarterly, …)");
  }
  if (t.deadline && *t.deadline < t.assigned_on) {
    f.Add("deadline", "invalid", "the deadline is before assigned_on");
  }
}

void Decode(JsonFields& f, Indicator& i) {
  f.Text("code", i.code, true, 64);
  f.Text("name_vi", i.name_vi, true, 1024);
  f.Text("name_en", i.name_en, false, 1024);
  f.Text("unit_of_measure", i.unit_of_measure, false, 64);
  f.Enum("class", i.indicator_class, ParseIndicatorClass);
  f.Enum("value_type", i.value_type, ParseValueType);
  f.Enum("unit_aggregation", i.unit_aggregation, ParseUnitAggregation);
  f.Ref("numerator", i.numerator);
  f.Ref("denominator", i.denominator);
  f.Number("factor", i.factor);
  f.Enum("time_aggregation", i.time_aggregation, ParseTimeAggregation);
  f.Enum("direction", i.direction, ParseDirection);
  f.Enum("period_type", i.period_type, ParsePeriodType);
  f.OptionalNumber("baseline_value", i.baseline_value);
  f.OptionalDate("baseline_date", i.baseline_date);
  f.OptionalNumber("min_value", i.min_value);
  f.OptionalNumber("max_value", i.max_value);
  f.Number("at_risk_threshold", i.at_risk_threshold);
  f.Text("data_source", i.data_source, false, 1024);
  f.Ref("responsible_unit", i.responsible_unit);
  if (i.unit_aggregation == UnitAggregation::kRatio && (!i.numerator || !i.denominator)) {
    f.Add("numerator", "required", "a ratio indicator needs a numerator and a denominator");
  }
  if (i.min_value && i.max_value && *i.max_value < *i.min_value) {
    f.Add("max_value", "invalid", "max_value is below min_value");
  }
  if (!(i.at_risk_threshold > 0 && i.at_risk_threshold <= 1)) {
    f.Add("at_risk_threshold", "out_of_range", "must be above 0 and at most 1");
  }
}

}  // namespace planwatch
