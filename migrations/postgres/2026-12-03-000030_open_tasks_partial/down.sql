DROP INDEX tasks_open_undated;
DROP INDEX tasks_open_dated;
