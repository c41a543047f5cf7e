-- What the directory says of an organization beyond its name: formal or informal (NULL:
-- not known), mandates (space-separated keys) and mandates in its own words, how to reach
-- it, and the areas it works in (JSON, as for services). One column per statement: SQLite
-- adds one column per ALTER TABLE.
ALTER TABLE organizations ADD COLUMN formal BIGINT;
ALTER TABLE organizations ADD COLUMN mandates TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN mandates_other TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN areas TEXT NOT NULL DEFAULT '[]';
