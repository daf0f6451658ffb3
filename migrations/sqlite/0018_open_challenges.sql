-- An author's reply with evidence validates their open challenges in the
-- meeting: found among the few open ones, not by reading every answer of
-- the meeting (a busy thread made each reply slower than the last).
CREATE INDEX answers_open_challenges ON answers (meeting_id, user_id) WHERE challenge = 'open';
