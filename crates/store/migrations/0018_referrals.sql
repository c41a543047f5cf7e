-- What a person needs, per service domain and urgency, and the referrals that take those
-- needs to a service's intake and come back with an answer and an outcome. The domain fixes
-- the need's data category (a health need is health data), stored so a read filters by what
-- a permit opens; the notes are sealed under the case's key. Statuses, urgencies and dates
-- stay readable so dashboards and expiry run without opening a case: they name no person.
CREATE TABLE case_needs (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    domain      TEXT NOT NULL,
    category    TEXT NOT NULL,
    urgency     TEXT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);

CREATE INDEX case_needs_by_case ON case_needs (case_id);
CREATE INDEX case_needs_open ON case_needs (urgency, created_at) WHERE status = 'open';

CREATE TABLE referrals (
    id                 TEXT PRIMARY KEY,
    case_id            TEXT NOT NULL REFERENCES cases (id),
    -- No foreign key: a service may leave the directory; the referral keeps its name.
    service_id         TEXT NOT NULL,
    service_name_fr    TEXT NOT NULL,
    service_name_en    TEXT NOT NULL,
    to_org_id          TEXT NOT NULL REFERENCES organizations (id),
    to_user_id         TEXT REFERENCES users (id),
    -- The sending party (NULL: the coalition's intake line).
    from_org_id        TEXT REFERENCES organizations (id),
    created_by         TEXT NOT NULL REFERENCES users (id),
    status             TEXT NOT NULL,
    urgency            TEXT NOT NULL,
    decline_reason     TEXT,
    outcome            TEXT,
    not_served_reason  TEXT,
    -- When an unanswered referral expires (set when it is sent).
    expires_at         BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL
);

CREATE INDEX referrals_by_case ON referrals (case_id);
CREATE INDEX referrals_by_recipient ON referrals (to_org_id, status, updated_at);
CREATE INDEX referrals_awaiting ON referrals (expires_at) WHERE status IN ('sent', 'received');

CREATE TABLE referral_needs (
    referral_id  TEXT NOT NULL REFERENCES referrals (id),
    need_id      TEXT NOT NULL REFERENCES case_needs (id),
    case_id      TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (referral_id, need_id)
);

CREATE INDEX referral_needs_by_need ON referral_needs (need_id);

-- Every move of a referral: who, when, from what to what, and why. The note is sealed
-- under the case's key.
CREATE TABLE referral_events (
    id           TEXT PRIMARY KEY,
    referral_id  TEXT NOT NULL REFERENCES referrals (id),
    case_id      TEXT NOT NULL REFERENCES cases (id),
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    reason       TEXT,
    note         TEXT,
    -- NULL: the clock (an expiry).
    by_user_id   TEXT REFERENCES users (id),
    at           BIGINT NOT NULL
);

CREATE INDEX referral_events_by_referral ON referral_events (referral_id, at);

-- What services need to know to take the person (age group, gender, languages, dependants;
-- substance use; immigration status), one sealed part per data category so a read opens
-- only what consent discloses; and how the person may be contacted safely, shown to all who
-- read the case or a referral of it.
CREATE TABLE case_situations (
    case_id         TEXT PRIMARY KEY REFERENCES cases (id),
    identity        TEXT,
    health          TEXT,
    immigration     TEXT,
    contact_safety  TEXT,
    updated_at      BIGINT NOT NULL
);

-- How the coalition takes people in: 'single' (its coordinators only) or 'several' (any
-- member organization too).
INSERT INTO coalition_settings (key, value, updated_by, updated_at)
VALUES ('entry_model', 'several', NULL, 0);

-- Cases opened by an intake (a first contact), for the coordinators' dashboard.
CREATE TABLE intakes (
    case_id     TEXT PRIMARY KEY REFERENCES cases (id),
    taken_by    TEXT NOT NULL REFERENCES users (id),
    unsafe_now  BIGINT NOT NULL CHECK (unsafe_now IN (0, 1)),
    taken_at    BIGINT NOT NULL
);

CREATE INDEX intakes_by_time ON intakes (taken_at);

-- Who is on call for the coalition's intake line, with what the previous shift hands over
-- (sealed under the desk's key: it may name a case).
CREATE TABLE on_call_shifts (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    handover    TEXT,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL
);

CREATE INDEX on_call_shifts_by_end ON on_call_shifts (ends_at);

-- The in-app inbox: that something waits for someone (a referral to answer, an answer to a
-- referral they sent), never who it is about; the link is the referral's.
CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL,
    referral_id  TEXT NOT NULL REFERENCES referrals (id),
    case_id      TEXT NOT NULL REFERENCES cases (id),
    created_at   BIGINT NOT NULL,
    read_at      BIGINT
);

CREATE INDEX notifications_by_user ON notifications (user_id, created_at);
