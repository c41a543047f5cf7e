-- Who read what of a case under a consent: one row per read of a case by a team member of
-- another organization, with the categories consent opened to them, so a consent's receipt
-- can tell the person who received what. Reads opened without consent go to `disclosures`.
CREATE TABLE case_reads (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    org_id      TEXT REFERENCES organizations (id),
    categories  TEXT NOT NULL,
    read_at     BIGINT NOT NULL
);

CREATE INDEX case_reads_by_case ON case_reads (case_id, read_at);
