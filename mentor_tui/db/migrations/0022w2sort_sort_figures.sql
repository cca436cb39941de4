-- Revision 0022 (issue 21, the students list sorted by a figure): each student's submission
-- totals, kept by triggers in the same transaction as the submissions they sum, whatever
-- writes them (core/writes.py, a sync's pull, the learning platform bridge, the demo
-- builder). With student_progress_totals (0021) they give every figure the list sorts by
-- without grouping every progress row and submission of 50,000 students per page. Local and
-- derived: not synced, never journalled, no foreign key; core/people/submission_totals.py
-- rebuilds it and checks it against a full recount. A student has a row while they have a
-- live submission.
CREATE TABLE student_submission_totals (
	user_id VARCHAR NOT NULL,
	pending INTEGER NOT NULL,
	oldest_pending_at DATETIME,
	last_submitted_at DATETIME,
	PRIMARY KEY (user_id)
) WITHOUT ROWID;

-- A new live submission adds to its student's totals (no read of submissions: a bulk load
-- into an empty table, its indexes set aside, stays one lookup per row).
CREATE TRIGGER student_submission_totals_insert AFTER INSERT ON submissions
WHEN NEW.deleted_at IS NULL
BEGIN
	INSERT INTO student_submission_totals (user_id, pending, oldest_pending_at, last_submitted_at)
	VALUES (
		NEW.student_id, NEW.status = 'pending',
		CASE WHEN NEW.status = 'pending' THEN NEW.submitted_at END, NEW.submitted_at
	)
	ON CONFLICT (user_id) DO UPDATE SET
		pending = pending + excluded.pending,
		oldest_pending_at = CASE
			WHEN excluded.oldest_pending_at IS NULL THEN oldest_pending_at
			WHEN oldest_pending_at IS NULL OR excluded.oldest_pending_at < oldest_pending_at
				THEN excluded.oldest_pending_at
			ELSE oldest_pending_at
		END,
		last_submitted_at = CASE
			WHEN excluded.last_submitted_at IS NULL THEN last_submitted_at
			WHEN last_submitted_at IS NULL OR excluded.last_submitted_at > last_submitted_at
				THEN excluded.last_submitted_at
			ELSE last_submitted_at
		END;
END;

-- A changed submission: its student's totals counted again from their live submissions (a
-- handful, read through ix_submissions_student_live), and the student it left, if it moved.
CREATE TRIGGER student_submission_totals_update
AFTER UPDATE OF student_id, status, submitted_at, deleted_at ON submissions
WHEN OLD.student_id IS NOT NEW.student_id OR OLD.status IS NOT NEW.status
	OR OLD.submitted_at IS NOT NEW.submitted_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
	DELETE FROM student_submission_totals WHERE user_id IN (OLD.student_id, NEW.student_id);
	INSERT INTO student_submission_totals (user_id, pending, oldest_pending_at, last_submitted_at)
	SELECT student_id, sum(status = 'pending'),
		min(CASE WHEN status = 'pending' THEN submitted_at END), max(submitted_at)
	FROM submissions
	WHERE student_id IN (OLD.student_id, NEW.student_id) AND deleted_at IS NULL
	GROUP BY student_id;
END;

-- A submission deleted for good (a purge): its student's totals counted again.
CREATE TRIGGER student_submission_totals_delete AFTER DELETE ON submissions
BEGIN
	DELETE FROM student_submission_totals WHERE user_id = OLD.student_id;
	INSERT INTO student_submission_totals (user_id, pending, oldest_pending_at, last_submitted_at)
	SELECT student_id, sum(status = 'pending'),
		min(CASE WHEN status = 'pending' THEN submitted_at END), max(submitted_at)
	FROM submissions
	WHERE student_id = OLD.student_id AND deleted_at IS NULL
	GROUP BY student_id;
END;

-- The totals of the submissions already in the store.
INSERT INTO student_submission_totals (user_id, pending, oldest_pending_at, last_submitted_at)
SELECT student_id, sum(status = 'pending'),
	min(CASE WHEN status = 'pending' THEN submitted_at END), max(submitted_at)
FROM submissions
WHERE deleted_at IS NULL
GROUP BY student_id;

-- The status order's page: seeks and stops after a page, as the name order does.
CREATE INDEX ix_users_role_live_status_name ON users (role, deleted_at, status, full_name, id);
