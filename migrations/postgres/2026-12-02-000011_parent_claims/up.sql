-- A person who says they are a parent of a child already on the register (by a parent's
-- notification or a school's deletion return) is held here, with no access to the record and no
-- notices, until an officer confirms or rejects them with a reason. Confirmed claims become rows
-- in `parents`.
CREATE TABLE parent_claims (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    child_given_names TEXT NOT NULL,
    child_family_name TEXT NOT NULL,
    child_date_of_birth DATE NOT NULL,
    child_address TEXT,
    given_names TEXT NOT NULL,
    family_name TEXT NOT NULL,
    relationship TEXT NOT NULL,
    parental_responsibility BOOLEAN NOT NULL,
    lives_with_child BOOLEAN NOT NULL,
    educating BOOLEAN NOT NULL,
    address_line_1 TEXT,
    address_town TEXT,
    address_postcode TEXT,
    email TEXT,
    phone TEXT,
    source TEXT NOT NULL,
    source_id TEXT,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_by TEXT REFERENCES users(id),
    decided_at TIMESTAMP,
    reason TEXT
);
CREATE INDEX parent_claims_child ON parent_claims(child_id, status);
CREATE INDEX parent_claims_email ON parent_claims(email, status);
