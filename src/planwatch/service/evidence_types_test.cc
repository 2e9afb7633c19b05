#include "planwatch/service/evidence_types.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace planwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
const std::string kJpeg("\xFF\xD8\xFF\xE0\0\x10JFIF", 10);
const std::string kZip("PK\x03\x04\x14\0\x06\0", 8);
constexpr char kDocx[] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

std::string Accepted(std::string_view declared, std::string_view content) {
  auto type = CheckEvidenceType(declared, content);
  EXPECT_TRUE(type.has_value()) << declared << ": " << type.error().ToString();
  return type.value_or("");
}

Error Refused(std::string_view declared, std::string_view content) {
  auto type = CheckEvidenceType(declared, content);
  EXPECT_FALSE(type.has_value()) << declared << " accepted as " << type.value_or("");
  return type.has_value() ? Error{} : type.error();
}

TEST(CheckEvidenceTypeTest, AcceptsEachTypeBySignature) {
  EXPECT_EQ(Accepted("application/pdf", "%PDF-1.4\n"), "application/pdf");
  EXPECT_EQ(Accepted("image/png", kPng), "image/png");
  EXPECT_EQ(Accepted("image/jpeg", kJpeg), "image/jpeg");
  EXPECT_EQ(Accepted("image/jpg", kJpeg), "image/jpeg");
  EXPECT_EQ(Accepted("image/gif", "GIF87a\x01\0"), "image/gif");
  EXPECT_EQ(Accepted("image/gif", "GIF89a\x01\0"), "image/gif");
  EXPECT_EQ(Accepted("image/webp", std::string("RIFF\x24\0\0\0WEBPVP8 ", 16)), "image/webp");
  EXPECT_EQ(Accepted(kDocx, kZip), kDocx);
  EXPECT_EQ(Accepted("application/vnd.oasis.opendocument.spreadsheet", kZip),
            "application/vnd.oasis.opendocument.spreadsheet");
  EXPECT_EQ(Accepted("text/csv", "mã,giá trị\nCA,27\n"), "text/csv; charset=utf-8");
  EXPECT_EQ(Accepted("text/plain", "Phường Chiềng An"), "text/plain; charset=utf-8");
}

TEST(CheckEvidenceTypeTest, DeclaredTypeIsCaseInsensitiveWithoutParameters) {
  EXPECT_EQ(Accepted("Application/PDF", "%PDF-1.7"), "application/pdf");
  EXPECT_EQ(Accepted(" text/PLAIN ; charset=UTF-8", "ok"), "text/plain; charset=utf-8");
  EXPECT_EQ(Accepted("IMAGE/PNG;x=y", kPng), "image/png");
}

TEST(CheckEvidenceTypeTest, RefusesContentThatIsNotWhatIsDeclared) {
  Error e = Refused("image/png", "%PDF-1.4\n");
  EXPECT_EQ(e.code, ErrorCode::kUnsupportedMediaType);
  EXPECT_THAT(e.message, HasSubstr("'image/png'"));
  EXPECT_THAT(e.message, HasSubstr("a PDF document"));
  EXPECT_EQ(Refused("application/pdf", kZip).code, ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(Refused(kDocx, "%PDF-1.4").code, ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(Refused("image/webp", std::string("RIFF\x24\0\0\0WAVEfmt ", 16)).code,
            ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(Refused("image/gif", "GIF88a").code, ErrorCode::kUnsupportedMediaType);
}

TEST(CheckEvidenceTypeTest, TextMustBeUtf8WithoutNul) {
  EXPECT_THAT(Refused("text/plain", "caf\xE9").message, HasSubstr("'text/plain'"));
  EXPECT_EQ(Refused("text/csv", std::string("a,b\0c", 5)).code, ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(Refused("text/plain", kPng).code, ErrorCode::kUnsupportedMediaType);
}

TEST(CheckEvidenceTypeTest, RefusesTypesNotAccepted) {
  Error html = Refused("text/html", "<p>x</p>");
  EXPECT_EQ(html.code, ErrorCode::kUnsupportedMediaType);
  EXPECT_THAT(html.message, HasSubstr("'text/html' is not accepted"));
  EXPECT_EQ(Refused("image/svg+xml", "<svg/>").code, ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(Refused("application/zip", kZip).code, ErrorCode::kUnsupportedMediaType);
}

TEST(CheckEvidenceTypeTest, UndeclaredTypeIsTakenFromTheSignature) {
  EXPECT_EQ(Accepted("application/octet-stream", kPng), "image/png");
  EXPECT_EQ(Accepted("", "%PDF-1.5"), "application/pdf");
  EXPECT_EQ(Accepted("application/octet-stream", "ghi chú"), "text/plain; charset=utf-8");
  Error exe = Refused("application/octet-stream", std::string("MZ\x90\0\x03\0", 6));
  EXPECT_EQ(exe.code, ErrorCode::kUnsupportedMediaType);
  EXPECT_THAT(exe.message, HasSubstr("not accepted as evidence"));
  // A ZIP archive may be anything; only a declared office type is accepted.
  EXPECT_THAT(Refused("application/octet-stream", kZip).message, HasSubstr("a ZIP archive"));
}

TEST(SanitizeFileNameTest, KeepsTheBaseNameWithoutControls) {
  EXPECT_EQ(SanitizeFileName("báo cáo.pdf"), "báo cáo.pdf");
  EXPECT_EQ(SanitizeFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(SanitizeFileName("C:\\tmp\\a.docx"), "a.docx");
  EXPECT_EQ(SanitizeFileName("  a\r\nb\x7F\tc.txt "), "abc.txt");
  EXPECT_EQ(SanitizeFileName("x\xC2\x85y.txt"), "xy.txt");              // U+0085, a C1 control
  EXPECT_EQ(SanitizeFileName("\xC2\xA0nbsp.txt"), "\xC2\xA0nbsp.txt");  // not a control
}

TEST(SanitizeFileNameTest, CutsLongNamesAtACharacterKeepingTheExtension) {
  std::string name;
  for (int i = 0; i < 100; ++i) name += "ệ";  // 3 bytes each
  name += ".pdf";
  auto cut = SanitizeFileName(name);
  ASSERT_TRUE(cut.has_value());
  EXPECT_LE(cut->size(), 255u);
  EXPECT_EQ(cut->size(), 83u * 3 + 4);
  EXPECT_TRUE(cut->ends_with("ệ.pdf"));
}

TEST(SanitizeFileNameTest, NamesTheFieldWhenNothingIsLeft) {
  for (std::string_view bad : {"", "   ", "dir/", "..", "a/.", "\x01\x02"}) {
    auto r = SanitizeFileName(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(r.error().details, ElementsAre(Field(&ErrorDetail::field, "file_name")));
  }
  auto invalid = SanitizeFileName("a\xFF.pdf");
  ASSERT_FALSE(invalid.has_value());
  EXPECT_THAT(invalid.error().message, HasSubstr("not valid UTF-8 (byte 2)"));
}

}  // namespace
}  // namespace planwatch
