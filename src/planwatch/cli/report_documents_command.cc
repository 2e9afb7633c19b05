// `planwatch report pdf` and `planwatch report xlsx`: the PDF summary and the XLSX workbooks,
// written to a file, as the API serves them.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>

#include "planwatch/base/clock.h"
#include "planwatch/cli/commands.h"
#include "planwatch/service/documents.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct DocumentOptions {
  std::string db;
  std::string plan;
  std::string period;
  std::string as_of;
  std::string kind;
  std::string lang = "vi";
  std::string out;
};

// Whoever holds the database file reads what an administrator at the root of the plan's issuing
// unit reads.
Result<Principal> FileHolder(StoreReader& store, const std::string& plan_code) {
  auto plans = store.Plans();
  if (!plans) return std::unexpected(plans.error());
  auto plan = std::ranges::find(*plans, plan_code, &Plan::code);
  if (plan == plans->end()) return NotFound(fmt::format("no plan '{}'", plan_code));
  auto units = store.OrgUnits();
  if (!units) return std::unexpected(units.error());
  OrgUnitId root = plan->issuer;
  for (std::size_t steps = 0; steps < units->size(); ++steps) {
    auto unit = std::ranges::find(*units, root, &OrgUnit::id);
    if (unit == units->end() || !unit->parent) break;
    root = unit->parent;
  }
  return Principal{UserId{-1}, "planwatch-cli", Role::kAdmin, root};
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Fail(ErrorCode::kInvalidArgument, fmt::format("cannot write {}", path));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Fail(ErrorCode::kUnavailable, fmt::format("writing {} failed", path));
  return {};
}

int RunDocument(const DocumentOptions& o, bool pdf) {
  const Date today = TodayUtc();
  QueryParams params{{"plan", o.plan}};
  ExportKind kind = ExportKind::kPlanSummaryPdf;
  if (pdf) {
    params["period"] = o.period;
    params["lang"] = o.lang;
  } else if (o.kind == "scorecards") {
    kind = ExportKind::kScorecardsXlsx;
    if (!o.as_of.empty()) {
      return Report(Error{ErrorCode::kInvalidArgument, "--as-of goes with --kind tasks", {}});
    }
    if (!o.period.empty()) params["period"] = o.period;
  } else if (o.kind == "tasks") {
    kind = ExportKind::kTasksXlsx;
    if (!o.period.empty()) {
      return Report(Error{ErrorCode::kInvalidArgument, "--period goes with --kind scorecards", {}});
    }
    if (!o.as_of.empty()) params["as_of"] = o.as_of;
  } else {
    return Report(Error{ErrorCode::kInvalidArgument,
                        fmt::format("--kind must be scorecards or tasks, not \"{}\"", o.kind),
                        {}});
  }
  auto store = Store::Open(StoreOptions{o.db, false});
  if (!store) return Report(store.error());
  auto principal = FileHolder(**store, o.plan);
  if (!principal) return Report(principal.error());
  auto analytics = LoadAnalytics(**store);
  if (!analytics) return Report(analytics.error());
  auto file = ExportDocument(**store, **analytics, *principal, kind, params, today,
                             std::chrono::minutes(0), DocumentLanguage::kVi);
  if (!file) return Report(file.error());
  if (auto ok = WriteFile(o.out, file->bytes); !ok) return Report(ok.error());
  fmt::print("wrote {} ({} bytes)\n", o.out, file->bytes.size());
  return 0;
}

}  // namespace

void AddReportDocumentCommands(CLI::App& report, int& exit_code) {
  auto pdf = std::make_shared<DocumentOptions>();
  CLI::App* p = report.add_subcommand("pdf", "The PDF summary of a plan for a period");
  p->add_option("--db", pdf->db, "Database file")->required();
  p->add_option("--plan", pdf->plan, "Plan code, e.g. 333-KH/TU")->required();
  p->add_option("--period", pdf->period, "Period, e.g. 2025 or 2025Q3")->required();
  p->add_option("--out", pdf->out, "Output file (.pdf)")->required();
  p->add_option("--lang", pdf->lang, "Labels: vi (default) or en");
  p->callback([pdf, &exit_code] { exit_code = RunDocument(*pdf, true); });

  auto xlsx = std::make_shared<DocumentOptions>();
  CLI::App* x = report.add_subcommand("xlsx", "An XLSX workbook: the unit ranking or the tasks");
  x->add_option("--db", xlsx->db, "Database file")->required();
  x->add_option("--plan", xlsx->plan, "Plan code, e.g. 333-KH/TU")->required();
  x->add_option("--kind", xlsx->kind, "scorecards or tasks")->required();
  x->add_option("--period", xlsx->period, "scorecards: period (default: this year)");
  x->add_option("--as-of", xlsx->as_of, "tasks: date YYYY-MM-DD (default: today)");
  x->add_option("--out", xlsx->out, "Output file (.xlsx)")->required();
  x->callback([xlsx, &exit_code] { exit_code = RunDocument(*xlsx, false); });
}

}  // namespace planwatch::cli
