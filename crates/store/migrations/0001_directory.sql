-- Portable dialect: runs unchanged on SQLite and PostgreSQL.
-- TEXT UUIDv7 ids, BIGINT epoch-millisecond times, no backend-specific types.
-- Flags are BIGINT 0/1, not BOOLEAN: sqlx's Any driver cannot decode SQLite's BOOLEAN columns.

CREATE TABLE organizations (
    id              TEXT PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    name_fr         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    -- Case- and accent-folded names for sorting and portable LIKE search, because SQLite has
    -- no ILIKE and no unaccent().
    sort_key_fr     TEXT NOT NULL,
    sort_key_en     TEXT NOT NULL,
    description_fr  TEXT NOT NULL,
    description_en  TEXT NOT NULL,
    province        TEXT,
    level           TEXT,
    sector          TEXT,
    founded_year    BIGINT,
    is_coalition    BIGINT NOT NULL CHECK (is_coalition IN (0, 1)),
    source          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE INDEX organizations_province ON organizations (province);
CREATE INDEX organizations_updated_at ON organizations (updated_at);

-- Every change to directory rows bumps this counter, so each app server can tell, with one
-- cheap query, that its derived search index is stale (including deletions, which an
-- updated_at watermark alone would miss).
CREATE TABLE change_counters (
    name        TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

INSERT INTO change_counters (name, version, updated_at) VALUES ('directory', 0, 0);
