-- Bulletins to members: each is delivered to every recipient's inbox when published (so
-- that who received it stays what it was, whoever joins later), read and mailed per person.
CREATE TABLE bulletins (
    id           TEXT PRIMARY KEY,
    coalition_id TEXT NOT NULL REFERENCES organizations (id),
    title_fr     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    body         TEXT NOT NULL,
    author       TEXT NOT NULL,
    published_at BIGINT NOT NULL
);
CREATE INDEX bulletins_coalition ON bulletins (coalition_id, published_at);

CREATE TABLE bulletin_deliveries (
    bulletin_id TEXT NOT NULL REFERENCES bulletins (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    read_at     BIGINT,
    mailed_at   BIGINT,
    PRIMARY KEY (bulletin_id, user_id)
);
CREATE INDEX bulletin_deliveries_user ON bulletin_deliveries (user_id, created_at);
CREATE INDEX bulletin_deliveries_unmailed ON bulletin_deliveries (mailed_at, created_at);
