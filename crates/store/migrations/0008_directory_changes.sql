-- Which services, organizations and locations each directory version changed, so a search
-- snapshot re-reads exactly those and applies them in place, renames and moves included.
-- A version with no row here (a bulk load) makes every snapshot rebuild; so does a
-- snapshot older than the oldest row (rows older than a week are pruned). This replaces the
-- service-only log and the structure counter, which forced a rebuild on any organization
-- or location change.
CREATE TABLE directory_changes (
    version     BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    changed_at  BIGINT NOT NULL,
    PRIMARY KEY (version, kind, item_id)
);

CREATE INDEX directory_changes_at ON directory_changes (changed_at);

INSERT INTO directory_changes (version, kind, item_id, changed_at)
    SELECT version, 'service', service_id, changed_at FROM service_changes;

DROP TABLE service_changes;

DELETE FROM change_counters WHERE name = 'directory_structure';
