// Periodic report routes: the reports and their lifecycle, the signed file, compliance figures
// and the plans' report schedules.
#include <fmt/format.h>

#include <string>

#include "planwatch/http/api_impl.h"
#include "planwatch/service/reports.h"

namespace planwatch::http {

void Api::Impl::AddReportRoutes() {
  Add(
      "GET", "/api/v1/reports", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, reports.List(*c.principal, c.query)); }, true);
  Add("POST", "/api/v1/reports", Access::kSignedIn, BodyKind::kJson,
      [this](Ctx& c) { return Reply(c, reports.Create(*c.principal, c.body), 201); });
  Add("GET", "/api/v1/reports/{id}", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, reports.Get(*c.principal, *id));
  });
  Add("PATCH", "/api/v1/reports/{id}", Access::kSignedIn, BodyKind::kJson, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    return Reply(c, reports.Edit(*c.principal, *id, c.body, IfMatch(c.req)));
  });
  for (ReportAction action : {ReportAction::kSubmit, ReportAction::kApprove, ReportAction::kAccept,
                              ReportAction::kReturn, ReportAction::kRevise}) {
    Add("POST", fmt::format("/api/v1/reports/{{id}}/{}", ReportActionName(action)),
        Access::kSignedIn, BodyKind::kJson, [this, action](Ctx& c) {
          auto id = IdParam(c, 0);
          if (!id) return *id.error();
          // A revision is a new report.
          const int status = action == ReportAction::kRevise ? 201 : 200;
          return Reply(c, reports.Act(*c.principal, *id, action, c.body, IfMatch(c.req)), status);
        });
  }
  Add("GET", "/api/v1/reports/{id}/events", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    auto events = reports.Events(*c.principal, *id);
    if (!events) return Error(c, events.error());
    return JsonResponse(200, json{{"items", *events}});
  });
  Add("GET", "/api/v1/reports/{id}/signed", Access::kSignedIn, BodyKind::kNone, [this](Ctx& c) {
    auto id = IdParam(c, 0);
    if (!id) return *id.error();
    auto file = reports.Signed(*c.principal, *id);
    if (!file) return Error(c, file.error());
    Response r;
    r.SetHeader("Content-Type", "application/json; charset=utf-8");
    // The name is ASCII letters, digits, '-', '_' and '.' only (service/reports.h).
    r.SetHeader("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file->file_name));
    r.body = std::move(file->content);
    return r;
  });
  // After /reports/{id}: the router lets the later route win, so "compliance" is not an id.
  Add(
      "GET", "/api/v1/reports/compliance", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) { return Reply(c, reports.Compliance(*c.principal, c.query)); }, true);

  Add("GET", "/api/v1/plans/{id}/report-schedule", Access::kSignedIn, BodyKind::kNone,
      [this](Ctx& c) {
        auto id = IdParam(c, 0);
        if (!id) return *id.error();
        return Reply(c, reports.Schedule(*c.principal, *id));
      });
  Add("PUT", "/api/v1/plans/{id}/report-schedule", Access::kSignedIn, BodyKind::kJson,
      [this](Ctx& c) {
        auto id = IdParam(c, 0);
        if (!id) return *id.error();
        return Reply(c, reports.SetSchedule(*c.principal, *id, c.body, IfMatch(c.req)));
      });
}

}  // namespace planwatch::http
