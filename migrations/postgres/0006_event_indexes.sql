-- Every gateway event's lookups use an index (tests/store.rs checks the
-- plans): a reaction finds a meeting by its prompt, and a reaction on a
-- bot message checks for a post in flight in its channel.
CREATE INDEX meetings_prompt_message ON meetings (prompt_message_id);
CREATE INDEX insight_posts_unsent ON insight_posts (guild_id, channel_id) WHERE message_id IS NULL;
-- A new answer checks for follow-ups pointing at its id (foreign key).
CREATE INDEX follow_ups_answer ON follow_ups (answer_id);
