// Bulk ingest of data values (POST /api/v1/data-values): a request body parsed as it arrives,
// checked whole, then written in a transaction it may share with other requests.
//
//   body pieces ──Write()──▶ IngestRequest (CSV / JSON parser, per-item checks)
//                              │ Finish(): duplicates, ratio inputs, scope
//                              ▼
//                           ValueBatch ──▶ ValueCommitter (group commit) ──▶ Store
//
// Formats (docs/api.md, "Bulk ingest"):
// - kCsv: the data-values columns of docs/import-formats.md (codes; English or Vietnamese
//   headers, matched as the importer matches them: FindColumn in formats.h);
// - kJson: either {"values": [{indicator, unit, period, value, comment?, state?}]} (ids) or a
//   DHIS2 dataValueSet {"dataValues": [{dataElement, period, orgUnit, value, comment?}], …}
//   (codes, DHIS2's idScheme=code; top-level period and orgUnit are defaults for the items).
// Memory: the parsers keep one partial line or token plus the parsed values (ValueBatch, about
// 40 bytes a value), never the body text.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/access.h"
#include "planwatch/domain/indicator.h"
#include "planwatch/domain/period.h"
#include "planwatch/service/resources.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// The values of one request, held compactly and handed to the store in chunks. Not
// thread-safe; the committer only reads it.
class ValueBatch {
 public:
  // `stored_by` is recorded on every value (the caller's login).
  explicit ValueBatch(std::string stored_by);

  // Appends a value; `comment` empty: none. `tag`: the caller's number for it (say, its position
  // in a request body), kept at no cost.
  void Add(IndicatorId indicator, OrgUnitId unit, const Period& period, double value,
           std::string_view comment, ValueState state, std::uint32_t tag = 0);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Replaces `out` with the values [begin, begin + count) (clipped to size()) as DataValues.
  void Fill(std::size_t begin, std::size_t count, std::vector<DataValue>& out) const;

  // The key of value `i` (for checks over the whole batch).
  IndicatorId indicator(std::size_t i) const { return IndicatorId{at(i).indicator}; }
  OrgUnitId unit(std::size_t i) const { return OrgUnitId{at(i).unit}; }
  std::uint32_t period_key(std::size_t i) const { return at(i).period; }
  double value(std::size_t i) const { return at(i).value; }
  std::uint32_t tag(std::size_t i) const { return at(i).tag; }

 private:
  struct Item {
    std::int64_t indicator;
    std::int64_t unit;
    double value;
    std::uint32_t period;   // PackPeriod() in ingest.cc
    std::uint32_t comment;  // 0: none; else comments_[comment - 1]
    std::uint32_t tag;
    ValueState state;
  };
  // Fixed blocks rather than one vector: growing never copies (or doubles) what is held.
  static constexpr std::size_t kBlock = 8192;

  const Item& at(std::size_t i) const { return blocks_[i / kBlock][i % kBlock]; }

  std::string stored_by_;
  std::vector<std::unique_ptr<Item[]>> blocks_;
  std::size_t size_ = 0;
  std::vector<std::string> comments_;
};

// Group commit of data values: concurrent requests share transactions and fsyncs. A request
// that calls Commit() queues its batch; one caller at a time takes every queued batch, writes
// each with its own PutDataValues calls (in chunks of `chunk_values`) inside one transaction,
// commits once and wakes every caller. A batch whose write fails is answered with that error and
// left out, and the others still commit (the transaction is replayed without it when part of
// it was already written). No thread of its own: callers take turns doing the work.
// Thread-safe.
class ValueCommitter {
 public:
  // `chunk_values`: values per PutDataValues call (at least 1), which bounds the DataValue
  // records held at once. Default 16,384.
  explicit ValueCommitter(Store& store, std::size_t chunk_values = 16'384);
  ValueCommitter(const ValueCommitter&) = delete;
  ValueCommitter& operator=(const ValueCommitter&) = delete;

  // Writes every value of `batch` (all or nothing) and returns once the transaction holding it
  // is committed, i.e. durable. Errors: those of PutDataValues (invalid_argument, message
  // "values[i]: …" with i the position in `batch`), unavailable when the database is busy or
  // the commit fails. `batch` must stay alive and unchanged until this returns.
  Status Commit(const ValueBatch& batch);

  // Batches queued and not yet taken by a writer (for monitoring and tests).
  std::size_t Queued() const;

 private:
  struct Pending {
    const ValueBatch* batch;
    bool done = false;
    Status status;
    AuditContext context;  // the caller's: its values' audit events carry it, whoever writes
  };

  // Writes `group` (taken from the queue) and sets every member's status.
  void WriteGroup(std::vector<Pending*> group);
  // Writes one batch into `tx`; `partial` is set when an error came after some chunk was written.
  Status WriteBatch(Transaction& tx, const ValueBatch& batch, bool& partial);

  Store& store_;
  const std::size_t chunk_values_;

  mutable std::mutex mu_;
  std::condition_variable done_;
  std::deque<Pending*> queue_;  // guarded by mu_
  bool writing_ = false;        // guarded by mu_: some caller is writing a group
};

// What was wrong with a body as a whole (as opposed to some of its values).
enum class BodyFault {
  kNone,
  kMalformed,  // not CSV / JSON, invalid UTF-8, cut short
  kTooLarge,   // a CSV line or JSON string or number longer than IngestOptions::max_token_bytes
};

enum class IngestFormat { kCsv, kJson };

struct IngestOptions {
  // Errors reported at most (the rest are counted in the message). Default 100.
  std::size_t max_errors = 100;
  // The longest CSV line (record) or JSON string or number, in bytes. Default 64 KiB.
  std::size_t max_token_bytes = std::size_t{64} << 10;
};

struct IngestSummary {
  std::int64_t written = 0;  // values written (each a new version; the previous one kept)
  // IngestParams::dry_run: nothing was written; `would_write` values passed every check.
  bool dry_run = false;
  std::int64_t would_write = 0;
};

// DHIS2's import parameters, from the query string of POST /api/v1/data-values.
struct IngestParams {
  // Every check runs (the caller's scope included) and nothing is written; the summary says how
  // many values would be (IngestSummary::would_write). Default false.
  bool dry_run = false;
};

// Decodes dryRun (true|false) and the id schemes dataElementIdScheme, orgUnitIdScheme and
// idScheme, which may only be code in any ASCII case (the DHIS2 shape's ids are codes).
// invalid_argument naming the parameter (one ErrorDetail) for uid, name or any other scheme, a
// malformed flag, or an unknown parameter.
Result<IngestParams> ParseIngestParams(const QueryParams& query);

class IngestParser;

// One request's body. Write() the pieces in order, then Finish() once. Not thread-safe; may be
// destroyed without Finish() (the client went away): nothing is written then.
class IngestRequest {
 public:
  ~IngestRequest();
  IngestRequest(const IngestRequest&) = delete;
  IngestRequest& operator=(const IngestRequest&) = delete;

  // Parses the next piece of the body. false once the body is unusable (fault() is set): later
  // pieces are ignored, so the caller may stop reading.
  bool Write(std::string_view bytes);

  // The body is complete: checks the values as a whole and writes them through the committer
  // (blocking until they are durable). Errors:
  // - invalid_argument when fault() is set (the message says where), or when any value is wrong:
  //   one ErrorDetail per problem, at most max_errors, in body order: CSV: the line and the
  //   column as the header names it; JSON: the field "values[3].period" /
  //   "dataValues[3].orgUnit" (line 0). Unknown codes or ids, a period of another type than the
  //   indicator's, a value outside its bounds (ValidateValue), a ratio's numerator above its
  //   denominator in the same body (ValidateRatioInputs), the same value twice, no values at all;
  // - permission_denied when every value is valid but some unit is outside the caller's write
  //   scope (AccessPolicy::CanWriteValues) or the caller may not approve and asks to;
  // - the committer's errors.
  // Nothing is written unless the result is a success.
  Result<IngestSummary> Finish();

  BodyFault fault() const;

 private:
  friend class Ingest;
  explicit IngestRequest(std::unique_ptr<IngestParser> parser);
  std::unique_ptr<IngestParser> parser_;
};

// The service entry point. Thread-safe: Begin() may be called concurrently.
class Ingest {
 public:
  Ingest(Store& store, ValueCommitter& committer, IngestOptions options = {});

  // Starts a request of `principal` (copied). Loads the indicators and units it
  // resolves against. permission_denied when the caller may enter data nowhere (before any of
  // the body is read).
  Result<std::unique_ptr<IngestRequest>> Begin(const Principal& principal,
                                               IngestFormat format) const;
  // The same, with DHIS2's import parameters (IngestParams::dry_run: Finish() writes nothing).
  Result<std::unique_ptr<IngestRequest>> Begin(const Principal& principal, IngestFormat format,
                                               const IngestParams& params) const;

 private:
  Store& store_;
  ValueCommitter& committer_;
  const IngestOptions options_;
};

}  // namespace planwatch
