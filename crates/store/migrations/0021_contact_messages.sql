-- Messages from the public contact form, for the coalition's administrators. What a sender
-- writes may name a person despite the form's warning: the name, address, organization and
-- message are sealed together under the secrets key (`body`); the topic and dates are not.
CREATE TABLE contact_messages (
    id          TEXT PRIMARY KEY,
    topic       TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    handled_at  BIGINT,
    handled_by  TEXT
);
CREATE INDEX contact_messages_received ON contact_messages (received_at);
