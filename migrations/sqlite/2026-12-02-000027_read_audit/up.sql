-- The audit rows of reads are kept in a second SQLite file attached to every connection, created
-- there by `db::attach_read_audit` (a table here would hide it). Nothing changes in this file.
SELECT 1;
