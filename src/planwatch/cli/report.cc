#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

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

Result<std::string> ReadBoundedFile(const std::string& path, std::string_view what,
                                    std::uintmax_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgument(fmt::format("{}: is a folder, not {}", path, what));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) {
    return InvalidArgument(fmt::format("{}: {} bytes is too large for {}", path, size, what));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return Fail(error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kFailedPrecondition,
                fmt::format("{}: cannot read: {}", path, std::strerror(error)));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Fail(ErrorCode::kFailedPrecondition, fmt::format("{}: cannot read", path));
  return bytes;
}

}  // namespace planwatch::cli
