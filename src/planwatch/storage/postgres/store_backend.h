// Test support for the conformance suites (store_conformance.h), included only by *_test.cc: a
// PostgreSQL database of its own per test, opened through Store::Open with its URL. An
// instantiation named Postgres runs under ctest's postgres fixture (storage/CMakeLists.txt).
#pragma once

#include <memory>

#include "planwatch/storage/postgres/test_cluster.h"
#include "planwatch/storage/store.h"
#include "planwatch/storage/store_conformance.h"

namespace planwatch::postgres::test_support {

class PostgresBackend : public StoreBackend {
 public:
  Result<std::unique_ptr<Store>> Open() override {
    if (!database_) {
      auto database = TestDatabase::Create();
      if (!database) return std::unexpected(std::move(database).error());
      database_ = std::move(*database);
    }
    StoreOptions options;
    options.location = database_->url();
    return Store::Open(options);
  }

 private:
  std::unique_ptr<TestDatabase> database_;
};

inline StoreBackendFactory PostgresBackendFactory() {
  return {"postgres", [] { return std::make_unique<PostgresBackend>(); }};
}

}  // namespace planwatch::postgres::test_support
