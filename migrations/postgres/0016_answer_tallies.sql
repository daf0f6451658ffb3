-- An answer's home channel: its meeting's or its post's, neither of which
-- moves. Kept on the answer so that what it counted can be taken back
-- after its meeting is gone (retention deletes meetings with their answers).
ALTER TABLE answers ADD COLUMN home_channel_id BIGINT;
UPDATE answers SET home_channel_id = COALESCE(
    (SELECT m.channel_id FROM meetings m WHERE m.id = answers.meeting_id),
    (SELECT p.channel_id FROM insight_posts p WHERE p.id = answers.post_id));

-- A meeting's first answer, and whether it was answered in a period, from
-- the index alone.
DROP INDEX answers_meeting;
CREATE INDEX answers_meeting ON answers (meeting_id, created_at);
-- A period's answerers, and who answered a post, from the index alone.
DROP INDEX answers_guild_created;
CREATE INDEX answers_guild_created ON answers (guild_id, created_at, deleted_at, user_id, post_id, home_channel_id);

-- Live answers counted by guild, UTC hour, home channel and segments: a
-- period's summary adds up its hours instead of reading each answer. The
-- answer writer counts what it inserts, in the same transaction; triggers
-- (0017) take back what an update or deletion changes. `slot` gives
-- concurrent writers rows of their own (PostgreSQL; 0 on SQLite).
CREATE TABLE answer_tallies (
    guild_id        BIGINT NOT NULL,
    hour            BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL,
    segments        TEXT NOT NULL,
    slot            INTEGER NOT NULL,
    answers         BIGINT NOT NULL,
    post_answers    BIGINT NOT NULL,
    with_evidence   BIGINT NOT NULL,
    with_assumption BIGINT NOT NULL,
    helps           BIGINT NOT NULL,
    hurts           BIGINT NOT NULL,
    neutral         BIGINT NOT NULL,
    unknown_impact  BIGINT NOT NULL,
    reach_one       BIGINT NOT NULL,
    reach_few       BIGINT NOT NULL,
    reach_many      BIGINT NOT NULL,
    reach_all       BIGINT NOT NULL,
    reach_unknown   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, hour, channel_id, segments, slot)
);
INSERT INTO answer_tallies
SELECT guild_id, created_at - created_at % 3600000, COALESCE(home_channel_id, 0), segments, 0,
    COUNT(*),
    COUNT(*) FILTER (WHERE post_id IS NOT NULL),
    COUNT(*) FILTER (WHERE has_evidence),
    COUNT(*) FILTER (WHERE has_assumption),
    COUNT(*) FILTER (WHERE impact = 'helps'),
    COUNT(*) FILTER (WHERE impact = 'hurts'),
    COUNT(*) FILTER (WHERE impact = 'neutral'),
    COUNT(*) FILTER (WHERE impact = 'unknown'),
    COUNT(*) FILTER (WHERE reach = 'one'),
    COUNT(*) FILTER (WHERE reach = 'few'),
    COUNT(*) FILTER (WHERE reach = 'many'),
    COUNT(*) FILTER (WHERE reach = 'all'),
    COUNT(*) FILTER (WHERE reach = 'unknown')
FROM answers WHERE deleted_at IS NULL
GROUP BY guild_id, created_at - created_at % 3600000, COALESCE(home_channel_id, 0), segments;
