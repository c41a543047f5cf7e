-- What each import source last sent, per organization, site and service, so that importing
-- the same source again can tell added, changed, unchanged and missing objects apart, and a
-- local edit since (`edited_at`, set by every editing use case) from the source's own change.
-- The names are the public ones, kept to name an object the source no longer sends.
CREATE TABLE directory_imports (
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    source      TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    name_fr     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    edited_at   BIGINT,
    PRIMARY KEY (kind, id)
);
CREATE INDEX directory_imports_source ON directory_imports (source);
