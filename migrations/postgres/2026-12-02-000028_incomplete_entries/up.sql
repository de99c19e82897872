-- An entry a legacy import could not fill in (issue 17): what is missing, in the council's words,
-- comma-separated; NULL when the entry is complete. Cleared when an officer completes it.
ALTER TABLE children ADD COLUMN missing TEXT;
CREATE INDEX children_missing ON children(missing);
