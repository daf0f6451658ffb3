-- When each guild's daily post and weekly summary are next due (Unix ms),
-- so a scheduler tick reads only the guilds due, however many there are.
-- 0 means "work it out at the next tick": a new guild, changed settings.
ALTER TABLE guilds ADD COLUMN daily_due_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE guilds ADD COLUMN summary_due_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX guilds_daily_due ON guilds (daily_due_at) WHERE left_at IS NULL;
CREATE INDEX guilds_summary_due ON guilds (summary_due_at) WHERE left_at IS NULL;
-- Follow-ups still waiting for their reminder, by due date.
CREATE INDEX follow_ups_unreminded ON follow_ups (due_date) WHERE status = 'open' AND reminded_at IS NULL;
