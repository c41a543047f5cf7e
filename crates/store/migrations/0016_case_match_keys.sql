-- What finds a possible duplicate case within one organization: blind indexes (HMAC under
-- a key of that organization's own scope) of the folded alias, and of the folded name with
-- the date of birth. Equal values match inside one organization only; nothing here can be
-- compared across organizations, and no value can be read back.
CREATE TABLE case_match_keys (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    -- The lead organization (NULL: the coalition's intake line).
    org_id   TEXT REFERENCES organizations (id),
    -- 'alias' or 'identity'.
    kind     TEXT NOT NULL,
    token    TEXT NOT NULL,
    PRIMARY KEY (case_id, kind)
);

CREATE INDEX case_match_keys_by_token ON case_match_keys (token);
