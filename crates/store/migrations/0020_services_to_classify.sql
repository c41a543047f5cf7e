-- Services an import could not place in any domain (no Mosaïque domain, no term the mapping
-- places): kept as read until a coalition administrator classifies them, apart from
-- `services` so that search, the HSDS feed and matching never see a service without a domain.
-- Directory data, public once classified: not sealed.
CREATE TABLE services_to_classify (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    -- The service as read (JSON of the domain's NewService, with no domain).
    service     TEXT NOT NULL,
    -- Its sites, space-separated ids of the organization's locations.
    locations   TEXT NOT NULL,
    suggested   TEXT,
    source      TEXT NOT NULL,
    queued_at   BIGINT NOT NULL
);
CREATE INDEX services_to_classify_queued ON services_to_classify (queued_at);
