DROP TABLE audit_events;
DROP TABLE child_changes;
DROP TABLE providers;
DROP TABLE parents;
DROP TABLE addresses;
DROP TABLE children;
DROP TABLE sessions;
DROP TABLE users;
