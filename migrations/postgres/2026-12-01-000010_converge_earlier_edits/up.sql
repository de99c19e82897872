-- Migrations 1, 5 and 6 were edited after they were first committed. A database that ran the
-- first versions lacks what the edits added; this brings it level. On a database that ran the
-- edited versions it changes nothing.
CREATE INDEX IF NOT EXISTS children_status_arrangement ON children(status, arrangement, family_name, given_names, id);
CREATE INDEX IF NOT EXISTS children_la_reference ON children(la_reference);
ALTER TABLE information_requests ADD COLUMN IF NOT EXISTS kind TEXT NOT NULL DEFAULT 'updates';
ALTER TABLE information_requests ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE information_requests ADD COLUMN IF NOT EXISTS asked TEXT;
