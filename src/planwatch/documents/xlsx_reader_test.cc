#include "planwatch/documents/xlsx_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zip.h>

#include <cstdint>
#include <cstring>
#include <ctime>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "planwatch/base/date.h"
#include "planwatch/documents/workbook.h"

namespace planwatch {

// gtest prints the values of failed comparisons with these.
void PrintTo(const XlsxRow& row, std::ostream* out) {
  *out << "{" << row.number << ": ";
  for (const std::string& cell : row.cells) *out << "[" << cell << "]";
  *out << "}";
}
void PrintTo(const XlsxSheet& sheet, std::ostream* out) {
  *out << "\n  sheet \"" << sheet.name << "\"";
  for (const XlsxRow& row : sheet.rows) {
    *out << "\n    ";
    PrintTo(row, out);
  }
}
void PrintTo(const XlsxBook& book, std::ostream* out) {
  for (const XlsxSheet& sheet : book.sheets) PrintTo(sheet, out);
}

namespace {

using ::testing::StartsWith;

// ---------------------------------------------------------------------------------------------
// Building zips in memory with libzip.

// A part whose content is `head`, then `unit` `count` times, then `tail`, produced while libzip
// reads it so that a large part never sits in memory.
struct RepeatedContent {
  std::string head, unit, tail;
  std::size_t count = 0;
  std::uint64_t position = 0;
  zip_error_t error{};

  std::uint64_t size() const { return head.size() + unit.size() * count + tail.size(); }
  // Copies up to `length` bytes from `position` on into `out`; how many.
  std::uint64_t Copy(char* out, std::uint64_t length) {
    std::uint64_t done = 0;
    while (done < length && position < size()) {
      std::string_view piece;
      std::uint64_t at = position;
      if (at < head.size()) {
        piece = std::string_view(head).substr(at);
      } else if ((at -= head.size()) < unit.size() * count) {
        piece = std::string_view(unit).substr(at % unit.size());
      } else {
        piece = std::string_view(tail).substr(at - unit.size() * count);
      }
      const std::uint64_t n = std::min<std::uint64_t>(piece.size(), length - done);
      std::memcpy(out + done, piece.data(), n);
      done += n;
      position += n;
    }
    return done;
  }
};

zip_int64_t RepeatedCallback(void* user, void* data, zip_uint64_t length, zip_source_cmd_t cmd) {
  auto* content = static_cast<RepeatedContent*>(user);
  switch (cmd) {
    case ZIP_SOURCE_OPEN:
      content->position = 0;
      return 0;
    case ZIP_SOURCE_READ:
      return static_cast<zip_int64_t>(content->Copy(static_cast<char*>(data), length));
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* stat = static_cast<zip_stat_t*>(data);
      zip_stat_init(stat);
      stat->size = content->size();
      stat->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&content->error, data, length);
    case ZIP_SOURCE_FREE:
      delete content;
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      zip_error_set(&content->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

struct Entry {
  std::string name;
  std::string content;                  // used unless `repeated` is set
  RepeatedContent* repeated = nullptr;  // owned by libzip once added
};

// A zip archive of `entries`, deflated at `level`, built in memory.
std::string Zip(const std::vector<Entry>& entries, int level = 6) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  EXPECT_NE(buffer, nullptr);
  zip_t* zip = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  EXPECT_NE(zip, nullptr);
  zip_source_keep(buffer);
  for (const Entry& entry : entries) {
    zip_source_t* source =
        entry.repeated != nullptr
            ? zip_source_function(zip, &RepeatedCallback, entry.repeated)
            : zip_source_buffer(zip, entry.content.data(), entry.content.size(), 0);
    EXPECT_NE(source, nullptr);
    const zip_int64_t index = zip_file_add(zip, entry.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    EXPECT_GE(index, 0) << entry.name;
    EXPECT_EQ(zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE,
                                       static_cast<zip_uint32_t>(level)),
              0);
  }
  EXPECT_EQ(zip_close(zip), 0) << zip_strerror(zip);
  zip_stat_t stat;
  zip_stat_init(&stat);
  EXPECT_EQ(zip_source_stat(buffer, &stat), 0);
  std::string bytes(stat.size, '\0');
  EXPECT_EQ(zip_source_open(buffer), 0);
  EXPECT_EQ(zip_source_read(buffer, bytes.data(), bytes.size()),
            static_cast<zip_int64_t>(bytes.size()));
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return bytes;
}

std::uint16_t Get16(const std::string& s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                    (static_cast<unsigned char>(s[at + 1]) << 8));
}
std::uint32_t Get32(const std::string& s, std::size_t at) {
  return Get16(s, at) | (static_cast<std::uint32_t>(Get16(s, at + 2)) << 16);
}
void Put16(std::string& s, std::size_t at, std::uint16_t v) {
  s[at] = static_cast<char>(v & 0xFF);
  s[at + 1] = static_cast<char>(v >> 8);
}
void Put32(std::string& s, std::size_t at, std::uint32_t v) {
  Put16(s, at, static_cast<std::uint16_t>(v & 0xFFFF));
  Put16(s, at + 2, static_cast<std::uint16_t>(v >> 16));
}

// The offsets of the central directory header and the local header of the entry `name`.
std::pair<std::size_t, std::size_t> FindEntry(const std::string& zip, const std::string& name) {
  const std::string central_signature("PK\x01\x02", 4);
  for (std::size_t at = zip.find(central_signature); at != std::string::npos;
       at = zip.find(central_signature, at + 4)) {
    const std::size_t name_length = Get16(zip, at + 28);
    if (zip.compare(at + 46, name_length, name) == 0) return {at, Get32(zip, at + 42)};
  }
  ADD_FAILURE() << name << " is not in the zip";
  return {0, 0};
}

// Where the compressed data of `name` starts, and its compressed size.
std::pair<std::size_t, std::size_t> DataOf(const std::string& zip, const std::string& name) {
  const auto [central, local] = FindEntry(zip, name);
  return {local + 30 + Get16(zip, local + 26) + Get16(zip, local + 28), Get32(zip, central + 20)};
}

// ---------------------------------------------------------------------------------------------
// Hand-made workbooks.

constexpr const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelTypes =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string SheetXml(const std::string& rows) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet "
             "xmlns=\"") +
         kMain + "\"><sheetData>" + rows + "</sheetData></worksheet>";
}

std::string SharedStringsXml(const std::vector<std::string>& items) {
  std::string xml = std::string("<sst xmlns=\"") + kMain + "\">";
  for (const std::string& item : items) xml += "<si>" + item + "</si>";
  return xml + "</sst>";
}

std::string StylesXml(const std::string& num_fmts, const std::vector<int>& xf_formats) {
  std::string xml = std::string("<styleSheet xmlns=\"") + kMain + "\"><numFmts>" + num_fmts +
                    "</numFmts><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>";
  for (const int id : xf_formats) xml += "<xf numFmtId=\"" + std::to_string(id) + "\"/>";
  return xml + "</cellXfs></styleSheet>";
}

// The parts of a workbook with one sheet "S" at xl/worksheets/sheet1.xml.
std::map<std::string, std::string> Parts(const std::string& sheet_rows,
                                         const std::string& workbook_pr = "") {
  return {
      {"[Content_Types].xml",
       "<?xml version=\"1.0\"?><Types "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
      {"_rels/.rels",
       std::string("<Relationships "
                   "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                   "<Relationship Id=\"rId1\" Type=\"") +
           kRelTypes + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
      {"xl/workbook.xml", std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRelTypes +
                              "\">" + workbook_pr +
                              "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
                              "</workbook>"},
      {"xl/_rels/workbook.xml.rels",
       std::string("<Relationships "
                   "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                   "<Relationship Id=\"rId1\" Type=\"") +
           kRelTypes +
           "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
           "Type=\"" +
           kRelTypes +
           "/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" "
           "Type=\"" +
           kRelTypes + "/styles\" Target=\"styles.xml\"/></Relationships>"},
      {"xl/worksheets/sheet1.xml", SheetXml(sheet_rows)},
  };
}

std::string ZipParts(const std::map<std::string, std::string>& parts, int level = 6) {
  std::vector<Entry> entries;
  for (const auto& [name, content] : parts) entries.push_back(Entry{name, content});
  return Zip(entries, level);
}

// The rows of the only sheet of the workbook, which must read.
std::vector<XlsxRow> RowsOf(const std::string& file, const XlsxLimits& limits = {}) {
  const auto book = ReadXlsx(file, limits);
  EXPECT_TRUE(book.has_value()) << book.error().ToString();
  if (!book.has_value() || book->sheets.size() != 1) {
    ADD_FAILURE() << "expected one sheet";
    return {};
  }
  return book->sheets[0].rows;
}

// The error of reading `file`, which must fail with invalid_argument.
std::string ErrorOf(const std::string& file, const XlsxLimits& limits = {}) {
  const auto book = ReadXlsx(file, limits);
  EXPECT_FALSE(book.has_value());
  if (book.has_value()) return "";
  EXPECT_EQ(book.error().code, ErrorCode::kInvalidArgument) << book.error().ToString();
  return book.error().message;
}

constexpr const char* kSheetS = "sheet \"S\" (xl/worksheets/sheet1.xml)";

std::string NotXlsx(const std::string& where, const std::string& what) {
  return "the file is not a valid .xlsx: " + where + ": " + what;
}
std::string TooLarge(const std::string& where, const std::string& what) {
  return "the workbook is too large: " + where + ": " + what;
}

// ---------------------------------------------------------------------------------------------

TEST(XlsxColumnName, CountsInBijectiveBase26) {
  EXPECT_EQ(XlsxColumnName(0), "A");
  EXPECT_EQ(XlsxColumnName(25), "Z");
  EXPECT_EQ(XlsxColumnName(26), "AA");
  EXPECT_EQ(XlsxColumnName(27), "AB");
  EXPECT_EQ(XlsxColumnName(701), "ZZ");
  EXPECT_EQ(XlsxColumnName(702), "AAA");
  EXPECT_EQ(XlsxColumnName(16383), "XFD");
  EXPECT_EQ(XlsxCellRef(5, 7), "F7");
  EXPECT_EQ(XlsxCellRef(0, 1), "A1");
  EXPECT_EQ(XlsxCellRef(16383, 1048576), "XFD1048576");
}

Date D(const char* text) { return *Date::Parse(text); }

TEST(ReadXlsx, ReadsBackWhatRenderWorkbookWrote) {
  Sheet tasks;
  tasks.name = "Nhiệm vụ";
  tasks.title = "Kế hoạch 333-KH/TU — đến ngày 31/12/2025";
  tasks.columns = {{"Mã", 8},       {"Đơn vị chủ trì", 30}, {"Hạn", 12},
                   {"Tiến độ", 10}, {"Số bộ dữ liệu", 14},  {"Điểm", 8}};
  tasks.rows = {
      {Cell::Text("NV01"), Cell::Text("Sở Khoa học và Công nghệ"), Cell::On(D("2025-12-31")),
       Cell::Percent(0.733), Cell::Number(658, "#,##0"), Cell::Number(93.2, "0.0")},
      {Cell::Text("NV02"), Cell::Text("Phường Chiềng An"), Cell::Empty(), Cell::Percent(1)},
      {},
      {Cell::Empty(), Cell::Empty(), Cell::On(D("2024-02-29")), Cell::Empty(), Cell::Number(2025),
       Cell::Number(1e21)},
  };
  Sheet ranking;
  ranking.name = "Bảng xếp hạng";
  ranking.columns = {{"Hạng", 6}, {"Đơn vị", 30}};
  ranking.rows = {{Cell::Number(1), Cell::Text("Phường Tô Hiệu")},
                  {Cell::Number(-2.5), Cell::Text("a \"quoted\" <tag> & 'amp'")},
                  {Cell::Number(0.1 + 0.2), Cell::On(D("1970-01-01"))}};
  const auto bytes = RenderWorkbook(Workbook{{tasks, ranking}});
  ASSERT_TRUE(bytes.has_value()) << bytes.error().ToString();

  const auto book = ReadXlsx(*bytes);
  ASSERT_TRUE(book.has_value()) << book.error().ToString();
  const XlsxBook expected{{
      XlsxSheet{
          "Nhiệm vụ",
          {
              XlsxRow{1, {"Kế hoạch 333-KH/TU — đến ngày 31/12/2025"}},
              XlsxRow{2, {"Mã", "Đơn vị chủ trì", "Hạn", "Tiến độ", "Số bộ dữ liệu", "Điểm"}},
              XlsxRow{3,
                      {"NV01", "Sở Khoa học và Công nghệ", "2025-12-31", "0.733", "658", "93.2"}},
              XlsxRow{4, {"NV02", "Phường Chiềng An", "", "1"}},
              XlsxRow{6, {"", "", "2024-02-29", "", "2025", "1e+21"}},
          }},
      XlsxSheet{"Bảng xếp hạng",
                {
                    XlsxRow{2, {"Hạng", "Đơn vị"}},
                    XlsxRow{3, {"1", "Phường Tô Hiệu"}},
                    XlsxRow{4, {"-2.5", "a \"quoted\" <tag> & 'amp'"}},
                    // libxlsxwriter writes 16 significant digits: 0.30000000000000004 as 0.3.
                    XlsxRow{5, {"0.3", "1970-01-01"}},
                }},
  }};
  EXPECT_EQ(*book, expected);
}

TEST(ReadXlsx, ReadsInlineStringsBooleansErrorsAndFormulaValues) {
  const std::string rows =
      "<row r=\"1\">"
      "<c r=\"A1\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> Hà Nội </t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><r><t>Rich </t></r><r><rPr><b/></rPr><t>text</t></r>"
      "<rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh></is></c>"
      "<c r=\"C1\" t=\"b\"><v>1</v></c><c r=\"D1\" t=\"b\"><v>0</v></c>"
      "<c r=\"E1\" t=\"e\"><v>#N/A</v></c>"
      "<c r=\"F1\" t=\"str\"><f>A1&amp;\"x\"</f><v>Hà Nộix</v></c>"
      "<c r=\"G1\"><f>1+1</f><v>2</v></c>"
      "<c r=\"H1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
      "<c r=\"I1\" t=\"s\"><v>1</v></c>"
      "<c r=\"J1\" t=\"n\"><v>1.5E-7</v></c>"
      "<c r=\"K1\"/><c r=\"L1\" t=\"inlineStr\"><is><t></t></is></c>"
      "</row>";
  auto parts = Parts(rows);
  parts["xl/sharedStrings.xml"] =
      SharedStringsXml({"<t>a</t>", "<r><t>Đ</t></r><r><t>ơn vị</t></r><rPh><t>ignored</t></rPh>"});
  EXPECT_EQ(RowsOf(ZipParts(parts)),
            (std::vector<XlsxRow>{XlsxRow{1,
                                          {" Hà Nội ", "Rich text", "true", "false", "#N/A",
                                           "Hà Nộix", "2", "#DIV/0!", "Đơn vị", "1.5e-07"}}}));
}

TEST(ReadXlsx, ShowsDateStyledNumbersAsIsoDates) {
  // Styles: 0 General, 1 built-in 14, 2 built-in 22 (date and time), 3 "dd/mm/yyyy hh:mm",
  // 4 "0.0 \"days\"" (quoted d: a number), 5 "[Red]#,##0" (bracketed d: a number),
  // 6 "[$-409]mmm-yy;@" (a date), 7 "\d0" (escaped d: a number), 8 built-in 10 (percent),
  // 9 built-in 47 (mm:ss.0, a time).
  const std::string num_fmts =
      "<numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy hh:mm\"/>"
      "<numFmt numFmtId=\"165\" formatCode=\"0.0 &quot;days&quot;\"/>"
      "<numFmt numFmtId=\"166\" formatCode=\"[Red]#,##0\"/>"
      "<numFmt numFmtId=\"167\" formatCode=\"[$-409]mmm-yy;@\"/>"
      "<numFmt numFmtId=\"168\" formatCode=\"\\d0\"/>";
  const std::string rows =
      "<row r=\"1\"><c s=\"1\"><v>1</v></c><c s=\"1\"><v>59</v></c><c s=\"1\"><v>60</v></c>"
      "<c s=\"1\"><v>61</v></c><c s=\"1\"><v>45658</v></c><c s=\"1\"><v>2958465</v></c>"
      "<c s=\"1\"><v>2958466</v></c><c s=\"1\"><v>-1</v></c></row>"
      "<row r=\"2\"><c s=\"2\"><v>45658.5</v></c><c s=\"3\"><v>45658.75</v></c>"
      "<c s=\"3\"><v>45658.999999999</v></c><c s=\"4\"><v>45658</v></c><c s=\"5\"><v>45658</v></c>"
      "<c s=\"6\"><v>45658</v></c><c s=\"7\"><v>45658</v></c><c s=\"8\"><v>0.25</v></c>"
      "<c s=\"9\"><v>45658.000011574</v></c><c s=\"0\"><v>45658</v></c><c s=\"99\"><v>45658</v></c>"
      "</row>";
  auto parts = Parts(rows);
  parts["xl/styles.xml"] = StylesXml(num_fmts, {0, 14, 22, 164, 165, 166, 167, 168, 10, 47});
  EXPECT_EQ(
      RowsOf(ZipParts(parts)),
      (std::vector<XlsxRow>{
          XlsxRow{1,
                  {"1900-01-01", "1900-02-28", "1900-02-28", "1900-03-01", "2025-01-01",
                   "9999-12-31", "2958466", "-1"}},
          XlsxRow{2,
                  {"2025-01-01T12:00:00", "2025-01-01T18:00:00", "2025-01-02", "45658", "45658",
                   "2025-01-01", "45658", "0.25", "2025-01-01T00:00:01", "45658", "45658"}},
      }));
}

TEST(ReadXlsx, HonoursThe1904DateSystem) {
  const std::string rows =
      "<row r=\"3\"><c s=\"1\"><v>0</v></c><c s=\"1\"><v>44196</v></c>"
      "<c s=\"1\"><v>44196.25</v></c></row>";
  auto parts = Parts(rows, "<workbookPr date1904=\"1\"/>");
  parts["xl/styles.xml"] = StylesXml("", {0, 14});
  EXPECT_EQ(
      RowsOf(ZipParts(parts)),
      (std::vector<XlsxRow>{XlsxRow{3, {"1904-01-01", "2025-01-01", "2025-01-01T06:00:00"}}}));
  parts["xl/workbook.xml"] = Parts(rows, "<workbookPr date1904=\"false\"/>")["xl/workbook.xml"];
  EXPECT_EQ(
      RowsOf(ZipParts(parts)),
      (std::vector<XlsxRow>{XlsxRow{3, {"1899-12-31", "2020-12-31", "2020-12-31T06:00:00"}}}));
}

TEST(ReadXlsx, PlacesCellsWithoutReferencesAfterThePreviousOne) {
  const std::string rows =
      "<row r=\"2\"><c><v>1</v></c><c><v>2</v></c><c r=\"E2\"><v>5</v></c><c><v>6</v></c></row>"
      "<row><c><v>7</v></c></row>"
      "<row><c r=\"B9\"><v>8</v></c><c><v>9</v></c></row>"
      "<row><c/><c><v>10</v></c></row>";
  EXPECT_EQ(RowsOf(ZipParts(Parts(rows))),
            (std::vector<XlsxRow>{XlsxRow{2, {"1", "2", "", "", "5", "6"}}, XlsxRow{3, {"7"}},
                                  XlsxRow{9, {"", "8", "9"}}, XlsxRow{10, {"", "10"}}}));
}

TEST(ReadXlsx, ResolvesAbsoluteAndRelativeRelationshipTargets) {
  // The workbook lives at book/main.xml; its sheets are named absolutely and through "..".
  std::map<std::string, std::string> parts = Parts("");
  parts.erase("xl/workbook.xml");
  parts.erase("xl/_rels/workbook.xml.rels");
  parts.erase("xl/worksheets/sheet1.xml");
  parts["_rels/.rels"] =
      std::string(
          "<Relationships "
          "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"rId1\" Type=\"") +
      kRelTypes + "/officeDocument\" Target=\"/book/main.xml\"/></Relationships>";
  parts["book/main.xml"] = std::string("<x:workbook xmlns:x=\"") + kMain + "\" xmlns:r=\"" +
                           kRelTypes +
                           "\"><x:sheets><x:sheet name=\"Một\" sheetId=\"1\" r:id=\"a\"/>"
                           "<x:sheet name=\"Chart\" sheetId=\"3\" r:id=\"c\"/>"
                           "<x:sheet name=\"Hai\" sheetId=\"2\" r:id=\"b\"/></x:sheets>"
                           "</x:workbook>";
  parts["book/_rels/main.xml.rels"] =
      std::string(
          "<Relationships "
          "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"a\" Type=\"") +
      kRelTypes + "/worksheet\" Target=\"/data/one.xml\"/><Relationship Id=\"b\" Type=\"" +
      kRelTypes + "/worksheet\" Target=\"../data/./more/../two.xml\"/><Relationship Id=\"c\" " +
      "Type=\"" + kRelTypes + "/chartsheet\" Target=\"charts/c.xml\"/><Relationship Id=\"s\" " +
      "Type=\"" + kRelTypes + "/sharedStrings\" Target=\"../strings/all.xml\"/></Relationships>";
  parts["data/one.xml"] = SheetXml("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>");
  parts["data/two.xml"] = SheetXml("<row r=\"4\"><c r=\"B4\" t=\"s\"><v>1</v></c></row>");
  parts["strings/all.xml"] = SharedStringsXml({"<t>một</t>", "<t>hai</t>"});

  const auto book = ReadXlsx(ZipParts(parts));
  ASSERT_TRUE(book.has_value()) << book.error().ToString();
  EXPECT_EQ(*book, (XlsxBook{{XlsxSheet{"Một", {XlsxRow{1, {"một"}}}},
                              XlsxSheet{"Hai", {XlsxRow{4, {"", "hai"}}}}}}));
}

// ---------------------------------------------------------------------------------------------
// Files that are not workbooks.

TEST(ReadXlsx, RefusesWhatIsNotAZip) {
  EXPECT_EQ(ErrorOf(""), "the file is not a valid .xlsx: the file is empty");
  EXPECT_THAT(ErrorOf("Mã,Tên\nNV01,Một\n"),
              StartsWith("the file is not a valid .xlsx: not a zip archive, or a truncated one"));
  XlsxLimits limits;
  limits.max_file_bytes = 100;
  EXPECT_EQ(ErrorOf(std::string(101, 'x'), limits),
            "the workbook is too large: the file has 101 bytes, more than the limit of 100 bytes");
}

TEST(ReadXlsx, EveryTruncationFailsCleanly) {
  const std::string file =
      ZipParts(Parts("<row r=\"1\"><c t=\"inlineStr\"><is><t>x</t></is></c>"
                     "</row>"));
  ASSERT_EQ(RowsOf(file), (std::vector<XlsxRow>{XlsxRow{1, {"x"}}}));
  for (std::size_t size = 0; size < file.size(); ++size) {
    const auto book = ReadXlsx(std::string_view(file).substr(0, size));
    ASSERT_FALSE(book.has_value()) << "prefix of " << size << " bytes";
    ASSERT_EQ(book.error().code, ErrorCode::kInvalidArgument) << size << book.error().ToString();
    ASSERT_THAT(book.error().message, StartsWith("the file is not a valid .xlsx: ")) << size;
  }
}

TEST(ReadXlsx, EveryDamagedByteFailsCleanlyOrReads) {
  const std::string file =
      ZipParts(Parts("<row r=\"1\"><c t=\"inlineStr\"><is><t>x</t></is></c>"
                     "<c><v>2</v></c></row>"));
  std::size_t failures = 0;
  for (std::size_t at = 0; at < file.size(); ++at) {
    std::string damaged = file;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
    const auto book = ReadXlsx(damaged);
    if (book.has_value()) continue;
    ++failures;
    ASSERT_EQ(book.error().code, ErrorCode::kInvalidArgument)
        << "byte " << at << ": " << book.error().ToString();
  }
  // Most bytes matter: headers, checksums, compressed data.
  EXPECT_GT(failures, file.size() / 2);
}

TEST(ReadXlsx, NamesMissingParts) {
  auto parts = Parts("");
  parts.erase("[Content_Types].xml");
  EXPECT_EQ(ErrorOf(ZipParts(parts)),
            "the file is not a valid .xlsx: [Content_Types].xml is missing");
  parts = Parts("");
  parts.erase("xl/workbook.xml");
  EXPECT_EQ(ErrorOf(ZipParts(parts)),
            "the file is not a valid .xlsx: the workbook part xl/workbook.xml is missing");
  parts = Parts("");
  parts.erase("xl/worksheets/sheet1.xml");
  EXPECT_EQ(ErrorOf(ZipParts(parts)),
            NotXlsx("sheet \"S\"", "its part xl/worksheets/sheet1.xml is missing"));
  parts = Parts("");
  parts["xl/_rels/workbook.xml.rels"] =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>";
  EXPECT_EQ(ErrorOf(ZipParts(parts)),
            NotXlsx("sheet \"S\"",
                    "its relationship \"rId1\" is missing from xl/_rels/workbook.xml.rels"));
}

TEST(ReadXlsx, RefusesEncryptedAndUnsupportedCompression) {
  const std::string file = ZipParts(Parts("<row r=\"1\"><c><v>1</v></c></row>"));
  const std::string part = "xl/worksheets/sheet1.xml";
  const auto [central, local] = FindEntry(file, part);

  std::string encrypted = file;  // general purpose flag bit 0: traditional PKWARE encryption
  Put16(encrypted, central + 8, static_cast<std::uint16_t>(Get16(encrypted, central + 8) | 1));
  Put16(encrypted, local + 6, static_cast<std::uint16_t>(Get16(encrypted, local + 6) | 1));
  EXPECT_EQ(ErrorOf(encrypted),
            NotXlsx(kSheetS, "the part is encrypted (save the workbook without a password)"));

  std::string lzma = file;  // compression method 14: LZMA
  Put16(lzma, central + 10, 14);
  Put16(lzma, local + 8, 14);
  EXPECT_EQ(ErrorOf(lzma), NotXlsx(kSheetS,
                                   "the part uses compression method 14, which .xlsx "
                                   "files do not use (only stored and deflated are read)"));

  std::string damaged = file;  // one bit of the deflated sheet flipped
  const auto [data, size] = DataOf(file, part);
  damaged[data + size / 2] = static_cast<char>(damaged[data + size / 2] ^ 0x10);
  EXPECT_THAT(ErrorOf(damaged), StartsWith(NotXlsx(kSheetS, "the part is damaged (")));
}

TEST(ReadXlsx, ReportsMalformedXmlWithItsPosition) {
  auto parts = Parts("");
  parts["xl/worksheets/sheet1.xml"] =
      std::string("<worksheet xmlns=\"") + kMain + "\">\n<sheetData>\n  <row></sheetData>";
  EXPECT_EQ(ErrorOf(ZipParts(parts)),
            NotXlsx(kSheetS, "malformed XML at line 3, column 10: mismatched tag"));
  parts = Parts("");
  parts["xl/sharedStrings.xml"] = SharedStringsXml({"<t>a &bogus; b</t>"});
  EXPECT_EQ(
      ErrorOf(ZipParts(parts)),
      NotXlsx("xl/sharedStrings.xml", "malformed XML at line 1, column 81: undefined entity"));
}

TEST(ReadXlsx, RefusesEntityExpansionAndExternalEntities) {
  const std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
      " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n";
  auto parts = Parts("");
  parts["xl/sharedStrings.xml"] = laughs + SharedStringsXml({"<t>&lol3;</t>"});
  EXPECT_EQ(ErrorOf(ZipParts(parts)),
            NotXlsx("xl/sharedStrings.xml",
                    "a DOCTYPE declaration at line 2 is not allowed (entities are refused)"));

  const std::string external =
      "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>";
  parts = Parts("");
  parts["xl/worksheets/sheet1.xml"] =
      external + std::string("<worksheet xmlns=\"") + kMain +
      "\"><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData>"
      "</worksheet>";
  EXPECT_EQ(
      ErrorOf(ZipParts(parts)),
      NotXlsx(kSheetS, "a DOCTYPE declaration at line 1 is not allowed (entities are refused)"));

  parts = Parts("");
  parts["[Content_Types].xml"] =
      "<!DOCTYPE Types SYSTEM \"http://example.invalid/types.dtd\"><Types/>";
  EXPECT_EQ(ErrorOf(ZipParts(parts)),
            NotXlsx("[Content_Types].xml",
                    "a DOCTYPE declaration at line 1 is not allowed (entities are refused)"));
}

TEST(ReadXlsx, RefusesATagOrCommentTooLongToHold) {
  // expat would keep an unfinished token whole in memory: a 9 MiB comment or attribute is refused.
  XlsxLimits limits;  // repeated bytes deflate far: the ratio would refuse them first
  limits.max_ratio = 100'000;
  auto parts = Parts("");
  parts["xl/worksheets/sheet1.xml"] = std::string("<worksheet xmlns=\"") + kMain + "\"><!--" +
                                      std::string(9 << 20, 'x') + "--></worksheet>";
  EXPECT_THAT(ErrorOf(ZipParts(parts), limits),
              StartsWith(NotXlsx(kSheetS, "an XML tag or comment longer than 8 MiB at byte ")));
  parts["xl/worksheets/sheet1.xml"] =
      SheetXml("<row r=\"1\" spans=\"" + std::string(9 << 20, '1') + "\"/>");
  EXPECT_THAT(ErrorOf(ZipParts(parts), limits),
              StartsWith(NotXlsx(kSheetS, "an XML tag or comment longer than 8 MiB at byte ")));
  // Long text is streamed, not held: 9 MiB of spaces between rows reads.
  parts["xl/worksheets/sheet1.xml"] =
      SheetXml("<row r=\"1\"><c><v>1</v></c></row>" + std::string(9 << 20, ' '));
  EXPECT_EQ(RowsOf(ZipParts(parts), limits), (std::vector<XlsxRow>{XlsxRow{1, {"1"}}}));
}

// ---------------------------------------------------------------------------------------------
// Zip bombs.

// A row without values, indented by a long run of spaces: deflate squeezes it near its limit
// of ~1000 to 1.
const std::string kBlankRow = "<row><c/><c/><c/></row>" + std::string(4000, ' ');

// A workbook whose sheet is ~`megabytes` MB of blank rows, deflated at level 9.
std::string Bomb(std::size_t megabytes) {
  std::vector<Entry> entries;
  for (const auto& [name, content] : Parts("")) {
    if (name != "xl/worksheets/sheet1.xml") entries.push_back(Entry{name, content});
  }
  auto* repeated = new RepeatedContent;
  repeated->head = std::string("<worksheet xmlns=\"") + kMain + "\"><sheetData>";
  repeated->unit = kBlankRow;
  repeated->count = megabytes * 1'000'000 / repeated->unit.size();
  repeated->tail = "</sheetData></worksheet>";
  entries.push_back(Entry{"xl/worksheets/sheet1.xml", "", repeated});
  return Zip(entries, 9);
}

TEST(ReadXlsx, RefusesAZipBombBeforeInflatingIt) {
  const std::string bomb = Bomb(300);
  const auto [data, size] = DataOf(bomb, "xl/worksheets/sheet1.xml");
  ASSERT_LT(size, 1'000'000u);  // ~300 MB in well under 1 MB
  // Refused from the declared size, before inflating: milliseconds of processor time.
  const std::clock_t started = std::clock();
  EXPECT_EQ(ErrorOf(bomb), NotXlsx(kSheetS, "the part inflates beyond 256 MiB (zip bomb?)"));
  EXPECT_LT(std::clock() - started, CLOCKS_PER_SEC / 4);

  // The same bomb declaring a small size is caught while inflating, by its ratio.
  std::string lying = bomb;
  const auto [central, local] = FindEntry(bomb, "xl/worksheets/sheet1.xml");
  Put32(lying, central + 24, 4096);
  Put32(lying, local + 22, 4096);
  EXPECT_EQ(ErrorOf(lying),
            NotXlsx(kSheetS, "the part inflates more than 200 times its compressed size of " +
                                 std::to_string(size) + " bytes (zip bomb?)"));
  // And by the part limit when the ratio allows more.
  XlsxLimits limits;
  limits.max_ratio = 100'000;
  limits.max_part_bytes = 8 << 20;
  EXPECT_EQ(ErrorOf(lying, limits), NotXlsx(kSheetS, "the part inflates beyond 8 MiB (zip bomb?)"));
  limits.max_part_bytes = 256 << 20;
  limits.max_total_bytes = 4 << 20;
  EXPECT_EQ(ErrorOf(lying, limits),
            NotXlsx(kSheetS, "the parts inflate beyond 4 MiB in total (zip bomb?)"));
}

// ---------------------------------------------------------------------------------------------
// Limits on the content and bad references.

TEST(ReadXlsx, StopsAtTheCellLimit) {
  const std::string rows =
      "<row r=\"1\"><c><v>1</v></c><c><v>2</v></c><c/><c><v>3</v></c></row>"
      "<row r=\"2\"><c><v>4</v></c><c><v>5</v></c><c><v>6</v></c></row>";
  XlsxLimits limits;
  limits.max_cells = 5;
  EXPECT_EQ(ErrorOf(ZipParts(Parts(rows)), limits),
            TooLarge(kSheetS, "more than 5 non-empty cells in the workbook (at cell C2)"));
  limits.max_cells = 6;
  EXPECT_EQ(RowsOf(ZipParts(Parts(rows)), limits).size(), 2u);
}

TEST(ReadXlsx, StopsAtTheRowColumnSheetAndTextLimits) {
  XlsxLimits limits;
  limits.max_rows = 10;
  EXPECT_EQ(ErrorOf(ZipParts(Parts("<row r=\"11\"><c><v>1</v></c></row>")), limits),
            TooLarge(kSheetS, "row 11 is beyond the limit of 10 rows"));
  EXPECT_EQ(ErrorOf(ZipParts(Parts("<row r=\"1048577\"><c><v>1</v></c></row>"))),
            TooLarge(kSheetS, "row 1048577 is beyond the limit of 1048576 rows"));

  // 10,000 columns in one row, beyond a limit of 5,000.
  std::string wide = "<row r=\"1\">";
  for (int i = 0; i < 10'000; ++i) wide += "<c><v>" + std::to_string(i) + "</v></c>";
  wide += "</row>";
  limits = {};
  limits.max_columns = 5'000;
  EXPECT_EQ(ErrorOf(ZipParts(Parts(wide)), limits),
            TooLarge(kSheetS, "cell GJI1 is beyond the limit of 5000 columns"));
  EXPECT_EQ(RowsOf(ZipParts(Parts(wide)))[0].cells.size(), 10'000u);
  EXPECT_EQ(ErrorOf(ZipParts(Parts("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"))),
            TooLarge(kSheetS, "cell XFE1 is beyond the limit of 16384 columns"));

  limits = {};
  limits.max_cell_bytes = 10;
  EXPECT_EQ(ErrorOf(ZipParts(Parts("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>0123456789a"
                                   "</t></is></c></row>")),
                    limits),
            TooLarge(kSheetS, "cell B2 has more than 10 bytes of text"));
  auto parts = Parts("");
  parts["xl/sharedStrings.xml"] = SharedStringsXml({"<t>short</t>",
                                                    "<r><t>01234</t></r><r><t>"
                                                    "56789a</t></r>"});
  EXPECT_EQ(ErrorOf(ZipParts(parts), limits),
            TooLarge("xl/sharedStrings.xml", "shared string 1 has more than 10 bytes of text"));

  limits = {};
  limits.max_sheets = 1;
  parts = Parts("");
  parts["xl/workbook.xml"] = std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" +
                             kRelTypes +
                             "\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
                             "<sheet name=\"T\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>";
  EXPECT_EQ(ErrorOf(ZipParts(parts), limits), TooLarge("xl/workbook.xml", "more than 1 sheets"));
  EXPECT_EQ(ReadXlsx(ZipParts(parts))->sheets.size(), 2u);

  // Far-apart cells cost a slot for every blank before them.
  std::string sparse;
  for (int row = 1; row <= 100; ++row) {
    sparse += "<row r=\"" + std::to_string(row) + "\"><c r=\"XFD" + std::to_string(row) +
              "\"><v>1</v></c></row>";
  }
  limits = {};
  limits.max_book_bytes = 16'384 * sizeof(std::string) * 50;
  EXPECT_EQ(ErrorOf(ZipParts(Parts(sparse)), limits),
            TooLarge(kSheetS, "the cells read take more than 25 MiB (at cell XFD50)"));
}

TEST(ReadXlsx, RefusesBadReferencesAndValues) {
  auto parts = Parts(
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>2</v>"
      "</c></row>");
  parts["xl/sharedStrings.xml"] = SharedStringsXml({"<t>a</t>", "<t>b</t>"});
  EXPECT_EQ(ErrorOf(ZipParts(parts)),
            NotXlsx(kSheetS, "cell B2: shared string 2 does not exist (the table has 2)"));
  EXPECT_EQ(ErrorOf(ZipParts(Parts("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"))),
            NotXlsx(kSheetS, "cell A1: shared string 0 does not exist (the table has 0)"));

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<row r=\"5\"><c><v>1</v></c></row><row r=\"3\"><c><v>1</v></c></row>",
       "row 3 comes after row 5 (rows must go down)"},
      {"<row r=\"5\"><c><v>1</v></c></row><row r=\"5\"><c><v>1</v></c></row>",
       "row 5 comes after row 5 (rows must go down)"},
      {"<row r=\"x1\"/>", "row r=\"x1\" after row 0 is not a row number"},
      {"<row r=\"0\"/>", "row r=\"0\" after row 0 is not a row number"},
      {"<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>", "row 1: \"1A\" is not a cell reference"},
      {"<row r=\"1\"><c r=\"a1\"><v>1</v></c></row>", "row 1: \"a1\" is not a cell reference"},
      {"<row r=\"1\"><c r=\"A01\"><v>1</v></c></row>", "row 1: \"A01\" is not a cell reference"},
      {"<row r=\"1\"><c r=\"AAAAAAAA1\"><v>1</v></c></row>",
       "row 1: \"AAAAAAAA1\" is not a cell reference"},
      {"<row r=\"5\"><c r=\"A7\"><v>1</v></c></row>", "cell A7 is inside row 5"},
      {"<row r=\"1\"><c r=\"C1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>",
       "cell A1 comes after cell C1 (cells must go right)"},
      {"<row r=\"1\"><c r=\"C1\"><v>1</v></c><c r=\"C1\"><v>1</v></c></row>",
       "cell C1 comes after cell C1 (cells must go right)"},
      {"<row r=\"1\"><c r=\"B1\"><v>12abc</v></c></row>", "cell B1: \"12abc\" is not a number"},
      {"<row r=\"1\"><c r=\"B1\"><v>inf</v></c></row>", "cell B1: \"inf\" is not a number"},
      {"<row r=\"1\"><c r=\"B1\" t=\"b\"><v>yes</v></c></row>",
       "cell B1: \"yes\" is not a boolean"},
      {"<row r=\"1\"><c r=\"B1\" t=\"s\"><v>-1</v></c></row>",
       "cell B1: \"-1\" is not a shared string index"},
      {"<row r=\"1\"><c r=\"B1\" t=\"x\"><v>1</v></c></row>", "cell B1: unknown cell type \"x\""},
      {"<row r=\"1\"><c r=\"B1\" s=\"-1\"><v>1</v></c></row>",
       "cell B1: style s=\"-1\" is not a number"},
  };
  for (const auto& [rows, message] : cases) {
    EXPECT_EQ(ErrorOf(ZipParts(Parts(rows))), NotXlsx(kSheetS, message)) << rows;
  }
}

}  // namespace
}  // namespace planwatch
