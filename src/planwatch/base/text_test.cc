#include "planwatch/base/text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace planwatch {
namespace {

// --- FirstInvalidUtf8 --------------------------------------------------------------------------

TEST(FirstInvalidUtf8Test, ValidInput) {
  EXPECT_EQ(FirstInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("plain ASCII, 123\r\n"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("Đắk Lắk – Tô Hiệu 日本 😀"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8(std::string_view("a\0b", 3)), std::nullopt);
}

TEST(FirstInvalidUtf8Test, BoundaryCodePointsAreValid) {
  EXPECT_EQ(FirstInvalidUtf8("\x7F"), std::nullopt);              // U+007F
  EXPECT_EQ(FirstInvalidUtf8("\xC2\x80"), std::nullopt);          // U+0080
  EXPECT_EQ(FirstInvalidUtf8("\xDF\xBF"), std::nullopt);          // U+07FF
  EXPECT_EQ(FirstInvalidUtf8("\xE0\xA0\x80"), std::nullopt);      // U+0800
  EXPECT_EQ(FirstInvalidUtf8("\xED\x9F\xBF"), std::nullopt);      // U+D7FF
  EXPECT_EQ(FirstInvalidUtf8("\xEE\x80\x80"), std::nullopt);      // U+E000
  EXPECT_EQ(FirstInvalidUtf8("\xEF\xBF\xBF"), std::nullopt);      // U+FFFF
  EXPECT_EQ(FirstInvalidUtf8("\xF0\x90\x80\x80"), std::nullopt);  // U+10000
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x8F\xBF\xBF"), std::nullopt);  // U+10FFFF, the largest
}

TEST(FirstInvalidUtf8Test, OverlongFormsAreInvalid) {
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);  // '/' in two bytes
  EXPECT_EQ(FirstInvalidUtf8("ab\xC1\xBF"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0u);
  EXPECT_EQ(FirstInvalidUtf8("x\xE0\x9F\xBF"), 1u);
  EXPECT_EQ(FirstInvalidUtf8("\xF0\x8F\xBF\xBF"), 0u);
}

TEST(FirstInvalidUtf8Test, SurrogatesAreInvalid) {
  EXPECT_EQ(FirstInvalidUtf8("\xED\xA0\x80"), 0u);     // U+D800
  EXPECT_EQ(FirstInvalidUtf8("ok \xED\xBF\xBF"), 3u);  // U+DFFF
}

TEST(FirstInvalidUtf8Test, AboveMaximumIsInvalid) {
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // U+110000
  EXPECT_EQ(FirstInvalidUtf8("a\xF5\x80\x80\x80"), 1u);
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("\xFE"), 0u);
}

TEST(FirstInvalidUtf8Test, TruncatedSequencesAreInvalid) {
  EXPECT_EQ(FirstInvalidUtf8("\xC3"), 0u);
  EXPECT_EQ(FirstInvalidUtf8("ab\xF0\x9F\x98"), 2u);               // cut by the end
  EXPECT_EQ(FirstInvalidUtf8(std::string("\xE1\x80") + "a"), 0u);  // cut by ASCII
  EXPECT_EQ(FirstInvalidUtf8("xy\xE1\x80\xE1\xBA\xA1"), 2u);       // cut by another lead byte
}

TEST(FirstInvalidUtf8Test, StrayContinuationByteIsInvalid) {
  EXPECT_EQ(FirstInvalidUtf8("a\x80"), 1u);
  EXPECT_EQ(FirstInvalidUtf8("\xC3\xA0\xA0"), 2u);  // one continuation too many
}

TEST(FirstInvalidUtf8Test, ReportsTheFirstOfSeveral) {
  EXPECT_EQ(FirstInvalidUtf8("Hà Nội \xFF \xC0\xAF"), 10u);
}

TEST(Utf8ValidatorTest, AgreesWithFirstInvalidUtf8ByteByByte) {
  const std::vector<std::string> inputs = {"Đắk",          "\xF4\x8F\xBF\xBF", "\xC0\xAF",
                                           "\xED\xA0\x80", "a\xE1\x80",        "\xF0\x9F\x98\x80!",
                                           "x\x80"};
  for (const std::string& input : inputs) {
    Utf8Validator validator;
    std::optional<std::size_t> first;
    std::size_t lead = 0;
    for (std::size_t i = 0; i < input.size() && !first; ++i) {
      const bool continuing = validator.InSequence();
      if (!continuing) lead = i;
      if (!validator.Push(static_cast<unsigned char>(input[i]))) first = continuing ? lead : i;
    }
    if (!first && validator.InSequence()) first = lead;
    EXPECT_EQ(first, FirstInvalidUtf8(input)) << input;
  }
}

TEST(Utf8ValidatorTest, TracksOpenSequence) {
  Utf8Validator validator;
  EXPECT_TRUE(validator.Push(0xE1));
  EXPECT_TRUE(validator.InSequence());
  EXPECT_TRUE(validator.Push(0xBA));
  EXPECT_TRUE(validator.InSequence());
  EXPECT_TRUE(validator.Push(0xA1));
  EXPECT_FALSE(validator.InSequence());
  EXPECT_FALSE(validator.Push(0xA1));
  EXPECT_FALSE(validator.InSequence());
}

// --- FoldForSearch -----------------------------------------------------------------------------

TEST(FoldForSearchTest, ExamplesFromPlaceNames) {
  EXPECT_EQ(FoldForSearch("Chiềng An"), "chieng an");
  EXPECT_EQ(FoldForSearch("Đắk Lắk"), "dak lak");
  EXPECT_EQ(FoldForSearch("TÔ HIỆU"), "to hieu");
  EXPECT_EQ(FoldForSearch("Thành phố Sơn La"), "thanh pho son la");
  EXPECT_EQ(FoldForSearch("Mã đơn vị"), FoldForSearch("Ma don vi"));
}

struct AlphabetCase {
  std::string_view letters;
  std::string_view folded;
};

// The whole alphabet's letters with diacritics, precomposed, as a user types them.
const AlphabetCase kLowerCase[] = {
    {"àáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaa"},
    {"èéẻẽẹêềếểễệ", "eeeeeeeeeee"},
    {"ìíỉĩị", "iiiii"},
    {"òóỏõọôồốổỗộơờớởỡợ", "ooooooooooooooooo"},
    {"ùúủũụưừứửữự", "uuuuuuuuuuu"},
    {"ỳýỷỹỵ", "yyyyy"},
    {"đ", "d"},
};
const AlphabetCase kUpperCase[] = {
    {"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "aaaaaaaaaaaaaaaaa"},
    {"ÈÉẺẼẸÊỀẾỂỄỆ", "eeeeeeeeeee"},
    {"ÌÍỈĨỊ", "iiiii"},
    {"ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", "ooooooooooooooooo"},
    {"ÙÚỦŨỤƯỪỨỬỮỰ", "uuuuuuuuuuu"},
    {"ỲÝỶỸỴ", "yyyyy"},
    {"Đ", "d"},
};

TEST(FoldForSearchTest, WholeAlphabetLowerCase) {
  std::size_t letters = 0;
  for (const AlphabetCase& c : kLowerCase) {
    EXPECT_EQ(FoldForSearch(c.letters), c.folded) << c.letters;
    letters += c.folded.size();
  }
  EXPECT_EQ(letters, 67u);
}

TEST(FoldForSearchTest, WholeAlphabetUpperCase) {
  std::size_t letters = 0;
  for (const AlphabetCase& c : kUpperCase) {
    EXPECT_EQ(FoldForSearch(c.letters), c.folded) << c.letters;
    letters += c.folded.size();
  }
  EXPECT_EQ(letters, 67u);
}

TEST(FoldForSearchTest, PlainAsciiIsLowerCased) {
  EXPECT_EQ(FoldForSearch("ABCXYZ abcxyz 0-9_@[]"), "abcxyz abcxyz 0-9_@[]");
  EXPECT_EQ(FoldForSearch("AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"), "aaabcddeeghiklmnooopqrstuuvxy");
}

// Combining marks, UTF-8 encoded: the five tones and the vowel modifiers.
constexpr std::string_view kGrave = "\xCC\x80";       // U+0300
constexpr std::string_view kAcute = "\xCC\x81";       // U+0301
constexpr std::string_view kCircumflex = "\xCC\x82";  // U+0302
constexpr std::string_view kTilde = "\xCC\x83";       // U+0303
constexpr std::string_view kBreve = "\xCC\x86";       // U+0306
constexpr std::string_view kHook = "\xCC\x89";        // U+0309
constexpr std::string_view kHorn = "\xCC\x9B";        // U+031B
constexpr std::string_view kDotBelow = "\xCC\xA3";    // U+0323

TEST(FoldForSearchTest, DecomposedLettersOfTheWholeAlphabet) {
  struct Vowel {
    char base;
    std::vector<std::string_view> modifiers;  // "" is the bare vowel
  };
  const std::vector<Vowel> vowels = {
      {'a', {"", kBreve, kCircumflex}}, {'e', {"", kCircumflex}}, {'i', {""}},
      {'o', {"", kCircumflex, kHorn}},  {'u', {"", kHorn}},       {'y', {""}}};
  const std::string_view tones[] = {"", kGrave, kAcute, kHook, kTilde, kDotBelow};
  int checked = 0;
  for (const Vowel& vowel : vowels) {
    for (const char base : {vowel.base, static_cast<char>(vowel.base - 'a' + 'A')}) {
      for (const std::string_view modifier : vowel.modifiers) {
        for (const std::string_view tone : tones) {
          const std::string decomposed =
              std::string(1, base) + std::string(modifier) + std::string(tone);
          EXPECT_EQ(FoldForSearch(decomposed), std::string(1, vowel.base)) << decomposed;
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 2 * 12 * 6);  // 12 vowels, 6 tone forms, 2 cases
}

TEST(FoldForSearchTest, DecomposedPlaceNames) {
  // "Đắk Lắk" with the a's decomposed (breve, then acute); Đ has no decomposition.
  const std::string dak = "Đa" + std::string(kBreve) + std::string(kAcute) + "k";
  EXPECT_EQ(FoldForSearch(dak + " L" + dak.substr(2)), "dak lak");
  // "TÔ HIỆU" decomposed.
  const std::string to_hieu = "TO" + std::string(kCircumflex) + " HIE" + std::string(kDotBelow) +
                              std::string(kCircumflex) + "U";
  EXPECT_EQ(FoldForSearch(to_hieu), "to hieu");
}

TEST(FoldForSearchTest, CombiningMarksOutsideTheRangeAreKept) {
  EXPECT_EQ(FoldForSearch("a\xCC\xA4"), "a\xCC\xA4");  // U+0324, just past U+0323
  EXPECT_EQ(FoldForSearch("a\xCB\xBF"), "a\xCB\xBF");  // U+02FF, just before U+0300
  EXPECT_EQ(FoldForSearch(std::string("\xCC\x80") + "A"),
            "a");  // a stray mark at the start is dropped
}

TEST(FoldForSearchTest, WhitespaceRunsCollapseAndAreTrimmed) {
  EXPECT_EQ(FoldForSearch("  Chiềng \t\r\n An  "), "chieng an");
  EXPECT_EQ(FoldForSearch("Sơn\xC2\xA0\xC2\xA0La"), "son la");  // no-break spaces
  EXPECT_EQ(FoldForSearch(" \t\n"), "");
  EXPECT_EQ(FoldForSearch(""), "");
  EXPECT_EQ(FoldForSearch("a\xCC\x81 \xCC\x81 b"), "a b");  // a mark between spaces
}

TEST(FoldForSearchTest, OtherCharactersAreKept) {
  EXPECT_EQ(FoldForSearch("Ä ß 日本 € 😀 Ñ"), "Ä ß 日本 € 😀 Ñ");
  EXPECT_EQ(FoldForSearch("Xã-Phường (mới)"), "xa-phuong (moi)");
}

TEST(FoldForSearchTest, InvalidBytesAreCopied) {
  EXPECT_EQ(FoldForSearch("A\xFF\x42\xC3"), "a\xFF\x62\xC3");  // \x42 is B, \x62 is b
  EXPECT_EQ(FoldForSearch("\xC0\xAFX"), "\xC0\xAFx");
  EXPECT_EQ(FoldForSearch(std::string("\xE1\xBA") + "A"), std::string("\xE1\xBA") + "a");
}

TEST(FoldForSearchTest, NeverLongerThanInput) {
  for (std::string_view text : {"ĐẮK LẮK", "a\xCC\x81", "  x  ", "日本", "\xFF\xFE"}) {
    EXPECT_LE(FoldForSearch(text).size(), text.size()) << text;
  }
}

// --- TrimAscii ---------------------------------------------------------------------------------

TEST(TrimAsciiTest, RemovesAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(TrimAscii("  a b \t\r\n"), "a b");
  EXPECT_EQ(TrimAscii("\v\fx\f\v"), "x");
  EXPECT_EQ(TrimAscii("none"), "none");
  EXPECT_EQ(TrimAscii(""), "");
  EXPECT_EQ(TrimAscii(" \t "), "");
}

TEST(TrimAsciiTest, KeepsNonAsciiSpaceAndReturnsAView) {
  const std::string text = "\xC2\xA0 x \xC2\xA0";
  const std::string_view trimmed = TrimAscii(text);
  EXPECT_EQ(trimmed, text);
  EXPECT_EQ(trimmed.data(), text.data());
  const std::string padded = " Đắk ";
  EXPECT_EQ(TrimAscii(padded).data(), padded.data() + 1);
}

}  // namespace
}  // namespace planwatch
