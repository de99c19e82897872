DROP VIEW audit_log;
DROP TABLE read_audit_events;
