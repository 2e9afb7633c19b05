// Fuzz target for ReadXlsx. An input starting with "PK" is read as a whole .xlsx file; any other
// input is XML for one part of an otherwise valid workbook (the first byte picks the part: the
// sheet, the shared strings, the styles, the workbook or its relationships), so that mutations
// reach the XML readers rather than dying on the zip's checksums. For any input: the result
// holds every limit and row/cell invariant, failures are invalid_argument with the reader's
// message, and smaller limits only ever turn a success into an error.
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "planwatch/documents/xlsx_reader.h"

namespace {

using planwatch::ErrorCode;
using planwatch::Result;
using planwatch::XlsxBook;
using planwatch::XlsxLimits;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// A zip archive of `parts` (name, content), built in memory.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  Check(buffer != nullptr);
  zip_t* zip = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  Check(zip != nullptr);
  zip_source_keep(buffer);
  for (const auto& [name, content] : parts) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    Check(source != nullptr);
    Check(zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
  }
  Check(zip_close(zip) == 0);
  zip_stat_t stat;
  zip_stat_init(&stat);
  std::string bytes;
  Check(zip_source_stat(buffer, &stat) == 0);
  bytes.resize(stat.size);
  Check(zip_source_open(buffer) == 0);
  Check(zip_source_read(buffer, bytes.data(), bytes.size()) == static_cast<zip_int64_t>(stat.size));
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return bytes;
}

std::string Workbook(std::string_view part_xml, unsigned which) {
  const std::string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const std::string rels_open =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml",
       R"(<?xml version="1.0" encoding="UTF-8"?>)"
       R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
       R"(<Default Extension="xml" ContentType="application/xml"/></Types>)"},
      {"_rels/.rels", rels_open + R"(<Relationship Id="rId1" Type=")" + rel +
                          R"(/officeDocument" Target="xl/workbook.xml"/></Relationships>)"},
      {"xl/workbook.xml", R"(<workbook xmlns=")" + main + R"(" xmlns:r=")" + rel + R"(">)" +
                              R"(<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>)" +
                              "</workbook>"},
      {"xl/_rels/workbook.xml.rels", rels_open + R"(<Relationship Id="rId1" Type=")" + rel +
                                         R"(/worksheet" Target="worksheets/sheet1.xml"/>)" +
                                         R"(<Relationship Id="rId2" Type=")" + rel +
                                         R"(/sharedStrings" Target="sharedStrings.xml"/>)" +
                                         R"(<Relationship Id="rId3" Type=")" + rel +
                                         R"(/styles" Target="styles.xml"/>)" + "</Relationships>"},
      {"xl/worksheets/sheet1.xml",
       R"(<worksheet xmlns=")" + main + R"(">)" +
           R"(<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45000.5</v></c>)"
           R"(</row></sheetData></worksheet>)"},
      {"xl/sharedStrings.xml",
       R"(<sst xmlns=")" + main + R"(">)" +
           R"(<si><t>a</t></si><si><r><t>b</t></r><r><t>c</t></r></si></sst>)"},
      {"xl/styles.xml",
       R"(<styleSheet xmlns=")" + main + R"(">)" +
           R"(<numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>)"
           R"(<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>)"},
  };
  static constexpr const char* kTargets[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                             "xl/styles.xml", "xl/workbook.xml",
                                             "xl/_rels/workbook.xml.rels"};
  const std::string target = kTargets[which % 5];
  for (auto& [name, content] : parts) {
    if (name == target) content = std::string(part_xml);
  }
  return Zip(parts);
}

void CheckBook(const Result<XlsxBook>& book, const XlsxLimits& limits) {
  if (!book.has_value()) {
    Check(book.error().code == ErrorCode::kInvalidArgument);
    const std::string& message = book.error().message;
    Check(message.starts_with("the file is not a valid .xlsx") ||
          message.starts_with("the workbook is too large"));
    return;
  }
  Check(book->sheets.size() <= limits.max_sheets);
  std::size_t cells = 0;
  for (const auto& sheet : book->sheets) {
    int previous = 0;
    for (const auto& row : sheet.rows) {
      Check(row.number > previous);
      Check(static_cast<std::size_t>(row.number) <= limits.max_rows);
      previous = row.number;
      Check(!row.cells.empty() && !row.cells.back().empty());
      Check(row.cells.size() <= limits.max_columns);
      for (const std::string& cell : row.cells) {
        Check(cell.size() <= limits.max_cell_bytes);
        cells += cell.empty() ? 0 : 1;
      }
    }
  }
  Check(cells <= limits.max_cells);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string file;
  if (input.starts_with("PK") || input.empty()) {
    file = std::string(input);
  } else {
    file = Workbook(input.substr(1), static_cast<unsigned char>(input[0]));
  }

  const XlsxLimits limits;
  const Result<XlsxBook> book = planwatch::ReadXlsx(file, limits);
  CheckBook(book, limits);

  const XlsxLimits small{.max_part_bytes = 64 * 1024,
                         .max_total_bytes = 256 * 1024,
                         .max_ratio = 20,
                         .max_cells = 16,
                         .max_rows = 64,
                         .max_columns = 8,
                         .max_cell_bytes = 64,
                         .max_sheets = 2,
                         .max_book_bytes = 4096};
  const Result<XlsxBook> limited = planwatch::ReadXlsx(file, small);
  CheckBook(limited, small);
  if (limited.has_value()) Check(book.has_value() && *book == *limited);
  return 0;
}
