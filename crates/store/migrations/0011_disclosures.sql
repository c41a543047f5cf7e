-- Access to a case without the person's consent, and its trace.

-- A legal basis a privacy officer recorded: police of one organization see the named
-- categories until it ends.
CREATE TABLE case_legal_bases (
    id                TEXT PRIMARY KEY,
    case_id           TEXT NOT NULL REFERENCES cases (id),
    ground            TEXT NOT NULL,
    reference         TEXT NOT NULL,
    recipient_org_id  TEXT NOT NULL REFERENCES organizations (id),
    categories        TEXT NOT NULL,
    recorded_by       TEXT NOT NULL REFERENCES users (id),
    recorded_at       BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL
);

CREATE INDEX case_legal_bases_by_case ON case_legal_bases (case_id);
CREATE INDEX case_legal_bases_by_recipient ON case_legal_bases (recipient_org_id, expires_at);

-- Emergency access (break-glass): requested, then approved or refused by a privacy officer;
-- or opened at once for an hour on a declared imminent danger, then reviewed. The reason is
-- sealed under the case's key.
CREATE TABLE case_emergency_access (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    reason        TEXT NOT NULL,
    categories    TEXT NOT NULL,
    imminent      BIGINT NOT NULL,
    status        TEXT NOT NULL,
    requested_at  BIGINT NOT NULL,
    decided_by    TEXT REFERENCES users (id),
    decided_at    BIGINT,
    opens_at      BIGINT,
    closes_at     BIGINT
);

CREATE INDEX case_emergency_by_case ON case_emergency_access (case_id);
CREATE INDEX case_emergency_by_status ON case_emergency_access (status, requested_at);

-- The register of disclosures without consent (Québec P-39.1 s. 18.1): one row per read
-- that a legal basis or emergency access opened. It names no person and outlives the case
-- (no foreign key: a purge keeps it).
CREATE TABLE disclosures (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL,
    case_reference  TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    org_id          TEXT,
    categories      TEXT NOT NULL,
    grounds         TEXT NOT NULL,
    disclosed_at    BIGINT NOT NULL
);

CREATE INDEX disclosures_by_time ON disclosures (disclosed_at);
