CREATE INDEX children_status_name ON children(status, family_name, given_names, id);
CREATE INDEX children_status_arrangement ON children(status, arrangement, family_name, given_names, id);
DROP INDEX children_status_name_dob;
DROP INDEX children_status_arrangement_dob;
