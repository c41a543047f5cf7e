-- Every change to a screening moves its version on; a write names the version it read, so
-- two concurrent changes (two tabs, two servers) cannot both win.
ALTER TABLE screenings ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
