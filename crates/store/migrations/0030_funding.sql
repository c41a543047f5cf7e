-- Funding: the grants that keep the coalition going, the reports due to their funders and
-- the plan's actions each pays for.
CREATE TABLE grants (
    id           TEXT PRIMARY KEY,
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    funder       TEXT NOT NULL,
    title        TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX grants_coalition ON grants (coalition_id, starts_on);

CREATE TABLE grant_reports (
    grant_id     TEXT NOT NULL REFERENCES grants (id),
    due_on       TEXT NOT NULL,
    label        TEXT NOT NULL,
    submitted_on TEXT,
    PRIMARY KEY (grant_id, due_on)
);

CREATE TABLE grant_activities (
    grant_id  TEXT NOT NULL REFERENCES grants (id),
    action_id TEXT NOT NULL REFERENCES coalition_actions (id),
    PRIMARY KEY (grant_id, action_id)
);
