// Text utilities for UTF-8 input: validation, search folding of Vietnamese text, ASCII trimming.
// Pure functions over bytes; no locale is consulted. Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace planwatch {

// Byte offset of the first invalid UTF-8 sequence in `text`, or nullopt when all of it is valid.
// Invalid: a stray continuation byte, a lead byte C0, C1 or F5..FF, an overlong form (E0 80..9F,
// F0 80..8F), a surrogate (ED A0..BF, i.e. U+D800..U+DFFF), a code point above U+10FFFF
// (F4 90..BF), and a sequence cut short by a non-continuation byte or by the end of `text`.
// The offset is that of the sequence's lead byte (for a stray byte, of the byte itself).
std::optional<std::size_t> FirstInvalidUtf8(std::string_view text);

// Checks UTF-8 one byte at a time, for input that arrives in pieces (the rules are those of
// FirstInvalidUtf8). Cheap to copy; no allocation.
class Utf8Validator {
 public:
  // Consumes `byte`. False when the byte cannot follow what came before: if InSequence() was true
  // the sequence that began at its lead byte is invalid, otherwise `byte` itself is. After false
  // the validator is back in its start state.
  constexpr bool Push(unsigned char byte) {
    if (need_ == 0) {
      if (byte < 0x80) return true;
      if (byte < 0xC2) return false;  // a continuation byte, or the overlong leads C0 and C1
      if (byte < 0xE0) return Expect(1, 0x80, 0xBF);
      if (byte < 0xF0) return Expect(2, byte == 0xE0 ? 0xA0 : 0x80, byte == 0xED ? 0x9F : 0xBF);
      if (byte < 0xF5) return Expect(3, byte == 0xF0 ? 0x90 : 0x80, byte == 0xF4 ? 0x8F : 0xBF);
      return false;
    }
    if (byte < low_ || byte > high_) {
      need_ = 0;
      return false;
    }
    --need_;
    low_ = 0x80;
    high_ = 0xBF;
    return true;
  }

  // True between a lead byte and the last continuation byte of its sequence; true at the end of
  // the input means the last sequence was truncated.
  constexpr bool InSequence() const { return need_ != 0; }

 private:
  constexpr bool Expect(int need, unsigned char low, unsigned char high) {
    need_ = need;
    low_ = low;
    high_ = high;
    return true;
  }

  int need_ = 0;              // continuation bytes still expected
  unsigned char low_ = 0x80;  // allowed range of the next continuation byte
  unsigned char high_ = 0xBF;
};

// A key for accent- and case-insensitive matching of Vietnamese text ("Đắk Lắk" -> "dak lak",
// "TÔ HIỆU" -> "to hieu", "Mã đơn vị" -> "ma don vi"):
// - ASCII letters are lower-cased;
// - every precomposed (NFC) letter of the Vietnamese alphabet, either case (à á ả ã ạ ă ằ … ỵ, đ
//   and their capitals), becomes its ASCII base letter, lower-cased (đ and Đ become d);
// - combining marks U+0300..U+0323 (decomposed, NFD, input) are dropped wherever they appear;
// - runs of whitespace (ASCII space, tab, CR, LF, VT, FF and U+00A0 no-break space) become one
//   ASCII space, and leading and trailing whitespace is removed;
// - every other character, and every byte of invalid UTF-8, is copied unchanged.
// The result is therefore never longer than the input.
std::string FoldForSearch(std::string_view utf8);

// `text` without leading and trailing ASCII whitespace (space, tab, CR, LF, VT, FF). A view into
// `text`.
std::string_view TrimAscii(std::string_view text);

// `text` as it may appear inside an error message: printable UTF-8 kept, control characters,
// backslashes and invalid bytes written as \xNN, cut after `max_bytes` bytes of input with "…".
// The result is always valid UTF-8, so messages built with it are safe to put in JSON.
std::string EchoForMessage(std::string_view text, std::size_t max_bytes = 40);

}  // namespace planwatch
