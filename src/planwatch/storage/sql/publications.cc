#include "planwatch/storage/sql/publications.h"

#include <string>
#include <utility>

#include "planwatch/storage/sql/rows.h"
#include "planwatch/storage/sql/status_macros.h"

namespace planwatch::sql {
namespace {

// Each version with the withdrawal made while it was the latest, if any.
constexpr char kSelect[] =
    "SELECT p.id, p.dataset, p.kind, p.subject, p.version, p.content, p.published_by, "
    "p.published_at, w.withdrawn_by, w.withdrawn_at FROM publications p "
    "LEFT JOIN publication_withdrawals w ON w.dataset = p.dataset AND w.version = p.version";
constexpr char kLatest[] =
    "SELECT kind, subject, version FROM publications WHERE dataset = ?1 "
    "ORDER BY version DESC LIMIT 1";
constexpr char kInsert[] =
    "INSERT INTO publications (dataset, kind, subject, version, content, published_by, "
    "published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr char kWithdrawn[] =
    "SELECT 1 FROM publication_withdrawals WHERE dataset = ?1 AND version = ?2";
constexpr char kInsertWithdrawal[] =
    "INSERT INTO publication_withdrawals (dataset, version, withdrawn_by, withdrawn_at) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr char kCounts[] =
    "SELECT (SELECT count(*) FROM publications), (SELECT coalesce(max(id), 0) FROM publications), "
    "(SELECT count(*) FROM publication_withdrawals)";

Result<PublicationRecord> Row(const Statement& s) {
  PublicationRecord r;
  r.id = s.IdAt<PublicationId>(0);
  r.dataset = s.Text(1);
  r.kind = s.Text(2);
  r.subject = s.Text(3);
  r.version = static_cast<int>(s.Int(4));
  r.content = s.Text(5);
  r.published_by = s.Text(6);
  r.published_at = s.Text(7);
  r.withdrawn_by = s.Text(8);  // NULL reads as ""
  r.withdrawn_at = s.Text(9);
  return r;
}

struct Latest {
  std::string kind;
  std::string subject;
  int version = 0;
};

Result<std::optional<Latest>> LatestOf(Connection& c, std::string_view dataset) {
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kLatest));
  stmt.BindText(1, dataset);
  return First<Latest>(stmt, [](const Statement& s) -> Result<Latest> {
    return Latest{s.Text(0), s.Text(1), static_cast<int>(s.Int(2))};
  });
}

}  // namespace

Result<std::vector<PublicationRecord>> ReadPublications(Connection& connection,
                                                        std::string_view dataset) {
  const std::string sql =
      std::string(kSelect) +
      (dataset.empty() ? " ORDER BY p.id" : " WHERE p.dataset = ?1 ORDER BY p.version");
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  if (!dataset.empty()) stmt.BindText(1, dataset);
  return Collect<PublicationRecord>(stmt, Row);
}

Result<std::vector<PublicationRecord>> ReadLatestPublications(Connection& connection) {
  const std::string sql = std::string(kSelect) +
                          " WHERE p.version = (SELECT max(version) FROM publications l "
                          "WHERE l.dataset = p.dataset) ORDER BY p.dataset";
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  return Collect<PublicationRecord>(stmt, Row);
}

Result<PublicationRecord> ReadPublicationVersion(Connection& connection, std::string_view dataset,
                                                 int version) {
  const std::string sql = std::string(kSelect) + " WHERE p.dataset = ?1 AND p.version = ?2";
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(sql));
  stmt.BindText(1, dataset);
  stmt.BindInt(2, version);
  PW_SQL_ASSIGN(auto found, First<PublicationRecord>(stmt, Row));
  if (!found) {
    return NotFound("dataset '" + std::string(dataset) + "' has no version " +
                    std::to_string(version));
  }
  return std::move(*found);
}

Result<PublicationCounts> ReadPublicationCounts(Connection& connection) {
  PW_SQL_ASSIGN(auto stmt, connection.Prepare(kCounts));
  PW_SQL_ASSIGN(bool has_row, stmt.Step());
  if (!has_row) return Internal("publication counts: no row");
  return PublicationCounts{stmt.Int(0), stmt.Int(1), stmt.Int(2)};
}

Result<PublicationRecord> WritePublication(WriteContext& context,
                                           const PublicationRecord& publication) {
  Connection& c = context.connection();
  const std::string subject = "dataset '" + publication.dataset + "'";
  if (publication.dataset.empty()) return InvalidArgument("a publication needs a dataset name");
  if (publication.kind.empty()) return InvalidArgument(subject + ": the kind is empty");
  if (publication.subject.empty()) return InvalidArgument(subject + ": the subject is empty");
  if (publication.content.empty()) return InvalidArgument(subject + ": the content is empty");
  if (publication.published_by.empty()) {
    return InvalidArgument(subject + ": published_by is empty");
  }
  PW_SQL_ASSIGN(auto latest, LatestOf(c, publication.dataset));
  if (latest && (latest->kind != publication.kind || latest->subject != publication.subject)) {
    return InvalidArgument(subject + " is of kind '" + latest->kind + "' and subject '" +
                           latest->subject + "', not '" + publication.kind + "' and '" +
                           publication.subject + "'");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PublicationRecord stored = publication;
  stored.version = latest ? latest->version + 1 : 1;
  stored.published_at = stamp;
  stored.withdrawn_by.clear();
  stored.withdrawn_at.clear();
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsert));
  stmt.BindText(1, stored.dataset);
  stmt.BindText(2, stored.kind);
  stmt.BindText(3, stored.subject);
  stmt.BindInt(4, stored.version);
  stmt.BindText(5, stored.content);
  stmt.BindText(6, stored.published_by);
  stmt.BindText(7, stamp);
  PW_SQL_TRY(stmt.Run());
  PW_SQL_ASSIGN(const std::int64_t inserted, c.LastInsertId("publications", "id"));
  stored.id = PublicationId{inserted};
  return stored;
}

Status WithdrawPublicationRow(WriteContext& context, std::string_view dataset,
                              std::string_view by) {
  Connection& c = context.connection();
  const std::string subject = "dataset '" + std::string(dataset) + "'";
  if (by.empty()) return InvalidArgument(subject + ": a withdrawal needs who withdrew it");
  PW_SQL_ASSIGN(auto latest, LatestOf(c, dataset));
  if (!latest) return NotFound(subject + " was never published");
  PW_SQL_ASSIGN(auto check, c.Prepare(kWithdrawn));
  check.BindText(1, dataset);
  check.BindInt(2, latest->version);
  PW_SQL_ASSIGN(bool withdrawn, check.Step());
  if (withdrawn) {
    return Conflict(subject + " is already withdrawn (version " + std::to_string(latest->version) +
                    ")");
  }
  PW_SQL_ASSIGN(std::string stamp, context.Stamp());
  PW_SQL_ASSIGN(auto stmt, c.Prepare(kInsertWithdrawal));
  stmt.BindText(1, dataset);
  stmt.BindInt(2, latest->version);
  stmt.BindText(3, by);
  stmt.BindText(4, stamp);
  return stmt.Run();
}

}  // namespace planwatch::sql
