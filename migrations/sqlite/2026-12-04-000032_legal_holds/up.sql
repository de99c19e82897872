-- A legal hold keeps a record past its retention date (law.md §7.4): a complaint, a claim, a
-- court case or an inquiry needs it. The hold names who placed it and why, and is released,
-- never deleted, so the retention job's reasoning can be followed afterwards.
CREATE TABLE legal_holds (
    id TEXT PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL REFERENCES users(id),
    placed_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP,
    released_by TEXT REFERENCES users(id)
);
CREATE INDEX legal_holds_subject ON legal_holds(subject_kind, subject_id);
