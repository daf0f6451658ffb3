-- Messages deleted in meeting threads. Discord's events can arrive out of
-- order: a reply deleted at once may be seen deleted before it is seen
-- created, and must not be logged then.
CREATE TABLE deleted_messages (
    message_id  BIGINT PRIMARY KEY,
    deleted_at  BIGINT NOT NULL
);
