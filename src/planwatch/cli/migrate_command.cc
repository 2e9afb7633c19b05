// `planwatch migrate --from FILE.db --to postgresql://...`: copies a province's SQLite database
// into an empty PostgreSQL database, then proves the copy by comparing the two: every current
// value, every task and ledger entry, and each indicator's yearly rollups at every root unit from
// an analytics index loaded from each database.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "planwatch/cli/commands.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/storage/copy.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct MigrateOptions {
  std::string from;
  std::string to;
};

using CellKey = std::tuple<std::int64_t, std::int64_t, std::string, double>;

Result<std::vector<CellKey>> SortedValues(StoreReader& store) {
  std::vector<CellKey> cells;
  Status scanned = store.ScanDataValues([&](const ValueCell& cell) {
    cells.emplace_back(cell.indicator.value, cell.unit.value, cell.period.ToString(), cell.value);
  });
  if (!scanned) return std::unexpected(scanned.error());
  std::ranges::sort(cells);
  return cells;
}

struct Side {
  std::unique_ptr<Store> store;
  std::unique_ptr<Analytics> analytics;
  std::vector<CellKey> values;
};

Result<Side> Load(const std::string& location) {
  Side side;
  auto store = Store::Open(StoreOptions{location, false});
  if (!store) return std::unexpected(store.error());
  side.store = std::move(*store);
  auto values = SortedValues(*side.store);
  if (!values) return std::unexpected(values.error());
  side.values = std::move(*values);
  auto analytics = LoadAnalytics(*side.store);
  if (!analytics) return std::unexpected(analytics.error());
  side.analytics = std::move(*analytics);
  return side;
}

// The first difference between the two databases; empty when they agree.
Result<std::string> Compare(Side& sqlite, Side& postgres, int& rollups) {
  if (sqlite.values != postgres.values) {
    return fmt::format("current values differ: {} in the file, {} in PostgreSQL",
                       sqlite.values.size(), postgres.values.size());
  }
  for (PlanId plan : [&] {
         std::vector<PlanId> ids;
         for (const Plan& p : sqlite.analytics->catalog()->plans) ids.push_back(p.id);
         return ids;
       }()) {
    auto a = sqlite.store->Tasks(plan);
    auto b = postgres.store->Tasks(plan);
    auto ea = sqlite.store->TaskEvents(plan);
    auto eb = postgres.store->TaskEvents(plan);
    if (!a || !b || !ea || !eb || *a != *b || *ea != *eb) {
      return fmt::format("the tasks or their ledger of plan {} differ", plan.value);
    }
  }
  if (sqlite.values.empty()) return std::string();
  int first = 9999, last = 0;
  for (const CellKey& cell : sqlite.values) {
    const int year = std::stoi(std::get<2>(cell).substr(0, 4));
    first = std::min(first, year);
    last = std::max(last, year);
  }
  const auto catalog = sqlite.analytics->catalog();
  for (const Indicator& indicator : catalog->indicators) {
    for (OrgUnitId root : catalog->tree.Roots()) {
      for (int year = first; year <= last; ++year) {
        auto window = PeriodRange::Make(Period::Year(year), Period::Year(year));
        if (!window) return std::unexpected(window.error());
        auto a = sqlite.analytics->Rollup(indicator.id, root, *window);
        auto b = postgres.analytics->Rollup(indicator.id, root, *window);
        const bool same = a.has_value() == b.has_value() &&
                          (a.has_value() ? *a == *b : a.error().code == b.error().code);
        if (!same) {
          return fmt::format("the {} rollup of {} at unit {} differs", year, indicator.code,
                             root.value);
        }
        ++rollups;
      }
    }
  }
  return std::string();
}

int RunMigrate(const MigrateOptions& options) {
  const std::string shown = DisplayLocation(options.to);
  auto copied = CopySqliteToPostgres(options.from, options.to, [](const CopiedTable& table) {
    if (table.rows > 0) fmt::print("  {:<26} {:>9} rows\n", table.table, table.rows);
  });
  if (!copied) return Report(copied.error());
  std::int64_t rows = 0;
  for (const CopiedTable& table : *copied) rows += table.rows;
  fmt::print("copied {} rows of {} tables from {} to {}\n", rows, copied->size(), options.from,
             shown);

  auto sqlite = Load(options.from);
  if (!sqlite) return Report(sqlite.error());
  auto postgres = Load(options.to);
  if (!postgres) return Report(postgres.error());
  int rollups = 0;
  auto difference = Compare(*sqlite, *postgres, rollups);
  if (!difference) return Report(difference.error());
  if (!difference->empty()) {
    return Report(Error{ErrorCode::kInternal, "the copy does not match: " + *difference, {}});
  }
  fmt::print("verified: {} current values, every task and ledger entry, {} rollups equal\n",
             sqlite->values.size(), rollups);
  return 0;
}

}  // namespace

void AddMigrateCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<MigrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "migrate", "Copy a SQLite database into an empty PostgreSQL database and verify the copy");
  cmd->add_option("--from", options->from, "SQLite database file")->required();
  cmd->add_option("--to", options->to, "PostgreSQL database (postgresql://user@host/db)")
      ->required();
  cmd->callback([options, &exit_code] { exit_code = RunMigrate(*options); });
}

}  // namespace planwatch::cli
