-- The work on a case over time: goals and tasks, the accompaniment log, immigration and
-- legal steps, the safety plan. The kind fixes the data category (in the domain), and the
-- category is stored so a read filters by what the permit opens without opening anything.
-- The title and details are sealed under the case's key; kind, status and dates stay
-- readable so reminders (a permit to renew) can be found without opening a case: they name
-- no person.
CREATE TABLE case_steps (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    kind        TEXT NOT NULL,
    category    TEXT NOT NULL,
    status      TEXT NOT NULL,
    domain      TEXT,
    title       TEXT NOT NULL,
    details     TEXT,
    on_date     TEXT,
    expires_on  TEXT,
    assignee_id TEXT REFERENCES users (id),
    -- The organization it was written for (NULL: the coalition's intake line).
    org_id      TEXT REFERENCES organizations (id),
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);

CREATE INDEX case_steps_by_case ON case_steps (case_id, on_date);
CREATE INDEX case_steps_by_expiry ON case_steps (expires_on) WHERE expires_on IS NOT NULL;

-- Who changed which fields of a case's parts, when: a step ('step:<id>') or the person's
-- details of one category ('identity', 'contact', 'location'). The values are the part's
-- own, sealed; only field names are kept here.
CREATE TABLE case_changes (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    subject     TEXT NOT NULL,
    changed_by  TEXT NOT NULL REFERENCES users (id),
    changed_at  BIGINT NOT NULL,
    -- Input field names, space-separated; 'created' for a step's first entry.
    fields      TEXT NOT NULL
);

CREATE INDEX case_changes_by_case ON case_changes (case_id, changed_at);
