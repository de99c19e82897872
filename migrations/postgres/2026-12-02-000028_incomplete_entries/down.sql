DROP INDEX children_missing;
ALTER TABLE children DROP COLUMN missing;
