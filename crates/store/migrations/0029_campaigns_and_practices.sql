-- Awareness campaigns (audiences, dates, materials from the library, reach) and promising
-- practices (what worked, where, on what evidence, whom to ask).
CREATE TABLE campaigns (
    id           TEXT PRIMARY KEY,
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    title_fr     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    -- Comma-separated audience keys.
    audiences    TEXT NOT NULL,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT,
    -- NULL until recorded.
    reach_people BIGINT,
    reach_note   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX campaigns_coalition ON campaigns (coalition_id, starts_on);

CREATE TABLE campaign_materials (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id),
    resource_id TEXT NOT NULL REFERENCES library_resources (id),
    PRIMARY KEY (campaign_id, resource_id)
);
CREATE INDEX campaign_materials_resource ON campaign_materials (resource_id);

CREATE TABLE practices (
    id              TEXT PRIMARY KEY,
    coalition_id    TEXT NOT NULL REFERENCES organizations (id),
    title_fr        TEXT NOT NULL,
    title_en        TEXT NOT NULL,
    themes          TEXT NOT NULL,
    what_worked     TEXT NOT NULL,
    context         TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    evidence_note   TEXT NOT NULL,
    organization_id TEXT REFERENCES organizations (id),
    contact         TEXT NOT NULL,
    added_at        BIGINT NOT NULL
);
CREATE INDEX practices_coalition ON practices (coalition_id, added_at);
