-- Identity, sessions, throttling and the tamper-evident audit trail.
-- Same portable dialect as 0001. Secrets are stored hashed (tokens, codes, passwords) or
-- sealed with field encryption (TOTP secrets, as hex text: BLOB and BYTEA differ).

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    org_id           TEXT REFERENCES organizations (id),
    email            TEXT NOT NULL UNIQUE,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL,
    password_hash    TEXT,
    totp_secret      TEXT,
    totp_last_step   BIGINT,
    totp_enabled_at  BIGINT,
    disabled_at      BIGINT,
    is_demo          BIGINT NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE INDEX users_org ON users (org_id);

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- One-time links: enrolment of a new account, password reset issued by an admin.
CREATE TABLE account_links (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    purpose     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

-- Only SHA-256(token) is stored: a database leak yields no live session.
CREATE TABLE sessions (
    token_hash           TEXT PRIMARY KEY,
    user_id              TEXT NOT NULL REFERENCES users (id),
    -- 'password' until the second factor is given (or enrolled), then 'full'.
    stage                TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    last_seen_at         BIGINT NOT NULL,
    idle_expires_at      BIGINT NOT NULL,
    absolute_expires_at  BIGINT NOT NULL,
    mfa_verified_at      BIGINT,
    revoked_at           BIGINT
);

CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per account and per address, in the database so the limit holds across
-- every app server.
CREATE TABLE sign_in_throttle (
    throttle_key      TEXT PRIMARY KEY,
    failures          BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL,
    locked_until      BIGINT
);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT,
    revoked_at    BIGINT,
    last_used_at  BIGINT
);

-- Append-only, hash-chained: hash = SHA-256(prev_hash, canonical entry). seq has no gaps.
CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    at             BIGINT NOT NULL,
    actor_user_id  TEXT,
    actor_role     TEXT,
    action         TEXT NOT NULL,
    target_type    TEXT NOT NULL,
    target_id      TEXT,
    outcome        TEXT NOT NULL,
    reason         TEXT,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);

CREATE INDEX audit_log_target ON audit_log (target_type, target_id);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id);

-- Appenders take the next sequence number by bumping this counter: the row lock (the write
-- lock on SQLite) serializes them, so the chain never forks and needs no retries.
INSERT INTO change_counters (name, version, updated_at) VALUES ('audit', 0, 0);

-- Signed statements "entry seq has hash H", so truncating the log is detected.
CREATE TABLE audit_checkpoints (
    seq         BIGINT PRIMARY KEY,
    hash        TEXT NOT NULL,
    signed_at   BIGINT NOT NULL,
    public_key  TEXT NOT NULL,
    signature   TEXT NOT NULL
);
