#include "planwatch/service/evidence_types.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "planwatch/base/text.h"
#include "planwatch/service/json_fields.h"

namespace planwatch {
namespace {

enum class Signature { kPdf, kPng, kJpeg, kGif, kWebp, kZip, kText, kUnknown };

struct Accepted {
  std::string_view declared;  // lower case, no parameters
  Signature signature;
  std::string_view stored;
};

constexpr std::array<Accepted, 16> kAccepted{{
    {"application/pdf", Signature::kPdf, "application/pdf"},
    {"image/png", Signature::kPng, "image/png"},
    {"image/jpeg", Signature::kJpeg, "image/jpeg"},
    {"image/jpg", Signature::kJpeg, "image/jpeg"},
    {"image/gif", Signature::kGif, "image/gif"},
    {"image/webp", Signature::kWebp, "image/webp"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", Signature::kZip,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Signature::kZip,
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", Signature::kZip,
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"application/vnd.oasis.opendocument.text", Signature::kZip,
     "application/vnd.oasis.opendocument.text"},
    {"application/vnd.oasis.opendocument.spreadsheet", Signature::kZip,
     "application/vnd.oasis.opendocument.spreadsheet"},
    {"application/vnd.oasis.opendocument.presentation", Signature::kZip,
     "application/vnd.oasis.opendocument.presentation"},
    {"text/plain", Signature::kText, "text/plain; charset=utf-8"},
    {"text/csv", Signature::kText, "text/csv; charset=utf-8"},
    // Undeclared: the signature decides (see Sniffed below).
    {"application/octet-stream", Signature::kUnknown, ""},
    {"", Signature::kUnknown, ""},
}};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsText(std::string_view content) {
  return content.find('\0') == std::string_view::npos && !FirstInvalidUtf8(content);
}

Signature Detect(std::string_view c) {
  if (StartsWith(c, "%PDF-")) return Signature::kPdf;
  if (StartsWith(c, "\x89PNG\r\n\x1a\n")) return Signature::kPng;
  if (StartsWith(c, "\xFF\xD8\xFF")) return Signature::kJpeg;
  if (StartsWith(c, "GIF87a") || StartsWith(c, "GIF89a")) return Signature::kGif;
  if (c.size() >= 12 && StartsWith(c, "RIFF") && c.substr(8, 4) == "WEBP") return Signature::kWebp;
  if (StartsWith(c, std::string_view("PK\x03\x04", 4))) return Signature::kZip;
  if (IsText(c)) return Signature::kText;
  return Signature::kUnknown;
}

std::string_view Describe(Signature s) {
  switch (s) {
    case Signature::kPdf:
      return "a PDF document";
    case Signature::kPng:
      return "a PNG image";
    case Signature::kJpeg:
      return "a JPEG image";
    case Signature::kGif:
      return "a GIF image";
    case Signature::kWebp:
      return "a WebP image";
    case Signature::kZip:
      return "a ZIP archive";
    case Signature::kText:
      return "UTF-8 text";
    case Signature::kUnknown:
      break;
  }
  return "of a type not accepted as evidence";
}

// The stored type of a file whose type the client did not know.
std::string_view Sniffed(Signature s) {
  for (const Accepted& a : kAccepted) {
    if (a.signature == s && s != Signature::kZip && s != Signature::kUnknown) return a.stored;
  }
  return "";
}

std::string Normalized(std::string_view declared) {
  std::string_view type = TrimAscii(declared.substr(0, declared.find(';')));
  std::string out(type);
  std::ranges::transform(out, out.begin(), [](unsigned char ch) {
    return static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  });
  return out;
}

std::unexpected<Error> Unsupported(std::string message) {
  return Fail(ErrorCode::kUnsupportedMediaType, std::move(message));
}

std::unexpected<Error> BadFileName(std::string_view code, const std::string& text) {
  std::string message = "file_name: " + text;
  return Fail(ErrorCode::kInvalidArgument, message,
              {ErrorDetail{0, "file_name", FieldMessage(code, text)}});
}

}  // namespace

Result<std::string> CheckEvidenceType(std::string_view declared, std::string_view content) {
  const std::string type = Normalized(declared);
  const auto accepted =
      std::ranges::find_if(kAccepted, [&](const Accepted& a) { return a.declared == type; });
  if (accepted == kAccepted.end()) {
    return Unsupported(
        fmt::format("'{}' is not accepted as evidence (PDF, PNG, JPEG, GIF, WebP, "
                    "Office Open XML, OpenDocument, plain text or CSV)",
                    EchoForMessage(type, 100)));
  }
  const Signature found = Detect(content);
  if (accepted->signature == Signature::kUnknown) {
    std::string_view stored = Sniffed(found);
    if (stored.empty()) {
      return Unsupported(fmt::format("the content, declared as '{}', is {}; declare its type",
                                     EchoForMessage(type, 100), Describe(found)));
    }
    return std::string(stored);
  }
  // Text is judged by the content alone: an ASCII-only file may start like anything.
  const bool matches =
      accepted->signature == Signature::kText ? IsText(content) : found == accepted->signature;
  if (!matches) {
    return Unsupported(fmt::format("the content is not what '{}' declares: it is {}",
                                   EchoForMessage(type, 100), Describe(found)));
  }
  return std::string(accepted->stored);
}

Result<std::string> SanitizeFileName(std::string_view name) {
  if (auto bad = FirstInvalidUtf8(name)) {
    return BadFileName("invalid",
                       fmt::format("the file name is not valid UTF-8 (byte {})", *bad + 1));
  }
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) {
    name = name.substr(slash + 1);
  }
  std::string clean;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto ch = static_cast<unsigned char>(name[i]);
    if (ch < 0x20 || ch == 0x7F) continue;
    // C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
    if (ch == 0xC2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) <= 0x9F) {
      ++i;
      continue;
    }
    clean.push_back(name[i]);
  }
  clean = std::string(TrimAscii(clean));
  if (clean == "." || clean == "..") clean.clear();
  if (clean.empty()) return BadFileName("required", "a file name is required");
  constexpr std::size_t kMax = 255;
  if (clean.size() > kMax) {
    std::string extension;
    if (auto dot = clean.rfind('.');
        dot != std::string::npos && dot > 0 && clean.size() - dot <= 16) {
      extension = clean.substr(dot);
    }
    std::size_t cut = kMax - extension.size();
    // Back off to the start of a UTF-8 sequence so no character is split.
    while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;
    clean = clean.substr(0, cut) + extension;
  }
  return clean;
}

}  // namespace planwatch
