// Schema version 15: sign-in attempts and session activity. Listed in migrations.cc.
namespace planwatch::sqlite {

extern const char kSchemaV15[];
// Attempts are kept in the database, not in memory, so limits survive restarts and hold across
// several server processes on one file; as row changes they enter the audit chain (the triggers
// of sessions are made again so that their digests cover the new column).
const char kSchemaV15[] = R"sql(
CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  login TEXT NOT NULL CHECK (login <> ''),
  address_hash TEXT NOT NULL,
  outcome TEXT NOT NULL
    CHECK (outcome IN ('ok', 'bad_credentials', 'refused_rate', 'refused_delay'))
);
CREATE INDEX login_attempts_login ON login_attempts (login, outcome, at);
CREATE INDEX login_attempts_address ON login_attempts (address_hash, outcome, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;

SELECT pw_add_audit_triggers('login_attempts', 'login', 'login');
SELECT pw_add_audit_triggers('sessions');
)sql";

}  // namespace planwatch::sqlite
