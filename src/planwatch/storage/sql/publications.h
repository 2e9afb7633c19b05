// Publications: their StoreReader reads and Transaction writes (store.h,
// "Publications") as functions of a Connection or a WriteContext. Internal to storage.
//
// Writes validate before they write and may leave partial rows on failure: the caller runs each
// one inside a savepoint.
#pragma once

#include <string_view>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/storage/publications.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/write.h"

namespace planwatch::sql {

// The StoreReader contracts of Publications, LatestPublications, PublicationVersion and
// CountPublications (store.h).
Result<std::vector<PublicationRecord>> ReadPublications(Connection& connection,
                                                        std::string_view dataset);
Result<std::vector<PublicationRecord>> ReadLatestPublications(Connection& connection);
Result<PublicationRecord> ReadPublicationVersion(Connection& connection, std::string_view dataset,
                                                 int version);
Result<PublicationCounts> ReadPublicationCounts(Connection& connection);

// The Transaction contracts of PutPublication and WithdrawPublication (store.h).
Result<PublicationRecord> WritePublication(WriteContext& context,
                                           const PublicationRecord& publication);
Status WithdrawPublicationRow(WriteContext& context, std::string_view dataset, std::string_view by);

}  // namespace planwatch::sql
