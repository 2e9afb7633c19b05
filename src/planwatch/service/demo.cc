#include "planwatch/service/demo.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "planwatch/base/clock.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/service/publishing.h"

namespace planwatch {
namespace {

// What the demo's standing agency publishes as open data: the plan, its 2025 scorecards and six
// of the indicators it answers for. The other plan and indicators stay unpublished, so the public
// side has something to leave out.
constexpr std::string_view kDemoPlan = "333-KH/TU";
constexpr std::string_view kDemoIndicators[] = {
    "OPEN_DATASETS",      "PUBLIC_SIGNATURES",    "VILLAGES_4G_NEW",
    "COMMUNITY_DT_TEAMS", "NQ57_RD_SPENDING_GDP", "NQ57_INNOVATIVE_ENTERPRISES"};
constexpr std::chrono::minutes kVietnam{7 * 60};

// Publishes through Publishing, as the plan's standing agency would; a demo folder without the
// plan publishes nothing.
Status PublishDemo(Store& store) {
  auto analytics = LoadAnalytics(store);
  if (!analytics) return std::unexpected(analytics.error());
  const Plan* plan = (*analytics)->catalog()->FindPlanByCode(kDemoPlan);
  if (!plan) return {};
  const Principal agency{UserId{}, "demo", Role::kStandingAgency,
                         plan->standing_agency ? plan->standing_agency : plan->issuer};
  Publishing publishing(
      store, **analytics, [] { return TodayAt(kVietnam); }, kVietnam);
  std::vector<nlohmann::json> bodies = {
      {{"kind", "plan"}, {"subject", kDemoPlan}},
      {{"kind", "scorecards"}, {"subject", kDemoPlan}, {"period", "2025"}}};
  for (std::string_view code : kDemoIndicators) {
    if ((*analytics)->catalog()->FindIndicatorByCode(code)) {
      bodies.push_back({{"kind", "indicator"}, {"subject", code}});
    }
  }
  for (const nlohmann::json& body : bodies) {
    auto published = publishing.Publish(agency, body);
    if (!published) {
      Error error = published.error();
      error.message = fmt::format("publishing {}: {}", body.dump(), error.message);
      return std::unexpected(std::move(error));
    }
  }
  return {};
}

}  // namespace

Result<std::vector<ImportSummary>> LoadDemo(Store& store, const std::filesystem::path& dir) {
  std::vector<ImportSummary> summaries;
  for (DataKind kind : AllDataKinds()) {
    const auto path = dir / fmt::format("{}.csv", DataKindName(kind));
    std::ifstream in(path, std::ios::binary);
    if (!in) return NotFound(fmt::format("cannot read {}", path.string()));
    ImportOptions options;
    options.actor = "demo";
    auto summary = ImportCsv(store, kind, in, options);
    if (!summary) {
      Error error = summary.error();
      error.message = fmt::format("{}: {}", path.string(), error.message);
      return std::unexpected(std::move(error));
    }
    summaries.push_back(*summary);
  }
  if (auto published = PublishDemo(store); !published) return std::unexpected(published.error());
  return summaries;
}

std::filesystem::path DefaultDemoDir() {
  if (const char* env = std::getenv("PLANWATCH_DEMO_DIR"); env && *env) return env;
  std::filesystem::path source = PLANWATCH_SOURCE_DIR "/data/demo";
  std::error_code ec;
  if (std::filesystem::is_directory(source, ec)) return source;
  return "data/demo";
}

}  // namespace planwatch
