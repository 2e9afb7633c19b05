#include <fmt/format.h>

#include <cstdio>

#include "planwatch/cli/commands.h"

namespace planwatch::cli {

int Report(const Error& error) {
  fmt::print(stderr, "planwatch: {}\n", error.message);
  for (const ErrorDetail& d : error.details) {
    std::string where;
    if (d.line > 0) where = fmt::format("line {}", d.line);
    if (!d.field.empty()) where += fmt::format("{}column '{}'", where.empty() ? "" : ", ", d.field);
    fmt::print(stderr, "  {}{}{}\n", where, where.empty() ? "" : ": ", d.message);
  }
  return ExitCode(error.code);
}

}  // namespace planwatch::cli
