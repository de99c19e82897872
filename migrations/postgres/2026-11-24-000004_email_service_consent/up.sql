-- EA 1996 s.572: a parent's written consent to receive documents by email, per kind of document.
-- Each row is one decision (given or withdrawn); the latest row for a kind is in force.
CREATE TABLE email_service_consents (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    document_kind TEXT NOT NULL,
    consented BOOLEAN NOT NULL,
    decided_at TIMESTAMP NOT NULL
);
CREATE INDEX email_service_consents_email ON email_service_consents(email, document_kind, decided_at);
