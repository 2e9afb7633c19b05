#include "planwatch/storage/postgres/connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "planwatch/storage/postgres/test_cluster.h"

namespace planwatch::postgres {
namespace {

using std::chrono::milliseconds;
using test_support::PostgresTest;

// Asserts a Status/Result failed with `code`.
#define EXPECT_ERROR_CODE(expr, expected_code)                                          \
  do {                                                                                  \
    auto pw_result = (expr);                                                            \
    ASSERT_FALSE(pw_result.has_value()) << #expr << " succeeded";                       \
    EXPECT_EQ(pw_result.error().code, (expected_code)) << pw_result.error().ToString(); \
  } while (false)

TEST(PostgresSqlStateTest, MapsEachStateToItsCode) {
  EXPECT_EQ(ErrorCodeForSqlState("40001"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqlState("40P01"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqlState("08006"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqlState("57P01"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqlState("53300"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqlState("55P03"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqlState("23505"), ErrorCode::kConflict);
  EXPECT_EQ(ErrorCodeForSqlState("23503"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeForSqlState("23514"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeForSqlState("23502"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeForSqlState("22P02"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeForSqlState("42601"), ErrorCode::kInternal);
  EXPECT_EQ(ErrorCodeForSqlState("P0001"), ErrorCode::kInternal);
  EXPECT_EQ(ErrorCodeForSqlState(""), ErrorCode::kInternal);
}

TEST(PostgresOpenTest, ClosedPortIsUnavailableAndNamesTheTargetButNotThePassword) {
  auto opened = Connection::Open("postgresql://planwatch:Sup3rSecretPw@127.0.0.1:1/budget_db");
  ASSERT_FALSE(opened.has_value());
  const Error& error = opened.error();
  EXPECT_EQ(error.code, ErrorCode::kUnavailable);
  EXPECT_NE(error.message.find("host 127.0.0.1"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("port 1 "), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("database budget_db"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("Sup3rSecretPw"), std::string::npos) << error.message;
}

TEST(PostgresOpenTest, KeywordFormPasswordIsNotEchoed) {
  auto opened =
      Connection::Open("host=127.0.0.1 port=1 dbname=plans user=pw password=Hunter2Hunter2");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(opened.error().message.find("port 1 "), std::string::npos);
  EXPECT_EQ(opened.error().message.find("Hunter2Hunter2"), std::string::npos)
      << opened.error().message;
}

TEST(PostgresOpenTest, MalformedUrlIsInvalidArgumentWithoutThePassword) {
  auto opened = Connection::Open("postgresql://pw:TopSecret99@127.0.0.1/db?no_such_option=1");
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(opened.error().message.find("no_such_option"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find("TopSecret99"), std::string::npos);
}

using PostgresConnectionTest = PostgresTest;

Result<std::string> Show(Connection& connection, const char* sql) {
  auto stmt = connection.Prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return Internal("no row");
  return stmt->Text(0);
}

TEST_F(PostgresConnectionTest, SessionSettings) {
  EXPECT_EQ(Show(db(), "SHOW application_name").value_or("?"), "planwatch");
  EXPECT_EQ(Show(db(), "SHOW client_encoding").value_or("?"), "UTF8");
  EXPECT_EQ(Show(db(), "SHOW TimeZone").value_or("?"), "UTC");
}

TEST_F(PostgresConnectionTest, PreparesEachTextOnce) {
  for (int i = 0; i < 3; ++i) {
    auto stmt = db().Prepare("SELECT $1::bigint + 1");
    ASSERT_TRUE(stmt.has_value()) << stmt.error().ToString();
    stmt->BindInt(1, i);
    ASSERT_TRUE(stmt->Step().value_or(false));
    EXPECT_EQ(stmt->Int(0), i + 1);
  }
  auto count = db().Prepare(
      "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::bigint + 1'");
  ASSERT_TRUE(count.has_value());
  ASSERT_TRUE(count->Step().value_or(false));
  EXPECT_EQ(count->Int(0), 1);
}

// A scan hands rows over one at a time; ended early or failed midway, it leaves the connection
// free for the next statement, and it can run again.
TEST_F(PostgresConnectionTest, ScansStreamRowsAndFreeTheConnectionHoweverTheyEnd) {
  const char kSeries[] = "SELECT x, x * 0.5 FROM generate_series(1, ?1) AS x";
  {
    auto scan = db().PrepareScan(kSeries);
    ASSERT_TRUE(scan.has_value()) << scan.error().ToString();
    scan->BindInt(1, 100000);
    std::int64_t rows = 0, sum = 0;
    while (scan->Step().value_or(false)) {
      ++rows;
      sum += scan->Int(0);
      ASSERT_EQ(scan->Double(1), static_cast<double>(scan->Int(0)) / 2);
    }
    EXPECT_EQ(rows, 100000);
    EXPECT_EQ(sum, std::int64_t{100000} * 100001 / 2);
    EXPECT_FALSE(scan->Step().value_or(true));  // and stays ended
  }
  {
    auto scan = db().PrepareScan(kSeries);
    ASSERT_TRUE(scan.has_value());
    scan->BindInt(1, 1000);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(scan->Step().value_or(false));
  }  // abandoned after 10 rows
  EXPECT_EQ(Show(db(), "SELECT 'free'").value_or("?"), "free");
  {
    auto scan = db().PrepareScan("SELECT 10 / (5 - x) FROM generate_series(1, 10) AS x");
    ASSERT_TRUE(scan.has_value());
    int rows = 0;
    Result<bool> step;
    while ((step = scan->Step()) && *step) ++rows;
    EXPECT_EQ(rows, 4);
    ASSERT_FALSE(step.has_value());
    EXPECT_NE(step.error().message.find("division by zero"), std::string::npos)
        << step.error().message;
  }
  EXPECT_EQ(Show(db(), "SELECT 'free again'").value_or("?"), "free again");
  auto again = db().PrepareScan(kSeries);
  ASSERT_TRUE(again.has_value());
  again->BindInt(1, 3);
  int rows = 0;
  while (again->Step().value_or(false)) ++rows;
  EXPECT_EQ(rows, 3);
}

// The shared SQL of the engines writes ?1, ?2 (and bare ?), which PostgreSQL reads as $1, $2;
// a ? inside quotes or a comment stays as it is.
TEST_F(PostgresConnectionTest, SharedParametersAreNumbered) {
  auto stmt = db().Prepare(
      "SELECT ?2::bigint - ?1::bigint, '?1 stays', \"?column?\" -- a ? here too\n"
      "FROM (SELECT 1 AS \"?column?\") t WHERE ?1::bigint IS NOT NULL");
  ASSERT_TRUE(stmt.has_value()) << stmt.error().ToString();
  stmt->BindInt(1, 5);
  stmt->BindInt(2, 12);
  ASSERT_TRUE(stmt->Step().value_or(false));
  EXPECT_EQ(stmt->Int(0), 7);
  EXPECT_EQ(stmt->Text(1), "?1 stays");
  EXPECT_EQ(stmt->Int(2), 1);

  auto bare = db().Prepare("SELECT ?::text || ?::text");
  ASSERT_TRUE(bare.has_value()) << bare.error().ToString();
  bare->BindText(1, "a");
  bare->BindText(2, "b");
  ASSERT_TRUE(bare->Step().value_or(false));
  EXPECT_EQ(bare->Text(0), "ab");
}

TEST_F(PostgresConnectionTest, TypesRoundTrip) {
  ASSERT_TRUE(
      db().Exec("CREATE TABLE v (id bigint PRIMARY KEY, i bigint, d double precision, "
                "s text, b bytea)"));
  const std::string vietnamese = "Nghị quyết số 12/NQ-TW: tăng cường chuyển đổi số ở Điện Biên";
  const std::string bytes("\0\x01\xff\0zq\x7f", 7);
  struct Row {
    std::int64_t i;
    double d;
    std::string s;
    std::string b;
  };
  const std::vector<Row> rows = {
      {std::numeric_limits<std::int64_t>::min(), 0.1, vietnamese, bytes},
      {std::numeric_limits<std::int64_t>::max(), -1.7976931348623157e308, "", ""},
      {0, 4.9406564584124654e-324, "tab\there\nnew line \\ back", std::string(1, '\0')},
      {-1, std::numeric_limits<double>::infinity(), "x", "y"},
  };
  for (std::size_t k = 0; k < rows.size(); ++k) {
    auto insert = db().Prepare("INSERT INTO v (id, i, d, s, b) VALUES ($1, $2, $3, $4, $5)");
    ASSERT_TRUE(insert.has_value()) << insert.error().ToString();
    insert->BindInt(1, static_cast<std::int64_t>(k));
    insert->BindInt(2, rows[k].i);
    insert->BindDouble(3, rows[k].d);
    insert->BindText(4, rows[k].s);
    insert->BindBlob(5, rows[k].b);
    auto ran = insert->Run();
    ASSERT_TRUE(ran.has_value()) << ran.error().ToString();
    EXPECT_EQ(db().Changes(), 1);
  }
  auto nulls = db().Prepare("INSERT INTO v (id, i, d, s, b) VALUES ($1, $2, $3, $4, $5)");
  ASSERT_TRUE(nulls.has_value());
  nulls->BindInt(1, 99);
  for (int p = 2; p <= 5; ++p) nulls->BindNull(p);
  ASSERT_TRUE(nulls->Run());

  auto select = db().Prepare("SELECT id, i, d, s, b FROM v ORDER BY id");
  ASSERT_TRUE(select.has_value());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    ASSERT_TRUE(select->Step().value_or(false)) << "row " << k;
    EXPECT_EQ(select->Int(0), static_cast<std::int64_t>(k));
    EXPECT_EQ(select->Int(1), rows[k].i);
    EXPECT_EQ(select->Double(2), rows[k].d);
    EXPECT_EQ(select->Text(3), rows[k].s);
    EXPECT_EQ(select->Blob(4), rows[k].b);
    EXPECT_FALSE(select->IsNull(4));
  }
  ASSERT_TRUE(select->Step().value_or(false));
  EXPECT_EQ(select->Int(0), 99);
  for (int c = 1; c <= 4; ++c) EXPECT_TRUE(select->IsNull(c)) << "column " << c;
  EXPECT_EQ(select->OptionalDoubleAt(2), std::nullopt);
  EXPECT_EQ(select->Blob(4), "");
  EXPECT_FALSE(select->Step().value_or(true));
  EXPECT_EQ(db().Changes(), 5);

  auto nan = db().Prepare("SELECT $1::double precision");
  ASSERT_TRUE(nan.has_value());
  nan->BindDouble(1, std::nan(""));
  ASSERT_TRUE(nan->Step().value_or(false));
  EXPECT_TRUE(std::isnan(nan->Double(0)));
}

TEST_F(PostgresConnectionTest, BindMistakesAreReportedByRun) {
  auto with_nul = db().Prepare("SELECT $1::text");
  ASSERT_TRUE(with_nul.has_value());
  with_nul->BindText(1, std::string("a\0b", 3));
  EXPECT_ERROR_CODE(with_nul->Run(), ErrorCode::kInvalidArgument);

  auto unbound = db().Prepare("SELECT $1::bigint, $2::bigint");
  ASSERT_TRUE(unbound.has_value());
  unbound->BindInt(1, 5);
  auto ran = unbound->Run();
  ASSERT_FALSE(ran.has_value());
  EXPECT_EQ(ran.error().code, ErrorCode::kInternal);
  EXPECT_NE(ran.error().message.find("$2"), std::string::npos) << ran.error().message;

  auto out_of_range = db().Prepare("SELECT $1::bigint");
  ASSERT_TRUE(out_of_range.has_value());
  out_of_range->BindInt(1, 1);
  out_of_range->BindInt(3, 1);
  EXPECT_ERROR_CODE(out_of_range->Run(), ErrorCode::kInternal);
}

class PostgresErrorMappingTest : public PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(db().Exec(R"sql(
      CREATE TABLE parents (id bigint PRIMARY KEY, code text NOT NULL UNIQUE);
      CREATE TABLE children (
        id bigint PRIMARY KEY,
        parent_id bigint NOT NULL REFERENCES parents (id),
        size bigint NOT NULL CHECK (size >= 0));
      INSERT INTO parents VALUES (1, 'hanoi');
    )sql"));
  }

  Error InsertChild(std::int64_t id, std::optional<std::int64_t> parent, std::int64_t size) {
    auto stmt = db().Prepare("INSERT INTO children (id, parent_id, size) VALUES ($1, $2, $3)");
    if (!stmt) return stmt.error();
    stmt->BindInt(1, id);
    if (parent) {
      stmt->BindInt(2, *parent);
    } else {
      stmt->BindNull(2);
    }
    stmt->BindInt(3, size);
    auto ran = stmt->Run();
    return ran ? Error{ErrorCode::kInternal, "succeeded", {}} : ran.error();
  }
};

TEST_F(PostgresErrorMappingTest, UniqueViolationIsConflict) {
  auto stmt = db().Prepare("INSERT INTO parents (id, code) VALUES ($1, $2)");
  ASSERT_TRUE(stmt.has_value());
  stmt->BindInt(1, 2);
  stmt->BindText(2, "hanoi");
  auto ran = stmt->Run();
  ASSERT_FALSE(ran.has_value());
  EXPECT_EQ(ran.error().code, ErrorCode::kConflict);
  EXPECT_NE(ran.error().message.find("parents_code_key"), std::string::npos) << ran.error().message;
  EXPECT_NE(ran.error().message.find("23505"), std::string::npos);
  EXPECT_EQ(ran.error().message.find("INSERT"), std::string::npos) << ran.error().message;
}

TEST_F(PostgresErrorMappingTest, ForeignKeyViolationIsInvalidArgument) {
  const Error error = InsertChild(1, 42, 0);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(error.message.find("children_parent_id_fkey"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("23503"), std::string::npos);
}

TEST_F(PostgresErrorMappingTest, CheckViolationIsInvalidArgument) {
  const Error error = InsertChild(1, 1, -5);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(error.message.find("children_size_check"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("23514"), std::string::npos);
}

TEST_F(PostgresErrorMappingTest, NotNullViolationIsInvalidArgumentNamingTheColumn) {
  const Error error = InsertChild(1, std::nullopt, 3);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(error.message.find("column parent_id"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("23502"), std::string::npos);
}

TEST_F(PostgresErrorMappingTest, SyntaxErrorIsInternalWithoutTheSql) {
  auto stmt = db().Prepare("SELEC secret_column FROM parents");
  ASSERT_FALSE(stmt.has_value());
  EXPECT_EQ(stmt.error().code, ErrorCode::kInternal);
  EXPECT_NE(stmt.error().message.find("42601"), std::string::npos) << stmt.error().message;
  EXPECT_EQ(stmt.error().message.find("secret_column"), std::string::npos);
}

TEST_F(PostgresErrorMappingTest, TerminatedSessionIsUnavailable) {
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  auto kill = other->Prepare("SELECT pg_terminate_backend($1, 5000)");
  ASSERT_TRUE(kill.has_value());
  kill->BindInt(1, db().BackendPid());
  ASSERT_TRUE(kill->Step().value_or(false));
  ASSERT_TRUE(kill->Bool(0));
  auto stmt = db().Prepare("SELECT 1");
  ASSERT_FALSE(stmt.has_value());
  EXPECT_EQ(stmt.error().code, ErrorCode::kUnavailable) << stmt.error().ToString();
}

class PostgresTransactionTest : public PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(
        db().Exec("CREATE TABLE items (id bigint PRIMARY KEY, qty bigint NOT NULL);"
                  "INSERT INTO items VALUES (1, 10), (2, 20);"));
  }

  static Status Insert(Connection& connection, std::int64_t id) {
    auto stmt = connection.Prepare("INSERT INTO items (id, qty) VALUES ($1, 0)");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->BindInt(1, id);
    return stmt->Run();
  }
  static Status SetQty(Connection& connection, std::int64_t id, std::int64_t qty) {
    auto stmt = connection.Prepare("UPDATE items SET qty = $2 WHERE id = $1");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->BindInt(1, id);
    stmt->BindInt(2, qty);
    return stmt->Run();
  }
  std::int64_t Count() {
    auto stmt = db().Prepare("SELECT count(*) FROM items");
    EXPECT_TRUE(stmt.has_value());
    if (!stmt || !stmt->Step().value_or(false)) return -1;
    return stmt->Int(0);
  }
};

TEST_F(PostgresTransactionTest, DestructionRollsBack) {
  {
    auto tx = db().Begin(Isolation::kReadCommitted);
    ASSERT_TRUE(tx.has_value()) << tx.error().ToString();
    ASSERT_TRUE(Insert(db(), 3));
    EXPECT_TRUE(db().InTransaction());
  }
  EXPECT_FALSE(db().InTransaction());
  EXPECT_EQ(Count(), 2);
}

TEST_F(PostgresTransactionTest, CommitKeepsAndRollbackDiscards) {
  {
    auto tx = db().Begin(Isolation::kRepeatableRead);
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(Insert(db(), 3));
    ASSERT_TRUE(tx->Commit());
    EXPECT_ERROR_CODE(tx->Commit(), ErrorCode::kFailedPrecondition);
  }
  EXPECT_EQ(Count(), 3);
  {
    auto tx = db().Begin(Isolation::kSerializable);
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(Insert(db(), 4));
    ASSERT_TRUE(tx->Rollback());
  }
  EXPECT_EQ(Count(), 3);
}

TEST_F(PostgresTransactionTest, BeginInsideATransactionIsRefused) {
  auto tx = db().Begin(Isolation::kReadCommitted);
  ASSERT_TRUE(tx.has_value());
  EXPECT_ERROR_CODE(db().Begin(Isolation::kSerializable), ErrorCode::kFailedPrecondition);
}

TEST_F(PostgresTransactionTest, CommitAfterAFailedStatementRollsBack) {
  auto tx = db().Begin(Isolation::kReadCommitted);
  ASSERT_TRUE(tx.has_value());
  ASSERT_TRUE(Insert(db(), 3));
  EXPECT_ERROR_CODE(Insert(db(), 1), ErrorCode::kConflict);
  EXPECT_ERROR_CODE(tx->Commit(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(db().InTransaction());
  EXPECT_EQ(Count(), 2);
}

TEST_F(PostgresTransactionTest, ConcurrentUpdateUnderSerializableIsRetryable) {
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  auto tx = db().Begin(Isolation::kSerializable);
  ASSERT_TRUE(tx.has_value());
  ASSERT_EQ(Count(), 2);               // takes the snapshot
  ASSERT_TRUE(SetQty(*other, 1, 11));  // commits on its own
  auto update = SetQty(db(), 1, 12);
  ASSERT_FALSE(update.has_value());
  EXPECT_EQ(update.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(update.error().message.find("40001"), std::string::npos) << update.error().message;
}

TEST_F(PostgresTransactionTest, WriteSkewFailsAtCommitAsRetryable) {
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  auto sum = [](Connection& connection) -> std::int64_t {
    auto stmt = connection.Prepare("SELECT sum(qty) FROM items");
    if (!stmt || !stmt->Step().value_or(false)) return -1;
    return stmt->Int(0);
  };
  auto first = db().Begin(Isolation::kSerializable);
  auto second = other->Begin(Isolation::kSerializable);
  ASSERT_TRUE(first.has_value() && second.has_value());
  ASSERT_EQ(sum(db()), 30);
  ASSERT_EQ(sum(*other), 30);
  ASSERT_TRUE(SetQty(db(), 1, 0));
  ASSERT_TRUE(SetQty(*other, 2, 0));
  ASSERT_TRUE(first->Commit());
  auto committed = second->Commit();
  ASSERT_FALSE(committed.has_value());
  EXPECT_EQ(committed.error().code, ErrorCode::kUnavailable) << committed.error().ToString();
  EXPECT_NE(committed.error().message.find("40001"), std::string::npos);
}

TEST_F(PostgresTransactionTest, DeadlockIsRetryable) {
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  auto first = db().Begin(Isolation::kReadCommitted);
  auto second = other->Begin(Isolation::kReadCommitted);
  ASSERT_TRUE(first.has_value() && second.has_value());
  ASSERT_TRUE(SetQty(db(), 1, 1));
  ASSERT_TRUE(SetQty(*other, 2, 2));
  Status crossed;
  std::thread waiter([&] { crossed = SetQty(*other, 1, 2); });
  Status mine = SetQty(db(), 2, 1);
  // The deadlock detector ends one of the two waits; the other proceeds once that one's
  // transaction is gone.
  if (mine) {
    waiter.join();
    ASSERT_FALSE(crossed.has_value());
    EXPECT_EQ(crossed.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(crossed.error().message.find("40P01"), std::string::npos);
  } else {
    EXPECT_EQ(mine.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(mine.error().message.find("40P01"), std::string::npos) << mine.error().message;
    ASSERT_TRUE(first->Rollback());
    waiter.join();
    EXPECT_TRUE(crossed.has_value()) << crossed.error().ToString();
  }
}

TEST_F(PostgresConnectionTest, CopiesTenThousandRowsWithEscapes) {
  ASSERT_TRUE(
      db().Exec("CREATE TABLE loaded (id bigint PRIMARY KEY, label text NOT NULL, "
                "note text, amount double precision, data bytea)"));
  auto label = [](int i) {
    static const char* const kTexts[] = {"tab\there",
                                         "line\nbreak",
                                         "back\\slash",
                                         "\\N is not null",
                                         "cr\rlf",
                                         "Thành phố Hồ Chí Minh",
                                         ""};
    return std::string(kTexts[i % 7]) + "#" + std::to_string(i);
  };
  auto data = [](int i) { return std::string("\0\t\\", 3) + std::to_string(i); };
  int next = 0;
  const std::string_view columns[] = {"id", "label", "note", "amount", "data"};
  auto copied = db().CopyIn("loaded", columns, [&](CopyRow& row) -> Result<bool> {
    if (next == 10000) return false;
    row.AddInt(next);
    row.AddText(label(next));
    if (next % 5 == 0) {
      row.AddNull();
    } else {
      row.AddText("note\t" + std::to_string(next));
    }
    row.AddDouble(next * 0.25);
    row.AddBytes(data(next));
    ++next;
    return true;
  });
  ASSERT_TRUE(copied.has_value()) << copied.error().ToString();
  EXPECT_EQ(*copied, 10000);

  auto select = db().Prepare("SELECT id, label, note, amount, data FROM loaded ORDER BY id");
  ASSERT_TRUE(select.has_value());
  int seen = 0;
  while (select->Step().value_or(false)) {
    const int i = seen++;
    ASSERT_EQ(select->Int(0), i);
    ASSERT_EQ(select->Text(1), label(i));
    if (i % 5 == 0) {
      ASSERT_TRUE(select->IsNull(2)) << i;
    } else {
      ASSERT_EQ(select->Text(2), "note\t" + std::to_string(i));
    }
    ASSERT_EQ(select->Double(3), i * 0.25);
    ASSERT_EQ(select->Blob(4), data(i));
  }
  EXPECT_EQ(seen, 10000);
}

TEST_F(PostgresConnectionTest, FailedCopyKeepsNothing) {
  ASSERT_TRUE(db().Exec("CREATE TABLE loaded (id bigint PRIMARY KEY, label text NOT NULL)"));
  const std::string_view columns[] = {"id", "label"};
  int next = 0;
  auto short_row = db().CopyIn("loaded", columns, [&](CopyRow& row) -> Result<bool> {
    row.AddInt(next);
    if (next++ < 3) row.AddText("ok");
    return true;
  });
  ASSERT_FALSE(short_row.has_value());
  EXPECT_EQ(short_row.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(short_row.error().message.find("row 4"), std::string::npos)
      << short_row.error().message;

  next = 0;
  auto producer_error = db().CopyIn("loaded", columns, [&](CopyRow& row) -> Result<bool> {
    if (next == 2) return NotFound("unit HN-99 does not exist");
    row.AddInt(next++);
    row.AddText("ok");
    return true;
  });
  ASSERT_FALSE(producer_error.has_value());
  EXPECT_EQ(producer_error.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(producer_error.error().message, "unit HN-99 does not exist");

  next = 0;
  auto duplicate = db().CopyIn("loaded", columns, [&](CopyRow& row) -> Result<bool> {
    if (next == 3) return false;
    row.AddInt(next == 2 ? 0 : next);
    ++next;
    row.AddText("dup");
    return true;
  });
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict) << duplicate.error().ToString();

  const std::string_view bad_columns[] = {"id", "label; DROP"};
  EXPECT_ERROR_CODE(
      db().CopyIn("loaded", bad_columns, [](CopyRow&) -> Result<bool> { return false; }),
      ErrorCode::kInvalidArgument);

  auto count = db().Prepare("SELECT count(*) FROM loaded");
  ASSERT_TRUE(count.has_value() && count->Step().value_or(false));
  EXPECT_EQ(count->Int(0), 0);
  EXPECT_FALSE(db().InTransaction());
}

TEST_F(PostgresConnectionTest, NotificationsReachListenersWithPayloads) {
  auto listener = Connect();
  ASSERT_NE(listener, nullptr);
  ASSERT_TRUE(listener->Listen("pw_commits"));
  ASSERT_TRUE(db().Notify("pw_commits", "41"));
  ASSERT_TRUE(db().Notify("pw_commits", "42"));
  ASSERT_TRUE(db().Notify("pw_other", "ignored"));
  std::vector<Notification> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (got.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    auto batch = listener->WaitNotification(milliseconds(1000));
    ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
    got.insert(got.end(), batch->begin(), batch->end());
  }
  const std::vector<Notification> expected = {{"pw_commits", "41", db().BackendPid()},
                                              {"pw_commits", "42", db().BackendPid()}};
  EXPECT_EQ(got, expected);
}

TEST_F(PostgresConnectionTest, NotificationInsideATransactionArrivesAtCommit) {
  auto listener = Connect();
  ASSERT_NE(listener, nullptr);
  ASSERT_TRUE(listener->Listen("pw_commits"));
  auto tx = db().Begin(Isolation::kReadCommitted);
  ASSERT_TRUE(tx.has_value());
  ASSERT_TRUE(db().Notify("pw_commits", "serial 7"));
  auto before = listener->WaitNotification(milliseconds(200));
  ASSERT_TRUE(before.has_value());
  EXPECT_TRUE(before->empty());
  ASSERT_TRUE(tx->Commit());
  auto after = listener->WaitNotification(milliseconds(5000));
  ASSERT_TRUE(after.has_value());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].payload, "serial 7");
}

TEST_F(PostgresConnectionTest, WaitNotificationTimesOutEmpty) {
  ASSERT_TRUE(db().Listen("pw_quiet"));
  const auto start = std::chrono::steady_clock::now();
  auto got = db().WaitNotification(milliseconds(250));
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->empty());
  EXPECT_GE(waited, milliseconds(240));
  EXPECT_LT(waited, milliseconds(3000));
}

TEST_F(PostgresConnectionTest, ChannelAndPayloadAreChecked) {
  EXPECT_ERROR_CODE(db().Listen("bad channel\""), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(db().Notify("Caps", "x"), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(db().Notify("pw_commits", std::string(8000, 'x')), ErrorCode::kInvalidArgument);
}

TEST_F(PostgresConnectionTest, SessionAdvisoryLocksAreExclusive) {
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(db().TryAdvisoryLock(77).value_or(false), true);
  EXPECT_EQ(other->TryAdvisoryLock(77).value_or(true), false);
  EXPECT_EQ(other->TryAdvisoryLock(78).value_or(false), true);
  EXPECT_EQ(other->AdvisoryUnlock(77).value_or(true), false);
  EXPECT_EQ(db().AdvisoryUnlock(77).value_or(false), true);
  EXPECT_EQ(other->TryAdvisoryLock(77).value_or(false), true);
}

TEST_F(PostgresConnectionTest, TransactionAdvisoryLockLastsUntilCommit) {
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  {
    auto tx = db().Begin(Isolation::kReadCommitted);
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(db().AdvisoryXactLock(-5));
    EXPECT_EQ(other->TryAdvisoryLock(-5).value_or(true), false);
    ASSERT_TRUE(tx->Commit());
  }
  EXPECT_EQ(other->TryAdvisoryLock(-5).value_or(false), true);
}

}  // namespace
}  // namespace planwatch::postgres
