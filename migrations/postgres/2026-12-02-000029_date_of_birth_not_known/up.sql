-- A legacy register row with no date of birth is still a child (issue 17): the column may be empty.
ALTER TABLE children ALTER COLUMN date_of_birth DROP NOT NULL;
CREATE INDEX children_dob_not_known ON children(id) WHERE date_of_birth IS NULL;
