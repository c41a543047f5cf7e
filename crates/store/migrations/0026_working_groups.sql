-- The coalition's working groups (comités): a name, a mandate and member organizations
-- (space-separated ids, written and read whole). A group's meetings are the coalition's
-- meetings marked with the group, so they reach the same calendars.
CREATE TABLE working_groups (
    id           TEXT PRIMARY KEY,
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    mandate      TEXT NOT NULL,
    members      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX working_groups_coalition ON working_groups (coalition_id);

ALTER TABLE meetings ADD COLUMN group_id TEXT REFERENCES working_groups (id);
CREATE INDEX meetings_group ON meetings (group_id);
