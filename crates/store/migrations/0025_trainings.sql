-- The coalition's trainings: programs, the trainers it certified, and the sessions they
-- gave. A trainer certified at a train-the-trainer session was trained by that session's
-- lead trainer: the cascade is read from certified_in, never stored twice. Participants are
-- counted per organization (training_participants), never named: the least data that shows
-- who was trained. A session's total (people) is kept with it, so that the dashboard and
-- the cascade sum thousands of sessions where they are kept. Trainers' names are professionals' names, as in the directory:
-- nothing here is sealed. Days are ISO days (YYYY-MM-DD).
CREATE TABLE training_programs (
    id              TEXT PRIMARY KEY,
    coalition_id    TEXT NOT NULL REFERENCES organizations (id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    trains_trainers BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX training_programs_coalition ON training_programs (coalition_id);

-- certified_in names a training session; it has no foreign key because sessions name
-- their lead trainer in turn.
CREATE TABLE trainers (
    id              TEXT PRIMARY KEY,
    coalition_id    TEXT NOT NULL REFERENCES organizations (id),
    name            TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id),
    certified_on    TEXT NOT NULL,
    valid_until     TEXT,
    certified_in    TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX trainers_coalition ON trainers (coalition_id);

CREATE TABLE training_sessions (
    id               TEXT PRIMARY KEY,
    coalition_id     TEXT NOT NULL REFERENCES organizations (id),
    program_id       TEXT NOT NULL REFERENCES training_programs (id),
    held_on          TEXT NOT NULL,
    minutes          BIGINT NOT NULL,
    region           TEXT,
    place            TEXT NOT NULL,
    online           BIGINT NOT NULL,
    lead_trainer_id  TEXT NOT NULL REFERENCES trainers (id),
    co_trainers      TEXT NOT NULL,
    people           BIGINT NOT NULL,
    evaluations      BIGINT,
    evaluation_score BIGINT,
    note             TEXT NOT NULL,
    created_by       TEXT REFERENCES users (id),
    created_at       BIGINT NOT NULL
);
-- The dashboard and the cascade sum a coalition's sessions by year, lead trainer and region:
-- each sum reads one covering index, not the rows.
CREATE INDEX training_sessions_coalition ON training_sessions (coalition_id, held_on, people);
CREATE INDEX training_sessions_lead ON training_sessions (coalition_id, lead_trainer_id, people);
CREATE INDEX training_sessions_region ON training_sessions (coalition_id, region, people);

-- coalition_id is the session's, kept here so that people per organization are summed from
-- one covering index.
CREATE TABLE training_participants (
    session_id      TEXT NOT NULL REFERENCES training_sessions (id),
    coalition_id    TEXT NOT NULL REFERENCES organizations (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    people          BIGINT NOT NULL,
    PRIMARY KEY (session_id, organization_id)
);
CREATE INDEX training_participants_coalition
    ON training_participants (coalition_id, organization_id, people);
