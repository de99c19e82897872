-- The open tasks list reads dated tasks soonest first, then undated ones oldest first, from this
-- index alone, a page at a time (it replaces tasks_open, its first two columns).
CREATE INDEX tasks_open_order ON tasks(completed_at, due_on, created_at, id);
DROP INDEX tasks_open;
