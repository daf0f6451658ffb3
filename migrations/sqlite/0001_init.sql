-- Advocate's schema. Kept in step with ../postgres/0001_init.sql: the two
-- differ only in how an auto-numbered key is declared.
-- Discord ids are unsigned 64-bit snowflakes stored bit for bit in a
-- signed BIGINT (the store converts); times are Unix milliseconds (UTC);
-- local dates are 'YYYY-MM-DD' in the guild's zone.

CREATE TABLE guilds (
    guild_id          BIGINT PRIMARY KEY,
    timezone          TEXT NOT NULL,
    post_time         TEXT NOT NULL,
    weekdays_only     BOOLEAN NOT NULL,
    thread_pattern    TEXT NOT NULL,
    manager_role      BIGINT,
    mention_role      BIGINT,
    summary_channel   BIGINT,
    summary_weekday   TEXT NOT NULL,
    summary_time      TEXT NOT NULL,
    retention_days    BIGINT NOT NULL,
    catch_up_minutes  BIGINT NOT NULL,
    extra_evidence    TEXT,
    extra_assumption  TEXT,
    extra_follow_up   TEXT,
    joined_at         BIGINT NOT NULL,
    -- set when the bot is removed; the guild's data is deleted later
    left_at           BIGINT
);

CREATE TABLE guild_channels (
    guild_id    BIGINT NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    channel_id  BIGINT NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN ('insight', 'meeting')),
    PRIMARY KEY (guild_id, channel_id, purpose)
);

CREATE TABLE insights (
    id           INTEGER PRIMARY KEY,
    -- NULL for the shipped library, which every guild shares
    guild_id     BIGINT,
    library_key  TEXT UNIQUE,
    import_key   TEXT,
    title        TEXT NOT NULL,
    customer     TEXT NOT NULL,
    segment      TEXT NOT NULL,
    story        TEXT NOT NULL,
    evidence     TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('interview', 'support_ticket', 'nps_survey', 'churn', 'usage_data', 'sales_call')),
    question     TEXT NOT NULL,
    tags         TEXT NOT NULL,
    is_example   BOOLEAN NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('live', 'pending', 'rejected', 'retired')),
    added_by     BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX insights_import_key ON insights (guild_id, import_key) WHERE import_key IS NOT NULL;
CREATE INDEX insights_guild ON insights (guild_id, status);

-- A guild's retirement of an insight (its own or the library's).
CREATE TABLE insight_retirements (
    guild_id    BIGINT NOT NULL,
    insight_id  BIGINT NOT NULL REFERENCES insights (id) ON DELETE CASCADE,
    retired_by  BIGINT,
    retired_at  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, insight_id)
);

CREATE TABLE insight_posts (
    id          INTEGER PRIMARY KEY,
    guild_id    BIGINT NOT NULL,
    channel_id  BIGINT NOT NULL,
    local_date  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('daily', 'manual')),
    insight_id  BIGINT NOT NULL REFERENCES insights (id),
    -- sent with enforce_nonce so a retried post is not duplicated
    nonce       TEXT NOT NULL,
    message_id  BIGINT UNIQUE,
    claimed_at  BIGINT NOT NULL,
    posted_at   BIGINT
);
-- The daily post's exactly-once rule: one claim per channel and local day.
CREATE UNIQUE INDEX insight_posts_daily ON insight_posts (guild_id, channel_id, local_date) WHERE kind = 'daily';
CREATE INDEX insight_posts_guild_claimed ON insight_posts (guild_id, claimed_at);

CREATE TABLE meetings (
    id                 INTEGER PRIMARY KEY,
    guild_id           BIGINT NOT NULL,
    channel_id         BIGINT NOT NULL,
    thread_id          BIGINT NOT NULL UNIQUE,
    topic              TEXT NOT NULL,
    segment            TEXT,
    host_id            BIGINT,
    origin             TEXT NOT NULL CHECK (origin IN ('command', 'pattern', 'event')),
    event_id           BIGINT,
    prompt_message_id  BIGINT,
    opened_at          BIGINT NOT NULL,
    closed_at          BIGINT
);
CREATE INDEX meetings_guild_opened ON meetings (guild_id, opened_at);

CREATE TABLE answers (
    id              INTEGER PRIMARY KEY,
    guild_id        BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    meeting_id      BIGINT REFERENCES meetings (id) ON DELETE CASCADE,
    post_id         BIGINT REFERENCES insight_posts (id) ON DELETE CASCADE,
    via             TEXT NOT NULL CHECK (via IN ('thread', 'modal')),
    body            TEXT NOT NULL,
    impact          TEXT NOT NULL CHECK (impact IN ('helps', 'hurts', 'neutral', 'unknown')),
    segments        TEXT NOT NULL,
    has_evidence    BOOLEAN NOT NULL,
    has_assumption  BOOLEAN NOT NULL,
    wants_follow_up BOOLEAN NOT NULL,
    -- a replayed event carries the same id and is not logged twice
    message_id      BIGINT UNIQUE,
    interaction_id  BIGINT UNIQUE,
    created_at      BIGINT NOT NULL,
    edited_at       BIGINT,
    deleted_at      BIGINT,
    CHECK (meeting_id IS NOT NULL OR post_id IS NOT NULL)
);
CREATE INDEX answers_guild_created ON answers (guild_id, created_at);
CREATE INDEX answers_guild_user ON answers (guild_id, user_id);
CREATE INDEX answers_meeting ON answers (meeting_id);
CREATE INDEX answers_post ON answers (post_id);

CREATE TABLE reactions (
    id          INTEGER PRIMARY KEY,
    guild_id    BIGINT NOT NULL,
    channel_id  BIGINT NOT NULL,
    message_id  BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    emoji       TEXT NOT NULL,
    post_id     BIGINT REFERENCES insight_posts (id) ON DELETE CASCADE,
    meeting_id  BIGINT REFERENCES meetings (id) ON DELETE CASCADE,
    added_at    BIGINT NOT NULL,
    removed_at  BIGINT
);
-- One live reaction per person, emoji and message: a replayed add is a no-op.
CREATE UNIQUE INDEX reactions_live ON reactions (message_id, user_id, emoji) WHERE removed_at IS NULL;
CREATE INDEX reactions_guild_added ON reactions (guild_id, added_at);

CREATE TABLE follow_ups (
    id           INTEGER PRIMARY KEY,
    guild_id     BIGINT NOT NULL,
    answer_id    BIGINT REFERENCES answers (id) ON DELETE SET NULL,
    meeting_id   BIGINT REFERENCES meetings (id) ON DELETE SET NULL,
    body         TEXT NOT NULL,
    owner_id     BIGINT,
    created_by   BIGINT NOT NULL,
    due_date     TEXT,
    status       TEXT NOT NULL CHECK (status IN ('open', 'done')),
    created_at   BIGINT NOT NULL,
    done_at      BIGINT,
    reminded_at  BIGINT
);
CREATE INDEX follow_ups_guild_status ON follow_ups (guild_id, status);
CREATE INDEX follow_ups_guild_created ON follow_ups (guild_id, created_at);
