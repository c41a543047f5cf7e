-- Services, their locations and where they serve. Coordinates are BIGINT microdegrees:
-- exact, and one integer type that SQLite and PostgreSQL decode the same way.

CREATE TABLE locations (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name_fr       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    address       TEXT NOT NULL,
    city          TEXT NOT NULL,
    province      TEXT NOT NULL,
    postal_code   TEXT NOT NULL,
    -- Québec administrative region (two digits) when in Québec.
    region        TEXT,
    lat_e6        BIGINT,
    lon_e6        BIGINT,
    -- 1 for a shelter or safe house: street and coordinates only for authorized roles.
    confidential  BIGINT NOT NULL CHECK (confidential IN (0, 1)),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE INDEX locations_org ON locations (org_id);

CREATE TABLE services (
    id                   TEXT PRIMARY KEY,
    org_id               TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name_fr              TEXT NOT NULL,
    name_en              TEXT NOT NULL,
    description_fr       TEXT NOT NULL,
    description_en       TEXT NOT NULL,
    status               TEXT NOT NULL,
    -- Space-separated vocabulary keys and taxonomy codes.
    domains              TEXT NOT NULL,
    terms                TEXT NOT NULL,
    languages            TEXT NOT NULL,
    gender               TEXT NOT NULL,
    age_min              BIGINT,
    age_max              BIGINT,
    minors               BIGINT NOT NULL CHECK (minors IN (0, 1)),
    substance_use        BIGINT NOT NULL CHECK (substance_use IN (0, 1)),
    any_status           BIGINT NOT NULL CHECK (any_status IN (0, 1)),
    dedicated            BIGINT NOT NULL CHECK (dedicated IN (0, 1)),
    cost                 TEXT NOT NULL,
    access               TEXT NOT NULL,
    -- JSON: {"time_zone": IANA, "always_open": bool, "hours": [{days, opens, closes}]}.
    schedule             TEXT NOT NULL,
    capacity_unit        TEXT,
    capacity_available   BIGINT,
    capacity_total       BIGINT,
    capacity_updated_at  BIGINT,
    wait_days            BIGINT,
    phone                TEXT NOT NULL,
    email                TEXT NOT NULL,
    website              TEXT NOT NULL,
    -- JSON: [{"kind": "province"|"region"|"municipality", "code": "…"}].
    areas                TEXT NOT NULL,
    reviewed_at          BIGINT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);

CREATE INDEX services_org ON services (org_id);
CREATE INDEX services_updated_at ON services (updated_at);

-- Where a service is given (HSDS service_at_location, with its own stable id).
CREATE TABLE service_locations (
    id           TEXT NOT NULL UNIQUE,
    service_id   TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    location_id  TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    PRIMARY KEY (service_id, location_id)
);

CREATE INDEX service_locations_location ON service_locations (location_id);
