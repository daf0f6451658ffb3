-- The weekly summary reads follow-ups done in a week by this index, so
-- its cost does not grow with history.
CREATE INDEX follow_ups_guild_done ON follow_ups (guild_id, done_at);
