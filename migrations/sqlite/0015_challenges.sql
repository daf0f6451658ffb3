-- Challenging an assumption: a teammate's reaction asks an answer for its
-- data; the answer is then validated (evidence added) or refuted.
ALTER TABLE answers ADD COLUMN challenged_at BIGINT;
ALTER TABLE answers ADD COLUMN challenge TEXT CHECK (challenge IN ('open', 'validated', 'refuted'));
ALTER TABLE answers ADD COLUMN resolved_at BIGINT;
-- The evidence (or a manager's note) that resolved it.
ALTER TABLE answers ADD COLUMN resolution TEXT;
CREATE INDEX answers_challenged ON answers (guild_id, challenged_at) WHERE challenged_at IS NOT NULL;
-- The reaction that challenges an answer in a prompted thread.
ALTER TABLE guilds ADD COLUMN challenge_emoji TEXT NOT NULL DEFAULT '📊';
