DROP INDEX parents_email;
DROP TABLE parent_sessions;
DROP TABLE parent_codes;
