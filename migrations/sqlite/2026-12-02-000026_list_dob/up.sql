-- The register list's age and "outside compulsory school age" filters test each entry's date of
-- birth as they walk the list's index in name order: with the date in the index, from the index
-- alone, reading only the rows a page shows.
CREATE INDEX children_status_name_dob ON children(status, family_name, given_names, id, date_of_birth);
CREATE INDEX children_status_arrangement_dob ON children(status, arrangement, family_name, given_names, id, date_of_birth);
DROP INDEX children_status_name;
DROP INDEX children_status_arrangement;
