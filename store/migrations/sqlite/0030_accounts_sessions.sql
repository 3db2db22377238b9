-- 0030: local sign-in accounts and browser sessions. An account holds a
-- password (argon2id, PHC string) and the subject it signs in as; roles
-- are never stored here, they come from the staff directory. Sessions are
-- kept by the SHA-256 of their token, so a copy of the database does not
-- hand out live sessions; username is NULL for a session opened through
-- the identity provider.
CREATE TABLE accounts (
    username        TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX accounts_subject ON accounts (subject);

CREATE TABLE sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    subject    TEXT NOT NULL,
    name       TEXT NOT NULL,
    username   TEXT REFERENCES accounts (username) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_subject ON sessions (subject);
CREATE INDEX sessions_username ON sessions (username);
CREATE INDEX sessions_expires ON sessions (expires_at);
