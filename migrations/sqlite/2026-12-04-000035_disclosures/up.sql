-- What the council shared from the register with a partner under s.436F: who asked, under which
-- gateway, why, and what was sent. The record of a disclosure, not the disclosure itself.
CREATE TABLE disclosures (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id),
    gateway TEXT NOT NULL,
    partner TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    purpose TEXT NOT NULL,
    information TEXT NOT NULL,
    disclosed_on DATE NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX disclosures_child ON disclosures(child_id, disclosed_on);
