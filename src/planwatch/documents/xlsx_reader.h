// Reads the cells of an .xlsx workbook (Office Open XML spreadsheet) that people upload, as text.
// Pure: no I/O beyond the bytes given, no clock; thread-compatible (calls share no state, so
// several threads may read different workbooks at once).
//
// The reader treats every file as hostile. The zip is read with libzip and every part is streamed
// through expat in 64 KiB chunks: no part is ever inflated whole into memory (the shared-strings
// table is the only part kept, and it is bounded by max_part_bytes), inflated sizes are counted
// while inflating (the sizes a zip declares are used only to refuse early, never trusted), and a
// DOCTYPE or entity declaration in any part is refused, so neither entity expansion nor external
// entities can happen.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"

namespace planwatch {

// Every bound the reader enforces; each is inclusive (a value equal to the limit is allowed).
struct XlsxLimits {
  std::size_t max_file_bytes = std::size_t{64} << 20;  // the .xlsx itself
  // Any one part once inflated, counted while inflating.
  std::size_t max_part_bytes = std::size_t{256} << 20;
  std::size_t max_total_bytes = std::size_t{512} << 20;  // all parts read, inflated
  // A part that inflates beyond 1 MiB may not inflate more than this many times its compressed
  // size (a zip bomb otherwise).
  std::size_t max_ratio = 200;
  std::size_t max_cells = 5'000'000;        // non-empty cells over the workbook
  std::size_t max_rows = 1'048'576;         // highest row number (Excel's own limit)
  std::size_t max_columns = 16'384;         // columns per sheet, A..XFD (Excel's own limit)
  std::size_t max_cell_bytes = 32'767 * 4;  // UTF-8 bytes of one cell's text (or shared string)
  std::size_t max_sheets = 255;
  // Memory of the returned book: every cell slot of a row (blank slots before a value included)
  // counts sizeof(std::string), plus the bytes of its text. Bounds what a small sheet of sparse,
  // far-apart cells or of one long shared string used many times would cost.
  std::size_t max_book_bytes = std::size_t{512} << 20;
};

struct XlsxRow {
  int number = 0;                  // 1-based row number, as Excel shows it
  std::vector<std::string> cells;  // index = 0-based column; "" for a blank cell; never ends
                                   // with a blank cell and never empty

  friend bool operator==(const XlsxRow&, const XlsxRow&) = default;
};

struct XlsxSheet {
  std::string name;           // as in the workbook's tab
  std::vector<XlsxRow> rows;  // increasing row numbers; rows without any value are left out

  friend bool operator==(const XlsxSheet&, const XlsxSheet&) = default;
};

struct XlsxBook {
  std::vector<XlsxSheet> sheets;  // worksheets in tab order (chart and dialog sheets left out)

  friend bool operator==(const XlsxBook&, const XlsxBook&) = default;
};

// The worksheets of the .xlsx file `bytes`, every cell as text:
// - shared and inline strings as written (rich-text runs concatenated, phonetic runs left out);
// - booleans "true"/"false"; error cells as their text ("#N/A"); a formula's cached value;
// - numbers as the shortest decimal that reads back to the same double ("93.2", "2025",
//   "1e+21"); a number whose cell style is a date or time format (built-in formats 14–22 and
//   45–47, or a custom format with d, m, y, h or s outside quotes and brackets) as "YYYY-MM-DD"
//   when it is a whole day once rounded to the second, else "YYYY-MM-DDTHH:MM:SS". The 1900
//   date system repeats Excel's leap-year bug: serial 60 (Excel's 1900-02-29, a day that never
//   was) reads as 1900-02-28, serial 61 as 1900-03-01. The 1904 system is honoured. A date-styled
//   number before the epoch or after 9999-12-31 stays a number.
// Errors, each naming the part (and the sheet and cell) at fault:
// - invalid_argument "the file is not a valid .xlsx: …" for anything that is not a well-formed
//   workbook: not a zip or a truncated one, a missing [Content_Types].xml or workbook, an
//   encrypted part or one compressed other than stored/deflated, a damaged part (CRC), malformed
//   XML (with expat's line and column), a DOCTYPE or entity declaration, a part that inflates
//   beyond max_part_bytes, all parts beyond max_total_bytes or a part beyond max_ratio
//   ("(zip bomb?)"), a sheet whose relationship is missing, a bad cell or row reference, rows
//   or cells out of order, a shared-string index out of range, a malformed number or boolean;
// - invalid_argument "the workbook is too large: …" when a limit on its content is passed
//   (file size, sheets, rows, columns, cells, bytes of a cell, size of the book), naming the
//   limit and the sheet;
// - internal when a library fails for its own reasons (out of memory).
Result<XlsxBook> ReadXlsx(std::string_view bytes, const XlsxLimits& limits = {});

// Excel's name of the 0-based column `index`: 0 → "A", 25 → "Z", 26 → "AA", 16383 → "XFD".
std::string XlsxColumnName(std::size_t index);

// Excel's A1 reference of the 0-based `column` in the 1-based `row`: (5, 7) → "F7".
std::string XlsxCellRef(std::size_t column, int row);

}  // namespace planwatch
