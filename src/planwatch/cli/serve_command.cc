#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "planwatch/base/clock.h"
#include "planwatch/cli/commands.h"
#include "planwatch/http/api.h"
#include "planwatch/http/couriers.h"
#include "planwatch/http/server.h"
#include "planwatch/http/web_assets.h"
#include "planwatch/http/web_files.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/audit.h"
#include "planwatch/service/live_analytics.h"
#include "planwatch/service/signing.h"
#include "planwatch/service/urging_worker.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct ServeOptions {
  std::string db;
  std::string bind = "127.0.0.1";
  int port = 8057;
  int threads = 0;
  std::string web_dir;  // empty: the UI embedded at build time
  // Where the deployment's days begin: Vietnam is UTC+7 all year round.
  std::string utc_offset = "+07:00";
  int feedback_difficulty = 16;  // leading zero bits of the feedback challenge
  std::string smtp;              // HOST:PORT of the SMTP relay; empty: e-mails stay pending
  std::string smtp_from = "planwatch@localhost";
  int delivery_backoff = 30;   // seconds before the first retry; doubles per attempt
  int delivery_lease = 120;    // seconds after which an unfinished send is taken for cut short
  int urging_interval = 3600;  // seconds between urging scans
  int audit_every = 1000;      // events between two checkpoints the engine signs
  std::string tls_cert;        // PEM files; both or neither (none: plain HTTP)
  std::string tls_key;
  std::string session_idle = "30m";  // durations (ParseDuration)
  std::string session_max = "12h";
};

// "90s", "30m", "12h", "7d" (a positive whole number and a unit) into seconds. invalid_argument
// naming `flag` and the text otherwise.
Result<std::chrono::seconds> ParseDuration(std::string_view flag, const std::string& text) {
  const auto fail = [&] {
    return InvalidArgument(
        fmt::format("{} '{}': expected a duration such as 90s, 30m, 12h or 7d", flag, text));
  };
  if (text.size() < 2 || text.size() > 10) return fail();
  const std::string digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return fail();
  constexpr std::string_view kUnits = "smhd";
  constexpr std::array<std::int64_t, 4> kUnitSeconds = {1, 60, 3600, 86400};
  const std::size_t unit = kUnits.find(text.back());
  if (unit == std::string_view::npos) return fail();
  const std::int64_t count = std::stoll(digits);  // at most 9 digits: no overflow
  if (count == 0) return fail();
  return std::chrono::seconds(count * kUnitSeconds[unit]);
}

// "host:port" (a bracketed IPv6 host allowed) into the courier's relay fields.
Status ParseRelay(const std::string& text, http::CourierOptions& out) {
  const auto colon = text.rfind(':');
  int port = 0;
  if (colon != std::string::npos && colon > 0) {
    const std::string digits = text.substr(colon + 1);
    if (!digits.empty() && digits.size() <= 5 &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      port = std::stoi(digits);
    }
  }
  if (port < 1 || port > 65535) {
    return InvalidArgument(fmt::format("--smtp '{}': expected HOST:PORT", text));
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  out.smtp_host = host;
  out.smtp_port = port;
  return {};
}

int RunServe(const ServeOptions& options) {
  // Flags are checked before the database is opened: a typo costs no index load.
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Report(
        InvalidArgument(
            options.tls_cert.empty()
                ? fmt::format("--tls-key '{}' needs --tls-cert as well", options.tls_key)
                : fmt::format("--tls-cert '{}' needs --tls-key as well", options.tls_cert))
            .error());
  }
  const bool tls = !options.tls_cert.empty();
  auto session_idle = ParseDuration("--session-idle", options.session_idle);
  if (!session_idle) return Report(session_idle.error());
  auto session_max = ParseDuration("--session-max", options.session_max);
  if (!session_max) return Report(session_max.error());
  if (auto ready = InitCrypto(); !ready) return Report(ready.error());
  auto store = Store::Open(StoreOptions{options.db, false});
  if (!store) return Report(store.error());
  auto offset = ParseUtcOffset(options.utc_offset);
  if (!offset) return Report(offset.error());
  http::ApiOptions api_options;
  api_options.today = [offset = *offset] { return TodayAt(offset); };
  api_options.utc_offset = *offset;
  api_options.feedback_difficulty = options.feedback_difficulty;
  api_options.accounts.session_idle = *session_idle;
  api_options.accounts.session_lifetime = *session_max;
  // A session in use must not look idle: its last use is written well within the idle time.
  api_options.accounts.touch_interval = std::min(
      api_options.accounts.touch_interval, std::max(std::chrono::seconds(1), *session_idle / 2));
  api_options.secure_cookies = tls;
  auto signing_key = LoadOrCreateInstanceKey(DefaultKeyPath(options.db));
  if (!signing_key) return Report(signing_key.error());
  api_options.signing_key = *signing_key;
  (*store)->SetAuditSigner(MakeAuditSigner(*signing_key, options.audit_every));
  if (options.web_dir.empty()) {
    api_options.web = http::WebFiles::FromTable(http::EmbeddedWebAssets());
  } else {
    auto web = http::WebFiles::FromDirectory(options.web_dir);
    if (!web) return Report(web.error());
    api_options.web = std::move(*web);
  }
  http::CourierOptions courier_options;
  courier_options.smtp_from = options.smtp_from;
  if (!options.smtp.empty()) {
    if (auto relay = ParseRelay(options.smtp, courier_options); !relay) {
      return Report(relay.error());
    }
  }
  // The analytics index: loaded once, then kept current by every commit.
  const auto loading = std::chrono::steady_clock::now();
  auto analytics = AttachAnalytics(**store);
  if (!analytics) return Report(analytics.error());
  const Analytics::Size size = (*analytics)->size();
  fmt::print(stderr,
             "planwatch: analytics index: {} values, {} tasks, {} events, {} MiB, in {:.1f} s\n",
             size.values, size.tasks, size.events, (size.value_bytes + size.task_bytes) >> 20,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - loading).count());
  // Other nodes (and CLI commands) writing to the same database reach the index as they commit.
  CommitFollower follower(**store, *analytics);
  http::Api api(**store, *analytics, std::move(api_options));
  http::ServerOptions server_options;
  server_options.bind = options.bind;
  server_options.port = static_cast<std::uint16_t>(options.port);
  server_options.threads =
      options.threads > 0 ? options.threads
                          : static_cast<int>(std::max(2U, std::thread::hardware_concurrency()));
  server_options.tls_cert_file = options.tls_cert;
  server_options.tls_key_file = options.tls_key;
  auto server = http::Server::Start(
      server_options, [&api](http::Request&& request) { return api.Handle(std::move(request)); },
      [&api](int status, const http::Request& request) { return api.Refuse(status, request); },
      [&api](const http::Request& head) { return api.OpenStream(head); });
  if (!server) return Report(server.error());
  const std::string host = options.bind.find(':') != std::string::npos
                               ? fmt::format("[{}]", options.bind)
                               : options.bind;
  // The first line is for scripts and tests that start the server on port 0.
  fmt::print("planwatch serving {} on {}://{}:{}\n", DisplayLocation(options.db),
             tls ? "https" : "http", host, (*server)->port());
  std::fflush(stdout);
  // Without a relay, e-mails stay pending; webhooks are posted either way.
  const std::unique_ptr<Courier> courier = http::MakeNetworkCourier(courier_options);
  UrgingWorkerOptions worker_options;
  worker_options.scan_interval = std::chrono::seconds(options.urging_interval);
  worker_options.utc_offset = *offset;
  worker_options.delivery.backoff.base = std::chrono::seconds(options.delivery_backoff);
  worker_options.delivery.lease = std::chrono::seconds(options.delivery_lease);
  worker_options.delivery.backoff.cap =
      std::max(worker_options.delivery.backoff.cap, worker_options.delivery.backoff.base);
  worker_options.delivery.from = options.smtp_from;
  worker_options.delivery.email = !options.smtp.empty();
  UrgingWorker worker(**store, courier.get(), worker_options);
  worker.Start();
  (*server)->Run(/*handle_signals=*/true);
  worker.Stop();
  // The head at shutdown, signed: a later truncation of the tail shows against it.
  if (auto checkpoint = SignAuditCheckpoint(**store, *signing_key); checkpoint) {
    fmt::print(stderr, "planwatch: audit checkpoint at event {}\n", checkpoint->seq);
  } else if (checkpoint.error().code != ErrorCode::kFailedPrecondition) {
    fmt::print(stderr, "planwatch: no audit checkpoint at shutdown: {}\n",
               checkpoint.error().message);
  }
  fmt::print("planwatch stopped\n");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the web UI and the JSON API");
  cmd->add_option("--db", options->db, "Database file")->required();
  cmd->add_option("--bind", options->bind, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", options->port, "Port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--threads", options->threads,
                  "Worker threads (default: one per core, at least 2)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--web-dir", options->web_dir,
                  "Serve the web UI from this directory, read on every request (UI development; "
                  "default: the UI built into the binary)");
  cmd->add_option("--utc-offset", options->utc_offset,
                  "The local time zone's offset from UTC, for what 'today' is: task status, "
                  "claims and defaults (e.g. +07:00)")
      ->capture_default_str();
  cmd->add_option("--feedback-difficulty", options->feedback_difficulty,
                  "Leading zero bits a feedback challenge needs (0-32)")
      ->check(CLI::Range(0, 32))
      ->capture_default_str();
  cmd->add_option("--smtp", options->smtp,
                  "SMTP relay for urging e-mails, HOST:PORT (none: e-mails stay pending in the "
                  "outbox)");
  cmd->add_option("--smtp-from", options->smtp_from, "Sender address of urging e-mails")
      ->capture_default_str();
  cmd->add_option("--delivery-backoff", options->delivery_backoff,
                  "Seconds before a failed delivery is retried; doubles per attempt")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--delivery-lease", options->delivery_lease,
                  "Seconds after which a send left unfinished (its process stopped) is made "
                  "again; a younger one may be in flight on another node")
      ->check(CLI::Range(15, 86400))
      ->capture_default_str();
  cmd->add_option("--urging-interval", options->urging_interval,
                  "Seconds between urging scans (one also runs at start); 0: no automatic "
                  "scans (POST /api/v1/urging/run still runs one)")
      ->check(CLI::Range(0, 86400 * 7))
      ->capture_default_str();
  cmd->add_option("--audit-every", options->audit_every,
                  "Sign a checkpoint of the audit chain every N events (one is also signed at "
                  "shutdown)")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--tls-cert", options->tls_cert,
                  "Serve HTTPS only (TLS 1.2+, with HSTS): the certificate chain, PEM; needs "
                  "--tls-key");
  cmd->add_option("--tls-key", options->tls_key,
                  "The certificate's private key, PEM, unencrypted; needs --tls-cert");
  cmd->add_option("--session-idle", options->session_idle,
                  "A session unused this long ends (e.g. 90s, 30m, 12h, 7d)")
      ->capture_default_str();
  cmd->add_option("--session-max", options->session_max,
                  "A session ends this long after sign-in, however busy (e.g. 12h)")
      ->capture_default_str();
  cmd->callback([options, &exit_code] { exit_code = RunServe(*options); });
}

}  // namespace planwatch::cli
