// Schema versions 12 and 16: the commit serial and the commit log. Listed in migrations.cc.
namespace planwatch::sqlite {

extern const char kSchemaV12[];
// One row counting the commits that changed what the analytics index keeps (CommittedChanges),
// made by any process: a server whose index stands at another number missed a commit of another
// process (the CLI importing beside it) and loads again.
const char kSchemaV12[] = R"sql(
CREATE TABLE commit_serial (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  serial INTEGER NOT NULL CHECK (serial >= 0)
);
INSERT INTO commit_serial (id, serial) VALUES (1, 0);
)sql";

extern const char kSchemaV16[];
// One row per counted commit: whether it changed the catalog, and the plans whose tasks or
// ledger it changed (ids separated by spaces). A process that missed commits of another reads
// again only what these name; rows far behind the serial are pruned, and a gap in the serials
// means "read everything again".
const char kSchemaV16[] = R"sql(
CREATE TABLE commit_log (
  serial INTEGER PRIMARY KEY CHECK (serial > 0),
  catalog INTEGER NOT NULL CHECK (catalog IN (0, 1)),
  plans TEXT NOT NULL
);
)sql";

}  // namespace planwatch::sqlite
