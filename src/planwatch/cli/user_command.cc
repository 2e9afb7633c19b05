#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "planwatch/cli/commands.h"
#include "planwatch/service/accounts.h"
#include "planwatch/storage/store.h"

namespace planwatch::cli {
namespace {

struct UserCommandOptions {
  std::string db;
  std::string login;
  std::string role;
  std::string unit;
  std::string name;
  std::string format = "text";
};

// Turns terminal echo off for its lifetime, so a typed password is not shown.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

Result<std::string> ReadLine(std::string_view prompt, bool terminal) {
  std::string line;
  bool got = false;
  if (terminal) {
    fmt::print(stderr, "{}", prompt);
    std::fflush(stderr);
    EchoOff quiet;
    got = static_cast<bool>(std::getline(std::cin, line));
    fmt::print(stderr, "\n");
  } else {
    got = static_cast<bool>(std::getline(std::cin, line));
  }
  if (!got) {
    return Fail(ErrorCode::kInvalidArgument, "no password on standard input",
                {ErrorDetail{0, "password", "give the password as one line on standard input"}});
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The new password: typed twice at a terminal, else the first line of standard input. Never
// taken from the command line, where other users could read it in the process list.
Result<std::string> ReadPassword() {
  const bool terminal = ::isatty(STDIN_FILENO) != 0;
  auto first = ReadLine("Password: ", terminal);
  if (!first || !terminal) return first;
  auto again = ReadLine("Repeat password: ", terminal);
  if (!again) return again;
  if (*again != *first) {
    return Fail(ErrorCode::kInvalidArgument, "the two passwords differ",
                {ErrorDetail{0, "password", "type the same password twice"}});
  }
  return first;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& db) {
  if (auto s = InitCrypto(); !s) return std::unexpected(s.error());
  return Store::Open(StoreOptions{db, false});
}

int RunAdd(const UserCommandOptions& options) {
  auto role = ParseRole(options.role);
  if (!role) return Report(role.error());
  auto store = OpenStore(options.db);
  if (!store) return Report(store.error());
  auto password = ReadPassword();
  if (!password) return Report(password.error());
  Accounts accounts(**store);
  auto user = accounts.AddUser(
      NewUser{options.login, options.name, *role, options.unit, std::move(*password)});
  if (!user) return Report(user.error());
  fmt::print("added user {} (id {}, {} of {})\n", user->login, user->id.value, RoleName(user->role),
             user->unit_code);
  return 0;
}

int RunReset(const UserCommandOptions& options) {
  auto store = OpenStore(options.db);
  if (!store) return Report(store.error());
  // An unknown login is reported before the password is asked for.
  auto existing = (*store)->UserByLogin(options.login);
  if (!existing) return Report(existing.error());
  if (!*existing) {
    return Report(
        Error{ErrorCode::kNotFound, fmt::format("no user has login '{}'", options.login), {}});
  }
  auto password = ReadPassword();
  if (!password) return Report(password.error());
  Accounts accounts(**store);
  if (auto s = accounts.ResetPassword(options.login, *password); !s) return Report(s.error());
  fmt::print("new password set for {}; its sessions have ended\n", options.login);
  return 0;
}

void PrintTable(const std::vector<UserView>& users) {
  std::vector<std::vector<std::string>> rows{
      {"id", "login", "role", "unit", "disabled", "created_at"}};
  for (const UserView& u : users) {
    rows.push_back({std::to_string(u.id.value), u.login, std::string(RoleName(u.role)), u.unit_code,
                    u.disabled ? "yes" : "no", u.created_at});
  }
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line = fmt::format("{:>{}}", row[0], widths[0]);
    for (std::size_t i = 1; i < row.size(); ++i) {
      line += i + 1 == row.size() ? "  " + row[i] : fmt::format("  {:<{}}", row[i], widths[i]);
    }
    fmt::print("{}\n", line);
  }
}

int RunList(const UserCommandOptions& options) {
  auto store = OpenStore(options.db);
  if (!store) return Report(store.error());
  Accounts accounts(**store);
  auto users = accounts.ListUsers();
  if (!users) return Report(users.error());
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const UserView& u : *users) {
      out.push_back({{"id", u.id.value},
                     {"login", u.login},
                     {"display_name", u.display_name},
                     {"role", RoleName(u.role)},
                     {"unit", u.unit_code},
                     {"disabled", u.disabled},
                     {"created_at", u.created_at}});
    }
    fmt::print("{}\n", out.dump(2));
  } else {
    PrintTable(*users);
  }
  return 0;
}

}  // namespace

void AddUserCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<UserCommandOptions>();
  CLI::App* cmd = app.add_subcommand("user", "Add users, reset passwords, list users");
  cmd->require_subcommand(1);

  CLI::App* add = cmd->add_subcommand("add", "Add a user (password: one line on standard input)");
  add->add_option("--db", options->db, "Database file")->required();
  add->add_option("--login", options->login, "Login: 1-64 of A-Z a-z 0-9 . _ @ -")->required();
  add->add_option("--role", options->role,
                  "admin, steering, standing_agency, unit_leader, unit_officer or viewer")
      ->required();
  add->add_option("--unit", options->unit, "Code of the unit the role applies to (and beneath)")
      ->required();
  add->add_option("--name", options->name, "Display name");
  add->callback([options, &exit_code] { exit_code = RunAdd(*options); });

  CLI::App* reset =
      cmd->add_subcommand("reset", "Set a new password (standard input) and end all sessions");
  reset->add_option("--db", options->db, "Database file")->required();
  reset->add_option("--login", options->login, "Login")->required();
  reset->callback([options, &exit_code] { exit_code = RunReset(*options); });

  CLI::App* list = cmd->add_subcommand("list", "List the users");
  list->add_option("--db", options->db, "Database file")->required();
  list->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  list->callback([options, &exit_code] { exit_code = RunList(*options); });
}

}  // namespace planwatch::cli
