#include "planwatch/service/task_actions.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "planwatch/base/enum_names.h"
#include "planwatch/base/text.h"
#include "planwatch/domain/org_tree.h"
#include "planwatch/domain/task_status.h"
#include "planwatch/service/accounts.h"
#include "planwatch/service/evidence_types.h"
#include "planwatch/service/json_fields.h"
#include "planwatch/service/ledger_rules.h"
#include "planwatch/service/resource_codecs.h"
#include "planwatch/service/store_reads.h"

namespace planwatch {
namespace {

using nlohmann::json;

constexpr NameTable<TaskAction, 6> kActionNames{{
    {TaskAction::kProgress, "progress"},
    {TaskAction::kClaim, "claim"},
    {TaskAction::kVerify, "verify"},
    {TaskAction::kReturn, "return"},
    {TaskAction::kAmend, "amend"},
    {TaskAction::kCancel, "cancel"},
}};

constexpr std::size_t kMaxText = 8192;  // free text of an event (bytes)

TaskEventKind EventKindOf(TaskAction action) {
  switch (action) {
    case TaskAction::kProgress:
      return TaskEventKind::kProgress;
    case TaskAction::kClaim:
      return TaskEventKind::kClaim;
    case TaskAction::kVerify:
      return TaskEventKind::kVerify;
    case TaskAction::kReturn:
      return TaskEventKind::kReturn;
    case TaskAction::kAmend:
      return TaskEventKind::kAmend;
    case TaskAction::kCancel:
      return TaskEventKind::kCancel;
  }
  return TaskEventKind::kProgress;
}

std::string_view FieldName(LedgerField field) {
  switch (field) {
    case LedgerField::kOn:
      return "on";
    case LedgerField::kCompletedOn:
      return "completed_on";
    case LedgerField::kNewDeadline:
      return "new_deadline";
    case LedgerField::kNewLeadUnit:
      return "new_lead_unit";
    case LedgerField::kReason:
      return "reason";
    case LedgerField::kPeriod:
      return "period";
  }
  return "";
}

// A task with everything its access and ledger rules need, read through one reader.
struct LoadedTask {
  Task task;
  Plan plan;
  OrgTree tree;
  std::vector<TaskEvent> ledger;  // this task's events, in append order
  TaskState now;                  // evaluated on today, claimed view
};

std::unexpected<Error> NoSuchTask(std::int64_t id) {
  return NotFound(fmt::format("no task with id {}", id));
}

// none when the task does not exist (or its plan was deleted).
Result<std::optional<LoadedTask>> LoadTask(StoreReader& r, std::int64_t id, Date today) {
  auto record = LoadTaskRecord(r, TaskId{id});
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::optional<LoadedTask>();
  auto tree = LoadOrgTree(r);
  if (!tree) return std::unexpected(tree.error());
  LoadedTask out{std::move((*record)->task),
                 std::move((*record)->plan),
                 std::move(*tree),
                 std::move((*record)->ledger),
                 {}};
  out.now = EvaluateTask(out.task, out.ledger, today, CompletionView::kClaimed);
  return std::optional<LoadedTask>(std::move(out));
}

// The task when `p` may see it; not_found otherwise, so tasks out of scope are not revealed.
Result<LoadedTask> VisibleTask(StoreReader& r, const Principal& p, std::int64_t id, Date today) {
  auto loaded = LoadTask(r, id, today);
  if (!loaded) return std::unexpected(loaded.error());
  if (!*loaded) return NoSuchTask(id);
  AccessPolicy policy((*loaded)->tree);
  if (!policy.CanReadTask(p, (*loaded)->task, (*loaded)->now.lead_unit, (*loaded)->plan)) {
    return NoSuchTask(id);
  }
  return std::move(**loaded);
}

bool MayReport(const Principal& p, const LoadedTask& t) {
  return AccessPolicy(t.tree).CanReportOnTask(p, t.task, t.now.lead_unit, t.plan);
}

json EvidenceJson(const EvidenceFile& f) {
  return json{{"id", f.id.value},
              {"task", f.task.value},
              {"file_name", f.file_name},
              {"content_type", f.content_type},
              {"size", f.size},
              {"sha256", f.sha256},
              {"uploaded_by", f.uploaded_by},
              {"uploaded_at", f.uploaded_at},
              {"url", fmt::format("/api/v1/evidence/{}", f.id.value)}};
}

JsonFields FieldsFor(TaskAction action, const json& body) {
  using Mode = JsonFields::Mode;
  switch (action) {
    case TaskAction::kProgress:
      return JsonFields(
          body, Mode::kCreate,
          {"on", "progress_percent", "difficulties", "proposals", "period", "evidence"});
    case TaskAction::kClaim:
      return JsonFields(body, Mode::kCreate,
                        {"on", "completed_on", "progress_percent", "evidence", "evidence_files"});
    case TaskAction::kVerify:
      return JsonFields(body, Mode::kCreate, {"on", "completed_on"});
    case TaskAction::kReturn:
    case TaskAction::kCancel:
      return JsonFields(body, Mode::kCreate, {"on", "reason"});
    case TaskAction::kAmend:
      return JsonFields(body, Mode::kCreate,
                        {"on", "new_deadline", "new_lead_unit", "reason", "requested_by"});
  }
  return JsonFields(body, Mode::kCreate, {});
}

bool Given(const json& body, std::string_view name) {
  if (!body.is_object()) return false;
  auto it = body.find(name);
  return it != body.end() && !it->is_null();
}

bool HasError(const JsonFields& fields, std::string_view field) {
  return std::ranges::any_of(fields.errors(),
                             [&](const ErrorDetail& d) { return d.field == field; });
}

// Reads the body of `action` into an event of `t`; every problem goes to `fields`.
// `evidence_files` receives the ids of a claim's attached files.
TaskEvent DecodeEvent(TaskAction action, const json& body, const LoadedTask& t, Date today,
                      JsonFields& fields, std::vector<EvidenceId>& evidence_files) {
  TaskEvent e;
  e.task = t.task.id;
  e.kind = EventKindOf(action);
  e.on = today;
  fields.DateField("on", e.on);
  if (fields.Has("on") && !HasError(fields, "on") && e.on > today) {
    fields.Add("on", "invalid",
               fmt::format("{} is in the future (today is {})", e.on.ToString(), today.ToString()));
  }
  switch (action) {
    case TaskAction::kProgress:
    case TaskAction::kClaim:
      fields.OptionalInteger("progress_percent", e.progress_percent, 0, 100);
      fields.Text("evidence", e.evidence, false, kMaxText);
      if (action == TaskAction::kProgress) {
        fields.Text("difficulties", e.difficulties, false, kMaxText);
        fields.Text("proposals", e.proposals, false, kMaxText);
        fields.OptionalPeriod("period", e.period);
        if (t.task.kind == TaskKind::kRecurring && !e.period && !HasError(fields, "period")) {
          fields.Add("period", "required", "a recurring task reports progress for a period");
        }
      } else {
        fields.OptionalDate("completed_on", e.completed_on);
        fields.RefList("evidence_files", evidence_files);
        if (TrimAscii(e.evidence).empty() && evidence_files.empty() &&
            !HasError(fields, "evidence") && !HasError(fields, "evidence_files")) {
          fields.Add("evidence", "required",
                     "a claim needs its evidence: links in evidence or files in evidence_files");
        }
      }
      break;
    case TaskAction::kVerify:
      fields.OptionalDate("completed_on", e.completed_on);
      if (e.completed_on && *e.completed_on > e.on) {
        fields.Add("completed_on", "invalid",
                   fmt::format("{} is after the verification's date {}", e.completed_on->ToString(),
                               e.on.ToString()));
      }
      break;
    case TaskAction::kReturn:
    case TaskAction::kCancel:
      fields.Text("reason", e.reason, true, kMaxText);
      break;
    case TaskAction::kAmend:
      fields.OptionalDate("new_deadline", e.new_deadline);
      fields.Ref("new_lead_unit", e.new_lead_unit);
      fields.Text("reason", e.reason, true, kMaxText);
      fields.Text("requested_by", e.requested_by, true, 256);
      if (e.new_lead_unit) {
        const OrgUnit* unit = t.tree.Find(e.new_lead_unit);
        if (unit == nullptr) {
          fields.Add("new_lead_unit", "not_found",
                     fmt::format("no org unit with id {}", e.new_lead_unit.value));
        } else if (!unit->ActiveOn(e.on)) {
          fields.Add(
              "new_lead_unit", "invalid",
              fmt::format("org unit '{}' is not in force on {}", unit->code, e.on.ToString()));
        }
      }
      break;
  }
  // The ledger rules every path shares; a field already refused is not reported twice.
  std::vector<LedgerProblem> problems =
      CheckEventFields(&t.task, e,
                       LedgerFieldsGiven{Given(body, "completed_on"), Given(body, "new_deadline"),
                                         Given(body, "new_lead_unit")});
  std::vector<LedgerProblem> against = CheckEventAgainstTask(t.task, e);
  problems.insert(problems.end(), against.begin(), against.end());
  std::set<std::string_view> reported;
  for (const LedgerProblem& problem : problems) {
    std::string_view field = FieldName(problem.field);
    if (HasError(fields, field) && !reported.contains(field)) continue;
    reported.insert(field);
    fields.Add(field, problem.code, problem.message);
  }
  return e;
}

// The ledger's own preconditions: nothing after cancellation; a verify or return needs a claim
// standing on its date.
Status CheckLedgerState(const LoadedTask& t, const TaskEvent& e) {
  if (t.now.cancelled_on) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("task '{}' was cancelled on {}; its ledger is closed", t.task.code,
                            t.now.cancelled_on->ToString()));
  }
  if (e.kind == TaskEventKind::kVerify || e.kind == TaskEventKind::kReturn) {
    TaskState then = EvaluateTask(t.task, t.ledger, e.on, CompletionView::kClaimed);
    if (!then.claimed) {
      return Fail(ErrorCode::kFailedPrecondition,
                  fmt::format("task '{}' has no claimed completion standing on {} to {}",
                              t.task.code, e.on.ToString(), TaskEventKindName(e.kind)));
    }
  }
  return {};
}

}  // namespace

std::string_view TaskActionName(TaskAction action) { return NameOf(kActionNames, action); }

Result<TaskAction> ParseTaskAction(std::string_view text) {
  return ParseName(kActionNames, "task action", text);
}

TaskActions::TaskActions(Resources& resources) : resources_(resources) {}

Result<Resource> TaskActions::Apply(const Principal& p, std::int64_t task_id, TaskAction action,
                                    const json& body, const std::optional<std::string>& if_match) {
  const Date today = resources_.today();
  auto tx = resources_.store().Begin();
  if (!tx) return std::unexpected(tx.error());
  Transaction& txn = **tx;
  auto loaded = VisibleTask(txn, p, task_id, today);
  if (!loaded) return std::unexpected(loaded.error());
  const LoadedTask& t = *loaded;
  const bool allowed = action == TaskAction::kProgress || action == TaskAction::kClaim
                           ? MayReport(p, t)
                           : AccessPolicy(t.tree).CanAdministerPlan(p, t.plan);
  if (!allowed) {
    return Fail(ErrorCode::kPermissionDenied, fmt::format("{} may not {} task '{}'", p.login,
                                                          TaskActionName(action), t.task.code));
  }

  JsonFields fields = FieldsFor(action, body);
  std::vector<EvidenceId> evidence_files;
  TaskEvent e = DecodeEvent(action, body, t, today, fields, evidence_files);
  e.actor = p.login;
  if (!evidence_files.empty() && !HasError(fields, "evidence_files")) {
    auto files = txn.EvidenceFiles(t.task.id);
    if (!files) return std::unexpected(files.error());
    for (EvidenceId id : evidence_files) {
      if (std::ranges::none_of(*files, [&](const EvidenceFile& f) { return f.id == id; })) {
        fields.Add(
            "evidence_files", "not_found",
            fmt::format("evidence file {} is not a file of task '{}'", id.value, t.task.code));
        continue;
      }
      if (!e.evidence.empty() && e.evidence.back() != '\n') e.evidence += '\n';
      e.evidence += fmt::format("/api/v1/evidence/{}", id.value);
    }
  }
  if (auto ok = fields.Finish(); !ok) return std::unexpected(ok.error());

  if (if_match) {
    const std::string current = ETagOf(TaskStoredJson(t.task, t.ledger.size()));
    if (*if_match != "*" && *if_match != current) {
      return Fail(ErrorCode::kVersionMismatch,
                  fmt::format("task '{}' changed since you read it; read it again and reapply "
                              "your change",
                              t.task.code));
    }
  }
  if (auto ok = CheckLedgerState(t, e); !ok) return std::unexpected(ok.error());
  if (auto ok = txn.AppendTaskEvent(e); !ok) return std::unexpected(ok.error());
  if (auto ok = txn.Commit(); !ok) return std::unexpected(ok.error());
  return resources_.Get(p, ResourceKind::kTask, task_id);
}

Result<json> TaskActions::Events(const Principal& p, std::int64_t task_id) {
  auto t = VisibleTask(resources_.store(), p, task_id, resources_.today());
  if (!t) return std::unexpected(t.error());
  json out = json::array();
  for (const TaskEvent& e : t->ledger) out.push_back(ToJson(e));
  return out;
}

Result<json> TaskActions::UploadEvidence(const Principal& p, std::int64_t task_id,
                                         const EvidenceUpload& upload) {
  auto tx = resources_.store().Begin();
  if (!tx) return std::unexpected(tx.error());
  Transaction& txn = **tx;
  auto t = VisibleTask(txn, p, task_id, resources_.today());
  if (!t) return std::unexpected(t.error());
  if (!MayReport(p, *t)) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not attach evidence to task '{}'", p.login, t->task.code));
  }
  auto name = SanitizeFileName(upload.file_name);
  if (!name) return std::unexpected(name.error());
  if (upload.content.empty() || upload.content.size() > kMaxEvidenceBytes) {
    std::string text = upload.content.empty()
                           ? std::string("the file is empty")
                           : fmt::format("the file has {} bytes; at most {} are accepted",
                                         upload.content.size(), kMaxEvidenceBytes);
    return Fail(
        ErrorCode::kInvalidArgument, "content: " + text,
        {ErrorDetail{0, "content",
                     FieldMessage(upload.content.empty() ? "required" : "too_long", text)}});
  }
  auto type = CheckEvidenceType(upload.content_type, upload.content);
  if (!type) return std::unexpected(type.error());

  EvidenceFile meta;
  meta.task = t->task.id;
  meta.file_name = std::move(*name);
  meta.content_type = std::move(*type);
  meta.size = static_cast<std::int64_t>(upload.content.size());
  meta.sha256 = Sha256Hex(upload.content);
  meta.uploaded_by = p.login;
  auto id = txn.PutEvidence(meta, upload.content);
  if (!id) return std::unexpected(id.error());
  // Read back for uploaded_at, which the store sets.
  auto stored = txn.Evidence(*id);
  if (!stored) return std::unexpected(stored.error());
  if (auto ok = txn.Commit(); !ok) return std::unexpected(ok.error());
  return EvidenceJson(*stored);
}

Result<json> TaskActions::ListEvidence(const Principal& p, std::int64_t task_id) {
  auto t = VisibleTask(resources_.store(), p, task_id, resources_.today());
  if (!t) return std::unexpected(t.error());
  auto files = resources_.store().EvidenceFiles(t->task.id);
  if (!files) return std::unexpected(files.error());
  json out = json::array();
  for (const EvidenceFile& f : *files) out.push_back(EvidenceJson(f));
  return out;
}

namespace {

json CommentJson(const TaskComment& c) {
  return json{{"id", c.id.value},   {"task", c.task.value},
              {"author", c.author}, {"author_name", c.author_name},
              {"body", c.body},     {"created_at", c.created_at}};
}

}  // namespace

Result<json> TaskActions::Comments(const Principal& p, std::int64_t task_id) {
  auto t = VisibleTask(resources_.store(), p, task_id, resources_.today());
  if (!t) return std::unexpected(t.error());
  auto comments = resources_.store().TaskComments(t->task.id);
  if (!comments) return std::unexpected(comments.error());
  json out = json::array();
  for (const TaskComment& c : *comments) out.push_back(CommentJson(c));
  return out;
}

Result<json> TaskActions::AddComment(const Principal& p, std::int64_t task_id, const json& body) {
  constexpr std::size_t kMaxCommentBytes = 4000;
  JsonFields fields(body, JsonFields::Mode::kCreate, {"body"});
  std::string text;
  fields.Text("body", text, /*required=*/true, kMaxCommentBytes);
  if (auto ok = fields.Finish(); !ok) return std::unexpected(ok.error());
  text = std::string(TrimAscii(text));
  if (text.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "body: the comment is empty",
                {ErrorDetail{0, "body", FieldMessage("required", "the comment is empty")}});
  }
  auto tx = resources_.store().Begin();
  if (!tx) return std::unexpected(tx.error());
  Transaction& txn = **tx;
  auto t = VisibleTask(txn, p, task_id, resources_.today());
  if (!t) return std::unexpected(t.error());
  if (!AccessPolicy(t->tree).CanCommentOnTask(p, t->task, t->now.lead_unit, t->plan)) {
    return Fail(ErrorCode::kPermissionDenied,
                fmt::format("{} may not comment on task '{}'", p.login, t->task.code));
  }
  auto user = txn.UserById(p.user);
  if (!user) return std::unexpected(user.error());
  TaskComment comment{{}, t->task.id, p.login, *user ? (*user)->display_name : "", text, ""};
  auto id = txn.PutTaskComment(comment);
  if (!id) return std::unexpected(id.error());
  // Read back for created_at, which the store sets.
  auto stored = txn.TaskComments(t->task.id);
  if (!stored) return std::unexpected(stored.error());
  if (auto ok = txn.Commit(); !ok) return std::unexpected(ok.error());
  for (const TaskComment& c : *stored) {
    if (c.id == *id) return CommentJson(c);
  }
  return Fail(ErrorCode::kInternal, "the stored comment was not read back");
}

Result<EvidenceDownload> TaskActions::DownloadEvidence(const Principal& p,
                                                       std::int64_t evidence_id) {
  auto missing = [&] { return NotFound(fmt::format("no evidence file with id {}", evidence_id)); };
  if (evidence_id <= 0) return missing();
  auto meta = resources_.store().Evidence(EvidenceId{evidence_id});
  if (!meta) {
    if (meta.error().code == ErrorCode::kNotFound) return missing();
    return std::unexpected(meta.error());
  }
  auto t = VisibleTask(resources_.store(), p, meta->task.value, resources_.today());
  if (!t) {
    if (t.error().code == ErrorCode::kNotFound) return missing();
    return std::unexpected(t.error());
  }
  auto content = resources_.store().EvidenceContent(meta->id);
  if (!content) return std::unexpected(content.error());
  return EvidenceDownload{std::move(*meta), std::move(*content)};
}

}  // namespace planwatch
