-- E-mail about notices, when SMTP is configured: when a notice was taken to be mailed. The
-- server that takes it sets this first, so app servers sharing a database send each once;
-- a failed send clears it again for the next try.
ALTER TABLE notifications ADD COLUMN mailed_at BIGINT;

CREATE INDEX notifications_to_mail ON notifications (created_at) WHERE mailed_at IS NULL;
