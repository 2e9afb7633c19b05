// Errors as application/problem+json (RFC 9457): a stable `type` per kind of problem, a `title`
// and `detail` in the request's language (Vietnamese or English), and for invalid input the
// offending fields in `errors`.
#pragma once

#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/http/message.h"

namespace planwatch::http {

enum class Lang { kVi, kEn };

// From Accept-Language: the first of vi or en in the client's order of preference (q-values
// honoured); Vietnamese when the header names neither.
Lang NegotiateLanguage(std::string_view accept_language);

enum class ProblemType {
  kBadRequest,            // 400: malformed request (syntax, query, JSON, UTF-8)
  kUnauthenticated,       // 401
  kForbidden,             // 403
  kCsrf,                  // 403: missing or wrong CSRF token
  kNotFound,              // 404
  kMethodNotAllowed,      // 405
  kNotAcceptable,         // 406
  kConflict,              // 409
  kPreconditionFailed,    // 412: If-Match names an old version
  kPayloadTooLarge,       // 413
  kUnsupportedMediaType,  // 415
  kValidation,            // 422: well-formed but invalid content
  kPreconditionRequired,  // 428: If-Match missing on an update
  kTooManyRequests,       // 429
  kHeadersTooLarge,       // 431
  kInternal,              // 500
  kUnavailable,           // 503
};

int StatusOf(ProblemType type);
// "urn:planwatch:problem:validation", …: stable identifiers clients may switch on.
std::string_view TypeUri(ProblemType type);

// A problem response. `detail` empty: the type's own sentence in `lang`. Field errors (from an
// Error's details) are listed as {"field", "code", "message"}, the message in `lang`.
// `detail_en`: for a Vietnamese answer, the English specifics of the service's message, kept as
// an extension member so that nothing precise is lost in translation.
Response MakeProblem(ProblemType type, Lang lang, std::string_view detail = {},
                     const std::vector<ErrorDetail>& errors = {}, std::string_view detail_en = {});

// The problem for a service error. `with_body`: the request carried content (invalid_argument
// is then 422 Unprocessable Content; without content it is 400 Bad Request).
Response ProblemFor(const Error& error, Lang lang, bool with_body);

}  // namespace planwatch::http
