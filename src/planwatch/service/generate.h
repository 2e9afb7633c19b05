// Deterministic synthetic datasets shaped like the demo (same unit types, indicator kinds, plan,
// task-group and task structure, statuses) at province, national or village scale, for
// benchmarks and load tests: what `planwatch generate` writes. docs/generate.md describes each
// scale.
//
// Determinism: the same scale and seed give the same records in the same order, so the same ids
// and the same exports (only the stores' stored_at instants differ). The generator uses its own
// pseudo-random numbers, never the standard library's distributions, so the result does not
// depend on the compiler or standard library either.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "planwatch/base/error.h"
#include "planwatch/storage/store.h"

namespace planwatch {

enum class GenerateScale {
  kProvince,  // one province, about the demo's size: quick runs and tests
  kNational,  // 34 provinces, ~700 departments, 3,321 communes, ~30 M values, ~100 K tasks
  kVillages,  // national plus ~100 K villages reporting 20 indicators (~170 M values)
};

// "province", "national", "villages".
std::string_view GenerateScaleName(GenerateScale scale);
// Accepts the names above; invalid_argument naming the input and the accepted names otherwise.
Result<GenerateScale> ParseGenerateScale(std::string_view text);

// Called from the generating thread after each committed transaction: `stage` is "units",
// "indicators", "tasks" or "values"; `done` of `total` items of that stage are written.
using GenerateProgress =
    std::function<void(std::string_view stage, std::uint64_t done, std::uint64_t total)>;

struct GenerateOptions {
  GenerateScale scale = GenerateScale::kProvince;
  std::uint64_t seed = 1;
  // Data values written per transaction. Must be positive.
  std::uint64_t values_per_transaction = 200'000;
  GenerateProgress progress;  // empty: none
};

// What was written.
struct GenerateSummary {
  std::uint64_t units = 0;
  std::uint64_t provinces = 0;
  std::uint64_t departments = 0;
  std::uint64_t communes = 0;  // communes and wards
  std::uint64_t villages = 0;
  std::uint64_t indicators = 0;
  std::uint64_t targets = 0;
  std::uint64_t plans = 0;
  std::uint64_t task_groups = 0;
  std::uint64_t tasks = 0;
  std::uint64_t task_events = 0;
  std::uint64_t values = 0;
};

// Fills `store`, which must hold no org unit yet (failed_precondition otherwise), through
// Store::Begin/Commit, in large transactions; a failure leaves the transactions committed before
// it (the caller discards the database). invalid_argument when values_per_transaction is 0;
// storage errors as returned by the store.
Result<GenerateSummary> Generate(Store& store, const GenerateOptions& options);

}  // namespace planwatch
