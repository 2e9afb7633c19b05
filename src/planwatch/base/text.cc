#include "planwatch/base/text.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace planwatch {
namespace {

// The Vietnamese alphabet's letters with diacritics, precomposed (NFC), grouped by the ASCII letter
// they fold to. The lookup tables below are built from this list at compile time.
struct FoldGroup {
  char base;
  std::string_view letters;
};

constexpr FoldGroup kVietnameseLetters[] = {
    {'a', "àáảãạăằắẳẵặâầấẩẫậ"},
    {'a', "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"},
    {'e', "èéẻẽẹêềếểễệ"},
    {'e', "ÈÉẺẼẸÊỀẾỂỄỆ"},
    {'i', "ìíỉĩị"},
    {'i', "ÌÍỈĨỊ"},
    {'o', "òóỏõọôồốổỗộơờớởỡợ"},
    {'o', "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"},
    {'u', "ùúủũụưừứửữự"},
    {'u', "ÙÚỦŨỤƯỪỨỬỮỰ"},
    {'y', "ỳýỷỹỵ"},
    {'y', "ỲÝỶỸỴ"},
    {'d', "đ"},
    {'d', "Đ"},
};

// Decodes the valid UTF-8 sequence at text[i]; returns its length, or 0 if it is invalid.
constexpr std::size_t Decode(std::string_view text, std::size_t i, char32_t& code_point) {
  Utf8Validator validator;
  char32_t value = 0;
  std::size_t len = 0;
  do {
    if (i + len >= text.size()) return 0;
    const auto byte = static_cast<unsigned char>(text[i + len]);
    if (!validator.Push(byte)) return 0;
    value = len == 0 ? (byte < 0x80   ? byte
                        : byte < 0xE0 ? byte & 0x1Fu
                        : byte < 0xF0 ? byte & 0x0Fu
                                      : byte & 0x07u)
                     : (value << 6) | (byte & 0x3Fu);
    ++len;
  } while (validator.InSequence());
  code_point = value;
  return len;
}

// Two dense ranges hold every letter: Latin-1 Supplement to Latin Extended-B (U+00C0..U+01B0:
// À..ý, Ă, Đ, Ĩ, Ũ, Ơ, Ư) and Latin Extended Additional (U+1EA0..U+1EF9: Ạ..ỹ).
constexpr char32_t kLowFirst = 0x00C0, kLowLast = 0x01B0;
constexpr char32_t kHighFirst = 0x1EA0, kHighLast = 0x1EF9;

template <char32_t kFirst, char32_t kLast>
constexpr std::array<char, kLast - kFirst + 1> BuildFoldTable() {
  std::array<char, kLast - kFirst + 1> table{};
  for (const FoldGroup& group : kVietnameseLetters) {
    char32_t cp = 0;
    for (std::size_t i = 0, len = 1; i < group.letters.size() && len != 0; i += len) {
      len = Decode(group.letters, i, cp);
      if (len != 0 && cp >= kFirst && cp <= kLast) table[cp - kFirst] = group.base;
    }
  }
  return table;
}

constexpr auto kLowTable = BuildFoldTable<kLowFirst, kLowLast>();
constexpr auto kHighTable = BuildFoldTable<kHighFirst, kHighLast>();

// Every listed letter must land in one of the two tables, or it would silently not fold.
constexpr bool EveryLetterInTables() {
  for (const FoldGroup& group : kVietnameseLetters) {
    char32_t cp = 0;
    for (std::size_t i = 0, len = 0; i < group.letters.size(); i += len) {
      len = Decode(group.letters, i, cp);
      if (len == 0) return false;
      const bool low = cp >= kLowFirst && cp <= kLowLast;
      const bool high = cp >= kHighFirst && cp <= kHighLast;
      if (!low && !high) return false;
    }
  }
  return true;
}
static_assert(EveryLetterInTables());

constexpr char FoldLetter(char32_t cp) {
  if (cp >= kLowFirst && cp <= kLowLast) return kLowTable[cp - kLowFirst];
  if (cp >= kHighFirst && cp <= kHighLast) return kHighTable[cp - kHighFirst];
  return 0;
}

constexpr bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::optional<std::size_t> FirstInvalidUtf8(std::string_view text) {
  Utf8Validator validator;
  std::size_t lead = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80 && !validator.InSequence()) continue;  // ASCII fast path
    const bool continuing = validator.InSequence();
    if (!continuing) lead = i;
    if (!validator.Push(byte)) return continuing ? lead : i;
  }
  if (validator.InSequence()) return lead;
  return std::nullopt;
}

std::string FoldForSearch(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool space_pending = false;  // a whitespace run was seen after some output
  auto emit = [&](std::string_view bytes) {
    if (space_pending) out.push_back(' ');
    space_pending = false;
    out.append(bytes);
  };
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    if (byte < 0x80) {
      if (IsAsciiSpace(byte)) {
        space_pending = !out.empty();
      } else {
        const char lower = byte >= 'A' && byte <= 'Z' ? static_cast<char>(byte + ('a' - 'A'))
                                                      : static_cast<char>(byte);
        emit(std::string_view(&lower, 1));
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = Decode(utf8, i, cp);
    if (len == 0) {  // invalid UTF-8: keep the byte, move on
      emit(utf8.substr(i, 1));
      ++i;
      continue;
    }
    if (cp >= 0x0300 && cp <= 0x0323) {
      // A combining mark of decomposed input: dropped.
    } else if (cp == 0x00A0) {
      space_pending = !out.empty();
    } else if (const char base = FoldLetter(cp); base != 0) {
      emit(std::string_view(&base, 1));
    } else {
      emit(utf8.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string_view TrimAscii(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && IsAsciiSpace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && IsAsciiSpace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] that encodes a printable (non-C1)
// code point, or 0.
std::size_t PrintableUtf8Length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
    if (lead == 0xC2) lo = 0xA0;  // U+0080..U+009F are C1 controls
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = i + 2; k < i + len; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return len;
}

}  // namespace

std::string EchoForMessage(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (i >= max_bytes) {
      out += "…";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t len = PrintableUtf8Length(text, i); len > 0) {
      out += text.substr(i, len);
      i += len;
    } else {
      out += fmt::format("\\x{:02X}", c);
      ++i;
    }
  }
  return out;
}

}  // namespace planwatch
