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

-- Each live student's sort keys, the figures the students list sorts by (the same values and
-- arithmetic as core/people/student_figures.py's), beside their name: an index per order
-- gives a page in that order by walking it, one page long, where a join of users with their
-- totals sorted every student per page. Kept by triggers on users and on the two totals
-- tables (which their own triggers keep): a student's row is made anew from those rows
-- whenever one of them changes. last_activity is the time's stored text, '' for none.
CREATE TABLE student_sort_keys (
	user_id VARCHAR NOT NULL,
	full_name VARCHAR NOT NULL,
	completion FLOAT NOT NULL,
	pending INTEGER NOT NULL,
	last_activity VARCHAR NOT NULL,
	PRIMARY KEY (user_id)
) WITHOUT ROWID;

-- Ascending and descending (ties by name then id ascending either way: a page read backwards
-- walks the other index's order in reverse).
CREATE INDEX ix_sort_completion ON student_sort_keys (completion, full_name, user_id);
CREATE INDEX ix_sort_completion_desc ON student_sort_keys (completion DESC, full_name, user_id);
CREATE INDEX ix_sort_pending ON student_sort_keys (pending, full_name, user_id);
CREATE INDEX ix_sort_pending_desc ON student_sort_keys (pending DESC, full_name, user_id);
CREATE INDEX ix_sort_last_activity ON student_sort_keys (last_activity, full_name, user_id);
CREATE INDEX ix_sort_last_activity_desc ON student_sort_keys (last_activity DESC, full_name, user_id);

-- Each trigger reads its one or two students by id: the unary + keeps the role and
-- deleted_at terms off the indexes (without statistics, SQLite would otherwise take `IN
-- (OLD.id, NEW.id)` through the role index and read every student for each row written).
CREATE TRIGGER student_sort_keys_user_insert AFTER INSERT ON users
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (NEW.id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT users.id, users.full_name,
		CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
		coalesce(s.pending, 0),
		coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
			WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
			WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
			ELSE s.last_submitted_at END, '')
	FROM users
	LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
	LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
	WHERE users.id IN (NEW.id) AND +users.role = 'student' AND +users.deleted_at IS NULL;
END;

CREATE TRIGGER student_sort_keys_user_update
AFTER UPDATE OF id, full_name, role, deleted_at ON users
WHEN OLD.id IS NOT NEW.id OR OLD.full_name IS NOT NEW.full_name OR OLD.role IS NOT NEW.role
	OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.id, NEW.id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT users.id, users.full_name,
		CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
		coalesce(s.pending, 0),
		coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
			WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
			WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
			ELSE s.last_submitted_at END, '')
	FROM users
	LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
	LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
	WHERE users.id IN (OLD.id, NEW.id) AND +users.role = 'student' AND +users.deleted_at IS NULL;
END;

CREATE TRIGGER student_sort_keys_user_delete AFTER DELETE ON users
BEGIN
	DELETE FROM student_sort_keys WHERE user_id = OLD.id;
END;

CREATE TRIGGER student_sort_keys_progress_insert AFTER INSERT ON student_progress_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (NEW.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT users.id, users.full_name,
		CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
		coalesce(s.pending, 0),
		coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
			WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
			WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
			ELSE s.last_submitted_at END, '')
	FROM users
	LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
	LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
	WHERE users.id IN (NEW.user_id) AND +users.role = 'student' AND +users.deleted_at IS NULL;
END;

CREATE TRIGGER student_sort_keys_progress_update AFTER UPDATE ON student_progress_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.user_id, NEW.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT users.id, users.full_name,
		CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
		coalesce(s.pending, 0),
		coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
			WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
			WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
			ELSE s.last_submitted_at END, '')
	FROM users
	LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
	LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
	WHERE users.id IN (OLD.user_id, NEW.user_id) AND +users.role = 'student' AND +users.deleted_at IS NULL;
END;

CREATE TRIGGER student_sort_keys_progress_delete AFTER DELETE ON student_progress_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT users.id, users.full_name,
		CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
		coalesce(s.pending, 0),
		coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
			WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
			WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
			ELSE s.last_submitted_at END, '')
	FROM users
	LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
	LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
	WHERE users.id IN (OLD.user_id) AND +users.role = 'student' AND +users.deleted_at IS NULL;
END;

CREATE TRIGGER student_sort_keys_submission_insert AFTER INSERT ON student_submission_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (NEW.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT users.id, users.full_name,
		CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
		coalesce(s.pending, 0),
		coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
			WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
			WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
			ELSE s.last_submitted_at END, '')
	FROM users
	LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
	LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
	WHERE users.id IN (NEW.user_id) AND +users.role = 'student' AND +users.deleted_at IS NULL;
END;

CREATE TRIGGER student_sort_keys_submission_update AFTER UPDATE ON student_submission_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.user_id, NEW.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT users.id, users.full_name,
		CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
		coalesce(s.pending, 0),
		coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
			WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
			WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
			ELSE s.last_submitted_at END, '')
	FROM users
	LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
	LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
	WHERE users.id IN (OLD.user_id, NEW.user_id) AND +users.role = 'student' AND +users.deleted_at IS NULL;
END;

CREATE TRIGGER student_sort_keys_submission_delete AFTER DELETE ON student_submission_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT users.id, users.full_name,
		CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
		coalesce(s.pending, 0),
		coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
			WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
			WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
			ELSE s.last_submitted_at END, '')
	FROM users
	LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
	LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
	WHERE users.id IN (OLD.user_id) AND +users.role = 'student' AND +users.deleted_at IS NULL;
END;

-- The sort keys of the students already in the store.
INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
SELECT users.id, users.full_name,
CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END,
coalesce(s.pending, 0),
coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
ELSE s.last_submitted_at END, '')
FROM users
LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
WHERE users.role = 'student' AND users.deleted_at IS NULL;
