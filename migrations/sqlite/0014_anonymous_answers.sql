-- Whether members may answer without their name: such answers are stored
-- with user_id 0, never the author.
ALTER TABLE guilds ADD COLUMN anonymous_answers BOOLEAN NOT NULL DEFAULT FALSE;
