-- Tokens a social care system uses to push records to /api/v1/. Only a hash is kept; an admin
-- issues them with `cnis api-token issue` and can revoke them.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);
