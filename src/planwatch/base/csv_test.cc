#include "planwatch/base/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Fields = std::vector<std::string>;

// Hands out its text `step` bytes per underflow, so the reader sees many short reads.
class TrickleBuffer : public std::streambuf {
 public:
  TrickleBuffer(std::string text, std::size_t step) : text_(std::move(text)), step_(step) {}

 protected:
  int_type underflow() override {
    if (next_ >= text_.size()) return traits_type::eof();
    const std::size_t n = std::min(step_, text_.size() - next_);
    setg(text_.data() + next_, text_.data() + next_, text_.data() + next_ + n);
    next_ += n;
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::string text_;
  std::size_t step_;
  std::size_t next_ = 0;
};

// Delivers `good` and then fails, as a disk or pipe error would.
class FailingBuffer : public std::streambuf {
 public:
  explicit FailingBuffer(std::string good) : good_(std::move(good)) {
    setg(good_.data(), good_.data(), good_.data() + good_.size());
  }

 protected:
  int_type underflow() override { throw std::runtime_error("device error"); }

 private:
  std::string good_;
};

std::vector<CsvRecord> ReadAll(std::istream& in, CsvOptions options = {}) {
  CsvReader reader(in, options);
  std::vector<CsvRecord> records;
  CsvRecord record;
  for (;;) {
    Result<bool> more = reader.Next(record);
    EXPECT_TRUE(more.has_value()) << more.error().ToString();
    if (!more.has_value() || !*more) return records;
    records.push_back(record);
  }
}

// The reader's answer, or nullopt (and a test failure) on error.
std::optional<bool> NextValue(CsvReader& reader, CsvRecord& record) {
  Result<bool> more = reader.Next(record);
  if (!more.has_value()) {
    ADD_FAILURE() << more.error().ToString();
    return std::nullopt;
  }
  return *more;
}

std::vector<CsvRecord> Parse(std::string_view text, CsvOptions options = {}) {
  Result<std::vector<CsvRecord>> records = ParseCsv(text, options);
  EXPECT_TRUE(records.has_value()) << records.error().ToString();
  return records.value_or(std::vector<CsvRecord>{});
}

std::vector<Fields> FieldsOf(const std::vector<CsvRecord>& records) {
  std::vector<Fields> out;
  for (const CsvRecord& r : records) out.push_back(r.fields);
  return out;
}

std::vector<int> LinesOf(const std::vector<CsvRecord>& records) {
  std::vector<int> out;
  for (const CsvRecord& r : records) out.push_back(r.line);
  return out;
}

// Asserts an invalid_argument CSV error at `line` and `column` whose message contains `what`.
void ExpectCsvError(const Result<std::vector<CsvRecord>>& result, int line, int column,
                    std::string_view what) {
  ASSERT_FALSE(result.has_value());
  const Error& error = result.error();
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message,
              HasSubstr("line " + std::to_string(line) + ", column " + std::to_string(column)));
  EXPECT_THAT(error.message, HasSubstr(std::string(what)));
  ASSERT_EQ(error.details.size(), 1u);
  EXPECT_EQ(error.details[0].line, line);
  EXPECT_EQ(error.details[0].field, std::to_string(column));
  EXPECT_THAT(error.details[0].message, HasSubstr(std::string(what)));
}

// --- Records, fields and line ends -------------------------------------------------------------

TEST(CsvReaderTest, ReadsRecordsAndFields) {
  const auto records = Parse("code,name\nX01,Chieng An\nX02,To Hieu\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"code", "name"}, Fields{"X01", "Chieng An"},
                                             Fields{"X02", "To Hieu"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 2, 3));
}

TEST(CsvReaderTest, LastRecordWithoutLineBreak) {
  EXPECT_THAT(FieldsOf(Parse("a,b\n1,2")), ElementsAre(Fields{"a", "b"}, Fields{"1", "2"}));
}

TEST(CsvReaderTest, TrailingLineBreakMakesNoEmptyRecord) {
  EXPECT_THAT(FieldsOf(Parse("a\n")), ElementsAre(Fields{"a"}));
  EXPECT_THAT(FieldsOf(Parse("a\r\n")), ElementsAre(Fields{"a"}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(Parse("").empty());
  EXPECT_TRUE(Parse("\n\r\n\n\r").empty());
}

TEST(CsvReaderTest, EmptyLinesAreSkippedButCounted) {
  const auto records = Parse("a\n\n\nb\r\n\r\nc\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"a"}, Fields{"b"}, Fields{"c"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 4, 6));
}

TEST(CsvReaderTest, CrlfLineEnds) {
  const auto records = Parse("a,b\r\nc,d\r\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"a", "b"}, Fields{"c", "d"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 2));
}

TEST(CsvReaderTest, MixedCrlfAndLf) {
  const auto records = Parse("a\r\nb\nc\r\nd");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"a"}, Fields{"b"}, Fields{"c"}, Fields{"d"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 2, 3, 4));
}

TEST(CsvReaderTest, LoneCrEndsARecord) {
  const auto records = Parse("a,b\rc\r\r\nd");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"a", "b"}, Fields{"c"}, Fields{"d"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 2, 4));
}

TEST(CsvReaderTest, EmptyFields) {
  EXPECT_THAT(FieldsOf(Parse(",,\na,,b\n")), ElementsAre(Fields{"", "", ""}, Fields{"a", "", "b"}));
}

TEST(CsvReaderTest, TrailingCommaMeansEmptyLastField) {
  EXPECT_THAT(FieldsOf(Parse("a,b,\nc,\"\",\n")),
              ElementsAre(Fields{"a", "b", ""}, Fields{"c", "", ""}));
  EXPECT_THAT(FieldsOf(Parse("a,")), ElementsAre(Fields{"a", ""}));
}

TEST(CsvReaderTest, FieldsAreNotTrimmed) {
  EXPECT_THAT(FieldsOf(Parse(" a , b ,\t\n")), ElementsAre(Fields{" a ", " b ", "\t"}));
}

TEST(CsvReaderTest, QuotedEmptyFieldAloneIsARecord) {
  const auto records = Parse("\"\"\nx\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{""}, Fields{"x"}));
}

// --- Quoting -----------------------------------------------------------------------------------

TEST(CsvReaderTest, QuotedFieldKeepsCommas) {
  EXPECT_THAT(FieldsOf(Parse("\"a, b\",c\n")), ElementsAre(Fields{"a, b", "c"}));
}

TEST(CsvReaderTest, DoubledQuoteIsOneQuote) {
  EXPECT_THAT(FieldsOf(Parse("\"say \"\"hi\"\"\",\"\"\"\"\n")),
              ElementsAre(Fields{"say \"hi\"", "\""}));
}

TEST(CsvReaderTest, QuotedLineBreaksMoveLaterLineNumbers) {
  const auto records = Parse("id,text\n1,\"two\nlines\"\n2,\"three\n\nlines\"\n3,x\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"id", "text"}, Fields{"1", "two\nlines"},
                                             Fields{"2", "three\n\nlines"}, Fields{"3", "x"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 2, 4, 7));
}

TEST(CsvReaderTest, QuotedCrlfAndLoneCrKeptVerbatim) {
  const auto records = Parse("\"a\r\nb\rc\"\r\nd\r\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"a\r\nb\rc"}, Fields{"d"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 4));
}

TEST(CsvReaderTest, RecordStartingWithQuotedLineBreakKeepsItsStartLine) {
  const auto records = Parse("x\n\"\nfirst\",y\nz\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"x"}, Fields{"\nfirst", "y"}, Fields{"z"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 2, 4));
}

// --- Byte-order mark and UTF-8 -----------------------------------------------------------------

TEST(CsvReaderTest, ByteOrderMarkAtStartIsSkipped) {
  const auto records = Parse(std::string(kUtf8Bom) + "code,name\r\nA,B\r\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"code", "name"}, Fields{"A", "B"}));
  EXPECT_THAT(LinesOf(records), ElementsAre(1, 2));
}

TEST(CsvReaderTest, InputWithoutByteOrderMarkKeepsItsFirstCharacter) {
  // U+FEFE shares the mark's first two bytes.
  const std::string fefe = "\xEF\xBB\xBE";
  EXPECT_THAT(FieldsOf(Parse(fefe + "a\n")), ElementsAre(Fields{fefe + "a"}));
}

TEST(CsvReaderTest, ByteOrderMarkElsewhereIsData) {
  const std::string bom(kUtf8Bom);
  EXPECT_THAT(FieldsOf(Parse(bom + bom + "a\n" + bom + "b\n")),
              ElementsAre(Fields{bom + "a"}, Fields{bom + "b"}));
}

TEST(CsvReaderTest, ByteOrderMarkAloneIsEmptyInput) {
  EXPECT_TRUE(Parse(kUtf8Bom).empty());
  EXPECT_TRUE(Parse(std::string(kUtf8Bom) + "\r\n").empty());
}

TEST(CsvReaderTest, VietnameseText) {
  const auto records = Parse("Mã,Tên,Người đứng đầu\nXA01,\"Chiềng An, Sơn La\",Đỗ Thị Hường\n");
  EXPECT_THAT(FieldsOf(records), ElementsAre(Fields{"Mã", "Tên", "Người đứng đầu"},
                                             Fields{"XA01", "Chiềng An, Sơn La", "Đỗ Thị Hường"}));
}

// --- Errors ------------------------------------------------------------------------------------

TEST(CsvReaderErrorTest, BareQuoteInUnquotedField) {
  ExpectCsvError(ParseCsv("a,b\"c\n"), 1, 2, "bare quote");
  ExpectCsvError(ParseCsv("h1,h2\n\"x\ny\",ok\nx,5\"\n"), 4, 2, "bare quote");
}

TEST(CsvReaderErrorTest, CharacterAfterClosingQuote) {
  ExpectCsvError(ParseCsv("\"a\"b,c\n"), 1, 1, "after the closing quote");
  ExpectCsvError(ParseCsv("x\ny,\"a\" ,c\n"), 2, 2, "after the closing quote");
}

TEST(CsvReaderErrorTest, UnterminatedQuoteNamesTheLineWhereItStarted) {
  const auto result = ParseCsv("a,b\nc,\"open\nmore\nstill more\n");
  ExpectCsvError(result, 2, 2, "not closed");
  EXPECT_THAT(result.error().message, HasSubstr("opened on line 2"));
}

TEST(CsvReaderErrorTest, InvalidUtf8GivesLineColumnAndOffset) {
  const auto result = ParseCsv("ok\nab,c\xFF\n");
  ExpectCsvError(result, 2, 2, "invalid UTF-8");
  EXPECT_THAT(result.error().message, HasSubstr("byte offset 7"));
}

TEST(CsvReaderErrorTest, InvalidUtf8OffsetCountsTheByteOrderMark) {
  const auto result = ParseCsv(std::string(kUtf8Bom) + "a,\xC0\xAF\n");
  ExpectCsvError(result, 1, 2, "invalid UTF-8");
  EXPECT_THAT(result.error().message, HasSubstr("byte offset 5"));
}

TEST(CsvReaderErrorTest, Utf8SequenceCutByCommaOrLineBreak) {
  const auto by_comma = ParseCsv("x,\xE1\x80,y\n");
  ExpectCsvError(by_comma, 1, 2, "invalid UTF-8");
  EXPECT_THAT(by_comma.error().message, HasSubstr("byte offset 2"));
  const auto by_newline = ParseCsv("x\n\xC3\n");
  ExpectCsvError(by_newline, 2, 1, "invalid UTF-8");
  EXPECT_THAT(by_newline.error().message, HasSubstr("byte offset 2"));
}

TEST(CsvReaderErrorTest, Utf8SequenceTruncatedAtEnd) {
  const auto result = ParseCsv("a,\xF0\x9F\x98");
  ExpectCsvError(result, 1, 2, "invalid UTF-8");
  EXPECT_THAT(result.error().message, HasSubstr("byte offset 2"));
}

TEST(CsvReaderErrorTest, SurrogateInQuotedField) {
  ExpectCsvError(ParseCsv("a\n\"x\n\xED\xA0\x80\"\n"), 3, 1, "byte offset 5");
}

TEST(CsvReaderErrorTest, FieldLongerThanLimit) {
  const CsvOptions options{.max_field_bytes = 4};
  EXPECT_THAT(FieldsOf(Parse("abcd,\"ab\"\"c\"\n", options)), ElementsAre(Fields{"abcd", "ab\"c"}));
  ExpectCsvError(ParseCsv("abcd,abcde\n", options), 1, 2, "longer than 4 bytes");
  ExpectCsvError(ParseCsv("x\n\"abc\ne\"\n", options), 3, 1, "longer than 4 bytes");
}

TEST(CsvReaderErrorTest, FieldLongerThanDefaultLimit) {
  const std::string big(CsvOptions{}.max_field_bytes + 1, 'x');
  ExpectCsvError(ParseCsv("a," + big + "\n"), 1, 2, "longer than 1048576 bytes");
  EXPECT_EQ(Parse("a," + big.substr(1) + "\n").at(0).fields.at(1).size(), 1u << 20);
}

TEST(CsvReaderErrorTest, MoreFieldsThanLimit) {
  const CsvOptions options{.max_fields = 3};
  EXPECT_THAT(FieldsOf(Parse("a,b,c\n", options)), ElementsAre(Fields{"a", "b", "c"}));
  ExpectCsvError(ParseCsv("a,b,c\nd,e,f,g\n", options), 2, 4, "more than 3 fields");
  ExpectCsvError(ParseCsv("a,b,c,", options), 1, 4, "more than 3 fields");
}

TEST(CsvReaderErrorTest, DefaultFieldCountLimit) {
  std::string line(999, ',');  // 1,000 empty fields
  EXPECT_EQ(Parse(line + "\n").at(0).fields.size(), 1000u);
  ExpectCsvError(ParseCsv(line + ",\n"), 1, 1001, "more than 1000 fields");
}

TEST(CsvReaderErrorTest, ErrorIsReturnedAgainAfterwards) {
  std::istringstream in("ok\nbad\"quote\nfine\n");
  CsvReader reader(in);
  CsvRecord record;
  ASSERT_EQ(NextValue(reader, record), std::optional<bool>(true));
  const Result<bool> first = reader.Next(record);
  ASSERT_FALSE(first.has_value());
  EXPECT_THAT(first.error().message, HasSubstr("line 2, column 1"));
  const Result<bool> second = reader.Next(record);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().message, first.error().message);
  EXPECT_EQ(second.error().details, first.error().details);
}

TEST(CsvReaderTest, EndIsReportedAgainAfterwards) {
  std::istringstream in("a\n");
  CsvReader reader(in);
  CsvRecord record;
  ASSERT_EQ(NextValue(reader, record), std::optional<bool>(true));
  EXPECT_EQ(NextValue(reader, record), std::optional<bool>(false));
  EXPECT_TRUE(record.fields.empty());
  EXPECT_EQ(NextValue(reader, record), std::optional<bool>(false));
}

TEST(CsvReaderErrorTest, FailingStreamIsUnavailable) {
  FailingBuffer buffer("a,b\n");
  std::istream in(&buffer);
  CsvReader reader(in, CsvOptions{.chunk_bytes = 2});
  CsvRecord record;
  const Result<bool> result = reader.Next(record);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(result.error().message, HasSubstr("cannot read CSV input"));
}

TEST(CsvReaderTest, StreamThatThrowsAtItsEndStillReads) {
  std::istringstream in("a,b\nc\n");
  in.exceptions(std::ios::failbit | std::ios::eofbit);
  EXPECT_THAT(FieldsOf(ReadAll(in)), ElementsAre(Fields{"a", "b"}, Fields{"c"}));
}

TEST(CsvReaderTest, ReusedRecordTakesEachRecordsFieldCount) {
  std::istringstream in("a,b,c\nd\n\"\"\ne,f\n");
  EXPECT_THAT(FieldsOf(ReadAll(in)),
              ElementsAre(Fields{"a", "b", "c"}, Fields{"d"}, Fields{""}, Fields{"e", "f"}));
}

// --- Chunk boundaries --------------------------------------------------------------------------

// Quote pairs, CRLFs, multi-byte characters and a byte-order mark, to be cut at every position.
const std::string kTricky = std::string(kUtf8Bom) +
                            "Mã,\"Tên \"\"đầy đủ\"\"\"\r\n"
                            "\"\"\"\",\"a\r\nb\"\r\n"
                            "\r\n"
                            "Đắk Lắk,😀\rx,\"\"\n"
                            "last,";

TEST(CsvReaderChunkTest, EveryChunkSizeGivesTheSameRecords) {
  const auto expected = Parse(kTricky);
  EXPECT_THAT(FieldsOf(expected),
              ElementsAre(Fields{"Mã", "Tên \"đầy đủ\""}, Fields{"\"", "a\r\nb"},
                          Fields{"Đắk Lắk", "😀"}, Fields{"x", ""}, Fields{"last", ""}));
  EXPECT_THAT(LinesOf(expected), ElementsAre(1, 2, 5, 6, 7));
  for (std::size_t chunk = 1; chunk <= kTricky.size() + 1; ++chunk) {
    EXPECT_EQ(Parse(kTricky, CsvOptions{.chunk_bytes = chunk}), expected) << "chunk " << chunk;
  }
}

TEST(CsvReaderChunkTest, ZeroChunkSizeReadsOneByteAtATime) {
  EXPECT_EQ(Parse(kTricky, CsvOptions{.chunk_bytes = 0}), Parse(kTricky));
}

TEST(CsvReaderChunkTest, StreamDeliveringOneByteAtATime) {
  const auto expected = Parse(kTricky);
  for (std::size_t step : {1, 2, 3}) {
    TrickleBuffer buffer(kTricky, step);
    std::istream in(&buffer);
    EXPECT_EQ(ReadAll(in, CsvOptions{.chunk_bytes = 4}), expected) << "step " << step;
  }
}

TEST(CsvReaderChunkTest, ErrorsAreTheSameAtEveryChunkSize) {
  const std::string text = "a,b\n\"q\"\"\",\"x\xE2\x82\n";
  const auto expected = ParseCsv(text);
  ExpectCsvError(expected, 2, 2, "byte offset 12");
  for (std::size_t chunk = 1; chunk <= text.size(); ++chunk) {
    const auto result = ParseCsv(text, CsvOptions{.chunk_bytes = chunk});
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().message, expected.error().message) << "chunk " << chunk;
  }
}

TEST(CsvReaderChunkTest, ByteOrderMarkSplitAcrossReads) {
  TrickleBuffer buffer(std::string(kUtf8Bom) + "a\n", 1);
  std::istream in(&buffer);
  EXPECT_THAT(FieldsOf(ReadAll(in, CsvOptions{.chunk_bytes = 1})), ElementsAre(Fields{"a"}));
}

TEST(CsvReaderChunkTest, StreamsManyRecords) {
  std::string text = "id,value\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ",\"v " + std::to_string(i) + "\"\n";
  std::istringstream in(text);
  CsvReader reader(in, CsvOptions{.chunk_bytes = 4096});
  CsvRecord record;
  int count = 0;
  CsvRecord last;
  while (reader.Next(record).value_or(false)) {
    ++count;
    last = record;
  }
  EXPECT_EQ(count, 20001);
  EXPECT_EQ(last.line, 20001);
  EXPECT_THAT(last.fields, ElementsAre("19999", "v 19999"));
}

// --- Writing -----------------------------------------------------------------------------------

std::string Field(std::string_view field) {
  std::string out = "<";
  AppendCsvField(out, field);
  return out + ">";
}

TEST(CsvWriterTest, PlainFieldsAreNotQuoted) {
  EXPECT_EQ(Field("abc"), "<abc>");
  EXPECT_EQ(Field(""), "<>");
  EXPECT_EQ(Field("a b"), "<a b>");
  EXPECT_EQ(Field("Đắk Lắk"), "<Đắk Lắk>");
}

TEST(CsvWriterTest, SpecialCharactersAreQuoted) {
  EXPECT_EQ(Field("a,b"), "<\"a,b\">");
  EXPECT_EQ(Field("say \"hi\""), "<\"say \"\"hi\"\"\">");
  EXPECT_EQ(Field("a\nb"), "<\"a\nb\">");
  EXPECT_EQ(Field("a\rb"), "<\"a\rb\">");
  EXPECT_EQ(Field("\""), "<\"\"\"\">");
}

TEST(CsvWriterTest, LeadingAndTrailingBlanksAreQuoted) {
  EXPECT_EQ(Field(" a"), "<\" a\">");
  EXPECT_EQ(Field("a "), "<\"a \">");
  EXPECT_EQ(Field("\ta"), "<\"\ta\">");
  EXPECT_EQ(Field(" "), "<\" \">");
}

TEST(CsvWriterTest, LeadingByteOrderMarkIsQuoted) {
  EXPECT_EQ(Field(std::string(kUtf8Bom) + "a"), "<\"" + std::string(kUtf8Bom) + "a\">");
}

TEST(CsvWriterTest, CsvLineEndsWithCrlf) {
  const std::vector<std::string> fields = {"code", "a,b", "", "x"};
  EXPECT_EQ(CsvLine(fields), "code,\"a,b\",,x\r\n");
}

TEST(CsvWriterTest, SingleEmptyFieldIsWrittenQuoted) {
  EXPECT_EQ(CsvLine(std::vector<std::string>{""}), "\"\"\r\n");
  EXPECT_EQ(CsvLine(std::vector<std::string>{}), "\r\n");
  EXPECT_THAT(FieldsOf(Parse(CsvLine(std::vector<std::string>{""}))), ElementsAre(Fields{""}));
}

TEST(CsvWriterTest, WrittenRecordsReadBackUnchanged) {
  const std::vector<Fields> records = {
      {"code", "name", "note"},
      {"X01", "Chiềng An, Sơn La", "say \"hi\""},
      {"", " padded ", "multi\r\nline\nand\rcr"},
      {""},
      {std::string(kUtf8Bom) + "bom", "\"", ","},
  };
  std::string text;
  for (const Fields& r : records) text += CsvLine(r);
  const auto parsed = Parse(text);
  EXPECT_EQ(FieldsOf(parsed), records);
  EXPECT_THAT(LinesOf(parsed), ElementsAre(1, 2, 3, 7, 8));
}

}  // namespace
}  // namespace planwatch
