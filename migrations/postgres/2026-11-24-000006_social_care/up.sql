-- Children's social care records as last imported: one row per source record (CSV record_id, CIN
-- census LAchildID, or API). Names and addresses are absent for CIN census XML.
CREATE TABLE social_care_records (
    id TEXT PRIMARY KEY,
    source_record_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    given_names TEXT,
    family_name TEXT,
    date_of_birth DATE,
    sex TEXT NOT NULL,
    upn TEXT,
    former_upn TEXT,
    nhs_number TEXT,
    address_line_1 TEXT,
    town TEXT,
    postcode TEXT,
    data_hash TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

-- Section 47 enquiries, child protection plans and child-in-need episodes for a record.
CREATE TABLE social_care_episodes (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES social_care_records(id),
    kind TEXT NOT NULL,
    start_date DATE,
    end_date DATE
);
CREATE INDEX social_care_episodes_record ON social_care_episodes(record_id);

-- A candidate pair from the cross-check, and any officer decision on it. Decisions persist; a
-- rejected pair comes back only if the data behind it (the two hashes) changes.
CREATE TABLE match_links (
    child_id TEXT NOT NULL REFERENCES children(id),
    record_id TEXT NOT NULL REFERENCES social_care_records(id),
    decision TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    explanation TEXT NOT NULL,
    child_hash TEXT NOT NULL,
    record_hash TEXT NOT NULL,
    decided_by TEXT REFERENCES users(id),
    decided_at TIMESTAMP,
    reason TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (child_id, record_id)
);
CREATE INDEX match_links_decision ON match_links(decision);
CREATE INDEX match_links_record ON match_links(record_id);

-- Safeguarding flags on a register entry, from linked records: raised and ended, never deleted.
CREATE TABLE child_flags (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id),
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL REFERENCES social_care_records(id),
    start_date DATE,
    end_date DATE,
    raised_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX child_flags_child ON child_flags(child_id, ended_at);

-- Each cross-check run, for officers to see and for the next run to know the last one.
CREATE TABLE cross_check_runs (
    id TEXT PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status TEXT NOT NULL,
    trigger TEXT NOT NULL,
    children INTEGER NOT NULL DEFAULT 0,
    records INTEGER NOT NULL DEFAULT 0,
    pairs INTEGER NOT NULL DEFAULT 0,
    matches INTEGER NOT NULL DEFAULT 0,
    reviews INTEGER NOT NULL DEFAULT 0,
    flags_raised INTEGER NOT NULL DEFAULT 0,
    flags_ended INTEGER NOT NULL DEFAULT 0,
    message TEXT
);

-- One holder at a time for work that must run once across instances (the nightly cross-check).
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- The legacy import is idempotent on the council's own reference: look it up by index.
CREATE INDEX children_la_reference ON children(la_reference);
