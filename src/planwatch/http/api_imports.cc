// Routes of whole-file imports (CSV and XLSX), their templates, and exports of records in the
// import format: decode, call one use case, answer JSON or the file as an attachment.
#include <fmt/format.h>

#include "planwatch/http/api_impl.h"
#include "planwatch/service/file_imports.h"

namespace planwatch::http {
namespace {

// The dry_run parameter; a problem for any other parameter or value.
std::expected<bool, Response> DryRunParam(const Ctx& c) {
  bool dry_run = false;
  for (const auto& [name, value] : c.query) {
    if (name == "dry_run" && (value == "true" || value == "false")) {
      dry_run = value == "true";
      continue;
    }
    return std::unexpected(MakeProblem(
        ProblemType::kBadRequest, c.lang,
        c.lang == Lang::kEn ? fmt::format("invalid parameter {}", EchoForMessage(name)) : "",
        {ErrorDetail{0, name,
                     FieldMessage(name == "dry_run" ? "invalid" : "unknown_field",
                                  "the only parameter is dry_run=true|false")}}));
  }
  return dry_run;
}

enum class Upload { kCsv, kXlsx, kOther };

// A workbook by its declared type or, whatever the type, by its zip signature.
Upload UploadOf(const Request& req) {
  const std::string_view declared = req.HeaderValue("Content-Type");
  const std::string_view type = TrimAscii(declared.substr(0, declared.find(';')));
  if (EqualsIgnoreCase(type, kXlsxContentType) || LooksLikeXlsx(req.body)) return Upload::kXlsx;
  if (EqualsIgnoreCase(type, "text/csv")) return Upload::kCsv;
  return Upload::kOther;
}

Response Attachment(ExportFile&& file) {
  Response r;
  r.SetHeader("Content-Type", file.content_type);
  // The file name is ASCII-safe by construction (kind names and dates).
  r.SetHeader("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file.file_name));
  r.SetHeader("Cache-Control", "private, no-store");
  r.body = std::move(file.bytes);
  return r;
}

}  // namespace

void Api::Impl::AddImportRoutes() {
  // A file that cannot be read at all (no row to point at) is a bad request; bad rows are a
  // validation problem (422), as for every body.
  auto import_answer = [this](const Ctx& c, const Result<json>& result) {
    if (!result && result.error().code == ErrorCode::kInvalidArgument &&
        result.error().details.empty()) {
      return ProblemFor(result.error(), c.lang, false);
    }
    return Reply(c, result);
  };
  // Whole-file imports, all or nothing: a CSV of one kind or a workbook.
  Add(
      "POST", "/api/v1/imports/{kind}", Access::kSignedIn, BodyKind::kRaw,
      [this, import_answer](Ctx& c) {
        auto dry_run = DryRunParam(c);
        if (!dry_run) return std::move(dry_run.error());
        switch (UploadOf(c.req)) {
          case Upload::kXlsx:
            return import_answer(
                c, ImportWorkbookFile(store, *c.principal, std::string_view(c.params[0]),
                                      c.req.body, *dry_run));
          case Upload::kCsv:
            return Reply(c, ImportFile(store, *c.principal, c.params[0], c.req.body, *dry_run));
          case Upload::kOther:
            break;
        }
        return MakeProblem(
            ProblemType::kUnsupportedMediaType, c.lang,
            c.lang == Lang::kEn
                ? fmt::format("send the file as Content-Type: text/csv or {}", kXlsxContentType)
                : "");
      },
      true);
  Add(
      "POST", "/api/v1/imports", Access::kSignedIn, BodyKind::kRaw,
      [this, import_answer](Ctx& c) {
        auto dry_run = DryRunParam(c);
        if (!dry_run) return std::move(dry_run.error());
        if (UploadOf(c.req) != Upload::kXlsx) {
          return MakeProblem(ProblemType::kUnsupportedMediaType, c.lang,
                             c.lang == Lang::kEn
                                 ? fmt::format("send a workbook as Content-Type: {} (a CSV goes to "
                                               "/api/v1/imports/{{kind}})",
                                               kXlsxContentType)
                                 : "");
        }
        return import_answer(
            c, ImportWorkbookFile(store, *c.principal, std::nullopt, c.req.body, *dry_run));
      },
      true);

  // Blank templates of each kind.
  for (std::string_view format : {"xlsx", "csv"}) {
    Add("GET", fmt::format("/api/v1/imports/{{kind}}/template.{}", format), Access::kSignedIn,
        BodyKind::kNone, [this, format](Ctx& c) {
          auto file = ImportTemplateFile(c.params[0], format);
          if (!file) return Error(c, file.error());
          return Attachment(std::move(*file));
        });
  }

  // Records in the import format, for whoever may import them back.
  for (std::string_view format : {"xlsx", "csv"}) {
    Add(
        "GET", fmt::format("/api/v1/exports/records.{}", format), Access::kSignedIn,
        BodyKind::kNone,
        [this, format](Ctx& c) {
          auto file = ExportRecordsFile(store, *c.principal, format, c.query, resources.today());
          if (!file) return Error(c, file.error());
          return Attachment(std::move(*file));
        },
        true);
  }
}

}  // namespace planwatch::http
