// CSV reading and writing per RFC 4180, for the import and export formats of
// docs/import-formats.md. Reads from a std::istream in chunks, so a file of any size streams
// through a bounded amount of memory; writes into std::string.
//
// Dialect read:
// - fields are separated by `,`; a field may be quoted with `"`, and `""` inside quotes is one `"`;
//   quoted fields may hold `,`, `"`, CR and LF;
// - a record ends at CRLF, LF, or a lone CR (outside quotes); line breaks inside quotes are kept in
//   the field byte for byte;
// - a UTF-8 byte-order mark at the very start of the stream is skipped (anywhere else it is data);
// - a completely empty line (no bytes between two line breaks) is skipped: it is not a record with
//   one empty field; write such a record as `""`;
// - a line break at the end of the input does not start another record;
// - fields are not trimmed: `a, b` has the fields "a" and " b";
// - every byte must be valid UTF-8 (see FirstInvalidUtf8 in text.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/base/text.h"

namespace planwatch {

struct CsvRecord {
  // 1-based physical line of the record's first byte. A line break inside a quoted field counts,
  // so the record after it starts further down; skipped empty lines count too. CRLF, LF and a lone
  // CR each end one line.
  int line = 0;
  std::vector<std::string> fields;  // at least one; in input order, unquoted and unescaped

  friend bool operator==(const CsvRecord&, const CsvRecord&) = default;
};

struct CsvOptions {
  // The longest field accepted, in bytes after unquoting. Default 1 MiB.
  std::size_t max_field_bytes = std::size_t{1} << 20;
  // The most fields one record may have. Default 1,000.
  std::size_t max_fields = 1000;
  // How many bytes the reader asks the stream for at a time (minimum 1). Default 64 KiB.
  std::size_t chunk_bytes = std::size_t{64} << 10;
};

// Reads records one at a time from `in`, which must outlive the reader. Not thread-safe.
// Memory: one chunk plus the current record, which the options bound.
//
// Errors are invalid_argument with one ErrorDetail: `line` is the physical line where the problem
// is, `field` is the 1-based column (field number) as a decimal string, and the message says
// "line L, column C: what". They are:
// - a `"` inside an unquoted field ("bare quote");
// - anything but `,`, a line break or the end of input after a closing quote;
// - a quoted field still open at the end of input (line and column are where the field started);
// - invalid UTF-8 (the message also gives the 0-based byte offset of the bad sequence in the
//   stream, counting a byte-order mark);
// - a field longer than max_field_bytes, a record with more than max_fields fields.
// A stream that fails to read (badbit, or an exception from its buffer) is unavailable.
// After an error every later Next() returns the same error.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in, CsvOptions options = {});

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Fills `out` with the next record and returns true; returns false at the end of the input
  // (`out` is then left with no fields). On error `out` is unspecified.
  Result<bool> Next(CsvRecord& out);

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  enum class Fill { kData, kEnd, kFailed };

  Fill Refill();
  std::unexpected<Error> Stop(int line, std::size_t column, std::string what);
  std::unexpected<Error> StopIo(std::string what);
  std::unexpected<Error> InvalidUtf8(int line, std::size_t column, bool continuing,
                                     std::uint64_t offset);

  std::istream& in_;
  const CsvOptions options_;

  std::vector<char> buffer_;
  std::size_t pos_ = 0;              // next unread byte of buffer_
  std::size_t end_ = 0;              // bytes of buffer_ that hold data
  std::uint64_t buffer_offset_ = 0;  // stream offset of buffer_[0]
  bool started_ = false;             // the byte-order mark has been looked for
  bool at_end_ = false;              // the stream has no more bytes

  int line_ = 1;           // physical line of the next byte
  bool after_cr_ = false;  // the previous byte was CR (so an LF does not start a line)
  Utf8Validator utf8_;
  std::uint64_t sequence_offset_ = 0;  // stream offset of the lead byte of the open sequence

  std::optional<Error> error_;  // set once; returned by every later Next()
};

// Reads every record of `text` (see CsvReader for the dialect and errors).
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, CsvOptions options = {});

// The UTF-8 byte-order mark; write it first for spreadsheets that guess the encoding.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Appends `field` to `out`, quoted (with `"` doubled) when it contains `,`, `"`, CR or LF, starts
// or ends with a space or tab (so tools that trim keep them), or starts with a byte-order mark
// (which a reader would drop at the start of a file); as is otherwise. `field` is not checked for
// UTF-8.
void AppendCsvField(std::string& out, std::string_view field);

// One record: the fields joined by `,` and ended by CRLF (RFC 4180; Excel and CsvReader also read
// LF). A record of one empty field is written `""` so it does not read back as an empty line; no
// fields give a bare CRLF, which reads back as nothing.
std::string CsvLine(std::span<const std::string> fields);

}  // namespace planwatch
