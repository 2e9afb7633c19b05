#include "planwatch/service/export.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "planwatch/base/csv.h"
#include "planwatch/documents/workbook.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/service/store_reads.h"

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

// Collects the rows of one kind with their keys.
class Rows {
 public:
  void Add(std::string key, std::vector<std::string> fields) {
    rows_.push_back(ExportRow{std::move(key), std::move(fields)});
  }
  std::vector<ExportRow> Take() { return std::move(rows_); }

 private:
  std::vector<ExportRow> rows_;
};

std::string Key(std::string_view a, std::string_view b) { return fmt::format("{}/{}", a, b); }
std::string Key(std::string_view a, std::string_view b, std::string_view c) {
  return fmt::format("{}/{}/{}", a, b, c);
}

// Which records belong to an export's scope (export.h): all of them when it has none.
class ScopeTest {
 public:
  static Result<ScopeTest> Of(StoreReader& store, ExportScope scope) {
    ScopeTest in;
    if (!scope) return in;
    auto tree = LoadOrgTree(store);
    if (!tree) return std::unexpected(tree.error());
    in.tree_ = std::move(*tree);
    in.scope_ = scope;
    return in;
  }

  bool everything() const { return !scope_; }
  bool Unit(OrgUnitId unit) const { return !scope_ || (unit && tree_.InSubtree(unit, *scope_)); }
  bool PlanOf(const Plan& plan) const {
    return !scope_ || Unit(plan.issuer) || Unit(plan.standing_agency);
  }
  bool IndicatorOf(const Indicator& indicator) const {
    return !scope_ || !indicator.responsible_unit || Unit(indicator.responsible_unit);
  }
  // The task's plan is in scope as well.
  bool TaskOf(const Task& task) const { return !scope_ || Unit(task.lead_unit); }

 private:
  OrgTree tree_;
  ExportScope scope_;
};

}  // namespace

Result<std::vector<ExportRow>> ExportRows(StoreReader& store, DataKind kind, ExportScope scope) {
  auto in = ScopeTest::Of(store, scope);
  if (!in) return std::unexpected(in.error());
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

  Rows w;
  switch (kind) {
    case DataKind::kUnits: {
      auto successions = store.Successions();
      if (!successions) return std::unexpected(successions.error());
      std::ranges::sort(*units, {}, &OrgUnit::code);
      for (const OrgUnit& u : *units) {
        if (!in->Unit(u.id)) continue;
        std::vector<std::string> successors;
        for (const Succession& s : *successions) {
          if (s.predecessor == u.id && in->Unit(s.successor)) {
            successors.push_back(unit_code(s.successor));
          }
        }
        w.Add(u.code, {u.code, u.name_vi, u.name_en, std::string(OrgUnitTypeName(u.type)),
                       unit_code(u.parent), u.leader_name, u.leader_title, Opt(u.valid_from),
                       Opt(u.valid_to), Join(successors)});
      }
      break;
    }
    case DataKind::kDirectives: {
      auto directives = store.Directives();
      if (!directives) return std::unexpected(directives.error());
      std::ranges::sort(*directives, {}, &Directive::number);
      // A directive belongs to the scope when a plan of it cites the directive or none does.
      std::set<DirectiveId> cited, cited_here;
      for (const Plan& p : *plans) {
        for (DirectiveId d : p.directives) {
          cited.insert(d);
          if (in->PlanOf(p)) cited_here.insert(d);
        }
      }
      for (const Directive& d : *directives) {
        if (!in->everything() && cited.contains(d.id) && !cited_here.contains(d.id)) continue;
        w.Add(d.number,
              {d.number, d.kind, d.issuer, Opt(d.issued_on), d.title_vi, d.title_en, d.url});
      }
      break;
    }
    case DataKind::kPlans: {
      auto directives = store.Directives();
      if (!directives) return std::unexpected(directives.error());
      Codes<DirectiveId> number;
      for (const Directive& d : *directives) number.Add(d.id, d.number);
      for (const Plan& p : *plans) {
        if (!in->PlanOf(p)) continue;
        w.Add(p.code, {p.code, p.title_vi, p.title_en, unit_code(p.issuer),
                       number.List(p.directives), plan_code(p.parent), Opt(p.start), Opt(p.end),
                       Join(p.stages), unit_code(p.standing_agency)});
      }
      break;
    }
    case DataKind::kTaskGroups: {
      for (const Plan& p : *plans) {
        if (!in->PlanOf(p)) continue;
        auto groups = store.TaskGroups(p.id);
        if (!groups) return std::unexpected(groups.error());
        Codes<TaskGroupId> group_code;
        for (const TaskGroup& g : *groups) group_code.Add(g.id, g.code);
        std::ranges::sort(*groups, {}, &TaskGroup::code);
        for (const TaskGroup& g : *groups) {
          w.Add(Key(p.code, g.code), {p.code, g.code, g.title_vi, g.title_en,
                                      std::to_string(g.order), group_code(g.parent)});
        }
      }
      break;
    }
    case DataKind::kIndicators: {
      for (const Indicator& i : *indicators) {
        if (!in->IndicatorOf(i)) continue;
        w.Add(i.code, {i.code,
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
      if (!in->everything()) {
        std::set<IndicatorId> owned;  // a target for every unit goes with its indicator's owner
        for (const Indicator& i : *indicators) {
          if (i.responsible_unit && in->Unit(i.responsible_unit)) owned.insert(i.id);
        }
        std::erase_if(*targets, [&](const Target& t) {
          return t.unit ? !in->Unit(t.unit) : !owned.contains(t.indicator);
        });
      }
      std::ranges::sort(*targets, [&](const Target& a, const Target& b) {
        return std::tuple(indicator_code(a.indicator), unit_code(a.unit), a.date) <
               std::tuple(indicator_code(b.indicator), unit_code(b.unit), b.date);
      });
      for (const Target& t : *targets) {
        w.Add(Key(indicator_code(t.indicator), unit_code(t.unit), t.date.ToString()),
              {indicator_code(t.indicator), unit_code(t.unit), t.date.ToString(),
               fmt::format("{}", t.value)});
      }
      break;
    }
    case DataKind::kTasks:
    case DataKind::kTaskUpdates: {
      for (const Plan& p : *plans) {
        if (!in->PlanOf(p)) continue;
        auto tasks = store.Tasks(p.id);
        if (!tasks) return std::unexpected(tasks.error());
        Codes<TaskId> task_code;
        std::set<TaskId> held;
        for (const Task& t : *tasks) {
          task_code.Add(t.id, t.code);
          if (in->TaskOf(t)) held.insert(t.id);
        }
        if (kind == DataKind::kTaskUpdates) {
          auto events = store.TaskEvents(p.id);
          if (!events) return std::unexpected(events.error());
          for (const TaskEvent& e : *events) {
            if (!held.contains(e.task)) continue;
            w.Add(
                Key(p.code, task_code(e.task)),
                {p.code, task_code(e.task), std::string(TaskEventKindName(e.kind)), e.on.ToString(),
                 Opt(e.progress_percent), Opt(e.completed_on), Opt(e.new_deadline),
                 unit_code(e.new_lead_unit), e.period ? e.period->ToString() : std::string(),
                 e.actor, e.requested_by, e.reason, e.difficulties, e.proposals, e.evidence});
          }
          continue;
        }
        auto groups = store.TaskGroups(p.id);
        if (!groups) return std::unexpected(groups.error());
        Codes<TaskGroupId> group_code;
        for (const TaskGroup& g : *groups) group_code.Add(g.id, g.code);
        for (const Task& t : *tasks) {
          if (!held.contains(t.id)) continue;
          w.Add(
              Key(p.code, t.code),
              {p.code, t.code, group_code(t.group), t.title_vi, t.title_en, t.description,
               task_code(t.parent), unit_code(t.lead_unit), unit_code.List(t.coordinating_units),
               std::string(TaskKindName(t.kind)), t.assigned_on.ToString(), Opt(t.start),
               Opt(t.deadline), t.cadence ? std::string(PeriodTypeName(*t.cadence)) : std::string(),
               t.expected_output, std::to_string(t.priority), indicator_code.List(t.indicators),
               t.classified ? "true" : "false"});
        }
      }
      break;
    }
    case DataKind::kDataValues: {
      auto values = store.DataValues(DataValueQuery{});
      if (!values) return std::unexpected(values.error());
      std::erase_if(*values, [&](const DataValue& v) { return !in->Unit(v.unit); });
      std::ranges::sort(*values, [&](const DataValue& a, const DataValue& b) {
        return std::tuple(indicator_code(a.indicator), unit_code(a.unit), a.period) <
               std::tuple(indicator_code(b.indicator), unit_code(b.unit), b.period);
      });
      for (const DataValue& v : *values) {
        w.Add(Key(indicator_code(v.indicator), unit_code(v.unit), v.period.ToString()),
              {indicator_code(v.indicator), unit_code(v.unit), v.period.ToString(),
               fmt::format("{}", v.value), v.comment, std::string(ValueStateName(v.state)),
               v.stored_by});
      }
      break;
    }
  }
  return w.Take();
}

Status ExportCsv(Store& store, DataKind kind, std::ostream& out, ExportScope scope) {
  auto rows = ExportRows(store, kind, scope);
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::string> header;
  for (const ColumnSpec& c : ColumnsOf(kind)) header.emplace_back(c.name);
  out << kUtf8Bom << CsvLine(header);
  for (const ExportRow& row : *rows) out << CsvLine(row.fields);
  out.flush();
  if (!out) return Fail(ErrorCode::kUnavailable, "could not write the export");
  return {};
}

namespace {

std::optional<double> NumberOf(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> ChoicesOf(const ColumnSpec& spec) {
  std::vector<std::string> out;
  std::string_view rest = spec.choices;
  while (!rest.empty()) {
    const std::size_t cut = rest.find('|');
    out.emplace_back(rest.substr(0, cut));
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
  }
  return out;
}

std::string_view FormatVi(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return "Văn bản";
    case ColumnType::kCode:
      return "Mã (văn bản)";
    case ColumnType::kCodeList:
      return "Danh sách mã, cách nhau bởi dấu ;";
    case ColumnType::kDate:
      return "Ngày, dd/mm/yyyy";
    case ColumnType::kNumber:
      return "Số";
    case ColumnType::kInteger:
      return "Số nguyên";
    case ColumnType::kBoolean:
      return "có hoặc không";
    case ColumnType::kChoice:
      return "Chọn trong danh sách";
    case ColumnType::kPeriod:
      return "Kỳ: 2025, 2025S1, 2025Q3 hoặc 202503";
  }
  return "Văn bản";
}

std::string HintOf(const ColumnSpec& spec) {
  std::string hint =
      fmt::format("{} ({})\n{}.\n{}.", spec.name_vi, spec.name,
                  spec.required ? "Bắt buộc" : "Không bắt buộc", FormatVi(spec.type));
  if (!spec.description_vi.empty()) hint += fmt::format("\n{}.", spec.description_vi);
  if (!spec.choices.empty()) {
    std::string values;
    for (const std::string& choice : ChoicesOf(spec))
      values += (values.empty() ? "" : ", ") + choice;
    hint += fmt::format("\nGiá trị: {}.", values);
  }
  return hint;
}

double WidthOf(const ColumnSpec& spec) {
  switch (spec.type) {
    case ColumnType::kText:
      return spec.name.ends_with("_en") || spec.name.ends_with("_vi") || spec.name == "description"
                 ? 40
                 : 24;
    case ColumnType::kCodeList:
      return 20;
    case ColumnType::kDate:
      return 13;
    case ColumnType::kCode:
    case ColumnType::kChoice:
    case ColumnType::kPeriod:
      return 14;
    case ColumnType::kNumber:
    case ColumnType::kInteger:
    case ColumnType::kBoolean:
      return 11;
  }
  return 14;
}

// The typed cell of one field in the import format's text.
Cell CellOf(const ColumnSpec& spec, const std::string& text) {
  if (text.empty()) return Cell::Empty();
  switch (spec.type) {
    case ColumnType::kDate:
      if (auto date = Date::Parse(text)) return Cell::On(*date);
      break;
    case ColumnType::kNumber:
    case ColumnType::kInteger:
      if (auto value = NumberOf(text)) {
        if (spec.type == ColumnType::kInteger) return Cell::Number(*value, "0");
        // Grouped thousands; decimals only where there are some.
        return Cell::Number(*value, *value == std::floor(*value) ? "#,##0" : "#,##0.0#########");
      }
      break;
    case ColumnType::kBoolean:
      if (text == "true") return Cell::Text("có");
      if (text == "false") return Cell::Text("không");
      break;
    case ColumnType::kText:
    case ColumnType::kCode:
    case ColumnType::kCodeList:
    case ColumnType::kChoice:
    case ColumnType::kPeriod:
      break;
  }
  return Cell::Text(text);
}

std::string DayMonthYear(Date date) {
  return fmt::format("{:02}/{:02}/{:04}", date.day(), date.month(), date.year());
}

Sheet SheetOf(DataKind kind, std::string title) {
  Sheet sheet;
  sheet.name = std::string(DataKindSheetName(kind));
  sheet.title = std::move(title);
  for (const ColumnSpec& spec : ColumnsOf(kind)) {
    Column column{std::string(spec.name_vi), WidthOf(spec), HintOf(spec), ChoicesOf(spec)};
    sheet.columns.push_back(std::move(column));
  }
  return sheet;
}

void AddRow(Sheet& sheet, DataKind kind, const std::vector<std::string>& fields) {
  const auto columns = ColumnsOf(kind);
  std::vector<Cell> cells;
  cells.reserve(fields.size());
  for (std::size_t i = 0; i < fields.size() && i < columns.size(); ++i) {
    cells.push_back(CellOf(columns[i], fields[i]));
  }
  sheet.rows.push_back(std::move(cells));
}

// One made-up but real-looking record per kind, for the templates (Sơn La, plan 333-KH/TU).
std::vector<std::string> ExampleRow(DataKind kind) {
  switch (kind) {
    case DataKind::kUnits:
      return {"SL-SKHCN",
              "Sở Khoa học và Công nghệ tỉnh Sơn La",
              "Son La Department of Science and Technology",
              "department",
              "SL",
              "Nguyễn Văn Minh",
              "Giám đốc",
              "2025-07-01",
              "",
              ""};
    case DataKind::kDirectives:
      return {"57-NQ/TW",
              "resolution",
              "Bộ Chính trị",
              "2024-12-22",
              "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển "
              "đổi số quốc gia",
              "Resolution on breakthroughs in science, technology, innovation and national "
              "digital transformation",
              ""};
    case DataKind::kPlans:
      return {"333-KH/TU",
              "Kế hoạch thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị",
              "Plan to implement Politburo Resolution 57-NQ/TW",
              "SL",
              "57-NQ/TW",
              "",
              "2025-05-07",
              "2030-12-31",
              "2025;2026-2030",
              "SL-SKHCN"};
    case DataKind::kTaskGroups:
      return {"333-KH/TU", "N1", "Lãnh đạo, chỉ đạo", "Leadership and direction", "1", ""};
    case DataKind::kIndicators:
      return {"OPEN_DATASETS",
              "Số bộ dữ liệu mở trên Cổng dữ liệu mở của tỉnh",
              "Open datasets on the provincial open data portal",
              "bộ dữ liệu",
              "operational",
              "count",
              "sum",
              "",
              "",
              "1",
              "last",
              "up",
              "monthly",
              "412",
              "2024-12-31",
              "0",
              "",
              "0.8",
              "Cổng dữ liệu mở tỉnh Sơn La",
              "SL-SKHCN"};
    case DataKind::kTargets:
      return {"OPEN_DATASETS", "SL-SKHCN", "2025-12-31", "600"};
    case DataKind::kTasks:
      return {"333-KH/TU",
              "1.02",
              "N1",
              "Ban hành Quy chế làm việc của Ban Chỉ đạo tỉnh",
              "Issue the provincial Steering Committee's working rules",
              "",
              "",
              "SL-VPTU",
              "SL-SKHCN",
              "deadline",
              "2025-05-07",
              "2025-05-07",
              "2025-06-15",
              "",
              "Quy chế làm việc",
              "0",
              "",
              "false"};
    case DataKind::kTaskUpdates:
      return {"333-KH/TU", "1.02",         "progress", "2025-05-21", "60", "", "", "",
              "",          "Cầm Văn Tuấn", "",         "",           "",   "", ""};
    case DataKind::kDataValues:
      return {"OPEN_DATASETS", "SL-SKHCN", "202503", "410", "", "approved", ""};
  }
  return {};
}

Sheet GuideSheet(DataKind kind) {
  Sheet guide;
  guide.name = "Hướng dẫn";
  guide.title = fmt::format("Hướng dẫn nhập {}", DataKindSheetName(kind));
  guide.columns = {Column{"Cột", 24}, Column{"Tên tiếng Anh", 24}, Column{"Bắt buộc", 10},
                   Column{"Nội dung", 50}, Column{"Định dạng", 40}};
  for (const ColumnSpec& spec : ColumnsOf(kind)) {
    std::string format(FormatVi(spec.type));
    if (!spec.choices.empty()) {
      std::string values;
      for (const std::string& choice : ChoicesOf(spec))
        values += (values.empty() ? "" : ", ") + choice;
      format += ": " + values;
    }
    guide.rows.push_back({Cell::Text(std::string(spec.name_vi)), Cell::Text(std::string(spec.name)),
                          Cell::Text(spec.required ? "có" : "không"),
                          Cell::Text(std::string(spec.description_vi)), Cell::Text(format)});
  }
  return guide;
}

}  // namespace

Result<std::string> ExportWorkbook(Store& store, std::span<const DataKind> kinds, Date today,
                                   ExportScope scope) {
  if (kinds.empty()) return InvalidArgument("name at least one kind to export");
  Workbook book;
  std::set<DataKind> seen;
  for (DataKind kind : kinds) {
    if (!seen.insert(kind).second) {
      return InvalidArgument(fmt::format("kind '{}' is named twice", DataKindName(kind)));
    }
    auto rows = ExportRows(store, kind, scope);
    if (!rows) return std::unexpected(rows.error());
    Sheet sheet = SheetOf(
        kind, fmt::format("{} — xuất ngày {}", DataKindSheetName(kind), DayMonthYear(today)));
    for (const ExportRow& row : *rows) AddRow(sheet, kind, row.fields);
    book.sheets.push_back(std::move(sheet));
  }
  return RenderWorkbook(book);
}

Result<std::string> TemplateWorkbook(DataKind kind) {
  Workbook book;
  Sheet sheet = SheetOf(kind, fmt::format("{} — mẫu nhập dữ liệu (dòng 3 là ví dụ, hãy thay bằng "
                                          "dữ liệu thật)",
                                          DataKindSheetName(kind)));
  AddRow(sheet, kind, ExampleRow(kind));
  book.sheets.push_back(std::move(sheet));
  book.sheets.push_back(GuideSheet(kind));
  return RenderWorkbook(book);
}

std::string TemplateCsv(DataKind kind) {
  std::vector<std::string> header;
  for (const ColumnSpec& c : ColumnsOf(kind)) header.emplace_back(c.name_vi);
  return std::string(kUtf8Bom) + CsvLine(header);
}

}  // namespace planwatch
