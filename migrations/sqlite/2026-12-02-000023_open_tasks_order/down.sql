CREATE INDEX tasks_open ON tasks(completed_at, due_on);
DROP INDEX tasks_open_order;
