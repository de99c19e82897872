-- Issue 5: schools, what they tell the council, applications for consent to home educate
-- (s.434A), and the service log of notices (s.572).
CREATE TABLE schools (
    id TEXT PRIMARY KEY,
    urn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- mainstream | special | independent_special | independent | other
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    -- Where notices to the proprietor go by email; empty means by post.
    email TEXT,
    created_at TIMESTAMP NOT NULL
);

-- A school user is a users row with role 'school' and its school.
ALTER TABLE users ADD COLUMN school_id TEXT REFERENCES schools(id);
-- A per-school API token; NULL is the social care feed.
ALTER TABLE api_tokens ADD COLUMN school_id TEXT REFERENCES schools(id);

CREATE TABLE consent_applications (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    school_id TEXT NOT NULL REFERENCES schools(id),
    -- parent | school (on the parent's behalf, with their consent: s.434A(7))
    applicant TEXT NOT NULL,
    -- The email the parent signs in with, to follow the application.
    parent_email TEXT NOT NULL,
    parent_name TEXT NOT NULL,
    parent_phone TEXT,
    parent_address TEXT NOT NULL,
    -- s.572(2): written consent to decision notices by email, to parent_email.
    parent_email_consent BOOLEAN NOT NULL,
    other_parents TEXT NOT NULL,
    given_names TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    sex TEXT NOT NULL,
    upn TEXT,
    address_line_1 TEXT NOT NULL,
    town TEXT NOT NULL,
    postcode TEXT NOT NULL,
    education_plan TEXT NOT NULL,
    educated_by TEXT NOT NULL,
    hours_per_week REAL,
    resources TEXT NOT NULL,
    reasons TEXT NOT NULL,
    needs TEXT NOT NULL,
    status TEXT NOT NULL,
    received_on DATE NOT NULL,
    -- s.434A(12): a refused application for this child less than 6 months before.
    repeat_of TEXT,
    -- Condition A facts entered by an officer (s.434A(3)).
    placed_by_council BOOLEAN,
    condition_a_note TEXT,
    -- Condition B by another council, entered by an officer (s.434A(4)).
    other_council_s47 TEXT,
    -- JSON list of social care record ids an officer checked and found to be another child.
    ruled_out_records TEXT NOT NULL DEFAULT '[]',
    best_interests TEXT,
    best_interests_reasons TEXT,
    best_interests_evidence TEXT,
    arrangements TEXT,
    arrangements_reasons TEXT,
    arrangements_evidence TEXT,
    assessed_by TEXT REFERENCES users(id),
    assessed_at TIMESTAMP,
    decision TEXT,
    decision_reasons TEXT,
    decided_by TEXT REFERENCES users(id),
    decided_at TIMESTAMP,
    -- Why a known parent was not served (s.434A(8)(b)).
    exceptional_circumstances TEXT,
    -- s.434B pilot: held | refused, with the outcome.
    meeting TEXT,
    meeting_on DATE,
    meeting_outcome TEXT,
    -- s.434A(10)-(11)
    referred_on DATE,
    referral_outcome TEXT,
    referral_outcome_on DATE,
    withdrawn_at TIMESTAMP,
    escalated_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX consent_applications_status ON consent_applications(status, received_on);
CREATE INDEX consent_applications_email ON consent_applications(parent_email);

-- What a school tells the council: an intention to home educate (s.434A(5)) or a deletion
-- return (Pupil Registration Regulations 2024 reg 13(4)).
CREATE TABLE school_notices (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    school_id TEXT NOT NULL REFERENCES schools(id),
    kind TEXT NOT NULL,
    given_names TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    sex TEXT NOT NULL,
    upn TEXT,
    address_line_1 TEXT NOT NULL,
    town TEXT NOT NULL,
    postcode TEXT NOT NULL,
    -- JSON: [{name, address, phone}] (the parents the pupil lives with)
    parents TEXT NOT NULL,
    ground TEXT,
    on_date DATE NOT NULL,
    future_school TEXT,
    relevant_child BOOLEAN NOT NULL,
    answer TEXT NOT NULL,
    application_id TEXT REFERENCES consent_applications(id),
    child_id TEXT REFERENCES children(id),
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX school_notices_school ON school_notices(school_id, received_at);

-- Every notice the council serves, frozen once made, with how and when it was served (s.572).
CREATE TABLE served_documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    recipient_role TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    -- email | post | hand | left_at_address
    method TEXT NOT NULL,
    sent_to TEXT NOT NULL,
    template_version TEXT NOT NULL,
    body TEXT NOT NULL,
    pdf BLOB NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    -- queued_for_post | emailed | served
    status TEXT NOT NULL,
    served_on DATE,
    service_note TEXT,
    outbox_id TEXT,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX served_documents_subject ON served_documents(subject_id);

-- An email may carry one served document as a PDF attachment.
ALTER TABLE outbox ADD COLUMN document_id TEXT REFERENCES served_documents(id);
