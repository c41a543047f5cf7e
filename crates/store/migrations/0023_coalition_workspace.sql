-- The coalition's own workspace: which organizations are members of which coalition (an
-- organization marked is_coalition) over which periods, its meetings with their attendance,
-- and the private calendar feeds given to people. Coordination data, no one's personal
-- information: nothing here is sealed. Dates of memberships are ISO days (YYYY-MM-DD).
-- A meeting's attendance is written whole and read whole (the participation dashboard reads
-- ten years of it at once): one text per meeting, `ORG_ID=presence` separated by spaces,
-- rather than a row per organization.
CREATE TABLE coalition_memberships (
    id           TEXT PRIMARY KEY,
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    member_id    TEXT NOT NULL REFERENCES organizations (id),
    role         TEXT NOT NULL,
    joined_on    TEXT NOT NULL,
    left_on      TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX coalition_memberships_coalition ON coalition_memberships (coalition_id, member_id);
CREATE INDEX coalition_memberships_member ON coalition_memberships (member_id);

CREATE TABLE meetings (
    id                  TEXT PRIMARY KEY,
    coalition_id        TEXT NOT NULL REFERENCES organizations (id),
    title               TEXT NOT NULL,
    starts_at           BIGINT NOT NULL,
    ends_at             BIGINT NOT NULL,
    time_zone           TEXT NOT NULL,
    place               TEXT NOT NULL,
    online_url          TEXT NOT NULL,
    agenda              TEXT NOT NULL,
    minutes             TEXT NOT NULL,
    minutes_status      TEXT NOT NULL,
    minutes_approved_by TEXT,
    attendance          TEXT NOT NULL,
    sequence            BIGINT NOT NULL,
    created_by          TEXT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    version             BIGINT NOT NULL
);
CREATE INDEX meetings_coalition_starts ON meetings (coalition_id, starts_at);

-- A feed's address carries a random token; only its hash is kept, as for API tokens.
CREATE TABLE calendar_feeds (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id),
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id, coalition_id);
