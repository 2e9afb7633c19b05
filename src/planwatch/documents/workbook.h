// XLSX workbooks for people who work in Excel: sheets with a title row, a bold frozen header
// row with an autofilter, typed cells and column widths. A pure renderer: no I/O beyond a
// private temporary file, no clock; safe to call from several threads at once (each call
// writes its own workbook).
#pragma once

#include <string>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"

namespace planwatch {

enum class CellKind {
  kEmpty,
  kText,
  kNumber,   // shown with Cell::number_format ("General" when empty)
  kPercent,  // `number` is a fraction (0.733 shows as 73.3%)
  kDate,     // shown dd/mm/yyyy, stored as an Excel date (so it sorts and filters as a date)
};

struct Cell {
  CellKind kind = CellKind::kEmpty;
  std::string text;   // kText: UTF-8
  double number = 0;  // kNumber, kPercent
  // kNumber: an Excel number format such as "#,##0" or "0.0"; empty: General.
  std::string number_format;
  Date date;  // kDate

  static Cell Empty() { return Cell{}; }
  static Cell Text(std::string text);
  static Cell Number(double value, std::string format = {});
  static Cell Percent(double fraction);
  static Cell On(Date date);

  friend bool operator==(const Cell&, const Cell&) = default;
};

struct Column {
  std::string header;  // UTF-8, shown bold in the header row
  double width = 12;   // in Excel character widths (0 < width <= 255)
  // Written as a comment on the header cell (what the column holds); empty: none.
  std::string hint = {};
  // A drop-down list of these values on the column's data cells (row 3 to the last data row, at
  // least to row kChoiceRows + 2); other values are refused. Empty: none. Together, with one
  // comma between values, at most 255 characters (Excel's limit), and no value holds a comma.
  std::vector<std::string> choices = {};
};

// How many rows below the header a drop-down list covers at least, so rows added by hand get it.
inline constexpr int kChoiceRows = 1000;

// One worksheet: row 1 is `title` (bold, larger), row 2 the column headers (bold, frozen, with
// an autofilter over the data), data from row 3.
struct Sheet {
  // 1–31 characters, none of []:*?/\ , unique in the workbook (ignoring ASCII case).
  std::string name;
  std::string title;
  std::vector<Column> columns;  // at least one
  // Each row has at most columns.size() cells; missing trailing cells are empty.
  std::vector<std::vector<Cell>> rows;
};

struct Workbook {
  std::vector<Sheet> sheets;  // at least one, in tab order
};

// The .xlsx file's bytes. invalid_argument, naming the sheet (and the row), for a workbook
// without sheets, a bad or duplicate sheet name, a sheet without columns, a column width out of
// range, choices over Excel's limit, a row longer than the columns, or a non-finite number;
// internal when the library fails (its message included).
Result<std::string> RenderWorkbook(const Workbook& workbook);

}  // namespace planwatch
