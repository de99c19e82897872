-- Transactional outbox: an email is written in the same transaction as the change that causes it,
-- and a worker sends it. Status uses GOV.UK Notify's vocabulary:
-- created -> sending -> delivered | temporary-failure | permanent-failure.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    template TEXT NOT NULL,
    template_version TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    child_id TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_child ON outbox(child_id);
