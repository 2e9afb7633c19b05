// Feedback: the StoreReader reads and Transaction writes of storage/feedback.h
// (store.h) as functions of a Connection or a WriteContext. Internal to storage.
//
// Reads: stored text that does not parse (a state name) is internal. Writes validate before they
// write and may leave partial rows on failure: the caller runs each one inside a savepoint.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "planwatch/base/error.h"
#include "planwatch/storage/feedback.h"
#include "planwatch/storage/sql/connection.h"
#include "planwatch/storage/sql/write.h"

namespace planwatch::sql {

Result<std::vector<FeedbackRecord>> ReadFeedback(Connection& connection,
                                                 const FeedbackQuery& query);
Result<std::optional<FeedbackRecord>> ReadFeedbackById(Connection& connection, FeedbackId id);
Result<std::vector<FeedbackEvent>> ReadFeedbackEvents(Connection& connection, FeedbackId id);
// internal when the key row is missing (the schema creates it).
Result<std::string> ReadFeedbackAddressKey(Connection& connection);

// The Transaction::AddFeedback and AppendFeedbackEvent contracts (store.h).
Result<FeedbackId> WriteFeedback(WriteContext& context, const FeedbackRecord& feedback);
Status WriteFeedbackEvent(WriteContext& context, const FeedbackEvent& event);

}  // namespace planwatch::sql
