#include "planwatch/service/export.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "planwatch/base/csv.h"

namespace planwatch {
namespace {

std::string Opt(const std::optional<Date>& d) { return d ? d->ToString() : std::string(); }
std::string Opt(const std::optional<double>& v) {
  return v ? fmt::format("{}", *v) : std::string();
}
std::string Opt(const std::optional<int>& v) { return v ? std::to_string(*v) : std::string(); }

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ";") + s;
  return out;
}

// Code lookups for the references a row holds by id.
template <typename IdT>
class Codes {
 public:
  void Add(IdT id, const std::string& code) { codes_[id] = code; }
  std::string operator()(IdT id) const {
    auto it = codes_.find(id);
    return it != codes_.end() ? it->second : std::string();
  }
  template <typename Range>
  std::string List(const Range& ids) const {
    std::vector<std::string> out;
    out.reserve(std::size(ids));
    for (IdT id : ids) out.push_back((*this)(id));
    return Join(out);
  }

 private:
  std::map<IdT, std::string> codes_;
};

class Writer {
 public:
  Writer(DataKind kind, std::ostream& out) : out_(out) {
    out_ << kUtf8Bom;
    std::vector<std::string> header;
    for (const ColumnSpec& c : ColumnsOf(kind)) header.emplace_back(c.name);
    Row(header);
  }
  void Row(const std::vector<std::string>& fields) { out_ << CsvLine(fields); }

 private:
  std::ostream& out_;
};

}  // namespace

Status ExportCsv(Store& store, DataKind kind, std::ostream& out) {
  auto units = store.OrgUnits();
  if (!units) return std::unexpected(units.error());
  Codes<OrgUnitId> unit_code;
  for (const OrgUnit& u : *units) unit_code.Add(u.id, u.code);
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());
  std::ranges::sort(*plans, {}, &Plan::code);
  Codes<PlanId> plan_code;
  for (const Plan& p : *plans) plan_code.Add(p.id, p.code);
  auto indicators = store.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  std::ranges::sort(*indicators, {}, &Indicator::code);
  Codes<IndicatorId> indicator_code;
  for (const Indicator& i : *indicators) indicator_code.Add(i.id, i.code);

  Writer w(kind, out);
  switch (kind) {
    case DataKind::kUnits: {
      auto successions = store.Successions();
      if (!successions) return std::unexpected(successions.error());
      std::ranges::sort(*units, {}, &OrgUnit::code);
      for (const OrgUnit& u : *units) {
        std::vector<std::string> successors;
        for (const Succession& s : *successions) {
          if (s.predecessor == u.id) successors.push_back(unit_code(s.successor));
        }
        w.Row({u.code, u.name_vi, u.name_en, std::string(OrgUnitTypeName(u.type)),
               unit_code(u.parent), u.leader_name, u.leader_title, Opt(u.valid_from),
               Opt(u.valid_to), Join(successors)});
      }
      break;
    }
    case DataKind::kDirectives: {
      auto directives = store.Directives();
      if (!directives) return std::unexpected(directives.error());
      std::ranges::sort(*directives, {}, &Directive::number);
      for (const Directive& d : *directives) {
        w.Row({d.number, d.kind, d.issuer, Opt(d.issued_on), d.title_vi, d.title_en, d.url});
      }
      break;
    }
    case DataKind::kPlans: {
      auto directives = store.Directives();
      if (!directives) return std::unexpected(directives.error());
      Codes<DirectiveId> number;
      for (const Directive& d : *directives) number.Add(d.id, d.number);
      for (const Plan& p : *plans) {
        w.Row({p.code, p.title_vi, p.title_en, unit_code(p.issuer), number.List(p.directives),
               plan_code(p.parent), Opt(p.start), Opt(p.end), Join(p.stages),
               unit_code(p.standing_agency)});
      }
      break;
    }
    case DataKind::kTaskGroups: {
      for (const Plan& p : *plans) {
        auto groups = store.TaskGroups(p.id);
        if (!groups) return std::unexpected(groups.error());
        Codes<TaskGroupId> group_code;
        for (const TaskGroup& g : *groups) group_code.Add(g.id, g.code);
        std::ranges::sort(*groups, {}, &TaskGroup::code);
        for (const TaskGroup& g : *groups) {
          w.Row({p.code, g.code, g.title_vi, g.title_en, std::to_string(g.order),
                 group_code(g.parent)});
        }
      }
      break;
    }
    case DataKind::kIndicators: {
      for (const Indicator& i : *indicators) {
        w.Row({i.code,
               i.name_vi,
               i.name_en,
               i.unit_of_measure,
               std::string(IndicatorClassName(i.indicator_class)),
               std::string(ValueTypeName(i.value_type)),
               std::string(UnitAggregationName(i.unit_aggregation)),
               indicator_code(i.numerator),
               indicator_code(i.denominator),
               fmt::format("{}", i.factor),
               std::string(TimeAggregationName(i.time_aggregation)),
               std::string(DirectionName(i.direction)),
               std::string(PeriodTypeName(i.period_type)),
               Opt(i.baseline_value),
               Opt(i.baseline_date),
               Opt(i.min_value),
               Opt(i.max_value),
               fmt::format("{}", i.at_risk_threshold),
               i.data_source,
               unit_code(i.responsible_unit)});
      }
      break;
    }
    case DataKind::kTargets: {
      auto targets = store.Targets();
      if (!targets) return std::unexpected(targets.error());
      std::ranges::sort(*targets, [&](const Target& a, const Target& b) {
        return std::tuple(indicator_code(a.indicator), unit_code(a.unit), a.date) <
               std::tuple(indicator_code(b.indicator), unit_code(b.unit), b.date);
      });
      for (const Target& t : *targets) {
        w.Row({indicator_code(t.indicator), unit_code(t.unit), t.date.ToString(),
               fmt::format("{}", t.value)});
      }
      break;
    }
    case DataKind::kTasks:
    case DataKind::kTaskUpdates: {
      for (const Plan& p : *plans) {
        auto tasks = store.Tasks(p.id);
        if (!tasks) return std::unexpected(tasks.error());
        Codes<TaskId> task_code;
        for (const Task& t : *tasks) task_code.Add(t.id, t.code);
        if (kind == DataKind::kTaskUpdates) {
          auto events = store.TaskEvents(p.id);
          if (!events) return std::unexpected(events.error());
          for (const TaskEvent& e : *events) {
            w.Row({p.code, task_code(e.task), std::string(TaskEventKindName(e.kind)),
                   e.on.ToString(), Opt(e.progress_percent), Opt(e.completed_on),
                   Opt(e.new_deadline), unit_code(e.new_lead_unit),
                   e.period ? e.period->ToString() : std::string(), e.actor, e.requested_by,
                   e.reason, e.difficulties, e.proposals, e.evidence});
          }
          continue;
        }
        auto groups = store.TaskGroups(p.id);
        if (!groups) return std::unexpected(groups.error());
        Codes<TaskGroupId> group_code;
        for (const TaskGroup& g : *groups) group_code.Add(g.id, g.code);
        for (const Task& t : *tasks) {
          w.Row({p.code, t.code, group_code(t.group), t.title_vi, t.title_en, t.description,
                 task_code(t.parent), unit_code(t.lead_unit), unit_code.List(t.coordinating_units),
                 std::string(TaskKindName(t.kind)), t.assigned_on.ToString(), Opt(t.start),
                 Opt(t.deadline),
                 t.cadence ? std::string(PeriodTypeName(*t.cadence)) : std::string(),
                 t.expected_output, std::to_string(t.priority), indicator_code.List(t.indicators),
                 t.classified ? "true" : "false"});
        }
      }
      break;
    }
    case DataKind::kDataValues: {
      auto values = store.DataValues(DataValueQuery{});
      if (!values) return std::unexpected(values.error());
      std::ranges::sort(*values, [&](const DataValue& a, const DataValue& b) {
        return std::tuple(indicator_code(a.indicator), unit_code(a.unit), a.period) <
               std::tuple(indicator_code(b.indicator), unit_code(b.unit), b.period);
      });
      for (const DataValue& v : *values) {
        w.Row({indicator_code(v.indicator), unit_code(v.unit), v.period.ToString(),
               fmt::format("{}", v.value), v.comment, std::string(ValueStateName(v.state)),
               v.stored_by});
      }
      break;
    }
  }
  out.flush();
  if (!out) return Fail(ErrorCode::kUnavailable, "could not write the export");
  return {};
}

}  // namespace planwatch
