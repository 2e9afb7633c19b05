// Records of publications: numbered, immutable versions of the open datasets the standing agency
// publishes, and their withdrawals, as the store keeps them (store.h: StoreReader and
// Transaction, "Publications"). What a dataset holds is the service's business
// (service/publishing.h); the store keeps it as JSON text and never changes it.
#pragma once

#include <cstdint>
#include <string>

#include "planwatch/base/ids.h"

namespace planwatch {

using PublicationId = Id<struct PublicationTag>;

// One version of a dataset. Immutable once stored: no update or delete exists (the database
// refuses them too).
struct PublicationRecord {
  PublicationId id;     // set by the store; ids grow in publication order
  std::string dataset;  // the dataset's name, e.g. "plan-333-kh-tu"; not empty
  std::string kind;     // "plan", "indicator", "scorecards", "review"; the same in every version
  std::string subject;  // plan or indicator code, or review id; the same in every version
  int version = 0;      // set by the store: 1 for the first, then previous + 1
  std::string content;  // the version's metadata, columns, rows and summary (JSON); not empty
  std::string published_by;  // login
  std::string published_at;  // set by the store (the transaction's instant)
  // The withdrawal made while this was the dataset's latest version; empty when none. A dataset
  // is withdrawn exactly when its latest version carries one.
  std::string withdrawn_by;
  std::string withdrawn_at;

  friend bool operator==(const PublicationRecord&, const PublicationRecord&) = default;
};

// Counts that change with every publication and every withdrawal (for cache tags).
struct PublicationCounts {
  std::int64_t versions = 0;     // versions stored, of every dataset
  std::int64_t last_id = 0;      // the highest PublicationId stored; 0 when none
  std::int64_t withdrawals = 0;  // withdrawals ever made

  friend bool operator==(const PublicationCounts&, const PublicationCounts&) = default;
};

}  // namespace planwatch
