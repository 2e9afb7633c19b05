#include "planwatch/service/ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "planwatch/base/csv.h"
#include "planwatch/base/text.h"
#include "planwatch/domain/indicator_rules.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/service/data_value_sets.h"
#include "planwatch/service/formats.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

// A period in 32 bits: year (1..9999) << 6 | type << 4 | index.
std::uint32_t PackPeriod(const Period& p) {
  return static_cast<std::uint32_t>(p.year()) << 6 | static_cast<std::uint32_t>(p.type()) << 4 |
         static_cast<std::uint32_t>(p.index());
}

Period UnpackPeriod(std::uint32_t key) {
  const auto type = static_cast<PeriodType>((key >> 4) & 3U);
  const int year = static_cast<int>(key >> 6);
  if (type == PeriodType::kYear) return Period::Year(year);
  return Period::Of(type, year, static_cast<int>(key & 15U));
}

bool MayApprove(Role role) {
  return role == Role::kUnitLeader || role == Role::kStandingAgency || role == Role::kAdmin;
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

struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

constexpr std::size_t kMaxComment = 4096;

}  // namespace

// ---------------------------------------------------------------------------------------------
// ValueBatch

ValueBatch::ValueBatch(std::string stored_by) : stored_by_(std::move(stored_by)) {}

void ValueBatch::Add(IndicatorId indicator, OrgUnitId unit, const Period& period, double value,
                     std::string_view comment, ValueState state, std::uint32_t tag) {
  std::uint32_t comment_ref = 0;
  if (!comment.empty()) {
    comments_.emplace_back(comment);
    comment_ref = static_cast<std::uint32_t>(comments_.size());
  }
  if (size_ % kBlock == 0) blocks_.push_back(std::make_unique_for_overwrite<Item[]>(kBlock));
  blocks_.back()[size_ % kBlock] =
      Item{indicator.value, unit.value, value, PackPeriod(period), comment_ref, tag, state};
  ++size_;
}

void ValueBatch::Fill(std::size_t begin, std::size_t count, std::vector<DataValue>& out) const {
  const std::size_t end = std::min(size_, begin + count);
  out.resize(end > begin ? end - begin : 0);
  for (std::size_t i = begin; i < end; ++i) {
    const Item& item = at(i);
    DataValue& v = out[i - begin];
    v.indicator = IndicatorId{item.indicator};
    v.unit = OrgUnitId{item.unit};
    v.period = UnpackPeriod(item.period);
    v.value = item.value;
    if (item.comment == 0) {
      v.comment.clear();
    } else {
      v.comment = comments_[item.comment - 1];
    }
    v.state = item.state;
    v.stored_by = stored_by_;
    v.stored_at.clear();
    v.deleted = false;
  }
}

// ---------------------------------------------------------------------------------------------
// ValueCommitter

ValueCommitter::ValueCommitter(Store& store, std::size_t chunk_values)
    : store_(store), chunk_values_(std::max<std::size_t>(1, chunk_values)) {}

std::size_t ValueCommitter::Queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Status ValueCommitter::Commit(const ValueBatch& batch) {
  Pending me{&batch, false, {}, CurrentAuditContext()};
  std::unique_lock lock(mu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (writing_) {
      done_.wait(lock);
      continue;
    }
    // This caller writes every queued batch, its own among them.
    writing_ = true;
    std::vector<Pending*> group(queue_.begin(), queue_.end());
    queue_.clear();
    lock.unlock();
    try {
      WriteGroup(group);
    } catch (const std::exception& e) {
      for (Pending* p : group) p->status = Internal(fmt::format("writing values: {}", e.what()));
    }
    lock.lock();
    for (Pending* p : group) p->done = true;
    writing_ = false;
    done_.notify_all();
  }
  return std::move(me.status);
}

void ValueCommitter::WriteGroup(std::vector<Pending*> group) {
  while (!group.empty()) {
    auto tx = store_.Begin();
    if (!tx) {
      for (Pending* p : group) p->status = std::unexpected(tx.error());
      return;
    }
    std::vector<Pending*> kept;
    bool replay = false;
    for (std::size_t i = 0; i < group.size(); ++i) {
      Pending* p = group[i];
      bool partial = false;
      (*tx)->SetAuditContext(p->context);
      if (Status written = WriteBatch(**tx, *p->batch, partial); !written) {
        p->status = std::move(written);
        if (partial) {
          // Some of its chunks are in the transaction: start again without it.
          kept.insert(kept.end(), group.begin() + static_cast<std::ptrdiff_t>(i) + 1, group.end());
          replay = true;
          break;
        }
        continue;
      }
      kept.push_back(p);
    }
    group = std::move(kept);
    if (replay) continue;  // the transaction rolls back as it goes out of scope
    if (group.empty()) return;
    Status committed = (*tx)->Commit();
    for (Pending* p : group) p->status = committed;
    return;
  }
}

Status ValueCommitter::WriteBatch(Transaction& tx, const ValueBatch& batch, bool& partial) {
  std::vector<DataValue> chunk;
  for (std::size_t begin = 0; begin < batch.size(); begin += chunk_values_) {
    batch.Fill(begin, chunk_values_, chunk);
    if (Status put = tx.PutDataValues(chunk); !put) {
      partial = begin > 0;
      Error error = std::move(put).error();
      // The store numbers items within the chunk; the caller knows positions in the batch.
      std::size_t index = 0;
      const std::string_view message = error.message;
      if (begin > 0 && message.starts_with("values[")) {
        auto [end, ec] =
            std::from_chars(message.data() + 7, message.data() + message.size(), index);
        if (ec == std::errc() && end < message.data() + message.size() && *end == ']') {
          error.message =
              fmt::format("values[{}]{}", index + begin,
                          message.substr(static_cast<std::size_t>(end - message.data()) + 1));
        }
      }
      return std::unexpected(std::move(error));
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Parsing and checking

// What a request resolves codes and ids against, loaded once when it begins.
struct IngestCatalog {
  OrgTree tree;
  std::vector<Indicator> indicators;
  std::unordered_map<std::string, std::size_t, TextHash, std::equal_to<>> by_code;
  std::unordered_map<std::int64_t, std::size_t> by_id;
  // (numerator, denominator) of every ratio indicator whose inputs are both live.
  std::vector<std::pair<const Indicator*, const Indicator*>> ratio_inputs;

  const Indicator* IndicatorByCode(std::string_view code) const {
    auto it = by_code.find(code);
    return it == by_code.end() ? nullptr : &indicators[it->second];
  }
  const Indicator* IndicatorById(std::int64_t id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : &indicators[it->second];
  }
};

// The shared part of every format: field checks, the batch, the problems, the final checks.
class IngestParser {
 public:
  IngestParser(std::unique_ptr<IngestCatalog> catalog, const Principal& principal,
               ValueCommitter& committer, const IngestOptions& options)
      : catalog_(std::move(catalog)),
        policy_(catalog_->tree),
        principal_(principal),
        committer_(committer),
        options_(options),
        batch_(principal.login),
        writable_(catalog_->tree.units().size(), -1),
        default_state_(MayApprove(principal.role) ? ValueState::kApproved
                                                  : ValueState::kSubmitted) {}
  virtual ~IngestParser() = default;

  virtual bool Write(std::string_view bytes) = 0;
  // The end of the body: flushes what the format still holds (a last line without a line break).
  virtual void End() = 0;

  BodyFault fault() const { return fault_; }

  void SetDryRun(bool dry_run) { dry_run_ = dry_run; }

  Result<IngestSummary> Finish() {
    if (fault_ == BodyFault::kNone) End();
    if (fault_ != BodyFault::kNone) return InvalidArgument(fault_message_);
    CheckWhole();
    if (problem_count_ > 0) {
      std::ranges::stable_sort(problems_, {}, &Problem::position);
      std::vector<ErrorDetail> details;
      for (Problem& p : problems_) {
        if (details.size() == options_.max_errors) break;
        details.push_back(std::move(p.detail));
      }
      // Built before `details` is moved into the error.
      std::string message =
          fmt::format("{} problem{} in the values; nothing was written{}", problem_count_,
                      problem_count_ == 1 ? "" : "s",
                      problem_count_ > details.size()
                          ? fmt::format(" (the first {} are listed)", details.size())
                          : "");
      return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(details));
    }
    if (denied_count_ > 0) {
      std::ranges::stable_sort(denials_, {}, &Problem::position);
      std::vector<ErrorDetail> details;
      for (Problem& p : denials_) {
        if (details.size() == options_.max_errors) break;
        details.push_back(std::move(p.detail));
      }
      std::string message = fmt::format(
          "{} value{} for units outside your scope or in a state you may not set; nothing was "
          "written",
          denied_count_, denied_count_ == 1 ? " is" : "s are");
      return Fail(ErrorCode::kPermissionDenied, std::move(message), std::move(details));
    }
    if (dry_run_) {
      IngestSummary summary;
      summary.dry_run = true;
      summary.would_write = static_cast<std::int64_t>(batch_.size());
      return summary;
    }
    if (Status written = committer_.Commit(batch_); !written) {
      return std::unexpected(std::move(written).error());
    }
    return IngestSummary{static_cast<std::int64_t>(batch_.size())};
  }

 protected:
  // One item as read: what was understood of it, and how its fields are named in errors.
  struct Item {
    std::size_t position = 0;  // JSON: index in the list; CSV: the line
    int line = 0;              // CSV line (0 for JSON)
    std::string prefix;        // "values[3]." for JSON, empty for CSV
    const Indicator* indicator = nullptr;
    OrgUnitId unit;
    std::optional<Period> period;
    std::optional<double> value;
    std::string comment;
    ValueState state = ValueState::kApproved;
    bool bad = false;  // a problem was reported already
    // The names of the fields in errors (column names for CSV, keys for JSON).
    std::string_view indicator_field, unit_field, period_field, value_field;
    std::string state_field;  // as given, when the item names its state
  };

  void Malformed(BodyFault fault, std::string message) {
    if (fault_ != BodyFault::kNone) return;
    fault_ = fault;
    fault_message_ = std::move(message);
  }

  void AddProblem(std::size_t position, int line, std::string field, std::string_view code,
                  std::string_view text) {
    ++problem_count_;
    if (problems_.size() >= 2 * options_.max_errors) return;
    problems_.push_back(
        Problem{position, ErrorDetail{line, std::move(field), FieldMessage(code, text)}});
  }
  void Deny(const Item& item, std::string_view field, std::string_view text) {
    ++denied_count_;
    if (denials_.size() >= 2 * options_.max_errors) return;
    denials_.push_back(Problem{
        item.position,
        ErrorDetail{item.line, item.prefix + std::string(field), FieldMessage("forbidden", text)}});
  }
  void Report(Item& item, std::string_view field, std::string_view code, std::string_view text) {
    item.bad = true;
    AddProblem(item.position, item.line, item.prefix + std::string(field), code, text);
  }

  void ResolveIndicatorCode(Item& item, std::string_view code) {
    item.indicator = catalog_->IndicatorByCode(code);
    if (item.indicator == nullptr) {
      Report(item, item.indicator_field, "not_found",
             fmt::format("unknown indicator '{}'", EchoForMessage(code)));
    }
  }
  void ResolveIndicatorId(Item& item, std::int64_t id) {
    item.indicator = catalog_->IndicatorById(id);
    if (item.indicator == nullptr) {
      Report(item, item.indicator_field, "not_found", fmt::format("no indicator with id {}", id));
    }
  }
  void ResolveUnitCode(Item& item, std::string_view code) {
    const OrgUnit* unit = catalog_->tree.FindByCode(code);
    if (unit == nullptr) {
      Report(item, item.unit_field, "not_found",
             fmt::format("unknown org unit '{}'", EchoForMessage(code)));
      return;
    }
    item.unit = unit->id;
  }
  void ResolveUnitId(Item& item, std::int64_t id) {
    if (catalog_->tree.Find(OrgUnitId{id}) == nullptr) {
      Report(item, item.unit_field, "not_found", fmt::format("no org unit with id {}", id));
      return;
    }
    item.unit = OrgUnitId{id};
  }
  void ParsePeriod(Item& item, std::string_view text) {
    auto period = Period::Parse(text);
    if (!period) {
      Report(item, item.period_field, "invalid", period.error().message);
      return;
    }
    item.period = *period;
  }
  void ParseValueText(Item& item, std::string_view text) {
    item.value = ParseNumber(text);
    if (!item.value) {
      Report(item, item.value_field, "type",
             fmt::format("'{}' is not a number (use . for decimals, no thousands separator)",
                         EchoForMessage(text)));
    }
  }
  void SetComment(Item& item, std::string_view field, std::string_view text) {
    if (text.size() > kMaxComment) {
      Report(item, field, "too_long", fmt::format("at most {} bytes", kMaxComment));
      return;
    }
    item.comment = text;
  }
  void SetState(Item& item, std::string_view field, std::string_view text) {
    auto state = ParseValueState(text);
    if (!state) {
      Report(item, field, "invalid", state.error().message);
      return;
    }
    item.state = *state;
    item.state_field = std::string(field);
  }

  // The checks that need several fields; adds the value when everything is right.
  void Accept(Item& item) {
    if (item.indicator != nullptr && item.period &&
        item.period->type() != item.indicator->period_type) {
      Report(item, item.period_field, "invalid",
             fmt::format("'{}' is not a {} period, as indicator {} is reported",
                         item.period->ToString(), PeriodTypeName(item.indicator->period_type),
                         item.indicator->code));
    }
    if (item.indicator != nullptr && item.value) {
      if (auto valid = ValidateValue(*item.indicator, *item.value); !valid) {
        Report(item, item.value_field, "out_of_range", valid.error().message);
      }
    }
    if (item.bad || item.indicator == nullptr || !item.unit || !item.period || !item.value) {
      return;
    }
    // Refusals name the item, so the caller sees which unit or state is not theirs.
    if (!Writable(item.unit)) {
      const OrgUnit* unit = catalog_->tree.Find(item.unit);
      Deny(item, item.unit_field,
           fmt::format("org unit '{}' is outside what you may enter data for",
                       unit != nullptr ? EchoForMessage(unit->code) : std::string("?")));
    } else if (item.state == ValueState::kApproved && !MayApprove(principal_.role)) {
      Deny(item, item.state_field.empty() ? std::string_view("state") : item.state_field,
           "only a unit leader, a standing agency or an admin stores approved values");
    }
    batch_.Add(item.indicator->id, item.unit, *item.period, *item.value, item.comment, item.state,
               static_cast<std::uint32_t>(item.position));
  }

  ValueState default_state() const { return default_state_; }

  // Names a value of the batch in errors found after reading (duplicates, ratio inputs).
  virtual std::pair<int, std::string> Where(std::uint32_t position,
                                            std::string_view field) const = 0;
  // The field names Where() gets for the period and the value.
  virtual std::string_view PeriodFieldName() const = 0;
  virtual std::string_view ValueFieldName() const = 0;
  // Reported when the body holds no value at all (and nothing else is wrong).
  virtual void ReportEmpty() = 0;

 private:
  struct Problem {
    std::size_t position;
    ErrorDetail detail;
  };

  bool Writable(OrgUnitId unit) {
    const int index = catalog_->tree.Index(unit);
    if (index < 0) return false;
    std::int8_t& known = writable_[static_cast<std::size_t>(index)];
    if (known < 0) known = policy_.CanWriteValues(principal_, unit) ? 1 : 0;
    return known == 1;
  }

  // Duplicates and ratio inputs, over the batch sorted by (unit, period, indicator).
  void CheckWhole() {
    if (batch_.empty()) {
      if (problem_count_ == 0) ReportEmpty();
      return;
    }
    std::vector<std::uint32_t> order(batch_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    auto key = [&](std::uint32_t i) {
      return std::tuple(batch_.unit(i).value, batch_.period_key(i), batch_.indicator(i).value);
    };
    std::ranges::sort(order, [&](std::uint32_t a, std::uint32_t b) {
      auto ka = key(a);
      auto kb = key(b);
      return ka != kb ? ka < kb : a < b;
    });
    const auto& ratios = catalog_->ratio_inputs;
    std::size_t group_start = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::uint32_t i = order[k];
      if (k > 0 && key(order[k - 1]) == key(i)) {
        auto [line, field] = Where(batch_.tag(i), PeriodFieldName());
        auto [first_line, first] = Where(batch_.tag(order[k - 1]), PeriodFieldName());
        AddProblem(batch_.tag(i), line, std::move(field), "invalid",
                   first_line > 0
                       ? fmt::format("the same value as on line {}", first_line)
                       : fmt::format("the same value as {}", first.substr(0, first.rfind('.'))));
      }
      const bool group_ends = k + 1 == order.size() ||
                              std::get<0>(key(order[k + 1])) != std::get<0>(key(i)) ||
                              std::get<1>(key(order[k + 1])) != std::get<1>(key(i));
      if (!group_ends) continue;
      if (!ratios.empty() && k > group_start) {
        for (const auto& [numerator, denominator] : ratios) {
          std::optional<std::uint32_t> n;
          std::optional<std::uint32_t> d;
          for (std::size_t g = group_start; g <= k; ++g) {
            if (batch_.indicator(order[g]) == numerator->id) n = order[g];
            if (batch_.indicator(order[g]) == denominator->id) d = order[g];
          }
          if (!n || !d) continue;
          if (auto valid =
                  ValidateRatioInputs(*numerator, batch_.value(*n), *denominator, batch_.value(*d));
              !valid) {
            auto [line, field] = Where(batch_.tag(*n), ValueFieldName());
            AddProblem(batch_.tag(*n), line, std::move(field), "out_of_range",
                       valid.error().message);
          }
        }
      }
      group_start = k + 1;
    }
  }

  std::unique_ptr<IngestCatalog> catalog_;
  AccessPolicy policy_;
  const Principal principal_;
  ValueCommitter& committer_;
  const IngestOptions options_;

  ValueBatch batch_;
  std::vector<std::int8_t> writable_;  // per unit of the tree: -1 unknown, 0 no, 1 yes
  const ValueState default_state_;
  std::size_t denied_count_ = 0;
  bool dry_run_ = false;

  std::vector<Problem> problems_;
  std::size_t problem_count_ = 0;
  std::vector<Problem> denials_;  // items refused by access, reported once nothing else is wrong
  BodyFault fault_ = BodyFault::kNone;
  std::string fault_message_;
};

namespace {

// ---------------------------------------------------------------------------------------------
// CSV: complete records are cut at line breaks outside quotes and parsed by ParseCsv; only the
// partial last record stays in memory.

class CsvIngest final : public IngestParser {
 public:
  using IngestParser::IngestParser;

  bool Write(std::string_view bytes) override {
    if (fault() != BodyFault::kNone) return false;
    pending_.append(bytes);
    std::size_t cut = 0;
    for (; scan_ < pending_.size(); ++scan_) {
      if (scan_ - cut >= max_line_) {
        // The records before the long one are read first, so the message names its line.
        Parse(std::string_view(pending_).substr(0, cut));
        Malformed(BodyFault::kTooLarge,
                  fmt::format("line {} is longer than {} bytes", next_line_, max_line_));
        return false;
      }
      const char c = pending_[scan_];
      if (c == '"') {
        in_quotes_ = !in_quotes_;
      } else if (!in_quotes_ && (c == '\n' || c == '\r')) {
        if (c == '\r') {
          if (scan_ + 1 == pending_.size()) break;  // CRLF or a lone CR: the next byte tells
          if (pending_[scan_ + 1] == '\n') ++scan_;
        }
        cut = scan_ + 1;
      }
    }
    if (cut > 0) {
      Parse(std::string_view(pending_).substr(0, cut));
      pending_.erase(0, cut);
      scan_ -= cut;
    }
    return fault() == BodyFault::kNone;
  }

  void End() override {
    if (!pending_.empty()) Parse(pending_);
    pending_.clear();
    if (!header_read_ && fault() == BodyFault::kNone) {
      Malformed(BodyFault::kMalformed, "the body is empty: expected a CSV header row");
    }
  }

  void SetMaxLine(std::size_t bytes) { max_line_ = bytes; }

 protected:
  std::pair<int, std::string> Where(std::uint32_t position, std::string_view field) const override {
    return {static_cast<int>(position), std::string(field)};
  }
  std::string_view PeriodFieldName() const override { return ColumnName(kPeriod); }
  std::string_view ValueFieldName() const override { return ColumnName(kValue); }
  void ReportEmpty() override {
    AddProblem(0, 1, "", "required", "the file has a header but no values");
  }

 private:
  // Positions in ColumnsOf(kDataValues).
  enum Column : std::size_t {
    kIndicator,
    kUnit,
    kPeriod,
    kValue,
    kComment,
    kState,
    kStoredBy,
    kColumns
  };

  std::string_view ColumnName(std::size_t column) const {
    const int f = field_of_[column];
    return f >= 0 ? std::string_view(header_[static_cast<std::size_t>(f)])
                  : ColumnsOf(DataKind::kDataValues)[column].name;
  }

  void Parse(std::string_view run) {
    if (run.empty() || fault() != BodyFault::kNone) return;
    // ParseCsv skips a byte-order mark at the start of its input; only the body's first bytes
    // may be one. Elsewhere an empty line before the run keeps it data (and is skipped).
    const bool shield = parsed_any_ && run.starts_with(kUtf8Bom);
    parsed_any_ = true;
    std::string shielded;
    if (shield) shielded = "\n" + std::string(run);
    auto records = ParseCsv(shield ? std::string_view(shielded) : run);
    const int offset = next_line_ - 1 - (shield ? 1 : 0);
    if (!records) {
      Error error = std::move(records).error();
      int line = next_line_;
      std::string what = error.message;
      if (!error.details.empty()) {
        line = error.details.front().line + offset;
        // "line L, column C: what" counts lines from the start of the run.
        if (auto comma = what.find(", column"); what.starts_with("line ") && comma != what.npos) {
          what = fmt::format("line {}{}", line, what.substr(comma));
        }
      }
      Malformed(BodyFault::kMalformed, "the body is not valid CSV: " + what);
      return;
    }
    for (CsvRecord& record : *records) {
      record.line += offset;
      if (!header_read_) {
        ReadHeader(record);
      } else if (header_ok_) {
        ReadRow(record);
      }
    }
    // Physical lines of the run, counted as CsvReader counts them.
    for (std::size_t i = 0; i < run.size(); ++i) {
      if (run[i] == '\n' || (run[i] == '\r' && (i + 1 == run.size() || run[i + 1] != '\n'))) {
        ++next_line_;
      }
    }
  }

  void ReadHeader(const CsvRecord& record) {
    header_read_ = true;
    header_ = record.fields;
    const auto columns = ColumnsOf(DataKind::kDataValues);
    bool ok = true;
    for (std::size_t f = 0; f < header_.size(); ++f) {
      const std::optional<std::size_t> column = FindColumn(DataKind::kDataValues, header_[f]);
      if (!column) {
        AddProblem(0, record.line, header_[f], "unknown_field",
                   fmt::format("unknown column '{}' for data-values", EchoForMessage(header_[f])));
        ok = false;
      } else if (field_of_[*column] >= 0) {
        AddProblem(0, record.line, header_[f], "invalid",
                   fmt::format("column '{}' appears twice", columns[*column].name));
        ok = false;
      } else {
        field_of_[*column] = static_cast<int>(f);
      }
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].required && field_of_[i] < 0) {
        AddProblem(0, record.line, std::string(columns[i].name), "required",
                   fmt::format("required column '{}' ({}) is missing", columns[i].name,
                               columns[i].name_vi));
        ok = false;
      }
    }
    header_ok_ = ok;
  }

  void ReadRow(const CsvRecord& record) {
    Item item;
    item.position = static_cast<std::size_t>(record.line);
    item.line = record.line;
    item.indicator_field = ColumnName(kIndicator);
    item.unit_field = ColumnName(kUnit);
    item.period_field = ColumnName(kPeriod);
    item.value_field = ColumnName(kValue);
    item.state = default_state();
    if (record.fields.size() != header_.size()) {
      Report(item, "", "invalid",
             fmt::format("the row has {} fields but the header has {}", record.fields.size(),
                         header_.size()));
      Accept(item);
      return;
    }
    auto cell = [&](Column c) -> std::string_view {
      const int f = field_of_[c];
      return f < 0 ? std::string_view{} : TrimAscii(record.fields[static_cast<std::size_t>(f)]);
    };
    auto required = [&](Column c) {
      std::string_view text = cell(c);
      if (text.empty()) Report(item, ColumnName(c), "required", "a value is required");
      return text;
    };
    if (auto code = required(kIndicator); !code.empty()) ResolveIndicatorCode(item, code);
    if (auto code = required(kUnit); !code.empty()) ResolveUnitCode(item, code);
    if (auto text = required(kPeriod); !text.empty()) ParsePeriod(item, text);
    if (auto text = required(kValue); !text.empty()) ParseValueText(item, text);
    SetComment(item, ColumnName(kComment), cell(kComment));
    if (auto text = cell(kState); !text.empty()) SetState(item, ColumnName(kState), text);
    Accept(item);
  }

  std::string pending_;
  std::size_t scan_ = 0;    // bytes of pending_ already scanned for record ends
  bool in_quotes_ = false;  // at scan_, inside a quoted field
  int next_line_ = 1;       // physical line of pending_[0]
  std::size_t max_line_ = std::size_t{64} << 10;

  bool parsed_any_ = false;  // a run was parsed: a byte-order mark now is data
  bool header_read_ = false;
  bool header_ok_ = false;
  std::vector<std::string> header_;
  std::vector<int> field_of_ = std::vector<int>(kColumns, -1);  // per column: field index
};

// ---------------------------------------------------------------------------------------------
// JSON: a push tokenizer fed byte by byte, holding one string or number at a time.

class JsonEvents {
 public:
  virtual ~JsonEvents() = default;
  virtual void BeginObject() = 0;
  virtual void EndObject() = 0;
  virtual void BeginArray() = 0;
  virtual void EndArray() = 0;
  virtual void Key(std::string_view key) = 0;
  virtual void String(std::string_view text) = 0;
  virtual void Number(std::string_view text) = 0;   // valid JSON number syntax
  virtual void Literal(std::string_view text) = 0;  // true, false or null
};

bool ValidJsonNumber(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class JsonTokenizer {
 public:
  JsonTokenizer(JsonEvents& events, std::size_t max_token) : events_(events), max_(max_token) {}

  // false once the input is not JSON (error() says why).
  bool Feed(std::string_view bytes) {
    for (const char ch : bytes) {
      if (!Byte(static_cast<unsigned char>(ch))) return false;
      ++offset_;
    }
    return true;
  }

  bool End() {
    if (!error_.empty()) return false;
    if (lex_ == Lex::kNumber && !EmitNumber()) return false;
    if (lex_ != Lex::kNone) return Fail(BodyFault::kMalformed, "the body ends inside a token");
    if (expect_ != Expect::kEnd) {
      return Fail(BodyFault::kMalformed,
                  offset_ == 0 ? "the body is empty" : "the body ends before the JSON is complete");
    }
    return true;
  }

  BodyFault fault() const { return fault_; }
  const std::string& error() const { return error_; }

 private:
  enum class Expect { kValue, kValueOrClose, kKeyOrClose, kKey, kColon, kCommaOrClose, kEnd };
  enum class Lex { kNone, kString, kNumber, kLiteral };
  static constexpr std::size_t kMaxDepth = 64;

  bool Fail(BodyFault fault, std::string_view what) {
    fault_ = fault;
    error_ = fmt::format("malformed JSON at byte {}: {}", offset_, what);
    return false;
  }

  bool Byte(unsigned char c) {
    switch (lex_) {
      case Lex::kString:
        return StringByte(c);
      case Lex::kNumber:
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
          return Append(c);
        }
        if (!EmitNumber()) return false;
        break;  // `c` ends the number and is read below
      case Lex::kLiteral: {
        if (!Append(c)) return false;
        for (std::string_view word : {"true", "false", "null"}) {
          if (word == token_) {
            lex_ = Lex::kNone;
            events_.Literal(token_);
            AfterValue();
            return true;
          }
          if (word.starts_with(token_)) return true;
        }
        return Fail(BodyFault::kMalformed, "invalid literal");
      }
      case Lex::kNone:
        break;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
    switch (expect_) {
      case Expect::kValueOrClose:
        if (c == ']') return Close('A');
        [[fallthrough]];
      case Expect::kValue:
        return StartValue(c);
      case Expect::kKeyOrClose:
        if (c == '}') return Close('O');
        [[fallthrough]];
      case Expect::kKey:
        if (c != '"') return Fail(BodyFault::kMalformed, "expected a string key");
        StartString(true);
        return true;
      case Expect::kColon:
        if (c != ':') return Fail(BodyFault::kMalformed, "expected ':'");
        expect_ = Expect::kValue;
        return true;
      case Expect::kCommaOrClose:
        if (c == ',') {
          expect_ = stack_.back() == 'O' ? Expect::kKey : Expect::kValue;
          return true;
        }
        if (c == '}' || c == ']') return Close(c == '}' ? 'O' : 'A');
        return Fail(BodyFault::kMalformed, "expected ',' or the end of the object or array");
      case Expect::kEnd:
        return Fail(BodyFault::kMalformed, "unexpected data after the JSON value");
    }
    return true;
  }

  bool StartValue(unsigned char c) {
    if (c == '{' || c == '[') {
      if (stack_.size() == kMaxDepth) return Fail(BodyFault::kMalformed, "nested too deeply");
      stack_.push_back(c == '{' ? 'O' : 'A');
      if (c == '{') {
        events_.BeginObject();
        expect_ = Expect::kKeyOrClose;
      } else {
        events_.BeginArray();
        expect_ = Expect::kValueOrClose;
      }
      return true;
    }
    if (c == '"') {
      StartString(false);
      return true;
    }
    token_.clear();
    if (c == '-' || (c >= '0' && c <= '9')) {
      lex_ = Lex::kNumber;
      return Append(c);
    }
    if (c == 't' || c == 'f' || c == 'n') {
      lex_ = Lex::kLiteral;
      return Append(c);
    }
    return Fail(BodyFault::kMalformed, "expected a value");
  }

  bool Close(char kind) {
    if (stack_.empty() || stack_.back() != kind) {
      return Fail(BodyFault::kMalformed, "mismatched closing bracket");
    }
    stack_.pop_back();
    if (kind == 'O') {
      events_.EndObject();
    } else {
      events_.EndArray();
    }
    AfterValue();
    return true;
  }

  void AfterValue() { expect_ = stack_.empty() ? Expect::kEnd : Expect::kCommaOrClose; }

  void StartString(bool key) {
    lex_ = Lex::kString;
    key_ = key;
    token_.clear();
    escape_ = 0;
    high_surrogate_ = 0;
  }

  bool Append(unsigned char c) {
    if (token_.size() >= max_) {
      return Fail(BodyFault::kTooLarge,
                  fmt::format("a string or number is longer than {} bytes", max_));
    }
    token_.push_back(static_cast<char>(c));
    return true;
  }

  static int Hex(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool StringByte(unsigned char c) {
    if (escape_ == 1) {  // after a backslash
      escape_ = 0;
      if (c == 'u') {
        escape_ = 2;
        code_unit_ = 0;
        return true;
      }
      if (high_surrogate_ != 0) return Fail(BodyFault::kMalformed, "unpaired surrogate");
      char plain = 0;
      switch (c) {
        case '"':
          plain = '"';
          break;
        case '\\':
          plain = '\\';
          break;
        case '/':
          plain = '/';
          break;
        case 'b':
          plain = '\b';
          break;
        case 'f':
          plain = '\f';
          break;
        case 'n':
          plain = '\n';
          break;
        case 'r':
          plain = '\r';
          break;
        case 't':
          plain = '\t';
          break;
        default:
          return Fail(BodyFault::kMalformed, "invalid escape");
      }
      return Append(static_cast<unsigned char>(plain));
    }
    if (escape_ >= 2) {  // escape_ - 2 hex digits of \uXXXX read
      const int h = Hex(c);
      if (h < 0) return Fail(BodyFault::kMalformed, "invalid \\u escape");
      code_unit_ = code_unit_ * 16 + static_cast<std::uint32_t>(h);
      if (++escape_ < 6) return true;
      escape_ = 0;
      return CodeUnit(code_unit_);
    }
    if (high_surrogate_ != 0 && c != '\\') return Fail(BodyFault::kMalformed, "unpaired surrogate");
    if (c == '\\') {
      escape_ = 1;
      return true;
    }
    if (c == '"') {
      if (utf8_.InSequence()) return Fail(BodyFault::kMalformed, "invalid UTF-8");
      lex_ = Lex::kNone;
      if (key_) {
        events_.Key(token_);
        expect_ = Expect::kColon;
      } else {
        events_.String(token_);
        AfterValue();
      }
      return true;
    }
    if (c < 0x20) return Fail(BodyFault::kMalformed, "control character in a string");
    if (!utf8_.Push(c)) return Fail(BodyFault::kMalformed, "invalid UTF-8");
    return Append(c);
  }

  bool CodeUnit(std::uint32_t unit) {
    if (high_surrogate_ != 0) {
      if (unit < 0xDC00 || unit > 0xDFFF) return Fail(BodyFault::kMalformed, "unpaired surrogate");
      const std::uint32_t cp = 0x10000 + ((high_surrogate_ - 0xD800) << 10) + (unit - 0xDC00);
      high_surrogate_ = 0;
      return AppendCodePoint(cp);
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      high_surrogate_ = unit;
      return true;
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) return Fail(BodyFault::kMalformed, "unpaired surrogate");
    return AppendCodePoint(unit);
  }

  bool AppendCodePoint(std::uint32_t cp) {
    std::string bytes;
    AppendUtf8(bytes, cp);
    for (char b : bytes) {
      if (!Append(static_cast<unsigned char>(b))) return false;
    }
    return true;
  }

  bool EmitNumber() {
    lex_ = Lex::kNone;
    if (!ValidJsonNumber(token_)) return Fail(BodyFault::kMalformed, "invalid number");
    events_.Number(token_);
    AfterValue();
    return true;
  }

  JsonEvents& events_;
  const std::size_t max_;
  std::uint64_t offset_ = 0;
  std::string stack_;  // 'O' object, 'A' array
  Expect expect_ = Expect::kValue;
  Lex lex_ = Lex::kNone;
  std::string token_;
  bool key_ = false;
  int escape_ = 0;
  std::uint32_t code_unit_ = 0;
  std::uint32_t high_surrogate_ = 0;
  Utf8Validator utf8_;
  BodyFault fault_ = BodyFault::kNone;
  std::string error_;
};

// The two JSON shapes: {"values": [...]} by ids and DHIS2's {"dataValues": [...]} by codes.
class JsonIngest final : public IngestParser, private JsonEvents {
 public:
  JsonIngest(std::unique_ptr<IngestCatalog> catalog, const Principal& principal,
             ValueCommitter& committer, const IngestOptions& options)
      : IngestParser(std::move(catalog), principal, committer, options),
        tokenizer_(*this, options.max_token_bytes) {}

  bool Write(std::string_view bytes) override {
    if (fault() != BodyFault::kNone) return false;
    if (!tokenizer_.Feed(bytes)) Malformed(tokenizer_.fault(), tokenizer_.error());
    return fault() == BodyFault::kNone;
  }

  void End() override {
    if (!tokenizer_.End()) {
      Malformed(tokenizer_.fault(), tokenizer_.error());
      return;
    }
    // DHIS2 items that rely on top-level defaults given after the list.
    for (Deferred& d : deferred_) {
      ResolveDhis2(d.item, d.has_unit, d.unit_code, d.has_period, d.period_text);
      Accept(d.item);
    }
    deferred_.clear();
    if (!root_seen_list_ && root_object_) {
      AddProblem(0, 0, "values", "required",
                 "this field is required (or dataValues, for a DHIS2 data value set)");
    }
  }

 protected:
  std::pair<int, std::string> Where(std::uint32_t position, std::string_view field) const override {
    return {0, fmt::format("{}[{}].{}", ListName(), position, field)};
  }
  std::string_view PeriodFieldName() const override { return "period"; }
  std::string_view ValueFieldName() const override { return "value"; }
  void ReportEmpty() override {
    AddProblem(0, 0, std::string(ListName()), "type", "expected an array of at least 1 value");
  }

 private:
  enum class Shape { kUnknown, kIds, kDhis2 };

  // An item being read: the raw DHIS2 fields wait for the top-level defaults.
  struct Current {
    Item item;
    std::string unit_code;
    std::string period_text;
    bool has_indicator = false, has_unit = false, has_period = false, has_value = false;
    std::vector<std::string> keys;  // seen, to refuse repeats
  };
  struct Deferred {
    Item item;
    bool has_unit;
    std::string unit_code;
    bool has_period;
    std::string period_text;
  };

  std::string_view ListName() const { return shape_ == Shape::kDhis2 ? "dataValues" : "values"; }

  // --- JsonEvents ---
  void BeginObject() override { Value(Kind::kObject); }
  void BeginArray() override { Value(Kind::kArray); }
  void EndObject() override { End(Kind::kObject); }
  void EndArray() override { End(Kind::kArray); }
  void Key(std::string_view key) override {
    if (skip_depth_ >= 0) return;
    if (depth_ == 1) {
      root_key_.assign(key);
    } else if (depth_ == 3) {
      item_key_.assign(key);
    }
  }
  void String(std::string_view text) override { Scalar(Kind::kString, text); }
  void Number(std::string_view text) override { Scalar(Kind::kNumber, text); }
  void Literal(std::string_view text) override {
    Scalar(text == "null" ? Kind::kNull : Kind::kBool, text);
  }

  enum class Kind { kObject, kArray, kString, kNumber, kBool, kNull };

  static std::string_view KindName(Kind k) {
    switch (k) {
      case Kind::kObject:
        return "an object";
      case Kind::kArray:
        return "an array";
      case Kind::kString:
        return "a string";
      case Kind::kNumber:
        return "a number";
      case Kind::kBool:
        return "a boolean";
      case Kind::kNull:
        return "null";
    }
    return "a value";
  }

  bool IsContainer(Kind k) const { return k == Kind::kObject || k == Kind::kArray; }

  // A value starts (containers) or is complete (scalars) at depth_.
  void Value(Kind kind) {
    if (skip_depth_ >= 0) {
      ++depth_;
      return;
    }
    switch (depth_) {
      case 0:
        if (kind != Kind::kObject) {
          AddProblem(0, 0, "", "type",
                     fmt::format("the body must be a JSON object, not {}", KindName(kind)));
          Skip();
        } else {
          root_object_ = true;
        }
        break;
      case 1:
        RootValue(kind, {});
        break;
      case 2:
        if (kind != Kind::kObject) {
          AddProblem(index_, 0, fmt::format("{}[{}]", ListName(), index_), "type",
                     fmt::format("expected an object, not {}", KindName(kind)));
          ++index_;
          Skip();
        } else {
          StartItem();
        }
        break;
      default:
        ItemValue(kind, {});
        if (IsContainer(kind)) Skip();
        break;
    }
    ++depth_;
  }

  void Scalar(Kind kind, std::string_view text) {
    if (skip_depth_ >= 0) return;
    switch (depth_) {
      case 0:
        AddProblem(0, 0, "", "type",
                   fmt::format("the body must be a JSON object, not {}", KindName(kind)));
        break;
      case 1:
        RootValue(kind, text);
        break;
      case 2:
        AddProblem(index_, 0, fmt::format("{}[{}]", ListName(), index_), "type",
                   fmt::format("expected an object, not {}", KindName(kind)));
        ++index_;
        break;
      default:
        ItemValue(kind, text);
        break;
    }
  }

  void End(Kind kind) {
    --depth_;
    if (skip_depth_ >= 0) {
      if (depth_ == skip_depth_) skip_depth_ = -1;
      return;
    }
    if (kind == Kind::kObject && depth_ == 2) FinishItem();
  }

  void Skip() { skip_depth_ = depth_; }

  void RootValue(Kind kind, std::string_view text) {
    const std::string key = root_key_;
    if (key == "values" || key == "dataValues") {
      const Shape shape = key == "values" ? Shape::kIds : Shape::kDhis2;
      if (root_seen_list_) {
        AddProblem(0, 0, key, "invalid", "give one list of values: values or dataValues, once");
        if (IsContainer(kind)) Skip();
        return;
      }
      root_seen_list_ = true;
      shape_ = shape;
      if (kind != Kind::kArray) {
        AddProblem(0, 0, key, "type", "expected an array of at least 1 value");
        if (IsContainer(kind)) Skip();
      }
      return;
    }
    if (key == "period" || key == "orgUnit" || key == "dataSet" || key == "completeDate" ||
        key == "attributeOptionCombo") {
      if (kind == Kind::kString) {
        if (key == "period") default_period_ = text;
        if (key == "orgUnit") default_unit_ = text;
      } else if (kind != Kind::kNull) {
        AddProblem(0, 0, key, "type", fmt::format("expected a string, not {}", KindName(kind)));
        if (IsContainer(kind)) Skip();
      }
      return;
    }
    AddProblem(0, 0, key, "unknown_field",
               fmt::format("unknown field \"{}\"", EchoForMessage(key)));
    if (IsContainer(kind)) Skip();
  }

  void StartItem() {
    current_ = Current{};
    Item& item = current_.item;
    item.position = index_;
    item.prefix = fmt::format("{}[{}].", ListName(), index_);
    item.state = default_state();
    const bool dhis2 = shape_ == Shape::kDhis2;
    item.indicator_field = dhis2 ? "dataElement" : "indicator";
    item.unit_field = dhis2 ? "orgUnit" : "unit";
    item.period_field = "period";
    item.value_field = "value";
    ++index_;
  }

  void TypeProblem(std::string_view field, std::string_view expected, Kind got) {
    Report(current_.item, field, "type",
           fmt::format("expected {}, not {}", expected, KindName(got)));
  }

  // A positive integer id from a number token.
  std::optional<std::int64_t> IdOf(std::string_view field, Kind kind, std::string_view text) {
    std::int64_t id = 0;
    if (kind == Kind::kNumber) {
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
      if (ec == std::errc() && end == text.data() + text.size() && id > 0) return id;
    }
    TypeProblem(field, "a positive integer id", kind);
    return std::nullopt;
  }

  void ItemValue(Kind kind, std::string_view text) {
    const std::string key = item_key_;
    Current& c = current_;
    Item& item = c.item;
    if (std::ranges::find(c.keys, key) != c.keys.end()) {
      Report(item, key, "invalid", "given twice");
      return;
    }
    c.keys.push_back(key);
    const bool dhis2 = shape_ == Shape::kDhis2;
    if (!dhis2) {
      if (key == "indicator") {
        c.has_indicator = true;
        if (auto id = IdOf(key, kind, text)) ResolveIndicatorId(item, *id);
      } else if (key == "unit") {
        c.has_unit = true;
        if (auto id = IdOf(key, kind, text)) ResolveUnitId(item, *id);
      } else if (key == "period") {
        c.has_period = true;
        if (kind != Kind::kString) return TypeProblem(key, "a period such as \"202501\"", kind);
        ParsePeriod(item, text);
      } else if (key == "value") {
        c.has_value = true;
        if (kind != Kind::kNumber) return TypeProblem(key, "a number", kind);
        ParseValueText(item, text);
      } else if (key == "comment") {
        if (kind == Kind::kNull) return;
        if (kind != Kind::kString) return TypeProblem(key, "a string", kind);
        SetComment(item, key, text);
      } else if (key == "state") {
        if (kind == Kind::kNull) return;
        if (kind != Kind::kString) return TypeProblem(key, "a string", kind);
        SetState(item, key, text);
      } else {
        Report(item, key, "unknown_field",
               fmt::format("unknown field \"{}\"", EchoForMessage(key)));
      }
      return;
    }
    if (key == "dataElement") {
      c.has_indicator = true;
      if (kind != Kind::kString) return TypeProblem(key, "a data element code", kind);
      ResolveIndicatorCode(item, text);
    } else if (key == "orgUnit") {
      c.has_unit = true;
      if (kind != Kind::kString) return TypeProblem(key, "an org unit code", kind);
      c.unit_code = text;
      if (c.unit_code.empty()) Report(item, key, "required", "a value is required");
    } else if (key == "period") {
      c.has_period = true;
      if (kind != Kind::kString) return TypeProblem(key, "a period such as \"202501\"", kind);
      c.period_text = text;
      if (c.period_text.empty()) Report(item, key, "required", "a value is required");
    } else if (key == "value") {
      c.has_value = true;
      if (kind == Kind::kString && (text == "true" || text == "false")) {
        item.value = text == "true" ? 1.0 : 0.0;  // DHIS2's boolean data elements
      } else if (kind == Kind::kString || kind == Kind::kNumber) {
        ParseValueText(item, text);
      } else {
        TypeProblem(key, "a number (as a string or a number)", kind);
      }
    } else if (key == "comment") {
      if (kind == Kind::kNull) return;
      if (kind != Kind::kString) return TypeProblem(key, "a string", kind);
      SetComment(item, key, text);
    } else if (key == "categoryOptionCombo" || key == "attributeOptionCombo" || key == "storedBy" ||
               key == "created" || key == "lastUpdated" || key == "followup") {
      // DHIS2 fields with no planwatch meaning: accepted and ignored.
    } else {
      Report(item, key, "unknown_field", fmt::format("unknown field \"{}\"", EchoForMessage(key)));
    }
  }

  void FinishItem() {
    Current& c = current_;
    Item& item = c.item;
    auto require = [&](bool present, std::string_view field) {
      if (!present) Report(item, field, "required", "this field is required");
    };
    require(c.has_indicator, item.indicator_field);
    require(c.has_value, "value");
    if (shape_ != Shape::kDhis2) {
      require(c.has_unit, "unit");
      require(c.has_period, "period");
      Accept(item);
      return;
    }
    // Missing orgUnit or period: the top-level default, which may still come after the list.
    const bool unit_later = !c.has_unit && default_unit_.empty();
    const bool period_later = !c.has_period && default_period_.empty();
    if (unit_later || period_later) {
      deferred_.push_back(Deferred{std::move(item), c.has_unit, std::move(c.unit_code),
                                   c.has_period, std::move(c.period_text)});
      return;
    }
    ResolveDhis2(item, c.has_unit, c.unit_code, c.has_period, c.period_text);
    Accept(item);
  }

  // An item's own orgUnit and period, else the top-level defaults. An item's empty code was
  // reported when it was read.
  void ResolveDhis2(Item& item, bool has_unit, std::string_view unit_code, bool has_period,
                    std::string_view period_text) {
    const std::string_view unit = has_unit ? unit_code : std::string_view(default_unit_);
    const std::string_view period = has_period ? period_text : std::string_view(default_period_);
    if (!unit.empty()) {
      ResolveUnitCode(item, unit);
    } else if (!has_unit) {
      Report(item, "orgUnit", "required", "this field is required (here or at the top level)");
    }
    if (!period.empty()) {
      ParsePeriod(item, period);
    } else if (!has_period) {
      Report(item, "period", "required", "this field is required (here or at the top level)");
    }
  }

  JsonTokenizer tokenizer_;
  int depth_ = 0;
  int skip_depth_ = -1;  // >= 0: inside a container being skipped, which started at this depth
  bool root_object_ = false;
  bool root_seen_list_ = false;
  Shape shape_ = Shape::kUnknown;
  std::string root_key_;
  std::string item_key_;
  std::size_t index_ = 0;  // the next item's position in the list
  Current current_;
  std::string default_unit_;
  std::string default_period_;
  std::vector<Deferred> deferred_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// IngestRequest and Ingest

IngestRequest::IngestRequest(std::unique_ptr<IngestParser> parser) : parser_(std::move(parser)) {}
IngestRequest::~IngestRequest() = default;

bool IngestRequest::Write(std::string_view bytes) { return parser_->Write(bytes); }
Result<IngestSummary> IngestRequest::Finish() { return parser_->Finish(); }
BodyFault IngestRequest::fault() const { return parser_->fault(); }

Ingest::Ingest(Store& store, ValueCommitter& committer, IngestOptions options)
    : store_(store), committer_(committer), options_(std::move(options)) {}

Result<IngestParams> ParseIngestParams(const QueryParams& query) {
  IngestParams params;
  for (const auto& [name, value] : query) {
    const std::string echoed = EchoForMessage(name);
    if (name == "dryRun") {
      if (value != "true" && value != "false") {
        return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", echoed),
                    {ErrorDetail{0, echoed,
                                 FieldMessage("invalid", fmt::format("expected true or false, "
                                                                     "got \"{}\"",
                                                                     EchoForMessage(value)))}});
      }
      params.dry_run = value == "true";
    } else if (name == "dataElementIdScheme" || name == "orgUnitIdScheme" || name == "idScheme") {
      if (auto ok = CheckCodeIdScheme(name, value); !ok) return std::unexpected(ok.error());
    } else {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("invalid query parameter {}", echoed),
                  {ErrorDetail{0, echoed,
                               FieldMessage("unknown_field",
                                            fmt::format("unknown parameter \"{}\"; accepted: "
                                                        "dryRun, dataElementIdScheme, "
                                                        "orgUnitIdScheme, idScheme",
                                                        echoed))}});
    }
  }
  return params;
}

Result<std::unique_ptr<IngestRequest>> Ingest::Begin(const Principal& principal,
                                                     IngestFormat format,
                                                     const IngestParams& params) const {
  auto request = Begin(principal, format);
  if (request) (*request)->parser_->SetDryRun(params.dry_run);
  return request;
}

Result<std::unique_ptr<IngestRequest>> Ingest::Begin(const Principal& principal,
                                                     IngestFormat format) const {
  auto catalog = std::make_unique<IngestCatalog>();
  auto tree = LoadOrgTree(store_);
  if (!tree) return std::unexpected(tree.error());
  catalog->tree = std::move(*tree);
  if (!AccessPolicy(catalog->tree).CanWriteValues(principal, principal.scope)) {
    return Fail(ErrorCode::kPermissionDenied, "you may not enter data");
  }
  auto indicators = store_.Indicators();
  if (!indicators) return std::unexpected(indicators.error());
  catalog->indicators = std::move(*indicators);
  for (std::size_t i = 0; i < catalog->indicators.size(); ++i) {
    catalog->by_code.emplace(catalog->indicators[i].code, i);
    catalog->by_id.emplace(catalog->indicators[i].id.value, i);
  }
  for (const Indicator& i : catalog->indicators) {
    if (i.unit_aggregation != UnitAggregation::kRatio) continue;
    const Indicator* numerator = catalog->IndicatorById(i.numerator.value);
    const Indicator* denominator = catalog->IndicatorById(i.denominator.value);
    if (numerator != nullptr && denominator != nullptr) {
      catalog->ratio_inputs.emplace_back(numerator, denominator);
    }
  }
  std::unique_ptr<IngestParser> parser;
  if (format == IngestFormat::kCsv) {
    auto csv = std::make_unique<CsvIngest>(std::move(catalog), principal, committer_, options_);
    csv->SetMaxLine(options_.max_token_bytes);
    parser = std::move(csv);
  } else {
    parser = std::make_unique<JsonIngest>(std::move(catalog), principal, committer_, options_);
  }
  return std::unique_ptr<IngestRequest>(new IngestRequest(std::move(parser)));
}

}  // namespace planwatch
