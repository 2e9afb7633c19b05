// Schema version 12: the commit serial. Listed in migrations.cc.
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

}  // namespace planwatch::sqlite
