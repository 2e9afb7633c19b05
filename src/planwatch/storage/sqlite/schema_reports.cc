// Schema version 8: periodic reports, their revisions and report schedules. Listed in
// migrations.cc.
namespace planwatch::sqlite {

// - report_schedules: the period types a plan reports and their due day (the Nth of the month
//   after the period ends); a plan without rows uses the default (monthly, the 20th).
// - reports: one row per revision; (plan, unit, period, revision) is unique, a revision > 1
//   names the one it supersedes. A period is also kept as (period_start, period_rank) as in
//   data_values, so reports sort in period order. The signature columns are set together on
//   approval. An accepted row is immutable and no row is ever deleted (triggers).
// - report_events: the append-only ledger of every report's transitions.
extern const char kSchemaV8[];
const char kSchemaV8[] = R"sql(
CREATE TABLE report_schedules (
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  period_type TEXT NOT NULL
    CHECK (period_type IN ('yearly', 'half_yearly', 'quarterly', 'monthly')),
  due_day INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 28),
  PRIMARY KEY (plan_id, period_type)
);

CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  unit_id INTEGER NOT NULL REFERENCES org_units (id),
  period TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_rank INTEGER NOT NULL CHECK (period_rank BETWEEN 0 AND 3),
  revision INTEGER NOT NULL CHECK (revision >= 1),
  supersedes_id INTEGER REFERENCES reports (id),
  state TEXT NOT NULL
    CHECK (state IN ('draft', 'submitted', 'approved', 'accepted', 'returned')),
  due_on TEXT NOT NULL,
  results TEXT NOT NULL,
  difficulties TEXT NOT NULL,
  proposals TEXT NOT NULL,
  content TEXT NOT NULL,
  required_items INTEGER NOT NULL CHECK (required_items >= 0),
  present_items INTEGER NOT NULL CHECK (present_items BETWEEN 0 AND required_items),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  first_submitted_at TEXT,
  submitted_at TEXT,
  submitted_by TEXT NOT NULL,
  signing_key_id INTEGER,
  signature_algorithm TEXT,
  signature_public_key TEXT,
  signature TEXT,
  signer_login TEXT,
  signer_name TEXT,
  signed_at TEXT,
  signed_content TEXT,
  UNIQUE (plan_id, unit_id, period, revision),
  CHECK ((supersedes_id IS NULL) = (revision = 1)),
  CHECK ((signature IS NULL) = (signed_content IS NULL)),
  CHECK (state NOT IN ('approved', 'accepted') OR signature IS NOT NULL)
);
CREATE INDEX reports_plan_period ON reports (plan_id, period_start, period_rank, unit_id);
CREATE INDEX reports_unit ON reports (unit_id, period_start, period_rank);

CREATE TABLE report_events (
  sequence INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports (id),
  action TEXT NOT NULL
    CHECK (action IN ('create', 'edit', 'submit', 'approve', 'accept', 'return', 'revise')),
  from_state TEXT
    CHECK (from_state IN ('draft', 'submitted', 'approved', 'accepted', 'returned')),
  to_state TEXT NOT NULL
    CHECK (to_state IN ('draft', 'submitted', 'approved', 'accepted', 'returned')),
  actor TEXT NOT NULL,
  comment TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX report_events_report ON report_events (report_id, sequence);

CREATE TRIGGER reports_accepted_immutable BEFORE UPDATE ON reports
  WHEN OLD.state = 'accepted'
  BEGIN SELECT RAISE(ABORT, 'an accepted report is immutable'); END;
CREATE TRIGGER reports_never_deleted BEFORE DELETE ON reports
  BEGIN SELECT RAISE(ABORT, 'reports are never deleted'); END;
CREATE TRIGGER report_events_append_only_update BEFORE UPDATE ON report_events
  BEGIN SELECT RAISE(ABORT, 'report_events is append-only'); END;
CREATE TRIGGER report_events_append_only_delete BEFORE DELETE ON report_events
  BEGIN SELECT RAISE(ABORT, 'report_events is append-only'); END;
)sql";

}  // namespace planwatch::sqlite
