-- The audit rows of reads, apart from those of changes (on SQLite they live in a second file; see
-- `db::attach_read_audit`), and the whole log as one view.
CREATE TABLE read_audit_events (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    user_id TEXT,
    action TEXT NOT NULL,
    child_id TEXT,
    purpose TEXT NOT NULL
);
CREATE INDEX read_audit_events_at ON read_audit_events(at);
CREATE INDEX read_audit_events_child ON read_audit_events(child_id);
CREATE INDEX read_audit_events_user ON read_audit_events(user_id);
CREATE VIEW audit_log AS
    SELECT id, at, user_id, action, child_id, purpose FROM audit_events
    UNION ALL
    SELECT id, at, user_id, action, child_id, purpose FROM read_audit_events;
