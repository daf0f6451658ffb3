-- Closing the loop: the customer a follow-up is for, what came of it, and
-- whether that customer was told.
ALTER TABLE follow_ups ADD COLUMN customer TEXT;
ALTER TABLE follow_ups ADD COLUMN outcome TEXT;
ALTER TABLE follow_ups ADD COLUMN told_customer BOOLEAN;
-- When its owner was last reminded that the customer still waits (weekly).
ALTER TABLE follow_ups ADD COLUMN customer_reminded_at BIGINT;
-- Days a customer may wait on a follow-up before its owner is reminded.
ALTER TABLE guilds ADD COLUMN customer_wait_days BIGINT NOT NULL DEFAULT 14;
CREATE INDEX follow_ups_waiting ON follow_ups (created_at) WHERE status = 'open' AND customer IS NOT NULL;
