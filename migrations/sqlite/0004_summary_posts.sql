-- The weekly summary post: one per guild and ISO week, claimed before it
-- is sent, as the daily post is.
CREATE TABLE summary_posts (
    guild_id    BIGINT NOT NULL,
    week        TEXT NOT NULL,
    channel_id  BIGINT NOT NULL,
    nonce       TEXT NOT NULL,
    message_id  BIGINT,
    claimed_at  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, week)
);
