DROP INDEX tasks_assigned;
ALTER TABLE tasks DROP COLUMN assigned_to;
