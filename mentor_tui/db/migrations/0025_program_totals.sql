-- Revision 0025 (issue 19, the program report's "feedback length vs resubmission success"):
-- the work sent back with feedback and the next attempt at it, counted by (feedback length,
-- approved), kept by triggers in the same transaction as the submissions they count, whatever
-- writes them. A pair is a live submission sent back (changes requested or rejected) with
-- feedback and a live, decided submission of the same student and assignment whose attempt is
-- the next one. Local and derived: not synced, never journalled, no foreign key;
-- db/derived_tables.py counts it again from the rows (a first sync's bulk load, the tests).
-- A row whose count fell to 0 stays (read with n > 0): no scan for rows to drop per write.
CREATE TABLE submission_feedback_pairs (
	length INTEGER NOT NULL,
	approved INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (length, approved)
) WITHOUT ROWID;

-- A new live decided submission: its pairs as the work sent back (with the next attempt) and
-- as the next attempt (with the work sent back before), each found through
-- ix_submissions_attempts.
CREATE TRIGGER submission_feedback_pairs_insert AFTER INSERT ON submissions
WHEN NEW.deleted_at IS NULL AND NEW.status != 'pending'
BEGIN
	INSERT INTO submission_feedback_pairs (length, approved, n)
	SELECT length(NEW.feedback), t.status = 'approved', count(*)
	FROM submissions AS t
	WHERE NEW.status IN ('changes_requested', 'rejected') AND NEW.feedback IS NOT NULL
		AND t.student_id = NEW.student_id AND t.assignment_id = NEW.assignment_id
		AND t.attempt = NEW.attempt + 1 AND t.deleted_at IS NULL AND t.status != 'pending'
	GROUP BY 1, 2
	ON CONFLICT (length, approved) DO UPDATE SET n = n + excluded.n;
	INSERT INTO submission_feedback_pairs (length, approved, n)
	SELECT length(s.feedback), NEW.status = 'approved', count(*)
	FROM submissions AS s
	WHERE s.student_id = NEW.student_id AND s.assignment_id = NEW.assignment_id
		AND s.attempt = NEW.attempt - 1 AND s.deleted_at IS NULL
		AND s.status IN ('changes_requested', 'rejected') AND s.feedback IS NOT NULL
	GROUP BY 1, 2
	ON CONFLICT (length, approved) DO UPDATE SET n = n + excluded.n;
END;

-- A changed submission: the pairs it was in taken away (its partners are as they were: only
-- this row changed), then the pairs it is in now added.
CREATE TRIGGER submission_feedback_pairs_update
AFTER UPDATE OF student_id, assignment_id, attempt, status, deleted_at, feedback ON submissions
WHEN OLD.student_id IS NOT NEW.student_id OR OLD.assignment_id IS NOT NEW.assignment_id
	OR OLD.attempt IS NOT NEW.attempt OR OLD.status IS NOT NEW.status
	OR OLD.deleted_at IS NOT NEW.deleted_at OR OLD.feedback IS NOT NEW.feedback
BEGIN
	INSERT INTO submission_feedback_pairs (length, approved, n)
	SELECT length(OLD.feedback), t.status = 'approved', -count(*)
	FROM submissions AS t
	WHERE OLD.deleted_at IS NULL AND OLD.status IN ('changes_requested', 'rejected')
		AND OLD.feedback IS NOT NULL
		AND t.student_id = OLD.student_id AND t.assignment_id = OLD.assignment_id
		AND t.attempt = OLD.attempt + 1 AND t.deleted_at IS NULL AND t.status != 'pending'
		AND t.id != NEW.id
	GROUP BY 1, 2
	ON CONFLICT (length, approved) DO UPDATE SET n = n + excluded.n;
	INSERT INTO submission_feedback_pairs (length, approved, n)
	SELECT length(s.feedback), OLD.status = 'approved', -count(*)
	FROM submissions AS s
	WHERE OLD.deleted_at IS NULL AND OLD.status != 'pending'
		AND s.student_id = OLD.student_id AND s.assignment_id = OLD.assignment_id
		AND s.attempt = OLD.attempt - 1 AND s.deleted_at IS NULL
		AND s.status IN ('changes_requested', 'rejected') AND s.feedback IS NOT NULL
		AND s.id != NEW.id
	GROUP BY 1, 2
	ON CONFLICT (length, approved) DO UPDATE SET n = n + excluded.n;
	INSERT INTO submission_feedback_pairs (length, approved, n)
	SELECT length(NEW.feedback), t.status = 'approved', count(*)
	FROM submissions AS t
	WHERE NEW.deleted_at IS NULL AND NEW.status IN ('changes_requested', 'rejected')
		AND NEW.feedback IS NOT NULL
		AND t.student_id = NEW.student_id AND t.assignment_id = NEW.assignment_id
		AND t.attempt = NEW.attempt + 1 AND t.deleted_at IS NULL AND t.status != 'pending'
	GROUP BY 1, 2
	ON CONFLICT (length, approved) DO UPDATE SET n = n + excluded.n;
	INSERT INTO submission_feedback_pairs (length, approved, n)
	SELECT length(s.feedback), NEW.status = 'approved', count(*)
	FROM submissions AS s
	WHERE NEW.deleted_at IS NULL AND NEW.status != 'pending'
		AND s.student_id = NEW.student_id AND s.assignment_id = NEW.assignment_id
		AND s.attempt = NEW.attempt - 1 AND s.deleted_at IS NULL
		AND s.status IN ('changes_requested', 'rejected') AND s.feedback IS NOT NULL
	GROUP BY 1, 2
	ON CONFLICT (length, approved) DO UPDATE SET n = n + excluded.n;
END;

-- A submission deleted for good (a purge): the pairs it was in taken away.
CREATE TRIGGER submission_feedback_pairs_delete AFTER DELETE ON submissions
WHEN OLD.deleted_at IS NULL AND OLD.status != 'pending'
BEGIN
	INSERT INTO submission_feedback_pairs (length, approved, n)
	SELECT length(OLD.feedback), t.status = 'approved', -count(*)
	FROM submissions AS t
	WHERE OLD.status IN ('changes_requested', 'rejected') AND OLD.feedback IS NOT NULL
		AND t.student_id = OLD.student_id AND t.assignment_id = OLD.assignment_id
		AND t.attempt = OLD.attempt + 1 AND t.deleted_at IS NULL AND t.status != 'pending'
	GROUP BY 1, 2
	ON CONFLICT (length, approved) DO UPDATE SET n = n + excluded.n;
	INSERT INTO submission_feedback_pairs (length, approved, n)
	SELECT length(s.feedback), OLD.status = 'approved', -count(*)
	FROM submissions AS s
	WHERE s.student_id = OLD.student_id AND s.assignment_id = OLD.assignment_id
		AND s.attempt = OLD.attempt - 1 AND s.deleted_at IS NULL
		AND s.status IN ('changes_requested', 'rejected') AND s.feedback IS NOT NULL
	GROUP BY 1, 2
	ON CONFLICT (length, approved) DO UPDATE SET n = n + excluded.n;
END;

-- The pairs of the submissions already in the store (db/derived_tables.py's count, without
-- its index named: a store whose first snapshot is under way has its indexes set aside).
INSERT INTO submission_feedback_pairs (length, approved, n)
SELECT length, approved, count(*) FROM (
	SELECT length(sent_back.feedback) AS length, next_attempt.status = 'approved' AS approved
	FROM submissions AS sent_back
	JOIN submissions AS next_attempt
	  ON next_attempt.student_id = sent_back.student_id
	 AND next_attempt.assignment_id = sent_back.assignment_id
	 AND next_attempt.attempt = sent_back.attempt + 1
	 AND next_attempt.deleted_at IS NULL
	 AND next_attempt.status != 'pending'
	WHERE sent_back.status IN ('changes_requested', 'rejected')
	  AND sent_back.deleted_at IS NULL
	  AND sent_back.feedback IS NOT NULL
	LIMIT -1
) GROUP BY 1, 2;

-- Each student's sessions attended (the program report's session frequency): their live
-- attendee rows marked attended, of live sessions not cancelled, whenever they start (the
-- report takes off the few not yet started: core/analytics/correlations.py). Kept by
-- triggers on session_attendees and mentorship_sessions; a row whose count fell to 0 stays.
CREATE TABLE student_attended_totals (
	user_id VARCHAR NOT NULL,
	attended INTEGER NOT NULL,
	PRIMARY KEY (user_id)
) WITHOUT ROWID;

-- A new attendance: counted if its session is live and not cancelled (the session by its key).
CREATE TRIGGER student_attended_totals_insert AFTER INSERT ON session_attendees
WHEN NEW.attendance = 'attended' AND NEW.deleted_at IS NULL
BEGIN
	INSERT INTO student_attended_totals (user_id, attended)
	SELECT NEW.student_id, 1 FROM mentorship_sessions AS s
	WHERE s.id = NEW.session_id AND s.deleted_at IS NULL AND s.status != 'cancelled'
	ON CONFLICT (user_id) DO UPDATE SET attended = attended + excluded.attended;
END;

-- A changed attendance: taken off as it was, counted as it is.
CREATE TRIGGER student_attended_totals_update
AFTER UPDATE OF student_id, session_id, attendance, deleted_at ON session_attendees
WHEN OLD.student_id IS NOT NEW.student_id OR OLD.session_id IS NOT NEW.session_id
	OR OLD.attendance IS NOT NEW.attendance OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
	INSERT INTO student_attended_totals (user_id, attended)
	SELECT OLD.student_id, -1 FROM mentorship_sessions AS s
	WHERE OLD.attendance = 'attended' AND OLD.deleted_at IS NULL
		AND s.id = OLD.session_id AND s.deleted_at IS NULL AND s.status != 'cancelled'
	ON CONFLICT (user_id) DO UPDATE SET attended = attended + excluded.attended;
	DELETE FROM student_attended_totals WHERE user_id = OLD.student_id AND attended = 0;
	INSERT INTO student_attended_totals (user_id, attended)
	SELECT NEW.student_id, 1 FROM mentorship_sessions AS s
	WHERE NEW.attendance = 'attended' AND NEW.deleted_at IS NULL
		AND s.id = NEW.session_id AND s.deleted_at IS NULL AND s.status != 'cancelled'
	ON CONFLICT (user_id) DO UPDATE SET attended = attended + excluded.attended;
END;

-- An attendance deleted for good (a purge): taken off.
CREATE TRIGGER student_attended_totals_delete AFTER DELETE ON session_attendees
WHEN OLD.attendance = 'attended' AND OLD.deleted_at IS NULL
BEGIN
	INSERT INTO student_attended_totals (user_id, attended)
	SELECT OLD.student_id, -1 FROM mentorship_sessions AS s
	WHERE s.id = OLD.session_id AND s.deleted_at IS NULL AND s.status != 'cancelled'
	ON CONFLICT (user_id) DO UPDATE SET attended = attended + excluded.attended;
	DELETE FROM student_attended_totals WHERE user_id = OLD.student_id AND attended = 0;
END;

-- A new session (a pull may bring its attendance first): its attendances counted.
CREATE TRIGGER student_attended_totals_session_insert AFTER INSERT ON mentorship_sessions
WHEN NEW.deleted_at IS NULL AND NEW.status != 'cancelled'
BEGIN
	INSERT INTO student_attended_totals (user_id, attended)
	SELECT a.student_id, count(*) FROM session_attendees AS a
	WHERE a.session_id = NEW.id AND a.deleted_at IS NULL AND a.attendance = 'attended'
	GROUP BY a.student_id
	ON CONFLICT (user_id) DO UPDATE SET attended = attended + excluded.attended;
END;

-- A session cancelled, deleted or back: its attendances taken off as it was, counted as it is.
CREATE TRIGGER student_attended_totals_session_update
AFTER UPDATE OF id, status, deleted_at ON mentorship_sessions
WHEN OLD.id IS NOT NEW.id OR OLD.status IS NOT NEW.status OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
	INSERT INTO student_attended_totals (user_id, attended)
	SELECT a.student_id, -count(*) FROM session_attendees AS a
	WHERE OLD.deleted_at IS NULL AND OLD.status != 'cancelled'
		AND a.session_id = OLD.id AND a.deleted_at IS NULL AND a.attendance = 'attended'
	GROUP BY a.student_id
	ON CONFLICT (user_id) DO UPDATE SET attended = attended + excluded.attended;
	INSERT INTO student_attended_totals (user_id, attended)
	SELECT a.student_id, count(*) FROM session_attendees AS a
	WHERE NEW.deleted_at IS NULL AND NEW.status != 'cancelled'
		AND a.session_id = NEW.id AND a.deleted_at IS NULL AND a.attendance = 'attended'
	GROUP BY a.student_id
	ON CONFLICT (user_id) DO UPDATE SET attended = attended + excluded.attended;
	DELETE FROM student_attended_totals WHERE attended = 0
		AND user_id IN (SELECT student_id FROM session_attendees WHERE session_id = OLD.id);
END;

-- A session deleted for good (a purge): its attendances taken off.
CREATE TRIGGER student_attended_totals_session_delete AFTER DELETE ON mentorship_sessions
WHEN OLD.deleted_at IS NULL AND OLD.status != 'cancelled'
BEGIN
	INSERT INTO student_attended_totals (user_id, attended)
	SELECT a.student_id, -count(*) FROM session_attendees AS a
	WHERE a.session_id = OLD.id AND a.deleted_at IS NULL AND a.attendance = 'attended'
	GROUP BY a.student_id
	ON CONFLICT (user_id) DO UPDATE SET attended = attended + excluded.attended;
	DELETE FROM student_attended_totals WHERE attended = 0
		AND user_id IN (SELECT student_id FROM session_attendees WHERE session_id = OLD.id);
END;

-- The attendances already in the store (db/derived_tables.py's count).
INSERT INTO student_attended_totals (user_id, attended)
SELECT a.student_id, count(*) FROM session_attendees AS a
JOIN mentorship_sessions AS s ON s.id = a.session_id
WHERE a.attendance = 'attended' AND a.deleted_at IS NULL
	AND s.deleted_at IS NULL AND s.status != 'cancelled'
GROUP BY a.student_id;
