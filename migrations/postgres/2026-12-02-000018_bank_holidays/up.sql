-- England and Wales bank holidays beyond the rules the service knows (one-off holidays, and days
-- moved): each row says whether the day is a bank holiday, overriding the rule. Deemed service by
-- post counts working days (s.572; Interpretation Act 1978 s.7).
CREATE TABLE bank_holidays (
    day DATE PRIMARY KEY,
    is_holiday BOOLEAN NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    added_by TEXT REFERENCES users(id),
    added_at TIMESTAMP NOT NULL
);
