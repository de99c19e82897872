-- Officers, sessions, the register (EA 1996 s.436C), its history and the audit log.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_enrolled BOOLEAN NOT NULL DEFAULT FALSE,
    last_totp_step BIGINT,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    second_factor_passed BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE children (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    given_names TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    sex TEXT NOT NULL,
    upn TEXT,
    nhs_number TEXT,
    la_reference TEXT,
    arrangement TEXT NOT NULL,
    eligibility_condition TEXT NOT NULL,
    eligible_from DATE,
    reason TEXT NOT NULL,
    reason_detail TEXT,
    sen_status TEXT NOT NULL,
    parent_hours_per_week REAL,
    other_hours_per_week REAL,
    status TEXT NOT NULL,
    closed_reason TEXT,
    closed_on DATE,
    closed_note TEXT,
    source TEXT NOT NULL,
    reviewed BOOLEAN NOT NULL DEFAULT TRUE,
    name_key TEXT NOT NULL,
    postcode_key TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX children_status_name ON children(status, family_name, given_names, id);
CREATE INDEX children_name_key ON children(name_key);
CREATE INDEX children_status_arrangement ON children(status, arrangement, family_name, given_names, id);
CREATE INDEX children_postcode_key ON children(postcode_key);
CREATE INDEX children_dob ON children(date_of_birth);
CREATE INDEX children_upn ON children(upn);

CREATE TABLE addresses (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    line_1 TEXT NOT NULL,
    line_2 TEXT,
    town TEXT NOT NULL,
    postcode TEXT NOT NULL,
    moved_in_on DATE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX addresses_child ON addresses(child_id);

CREATE TABLE parents (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
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
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX parents_child ON parents(child_id);

CREATE TABLE providers (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    provider_type TEXT NOT NULL,
    address TEXT,
    website TEXT,
    hours_per_week REAL NOT NULL,
    hours_without_parent REAL NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX providers_child ON providers(child_id);

CREATE TABLE child_changes (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    user_id TEXT,
    at TIMESTAMP NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX child_changes_child ON child_changes(child_id, at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    user_id TEXT,
    action TEXT NOT NULL,
    child_id TEXT,
    purpose TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_child ON audit_events(child_id);
CREATE INDEX audit_events_user ON audit_events(user_id);
