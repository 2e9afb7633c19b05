#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "planwatch/base/clock.h"
#include "planwatch/cli/commands.h"
#include "planwatch/http/api.h"
#include "planwatch/http/server.h"
#include "planwatch/http/web_assets.h"
#include "planwatch/http/web_files.h"
#include "planwatch/service/accounts.h"
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
};

int RunServe(const ServeOptions& options) {
  if (auto ready = InitCrypto(); !ready) return Report(ready.error());
  auto store = Store::Open(StoreOptions{options.db, false});
  if (!store) return Report(store.error());
  auto offset = ParseUtcOffset(options.utc_offset);
  if (!offset) return Report(offset.error());
  http::ApiOptions api_options;
  api_options.today = [offset = *offset] { return TodayAt(offset); };
  if (options.web_dir.empty()) {
    api_options.web = http::WebFiles::FromTable(http::EmbeddedWebAssets());
  } else {
    auto web = http::WebFiles::FromDirectory(options.web_dir);
    if (!web) return Report(web.error());
    api_options.web = std::move(*web);
  }
  http::Api api(**store, std::move(api_options));
  http::ServerOptions server_options;
  server_options.bind = options.bind;
  server_options.port = static_cast<std::uint16_t>(options.port);
  server_options.threads =
      options.threads > 0 ? options.threads
                          : static_cast<int>(std::max(2U, std::thread::hardware_concurrency()));
  auto server = http::Server::Start(
      server_options, [&api](http::Request&& request) { return api.Handle(std::move(request)); },
      [&api](int status, const http::Request& request) { return api.Refuse(status, request); });
  if (!server) return Report(server.error());
  const std::string host = options.bind.find(':') != std::string::npos
                               ? fmt::format("[{}]", options.bind)
                               : options.bind;
  // The first line is for scripts and tests that start the server on port 0.
  fmt::print("planwatch serving {} on http://{}:{}\n", options.db, host, (*server)->port());
  std::fflush(stdout);
  (*server)->Run(/*handle_signals=*/true);
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
  cmd->callback([options, &exit_code] { exit_code = RunServe(*options); });
}

}  // namespace planwatch::cli
