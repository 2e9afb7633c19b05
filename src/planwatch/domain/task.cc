#include "planwatch/domain/task.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace planwatch {
namespace {

constexpr std::array<std::pair<TaskKind, std::string_view>, 2> kTaskKinds{{
    {TaskKind::kDeadline, "deadline"},
    {TaskKind::kRecurring, "recurring"},
}};

constexpr std::array<std::pair<TaskEventKind, std::string_view>, 6> kTaskEventKinds{{
    {TaskEventKind::kProgress, "progress"},
    {TaskEventKind::kClaim, "claim"},
    {TaskEventKind::kVerify, "verify"},
    {TaskEventKind::kReturn, "return"},
    {TaskEventKind::kAmend, "amend"},
    {TaskEventKind::kCancel, "cancel"},
}};

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum v) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
Result<Enum> ParseName(const std::array<std::pair<Enum, std::string_view>, N>& table,
                       std::string_view text, std::string_view what) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  std::string accepted;
  for (const auto& entry : table) {
    if (!accepted.empty()) accepted += ", ";
    accepted += entry.second;
  }
  return InvalidArgument(fmt::format("'{}' is not a {}: expected one of {}", text, what, accepted));
}

}  // namespace

std::string_view TaskKindName(TaskKind kind) { return NameOf(kTaskKinds, kind); }

Result<TaskKind> ParseTaskKind(std::string_view text) {
  return ParseName(kTaskKinds, text, "task kind");
}

std::string_view TaskEventKindName(TaskEventKind kind) { return NameOf(kTaskEventKinds, kind); }

Result<TaskEventKind> ParseTaskEventKind(std::string_view text) {
  return ParseName(kTaskEventKinds, text, "task event kind");
}

}  // namespace planwatch
