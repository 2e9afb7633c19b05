#include "planwatch/service/import.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "planwatch/base/csv.h"
#include "planwatch/base/text.h"
#include "planwatch/documents/xlsx_reader.h"
#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/service/export.h"
#include "planwatch/service/ledger_rules.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

// ---------------------------------------------------------------------------------------------
// Reading a sheet: header mapping and typed cells that report every problem they meet.

constexpr std::size_t kProgressEvery = 10'000;
// A workbook's header is looked for among its first non-empty rows (a title may sit above it).
constexpr std::size_t kHeaderCandidates = 3;

class Sheet;

// Every problem met, each with where it is: line and column (and, in a workbook, the sheet and a
// message that starts with the cell reference).
class Problems {
 public:
  explicit Problems(const Sheet* sheet) : sheet_(sheet) {}
  void Add(int line, std::string field, std::string message);
  bool empty() const { return details.empty(); }

  std::vector<ErrorDetail> details;

 private:
  const Sheet* sheet_;
};

class Sheet {
 public:
  static Result<Sheet> FromCsv(DataKind kind, std::istream& in, const ImportOptions& options) {
    Sheet sheet;
    sheet.kind_ = kind;
    CsvReader reader(in);
    CsvRecord header;
    auto has_header = reader.Next(header);
    if (!has_header) return ReadError(has_header.error());
    if (!*has_header) return InvalidArgument("the file is empty: expected a header row");
    if (auto st = sheet.MapHeader(header); !st) return std::unexpected(st.error());

    CsvRecord record;
    while (true) {
      auto more = reader.Next(record);
      if (!more) return ReadError(more.error());
      if (!*more) break;
      sheet.rows_.push_back(std::move(record));
      if (options.progress && sheet.rows_.size() % kProgressEvery == 0) {
        options.progress("reading", sheet.rows_.size(), 0);
      }
    }
    return sheet;
  }

  // The sheet `source` of a workbook, holding records of `kind`.
  static Result<Sheet> FromXlsx(DataKind kind, const XlsxSheet& source) {
    Sheet sheet;
    sheet.kind_ = kind;
    sheet.name_ = source.name;
    sheet.xlsx_ = true;
    // The header is the first of the first few rows that names only columns of the kind; when
    // none does, the first row is taken, so its unknown columns are reported.
    if (source.rows.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("sheet \"{}\" is empty: expected a header row", source.name),
                  {ErrorDetail{0, "", "the sheet has no header row", source.name}});
    }
    std::size_t header_at = 0;
    for (std::size_t i = 0; i < source.rows.size() && i < kHeaderCandidates; ++i) {
      const auto& cells = source.rows[i].cells;
      const bool all_known = std::ranges::all_of(cells, [&](const std::string& cell) {
        return TrimAscii(cell).empty() || FindColumn(kind, TrimAscii(cell)).has_value();
      });
      if (all_known) {
        header_at = i;
        break;
      }
    }
    const XlsxRow& header_row = source.rows[header_at];
    CsvRecord header{header_row.number, {}};
    for (const std::string& cell : header_row.cells) header.fields.emplace_back(TrimAscii(cell));
    if (auto st = sheet.MapHeader(header); !st) return std::unexpected(st.error());

    const std::size_t width = sheet.width();
    for (std::size_t i = header_at + 1; i < source.rows.size(); ++i) {
      const XlsxRow& row = source.rows[i];
      CsvRecord record{row.number, row.cells};
      for (std::size_t c = 0; c < record.fields.size(); ++c) {
        const bool headed = c < width && !sheet.header_[c].empty();
        if (!headed && !TrimAscii(record.fields[c]).empty()) {
          sheet.layout_problems_.push_back(ErrorDetail{
              row.number, "",
              fmt::format("{}: a value in a column without a header", XlsxCellRef(c, row.number)),
              sheet.name_});
        }
      }
      record.fields.resize(width);
      sheet.rows_.push_back(std::move(record));
    }
    return sheet;
  }

  DataKind kind() const { return kind_; }
  const std::string& name() const { return name_; }  // the workbook sheet; empty for CSV
  bool xlsx() const { return xlsx_; }
  const std::vector<CsvRecord>& rows() const { return rows_; }
  std::size_t width() const { return header_.size(); }
  // Values a workbook holds outside the headed columns.
  const std::vector<ErrorDetail>& layout_problems() const { return layout_problems_; }

  // The field index of column `key`, or -1 when the file does not have it.
  int FieldOf(std::string_view key) const {
    const auto columns = ColumnsOf(kind_);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == key) return field_of_[i];
    }
    return -1;
  }
  // The column as the file names it (the English name when the file lacks it).
  std::string ColumnName(std::string_view key) const {
    const int f = FieldOf(key);
    return f >= 0 ? header_[static_cast<std::size_t>(f)] : std::string(key);
  }
  // The field index of the header cell `name` as written; none when no header cell says it.
  std::optional<std::size_t> FieldNamed(std::string_view name) const {
    if (name.empty()) return std::nullopt;
    for (std::size_t f = 0; f < header_.size(); ++f) {
      if (header_[f] == name) return f;
    }
    return std::nullopt;
  }
  bool Required(std::string_view key) const {
    for (const ColumnSpec& c : ColumnsOf(kind_)) {
      if (c.name == key) return c.required;
    }
    return false;
  }

 private:
  static std::unexpected<Error> ReadError(Error error) {
    error.message = "the file is not valid CSV: " + error.message;
    return std::unexpected(std::move(error));
  }

  // Maps the header's cells to the kind's columns; invalid_argument naming every unknown,
  // repeated or missing column.
  Status MapHeader(const CsvRecord& header) {
    const auto columns = ColumnsOf(kind_);
    field_of_.assign(columns.size(), -1);
    Problems problems(this);
    const int line = header.line > 0 ? header.line : 1;
    header_ = header.fields;
    if (xlsx_) {
      while (!header_.empty() && header_.back().empty()) header_.pop_back();
    }
    for (std::size_t f = 0; f < header_.size(); ++f) {
      const std::string& name = header_[f];
      if (xlsx_ && name.empty()) continue;  // a blank column between others
      const std::optional<std::size_t> found = FindColumn(kind_, name);
      if (!found) {
        problems.Add(line, name,
                     fmt::format("unknown column '{}' for {}", name, DataKindName(kind_)));
        continue;
      }
      const std::size_t index = *found;
      const ColumnSpec* spec = &columns[index];
      if (field_of_[index] >= 0) {
        problems.Add(line, name, fmt::format("column '{}' appears twice", spec->name));
        continue;
      }
      field_of_[index] = static_cast<int>(f);
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].required && field_of_[i] < 0) {
        problems.Add(line, std::string(columns[i].name),
                     fmt::format("required column '{}' ({}) is missing", columns[i].name,
                                 columns[i].name_vi));
      }
    }
    if (!problems.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  xlsx_ ? fmt::format("the header of sheet \"{}\" ({}) is wrong; nothing was "
                                      "imported",
                                      name_, DataKindName(kind_))
                        : fmt::format("the header of this {} file is wrong; nothing was imported",
                                      DataKindName(kind_)),
                  std::move(problems.details));
    }
    return {};
  }

  DataKind kind_ = DataKind::kUnits;
  std::string name_;
  bool xlsx_ = false;
  std::vector<std::string> header_;
  std::vector<int> field_of_;  // per column spec
  std::vector<CsvRecord> rows_;
  std::vector<ErrorDetail> layout_problems_;
};

void Problems::Add(int line, std::string field, std::string message) {
  if (sheet_ != nullptr && sheet_->xlsx()) {
    // In a workbook the cell reference leads, as spreadsheet users find cells by it.
    if (auto f = sheet_->FieldNamed(field); f && line > 0) {
      message = fmt::format("{}: {}", XlsxCellRef(*f, line), message);
    }
    details.push_back(ErrorDetail{line, std::move(field), std::move(message), sheet_->name()});
    return;
  }
  details.push_back(ErrorDetail{line, std::move(field), std::move(message)});
}

// Vietnamese users type dates as d/m/yyyy text in spreadsheets; YYYY-MM-DD otherwise.
std::optional<Date> ParseDayMonthYear(std::string_view text) {
  int parts[3] = {0, 0, 0};
  std::size_t digits[3] = {0, 0, 0};
  std::size_t part = 0;
  for (char ch : text) {
    if (ch == '/') {
      if (++part > 2) return std::nullopt;
    } else if (ch >= '0' && ch <= '9') {
      parts[part] = parts[part] * 10 + (ch - '0');
      if (++digits[part] > 4) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (part != 2 || digits[0] == 0 || digits[0] > 2 || digits[1] == 0 || digits[1] > 2 ||
      digits[2] != 4) {
    return std::nullopt;
  }
  auto date = Date::FromYmd(parts[2], parts[1], parts[0]);
  if (!date) return std::nullopt;
  return *date;
}

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty() || text.front() == '+') return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value,
                                         std::chars_format::fixed | std::chars_format::scientific);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<long long> ParseInteger(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// One data row. Every accessor records a problem (line, column, what is wrong) instead of
// failing, so a single pass reports everything wrong with the file.
class Cells {
 public:
  Cells(const Sheet& sheet, const CsvRecord& record, Problems& problems)
      : sheet_(sheet), record_(record), problems_(problems) {
    if (record.fields.size() != sheet.width()) {
      problems_.Add(record.line, "",
                    fmt::format("the row has {} fields but the header has {}", record.fields.size(),
                                sheet.width()));
      ragged_ = true;
    }
  }

  int line() const { return record_.line; }
  bool ragged() const { return ragged_; }

  std::string_view Raw(std::string_view key) const {
    const int f = sheet_.FieldOf(key);
    if (ragged_ || f < 0) return {};
    return TrimAscii(record_.fields[static_cast<std::size_t>(f)]);
  }

  std::string Text(std::string_view key) {
    std::string_view raw = Raw(key);
    if (raw.empty() && sheet_.Required(key) && !ragged_) Problem(key, "a value is required");
    return std::string(raw);
  }

  std::optional<Date> OptDate(std::string_view key) {
    const std::string text = Text(key);
    if (text.empty()) return std::nullopt;
    auto date = Date::Parse(text);
    if (!date) {
      if (sheet_.xlsx()) {
        if (auto typed = ParseDayMonthYear(text)) return typed;
        Problem(key, fmt::format("'{}' is not a date (YYYY-MM-DD or dd/mm/yyyy)", text));
        return std::nullopt;
      }
      Problem(key, fmt::format("'{}' is not a date (expected YYYY-MM-DD)", text));
      return std::nullopt;
    }
    return *date;
  }

  std::optional<double> OptNumber(std::string_view key) {
    const std::string text = Text(key);
    if (text.empty()) return std::nullopt;
    auto value = ParseNumber(text);
    if (!value) {
      Problem(key, fmt::format("'{}' is not a number (use . for decimals, no thousands separator)",
                               text));
    }
    return value;
  }

  std::optional<long long> OptInteger(std::string_view key, long long min, long long max) {
    const std::string text = Text(key);
    if (text.empty()) return std::nullopt;
    auto value = ParseInteger(text);
    if (!value || *value < min || *value > max) {
      Problem(key, fmt::format("'{}' is not a whole number from {} to {}", text, min, max));
      return std::nullopt;
    }
    return value;
  }

  bool Bool(std::string_view key, bool fallback) {
    const std::string text = Text(key);
    if (text.empty()) return fallback;
    const std::string folded = FoldForSearch(text);
    if (folded == "true" || folded == "1" || folded == "yes" || folded == "co") return true;
    if (folded == "false" || folded == "0" || folded == "no" || folded == "khong") return false;
    Problem(key, fmt::format("'{}' is not true or false", text));
    return fallback;
  }

  template <typename Parse>
  auto Enum(std::string_view key, Parse parse)
      -> std::optional<typename decltype(parse(""))::value_type> {
    const std::string text = Text(key);
    if (text.empty()) return std::nullopt;
    auto value = parse(text);
    if (!value) {
      Problem(key, value.error().message);
      return std::nullopt;
    }
    return *value;
  }

  std::optional<Period> OptPeriod(std::string_view key) {
    const std::string text = Text(key);
    if (text.empty()) return std::nullopt;
    auto period = Period::Parse(text);
    if (!period) {
      Problem(key, period.error().message);
      return std::nullopt;
    }
    return *period;
  }

  std::vector<std::string> List(std::string_view key) {
    std::vector<std::string> items;
    std::string_view rest = Raw(key);
    while (!rest.empty()) {
      const std::size_t cut = rest.find(';');
      std::string_view item = TrimAscii(rest.substr(0, cut));
      if (!item.empty()) items.emplace_back(item);
      if (cut == std::string_view::npos) break;
      rest.remove_prefix(cut + 1);
    }
    return items;
  }

  void Problem(std::string_view key, std::string message) {
    problems_.Add(record_.line, sheet_.ColumnName(key), std::move(message));
  }

 private:
  const Sheet& sheet_;
  const CsvRecord& record_;
  Problems& problems_;
  bool ragged_ = false;
};

// Orders rows so that every row comes after the rows it depends on (its parent in the same
// file). Rows on a cycle are reported and left out.
std::vector<std::size_t> DependenciesFirst(const std::vector<std::vector<std::size_t>>& deps,
                                           const std::vector<int>& lines,
                                           const std::vector<std::string>& codes,
                                           const std::string& column, Problems& problems) {
  const std::size_t n = deps.size();
  std::vector<int> state(n, 0);  // 0 new, 1 on the current path, 2 done
  std::vector<std::size_t> order;
  order.reserve(n);
  for (std::size_t start = 0; start < n; ++start) {
    if (state[start] != 0) continue;
    // Iterative depth-first search: (row, next dependency to visit).
    std::vector<std::pair<std::size_t, std::size_t>> stack{{start, 0}};
    state[start] = 1;
    while (!stack.empty()) {
      auto& [row, next] = stack.back();
      if (next < deps[row].size()) {
        const std::size_t dep = deps[row][next++];
        if (state[dep] == 0) {
          state[dep] = 1;
          stack.emplace_back(dep, 0);
        } else if (state[dep] == 1) {
          std::string cycle = codes[dep];
          bool on_cycle = false;
          for (const auto& [r, unused] : stack) {
            if (r == dep) on_cycle = true;
            if (on_cycle && r != dep) cycle += " → " + codes[r];
          }
          cycle += " → " + codes[dep];
          problems.Add(lines[row], column, fmt::format("cycle: {}", cycle));
        }
        continue;
      }
      state[row] = 2;
      order.push_back(row);
      stack.pop_back();
    }
  }
  return order;
}

// Finds stored records by their code in O(1); the records must outlive the index.
template <typename T>
class CodeIndex {
 public:
  CodeIndex(const std::vector<T>& items, std::string T::*code) {
    for (const T& item : items) by_code_.emplace(item.*code, &item);
  }
  const T* Find(const std::string& code) const {
    auto it = by_code_.find(code);
    return it != by_code_.end() ? it->second : nullptr;
  }

 private:
  std::unordered_map<std::string, const T*> by_code_;
};

// The task-updates column that holds a ledger field.
std::string_view LedgerColumn(LedgerField field) {
  switch (field) {
    case LedgerField::kOn:
      return "date";
    case LedgerField::kCompletedOn:
      return "completed_on";
    case LedgerField::kNewDeadline:
      return "new_deadline";
    case LedgerField::kNewLeadUnit:
      return "new_lead_unit_code";
    case LedgerField::kReason:
      return "reason";
    case LedgerField::kPeriod:
      return "period";
  }
  return "kind";
}

// Every field of a ledger event, so that re-importing a ledger can skip what is recorded.
std::string EventKey(const TaskEvent& e) {
  auto opt = [](const auto& v) { return v ? fmt::format("{}", *v) : std::string(); };
  auto date = [](const std::optional<Date>& d) { return d ? d->ToString() : std::string(); };
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}",
                     e.task.value, TaskEventKindName(e.kind), e.on.ToString(),
                     opt(e.progress_percent), date(e.completed_on), date(e.new_deadline),
                     e.period ? e.period->ToString() : std::string(), e.actor, e.requested_by,
                     e.reason, e.difficulties, e.proposals, e.evidence);
}

template <typename T>
std::string JoinCodes(const T& codes) {
  std::string out;
  for (const auto& c : codes) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

// ---------------------------------------------------------------------------------------------
// One importer per kind. Each validates every row first; it writes only when nothing is wrong.

class Importer {
 public:
  Importer(Transaction& tx, const Sheet& sheet, const ImportOptions& options,
           ImportSummary& summary)
      : tx_(tx), sheet_(sheet), options_(options), summary_(summary) {}

  Status Run() {
    if (auto st = LoadScope(); !st) return st;
    switch (sheet_.kind()) {
      case DataKind::kUnits:
        return Units();
      case DataKind::kDirectives:
        return Directives();
      case DataKind::kPlans:
        return Plans();
      case DataKind::kTaskGroups:
        return TaskGroups();
      case DataKind::kIndicators:
        return Indicators();
      case DataKind::kTargets:
        return Targets();
      case DataKind::kTasks:
        return Tasks();
      case DataKind::kTaskUpdates:
        return TaskUpdates();
      case DataKind::kDataValues:
        return DataValues();
    }
    return Internal("unknown data kind");
  }

  Problems& problems() { return problems_; }
  // The references outside ImportOptions::scope, apart from the other problems.
  Problems& refused() { return refused_; }
  const std::string& scope_name() const { return scope_name_; }
  // The line of each row by its record's key (ExportRow::key); for task updates, only the rows
  // appended, in file order.
  const std::multimap<std::string, int>& lines() const { return lines_; }

 private:
  void NoteLine(std::string key, int line) { lines_.emplace(std::move(key), line); }

  bool Failed() const { return !problems_.empty() || !refused_.empty(); }

  // The tree as it stands before this sheet is written (earlier sheets included), for the scope.
  Status LoadScope() {
    if (!options_.scope) return {};
    auto tree = LoadOrgTree(tx_);
    if (!tree) return std::unexpected(tree.error());
    scope_tree_ = std::move(*tree);
    const OrgUnit* unit = scope_tree_.Find(*options_.scope);
    scope_name_ = unit ? unit->code : fmt::format("#{}", options_.scope->value);
    return {};
  }
  bool Scoped() const { return options_.scope.has_value(); }
  // A stored unit lies in the scope; every unit does when the import has none.
  bool InScope(OrgUnitId unit) const {
    return !options_.scope || (unit && scope_tree_.InSubtree(unit, *options_.scope));
  }
  bool PlanInScope(const Plan& plan) const {
    return InScope(plan.issuer) || InScope(plan.standing_agency);
  }
  // Refuses a row for reaching `what` ("unit SL", "plan PL") outside the scope.
  void Outside(int line, std::string_view column, std::string_view what) {
    refused_.Add(line, sheet_.ColumnName(column),
                 fmt::format("{} is outside your scope ({})", what, scope_name_));
  }
  // A unit the row names: refused outside the scope unless the stored record holds it (`kept`).
  void CheckUnit(const Cells& c, std::string_view column, OrgUnitId unit, std::string_view code,
                 bool kept) {
    if (!unit || kept || InScope(unit)) return;
    Outside(c.line(), column, fmt::format("unit {}", code));
  }

  // Records a duplicate key within the file; true when `key` was seen before.
  bool Duplicate(std::map<std::string, int>& seen, const std::string& key, Cells& cells,
                 std::string_view column, std::string_view what) {
    if (key.empty()) return false;
    auto [it, inserted] = seen.emplace(key, cells.line());
    if (!inserted) {
      cells.Problem(column, fmt::format("{} already appears on line {}", what, it->second));
    }
    return !inserted;
  }

  // One more row written (or found unchanged).
  void Advance() {
    ++written_;
    if (options_.progress && written_ % kProgressEvery == 0) {
      options_.progress("writing", written_, sheet_.rows().size());
    }
  }

  // Writes `record` (whose id is set from `before`) unless it equals `before`, the stored
  // version with the same code; returns the record's id.
  template <typename T, typename Put>
  auto Upsert(T& record, const T* before, Put put) -> Result<decltype(record.id)> {
    using IdT = decltype(record.id);
    record.id = before ? before->id : IdT{};
    const bool changed = !before || !(*before == record);
    IdT id = record.id;
    if (changed) {
      auto written = (tx_.*put)(record);
      if (!written) return std::unexpected(written.error());
      id = *written;
    }
    Count(record.id, changed);
    return id;
  }

  template <typename Id>
  void Count(Id existing_id, bool changed) {
    Advance();
    if (!existing_id) {
      ++summary_.inserted;
    } else if (changed) {
      ++summary_.updated;
    } else {
      ++summary_.unchanged;
    }
  }

  Result<std::map<std::string, OrgUnit>> UnitsByCode() {
    auto units = tx_.OrgUnits();
    if (!units) return std::unexpected(units.error());
    std::map<std::string, OrgUnit> out;
    for (OrgUnit& u : *units) out.emplace(u.code, std::move(u));
    return out;
  }

  // Looks up a unit code that must already exist.
  OrgUnitId UnitRef(const std::map<std::string, OrgUnit>& units, Cells& cells,
                    std::string_view column, const std::string& code) {
    if (code.empty()) return {};
    auto it = units.find(code);
    if (it == units.end()) {
      cells.Problem(column, fmt::format("unknown unit '{}'", code));
      return {};
    }
    return it->second.id;
  }

  Result<const Plan*> PlanRef(const std::vector<Plan>& plans, Cells& cells,
                              const std::string& code) {
    if (code.empty()) return nullptr;
    for (const Plan& p : plans) {
      if (p.code == code) return &p;
    }
    cells.Problem("plan_code", fmt::format("unknown plan '{}'", code));
    return nullptr;
  }

  Status Units();
  Status Directives();
  Status Plans();
  Status TaskGroups();
  Status Indicators();
  Status Targets();
  Status Tasks();
  Status TaskUpdates();
  Status DataValues();

  Transaction& tx_;
  const Sheet& sheet_;
  const ImportOptions& options_;
  ImportSummary& summary_;
  Problems problems_{&sheet_};
  Problems refused_{&sheet_};
  OrgTree scope_tree_;
  std::string scope_name_;
  std::multimap<std::string, int> lines_;  // ExportRow key → line of the file's row
  std::size_t written_ = 0;
};

Status Importer::Units() {
  auto existing = UnitsByCode();
  if (!existing) return std::unexpected(existing.error());
  auto existing_successions = tx_.Successions();
  if (!existing_successions) return std::unexpected(existing_successions.error());

  struct Row {
    int line;
    OrgUnit unit;
    std::string parent_code;
    std::vector<std::string> successor_codes;
  };
  std::vector<Row> rows;
  std::map<std::string, int> seen;
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    Row row{c.line(), {}, {}, {}};
    OrgUnit& u = row.unit;
    u.code = c.Text("code");
    u.name_vi = c.Text("name_vi");
    u.name_en = c.Text("name_en");
    if (auto type = c.Enum("type", ParseOrgUnitType)) u.type = *type;
    row.parent_code = c.Text("parent_code");
    u.leader_name = c.Text("leader_name");
    u.leader_title = c.Text("leader_title");
    u.valid_from = c.OptDate("valid_from");
    u.valid_to = c.OptDate("valid_to");
    row.successor_codes = c.List("successor_codes");
    if (u.valid_from && u.valid_to && *u.valid_to < *u.valid_from) {
      c.Problem("valid_to", fmt::format("{} is before valid_from {}", u.valid_to->ToString(),
                                        u.valid_from->ToString()));
    }
    if (!row.successor_codes.empty() && !u.valid_to) {
      c.Problem("successor_codes", "a unit with successors must have valid_to (its last day)");
    }
    if (row.parent_code == u.code && !u.code.empty()) {
      c.Problem("parent_code", fmt::format("unit '{}' cannot be its own parent", u.code));
    }
    Duplicate(seen, u.code, c, "code", fmt::format("unit '{}'", u.code));
    NoteLine(u.code, c.line());
    rows.push_back(std::move(row));
  }

  // Every unit ever, existing and from the file, under provisional ids for the new ones.
  std::map<std::string, OrgUnit> all = *existing;
  std::int64_t next_id = 1;
  for (const auto& [code, u] : all) next_id = std::max(next_id, u.id.value + 1);
  std::map<std::string, std::size_t> row_of_code;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row& row = rows[i];
    row_of_code.emplace(row.unit.code, i);
    auto it = all.find(row.unit.code);
    row.unit.id = it != all.end() ? it->second.id : OrgUnitId{next_id++};
  }
  for (Row& row : rows) {
    OrgUnit u = row.unit;
    all[u.code] = u;
  }
  std::vector<Succession> successions = *existing_successions;
  std::vector<Succession> new_successions;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row& row = rows[i];
    if (!row.parent_code.empty()) {
      auto parent = all.find(row.parent_code);
      if (parent == all.end()) {
        problems_.Add(row.line, sheet_.ColumnName("parent_code"),
                      fmt::format("unknown parent unit '{}'", row.parent_code));
      } else {
        row.unit.parent = parent->second.id;
        all[row.unit.code].parent = parent->second.id;
      }
    } else {
      all[row.unit.code].parent = {};
    }
    for (const std::string& code : row.successor_codes) {
      auto successor = all.find(code);
      if (successor == all.end()) {
        problems_.Add(row.line, sheet_.ColumnName("successor_codes"),
                      fmt::format("unknown successor unit '{}'", code));
        continue;
      }
      if (!row.unit.valid_to) continue;
      Succession s{row.unit.id, successor->second.id, row.unit.valid_to->AddDays(1)};
      // The same pair with another date is the same restructure, re-dated.
      auto same_pair = std::ranges::find_if(successions, [&](const Succession& e) {
        return e.predecessor == s.predecessor && e.successor == s.successor;
      });
      if (same_pair == successions.end()) {
        successions.push_back(s);
        new_successions.push_back(s);
      } else if (!(*same_pair == s)) {
        *same_pair = s;
        new_successions.push_back(s);
      }
    }
  }
  if (Scoped()) {
    const OrgUnit* scope_unit = scope_tree_.Find(*options_.scope);
    // Whether the unit `code` lies in the scope once the file is written: a unit of the file by
    // the parent its row gives, any other by the stored tree.
    auto in_scope_after = [&](std::string code) {
      std::set<std::string> visited;
      while (visited.insert(code).second) {
        if (scope_unit && code == scope_unit->code) return true;
        auto row = row_of_code.find(code);
        if (row == row_of_code.end()) {
          auto stored = existing->find(code);
          return stored != existing->end() && InScope(stored->second.id);
        }
        code = rows[row->second].parent_code;
        if (code.empty()) return false;
      }
      return false;  // a cycle, reported below
    };
    for (const Row& row : rows) {
      const std::string& code = row.unit.code;
      auto stored = existing->find(code);
      if (stored != existing->end() && !InScope(stored->second.id)) {
        Outside(row.line, "code", fmt::format("unit {}", code));
        continue;
      }
      if (stored != existing->end() && stored->second.id == *options_.scope) {
        const OrgUnit* parent = scope_tree_.Find(stored->second.parent);
        if (row.parent_code != (parent ? parent->code : std::string())) {
          refused_.Add(row.line, sheet_.ColumnName("parent_code"),
                       fmt::format("unit {} is your scope ({}); its parent can not change here",
                                   code, scope_name_));
        }
      } else if (row.parent_code.empty()) {
        refused_.Add(row.line, sheet_.ColumnName("parent_code"),
                     fmt::format("unit {} would be a root unit, outside your scope ({})", code,
                                 scope_name_));
      } else if (all.contains(row.parent_code) && !in_scope_after(row.parent_code)) {
        Outside(row.line, "parent_code", fmt::format("unit {}", row.parent_code));
      }
      for (const std::string& successor : row.successor_codes) {
        auto next = all.find(successor);
        if (next == all.end() || in_scope_after(successor)) continue;
        const bool kept = std::ranges::any_of(*existing_successions, [&](const Succession& e) {
          return e.predecessor == row.unit.id && e.successor == next->second.id;
        });
        if (!kept) Outside(row.line, "successor_codes", fmt::format("unit {}", successor));
      }
    }
  }
  // Cycles among the file's own rows are found here, so they are reported with every other
  // problem; a cycle through stored units is found by the tree below.
  {
    std::vector<std::vector<std::size_t>> deps(rows.size());
    std::vector<int> lines;
    std::vector<std::string> codes;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      lines.push_back(rows[i].line);
      codes.push_back(rows[i].unit.code);
      auto parent = row_of_code.find(rows[i].parent_code);
      if (parent != row_of_code.end() && parent->second != i) deps[i].push_back(parent->second);
    }
    DependenciesFirst(deps, lines, codes, sheet_.ColumnName("parent_code"), problems_);
  }
  if (Failed()) return {};

  std::vector<OrgUnit> units;
  units.reserve(all.size());
  for (const auto& [code, u] : all) units.push_back(u);
  auto tree = OrgTree::Build(units, successions);
  if (!tree) {
    for (const ErrorDetail& d : tree.error().details) {
      auto row = row_of_code.find(d.field);
      problems_.Add(row != row_of_code.end() ? rows[row->second].line : 0,
                    sheet_.ColumnName("parent_code"), d.message);
    }
    if (tree.error().details.empty()) problems_.Add(0, "", tree.error().message);
    return {};
  }

  // Parents before children, so every parent id is real when a child is written.
  std::unordered_map<OrgUnitId, OrgUnitId> real_id;
  for (const auto& [code, u] : *existing) real_id[u.id] = u.id;
  for (const OrgUnit& node : tree->units()) {
    auto row_it = row_of_code.find(node.code);
    if (row_it == row_of_code.end()) continue;
    OrgUnit u = rows[row_it->second].unit;
    if (u.parent) u.parent = real_id.at(u.parent);
    auto before = existing->find(u.code);
    const OrgUnitId existing_id = before != existing->end() ? before->second.id : OrgUnitId{};
    const OrgUnitId provisional = u.id;
    u.id = existing_id;
    const bool changed = !existing_id || !(before->second == u);
    if (changed) {
      auto id = tx_.PutOrgUnit(u);
      if (!id) return std::unexpected(id.error());
      real_id[provisional] = *id;
    } else {
      real_id[provisional] = existing_id;
    }
    Count(existing_id, changed);
  }
  for (Succession s : new_successions) {
    s.predecessor = real_id.at(s.predecessor);
    s.successor = real_id.at(s.successor);
    if (auto st = tx_.PutSuccession(s); !st) return st;
  }
  return {};
}

Status Importer::Directives() {
  static constexpr std::string_view kKinds[] = {"resolution", "plan",      "decision",
                                                "dispatch",   "directive", "regulation"};
  auto existing = tx_.Directives();
  if (!existing) return std::unexpected(existing.error());
  std::vector<Directive> rows;
  std::vector<int> lines;
  std::map<std::string, int> seen;
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    lines.push_back(c.line());
    Directive d;
    d.number = c.Text("number");
    d.kind = c.Text("kind");
    if (!d.kind.empty() &&
        std::find(std::begin(kKinds), std::end(kKinds), d.kind) == std::end(kKinds)) {
      c.Problem("kind", fmt::format("unknown kind '{}' (accepted: {})", d.kind, JoinCodes(kKinds)));
    }
    d.issuer = c.Text("issuer");
    d.issued_on = c.OptDate("issued_on");
    d.title_vi = c.Text("title_vi");
    d.title_en = c.Text("title_en");
    d.url = c.Text("url");
    Duplicate(seen, d.number, c, "number", fmt::format("directive '{}'", d.number));
    NoteLine(d.number, c.line());
    rows.push_back(std::move(d));
  }
  const CodeIndex<Directive> stored(*existing, &Directive::number);
  if (Scoped()) {
    // A directive that a plan of another subtree cites is that subtree's too: left as it is.
    auto plans = tx_.Plans();
    if (!plans) return std::unexpected(plans.error());
    std::set<DirectiveId> cited_outside;
    for (const Plan& p : *plans) {
      if (!PlanInScope(p)) cited_outside.insert(p.directives.begin(), p.directives.end());
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Directive* before = stored.Find(rows[i].number);
      if (!before || !cited_outside.contains(before->id)) continue;
      Directive after = rows[i];
      after.id = before->id;
      if (!(after == *before)) {
        refused_.Add(lines[i], sheet_.ColumnName("number"),
                     fmt::format("directive {} is cited by a plan outside your scope ({})",
                                 before->number, scope_name_));
      }
    }
  }
  if (Failed()) return {};
  for (Directive& d : rows) {
    if (auto id = Upsert(d, stored.Find(d.number), &Transaction::PutDirective); !id) {
      return std::unexpected(id.error());
    }
  }
  return {};
}

Status Importer::Plans() {
  auto units = UnitsByCode();
  if (!units) return std::unexpected(units.error());
  auto directives = tx_.Directives();
  if (!directives) return std::unexpected(directives.error());
  auto existing = tx_.Plans();
  if (!existing) return std::unexpected(existing.error());

  const CodeIndex<Directive> directive_by_number(*directives, &Directive::number);
  const CodeIndex<Plan> stored(*existing, &Plan::code);
  std::vector<Plan> rows;
  std::vector<std::string> parent_codes;
  std::vector<int> lines;
  std::vector<std::string> codes;
  std::map<std::string, int> seen;
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    Plan p;
    p.code = c.Text("code");
    p.title_vi = c.Text("title_vi");
    p.title_en = c.Text("title_en");
    p.issuer = UnitRef(*units, c, "issuer_code", c.Text("issuer_code"));
    for (const std::string& number : c.List("directive_numbers")) {
      const Directive* d = directive_by_number.Find(number);
      if (!d) {
        c.Problem("directive_numbers", fmt::format("unknown directive '{}'", number));
      } else {
        p.directives.push_back(d->id);
      }
    }
    p.start = c.OptDate("start");
    p.end = c.OptDate("end");
    if (p.start && p.end && *p.end < *p.start) {
      c.Problem("end",
                fmt::format("{} is before the start {}", p.end->ToString(), p.start->ToString()));
    }
    p.stages = c.List("stages");
    p.standing_agency = UnitRef(*units, c, "standing_agency_code", c.Text("standing_agency_code"));
    if (Scoped()) {
      const Plan* before = stored.Find(p.code);
      if (before && !PlanInScope(*before)) {
        Outside(c.line(), "code", fmt::format("plan {}", p.code));
      } else {
        CheckUnit(c, "issuer_code", p.issuer, c.Raw("issuer_code"),
                  before && before->issuer == p.issuer);
        CheckUnit(c, "standing_agency_code", p.standing_agency, c.Raw("standing_agency_code"),
                  before && before->standing_agency == p.standing_agency);
      }
    }
    const std::string parent = c.Text("parent_code");
    if (parent == p.code && !parent.empty()) {
      c.Problem("parent_code", fmt::format("plan '{}' cannot implement itself", p.code));
    }
    Duplicate(seen, p.code, c, "code", fmt::format("plan '{}'", p.code));
    NoteLine(p.code, c.line());
    rows.push_back(std::move(p));
    parent_codes.push_back(parent);
    lines.push_back(c.line());
    codes.push_back(rows.back().code);
  }
  // Parents may be in the file or already stored.
  std::map<std::string, std::size_t> row_of_code;
  for (std::size_t i = 0; i < rows.size(); ++i) row_of_code.emplace(rows[i].code, i);
  std::vector<std::vector<std::size_t>> deps(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (parent_codes[i].empty() || parent_codes[i] == rows[i].code) continue;
    if (auto r = row_of_code.find(parent_codes[i]); r != row_of_code.end()) {
      deps[i].push_back(r->second);
    } else if (!stored.Find(parent_codes[i])) {
      problems_.Add(lines[i], sheet_.ColumnName("parent_code"),
                    fmt::format("unknown plan '{}'", parent_codes[i]));
    }
  }
  const auto order =
      DependenciesFirst(deps, lines, codes, sheet_.ColumnName("parent_code"), problems_);
  if (Failed()) return {};

  std::map<std::string, PlanId> id_of_code;
  for (const Plan& e : *existing) id_of_code[e.code] = e.id;
  for (std::size_t i : order) {
    Plan& p = rows[i];
    if (!parent_codes[i].empty()) p.parent = id_of_code.at(parent_codes[i]);
    auto id = Upsert(p, stored.Find(p.code), &Transaction::PutPlan);
    if (!id) return std::unexpected(id.error());
    id_of_code[p.code] = *id;
  }
  return {};
}

Status Importer::TaskGroups() {
  auto plans = tx_.Plans();
  if (!plans) return std::unexpected(plans.error());
  struct Row {
    TaskGroup group;
    std::string parent_code;
    int line;
  };
  std::vector<Row> rows;
  std::map<std::string, int> seen;
  std::map<PlanId, std::vector<TaskGroup>> existing;
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    Row row{{}, {}, c.line()};
    TaskGroup& g = row.group;
    auto plan = PlanRef(*plans, c, c.Text("plan_code"));
    if (!plan) return std::unexpected(plan.error());
    if (*plan && Scoped() && !PlanInScope(**plan)) {
      Outside(c.line(), "plan_code", fmt::format("plan {}", (*plan)->code));
    }
    if (*plan) {
      g.plan = (*plan)->id;
      if (!existing.contains(g.plan)) {
        auto groups = tx_.TaskGroups(g.plan);
        if (!groups) return std::unexpected(groups.error());
        existing[g.plan] = std::move(*groups);
      }
    }
    g.code = c.Text("code");
    g.title_vi = c.Text("title_vi");
    g.title_en = c.Text("title_en");
    if (auto order = c.OptInteger("order", 0, 1'000'000)) g.order = static_cast<int>(*order);
    row.parent_code = c.Text("parent_code");
    Duplicate(seen, c.Text("plan_code") + "\x1f" + g.code, c, "code",
              fmt::format("task group '{}'", g.code));
    NoteLine(fmt::format("{}/{}", c.Raw("plan_code"), g.code), c.line());
    rows.push_back(std::move(row));
  }
  std::map<std::pair<PlanId, std::string>, std::size_t> row_of;
  for (std::size_t i = 0; i < rows.size(); ++i)
    row_of.emplace(std::pair{rows[i].group.plan, rows[i].group.code}, i);
  std::vector<std::vector<std::size_t>> deps(rows.size());
  std::vector<int> lines;
  std::vector<std::string> codes;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    lines.push_back(rows[i].line);
    codes.push_back(rows[i].group.code);
    const std::string& parent = rows[i].parent_code;
    if (parent.empty() || !rows[i].group.plan) continue;
    if (parent == rows[i].group.code) {
      problems_.Add(rows[i].line, sheet_.ColumnName("parent_code"),
                    fmt::format("group '{}' cannot be its own parent", parent));
    } else if (auto r = row_of.find({rows[i].group.plan, parent}); r != row_of.end()) {
      deps[i].push_back(r->second);
    } else if (std::ranges::none_of(existing[rows[i].group.plan],
                                    [&](const TaskGroup& e) { return e.code == parent; })) {
      problems_.Add(rows[i].line, sheet_.ColumnName("parent_code"),
                    fmt::format("unknown task group '{}' in this plan", parent));
    }
  }
  const auto order =
      DependenciesFirst(deps, lines, codes, sheet_.ColumnName("parent_code"), problems_);
  if (Failed()) return {};
  std::map<std::pair<PlanId, std::string>, TaskGroupId> id_of;
  for (const auto& [plan, groups] : existing) {
    for (const TaskGroup& g : groups) id_of[{plan, g.code}] = g.id;
  }
  for (std::size_t i : order) {
    TaskGroup& g = rows[i].group;
    if (!rows[i].parent_code.empty()) g.parent = id_of.at({g.plan, rows[i].parent_code});
    const auto& stored = existing[g.plan];
    auto before =
        std::ranges::find_if(stored, [&](const TaskGroup& e) { return e.code == g.code; });
    auto id = Upsert(g, before != stored.end() ? &*before : nullptr, &Transaction::PutTaskGroup);
    if (!id) return std::unexpected(id.error());
    id_of[{g.plan, g.code}] = *id;
  }
  return {};
}

Status Importer::Indicators() {
  auto units = UnitsByCode();
  if (!units) return std::unexpected(units.error());
  auto existing = tx_.Indicators();
  if (!existing) return std::unexpected(existing.error());
  const CodeIndex<Indicator> stored(*existing, &Indicator::code);
  struct Row {
    Indicator indicator;
    std::string numerator_code, denominator_code;
    int line;
  };
  std::vector<Row> rows;
  std::map<std::string, int> seen;
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    Row row{{}, {}, {}, c.line()};
    Indicator& ind = row.indicator;
    ind.code = c.Text("code");
    ind.name_vi = c.Text("name_vi");
    ind.name_en = c.Text("name_en");
    ind.unit_of_measure = c.Text("unit_of_measure");
    if (auto v = c.Enum("class", ParseIndicatorClass)) ind.indicator_class = *v;
    if (auto v = c.Enum("value_type", ParseValueType)) ind.value_type = *v;
    if (auto v = c.Enum("unit_aggregation", ParseUnitAggregation)) ind.unit_aggregation = *v;
    row.numerator_code = c.Text("numerator_code");
    row.denominator_code = c.Text("denominator_code");
    if (auto v = c.OptNumber("factor")) {
      if (*v <= 0) c.Problem("factor", "the factor must be greater than 0");
      ind.factor = *v;
    }
    if (auto v = c.Enum("time_aggregation", ParseTimeAggregation)) ind.time_aggregation = *v;
    if (auto v = c.Enum("direction", ParseDirection)) ind.direction = *v;
    if (auto v = c.Enum("period_type", ParsePeriodType)) ind.period_type = *v;
    ind.baseline_value = c.OptNumber("baseline_value");
    ind.baseline_date = c.OptDate("baseline_date");
    ind.min_value = c.OptNumber("min_value");
    ind.max_value = c.OptNumber("max_value");
    if (ind.min_value && ind.max_value && *ind.max_value < *ind.min_value) {
      c.Problem("max_value",
                fmt::format("{} is below min_value {}", *ind.max_value, *ind.min_value));
    }
    if (auto v = c.OptNumber("at_risk_threshold")) {
      if (*v <= 0 || *v > 1) c.Problem("at_risk_threshold", "the threshold must be in (0, 1]");
      ind.at_risk_threshold = *v;
    }
    ind.data_source = c.Text("data_source");
    ind.responsible_unit =
        UnitRef(*units, c, "responsible_unit_code", c.Text("responsible_unit_code"));
    if (Scoped()) {
      const Indicator* before = stored.Find(ind.code);
      if (before && before->responsible_unit && !InScope(before->responsible_unit)) {
        Outside(c.line(), "code", fmt::format("indicator {}", ind.code));
      } else {
        CheckUnit(c, "responsible_unit_code", ind.responsible_unit, c.Raw("responsible_unit_code"),
                  false);
      }
    }
    const bool ratio = ind.unit_aggregation == UnitAggregation::kRatio;
    if (ratio && (row.numerator_code.empty() || row.denominator_code.empty())) {
      c.Problem(row.numerator_code.empty() ? "numerator_code" : "denominator_code",
                "a ratio indicator needs a numerator and a denominator indicator");
    }
    if (!ratio && (!row.numerator_code.empty() || !row.denominator_code.empty())) {
      c.Problem("unit_aggregation", "only a ratio indicator has a numerator and a denominator");
    }
    if (ratio && !row.numerator_code.empty() && row.numerator_code == row.denominator_code) {
      c.Problem("denominator_code", "the numerator and the denominator must differ");
    }
    Duplicate(seen, ind.code, c, "code", fmt::format("indicator '{}'", ind.code));
    NoteLine(ind.code, c.line());
    rows.push_back(std::move(row));
  }
  std::map<std::string, std::size_t> row_of_code;
  for (std::size_t i = 0; i < rows.size(); ++i) row_of_code.emplace(rows[i].indicator.code, i);
  std::vector<std::vector<std::size_t>> deps(rows.size());
  std::vector<int> lines;
  std::vector<std::string> codes;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    lines.push_back(rows[i].line);
    codes.push_back(rows[i].indicator.code);
    for (auto [column, code] :
         {std::pair<std::string_view, std::string*>{"numerator_code", &rows[i].numerator_code},
          {"denominator_code", &rows[i].denominator_code}}) {
      if (code->empty() || *code == rows[i].indicator.code) {
        if (!code->empty()) {
          problems_.Add(rows[i].line, sheet_.ColumnName(column),
                        "an indicator cannot be its own input");
        }
        continue;
      }
      if (auto r = row_of_code.find(*code); r != row_of_code.end()) {
        deps[i].push_back(r->second);
      } else if (!stored.Find(*code)) {
        problems_.Add(rows[i].line, sheet_.ColumnName(column),
                      fmt::format("unknown indicator '{}'", *code));
      }
    }
  }
  const auto order =
      DependenciesFirst(deps, lines, codes, sheet_.ColumnName("numerator_code"), problems_);
  if (Failed()) return {};
  std::map<std::string, IndicatorId> id_of;
  for (const Indicator& e : *existing) id_of[e.code] = e.id;
  for (std::size_t i : order) {
    Indicator& ind = rows[i].indicator;
    if (!rows[i].numerator_code.empty()) ind.numerator = id_of.at(rows[i].numerator_code);
    if (!rows[i].denominator_code.empty()) ind.denominator = id_of.at(rows[i].denominator_code);
    auto id = Upsert(ind, stored.Find(ind.code), &Transaction::PutIndicator);
    if (!id) return std::unexpected(id.error());
    id_of[ind.code] = *id;
  }
  return {};
}

Status Importer::Targets() {
  auto units = UnitsByCode();
  if (!units) return std::unexpected(units.error());
  auto indicators = tx_.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  auto existing = tx_.Targets();
  if (!existing) return std::unexpected(existing.error());
  const CodeIndex<Indicator> indicator_by_code(*indicators, &Indicator::code);
  std::map<std::tuple<IndicatorId, OrgUnitId, Date>, double> stored;
  for (const Target& t : *existing)
    stored.emplace(std::tuple{t.indicator, t.unit, t.date}, t.value);
  std::vector<Target> rows;
  std::map<std::string, int> seen;
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    Target t;
    const std::string code = c.Text("indicator_code");
    if (const Indicator* ind = indicator_by_code.Find(code)) {
      t.indicator = ind->id;
    } else if (!code.empty()) {
      c.Problem("indicator_code", fmt::format("unknown indicator '{}'", code));
    }
    const std::string unit_code = c.Text("unit_code");
    t.unit = UnitRef(*units, c, "unit_code", unit_code);
    CheckUnit(c, "unit_code", t.unit, unit_code, false);
    if (Scoped() && unit_code.empty() && t.indicator) {
      // A target for every unit goes with the indicator's responsible unit.
      const Indicator* ind = indicator_by_code.Find(code);
      if (!ind->responsible_unit || !InScope(ind->responsible_unit)) {
        Outside(c.line(), "unit_code",
                fmt::format("a target for every unit of indicator {}", code));
      }
    }
    if (auto d = c.OptDate("date")) t.date = *d;
    if (auto v = c.OptNumber("value")) t.value = *v;
    Duplicate(seen, fmt::format("{}\x1f{}\x1f{}", code, unit_code, t.date.ToString()), c, "date",
              fmt::format("a target of '{}' for this unit and date", code));
    NoteLine(fmt::format("{}/{}/{}", code, unit_code, t.date.ToString()), c.line());
    rows.push_back(t);
  }
  if (Failed()) return {};
  for (const Target& t : rows) {
    auto before = stored.find(std::tuple{t.indicator, t.unit, t.date});
    const bool is_new = before == stored.end();
    const bool changed = is_new || before->second != t.value;
    if (changed) {
      if (auto st = tx_.PutTarget(t); !st) return st;
    }
    Count(is_new ? IndicatorId{} : t.indicator, changed);
  }
  return {};
}

Status Importer::Tasks() {
  auto units = UnitsByCode();
  if (!units) return std::unexpected(units.error());
  auto plans = tx_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto indicators = tx_.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  const CodeIndex<Indicator> indicator_by_code(*indicators, &Indicator::code);
  struct PlanData {
    std::vector<TaskGroup> groups;
    std::vector<Task> tasks;
    std::unique_ptr<CodeIndex<Task>> task_by_code;
  };
  std::map<PlanId, PlanData> stored;
  struct Row {
    Task task;
    std::string parent_code;
    int line;
  };
  std::vector<Row> rows;
  std::map<std::string, int> seen;
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    Row row{{}, {}, c.line()};
    Task& t = row.task;
    const std::string plan_code = c.Text("plan_code");
    auto plan = PlanRef(*plans, c, plan_code);
    if (!plan) return std::unexpected(plan.error());
    const bool plan_outside = *plan && Scoped() && !PlanInScope(**plan);
    if (plan_outside) Outside(c.line(), "plan_code", fmt::format("plan {}", plan_code));
    if (*plan) {
      t.plan = (*plan)->id;
      if (!stored.contains(t.plan)) {
        auto groups = tx_.TaskGroups(t.plan);
        if (!groups) return std::unexpected(groups.error());
        auto tasks = tx_.Tasks(t.plan);
        if (!tasks) return std::unexpected(tasks.error());
        PlanData& data = stored[t.plan];
        data.groups = std::move(*groups);
        data.tasks = std::move(*tasks);
        data.task_by_code = std::make_unique<CodeIndex<Task>>(data.tasks, &Task::code);
      }
    }
    t.code = c.Text("code");
    const std::string group_code = c.Text("group_code");
    if (!group_code.empty() && t.plan) {
      const auto& groups = stored[t.plan].groups;
      auto g =
          std::ranges::find_if(groups, [&](const TaskGroup& x) { return x.code == group_code; });
      if (g == groups.end()) {
        c.Problem("group_code",
                  fmt::format("unknown task group '{}' in plan '{}'", group_code, plan_code));
      } else {
        t.group = g->id;
      }
    }
    t.title_vi = c.Text("title_vi");
    t.title_en = c.Text("title_en");
    t.description = c.Text("description");
    row.parent_code = c.Text("parent_code");
    if (row.parent_code == t.code && !t.code.empty()) {
      c.Problem("parent_code", fmt::format("task '{}' cannot be its own parent", t.code));
    }
    t.lead_unit = UnitRef(*units, c, "lead_unit_code", c.Text("lead_unit_code"));
    for (const std::string& code : c.List("coordinating_unit_codes")) {
      if (OrgUnitId id = UnitRef(*units, c, "coordinating_unit_codes", code)) {
        t.coordinating_units.push_back(id);
      }
    }
    if (auto kind = c.Enum("kind", ParseTaskKind)) t.kind = *kind;
    if (auto d = c.OptDate("assigned_on")) t.assigned_on = *d;
    t.start = c.OptDate("start");
    t.deadline = c.OptDate("deadline");
    if (auto cadence = c.Enum("cadence", ParsePeriodType)) t.cadence = *cadence;
    if (t.kind == TaskKind::kDeadline && !t.deadline && c.Raw("deadline").empty()) {
      c.Problem("deadline", "a deadline task needs a deadline");
    }
    if (t.kind == TaskKind::kRecurring && !t.cadence && c.Raw("cadence").empty()) {
      c.Problem("cadence",
                "a recurring task needs a cadence (monthly, quarterly, half_yearly, yearly)");
    }
    if (t.deadline && t.start && *t.deadline < *t.start) {
      c.Problem("deadline", fmt::format("{} is before the start {}", t.deadline->ToString(),
                                        t.start->ToString()));
    }
    // Neither the deadline nor the lead unit changes silently: once assigned, they move only by
    // an amendment, which records who asked, who approved, when and why (plan changes are a
    // ledger).
    if (t.plan && !t.code.empty()) {
      const Task* before = stored[t.plan].task_by_code->Find(t.code);
      // A deadline that is not a date is reported once, as not a date.
      if (before && t.deadline && before->deadline != t.deadline) {
        c.Problem("deadline",
                  fmt::format("task '{}' was assigned the deadline {}; a deadline changes only "
                              "by an amendment (a task update of kind amend, with new_deadline "
                              "and reason)",
                              t.code, before->deadline ? before->deadline->ToString() : "none"));
      }
      if (before && t.lead_unit && before->lead_unit != t.lead_unit) {
        c.Problem("lead_unit_code",
                  fmt::format("task '{}' was assigned to another lead unit; the lead unit changes "
                              "only by an amendment (a task update of kind amend, with "
                              "new_lead_unit_code and reason)",
                              t.code));
      }
    }
    t.expected_output = c.Text("expected_output");
    if (auto p = c.OptInteger("priority", 0, 100)) t.priority = static_cast<int>(*p);
    for (const std::string& code : c.List("indicator_codes")) {
      if (const Indicator* ind = indicator_by_code.Find(code)) {
        t.indicators.push_back(ind->id);
      } else {
        c.Problem("indicator_codes", fmt::format("unknown indicator '{}'", code));
      }
    }
    t.classified = c.Bool("classified", false);
    if (Scoped() && !plan_outside) {
      const Task* before = t.plan ? stored[t.plan].task_by_code->Find(t.code) : nullptr;
      if (before && !InScope(before->lead_unit)) {
        Outside(c.line(), "code", fmt::format("task {}/{}", plan_code, t.code));
      } else {
        CheckUnit(c, "lead_unit_code", t.lead_unit, c.Raw("lead_unit_code"),
                  before && before->lead_unit == t.lead_unit);
        for (const std::string& code : c.List("coordinating_unit_codes")) {
          auto unit = units->find(code);
          if (unit == units->end()) continue;
          CheckUnit(c, "coordinating_unit_codes", unit->second.id, code,
                    before && std::ranges::find(before->coordinating_units, unit->second.id) !=
                                  before->coordinating_units.end());
        }
      }
    }
    Duplicate(seen, plan_code + "\x1f" + t.code, c, "code", fmt::format("task '{}'", t.code));
    NoteLine(fmt::format("{}/{}", plan_code, t.code), c.line());
    rows.push_back(std::move(row));
  }
  std::map<std::pair<PlanId, std::string>, std::size_t> row_of;
  for (std::size_t i = 0; i < rows.size(); ++i)
    row_of.emplace(std::pair{rows[i].task.plan, rows[i].task.code}, i);
  std::vector<std::vector<std::size_t>> deps(rows.size());
  std::vector<int> lines;
  std::vector<std::string> codes;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    lines.push_back(rows[i].line);
    codes.push_back(rows[i].task.code);
    const std::string& parent = rows[i].parent_code;
    if (parent.empty() || parent == rows[i].task.code || !rows[i].task.plan) continue;
    if (auto r = row_of.find({rows[i].task.plan, parent}); r != row_of.end()) {
      deps[i].push_back(r->second);
    } else if (!stored[rows[i].task.plan].task_by_code->Find(parent)) {
      problems_.Add(rows[i].line, sheet_.ColumnName("parent_code"),
                    fmt::format("unknown task '{}' in this plan", parent));
    }
  }
  const auto order =
      DependenciesFirst(deps, lines, codes, sheet_.ColumnName("parent_code"), problems_);
  if (Failed()) return {};
  std::map<std::pair<PlanId, std::string>, TaskId> id_of;
  for (const auto& [plan, data] : stored) {
    for (const Task& t : data.tasks) id_of[{plan, t.code}] = t.id;
  }
  for (std::size_t i : order) {
    Task& t = rows[i].task;
    if (!rows[i].parent_code.empty()) t.parent = id_of.at({t.plan, rows[i].parent_code});
    auto id = Upsert(t, stored[t.plan].task_by_code->Find(t.code), &Transaction::PutTask);
    if (!id) return std::unexpected(id.error());
    id_of[{t.plan, t.code}] = *id;
  }
  return {};
}

Status Importer::TaskUpdates() {
  auto plans = tx_.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto units = UnitsByCode();
  if (!units) return std::unexpected(units.error());
  struct PlanData {
    std::map<std::string, Task> tasks;
  };
  std::unordered_set<std::string> recorded;  // EventKey of every stored event of the plans read
  std::map<PlanId, PlanData> stored;
  std::vector<TaskEvent> rows;
  std::vector<std::pair<std::string, int>> row_keys;  // "plan/task" and line of each row
  std::set<TaskId> claimed;  // tasks with a claim in the ledger or earlier in the file
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    TaskEvent e;
    const std::string plan_code = c.Text("plan_code");
    auto plan = PlanRef(*plans, c, plan_code);
    if (!plan) return std::unexpected(plan.error());
    const Task* task = nullptr;
    if (*plan) {
      const PlanId plan_id = (*plan)->id;
      if (!stored.contains(plan_id)) {
        auto tasks = tx_.Tasks(plan_id);
        if (!tasks) return std::unexpected(tasks.error());
        auto events = tx_.TaskEvents(plan_id);
        if (!events) return std::unexpected(events.error());
        PlanData data;
        for (Task& t : *tasks) data.tasks.emplace(t.code, std::move(t));
        for (const TaskEvent& ev : *events) {
          if (ev.kind == TaskEventKind::kClaim) claimed.insert(ev.task);
          recorded.insert(EventKey(ev));
        }
        stored.emplace(plan_id, std::move(data));
      }
      const std::string task_code = c.Text("task_code");
      auto& tasks = stored[plan_id].tasks;
      if (auto it = tasks.find(task_code); it != tasks.end()) {
        task = &it->second;
        e.task = task->id;
      } else if (!task_code.empty()) {
        c.Problem("task_code", fmt::format("unknown task '{}' in plan '{}'", task_code, plan_code));
      }
      if (Scoped() && !PlanInScope(**plan)) {
        Outside(c.line(), "plan_code", fmt::format("plan {}", plan_code));
      } else if (Scoped() && task && !InScope(task->lead_unit)) {
        Outside(c.line(), "task_code", fmt::format("task {}/{}", plan_code, task_code));
      }
    }
    auto kind = c.Enum("kind", ParseTaskEventKind);
    if (kind) e.kind = *kind;
    if (auto d = c.OptDate("date")) e.on = *d;
    if (auto p = c.OptInteger("progress_percent", 0, 100))
      e.progress_percent = static_cast<int>(*p);
    e.completed_on = c.OptDate("completed_on");
    e.new_deadline = c.OptDate("new_deadline");
    e.new_lead_unit = UnitRef(*units, c, "new_lead_unit_code", c.Text("new_lead_unit_code"));
    e.period = c.OptPeriod("period");
    e.actor = c.Text("actor");
    e.requested_by = c.Text("requested_by");
    e.reason = c.Text("reason");
    e.difficulties = c.Text("difficulties");
    e.proposals = c.Text("proposals");
    e.evidence = c.Text("evidence");
    // An event already recorded is skipped, so it may keep the lead unit it names.
    CheckUnit(c, "new_lead_unit_code", e.new_lead_unit, c.Raw("new_lead_unit_code"),
              recorded.contains(EventKey(e)));
    // The ledger rules are shared with the API's task actions (ledger_rules.h).
    auto report = [&c](const std::vector<LedgerProblem>& problems) {
      for (const LedgerProblem& problem : problems) {
        c.Problem(LedgerColumn(problem.field), problem.message);
      }
    };
    if (kind) {
      if ((*kind == TaskEventKind::kVerify || *kind == TaskEventKind::kReturn) && task &&
          !claimed.contains(task->id)) {
        c.Problem("kind", fmt::format("task '{}' has no claimed completion to {}", task->code,
                                      TaskEventKindName(*kind)));
      }
      if (*kind == TaskEventKind::kClaim && task) claimed.insert(task->id);
      report(CheckEventFields(
          task, e,
          LedgerFieldsGiven{!c.Raw("completed_on").empty(), !c.Raw("new_deadline").empty(),
                            !c.Raw("new_lead_unit_code").empty()}));
    }
    if (task) report(CheckEventAgainstTask(*task, e));
    rows.push_back(std::move(e));
    row_keys.emplace_back(fmt::format("{}/{}", plan_code, c.Raw("task_code")), c.line());
  }
  if (Failed()) return {};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TaskEvent& e = rows[i];
    // Re-importing the same ledger must not record the same event twice.
    Advance();
    if (!recorded.insert(EventKey(e)).second) {
      ++summary_.unchanged;
      continue;
    }
    if (auto st = tx_.AppendTaskEvent(e); !st) return st;
    NoteLine(row_keys[i].first, row_keys[i].second);
    ++summary_.inserted;
  }
  return {};
}

Status Importer::DataValues() {
  auto units = UnitsByCode();
  if (!units) return std::unexpected(units.error());
  auto indicators = tx_.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  std::map<std::string, const Indicator*> indicator_of;
  for (const Indicator& i : *indicators) indicator_of.emplace(i.code, &i);
  auto existing = tx_.DataValues(DataValueQuery{});
  if (!existing) return std::unexpected(existing.error());
  struct Key {
    IndicatorId indicator;
    OrgUnitId unit;
    std::string period;
    auto operator<=>(const Key&) const = default;
  };
  std::map<Key, const DataValue*> current;
  for (const DataValue& v : *existing)
    current.emplace(Key{v.indicator, v.unit, v.period.ToString()}, &v);

  std::vector<DataValue> rows;
  std::map<Key, int> seen;
  for (const CsvRecord& record : sheet_.rows()) {
    Cells c(sheet_, record, problems_);
    if (c.ragged()) continue;
    DataValue v;
    const std::string code = c.Text("indicator_code");
    const Indicator* indicator = nullptr;
    if (auto it = indicator_of.find(code); it != indicator_of.end()) {
      indicator = it->second;
      v.indicator = indicator->id;
    } else if (!code.empty()) {
      c.Problem("indicator_code", fmt::format("unknown indicator '{}'", code));
    }
    v.unit = UnitRef(*units, c, "unit_code", c.Text("unit_code"));
    CheckUnit(c, "unit_code", v.unit, c.Raw("unit_code"), false);
    auto period = c.OptPeriod("period");
    if (period) {
      v.period = *period;
      if (indicator && period->type() != indicator->period_type) {
        c.Problem("period", fmt::format("'{}' is not a {} period, as indicator '{}' is reported",
                                        period->ToString(), PeriodTypeName(indicator->period_type),
                                        indicator->code));
      }
    }
    auto value = c.OptNumber("value");
    if (value) {
      v.value = *value;
      if (indicator) {
        if (auto valid = ValidateValue(*indicator, *value); !valid) {
          c.Problem("value", valid.error().message);
        }
      }
    }
    v.comment = c.Text("comment");
    if (auto state = c.Enum("state", ParseValueState)) v.state = *state;
    v.stored_by = c.Text("stored_by");
    if (v.stored_by.empty()) v.stored_by = options_.actor;
    if (period) {
      NoteLine(fmt::format("{}/{}/{}", code, c.Raw("unit_code"), period->ToString()), c.line());
    }
    if (indicator && v.unit && period) {
      Key key{v.indicator, v.unit, period->ToString()};
      auto [it, inserted] = seen.emplace(key, c.line());
      if (!inserted) {
        c.Problem("period",
                  fmt::format("a value of '{}' for this unit and period already appears on line {}",
                              code, it->second));
      }
    }
    rows.push_back(std::move(v));
  }
  if (Failed()) return {};
  for (const DataValue& v : rows) {
    auto it = current.find(Key{v.indicator, v.unit, v.period.ToString()});
    const bool is_new = it == current.end();
    const bool changed = is_new || it->second->value != v.value ||
                         it->second->comment != v.comment || it->second->state != v.state;
    if (changed) {
      if (auto st = tx_.PutDataValue(v); !st) return st;
    }
    Count(is_new ? IndicatorId{} : v.indicator, changed);
  }
  return {};
}

// What importing a sheet changed: its kind's rows as exported before and after, compared.
class ChangeLog {
 public:
  // Reads the kind's rows before the sheet is imported.
  Status Before(StoreReader& reader, DataKind kind) {
    auto rows = ExportRows(reader, kind);
    if (!rows) return std::unexpected(rows.error());
    before_ = std::move(*rows);
    return {};
  }

  // Reads them again and appends one change per record inserted or updated, in file order.
  Status After(StoreReader& reader, const Sheet& sheet,
               const std::multimap<std::string, int>& lines, std::vector<ImportChange>& out) {
    auto after = ExportRows(reader, sheet.kind());
    if (!after) return std::unexpected(after.error());
    const auto columns = ColumnsOf(sheet.kind());
    std::vector<ImportChange> changes;
    auto change = [&](const ExportRow* was, const ExportRow& now, int line) {
      ImportChange c;
      c.kind = sheet.kind();
      c.sheet = sheet.name();
      c.line = line;
      c.key = now.key;
      c.action = was ? ImportChange::Action::kUpdate : ImportChange::Action::kInsert;
      for (std::size_t i = 0; i < columns.size() && i < now.fields.size(); ++i) {
        const std::string before = was && i < was->fields.size() ? was->fields[i] : std::string();
        if (before == now.fields[i]) continue;
        c.fields.push_back(FieldChange{sheet.ColumnName(columns[i].name), before, now.fields[i]});
      }
      if (was && c.fields.empty()) return;
      changes.push_back(std::move(c));
    };
    if (sheet.kind() == DataKind::kTaskUpdates) {
      // The ledger only grows: what is new is what was not there before, event for event.
      std::map<std::vector<std::string>, int> had;
      for (const ExportRow& row : before_) ++had[row.fields];
      std::map<std::string, std::vector<int>> pending;
      for (const auto& [key, line] : lines) pending[key].push_back(line);
      std::map<std::string, std::size_t> used;
      for (const ExportRow& row : *after) {
        if (auto it = had.find(row.fields); it != had.end() && it->second > 0) {
          --it->second;
          continue;
        }
        const auto& queue = pending[row.key];
        const std::size_t n = used[row.key]++;
        change(nullptr, row, n < queue.size() ? queue[n] : 0);
      }
    } else {
      std::unordered_map<std::string, const ExportRow*> was;
      for (const ExportRow& row : before_) was.emplace(row.key, &row);
      for (const ExportRow& row : *after) {
        auto it = was.find(row.key);
        const ExportRow* previous = it != was.end() ? it->second : nullptr;
        if (previous && *previous == row) continue;
        auto line = lines.find(row.key);
        change(previous, row, line != lines.end() ? line->second : 0);
      }
    }
    std::ranges::stable_sort(changes, {}, &ImportChange::line);
    for (ImportChange& c : changes) out.push_back(std::move(c));
    before_.clear();
    return {};
  }

 private:
  std::vector<ExportRow> before_;
};

// Imports `sheets` (in load order) in one transaction: all or nothing.
Result<ImportSummary> Run(Store& store, const std::vector<Sheet>& sheets,
                          const ImportOptions& options) {
  ImportSummary summary;
  summary.kind = sheets.front().kind();
  std::size_t total_rows = 0;
  for (const Sheet& sheet : sheets) {
    summary.kinds.push_back(sheet.kind());
    total_rows += sheet.rows().size();
  }
  summary.rows = static_cast<int>(total_rows);
  std::vector<ErrorDetail> layout;
  for (const Sheet& sheet : sheets) {
    layout.insert(layout.end(), sheet.layout_problems().begin(), sheet.layout_problems().end());
  }
  if (!layout.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the workbook has values outside its columns; nothing was imported",
                std::move(layout));
  }

  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  if (options.progress) options.progress("checking", 0, total_rows);
  for (const Sheet& sheet : sheets) {
    ChangeLog log;
    if (auto st = log.Before(**tx, sheet.kind()); !st) return std::unexpected(st.error());
    Importer importer(**tx, sheet, options, summary);
    if (auto st = importer.Run(); !st) return std::unexpected(st.error());

    // A sheet with errors stops the import: later sheets may rely on its rows. Rows outside
    // the scope alone are a permission problem; with other errors, they are listed with them.
    std::vector<ErrorDetail> details = std::move(importer.problems().details);
    const bool only_scope = details.empty();
    for (ErrorDetail& d : importer.refused().details) details.push_back(std::move(d));
    if (!details.empty()) {
      std::ranges::stable_sort(details, {}, &ErrorDetail::line);
      std::set<int> bad_lines;
      for (const ErrorDetail& d : details) bad_lines.insert(d.line);
      const std::string problem =
          only_scope ? fmt::format("reach outside your scope ({})", importer.scope_name())
                     : std::string("have errors");
      const std::string what =
          sheet.xlsx()
              ? fmt::format("{} of {} rows of sheet \"{}\" {}", bad_lines.size(),
                            sheet.rows().size(), sheet.name(), problem)
              : fmt::format("{} of {} rows {}", bad_lines.size(), sheet.rows().size(), problem);
      return Fail(only_scope ? ErrorCode::kPermissionDenied : ErrorCode::kInvalidArgument,
                  what + "; nothing was imported", std::move(details));
    }
    if (auto st = log.After(**tx, sheet, importer.lines(), summary.changes); !st) {
      return std::unexpected(st.error());
    }
  }
  if (options.dry_run) return summary;  // the transaction rolls back as it goes out of scope
  if (auto st = (*tx)->Commit(); !st) return std::unexpected(st.error());
  return summary;
}

}  // namespace

std::string_view ImportActionName(ImportChange::Action action) {
  return action == ImportChange::Action::kInsert ? "insert" : "update";
}

Result<ImportSummary> ImportCsv(Store& store, DataKind kind, std::istream& csv,
                                const ImportOptions& options) {
  auto sheet = Sheet::FromCsv(kind, csv, options);
  if (!sheet) return std::unexpected(sheet.error());
  std::vector<Sheet> sheets;
  sheets.push_back(std::move(*sheet));
  return Run(store, sheets, options);
}

Result<ImportSummary> ImportWorkbook(Store& store, std::string_view xlsx_bytes,
                                     std::optional<DataKind> kind, const ImportOptions& options) {
  auto book = ReadXlsx(xlsx_bytes);
  if (!book) return std::unexpected(book.error());
  // Which sheet holds which kind: by the sheet's name, or, for a named kind, the only sheet.
  std::map<DataKind, const XlsxSheet*> by_kind;
  std::string names;
  for (const XlsxSheet& source : book->sheets) {
    names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", source.name);
    std::optional<DataKind> holds = DataKindOfSheet(source.name);
    if (kind && book->sheets.size() == 1) holds = kind;
    if (!holds || (kind && *holds != *kind)) continue;
    if (source.rows.empty()) continue;
    if (auto [it, inserted] = by_kind.emplace(*holds, &source); !inserted) {
      return InvalidArgument(fmt::format("sheets \"{}\" and \"{}\" both hold {}; keep one",
                                         it->second->name, source.name, DataKindName(*holds)));
    }
  }
  if (by_kind.empty()) {
    std::string expected;
    for (DataKind k : AllDataKinds()) {
      if (kind && k != *kind) continue;
      expected += fmt::format("{}\"{}\"", expected.empty() ? "" : ", ", DataKindSheetName(k));
    }
    return InvalidArgument(fmt::format(
        "the workbook has no sheet of records to import (its sheets: {}; expected a sheet named "
        "{}{})",
        names.empty() ? "none" : names, kind ? "" : "one of ", expected));
  }
  std::vector<Sheet> sheets;
  std::vector<ErrorDetail> header_problems;
  std::string header_message;
  for (DataKind k : AllDataKinds()) {
    auto it = by_kind.find(k);
    if (it == by_kind.end()) continue;
    auto sheet = Sheet::FromXlsx(k, *it->second);
    if (!sheet) {
      if (header_message.empty()) header_message = sheet.error().message;
      for (ErrorDetail& d : sheet.error().details) header_problems.push_back(std::move(d));
      continue;
    }
    sheets.push_back(std::move(*sheet));
  }
  if (!header_message.empty()) {
    return Fail(ErrorCode::kInvalidArgument, header_message, std::move(header_problems));
  }
  return Run(store, sheets, options);
}

}  // namespace planwatch
