#include "planwatch/base/error.h"

#include <fmt/format.h>

namespace planwatch {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kVersionMismatch:
      return "version_mismatch";
    case ErrorCode::kVersionRequired:
      return "version_required";
    case ErrorCode::kResourceExhausted:
      return "resource_exhausted";
    case ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  std::string out = fmt::format("{}: {}", ErrorCodeName(code), message);
  for (const ErrorDetail& d : details) {
    std::string where;
    if (!d.sheet.empty()) where = fmt::format("sheet {}", d.sheet);
    if (d.line > 0) where += fmt::format("{}line {}", where.empty() ? "" : ", ", d.line);
    if (!d.field.empty()) where += fmt::format("{}column {}", where.empty() ? "" : ", ", d.field);
    out += "\n  ";
    if (!where.empty()) out += where + ": ";
    out += d.message;
  }
  return out;
}

// sysexits(3) where one fits, so scripts can tell bad input from a broken system.
int ExitCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnsupportedMediaType:
      return 65;  // EX_DATAERR
    case ErrorCode::kNotFound:
      return 66;  // EX_NOINPUT
    case ErrorCode::kConflict:
    case ErrorCode::kVersionMismatch:
    case ErrorCode::kVersionRequired:
      return 65;  // EX_DATAERR
    case ErrorCode::kResourceExhausted:
      return 75;  // EX_TEMPFAIL
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated:
      return 77;  // EX_NOPERM
    case ErrorCode::kFailedPrecondition:
      return 78;  // EX_CONFIG
    case ErrorCode::kUnavailable:
      return 75;  // EX_TEMPFAIL
    case ErrorCode::kInternal:
      return 70;  // EX_SOFTWARE
  }
  return 70;
}

}  // namespace planwatch
