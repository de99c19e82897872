ALTER TABLE parent_reports DROP COLUMN proposal;
