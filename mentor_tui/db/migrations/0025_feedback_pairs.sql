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
