-- Collaboration agreements (ententes) between organizations or sectors: which categories of
-- a case may flow between them, from when until when.
CREATE TABLE agreements (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    -- 'coalition', 'org:<uuid>' or 'sector:<key>', space-separated.
    parties       TEXT NOT NULL,
    categories    TEXT NOT NULL,
    starts_at     BIGINT NOT NULL,
    ends_at       BIGINT,
    -- Where the signed document is kept (a file number, a shared-drive path).
    document      TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL
);

-- The coalition's own rules, set by its administrators.
CREATE TABLE coalition_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_by  TEXT REFERENCES users (id),
    updated_at  BIGINT NOT NULL
);

INSERT INTO coalition_settings (key, value, updated_by, updated_at)
VALUES ('require_agreement', 'false', NULL, 0);
