// Fuzz target for CsvReader and the CSV writer. For any input: reading with different chunk sizes
// gives the same outcome; input that reads is valid UTF-8; and every record, written back with
// CsvLine and read again, keeps its fields exactly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/csv.h"
#include "planwatch/base/text.h"

namespace {

using planwatch::CsvOptions;
using planwatch::CsvRecord;
using planwatch::ParseCsv;
using planwatch::Result;

bool SameOutcome(const Result<std::vector<CsvRecord>>& a, const Result<std::vector<CsvRecord>>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (a.has_value()) return *a == *b;
  return a.error().code == b.error().code && a.error().message == b.error().message &&
         a.error().details == b.error().details;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const Result<std::vector<CsvRecord>> records = ParseCsv(text);
  // Splitting the input at every byte (a "" pair, a CRLF, a UTF-8 sequence) must not matter.
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{5}}) {
    if (!SameOutcome(records, ParseCsv(text, CsvOptions{.chunk_bytes = chunk}))) __builtin_trap();
  }
  // Small limits only ever turn success into an error, never change the records.
  const Result<std::vector<CsvRecord>> limited =
      ParseCsv(text, CsvOptions{.max_field_bytes = 8, .max_fields = 4, .chunk_bytes = 3});
  if (limited.has_value() && !SameOutcome(records, limited)) __builtin_trap();

  const std::string folded = planwatch::FoldForSearch(text);
  if (folded.size() > text.size()) __builtin_trap();

  if (!records.has_value()) return 0;
  if (planwatch::FirstInvalidUtf8(text).has_value()) __builtin_trap();

  std::string written;
  for (const CsvRecord& record : *records) {
    if (record.fields.empty()) __builtin_trap();
    written += planwatch::CsvLine(record.fields);
  }
  const Result<std::vector<CsvRecord>> again = ParseCsv(written);
  if (!again.has_value() || again->size() != records->size()) __builtin_trap();
  for (std::size_t i = 0; i < records->size(); ++i) {
    if ((*again)[i].fields != (*records)[i].fields) __builtin_trap();
  }
  return 0;
}
