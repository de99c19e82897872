-- A parent's report of a change, as fields an officer can apply without retyping it
-- (JSON of store::parent_reports::Proposal); the answers as the parent saw them stay in details.
ALTER TABLE parent_reports ADD COLUMN proposal TEXT;
