-- Name search by index: each folded part of a child's name, so "smi" finds Smith by a range scan
-- rather than reading every name on the register. Filled from name_key by the service; compared
-- byte by byte ("C"), so a prefix is a range.
CREATE TABLE child_name_parts (
    part TEXT COLLATE "C" NOT NULL,
    child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    -- The child's name again, so results sort by name from this table alone.
    family_name TEXT NOT NULL,
    given_names TEXT NOT NULL,
    PRIMARY KEY (part, child_id)
);
CREATE INDEX child_name_parts_sorted ON child_name_parts(part, family_name, given_names, child_id);
CREATE INDEX child_name_parts_child ON child_name_parts(child_id, part);
-- Searches stored for the officer who made them, so results live at an address with an opaque
-- id (Post/Redirect/Get) and no personal data goes in a URL.
CREATE TABLE saved_searches (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    query TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX saved_searches_created ON saved_searches(created_at);
