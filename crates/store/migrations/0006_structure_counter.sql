-- Bumped (with 'directory') only when organizations or locations change, so a search
-- snapshot can tell a service-only change (applied in place) from one that needs a rebuild.
INSERT INTO change_counters (name, version, updated_at) VALUES ('directory_structure', 0, 0);

-- Which services each directory version changed, so a search snapshot re-reads exactly
-- those (no clock involved). Rows older than a week are pruned; a snapshot older than the
-- oldest row rebuilds.
CREATE TABLE service_changes (
    version     BIGINT NOT NULL,
    service_id  TEXT NOT NULL,
    changed_at  BIGINT NOT NULL,
    PRIMARY KEY (version, service_id)
);

CREATE INDEX service_changes_at ON service_changes (changed_at);
