-- The coalition's shared glossary: a term in French and English, defined under each legal
-- framework that gives it a meaning and as the field uses it (one definition per framework).
CREATE TABLE glossary_entries (
    id           TEXT PRIMARY KEY,
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    term_fr      TEXT NOT NULL,
    term_en      TEXT NOT NULL,
    -- The French term folded (accents and case), for the order of the list.
    sort_fr      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX glossary_entries_coalition ON glossary_entries (coalition_id, sort_fr);

CREATE TABLE glossary_definitions (
    entry_id  TEXT NOT NULL REFERENCES glossary_entries (id),
    framework TEXT NOT NULL,
    text_fr   TEXT NOT NULL,
    text_en   TEXT NOT NULL,
    reference TEXT NOT NULL,
    PRIMARY KEY (entry_id, framework)
);
