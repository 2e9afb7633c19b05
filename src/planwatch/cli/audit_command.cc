// `planwatch audit verify | checkpoint | log`: the audit hash chain from the command line.
#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "planwatch/cli/commands.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/audit.h"
#include "planwatch/service/signing.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

// Problems printed before the rest are only counted: a rewritten chain can break at every event.
constexpr std::size_t kShownProblems = 50;
// Far above any checkpoint file; keeps a mistaken argument from being read whole.
constexpr std::uintmax_t kMaxCheckpointBytes = 1 << 20;

struct AuditOptions {
  std::string db;
  std::string checkpoint;  // verify: a checkpoint kept elsewhere
  std::string key;         // empty: "<db>.key"
  std::string out;         // checkpoint: empty for stdout
  std::string subject;     // log: "task:12"; empty: every event
  int limit = 50;
  std::int64_t before = 0;
  std::string format = "text";
};

Result<std::unique_ptr<Store>> OpenExisting(const std::string& db) {
  if (auto ready = InitCrypto(); !ready) return std::unexpected(ready.error());
  return Store::Open(StoreOptions{db, false});
}

// Writes `text` to `path` whole or not at all (a temporary file renamed into place).
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("{}: cannot write: {}", temp, std::strerror(errno)));
    }
    out << text;
    out.flush();
    if (!out) {
      std::filesystem::remove(temp);
      return Fail(ErrorCode::kFailedPrecondition, fmt::format("{}: cannot write", temp));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp);
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("{}: cannot write: {}", path, ec.message()));
  }
  return {};
}

std::string Short(const std::string& digest) { return digest.empty() ? "-" : digest.substr(0, 12); }

int RunVerify(const AuditOptions& options) {
  auto store = OpenExisting(options.db);
  if (!store) return Report(store.error());
  std::optional<AuditCheckpoint> external;
  if (!options.checkpoint.empty()) {
    auto bytes = ReadBoundedFile(options.checkpoint, "a checkpoint file", kMaxCheckpointBytes);
    if (!bytes) return Report(bytes.error());
    auto parsed = ParseAuditCheckpoint(*bytes);
    if (!parsed) {
      Error error = parsed.error();
      error.message = fmt::format("{}: {}", options.checkpoint, error.message);
      return Report(error);
    }
    external = std::move(*parsed);
  }
  // The instance key, when at hand, pins the key every checkpoint must be signed with; without
  // it a checkpoint is checked against the key it names.
  std::optional<std::string> expected_key;
  const std::string key_path = options.key.empty() ? DefaultKeyPath(options.db) : options.key;
  auto key = LoadOrCreateInstanceKey(key_path, false);
  if (key) {
    expected_key = AuditPublicKey(*key);
  } else if (!options.key.empty() || key.error().code != ErrorCode::kNotFound) {
    return Report(key.error());
  } else {
    fmt::print(stderr, "planwatch: {} not found: checkpoints are checked against their own key\n",
               key_path);
  }
  auto verified = VerifyAudit(**store, external, expected_key);
  if (!verified) return Report(verified.error());
  fmt::print("events checked: {}\n", verified->events);
  fmt::print("checkpoints checked: {}\n", verified->checkpoints);
  fmt::print("head: seq {} hash {}\n", verified->head_seq, verified->head_hash);
  if (verified->ok()) {
    fmt::print("audit chain verified\n");
    return 0;
  }
  const auto& problems = verified->problems;
  for (std::size_t i = 0; i < problems.size() && i < kShownProblems; ++i) {
    fmt::print("problem: {}\n", problems[i].message);
  }
  if (problems.size() > kShownProblems) {
    fmt::print("... and {} more problems\n", problems.size() - kShownProblems);
  }
  return Report(Error{
      ErrorCode::kFailedPrecondition,
      fmt::format("the audit chain of {} does not verify: {} problem{}",
                  DisplayLocation(options.db), problems.size(), problems.size() == 1 ? "" : "s"),
      {}});
}

int RunCheckpoint(const AuditOptions& options) {
  auto store = OpenExisting(options.db);
  if (!store) return Report(store.error());
  // The default key is the one `serve` creates; an explicit one must exist.
  auto key = options.key.empty() ? LoadOrCreateInstanceKey(DefaultKeyPath(options.db), true)
                                 : LoadOrCreateInstanceKey(options.key, false);
  if (!key) return Report(key.error());
  auto checkpoint = SignAuditCheckpoint(**store, *key);
  if (!checkpoint) return Report(checkpoint.error());
  const std::string json = AuditCheckpointJson(*checkpoint);
  if (options.out.empty()) {
    fmt::print("{}", json);
    return 0;
  }
  if (auto written = WriteFileAtomically(options.out, json); !written) {
    return Report(written.error());
  }
  fmt::print(stderr, "planwatch: checkpoint of event {} written to {}\n", checkpoint->seq,
             options.out);
  return 0;
}

int RunLog(const AuditOptions& options) {
  auto store = OpenExisting(options.db);
  if (!store) return Report(store.error());
  AuditQuery query;
  if (!options.subject.empty()) {
    auto subject = ParseAuditSubject(options.subject);
    if (!subject) return Report(subject.error());
    query.subject_kind = subject->first;
    query.subject_id = subject->second;
  }
  query.before_seq = options.before;
  query.limit = options.limit;
  auto events = (*store)->AuditEvents(query);
  if (!events) return Report(events.error());
  for (const AuditEvent& e : *events) {
    if (options.format == "json") {
      fmt::print("{}\n", AuditEventJson(e).dump());
      continue;
    }
    fmt::print("{:>8} {} {} {} [{}] {} {}:{} {} {}→{} hash {}\n", e.seq, e.at, e.actor,
               e.address.empty() ? "-" : e.address, e.action, e.operation, e.table, e.row_key,
               e.subject_kind.empty() ? "-" : e.subject_kind + ":" + e.subject_id,
               Short(e.before_digest), Short(e.after_digest), Short(e.hash));
  }
  return 0;
}

}  // namespace

void AddAuditCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand("audit", "The audit hash chain: verify, checkpoint, log");
  cmd->require_subcommand(1);

  CLI::App* verify = cmd->add_subcommand(
      "verify",
      "Check every event of the chain and every checkpoint; exits non-zero on any problem");
  verify->add_option("--db", options->db, "Database file")->required();
  verify->add_option("--checkpoint", options->checkpoint,
                     "A checkpoint kept elsewhere (from `audit checkpoint --out`): also reveals "
                     "a truncated tail");
  verify->add_option("--key", options->key,
                     "Instance key file whose audit key every checkpoint must carry (default: "
                     "<db>.key when it exists)");
  verify->callback([options, &exit_code] { exit_code = RunVerify(*options); });

  CLI::App* checkpoint =
      cmd->add_subcommand("checkpoint", "Sign the chain's head now and write the checkpoint");
  checkpoint->add_option("--db", options->db, "Database file")->required();
  checkpoint->add_option("--out", options->out, "Write the checkpoint JSON here (default: stdout)");
  checkpoint->add_option("--key", options->key, "Instance key file (default: <db>.key)");
  checkpoint->callback([options, &exit_code] { exit_code = RunCheckpoint(*options); });

  CLI::App* log = cmd->add_subcommand("log", "Print events, newest first");
  log->add_option("--db", options->db, "Database file")->required();
  log->add_option("--subject", options->subject, "Only this subject's events, e.g. task:12");
  log->add_option("--limit", options->limit, "At most this many events (1-1000)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  log->add_option("--before", options->before, "Only events with a smaller seq")
      ->check(CLI::PositiveNumber);
  log->add_option("--format", options->format, "text or json (one event per line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  log->callback([options, &exit_code] { exit_code = RunLog(*options); });
}

}  // namespace planwatch::cli
