-- How many customers an answer speaks for (the form, or its text):
-- one customer's voice is not all customers'.
ALTER TABLE answers ADD COLUMN reach TEXT NOT NULL DEFAULT 'unknown'
    CHECK (reach IN ('one', 'few', 'many', 'all', 'unknown'));
