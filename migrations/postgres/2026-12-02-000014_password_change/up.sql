-- An account whose password was issued by someone else (an administrator, the command line)
-- must choose its own at first sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
