-- E-mail about notices, when SMTP is configured: when a notice was taken to be mailed. The
-- server that takes it sets this first, so app servers sharing a database send each once;
-- a failed send clears it again for the next try.
ALTER TABLE notifications ADD COLUMN mailed_at BIGINT;

CREATE INDEX notifications_to_mail ON notifications (created_at) WHERE mailed_at IS NULL;

-- A case's open needs and its live referrals are read on every read of the case (the
-- policy's referred parties, matching): by case and status, without visiting each row of a
-- case with many.
DROP INDEX case_needs_by_case;
CREATE INDEX case_needs_by_case ON case_needs (case_id, status);
DROP INDEX referrals_by_case;
CREATE INDEX referrals_by_case ON referrals (case_id, status, to_org_id);
