// Stored records of periodic reports (domain/report.h): the reports themselves, one row per
// revision, their append-only events, and the report schedules of plans. Read and written through
// the StoreReader / Transaction methods in store.h's "Reports" section.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "planwatch/base/date.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/period.h"
#include "planwatch/domain/report.h"
#include "planwatch/storage/signing.h"

namespace planwatch {

using ReportId = Id<struct ReportTag>;

// The signature made when the unit's leader approved the report, as the signing service made it,
// with the exact bytes it signed.
struct StoredReportSignature {
  SigningKeyId key;
  std::string algorithm;   // "ed25519"
  std::string public_key;  // base64
  std::string signature;   // base64
  std::string signer_login;
  std::string signer_name;
  std::string signed_at;  // ISO 8601 UTC instant
  std::string content;    // the signed bytes: the report's canonical content

  friend bool operator==(const StoredReportSignature&, const StoredReportSignature&) = default;
};

// One revision of a unit's report for a plan and a period. (plan, unit, period, revision) is
// unique. Once stored as accepted, a row never changes again (enforced by the database too).
struct ReportRecord {
  ReportId id;
  PlanId plan;
  OrgUnitId unit;
  Period period = Period::Year(1970);
  int revision = 1;     // 1, 2, …
  ReportId supersedes;  // the previous revision (none for revision 1)
  ReportState state = ReportState::kDraft;
  Date due_on;
  std::string results;  // narrative
  std::string difficulties;
  std::string proposals;
  // The gathered content, a JSON object as text: re-gathered while draft or returned, frozen
  // (the canonical bytes) from submission on.
  std::string content;
  // Completeness of the gathered content (domain/report.h), kept beside it for summaries.
  int required_items = 0;
  int present_items = 0;
  std::string created_by;          // login
  std::string created_at;          // set by the store
  std::string updated_at;          // set by the store on every write
  std::string first_submitted_at;  // first submission of this revision (instant); empty before
  std::string submitted_at;        // latest submission (instant); empty before
  std::string submitted_by;        // login of the latest submission
  std::optional<StoredReportSignature> signature;  // set on approval

  friend bool operator==(const ReportRecord&, const ReportRecord&) = default;
};

// One recorded step of a report's life. Append-only.
struct ReportEvent {
  std::int64_t sequence = 0;  // set by the store: append order over every report
  ReportId report;
  ReportAction action = ReportAction::kCreate;
  std::optional<ReportState> from;  // none when the event created the report (create, revise)
  ReportState to = ReportState::kDraft;
  std::string actor;    // login
  std::string comment;  // a return's reason; a revision's note
  std::string at;       // set by the store (the transaction's instant)

  friend bool operator==(const ReportEvent&, const ReportEvent&) = default;
};

// Filters of FindReports; each none matches everything.
struct ReportQuery {
  std::optional<PlanId> plan;
  std::optional<OrgUnitId> unit;
  std::optional<Period> period;  // exactly this period
  std::optional<ReportState> state;
  // true: content and signature are left empty (lists and figures that do not need them).
  bool summaries_only = false;
};

}  // namespace planwatch
