// Schema version 9: urging rules and rungs, explanation answers, notifications, webhooks, the
// delivery outbox and its attempts, and users' e-mail addresses. Listed in migrations.cc.
//
// - users.email: '' for every existing user (no address known), which is what "none" means.
// - urgings: one row per (subject_key, rung), so a scan run twice raises nothing twice;
//   subject_key is "task:<id>", "report:<plan>:<unit>:<period>" or
//   "indicator:<indicator>:<unit>:<period>". Append-only except the answer, which is written once.
// - outbox: state and attempts change as deliveries proceed; outbox_attempts is append-only
//   except the closing of an open attempt (finished_at, outcome, error, written once).
namespace planwatch::sqlite {

extern const char kSchemaV9[];
const char kSchemaV9[] = R"sql(
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

CREATE TABLE urging_rules (
  plan_id INTEGER PRIMARY KEY REFERENCES plans (id),
  reminder_days_before INTEGER NOT NULL CHECK (reminder_days_before BETWEEN 0 AND 3650),
  notice_days_after INTEGER NOT NULL CHECK (notice_days_after BETWEEN 1 AND 3650),
  explanation_days_after INTEGER NOT NULL
    CHECK (explanation_days_after > notice_days_after AND explanation_days_after <= 3650),
  inspection_days_after INTEGER NOT NULL
    CHECK (inspection_days_after > explanation_days_after AND inspection_days_after <= 3650),
  stored_at TEXT NOT NULL
);

CREATE TABLE urgings (
  id INTEGER PRIMARY KEY,
  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('task', 'report', 'indicator')),
  subject_key TEXT NOT NULL,
  task_id INTEGER REFERENCES tasks (id),
  indicator_id INTEGER REFERENCES indicators (id),
  period TEXT,
  plan_id INTEGER REFERENCES plans (id),
  unit_id INTEGER NOT NULL REFERENCES org_units (id),
  rung TEXT NOT NULL
    CHECK (rung IN ('reminder', 'notice', 'explanation_request', 'inspection_flag')),
  due_on TEXT NOT NULL,
  raised_on TEXT NOT NULL,
  message TEXT NOT NULL,
  answer TEXT,
  answered_by TEXT,
  answered_at TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (subject_key, rung),
  CHECK ((answer IS NULL) = (answered_at IS NULL)),
  CHECK (answer IS NULL OR rung = 'explanation_request')
);
CREATE INDEX urgings_plan ON urgings (plan_id, id);
CREATE INDEX urgings_unit ON urgings (unit_id, id);

CREATE TRIGGER urgings_append_only_delete BEFORE DELETE ON urgings
  BEGIN SELECT RAISE(ABORT, 'urgings is append-only'); END;
CREATE TRIGGER urgings_answer_only BEFORE UPDATE ON urgings
  WHEN OLD.answer IS NOT NULL
    OR NEW.id IS NOT OLD.id OR NEW.subject_kind IS NOT OLD.subject_kind
    OR NEW.subject_key IS NOT OLD.subject_key OR NEW.task_id IS NOT OLD.task_id
    OR NEW.indicator_id IS NOT OLD.indicator_id OR NEW.period IS NOT OLD.period
    OR NEW.plan_id IS NOT OLD.plan_id OR NEW.unit_id IS NOT OLD.unit_id
    OR NEW.rung IS NOT OLD.rung OR NEW.due_on IS NOT OLD.due_on
    OR NEW.raised_on IS NOT OLD.raised_on OR NEW.message IS NOT OLD.message
    OR NEW.created_at IS NOT OLD.created_at
  BEGIN SELECT RAISE(ABORT, 'urgings is append-only except a first answer'); END;

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  urging_id INTEGER REFERENCES urgings (id),
  source TEXT NOT NULL CHECK (source <> ''),
  title TEXT NOT NULL CHECK (title <> ''),
  body TEXT NOT NULL,
  link TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);

CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL CHECK (url <> ''),
  secret TEXT NOT NULL CHECK (secret <> ''),
  events TEXT NOT NULL,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  destination TEXT NOT NULL CHECK (destination <> ''),
  webhook_id INTEGER REFERENCES webhooks (id),
  event TEXT NOT NULL,
  subject TEXT NOT NULL,
  payload TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE CHECK (idempotency_key <> ''),
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  next_attempt_at TEXT NOT NULL,
  delivered_at TEXT,
  last_error TEXT NOT NULL,
  created_at TEXT NOT NULL,
  urging_id INTEGER REFERENCES urgings (id),
  CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE outbox_attempts (
  outbox_id INTEGER NOT NULL REFERENCES outbox (id),
  number INTEGER NOT NULL CHECK (number >= 1),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL
    CHECK (outcome IN ('open', 'delivered', 'retry', 'failed', 'interrupted')),
  error TEXT NOT NULL,
  PRIMARY KEY (outbox_id, number),
  CHECK ((outcome = 'open') = (finished_at IS NULL))
);

CREATE TRIGGER outbox_delete BEFORE DELETE ON outbox
  BEGIN SELECT RAISE(ABORT, 'outbox rows are kept'); END;
CREATE TRIGGER outbox_attempts_append_only_delete BEFORE DELETE ON outbox_attempts
  BEGIN SELECT RAISE(ABORT, 'outbox_attempts is append-only'); END;
CREATE TRIGGER outbox_attempts_close_only BEFORE UPDATE ON outbox_attempts
  WHEN OLD.outcome <> 'open' OR NEW.outbox_id IS NOT OLD.outbox_id
    OR NEW.number IS NOT OLD.number OR NEW.started_at IS NOT OLD.started_at
  BEGIN SELECT RAISE(ABORT, 'outbox_attempts is append-only except closing an open attempt'); END;
)sql";

}  // namespace planwatch::sqlite
