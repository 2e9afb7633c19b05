// Schema version 7: signing key pairs of the leaders who approve reports. Listed in migrations.cc.
// A key row never changes except to be retired once, and is never deleted: signatures made with a
// retired key stay checkable. A user has at most one current (unretired) key.
namespace planwatch::sqlite {

extern const char kSchemaV7[];
const char kSchemaV7[] = R"sql(
CREATE TABLE signing_keys (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  public_key TEXT NOT NULL UNIQUE CHECK (length(public_key) = 44),
  sealed_secret TEXT NOT NULL CHECK (sealed_secret <> ''),
  created_at TEXT NOT NULL,
  retired_at TEXT CHECK (retired_at IS NULL OR retired_at >= created_at)
);
CREATE INDEX signing_keys_user ON signing_keys (user_id, id);
CREATE UNIQUE INDEX signing_keys_current ON signing_keys (user_id) WHERE retired_at IS NULL;

CREATE TRIGGER signing_keys_retire_only BEFORE UPDATE ON signing_keys
  WHEN OLD.retired_at IS NOT NULL OR NEW.retired_at IS NULL OR NEW.id IS NOT OLD.id
    OR NEW.user_id IS NOT OLD.user_id OR NEW.public_key IS NOT OLD.public_key
    OR NEW.sealed_secret IS NOT OLD.sealed_secret OR NEW.created_at IS NOT OLD.created_at
  BEGIN SELECT RAISE(ABORT, 'signing_keys rows only change to be retired once'); END;
CREATE TRIGGER signing_keys_append_only_delete BEFORE DELETE ON signing_keys
  BEGIN SELECT RAISE(ABORT, 'signing_keys is append-only'); END;
)sql";

}  // namespace planwatch::sqlite
