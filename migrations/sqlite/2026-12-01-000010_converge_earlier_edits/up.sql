-- Migrations 1, 5 and 6 were edited after they were first committed. A database that ran the
-- first versions lacks what the edits added; this brings it level. On a database that ran the
-- edited versions it changes nothing.
-- (information_requests.kind and .asked, added to migration 5, cannot be added conditionally in
-- SQLite's SQL: db::converge adds them in Rust when they are missing.)
CREATE INDEX IF NOT EXISTS children_status_arrangement ON children(status, arrangement, family_name, given_names, id);
CREATE INDEX IF NOT EXISTS children_la_reference ON children(la_reference);
