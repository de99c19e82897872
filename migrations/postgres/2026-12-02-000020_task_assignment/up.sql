-- Tasks are assigned to an officer, so each can filter the list to their own work.
ALTER TABLE tasks ADD COLUMN assigned_to TEXT NULL REFERENCES users(id);
CREATE INDEX tasks_assigned ON tasks(assigned_to, completed_at);
