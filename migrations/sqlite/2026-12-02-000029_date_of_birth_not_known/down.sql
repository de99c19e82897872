-- Refuses (NOT NULL constraint failed) while any entry has no date of birth: complete them first.
CREATE TEMP TABLE dob_check (date_of_birth DATE NOT NULL);
INSERT INTO dob_check SELECT date_of_birth FROM children WHERE date_of_birth IS NULL;
DROP TABLE dob_check;
DROP INDEX children_dob_not_known;
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'date_of_birth DATE,', 'date_of_birth DATE NOT NULL,')
 WHERE type = 'table' AND name = 'children';
PRAGMA writable_schema = RESET;
