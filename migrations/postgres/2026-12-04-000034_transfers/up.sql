-- Transfer packages sent to, and received from, other councils (s.436F): the signed package as
-- it travelled, so the council can show what it sent and what it was given.
CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    child_id TEXT REFERENCES children(id),
    direction TEXT NOT NULL,
    council_code TEXT NOT NULL,
    council_name TEXT NOT NULL,
    moved_on DATE NOT NULL,
    package TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    made_by TEXT REFERENCES users(id),
    made_at TIMESTAMP NOT NULL
);
CREATE INDEX transfers_child ON transfers(child_id);
CREATE UNIQUE INDEX transfers_received_once ON transfers(direction, sha256);
