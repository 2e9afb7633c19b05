// What happens to a task after it is assigned, as use cases: progress reports, claims with
// evidence, verification or return, amendments and cancellation — each appended to the task's
// ledger — and the evidence files themselves. Each use case is authorized once (AccessPolicy)
// and written in one transaction.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/domain/access.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

enum class TaskAction { kProgress, kClaim, kVerify, kReturn, kAmend, kCancel };
std::string_view TaskActionName(TaskAction action);  // "progress", "claim", "verify", …
Result<TaskAction> ParseTaskAction(std::string_view text);

struct EvidenceUpload {
  std::string file_name;  // as given by the client; sanitized (path parts dropped), ≤ 255 bytes
  std::string content_type;  // as declared by the client (Content-Type)
  std::string content;
};

struct EvidenceDownload {
  EvidenceFile meta;
  std::string content;
};

class TaskActions {
 public:
  explicit TaskActions(Resources& resources);

  // Applies `action` with its JSON body to the task and returns the task as Resources::Get
  // would (with the new ETag). Bodies (every field optional unless said; `on` defaults to today):
  //   progress: on, progress_percent (0–100), difficulties, proposals, period (recurring tasks:
  //             required), evidence (text: links)
  //   claim:    on, completed_on (required, not after `on`), evidence (links) and/or
  //             evidence_files (ids of files uploaded to this task) — at least one of them
  //   verify:   on, completed_on (corrects the claimed date)
  //   return:   on, reason (required)
  //   amend:    on, new_deadline and/or new_lead_unit (at least one), reason and requested_by
  //             (required)
  //   cancel:   on, reason (required)
  // Rules: progress and claim by the lead unit's leaders and officers or the plan's
  // administrators; verify, return, amend and cancel by the plan's administrators only.
  // failed_precondition when the ledger does not allow it (claim of a cancelled task, verify or
  // return without a standing claim, anything after cancellation); `if_match`, when given, must
  // be the task's current ETag (version_mismatch otherwise). The actor is the principal's login.
  Result<Resource> Apply(const Principal& p, std::int64_t task_id, TaskAction action,
                         const nlohmann::json& body, const std::optional<std::string>& if_match);

  // The task's ledger, oldest first, as JSON objects (kind, on, actor, and the fields of the
  // event that are set). not_found when the task is not visible to p.
  Result<nlohmann::json> Events(const Principal& p, std::int64_t task_id);

  // Stores an evidence file for the task (by those who may report on it). The content type is
  // checked against the content: PDF, PNG, JPEG, GIF, WebP, Office Open XML (docx, xlsx, pptx),
  // OpenDocument, plain text and CSV (valid UTF-8) are accepted; anything else, or a declared type
  // that does not match the content, is unsupported_media_type. Empty content or a missing file
  // name: invalid_argument naming the field ("content", "file_name").
  Result<nlohmann::json> UploadEvidence(const Principal& p, std::int64_t task_id,
                                        const EvidenceUpload& upload);
  Result<nlohmann::json> ListEvidence(const Principal& p, std::int64_t task_id);
  // not_found when the file does not exist or its task is not visible to p.
  Result<EvidenceDownload> DownloadEvidence(const Principal& p, std::int64_t evidence_id);

  // Comments on the task, oldest first: [{id, task, author, author_name, body, created_at}].
  // not_found when the task is not visible to p.
  Result<nlohmann::json> Comments(const Principal& p, std::int64_t task_id);
  // Appends {"body"} (1–4000 bytes after trimming) by p, with p's display name as it is now.
  // permission_denied for viewers; invalid_argument naming "body".
  Result<nlohmann::json> AddComment(const Principal& p, std::int64_t task_id,
                                    const nlohmann::json& body);

 private:
  Resources& resources_;
};

}  // namespace planwatch
