-- The guild's name as Discord last showed it, for `advocate guilds`.
ALTER TABLE guilds ADD COLUMN name TEXT;
