-- Shared cases. What is about the person (alias, identity, contact, whereabouts, notes) is
-- sealed under the case's own data key ('case:<id>' in data_keys), one column per data
-- category so a read opens only what its permit covers; destroying that key destroys the
-- case in every backup that lacks the key (crypto-shredding). What the access rule needs
-- (status, team, consents) stays readable: it names no person.
CREATE TABLE cases (
    id              TEXT PRIMARY KEY,
    -- The human reference ('2026-0007'), unique in the instance.
    reference       TEXT NOT NULL UNIQUE,
    -- NULL: held by the coalition's intake line.
    lead_org_id     TEXT REFERENCES organizations (id),
    status          TEXT NOT NULL,
    closure_reason  TEXT,
    exploitation    TEXT NOT NULL,
    scope           TEXT NOT NULL,
    alias           TEXT NOT NULL,
    identity        TEXT NOT NULL,
    contact         TEXT NOT NULL,
    whereabouts     TEXT NOT NULL,
    version         BIGINT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    closed_at       BIGINT
);

CREATE TABLE case_members (
    case_id   TEXT NOT NULL REFERENCES cases (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    -- The party the member acts for: NULL for the coalition's intake line.
    org_id    TEXT REFERENCES organizations (id),
    role      TEXT NOT NULL,
    added_by  TEXT NOT NULL REFERENCES users (id),
    added_at  BIGINT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

CREATE INDEX case_members_by_user ON case_members (user_id);

CREATE TABLE consents (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    purpose       TEXT NOT NULL,
    -- 'coalition', 'org:<uuid>' or 'sector:<key>', space-separated.
    recipients    TEXT NOT NULL,
    -- Data category keys, space-separated.
    categories    TEXT NOT NULL,
    form          TEXT NOT NULL,
    witness_id    TEXT REFERENCES users (id),
    language      TEXT NOT NULL,
    given_at      BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    withdrawn_at  BIGINT,
    withdrawn_by  TEXT REFERENCES users (id),
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    recorded_at   BIGINT NOT NULL
);

CREATE INDEX consents_by_case ON consents (case_id);

CREATE TABLE case_notes (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    author_id    TEXT NOT NULL REFERENCES users (id),
    org_id       TEXT REFERENCES organizations (id),
    sensitivity  TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE INDEX case_notes_by_case ON case_notes (case_id, created_at);

-- Numbers the references.
INSERT INTO change_counters (name, version, updated_at) VALUES ('case_reference', 0, 0);
