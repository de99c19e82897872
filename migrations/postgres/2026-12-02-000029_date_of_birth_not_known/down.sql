-- Refuses while any entry has no date of birth: complete them first.
DROP INDEX children_dob_not_known;
ALTER TABLE children ALTER COLUMN date_of_birth SET NOT NULL;
