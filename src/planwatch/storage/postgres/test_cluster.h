// Test support for storage/postgres, included only by *_test.cc: a PostgreSQL cluster and a
// fresh database per test.
//
// Under ctest the postgres fixture (storage/CMakeLists.txt) has started a cluster and
// PW_TEST_POSTGRES names the file holding its URL. Run by hand without that variable, the first
// test starts a cluster of its own with scripts/pg-cluster.sh (in PW_SOURCE_DIR, else the source
// tree this header lives in) and it is stopped when the process exits.
// Thread-safety: ClusterUrl() is safe to call from any thread; a TestDatabase belongs to one.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "planwatch/base/error.h"
#include "planwatch/storage/postgres/connection.h"

namespace planwatch::postgres::test_support {

namespace internal {

inline std::string ReadUrlFile(const std::string& path) {
  std::ifstream in(path);
  std::string url;
  std::getline(in, url);
  return url;
}

inline std::string SourceDir() {
  if (const char* dir = std::getenv("PW_SOURCE_DIR"); dir != nullptr && *dir != '\0') return dir;
  std::string here = __FILE__;
  return here.substr(0, here.rfind("/src/planwatch/storage/postgres/"));
}

// A cluster this process started; stopped by the destructor, at exit.
class OwnCluster {
 public:
  OwnCluster() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pw-pg-test.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      error_ = "cannot create a directory for the test cluster under " + pattern;
      return;
    }
    dir_ = pattern;
    script_ = SourceDir() + "/scripts/pg-cluster.sh";
    const std::string command = "'" + script_ + "' start '" + dir_ + "' >/dev/null";
    if (std::system(command.c_str()) != 0) {
      error_ = "'" + command + "' failed (logs in " + dir_ + ")";
      return;
    }
    url_ = ReadUrlFile(dir_ + "/url");
    if (url_.empty()) error_ = "the test cluster wrote no URL to " + dir_ + "/url";
  }
  ~OwnCluster() {
    if (dir_.empty()) return;
    const std::string command = "'" + script_ + "' stop '" + dir_ + "' >/dev/null 2>&1";
    (void)std::system(command.c_str());
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  OwnCluster(const OwnCluster&) = delete;
  OwnCluster& operator=(const OwnCluster&) = delete;

  Result<std::string> url() const {
    if (!error_.empty()) return Fail(ErrorCode::kUnavailable, error_);
    return url_;
  }

 private:
  std::string dir_;
  std::string script_;
  std::string url_;
  std::string error_;
};

}  // namespace internal

// The URL of the cluster's `postgres` database, e.g. postgresql://postgres@127.0.0.1:PORT/postgres.
// unavailable when the fixture's file is empty or the own cluster did not start.
inline Result<std::string> ClusterUrl() {
  if (const char* file = std::getenv("PW_TEST_POSTGRES"); file != nullptr && *file != '\0') {
    std::string url = internal::ReadUrlFile(file);
    if (url.empty()) {
      return Fail(ErrorCode::kUnavailable,
                  std::string("PW_TEST_POSTGRES names ") + file + ", which holds no URL");
    }
    return url;
  }
  static internal::OwnCluster cluster;
  return cluster.url();
}

// `url` (of the cluster's postgres database) with its database replaced by `database`.
inline std::string UrlOfDatabase(const std::string& url, const std::string& database) {
  return url.substr(0, url.rfind('/') + 1) + database;
}

// A database of its own, pw_t_<16 hex digits>, created empty from template0 and dropped (with
// every session still connected to it) when this object is destroyed.
class TestDatabase {
 public:
  static Result<std::unique_ptr<TestDatabase>> Create() {
    auto cluster = ClusterUrl();
    if (!cluster) return std::unexpected(std::move(cluster).error());
    auto admin = Connection::Open(*cluster);
    if (!admin) return std::unexpected(std::move(admin).error());
    std::random_device random;
    char name[32];
    std::snprintf(name, sizeof name, "pw_t_%08x%08x", random(), random());
    const std::string create =
        std::string("CREATE DATABASE ") + name + " TEMPLATE template0 ENCODING 'UTF8'";
    if (auto created = (*admin)->Exec(create); !created) {
      return std::unexpected(std::move(created).error());
    }
    return std::unique_ptr<TestDatabase>(
        new TestDatabase(std::move(*admin), name, UrlOfDatabase(*cluster, name)));
  }

  ~TestDatabase() { (void)admin_->Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

  // A new connection to this database.
  Result<std::unique_ptr<Connection>> Connect() const { return Connection::Open(url_); }

 private:
  TestDatabase(std::unique_ptr<Connection> admin, std::string name, std::string url)
      : admin_(std::move(admin)), name_(std::move(name)), url_(std::move(url)) {}

  std::unique_ptr<Connection> admin_;  // to the postgres database, for the drop
  std::string name_;
  std::string url_;
};

// A gtest fixture with a fresh database per test and one open connection to it, `db()`.
// Suites using it are named Postgres* so that ctest attaches the cluster fixture to them.
class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = TestDatabase::Create();
    ASSERT_TRUE(database.has_value()) << database.error().ToString();
    database_ = std::move(*database);
    auto connection = database_->Connect();
    ASSERT_TRUE(connection.has_value()) << connection.error().ToString();
    connection_ = std::move(*connection);
  }
  void TearDown() override {
    connection_.reset();
    database_.reset();
  }

  // Another connection to the test's database; fails the test when it cannot be opened.
  std::unique_ptr<Connection> Connect() {
    auto connection = database_->Connect();
    EXPECT_TRUE(connection.has_value()) << connection.error().ToString();
    return connection ? std::move(*connection) : nullptr;
  }

  Connection& db() { return *connection_; }
  const TestDatabase& database() const { return *database_; }

 private:
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace planwatch::postgres::test_support
