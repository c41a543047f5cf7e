-- The coalition's resource library: documents and links described in French and English,
-- tagged by audience and theme, public or for members; a meeting's documents are the
-- library's. A file's bytes live apart (hex text: BLOB and BYTEA differ), so a list never
-- reads them.
CREATE TABLE library_resources (
    id           TEXT PRIMARY KEY,
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    -- The member organization that shared it; NULL: the coalition's own.
    owner_org_id TEXT REFERENCES organizations (id),
    meeting_id   TEXT REFERENCES meetings (id),
    title_fr     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    summary_fr   TEXT NOT NULL,
    summary_en   TEXT NOT NULL,
    -- Comma-separated vocabulary keys.
    audiences    TEXT NOT NULL,
    themes       TEXT NOT NULL,
    visibility   TEXT NOT NULL,
    language     TEXT NOT NULL,
    -- A link, or a file (name, kind, size): one or the other.
    link         TEXT,
    file_name    TEXT,
    file_kind    TEXT,
    file_size    BIGINT,
    added_by     TEXT REFERENCES users (id),
    added_at     BIGINT NOT NULL
);
CREATE INDEX library_resources_coalition ON library_resources (coalition_id, added_at);
CREATE INDEX library_resources_meeting ON library_resources (meeting_id);

CREATE TABLE library_files (
    resource_id TEXT PRIMARY KEY REFERENCES library_resources (id),
    content     TEXT NOT NULL
);
