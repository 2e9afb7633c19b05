// Routes of the document exports (PDF summary, XLSX workbooks): decode, call one use case,
// answer the file as an attachment.
#include <fmt/format.h>

#include "planwatch/http/api_impl.h"
#include "planwatch/service/live_analytics.h"

namespace planwatch::http {

void Api::Impl::AddDocumentRoutes() {
  auto route = [this](ExportKind kind) {
    return [this, kind](Ctx& c) {
      const DocumentLanguage lang =
          c.lang == Lang::kEn ? DocumentLanguage::kEn : DocumentLanguage::kVi;
      if (Status fresh = CatchUp(store, *analytics); !fresh) return Error(c, fresh.error());
      auto file = ExportDocument(store, *analytics, *c.principal, kind, c.query, resources.today(),
                                 options.utc_offset, lang);
      if (!file) return Error(c, file.error());
      Response r;
      r.SetHeader("Content-Type", file->content_type);
      // The file name is ASCII-safe by construction (ExportFileName).
      r.SetHeader("Content-Disposition",
                  fmt::format("attachment; filename=\"{}\"", file->file_name));
      r.SetHeader("Cache-Control", "private, no-store");
      r.body = std::move(file->bytes);
      return r;
    };
  };
  Add("GET", "/api/v1/exports/plan-summary.pdf", Access::kSignedIn, BodyKind::kNone,
      route(ExportKind::kPlanSummaryPdf), true);
  Add("GET", "/api/v1/exports/scorecards.xlsx", Access::kSignedIn, BodyKind::kNone,
      route(ExportKind::kScorecardsXlsx), true);
  Add("GET", "/api/v1/exports/tasks.xlsx", Access::kSignedIn, BodyKind::kNone,
      route(ExportKind::kTasksXlsx), true);
  Add("GET", "/api/v1/exports/indicators.xlsx", Access::kSignedIn, BodyKind::kNone,
      route(ExportKind::kIndicatorsXlsx), true);
}

}  // namespace planwatch::http
