-- Revision 0023 (issue 21, the students list in the at-risk order): each live student's
-- at-risk score (how many at-risk rules hold, core/people/student_pages.py's _risk) as of
-- one moment and threshold, the basis, beside their name and the values its clock rules
-- compare: an index gives a page in that order by walking it. A rule changes with the clock
-- only when the moment passes a kept value (the last activity 14 days on, the oldest pending
-- submission past the SLA, a session starting), or the cohort's threshold passes a completion:
-- a read finds those few students through these indexes, and the students marked stale by
-- the triggers below, and counts them afresh (core/people/risk_keys.py). Local and derived:
-- not synced, never journalled, no foreign key; made from nothing on the first read.
CREATE TABLE student_risk (
	user_id VARCHAR NOT NULL,
	full_name VARCHAR NOT NULL,
	score INTEGER NOT NULL,
	last_activity_at DATETIME,
	completion FLOAT NOT NULL,
	oldest_pending_at DATETIME,
	PRIMARY KEY (user_id)
) WITHOUT ROWID;

CREATE INDEX ix_risk_score ON student_risk (score, full_name, user_id);
CREATE INDEX ix_risk_score_desc ON student_risk (score DESC, full_name, user_id);
CREATE INDEX ix_risk_last_activity ON student_risk (last_activity_at);
CREATE INDEX ix_risk_completion ON student_risk (completion);
CREATE INDEX ix_risk_oldest_pending ON student_risk (oldest_pending_at);

-- The moment, its bounds and the threshold the kept scores are counted as of (one row).
CREATE TABLE student_risk_basis (
	id INTEGER NOT NULL CHECK (id = 1),
	now DATETIME NOT NULL,
	idle_before DATETIME NOT NULL,
	overdue_before DATETIME NOT NULL,
	behind FLOAT,
	PRIMARY KEY (id)
);

-- Students whose rows were written since their score was counted: a read counts them afresh.
-- (An upsert: a trigger's INSERT OR IGNORE gives way to the writing statement's own policy.)
CREATE TABLE student_risk_stale (
	user_id VARCHAR NOT NULL,
	PRIMARY KEY (user_id)
) WITHOUT ROWID;

-- Name, completion, pending, last activity, role, deletion: student_sort_keys is made anew.
CREATE TRIGGER student_risk_stale_keys_insert AFTER INSERT ON student_sort_keys
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (NEW.user_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_keys_update AFTER UPDATE ON student_sort_keys
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (OLD.user_id), (NEW.user_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_keys_delete AFTER DELETE ON student_sort_keys
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (OLD.user_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

-- The oldest pending submission (the sort keys' triggers fire on every change of these totals
-- too, but this keeps the score's own inputs marked whatever those do).
CREATE TRIGGER student_risk_stale_submissions_insert AFTER INSERT ON student_submission_totals
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (NEW.user_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_submissions_update AFTER UPDATE ON student_submission_totals
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (OLD.user_id), (NEW.user_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_submissions_delete AFTER DELETE ON student_submission_totals
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (OLD.user_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_status AFTER UPDATE OF status ON users
WHEN OLD.status IS NOT NEW.status
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (NEW.id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_attendee_insert AFTER INSERT ON session_attendees
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (NEW.student_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_attendee_update AFTER UPDATE ON session_attendees
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (OLD.student_id), (NEW.student_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_attendee_delete AFTER DELETE ON session_attendees
BEGIN
	INSERT INTO student_risk_stale (user_id) VALUES (OLD.student_id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_session_update
AFTER UPDATE OF id, starts_at, status, deleted_at ON mentorship_sessions
WHEN OLD.id IS NOT NEW.id OR OLD.starts_at IS NOT NEW.starts_at OR OLD.status IS NOT NEW.status
	OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
	INSERT INTO student_risk_stale (user_id)
	SELECT student_id FROM session_attendees WHERE session_id IN (OLD.id, NEW.id)
		ON CONFLICT (user_id) DO NOTHING;
END;

CREATE TRIGGER student_risk_stale_session_delete AFTER DELETE ON mentorship_sessions
BEGIN
	INSERT INTO student_risk_stale (user_id)
	SELECT student_id FROM session_attendees WHERE session_id = OLD.id
		ON CONFLICT (user_id) DO NOTHING;
END;
