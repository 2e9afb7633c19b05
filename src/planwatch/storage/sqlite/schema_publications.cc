// Schema version 13: publications (numbered, immutable versions of open datasets) and their
// withdrawals. Listed in migrations.cc.
//
// Both tables are append-only: triggers refuse every UPDATE and DELETE. A withdrawal names the
// version that was the dataset's latest when it was made, so a dataset is withdrawn exactly when
// its latest version has one, and a new version ends the withdrawal without touching a row.
namespace planwatch::sqlite {

extern const char kSchemaV13[];
const char kSchemaV13[] = R"sql(
CREATE TABLE publications (
  id INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL CHECK (dataset <> ''),
  kind TEXT NOT NULL CHECK (kind <> ''),
  subject TEXT NOT NULL CHECK (subject <> ''),
  version INTEGER NOT NULL CHECK (version >= 1),
  content TEXT NOT NULL CHECK (content <> ''),
  published_by TEXT NOT NULL CHECK (published_by <> ''),
  published_at TEXT NOT NULL,
  UNIQUE (dataset, version)
);

CREATE TABLE publication_withdrawals (
  id INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL,
  version INTEGER NOT NULL,
  withdrawn_by TEXT NOT NULL CHECK (withdrawn_by <> ''),
  withdrawn_at TEXT NOT NULL,
  UNIQUE (dataset, version),
  FOREIGN KEY (dataset, version) REFERENCES publications (dataset, version)
);

CREATE TRIGGER publications_immutable_update BEFORE UPDATE ON publications
  BEGIN SELECT RAISE(ABORT, 'publications are immutable'); END;
CREATE TRIGGER publications_immutable_delete BEFORE DELETE ON publications
  BEGIN SELECT RAISE(ABORT, 'publications are immutable'); END;
CREATE TRIGGER publication_withdrawals_immutable_update BEFORE UPDATE ON publication_withdrawals
  BEGIN SELECT RAISE(ABORT, 'withdrawals are immutable'); END;
CREATE TRIGGER publication_withdrawals_immutable_delete BEFORE DELETE ON publication_withdrawals
  BEGIN SELECT RAISE(ABORT, 'withdrawals are immutable'); END;
)sql";

}  // namespace planwatch::sqlite
