-- The coalition's action plan (under the four P's) and its meetings' action items: one
-- table, an action with an owner organization, partner organizations (space-separated ids),
-- indicators, a due day (YYYY-MM-DD) and a status whose every change is kept in
-- coalition_action_progress. Coordination data: nothing here is sealed.
CREATE TABLE coalition_actions (
    id           TEXT PRIMARY KEY,
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    pillar       TEXT,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    owner_id     TEXT REFERENCES organizations (id),
    partners     TEXT NOT NULL,
    indicators   TEXT NOT NULL,
    status       TEXT NOT NULL,
    due_on       TEXT,
    public       BIGINT NOT NULL,
    meeting_id   TEXT REFERENCES meetings (id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX coalition_actions_coalition ON coalition_actions (coalition_id, pillar);
CREATE INDEX coalition_actions_meeting ON coalition_actions (meeting_id);

CREATE TABLE coalition_action_progress (
    id        TEXT PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES coalition_actions (id),
    at        BIGINT NOT NULL,
    by_user   TEXT REFERENCES users (id),
    status    TEXT NOT NULL,
    note      TEXT NOT NULL
);
CREATE INDEX coalition_action_progress_action ON coalition_action_progress (action_id, at);
