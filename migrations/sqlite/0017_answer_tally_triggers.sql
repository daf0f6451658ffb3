-- The answer tallies of 0016 after an answer changes (the writer counts
-- what it inserts): an answer counts while it is not deleted; a change of
-- what it counts takes its old row back and adds its new one. SQLite row
-- triggers; PostgreSQL's twin uses statement triggers.

-- One answer's counts added (sign 1) or taken back (-1): the triggers on
-- answers write here, and this one trigger keeps the tallies.
CREATE VIEW answer_tally_changes AS
    SELECT guild_id, created_at, home_channel_id, segments, post_id, has_evidence, has_assumption, impact, reach, 1 AS sign FROM answers WHERE FALSE;
CREATE TRIGGER answer_tally_change INSTEAD OF INSERT ON answer_tally_changes BEGIN
    INSERT INTO answer_tallies VALUES (NEW.guild_id, NEW.created_at - NEW.created_at % 3600000,
        COALESCE(NEW.home_channel_id, 0), NEW.segments, 0,
        NEW.sign,
        NEW.sign * (NEW.post_id IS NOT NULL),
        NEW.sign * NEW.has_evidence,
        NEW.sign * NEW.has_assumption,
        NEW.sign * (NEW.impact = 'helps'),
        NEW.sign * (NEW.impact = 'hurts'),
        NEW.sign * (NEW.impact = 'neutral'),
        NEW.sign * (NEW.impact = 'unknown'),
        NEW.sign * (NEW.reach = 'one'),
        NEW.sign * (NEW.reach = 'few'),
        NEW.sign * (NEW.reach = 'many'),
        NEW.sign * (NEW.reach = 'all'),
        NEW.sign * (NEW.reach = 'unknown'))
    ON CONFLICT (guild_id, hour, channel_id, segments, slot) DO UPDATE SET
        answers = answers + excluded.answers,
        post_answers = post_answers + excluded.post_answers,
        with_evidence = with_evidence + excluded.with_evidence,
        with_assumption = with_assumption + excluded.with_assumption,
        helps = helps + excluded.helps,
        hurts = hurts + excluded.hurts,
        neutral = neutral + excluded.neutral,
        unknown_impact = unknown_impact + excluded.unknown_impact,
        reach_one = reach_one + excluded.reach_one,
        reach_few = reach_few + excluded.reach_few,
        reach_many = reach_many + excluded.reach_many,
        reach_all = reach_all + excluded.reach_all,
        reach_unknown = reach_unknown + excluded.reach_unknown;
END;

CREATE TRIGGER answer_tally_removed AFTER DELETE ON answers WHEN OLD.deleted_at IS NULL BEGIN
    INSERT INTO answer_tally_changes VALUES (OLD.guild_id, OLD.created_at, OLD.home_channel_id, OLD.segments, OLD.post_id, OLD.has_evidence, OLD.has_assumption, OLD.impact, OLD.reach, -1);
END;
CREATE TRIGGER answer_tally_changed_from AFTER UPDATE OF guild_id, created_at, home_channel_id, segments, post_id, has_evidence, has_assumption, impact, reach, deleted_at ON answers
WHEN OLD.deleted_at IS NULL BEGIN
    INSERT INTO answer_tally_changes VALUES (OLD.guild_id, OLD.created_at, OLD.home_channel_id, OLD.segments, OLD.post_id, OLD.has_evidence, OLD.has_assumption, OLD.impact, OLD.reach, -1);
END;
CREATE TRIGGER answer_tally_changed_to AFTER UPDATE OF guild_id, created_at, home_channel_id, segments, post_id, has_evidence, has_assumption, impact, reach, deleted_at ON answers
WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO answer_tally_changes VALUES (NEW.guild_id, NEW.created_at, NEW.home_channel_id, NEW.segments, NEW.post_id, NEW.has_evidence, NEW.has_assumption, NEW.impact, NEW.reach, 1);
END;
