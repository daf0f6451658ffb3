-- The customers a guild talks about: one record each, found by any of its
-- names. Insights, follow-ups, outcomes and answers point at it.
CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    guild_id        BIGINT NOT NULL,
    name            TEXT NOT NULL,
    segment         TEXT,
    -- a number the team chooses (ARR, seats) that weighs its share
    weight          DOUBLE PRECISION,
    -- the account's person in Discord
    owner_id        BIGINT,
    crm_id          TEXT,
    support_org_id  TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX customers_guild ON customers (guild_id, name);
-- Every name a customer goes by, its own among them, by its match key
-- (case, punctuation and legal forms aside): one customer per key.
CREATE TABLE customer_names (
    guild_id     BIGINT NOT NULL,
    match_key    TEXT NOT NULL,
    customer_id  BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    PRIMARY KEY (guild_id, match_key)
);
CREATE INDEX customer_names_customer ON customer_names (customer_id);
-- The e-mail domains that identify a customer (a person's address never).
CREATE TABLE customer_domains (
    guild_id     BIGINT NOT NULL,
    domain       TEXT NOT NULL,
    customer_id  BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    PRIMARY KEY (guild_id, domain)
);
CREATE INDEX customer_domains_customer ON customer_domains (customer_id);
-- The customers an answer names, one row each.
CREATE TABLE answer_customers (
    guild_id     BIGINT NOT NULL,
    answer_id    BIGINT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    customer_id  BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    PRIMARY KEY (answer_id, customer_id)
);
CREATE INDEX answer_customers_customer ON answer_customers (customer_id, answer_id);
ALTER TABLE insights ADD COLUMN customer_id BIGINT REFERENCES customers (id) ON DELETE SET NULL;
ALTER TABLE follow_ups ADD COLUMN customer_id BIGINT REFERENCES customers (id) ON DELETE SET NULL;
ALTER TABLE outcomes ADD COLUMN customer_id BIGINT REFERENCES customers (id) ON DELETE SET NULL;
ALTER TABLE outcomes ADD COLUMN segment TEXT;
CREATE INDEX insights_customer ON insights (customer_id);
-- the feedback of a period, for the summary
CREATE INDEX insights_guild_created ON insights (guild_id, created_at);
CREATE INDEX follow_ups_customer ON follow_ups (customer_id);
CREATE INDEX outcomes_customer ON outcomes (customer_id, day);
-- Guilds whose answers are to be matched against their customers' names
-- again (after a change of names), from the answer after `after_answer`:
-- resumable, in bounded steps. Every guild with answers starts queued.
CREATE TABLE customer_relinks (
    guild_id      BIGINT PRIMARY KEY,
    after_answer  BIGINT NOT NULL
);
INSERT INTO customer_relinks (guild_id, after_answer) SELECT DISTINCT guild_id, 0 FROM answers;
-- A CSAT score at or below this is a detractor's, on the guild's tool's scale.
ALTER TABLE guilds ADD COLUMN csat_detractor_at BIGINT NOT NULL DEFAULT 2;
