-- Two-word name searches ("amelia smith") by index: each ordered pair of a child's name parts,
-- so the children matching both words are one short range, already in name order. Emptying the
-- parts makes the service index every entry again, pairs included, when it next starts.
CREATE TABLE child_name_pairs (
    pair TEXT COLLATE "C" NOT NULL,
    child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    family_name TEXT NOT NULL,
    given_names TEXT NOT NULL,
    PRIMARY KEY (pair, child_id)
);
CREATE INDEX child_name_pairs_sorted ON child_name_pairs(pair, family_name, given_names, child_id);
CREATE INDEX child_name_pairs_child ON child_name_pairs(child_id);
DELETE FROM child_name_parts;
