// Canonical errors and Result<T>. Every fallible function in planwatch returns Result<T>;
// library exceptions are caught in the adapter that calls the library and become an Error.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace planwatch {

// A few codes with one meaning everywhere. One table maps them to exit codes (ExitCode below)
// and, from step 2 on, one to HTTP statuses.
enum class ErrorCode {
  kInvalidArgument,    // the input is malformed or breaks a rule; retrying it unchanged fails again
  kNotFound,           // a referenced thing does not exist
  kConflict,           // the input clashes with existing state (duplicate code, still in use)
  kVersionMismatch,    // an update names a version (ETag) that is no longer the current one
  kVersionRequired,    // an update of an existing record names no version to check
  kResourceExhausted,  // a rate limit or quota is used up; retry later
  kUnsupportedMediaType,  // the content is not of a type accepted here
  kPermissionDenied,      // the principal may not do this
  kUnauthenticated,       // no valid principal
  kFailedPrecondition,    // the system is not in a state that allows this
  kUnavailable,           // transient: the database is busy or unreachable
  kInternal,              // a bug or a broken invariant
};

std::string_view ErrorCodeName(ErrorCode code);

// One offending item of an input: a CSV row and column, a workbook sheet's row and column, or a
// JSON field. `line` is 1-based (0 when the input has no lines; a workbook's row number);
// `field` names the column or field; `sheet` names the workbook sheet (empty otherwise).
struct ErrorDetail {
  int line = 0;
  std::string field;
  std::string message;
  std::string sheet = {};

  friend bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<ErrorDetail> details;  // every offending item, in input order

  // "invalid_argument: message" followed by one line per detail.
  std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message,
                                   std::vector<ErrorDetail> details = {}) {
  return std::unexpected(Error{code, std::move(message), std::move(details)});
}
inline std::unexpected<Error> InvalidArgument(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}
inline std::unexpected<Error> NotFound(std::string message) {
  return Fail(ErrorCode::kNotFound, std::move(message));
}
inline std::unexpected<Error> Conflict(std::string message) {
  return Fail(ErrorCode::kConflict, std::move(message));
}
inline std::unexpected<Error> Internal(std::string message) {
  return Fail(ErrorCode::kInternal, std::move(message));
}

// Process exit status for a CLI command that failed with `code` (0 is success).
int ExitCode(ErrorCode code);

}  // namespace planwatch
