#include "planwatch/domain/task.h"

#include "planwatch/base/enum_names.h"

namespace planwatch {
namespace {

constexpr NameTable<TaskKind, 2> kTaskKinds{{
    {TaskKind::kDeadline, "deadline"},
    {TaskKind::kRecurring, "recurring"},
}};

constexpr NameTable<TaskEventKind, 6> kTaskEventKinds{{
    {TaskEventKind::kProgress, "progress"},
    {TaskEventKind::kClaim, "claim"},
    {TaskEventKind::kVerify, "verify"},
    {TaskEventKind::kReturn, "return"},
    {TaskEventKind::kAmend, "amend"},
    {TaskEventKind::kCancel, "cancel"},
}};

}  // namespace

std::string_view TaskKindName(TaskKind kind) { return NameOf(kTaskKinds, kind); }

Result<TaskKind> ParseTaskKind(std::string_view text) {
  return ParseName(kTaskKinds, "task kind", text);
}

std::string_view TaskEventKindName(TaskEventKind kind) { return NameOf(kTaskEventKinds, kind); }

Result<TaskEventKind> ParseTaskEventKind(std::string_view text) {
  return ParseName(kTaskEventKinds, "task event kind", text);
}

}  // namespace planwatch
