-- How a section 47 enquiry ended decides condition B (ss.434A(4), 436H(5), 436I(2), 436P(2)):
-- no further action does not count; a decision to act under s.47(8) does, for five years.
-- `nfa` and `action_date` come from the social care feed when it says; otherwise an officer
-- records the outcome in section47_outcomes, which survives re-imports of the record.
ALTER TABLE social_care_episodes ADD COLUMN nfa BOOLEAN;
ALTER TABLE social_care_episodes ADD COLUMN action_date DATE;
CREATE TABLE section47_outcomes (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES social_care_records(id) ON DELETE CASCADE,
    start_date DATE,
    end_date DATE,
    nfa BOOLEAN NOT NULL,
    action_date DATE,
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL REFERENCES users(id),
    decided_at TIMESTAMP NOT NULL
);
CREATE INDEX section47_outcomes_record ON section47_outcomes (record_id);
