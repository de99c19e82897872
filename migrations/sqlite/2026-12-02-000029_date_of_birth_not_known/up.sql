-- A legacy register row with no date of birth is still a child (issue 17): the column may be empty.
-- SQLite cannot drop NOT NULL with ALTER TABLE, and rebuilding `children` would have to drop it,
-- which the fourteen tables that refer to it forbid. Removing a NOT NULL constraint changes
-- nothing stored, so the SQLite documentation allows editing the table's definition in place
-- ("Making Other Kinds Of Table Schema Changes"); RESET makes this connection read it again, and
-- the index below changes the schema cookie so every other connection does too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'date_of_birth DATE NOT NULL,', 'date_of_birth DATE,')
 WHERE type = 'table' AND name = 'children';
PRAGMA writable_schema = RESET;
-- Entries whose date of birth is not known, for the register's incomplete filter.
CREATE INDEX children_dob_not_known ON children(id) WHERE date_of_birth IS NULL;
