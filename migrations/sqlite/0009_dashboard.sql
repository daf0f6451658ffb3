-- Managers' web dashboard. Only SHA-256 hashes of the secrets are stored,
-- so a copy of the database signs nobody in.
-- A link from /dashboard: used once, within minutes, by the person it names.
CREATE TABLE sign_in_links (
    token_hash  TEXT PRIMARY KEY,
    guild_id    BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX sign_in_links_expiry ON sign_in_links (expires_at);
-- A browser signed in to one guild's pages.
CREATE TABLE web_sessions (
    token_hash  TEXT PRIMARY KEY,
    guild_id    BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
-- What each insight's posts drew, for the dashboard's insights page.
CREATE INDEX reactions_post ON reactions (post_id);
-- Tokens of the JSON API, made by managers for other tools; only hashes kept.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    guild_id    BIGINT NOT NULL,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('read', 'ingest')),
    token_hash  TEXT NOT NULL UNIQUE,
    created_by  BIGINT,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX api_tokens_guild ON api_tokens (guild_id);
