-- A postcode district search ("DT4") reads its first page of entries in list order from this
-- index, instead of sorting every child in the district. The expression is the one
-- store::children::search uses, character for character, so both databases match it; a key of
-- three characters or fewer has no district (PostgreSQL refuses a negative substring length).
CREATE INDEX children_district ON children ((CASE WHEN length(postcode_key) > 3 THEN substr(postcode_key, 1, length(postcode_key) - 3) ELSE '' END), status DESC, family_name, given_names, id);
