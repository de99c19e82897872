-- A parent's application for consent (s.434A(6)) as they type it: saved after every page, so
-- they can come back to it; kept until sent, or 30 days after it was last touched.
CREATE TABLE application_drafts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    answers TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    application_id TEXT REFERENCES consent_applications(id)
);
CREATE INDEX application_drafts_email ON application_drafts(email, submitted_at);
