-- Screening instruments: published versions never change (the hash is checked on load).
CREATE TABLE instruments (
    key           TEXT NOT NULL,
    version       BIGINT NOT NULL,
    content_hash  TEXT NOT NULL,
    -- The canonical JSON form of the instrument file.
    source        TEXT NOT NULL,
    -- 'pilot', 'active' or 'retired'; the only thing about a version that can change.
    status        TEXT NOT NULL,
    -- 1 when the version ships with Mosaïque, 0 when a coalition admin imported it.
    shipped       BIGINT NOT NULL,
    published_at  BIGINT NOT NULL,
    published_by  TEXT REFERENCES users (id),
    PRIMARY KEY (key, version)
);

-- One screening, in progress or complete. It names no person: answers are coded values,
-- sealed under the coalition secrets key; band and alert stay readable for counts.
CREATE TABLE screenings (
    id                  TEXT PRIMARY KEY,
    instrument_key      TEXT NOT NULL,
    instrument_version  BIGINT NOT NULL,
    content_hash        TEXT NOT NULL,
    -- 'in_progress' or 'complete'. A complete screening is never rescored in place.
    state               TEXT NOT NULL,
    language            TEXT NOT NULL,
    answers             TEXT NOT NULL,
    evaluation          TEXT,
    engine_version      BIGINT,
    band                BIGINT,
    safety_alert        BIGINT,
    screener_role       TEXT NOT NULL,
    created_by          TEXT NOT NULL REFERENCES users (id),
    case_id             TEXT,
    -- The earlier result this one re-evaluates, if any.
    rescore_of          TEXT REFERENCES screenings (id),
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    completed_at        BIGINT,
    FOREIGN KEY (instrument_key, instrument_version) REFERENCES instruments (key, version)
);

CREATE INDEX screenings_by_screener ON screenings (created_by, state, updated_at);
