-- The information s.436C(2) prescribes "to the extent that [the council] has it": optional for
-- parents, each with "prefer not to say" or "not known". One row per register entry, made when
-- first given; changes go in child_changes like the entry's own fields.
CREATE TABLE child_prescribed (
    child_id TEXT PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    ethnicity TEXT NOT NULL DEFAULT 'not_known',
    disability TEXT NOT NULL DEFAULT 'not_known',
    young_carer TEXT NOT NULL DEFAULT 'not_known',
    looked_after TEXT NOT NULL DEFAULT 'not_known',
    schools_attended TEXT,
    missing_education_from DATE,
    updated_at TIMESTAMP NOT NULL
);
