-- Data keys: random keys, stored only wrapped by a version of the master key (the key file).
-- Rotating the master key re-wraps these rows; rotating a data key re-seals what it sealed;
-- deleting an organization's rows crypto-shreds its data.
CREATE TABLE data_keys (
    -- 'coalition-secrets', 'recovery-index', 'audit-signing' or 'org:<uuid>'.
    scope           TEXT NOT NULL,
    version         BIGINT NOT NULL,
    -- The master key version that wraps it now, and the one current when it was made.
    master_version  BIGINT NOT NULL,
    created_under   BIGINT NOT NULL,
    wrapped         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    retired_at      BIGINT,
    PRIMARY KEY (scope, version)
);
