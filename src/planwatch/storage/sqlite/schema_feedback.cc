// Schema version 11: public feedback and its moderation. Listed in migrations.cc.
namespace planwatch::sqlite {

extern const char kSchemaV11[];
// The submission's own columns never change (a trigger refuses it); state, answer and reason
// change only together with an appended feedback_events row. The address key is made once here
// from SQLite's randomness and never changes, so address hashes compare across restarts.
const char kSchemaV11[] = R"sql(
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  target_kind TEXT NOT NULL CHECK (target_kind IN ('plan', 'task', 'indicator')),
  target_id INTEGER NOT NULL CHECK (target_id > 0),
  plan_id INTEGER REFERENCES plans (id),
  kind TEXT NOT NULL
    CHECK (kind IN ('initiative', 'recommendation', 'question', 'complaint')),
  text TEXT NOT NULL CHECK (text <> ''),
  author_login TEXT NOT NULL,
  author_name TEXT NOT NULL,
  contact TEXT NOT NULL,
  address_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('new', 'accepted', 'answered', 'rejected')),
  answer TEXT NOT NULL DEFAULT '',
  answered_by TEXT NOT NULL DEFAULT '',
  answered_at TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (state <> 'answered' OR answer <> ''),
  CHECK (state <> 'rejected' OR reason <> '')
);
CREATE INDEX feedback_target ON feedback (target_kind, target_id, id);
CREATE INDEX feedback_plan ON feedback (plan_id, id);
CREATE INDEX feedback_state ON feedback (state, id);

CREATE TRIGGER feedback_submission_fixed
  BEFORE UPDATE OF id, target_kind, target_id, plan_id, kind, text, author_login, author_name,
    contact, address_hash, created_at ON feedback
  BEGIN SELECT RAISE(ABORT, 'feedback submissions do not change'); END;
CREATE TRIGGER feedback_no_delete BEFORE DELETE ON feedback
  BEGIN SELECT RAISE(ABORT, 'feedback is never deleted'); END;

CREATE TABLE feedback_events (
  id INTEGER PRIMARY KEY,
  feedback_id INTEGER NOT NULL REFERENCES feedback (id),
  state TEXT NOT NULL CHECK (state IN ('new', 'accepted', 'answered', 'rejected')),
  actor TEXT NOT NULL,
  note TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX feedback_events_feedback ON feedback_events (feedback_id, id);

CREATE TRIGGER feedback_events_append_only_update BEFORE UPDATE ON feedback_events
  BEGIN SELECT RAISE(ABORT, 'feedback_events is append-only'); END;
CREATE TRIGGER feedback_events_append_only_delete BEFORE DELETE ON feedback_events
  BEGIN SELECT RAISE(ABORT, 'feedback_events is append-only'); END;

CREATE TABLE feedback_address_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key BLOB NOT NULL CHECK (length(key) = 32)
);
INSERT INTO feedback_address_key (id, key) VALUES (1, randomblob(32));
CREATE TRIGGER feedback_address_key_fixed BEFORE UPDATE ON feedback_address_key
  BEGIN SELECT RAISE(ABORT, 'the feedback address key does not change'); END;
CREATE TRIGGER feedback_address_key_kept BEFORE DELETE ON feedback_address_key
  BEGIN SELECT RAISE(ABORT, 'the feedback address key does not change'); END;
)sql";

}  // namespace planwatch::sqlite
