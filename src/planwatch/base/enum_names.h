// Names of enum values as they appear in files, JSON and on the command line. One table per
// enum serves both directions, so that naming and parsing cannot drift apart.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "planwatch/base/error.h"
#include "planwatch/base/text.h"

namespace planwatch {

template <typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

// The name of `value`; "unknown" for a value missing from the table (a bug).
template <typename Enum, std::size_t N>
constexpr std::string_view NameOf(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

// The value named exactly `text`. invalid_argument otherwise, naming the input (EchoForMessage)
// and every accepted name: "'x' is not a valid <what>: expected one of a, b, c".
template <typename Enum, std::size_t N>
Result<Enum> ParseName(const NameTable<Enum, N>& table, std::string_view what,
                       std::string_view text) {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  std::string accepted;
  for (const auto& entry : table) {
    if (!accepted.empty()) accepted += ", ";
    accepted += entry.second;
  }
  return InvalidArgument(fmt::format("'{}' is not a valid {}: expected one of {}",
                                     EchoForMessage(text), what, accepted));
}

}  // namespace planwatch
