-- Sign-in attempts per account (an HMAC of the email, never the email), so a limit holds across
-- every address and every instance. Rows older than the window are purged daily.
CREATE TABLE sign_in_attempts (
    id TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_attempts_account ON sign_in_attempts(account_key, at);
