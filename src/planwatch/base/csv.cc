#include "planwatch/base/csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <streambuf>
#include <utility>

namespace planwatch {
namespace {

// A read-only stream buffer over memory, so ParseCsv shares the streaming reader.
class MemoryBuffer : public std::streambuf {
 public:
  explicit MemoryBuffer(std::string_view text) {
    // The get area is never written through: std::streambuf only wants non-const pointers.
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

CsvReader::CsvReader(std::istream& in, CsvOptions options) : in_(in), options_(options) {
  buffer_.resize(std::max<std::size_t>(options_.chunk_bytes, 1));
}

CsvReader::Fill CsvReader::Refill() {
  while (!at_end_) {
    buffer_offset_ += end_;
    pos_ = 0;
    end_ = 0;
    // The first read asks for at least the three bytes of a byte-order mark.
    const std::size_t want = started_ ? buffer_.size() : std::max<std::size_t>(buffer_.size(), 3);
    if (buffer_.size() < want) buffer_.resize(want);
    try {
      in_.read(buffer_.data(), static_cast<std::streamsize>(want));
    } catch (...) {
      // A stream with exceptions() set throws at its end too; only badbit means a failed read.
    }
    if (in_.bad()) return Fill::kFailed;
    end_ = static_cast<std::size_t>(in_.gcount());
    if (end_ < want) at_end_ = true;
    if (!started_) {
      started_ = true;
      if (std::string_view(buffer_.data(), end_).starts_with(kUtf8Bom)) pos_ = kUtf8Bom.size();
    }
    if (pos_ < end_) return Fill::kData;
  }
  return Fill::kEnd;
}

std::unexpected<Error> CsvReader::Stop(int line, std::size_t column, std::string what) {
  std::string message = fmt::format("line {}, column {}: {}", line, column, what);
  error_ = Error{ErrorCode::kInvalidArgument,
                 std::move(message),
                 {ErrorDetail{line, std::to_string(column), std::move(what)}}};
  return std::unexpected(*error_);
}

std::unexpected<Error> CsvReader::StopIo(std::string what) {
  error_ = Error{ErrorCode::kUnavailable, std::move(what), {}};
  return std::unexpected(*error_);
}

std::unexpected<Error> CsvReader::InvalidUtf8(int line, std::size_t column, bool continuing,
                                              std::uint64_t offset) {
  return Stop(
      line, column,
      fmt::format("invalid UTF-8 at byte offset {}", continuing ? sequence_offset_ : offset));
}

Result<bool> CsvReader::Next(CsvRecord& out) {
  if (error_) return std::unexpected(*error_);
  // The strings of `out.fields` are reused, so a caller that passes the same record every time
  // reads without allocating once the fields have grown to their usual size.
  std::size_t count = 0;  // completed fields of this record
  auto start_field = [&]() -> std::string& {
    if (count == out.fields.size()) out.fields.emplace_back();
    out.fields[count].clear();
    return out.fields[count];
  };
  std::string* field = &start_field();
  State state = State::kFieldStart;
  bool in_record = false;  // a byte of this record has been read
  int quote_line = 0;      // where the open quoted field started

  auto column = [&] { return count + 1; };
  auto field_too_long = [&](int line) {
    return Stop(line, column(),
                fmt::format("field is longer than {} bytes", options_.max_field_bytes));
  };
  // Ends the current field; false when that makes too many fields.
  auto end_field = [&] {
    ++count;
    if (count > options_.max_fields) return false;
    field = &start_field();
    return true;
  };
  auto too_many_fields = [&](int line) {
    return Stop(line, count, fmt::format("record has more than {} fields", options_.max_fields));
  };
  auto finish_record = [&] {
    out.fields.resize(count);
    return true;
  };

  for (;;) {
    if (pos_ == end_) {
      const Fill fill = Refill();
      if (fill == Fill::kFailed) {
        return StopIo(fmt::format("cannot read CSV input at byte {}", buffer_offset_ + end_));
      }
      if (fill == Fill::kEnd) break;
    }

    // Inside a field, runs of bytes that neither end the field nor count lines are validated and
    // copied in one step; everything else goes byte by byte below.
    if (state == State::kUnquoted || state == State::kQuoted) {
      const bool quoted = state == State::kQuoted;
      std::size_t run = pos_;
      while (run < end_) {
        const auto c = static_cast<unsigned char>(buffer_[run]);
        if (c < 0x80) {
          if (utf8_.InSequence() || c == '"' || c == '\r' || c == '\n' || (c == ',' && !quoted)) {
            break;
          }
        } else {
          const bool continuing = utf8_.InSequence();
          if (!continuing) sequence_offset_ = buffer_offset_ + run;
          if (!utf8_.Push(c)) return InvalidUtf8(line_, column(), continuing, buffer_offset_ + run);
        }
        ++run;
      }
      if (run > pos_) {
        field->append(buffer_.data() + pos_, run - pos_);
        pos_ = run;
        after_cr_ = false;
        if (field->size() > options_.max_field_bytes) return field_too_long(line_);
        if (pos_ == end_) continue;
      }
    }

    const auto c = static_cast<unsigned char>(buffer_[pos_]);
    const std::uint64_t offset = buffer_offset_ + pos_;
    ++pos_;

    if (c >= 0x80 || utf8_.InSequence()) {
      const bool continuing = utf8_.InSequence();
      if (!continuing) sequence_offset_ = offset;
      if (!utf8_.Push(c)) return InvalidUtf8(line_, column(), continuing, offset);
    }

    const int byte_line = line_;
    if (c == '\r' || (c == '\n' && !after_cr_)) ++line_;
    after_cr_ = c == '\r';
    const bool line_break = c == '\r' || c == '\n';

    if (!in_record) {
      if (line_break) continue;  // an empty line, or the LF of a CRLF that ended the last record
      in_record = true;
      out.line = byte_line;
    }

    switch (state) {
      case State::kFieldStart:
      case State::kUnquoted:
        if (c == ',') {
          if (!end_field()) return too_many_fields(byte_line);
          state = State::kFieldStart;
        } else if (line_break) {
          if (!end_field()) return too_many_fields(byte_line);
          return finish_record();
        } else if (c == '"') {
          if (state == State::kUnquoted) {
            return Stop(byte_line, column(), "bare quote \" in an unquoted field");
          }
          state = State::kQuoted;
          quote_line = byte_line;
        } else {
          if (field->size() == options_.max_field_bytes) return field_too_long(byte_line);
          field->push_back(static_cast<char>(c));
          state = State::kUnquoted;
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          state = State::kAfterQuote;
        } else {
          if (field->size() == options_.max_field_bytes) return field_too_long(byte_line);
          field->push_back(static_cast<char>(c));
        }
        break;
      case State::kAfterQuote:
        if (c == '"') {  // "" inside quotes
          if (field->size() == options_.max_field_bytes) return field_too_long(byte_line);
          field->push_back('"');
          state = State::kQuoted;
        } else if (c == ',') {
          if (!end_field()) return too_many_fields(byte_line);
          state = State::kFieldStart;
        } else if (line_break) {
          if (!end_field()) return too_many_fields(byte_line);
          return finish_record();
        } else {
          return Stop(byte_line, column(), "character after the closing quote of a field");
        }
        break;
    }
  }

  // End of input.
  if (utf8_.InSequence()) {
    return Stop(line_, column(),
                fmt::format("invalid UTF-8 at byte offset {} (truncated at the end of input)",
                            sequence_offset_));
  }
  if (state == State::kQuoted) {
    return Stop(quote_line, column(),
                fmt::format("quoted field opened on line {} is not closed", quote_line));
  }
  if (!in_record) {
    out.fields.clear();
    return false;
  }
  if (!end_field()) return too_many_fields(line_);
  return finish_record();
}

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, CsvOptions options) {
  MemoryBuffer buffer(text);
  std::istream in(&buffer);
  CsvReader reader(in, options);
  std::vector<CsvRecord> records;
  for (;;) {
    CsvRecord record;
    Result<bool> more = reader.Next(record);
    if (!more) return std::unexpected(std::move(more.error()));
    if (!*more) return records;
    records.push_back(std::move(record));
  }
}

void AppendCsvField(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.front() == '\t' ||
                                         field.back() == ' ' || field.back() == '\t')) ||
                     field.starts_with(kUtf8Bom);
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string CsvLine(std::span<const std::string> fields) {
  std::string out;
  if (fields.size() == 1 && fields.front().empty()) {
    out = "\"\"";
  } else {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendCsvField(out, fields[i]);
    }
  }
  out += "\r\n";
  return out;
}

}  // namespace planwatch
