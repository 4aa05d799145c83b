-- Remembered sign-in (issue 19): a browser that signed in keeps a random token in a cookie; the database keeps only
-- its SHA-256, so a copy of the file (a backup) signs nobody in. A token ends on its day, on sign-out, on a password
-- change, when its account is disabled, or when an administrator signs out every session of the account.
CREATE TABLE sessions (
    token_hash  VARCHAR PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    last_used   TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
