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

-- Who changed which fields of a step, when (the values are the step's own, sealed).
CREATE TABLE case_step_changes (
    step_id     TEXT NOT NULL REFERENCES case_steps (id),
    case_id     TEXT NOT NULL REFERENCES cases (id),
    changed_by  TEXT NOT NULL REFERENCES users (id),
    changed_at  BIGINT NOT NULL,
    -- Input field names, space-separated; 'created' for the first entry.
    fields      TEXT NOT NULL
);

CREATE INDEX case_step_changes_by_step ON case_step_changes (step_id, changed_at);
