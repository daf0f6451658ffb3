-- How customers are doing, from imported feedback: an NPS response (score
-- 0-10), a CSAT score, or a churn event, on the local day the export gives.
-- Summaries show them beside the team's numbers for the same weeks.
CREATE TABLE outcomes (
    id          INTEGER PRIMARY KEY,
    guild_id    BIGINT NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('nps', 'csat', 'churn')),
    score       DOUBLE PRECISION,
    day         TEXT NOT NULL,
    -- the feedback row's key, as its insight's: a row imported again is not counted twice
    import_key  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (guild_id, import_key)
);
CREATE INDEX outcomes_guild_day ON outcomes (guild_id, day);
