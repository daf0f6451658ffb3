-- The answer tallies of 0016 after answers change (the writer counts what
-- it inserts): what a statement deletes or changes is counted once,
-- grouped, into slot -1, apart from the writers' rows (so an edit never
-- waits on a writer). A change takes the old rows back and adds the new
-- ones. Statement triggers; SQLite's twin uses row triggers.
CREATE FUNCTION tally_answers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign BIGINT := TG_ARGV[0]::BIGINT;
BEGIN
    INSERT INTO answer_tallies AS t
    SELECT guild_id, created_at - created_at % 3600000, COALESCE(home_channel_id, 0), segments,
        -1,
        sign * COUNT(*),
        sign * COUNT(*) FILTER (WHERE post_id IS NOT NULL),
        sign * COUNT(*) FILTER (WHERE has_evidence),
        sign * COUNT(*) FILTER (WHERE has_assumption),
        sign * COUNT(*) FILTER (WHERE impact = 'helps'),
        sign * COUNT(*) FILTER (WHERE impact = 'hurts'),
        sign * COUNT(*) FILTER (WHERE impact = 'neutral'),
        sign * COUNT(*) FILTER (WHERE impact = 'unknown'),
        sign * COUNT(*) FILTER (WHERE reach = 'one'),
        sign * COUNT(*) FILTER (WHERE reach = 'few'),
        sign * COUNT(*) FILTER (WHERE reach = 'many'),
        sign * COUNT(*) FILTER (WHERE reach = 'all'),
        sign * COUNT(*) FILTER (WHERE reach = 'unknown')
    FROM changed WHERE deleted_at IS NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (guild_id, hour, channel_id, segments, slot) DO UPDATE SET
        answers = t.answers + EXCLUDED.answers,
        post_answers = t.post_answers + EXCLUDED.post_answers,
        with_evidence = t.with_evidence + EXCLUDED.with_evidence,
        with_assumption = t.with_assumption + EXCLUDED.with_assumption,
        helps = t.helps + EXCLUDED.helps,
        hurts = t.hurts + EXCLUDED.hurts,
        neutral = t.neutral + EXCLUDED.neutral,
        unknown_impact = t.unknown_impact + EXCLUDED.unknown_impact,
        reach_one = t.reach_one + EXCLUDED.reach_one,
        reach_few = t.reach_few + EXCLUDED.reach_few,
        reach_many = t.reach_many + EXCLUDED.reach_many,
        reach_all = t.reach_all + EXCLUDED.reach_all,
        reach_unknown = t.reach_unknown + EXCLUDED.reach_unknown;
    RETURN NULL;
END
$$;
CREATE TRIGGER answer_tally_removed AFTER DELETE ON answers
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_answers('-1');
-- (A trigger with a transition table cannot name columns: every update
-- runs both, and one that changes no counted column nets zero.)
CREATE TRIGGER answer_tally_changed_from AFTER UPDATE ON answers
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_answers('-1');
CREATE TRIGGER answer_tally_changed_to AFTER UPDATE ON answers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tally_answers('1');
