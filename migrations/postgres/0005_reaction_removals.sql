-- Reaction removals seen before their add. The bot handles events
-- concurrently, so an add and its quick removal can be seen in either
-- order; an add that finds a fresh removal here is logged as undone.
CREATE TABLE reaction_removals (
    message_id  BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    emoji       TEXT NOT NULL,
    removed_at  BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
