#include "planwatch/documents/workbook.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

namespace planwatch {
namespace {

// Excel's serial day number of 1970-01-01 (day 0 of Date).
constexpr double kExcelEpochOffset = 25569;
// Excel's limits: characters in a cell, rows in a sheet.
constexpr std::size_t kMaxCellBytes = 32767;
constexpr std::size_t kMaxRows = 1048576;
constexpr std::string_view kDateFormat = "dd/mm/yyyy";
constexpr std::string_view kPercentFormat = "0.0%";

std::size_t CodePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char ch : text) n += (ch & 0xC0) != 0x80;
  return n;
}

// Cuts `text` to Excel's cell limit on a UTF-8 boundary, marking the cut with an ellipsis.
std::string FitCell(std::string_view text) {
  if (text.size() <= kMaxCellBytes) return std::string(text);
  std::size_t end = kMaxCellBytes - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "\u2026";
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

Status CheckSheet(const Sheet& sheet, std::set<std::string>& names) {
  const std::size_t length = CodePoints(sheet.name);
  if (length == 0 || length > 31) {
    return InvalidArgument(
        fmt::format("sheet name \"{}\" must have 1 to 31 characters", sheet.name));
  }
  if (sheet.name.find_first_of("[]:*?/\\") != std::string::npos) {
    return InvalidArgument(
        fmt::format("sheet name \"{}\" must not contain any of []:*?/\\", sheet.name));
  }
  if (!names.insert(AsciiLower(sheet.name)).second) {
    return InvalidArgument(fmt::format("sheet name \"{}\" is used twice", sheet.name));
  }
  if (sheet.columns.empty()) {
    return InvalidArgument(fmt::format("sheet \"{}\" has no columns", sheet.name));
  }
  for (std::size_t c = 0; c < sheet.columns.size(); ++c) {
    const double width = sheet.columns[c].width;
    if (!(width > 0 && width <= 255)) {
      return InvalidArgument(
          fmt::format("sheet \"{}\" column {} (\"{}\"): width {} is not in (0, 255]", sheet.name,
                      c + 1, sheet.columns[c].header, width));
    }
  }
  for (const Column& column : sheet.columns) {
    std::size_t list_length = 0;
    for (const std::string& choice : column.choices) {
      list_length += choice.size() + (list_length > 0 ? 1 : 0);
      if (choice.empty() || choice.find(',') != std::string::npos) {
        return InvalidArgument(
            fmt::format("sheet \"{}\" column \"{}\": choice \"{}\" is empty or "
                        "holds a comma",
                        sheet.name, column.header, choice));
      }
    }
    if (list_length > 255) {
      return InvalidArgument(fmt::format(
          "sheet \"{}\" column \"{}\": the choices are longer than Excel's 255 characters",
          sheet.name, column.header));
    }
  }
  if (sheet.rows.size() + 2 > kMaxRows) {
    return InvalidArgument(fmt::format("sheet \"{}\" has {} rows, more than Excel holds",
                                       sheet.name, sheet.rows.size()));
  }
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const auto& row = sheet.rows[r];
    if (row.size() > sheet.columns.size()) {
      return InvalidArgument(fmt::format("sheet \"{}\" row {} has {} cells for {} columns",
                                         sheet.name, r + 1, row.size(), sheet.columns.size()));
    }
    for (const Cell& cell : row) {
      if ((cell.kind == CellKind::kNumber || cell.kind == CellKind::kPercent) &&
          !std::isfinite(cell.number)) {
        return InvalidArgument(
            fmt::format("sheet \"{}\" row {} has a number that is not finite", sheet.name, r + 1));
      }
    }
  }
  return {};
}

struct WorkbookCloser {
  void operator()(lxw_workbook* wb) const { workbook_close(wb); }
};

// A private temporary file, removed when this goes out of scope.
class TempFile {
 public:
  static Result<TempFile> Create() {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string name = (dir / "planwatch-workbook-XXXXXX.xlsx").string();
    const int fd = mkstemps(name.data(), 5);
    if (fd < 0) {
      return Internal(fmt::format("cannot create a temporary file in {}: {}", dir.string(),
                                  std::strerror(errno)));
    }
    close(fd);
    return TempFile(std::move(name));
  }
  TempFile(TempFile&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Status LibraryError(lxw_error error, std::string_view what) {
  if (error == LXW_NO_ERROR) return {};
  return Internal(fmt::format("writing the workbook ({}): {}", what, lxw_strerror(error)));
}

// The formats of one workbook, made once each.
class Formats {
 public:
  explicit Formats(lxw_workbook* wb) : wb_(wb) {
    title_ = workbook_add_format(wb_);
    format_set_bold(title_);
    format_set_font_size(title_, 14);
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
    format_set_bg_color(header_, 0xDCE6F1);
    format_set_bottom(header_, LXW_BORDER_THIN);
    format_set_text_wrap(header_);
    format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);
    text_ = workbook_add_format(wb_);
    format_set_align(text_, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(text_);
  }
  lxw_format* title() const { return title_; }
  lxw_format* header() const { return header_; }
  lxw_format* text() const { return text_; }
  lxw_format* Numeric(std::string_view number_format) {
    auto it = numeric_.find(number_format);
    if (it != numeric_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (!number_format.empty()) format_set_num_format(f, std::string(number_format).c_str());
    numeric_.emplace(std::string(number_format), f);
    return f;
  }

 private:
  lxw_workbook* wb_;
  lxw_format* title_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* text_ = nullptr;
  std::map<std::string, lxw_format*, std::less<>> numeric_;
};

Status WriteCell(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const Cell& cell,
                 Formats& formats) {
  switch (cell.kind) {
    case CellKind::kEmpty:
      return {};
    case CellKind::kText: {
      const std::string text = FitCell(cell.text);
      if (text.empty()) return {};
      return LibraryError(worksheet_write_string(ws, row, col, text.c_str(), formats.text()),
                          "text cell");
    }
    case CellKind::kNumber:
      return LibraryError(
          worksheet_write_number(ws, row, col, cell.number, formats.Numeric(cell.number_format)),
          "number cell");
    case CellKind::kPercent:
      return LibraryError(
          worksheet_write_number(ws, row, col, cell.number, formats.Numeric(kPercentFormat)),
          "percent cell");
    case CellKind::kDate:
      return LibraryError(
          worksheet_write_number(ws, row, col, cell.date.days_since_epoch() + kExcelEpochOffset,
                                 formats.Numeric(kDateFormat)),
          "date cell");
  }
  return {};
}

Status WriteSheet(lxw_workbook* wb, const Sheet& sheet, Formats& formats) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
  if (ws == nullptr) {
    return Internal(fmt::format("the library refused sheet \"{}\"", sheet.name));
  }
  const auto last_col = static_cast<lxw_col_t>(sheet.columns.size() - 1);
  for (lxw_col_t c = 0; c <= last_col; ++c) {
    if (auto s = LibraryError(worksheet_set_column(ws, c, c, sheet.columns[c].width, nullptr),
                              "column width");
        !s) {
      return s;
    }
  }
  if (!sheet.title.empty()) {
    if (auto s = LibraryError(
            worksheet_write_string(ws, 0, 0, FitCell(sheet.title).c_str(), formats.title()),
            "title");
        !s) {
      return s;
    }
    worksheet_set_row(ws, 0, 22, nullptr);
  }
  for (lxw_col_t c = 0; c <= last_col; ++c) {
    const std::string header = FitCell(sheet.columns[c].header);
    const lxw_error e = header.empty()
                            ? worksheet_write_blank(ws, 1, c, formats.header())
                            : worksheet_write_string(ws, 1, c, header.c_str(), formats.header());
    if (auto s = LibraryError(e, "header"); !s) return s;
  }
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(r + 2);
    for (std::size_t c = 0; c < sheet.rows[r].size(); ++c) {
      if (auto s = WriteCell(ws, row, static_cast<lxw_col_t>(c), sheet.rows[r][c], formats); !s) {
        return s;
      }
    }
  }
  for (lxw_col_t c = 0; c <= last_col; ++c) {
    const Column& column = sheet.columns[c];
    if (!column.hint.empty()) {
      lxw_comment_options comment{};
      comment.width = 320;
      comment.height = 120;
      const std::string hint = FitCell(column.hint);
      if (auto s = LibraryError(worksheet_write_comment_opt(ws, 1, c, hint.c_str(), &comment),
                                "header comment");
          !s) {
        return s;
      }
    }
    if (!column.choices.empty()) {
      // The library takes a null-terminated array of mutable C strings.
      std::vector<std::string> values = column.choices;
      std::vector<char*> list;
      for (std::string& value : values) list.push_back(value.data());
      list.push_back(nullptr);
      lxw_data_validation validation{};
      validation.validate = LXW_VALIDATION_TYPE_LIST;
      validation.value_list = list.data();
      const auto last = static_cast<lxw_row_t>(
          std::min(kMaxRows - 1, std::max(sheet.rows.size() + 1, std::size_t{kChoiceRows} + 1)));
      if (auto s = LibraryError(worksheet_data_validation_range(ws, 2, c, last, c, &validation),
                                "drop-down list");
          !s) {
        return s;
      }
    }
  }
  worksheet_freeze_panes(ws, 2, 0);
  const auto last_row = static_cast<lxw_row_t>(sheet.rows.size() + 1);
  return LibraryError(worksheet_autofilter(ws, 1, 0, last_row, last_col), "autofilter");
}

}  // namespace

Cell Cell::Text(std::string text) {
  Cell c;
  c.kind = CellKind::kText;
  c.text = std::move(text);
  return c;
}

Cell Cell::Number(double value, std::string format) {
  Cell c;
  c.kind = CellKind::kNumber;
  c.number = value;
  c.number_format = std::move(format);
  return c;
}

Cell Cell::Percent(double fraction) {
  Cell c;
  c.kind = CellKind::kPercent;
  c.number = fraction;
  return c;
}

Cell Cell::On(Date date) {
  Cell c;
  c.kind = CellKind::kDate;
  c.date = date;
  return c;
}

Result<std::string> RenderWorkbook(const Workbook& workbook) {
  if (workbook.sheets.empty()) return InvalidArgument("a workbook needs at least one sheet");
  std::set<std::string> names;
  for (const Sheet& sheet : workbook.sheets) {
    if (auto ok = CheckSheet(sheet, names); !ok) return std::unexpected(ok.error());
  }

  auto file = TempFile::Create();
  if (!file) return std::unexpected(file.error());
  {
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;  // shared strings, so text is stored once
    std::unique_ptr<lxw_workbook, WorkbookCloser> wb(
        workbook_new_opt(file->path().c_str(), &options));
    if (!wb) return Internal("cannot start a workbook");
    Formats formats(wb.get());
    for (const Sheet& sheet : workbook.sheets) {
      if (auto ok = WriteSheet(wb.get(), sheet, formats); !ok) return std::unexpected(ok.error());
    }
    if (auto ok = LibraryError(workbook_close(wb.release()), "close"); !ok) {
      return std::unexpected(ok.error());
    }
  }
  std::ifstream in(file->path(), std::ios::binary);
  if (!in) return Internal(fmt::format("cannot read back {}", file->path()));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) return Internal(fmt::format("the workbook {} came out empty", file->path()));
  return bytes;
}

}  // namespace planwatch
