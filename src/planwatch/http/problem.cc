#include "planwatch/http/problem.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <string>

namespace planwatch::http {
namespace {

struct TypeInfo {
  ProblemType type;
  int status;
  std::string_view name;
  std::string_view title_en;
  std::string_view title_vi;
  std::string_view detail_en;
  std::string_view detail_vi;
};

constexpr TypeInfo kTypes[] = {
    {ProblemType::kBadRequest, 400, "bad-request", "Bad request", "Yêu cầu không hợp lệ",
     "The request is malformed.", "Yêu cầu không đúng định dạng."},
    {ProblemType::kUnauthenticated, 401, "unauthenticated", "Sign-in required", "Cần đăng nhập",
     "Sign in, or send a valid API token.", "Hãy đăng nhập hoặc gửi mã truy cập API hợp lệ."},
    {ProblemType::kForbidden, 403, "forbidden", "Not allowed", "Không có quyền",
     "Your role does not allow this here.",
     "Vai trò của bạn không được phép thực hiện thao tác này tại đây."},
    {ProblemType::kCsrf, 403, "csrf", "Missing or wrong CSRF token",
     "Thiếu hoặc sai mã chống giả mạo (CSRF)",
     "Send the X-CSRF-Token header you received at sign-in.",
     "Hãy gửi tiêu đề X-CSRF-Token nhận được khi đăng nhập."},
    {ProblemType::kNotFound, 404, "not-found", "Not found", "Không tìm thấy",
     "Nothing is here, or it is not visible to you.",
     "Không có dữ liệu tại địa chỉ này hoặc bạn không được phép xem."},
    {ProblemType::kMethodNotAllowed, 405, "method-not-allowed", "Method not allowed",
     "Phương thức không được hỗ trợ", "This address does not support this method; see Allow.",
     "Địa chỉ này không hỗ trợ phương thức này; xem tiêu đề Allow."},
    {ProblemType::kNotAcceptable, 406, "not-acceptable", "Not acceptable",
     "Không thể đáp ứng định dạng", "This resource is available as JSON only.",
     "Tài nguyên này chỉ có ở định dạng JSON."},
    {ProblemType::kConflict, 409, "conflict", "Conflict", "Xung đột dữ liệu",
     "The request clashes with the current data.", "Yêu cầu xung đột với dữ liệu hiện có."},
    {ProblemType::kPreconditionFailed, 412, "precondition-failed", "Changed since you read it",
     "Dữ liệu đã thay đổi",
     "The record changed since you read it; read it again and reapply your change.",
     "Bản ghi đã bị thay đổi sau khi bạn đọc; hãy tải lại và thực hiện lại thay đổi."},
    {ProblemType::kPayloadTooLarge, 413, "payload-too-large", "Request too large",
     "Dữ liệu gửi lên quá lớn", "The request body is larger than this address accepts.",
     "Nội dung gửi lên vượt quá giới hạn cho phép."},
    {ProblemType::kUnsupportedMediaType, 415, "unsupported-media-type", "Unsupported content type",
     "Kiểu nội dung không được hỗ trợ", "Send the content type this address accepts.",
     "Hãy gửi đúng kiểu nội dung mà địa chỉ này chấp nhận."},
    {ProblemType::kValidation, 422, "validation", "Invalid data", "Dữ liệu không hợp lệ",
     "Some fields are invalid; see errors.",
     "Một số trường dữ liệu không hợp lệ; xem danh sách lỗi."},
    {ProblemType::kPreconditionRequired, 428, "precondition-required", "Version required",
     "Cần phiên bản dữ liệu", "Send the ETag you last read in If-Match, so that no change is lost.",
     "Hãy gửi ETag đã đọc trong tiêu đề If-Match để không làm mất thay đổi của người khác."},
    {ProblemType::kTooManyRequests, 429, "too-many-requests", "Too many requests",
     "Quá nhiều yêu cầu", "Too many attempts; wait and try again.",
     "Quá nhiều lần thử; hãy chờ rồi thử lại."},
    {ProblemType::kHeadersTooLarge, 431, "headers-too-large", "Headers too large",
     "Tiêu đề yêu cầu quá lớn", "The request headers are too large.",
     "Phần tiêu đề của yêu cầu quá lớn."},
    {ProblemType::kInternal, 500, "internal", "Internal error", "Lỗi hệ thống",
     "Something went wrong on our side; it has been logged.",
     "Đã có lỗi phía máy chủ; lỗi đã được ghi lại."},
    {ProblemType::kUnavailable, 503, "unavailable", "Temporarily unavailable",
     "Tạm thời không phục vụ được", "Try again in a moment.", "Hãy thử lại sau giây lát."},
};

const TypeInfo& InfoOf(ProblemType type) {
  for (const TypeInfo& t : kTypes) {
    if (t.type == type) return t;
  }
  return kTypes[std::size(kTypes) - 2];
}

// Vietnamese explanations of the field error codes of service/json_fields.h.
std::string_view FieldCodeVi(std::string_view code) {
  if (code == "required") return "Trường này là bắt buộc.";
  if (code == "unknown_field") return "Trường này không được hỗ trợ.";
  if (code == "type") return "Sai kiểu dữ liệu.";
  if (code == "too_long") return "Giá trị quá dài.";
  if (code == "out_of_range") return "Giá trị nằm ngoài phạm vi cho phép.";
  if (code == "not_found") return "Không tìm thấy bản ghi được tham chiếu.";
  return "Giá trị không hợp lệ.";
}

nlohmann::json FieldErrors(const std::vector<ErrorDetail>& errors, Lang lang) {
  nlohmann::json out = nlohmann::json::array();
  for (const ErrorDetail& d : errors) {
    std::string_view message = d.message;
    std::string_view code = "invalid";
    // A workbook's messages start with a cell reference ("F7: …"), not a code.
    if (auto colon = message.find(": ");
        d.sheet.empty() && colon != std::string_view::npos && colon < 20 &&
        message.substr(0, colon).find(' ') == std::string_view::npos) {
      code = message.substr(0, colon);
      message.remove_prefix(colon + 2);
    }
    nlohmann::json item{{"field", d.field}, {"code", code}};
    if (lang == Lang::kVi) {
      // The English specifics stay alongside: they quote values and limits exactly.
      item["message"] = FieldCodeVi(code);
      item["detail_en"] = message;
    } else {
      item["message"] = message;
    }
    if (d.line > 0) item["line"] = d.line;
    if (!d.sheet.empty()) item["sheet"] = d.sheet;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

Lang NegotiateLanguage(std::string_view header) {
  double best_q = -1;
  Lang best = Lang::kVi;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::string_view tag = item.substr(0, item.find(';'));
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    double q = 1;
    if (auto qpos = item.find(";q="); qpos != std::string_view::npos) {
      std::string_view qs = item.substr(qpos + 3);
      auto [end, ec] = std::from_chars(qs.data(), qs.data() + qs.size(), q);
      if (ec != std::errc()) q = 0;
    }
    std::string primary(tag.substr(0, tag.find('-')));
    for (char& c : primary) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if ((primary == "vi" || primary == "en") && q > best_q) {
      best_q = q;
      best = primary == "vi" ? Lang::kVi : Lang::kEn;
    }
  }
  return best;
}

int StatusOf(ProblemType type) { return InfoOf(type).status; }

std::string_view TypeUri(ProblemType type) {
  static const auto* uris = [] {
    auto* out = new std::vector<std::string>();
    for (const TypeInfo& t : kTypes)
      out->push_back(fmt::format("urn:planwatch:problem:{}", t.name));
    return out;
  }();
  for (std::size_t i = 0; i < std::size(kTypes); ++i) {
    if (kTypes[i].type == type) return (*uris)[i];
  }
  return (*uris)[std::size(kTypes) - 2];
}

Response MakeProblem(ProblemType type, Lang lang, std::string_view detail,
                     const std::vector<ErrorDetail>& errors, std::string_view detail_en) {
  const TypeInfo& info = InfoOf(type);
  nlohmann::json body{{"type", TypeUri(type)},
                      {"title", lang == Lang::kVi ? info.title_vi : info.title_en},
                      {"status", info.status}};
  if (!detail.empty()) {
    body["detail"] = detail;
  } else {
    body["detail"] = lang == Lang::kVi ? info.detail_vi : info.detail_en;
  }
  if (lang == Lang::kVi && !detail_en.empty()) body["detail_en"] = detail_en;
  if (!errors.empty()) body["errors"] = FieldErrors(errors, lang);
  Response r;
  r.status = info.status;
  r.SetHeader("Content-Type", "application/problem+json");
  r.SetHeader("Content-Language", lang == Lang::kVi ? "vi" : "en");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response ProblemFor(const Error& error, Lang lang, bool with_body) {
  ProblemType type = ProblemType::kInternal;
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
      type = with_body ? ProblemType::kValidation : ProblemType::kBadRequest;
      break;
    case ErrorCode::kNotFound:
      type = ProblemType::kNotFound;
      break;
    case ErrorCode::kConflict:
    case ErrorCode::kFailedPrecondition:
      type = ProblemType::kConflict;
      break;
    case ErrorCode::kVersionMismatch:
      type = ProblemType::kPreconditionFailed;
      break;
    case ErrorCode::kVersionRequired:
      type = ProblemType::kPreconditionRequired;
      break;
    case ErrorCode::kPermissionDenied:
      type = ProblemType::kForbidden;
      break;
    case ErrorCode::kUnauthenticated:
      type = ProblemType::kUnauthenticated;
      break;
    case ErrorCode::kResourceExhausted:
      type = ProblemType::kTooManyRequests;
      break;
    case ErrorCode::kUnsupportedMediaType:
      type = ProblemType::kUnsupportedMediaType;
      break;
    case ErrorCode::kUnavailable:
      type = ProblemType::kUnavailable;
      break;
    case ErrorCode::kInternal:
      type = ProblemType::kInternal;
      break;
  }
  // English callers get the service's specific sentence; Vietnamese ones the type's sentence,
  // with the specifics beside it in detail_en. Internal errors never leak their message.
  if (type == ProblemType::kInternal) return MakeProblem(type, lang);
  if (lang == Lang::kEn) return MakeProblem(type, lang, error.message, error.details);
  return MakeProblem(type, lang, {}, error.details, error.message);
}

}  // namespace planwatch::http
