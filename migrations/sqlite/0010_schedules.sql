-- Post days as a set of weekdays (daily, weekdays, or mon,wed,fri),
-- replacing weekdays_only.
ALTER TABLE guilds ADD COLUMN post_days TEXT NOT NULL DEFAULT 'weekdays';
UPDATE guilds SET post_days = CASE WHEN weekdays_only THEN 'weekdays' ELSE 'daily' END;
ALTER TABLE guilds DROP COLUMN weekdays_only;
-- No daily post from a local day until the day posts resume: 2026-12-20..2027-01-05,
-- or 2026-12-20.. until resumed. NULL: posting.
ALTER TABLE guilds ADD COLUMN pause TEXT;
-- The country (ISO code) whose public holidays have no posts; NULL: none.
ALTER TABLE guilds ADD COLUMN holidays TEXT;
-- Days within which a channel is not shown the same insight again.
ALTER TABLE guilds ADD COLUMN repeat_window_days BIGINT NOT NULL DEFAULT 90;
-- An insight channel's own post time (HH:MM) and segments (smb,enterprise);
-- NULL: the guild's time, every segment.
ALTER TABLE guild_channels ADD COLUMN post_time TEXT;
ALTER TABLE guild_channels ADD COLUMN segments TEXT;
-- Local days without daily posts, both ends included.
CREATE TABLE skips (
    id          INTEGER PRIMARY KEY,
    guild_id    BIGINT NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL,
    reason      TEXT,
    created_by  BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX skips_guild ON skips (guild_id, first_day);
