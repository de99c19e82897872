-- SQLite reads the open tasks in order from tasks_open_order already; PostgreSQL needed partial
-- indexes (its migration 30). Kept in step so both backends number their migrations alike.
SELECT 1;
