// Schema version 10: reviews (a plan's figures frozen as of a date) and per-plan scorecard
// weights. Listed in migrations.cc.
//
// A review is immutable but for its publication: a trigger refuses any UPDATE that touches
// another column and any DELETE, and publication happens once (published goes 0 → 1 only).
namespace planwatch::sqlite {

extern const char kSchemaV10[];
const char kSchemaV10[] = R"sql(
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  kind TEXT NOT NULL CHECK (kind IN ('interim', 'annual', 'final')),
  title_vi TEXT NOT NULL CHECK (title_vi <> ''),
  title_en TEXT NOT NULL,
  as_of TEXT NOT NULL,
  figures TEXT NOT NULL CHECK (figures <> ''),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
  published_at TEXT,
  published_by TEXT,
  CHECK ((published = 0 AND published_at IS NULL AND published_by IS NULL) OR
         (published = 1 AND published_at IS NOT NULL AND published_by IS NOT NULL))
);
CREATE INDEX reviews_plan ON reviews (plan_id, id);

CREATE TRIGGER reviews_frozen_update BEFORE UPDATE ON reviews
  WHEN NEW.id IS NOT OLD.id OR NEW.plan_id IS NOT OLD.plan_id OR NEW.kind IS NOT OLD.kind OR
       NEW.title_vi IS NOT OLD.title_vi OR NEW.title_en IS NOT OLD.title_en OR
       NEW.as_of IS NOT OLD.as_of OR NEW.figures IS NOT OLD.figures OR
       NEW.created_by IS NOT OLD.created_by OR NEW.created_at IS NOT OLD.created_at OR
       OLD.published = 1
  BEGIN SELECT RAISE(ABORT, 'reviews are immutable once stored'); END;
CREATE TRIGGER reviews_frozen_delete BEFORE DELETE ON reviews
  BEGIN SELECT RAISE(ABORT, 'reviews are immutable once stored'); END;

CREATE TABLE scorecard_weights (
  plan_id INTEGER PRIMARY KEY REFERENCES plans (id),
  on_time REAL NOT NULL CHECK (on_time >= 0),
  timeliness REAL NOT NULL CHECK (timeliness >= 0),
  achievement REAL NOT NULL CHECK (achievement >= 0),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)sql";

}  // namespace planwatch::sqlite
