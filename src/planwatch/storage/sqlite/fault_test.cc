// Storage faults under the SQLite engine: a shim VFS, registered as the default only inside this
// test, wraps the real one and makes writes, syncs or truncations fail on command with
// SQLITE_FULL or an I/O error. While failing, a write returns a clear unavailable error and
// leaves nothing; once the fault is lifted the same store (and a reopened one) has every earlier
// commit, the file passes integrity_check, and new writes succeed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "planwatch/storage/sqlite/connection.h"
#include "planwatch/storage/sqlite/sqlite_store.h"

namespace planwatch::sqlite {
namespace {

using ::testing::HasSubstr;

// ---- the fault-injecting VFS ----

enum class FaultOp { kWrite, kSync, kTruncate };
enum class FaultTarget { kAnyFile, kMainDb, kWal };
enum class FileKind { kMainDb, kWal, kOther };

// What fails next. Guarded by g_fault_mu: SQLite calls the VFS from whichever thread runs a
// statement.
struct FaultPlan {
  bool armed = false;
  FaultOp op = FaultOp::kWrite;
  FaultTarget target = FaultTarget::kAnyFile;
  int rc = SQLITE_OK;
  // Writes only: bytes that may still be written before the fault trips; -1: the next write fails.
  std::int64_t budget = -1;
  bool tripped = false;  // once tripped, every matching call fails until Lift()
  int failures = 0;      // calls failed since Arm()
};

std::mutex g_fault_mu;
FaultPlan g_fault;

struct alignas(8) FaultFile {
  sqlite3_file base;
  sqlite3_file* real;  // the wrapped file, stored right after this header
  FileKind kind;
};

sqlite3_vfs* Real(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
FaultFile* Wrap(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file); }
sqlite3_file* Inner(sqlite3_file* file) { return Wrap(file)->real; }

bool Targets(const FaultPlan& plan, FileKind kind) {
  switch (plan.target) {
    case FaultTarget::kAnyFile:
      return true;
    case FaultTarget::kMainDb:
      return kind == FileKind::kMainDb;
    case FaultTarget::kWal:
      return kind == FileKind::kWal;
  }
  return false;
}

// SQLITE_OK when the call may go ahead; otherwise the error it fails with.
int Check(FaultOp op, FileKind kind, std::int64_t bytes) {
  std::lock_guard lock(g_fault_mu);
  if (!g_fault.armed || g_fault.op != op || !Targets(g_fault, kind)) return SQLITE_OK;
  if (!g_fault.tripped && op == FaultOp::kWrite && g_fault.budget >= bytes) {
    g_fault.budget -= bytes;
    return SQLITE_OK;
  }
  g_fault.tripped = true;
  ++g_fault.failures;
  return g_fault.rc;
}

int FaultClose(sqlite3_file* f) {
  sqlite3_file* real = Inner(f);
  return real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
}
int FaultRead(sqlite3_file* f, void* buf, int amt, sqlite3_int64 offset) {
  return Inner(f)->pMethods->xRead(Inner(f), buf, amt, offset);
}
int FaultWrite(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 offset) {
  if (int rc = Check(FaultOp::kWrite, Wrap(f)->kind, amt); rc != SQLITE_OK) return rc;
  return Inner(f)->pMethods->xWrite(Inner(f), buf, amt, offset);
}
int FaultTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = Check(FaultOp::kTruncate, Wrap(f)->kind, 0); rc != SQLITE_OK) return rc;
  return Inner(f)->pMethods->xTruncate(Inner(f), size);
}
int FaultSync(sqlite3_file* f, int flags) {
  if (int rc = Check(FaultOp::kSync, Wrap(f)->kind, 0); rc != SQLITE_OK) return rc;
  return Inner(f)->pMethods->xSync(Inner(f), flags);
}
int FaultFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Inner(f)->pMethods->xFileSize(Inner(f), size);
}
int FaultLock(sqlite3_file* f, int level) { return Inner(f)->pMethods->xLock(Inner(f), level); }
int FaultUnlock(sqlite3_file* f, int level) { return Inner(f)->pMethods->xUnlock(Inner(f), level); }
int FaultCheckReservedLock(sqlite3_file* f, int* out) {
  return Inner(f)->pMethods->xCheckReservedLock(Inner(f), out);
}
int FaultFileControl(sqlite3_file* f, int op, void* arg) {
  return Inner(f)->pMethods->xFileControl(Inner(f), op, arg);
}
int FaultSectorSize(sqlite3_file* f) { return Inner(f)->pMethods->xSectorSize(Inner(f)); }
int FaultDeviceCharacteristics(sqlite3_file* f) {
  return Inner(f)->pMethods->xDeviceCharacteristics(Inner(f));
}
int FaultShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Inner(f)->pMethods->xShmMap(Inner(f), page, size, extend, out);
}
int FaultShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Inner(f)->pMethods->xShmLock(Inner(f), offset, n, flags);
}
void FaultShmBarrier(sqlite3_file* f) { Inner(f)->pMethods->xShmBarrier(Inner(f)); }
int FaultShmUnmap(sqlite3_file* f, int remove) {
  return Inner(f)->pMethods->xShmUnmap(Inner(f), remove);
}
int FaultFetch(sqlite3_file* f, sqlite3_int64 offset, int amt, void** out) {
  return Inner(f)->pMethods->xFetch(Inner(f), offset, amt, out);
}
int FaultUnfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return Inner(f)->pMethods->xUnfetch(Inner(f), offset, p);
}

constexpr sqlite3_io_methods kFaultMethods = {
    3,
    FaultClose,
    FaultRead,
    FaultWrite,
    FaultTruncate,
    FaultSync,
    FaultFileSize,
    FaultLock,
    FaultUnlock,
    FaultCheckReservedLock,
    FaultFileControl,
    FaultSectorSize,
    FaultDeviceCharacteristics,
    FaultShmMap,
    FaultShmLock,
    FaultShmBarrier,
    FaultShmUnmap,
    FaultFetch,
    FaultUnfetch,
};

int FaultOpen(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags,
              int* out_flags) {
  FaultFile* wrapped = Wrap(file);
  wrapped->real =
      reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(FaultFile));
  wrapped->kind = (flags & SQLITE_OPEN_MAIN_DB) != 0 ? FileKind::kMainDb
                  : (flags & SQLITE_OPEN_WAL) != 0   ? FileKind::kWal
                                                     : FileKind::kOther;
  const int rc = Real(vfs)->xOpen(Real(vfs), name, wrapped->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set.
  wrapped->base.pMethods = wrapped->real->pMethods != nullptr ? &kFaultMethods : nullptr;
  return rc;
}

// The shim, made the default VFS for the lifetime of the test suite.
class FaultVfs {
 public:
  FaultVfs() {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    std::memset(&vfs_, 0, sizeof(vfs_));
    vfs_.iVersion = 2;
    vfs_.szOsFile = static_cast<int>(sizeof(FaultFile)) + real->szOsFile;
    vfs_.mxPathname = real->mxPathname;
    vfs_.zName = "planwatch-fault";
    vfs_.pAppData = real;
    vfs_.xOpen = FaultOpen;
    vfs_.xDelete = [](sqlite3_vfs* v, const char* n, int sync) {
      return Real(v)->xDelete(Real(v), n, sync);
    };
    vfs_.xAccess = [](sqlite3_vfs* v, const char* n, int flags, int* out) {
      return Real(v)->xAccess(Real(v), n, flags, out);
    };
    vfs_.xFullPathname = [](sqlite3_vfs* v, const char* n, int size, char* out) {
      return Real(v)->xFullPathname(Real(v), n, size, out);
    };
    vfs_.xDlOpen = [](sqlite3_vfs* v, const char* n) { return Real(v)->xDlOpen(Real(v), n); };
    vfs_.xDlError = [](sqlite3_vfs* v, int n, char* out) { Real(v)->xDlError(Real(v), n, out); };
    vfs_.xDlSym = [](sqlite3_vfs* v, void* h, const char* s) {
      return Real(v)->xDlSym(Real(v), h, s);
    };
    vfs_.xDlClose = [](sqlite3_vfs* v, void* h) { Real(v)->xDlClose(Real(v), h); };
    vfs_.xRandomness = [](sqlite3_vfs* v, int n, char* out) {
      return Real(v)->xRandomness(Real(v), n, out);
    };
    vfs_.xSleep = [](sqlite3_vfs* v, int us) { return Real(v)->xSleep(Real(v), us); };
    vfs_.xCurrentTime = [](sqlite3_vfs* v, double* out) {
      return Real(v)->xCurrentTime(Real(v), out);
    };
    vfs_.xGetLastError = [](sqlite3_vfs* v, int n, char* out) {
      return Real(v)->xGetLastError(Real(v), n, out);
    };
    vfs_.xCurrentTimeInt64 = [](sqlite3_vfs* v, sqlite3_int64* out) {
      return Real(v)->xCurrentTimeInt64(Real(v), out);
    };
    registered_ = sqlite3_vfs_register(&vfs_, /*makeDflt=*/1) == SQLITE_OK;
  }
  ~FaultVfs() {
    if (registered_) sqlite3_vfs_unregister(&vfs_);
  }
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  bool registered() const { return registered_; }

 private:
  sqlite3_vfs vfs_;
  bool registered_ = false;
};

// Arms a fault: `op` on `target` files fails with `rc`, at once or after `budget` more bytes.
void Arm(FaultOp op, int rc, FaultTarget target = FaultTarget::kAnyFile, std::int64_t budget = -1) {
  std::lock_guard lock(g_fault_mu);
  g_fault = FaultPlan{true, op, target, rc, budget, false, 0};
}

// Lifts the fault; the number of calls that failed while it was armed.
int Lift() {
  std::lock_guard lock(g_fault_mu);
  const int failures = g_fault.failures;
  g_fault = FaultPlan{};
  return failures;
}

// ---- helpers ----

template <typename T>
T Must(Result<T> result) {
  if (!result) ADD_FAILURE() << result.error().ToString();
  return std::move(result).value();
}

void MustOk(const Status& status) {
  if (!status) ADD_FAILURE() << status.error().ToString();
}

MATCHER_P2(FailsWith, code, substring,
           std::string("fails with ") + std::string(ErrorCodeName(code)) + " mentioning \"" +
               std::string(substring) + "\"") {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << arg.error().ToString();
  return arg.error().code == code &&
         arg.error().message.find(std::string(substring)) != std::string::npos;
}

// The text of one column of the first row of `sql` on a plain handle (through the default VFS,
// so the shim sees it too).
std::string Scalar(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  std::string out = "<no row>";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      out = text != nullptr ? text : "NULL";
    } else {
      out = std::string("<error: ") + sqlite3_errmsg(db) + ">";
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

class FaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { vfs_ = new FaultVfs(); }
  static void TearDownTestSuite() {
    delete vfs_;
    vfs_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(vfs_->registered());
    static std::atomic<int> counter{0};
    path_ =
        (std::filesystem::temp_directory_path() / ("planwatch-fault-" + std::to_string(::getpid()) +
                                                   "-" + std::to_string(counter++) + ".db"))
            .string();
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    auto tx = Must(store_->Begin());
    OrgUnit unit;
    unit.code = "U";
    unit.name_vi = "Đơn vị";
    unit_ = Must(tx->PutOrgUnit(unit));
    Indicator indicator;
    indicator.code = "I";
    indicator.name_vi = "Chỉ tiêu";
    indicator_ = Must(tx->PutIndicator(indicator));
    MustOk(tx->Commit());
    // Three committed months before any fault.
    for (int month = 1; month <= 3; ++month) MustOk(PutOne(month, 10.0 * month));
  }

  void TearDown() override {
    Lift();
    store_.reset();
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ec);
  }

  std::unique_ptr<Store> Open() {
    SqliteOptions options;
    options.path = path_;
    options.now_ms = [] { return std::int64_t{1'750'407'300'123}; };
    auto store = OpenSqliteStore(options);
    if (!store) {
      ADD_FAILURE() << store.error().ToString();
      return nullptr;
    }
    return std::move(*store);
  }

  DataValue Value(int month, double v) const {
    DataValue value;
    value.indicator = indicator_;
    value.unit = unit_;
    value.period = Period::Of(PeriodType::kMonth, 2025, month);
    value.value = v;
    value.stored_by = "fault-test";
    return value;
  }

  // One value in its own transaction; the error of Begin, the put or the commit.
  Status PutOne(int month, double v) { return PutOneIn(*store_, month, v); }
  Status PutOneIn(Store& store, int month, double v) {
    auto tx = store.Begin();
    if (!tx) return std::unexpected(tx.error());
    if (Status put = (*tx)->PutDataValue(Value(month, v)); !put) return put;
    return (*tx)->Commit();
  }

  // "period=value" of every stored value of the test's indicator, in period order.
  std::vector<std::string> Stored(Store& store) {
    std::vector<std::string> out;
    auto values = store.DataValues(DataValueQuery{indicator_, unit_, std::nullopt});
    if (!values) {
      ADD_FAILURE() << values.error().ToString();
      return out;
    }
    for (const DataValue& v : *values) {
      out.push_back(v.period.ToString() + "=" + std::to_string(static_cast<int>(v.value)));
    }
    return out;
  }

  std::string Integrity() const { return Scalar(path_, "PRAGMA integrity_check"); }

  static inline FaultVfs* vfs_ = nullptr;
  std::string path_;
  std::unique_ptr<Store> store_;
  OrgUnitId unit_;
  IndicatorId indicator_;
  const std::vector<std::string> kFirstThree{"202501=10", "202502=20", "202503=30"};
};

TEST_F(FaultTest, DiskFullAtCommitIsAClearUnavailableErrorAndLosesNothing) {
  Arm(FaultOp::kWrite, SQLITE_FULL);
  EXPECT_THAT(PutOne(4, 40),
              FailsWith(ErrorCode::kUnavailable, "the disk holding the database is full"));
  EXPECT_THAT(PutOne(5, 50), FailsWith(ErrorCode::kUnavailable, "(sqlite code 13)"));
  // Reads go on while the disk is full.
  EXPECT_EQ(Stored(*store_), kFirstThree);
  EXPECT_GE(Lift(), 2);

  EXPECT_EQ(Stored(*store_), kFirstThree);
  EXPECT_EQ(Integrity(), "ok");
  MustOk(PutOne(6, 60));
  std::vector<std::string> expected = kFirstThree;
  expected.push_back("202506=60");
  EXPECT_EQ(Stored(*store_), expected);
  store_.reset();
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Stored(*reopened), expected);
  EXPECT_EQ(Integrity(), "ok");
}

TEST_F(FaultTest, DiskFillingUpDuringABulkWriteLeavesNoneOfIt) {
  // A bulk write larger than the page cache spills pages to the WAL before it commits; the disk
  // fills up 64 KiB into it.
  std::vector<DataValue> batch;
  for (int year = 2030; year < 2130; ++year) {
    for (int month = 1; month <= 12; ++month) {
      DataValue value = Value(month, year);
      value.period = Period::Of(PeriodType::kMonth, year, month);
      value.comment = std::string(200, 'x');
      batch.push_back(value);
    }
  }
  Arm(FaultOp::kWrite, SQLITE_FULL, FaultTarget::kWal, 64 * 1024);
  {
    auto tx = Must(store_->Begin());
    Status written = tx->PutDataValues(batch);
    if (written) written = tx->Commit();
    EXPECT_THAT(written,
                FailsWith(ErrorCode::kUnavailable, "the disk holding the database is full"));
  }
  EXPECT_GE(Lift(), 1);
  EXPECT_EQ(Stored(*store_), kFirstThree);
  EXPECT_EQ(Integrity(), "ok");

  // With room again the same batch goes in whole.
  {
    auto tx = Must(store_->Begin());
    MustOk(tx->PutDataValues(batch));
    MustOk(tx->Commit());
  }
  EXPECT_EQ(Stored(*store_).size(), 3 + batch.size());
  store_.reset();
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Stored(*reopened).size(), 3 + batch.size());
  EXPECT_EQ(Integrity(), "ok");
}

TEST_F(FaultTest, WriteIoErrorIsUnavailableNamingTheIoError) {
  Arm(FaultOp::kWrite, SQLITE_IOERR_WRITE);
  EXPECT_THAT(PutOne(4, 40), FailsWith(ErrorCode::kUnavailable, "disk I/O error"));
  EXPECT_EQ(Stored(*store_), kFirstThree);
  EXPECT_GE(Lift(), 1);

  EXPECT_EQ(Integrity(), "ok");
  MustOk(PutOne(4, 41));
  std::vector<std::string> expected = kFirstThree;
  expected.push_back("202504=41");
  EXPECT_EQ(Stored(*store_), expected);
  store_.reset();
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Stored(*reopened), expected);
}

TEST_F(FaultTest, FsyncFailureAtCommitIsReportedAndTheCommitIsNotVisible) {
  Arm(FaultOp::kSync, SQLITE_IOERR_FSYNC, FaultTarget::kWal);
  EXPECT_THAT(PutOne(4, 40), FailsWith(ErrorCode::kUnavailable, "disk I/O error"));
  EXPECT_EQ(Lift(), 1);

  // The failed commit is not there: neither for this store nor for a new connection.
  EXPECT_EQ(Stored(*store_), kFirstThree);
  {
    auto second = Open();
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(Stored(*second), kFirstThree);
  }
  EXPECT_EQ(Integrity(), "ok");
  MustOk(PutOne(5, 50));
  std::vector<std::string> expected = kFirstThree;
  expected.push_back("202505=50");
  EXPECT_EQ(Stored(*store_), expected);
  store_.reset();
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Stored(*reopened), expected);
  EXPECT_EQ(Integrity(), "ok");
}

TEST_F(FaultTest, CheckpointFailureKeepsEveryCommitInTheLog) {
  Arm(FaultOp::kWrite, SQLITE_IOERR_WRITE, FaultTarget::kMainDb);
  // Commits go to the WAL only: they still succeed while the main file cannot be written.
  MustOk(PutOne(4, 40));
  auto side = Must(Connection::Open(path_, ConnectionOptions{}));
  EXPECT_THAT(side->Exec("PRAGMA wal_checkpoint(TRUNCATE)"),
              FailsWith(ErrorCode::kUnavailable, "disk I/O error"));
  side.reset();
  std::vector<std::string> expected = kFirstThree;
  expected.push_back("202504=40");
  EXPECT_EQ(Stored(*store_), expected);
  // Closing the last connection checkpoints too; it fails and leaves the log in place.
  store_.reset();
  EXPECT_GE(Lift(), 1);
  EXPECT_GT(std::filesystem::file_size(path_ + "-wal"), 0U);

  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Stored(*reopened), expected);
  EXPECT_EQ(Integrity(), "ok");
  MustOk(PutOneIn(*reopened, 5, 50));
  auto checkpoint = Must(Connection::Open(path_, ConnectionOptions{}));
  MustOk(checkpoint->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  expected.push_back("202505=50");
  EXPECT_EQ(Stored(*reopened), expected);
  EXPECT_EQ(Integrity(), "ok");
}

TEST_F(FaultTest, CheckpointSyncAndTruncateFailuresLoseNothing) {
  MustOk(PutOne(4, 40));
  auto side = Must(Connection::Open(path_, ConnectionOptions{}));
  Arm(FaultOp::kSync, SQLITE_IOERR_FSYNC, FaultTarget::kMainDb);
  EXPECT_THAT(side->Exec("PRAGMA wal_checkpoint(TRUNCATE)"),
              FailsWith(ErrorCode::kUnavailable, "disk I/O error"));
  EXPECT_EQ(Lift(), 1);
  Arm(FaultOp::kTruncate, SQLITE_IOERR_TRUNCATE, FaultTarget::kWal);
  EXPECT_THAT(side->Exec("PRAGMA wal_checkpoint(TRUNCATE)"),
              FailsWith(ErrorCode::kUnavailable, "disk I/O error"));
  EXPECT_EQ(Lift(), 1);

  std::vector<std::string> expected = kFirstThree;
  expected.push_back("202504=40");
  EXPECT_EQ(Stored(*store_), expected);
  MustOk(side->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  EXPECT_EQ(std::filesystem::file_size(path_ + "-wal"), 0U);
  side.reset();
  MustOk(PutOne(5, 50));
  expected.push_back("202505=50");
  store_.reset();
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Stored(*reopened), expected);
  EXPECT_EQ(Integrity(), "ok");
}

}  // namespace
}  // namespace planwatch::sqlite
