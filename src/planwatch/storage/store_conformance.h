// The storage conformance suite: the Store contract (store.h) tested through the interface
// only, so every engine passes the same tests. The tests are in store_conformance_test.cc; an
// engine joins by instantiating them with a factory for its backend:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
//                            ::testing::Values(StoreBackendFactory{"sqlite", MakeSqlite}),
//                            StoreBackendName);
//
// Contracts the suite pins down beyond store.h's comments: successions are ordered by
// (effective_on, predecessor, successor); targets by (indicator, unit with "none" first,
// date); task groups, tasks and every id-bearing list by id; data values by (indicator, unit,
// period) in Period order; reading the groups, tasks, tasks as of an instant or events of a
// missing plan, or the history of a missing task or org unit, is not_found, while the history of
// a target that never existed is empty; every as_of accepts a fraction of 1–9 digits (or none);
// a version replaced by the transaction that wrote it (task, org unit or target) is in history
// with recorded_at == superseded_at and is never current at any instant; a task event's task and
// new lead unit must exist (invalid_argument naming the id), and an event without a new lead unit
// reads back with none.
// Deletes: a deleted plan reads as missing (its groups, tasks, events and tasks as of an instant
// are not_found); a deleted plan, task group or indicator cannot own a new or updated row (a
// task's plan or group, a group's plan or parent, a plan's parent, a target's or data value's
// indicator: invalid_argument naming it), while lists that name one (a plan's directives, a
// task's indicators, a ratio's parts) keep naming it and the row stays updatable; a conflict with
// a deleted row's code says "deleted id". A data value's tombstone carries the value, comment and
// state it ended. Accounts: users list by id; a session's instants must be instants
// (invalid_argument naming the text); a second session with the same id_hash is conflict; tokens
// list by id, revoked ones included, and the by-hash lookup returns a revoked token too; the
// user's, token's and file's created_at, revoked_at and uploaded_at are the transaction's
// instant (the stored_at of a data value written by it); an evidence file's size must be the
// content's length (invalid_argument naming the file); the files of a missing task are an empty
// list.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "planwatch/base/date.h"
#include "planwatch/base/error.h"
#include "planwatch/base/ids.h"
#include "planwatch/domain/period.h"
#include "planwatch/storage/store.h"

namespace planwatch {

// One engine's database for one test.
class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  // Opens the backend's database: a new, empty one on the first call; the same one again on
  // later calls (each after the previous Store was destroyed).
  virtual Result<std::unique_ptr<Store>> Open() = 0;
};

struct StoreBackendFactory {
  std::string name;  // the instantiation's suffix: letters, digits and underscores
  std::function<std::unique_ptr<StoreBackend>()> make;
};

inline void PrintTo(const StoreBackendFactory& factory, std::ostream* os) { *os << factory.name; }

inline std::string StoreBackendName(const ::testing::TestParamInfo<StoreBackendFactory>& info) {
  return info.param.name;
}

class StoreConformanceTest : public ::testing::TestWithParam<StoreBackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    ASSERT_NE(backend_, nullptr);
    auto store = backend_->Open();
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    backend_.reset();
  }

  Store& store() { return *store_; }

  // Closes the store and opens the same database again.
  void Reopen() {
    store_.reset();
    auto store = backend_->Open();
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  // Another Store on the same database (another process, another node).
  std::unique_ptr<Store> OpenAnother() {
    auto store = backend_->Open();
    if (!store) ADD_FAILURE() << "Open: " << store.error().ToString();
    return std::move(store).value();
  }

  // A new transaction; the test fails (and the call throws) when none can be started.
  std::unique_ptr<Transaction> Begin() {
    auto transaction = store_->Begin();
    if (!transaction) ADD_FAILURE() << "Begin: " << transaction.error().ToString();
    return std::move(transaction).value();
  }

 private:
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

// Readable failure output for the model's value types.
template <typename Tag>
void PrintTo(const Id<Tag>& id, std::ostream* os) {
  *os << "#" << id.value;
}
inline void PrintTo(const Date& date, std::ostream* os) { *os << date.ToString(); }
inline void PrintTo(const Period& period, std::ostream* os) { *os << period.ToString(); }

}  // namespace planwatch
