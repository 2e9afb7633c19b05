// Which evidence files planwatch accepts: the declared content type is checked against the
// content's own signature, so a file is stored and later served only as what it really is.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "planwatch/base/error.h"

namespace planwatch {

// Evidence files larger than this are refused (bytes).
inline constexpr std::size_t kMaxEvidenceBytes = std::size_t{25} << 20;

// The content type to store for `content` declared as `declared` (a Content-Type header value,
// compared case-insensitively, parameters such as "; charset=utf-8" ignored).
//
// Accepted, by signature: application/pdf ("%PDF-"), image/png, image/jpeg (image/jpg is taken
// as image/jpeg), image/gif (GIF87a, GIF89a), image/webp ("RIFF" size "WEBP"); a ZIP archive
// ("PK\x03\x04") only when declared as one of the Office Open XML (docx, xlsx, pptx) or
// OpenDocument (odt, ods, odp) types; text/plain and text/csv when the content is valid UTF-8
// without NUL bytes (stored as "text/plain; charset=utf-8", "text/csv; charset=utf-8"). Every
// other type is stored as its lower-case name without parameters.
//
// A declared "application/octet-stream" (or nothing) means "unknown": the type is taken from the
// signature (valid UTF-8 text becomes text/plain; a ZIP archive cannot be told apart and is
// refused).
//
// unsupported_media_type, naming the declared type, when the type is not accepted or the content
// does not match it. Empty content is the caller's to refuse.
Result<std::string> CheckEvidenceType(std::string_view declared, std::string_view content);

// A client's file name made safe to store and to send back: the part after the last '/' or '\',
// without control characters (C0, DEL, C1) and without surrounding spaces, cut to at most 255
// bytes at a character boundary (keeping an extension of up to 16 bytes). invalid_argument
// (detail field "file_name") when nothing is left, or when the name is not valid UTF-8.
Result<std::string> SanitizeFileName(std::string_view name);

}  // namespace planwatch
