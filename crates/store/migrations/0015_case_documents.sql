-- Documents on a case. The name and the content are sealed under the case's key; the type
-- was sniffed from the bytes when it was added (only inert types are kept), and the
-- category decides who reads it, as consent opens it.
CREATE TABLE case_documents (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    category    TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    content     TEXT NOT NULL,
    added_by    TEXT NOT NULL REFERENCES users (id),
    -- The organization it was added for (NULL: the coalition's intake line).
    org_id      TEXT REFERENCES organizations (id),
    added_at    BIGINT NOT NULL
);

CREATE INDEX case_documents_by_case ON case_documents (case_id, added_at);
