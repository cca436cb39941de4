-- Revision 0024 (issue 21): the eight triggers of 0022 that make a student's sort keys anew
-- repeated one SELECT; it is now the view student_sort_keys_source (each live student's keys
-- from users and the two totals tables), which each trigger reads for its one or two
-- students. SQLite flattens the view into the trigger's statement: the same plan as 0022's
-- (each student read by id, the unary + keeping role and deleted_at off the indexes, each
-- totals row by its key), checked by tests/test_sort_keys.py. The keys kept do not change.
CREATE VIEW student_sort_keys_source AS
SELECT users.id AS user_id, users.full_name AS full_name,
	CASE WHEN coalesce(p.modules, 0) = 0 THEN 0.0 ELSE coalesce(p.completed, 0) * 100.0 / p.modules END AS completion,
	coalesce(s.pending, 0) AS pending,
	coalesce(CASE WHEN p.last_activity_at IS NULL THEN s.last_submitted_at
		WHEN s.last_submitted_at IS NULL THEN p.last_activity_at
		WHEN p.last_activity_at > s.last_submitted_at THEN p.last_activity_at
		ELSE s.last_submitted_at END, '') AS last_activity
FROM users
LEFT JOIN student_progress_totals AS p ON p.user_id = users.id
LEFT JOIN student_submission_totals AS s ON s.user_id = users.id
WHERE +users.role = 'student' AND +users.deleted_at IS NULL;

DROP TRIGGER student_sort_keys_user_insert;
DROP TRIGGER student_sort_keys_user_update;
DROP TRIGGER student_sort_keys_progress_insert;
DROP TRIGGER student_sort_keys_progress_update;
DROP TRIGGER student_sort_keys_progress_delete;
DROP TRIGGER student_sort_keys_submission_insert;
DROP TRIGGER student_sort_keys_submission_update;
DROP TRIGGER student_sort_keys_submission_delete;

CREATE TRIGGER student_sort_keys_user_insert
AFTER INSERT ON users
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (NEW.id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT user_id, full_name, completion, pending, last_activity
	FROM student_sort_keys_source WHERE user_id IN (NEW.id);
END;

CREATE TRIGGER student_sort_keys_user_update
AFTER UPDATE OF id, full_name, role, deleted_at ON users
WHEN OLD.id IS NOT NEW.id OR OLD.full_name IS NOT NEW.full_name OR OLD.role IS NOT NEW.role
	OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.id, NEW.id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT user_id, full_name, completion, pending, last_activity
	FROM student_sort_keys_source WHERE user_id IN (OLD.id, NEW.id);
END;

CREATE TRIGGER student_sort_keys_progress_insert
AFTER INSERT ON student_progress_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (NEW.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT user_id, full_name, completion, pending, last_activity
	FROM student_sort_keys_source WHERE user_id IN (NEW.user_id);
END;

CREATE TRIGGER student_sort_keys_progress_update
AFTER UPDATE ON student_progress_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.user_id, NEW.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT user_id, full_name, completion, pending, last_activity
	FROM student_sort_keys_source WHERE user_id IN (OLD.user_id, NEW.user_id);
END;

CREATE TRIGGER student_sort_keys_progress_delete
AFTER DELETE ON student_progress_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT user_id, full_name, completion, pending, last_activity
	FROM student_sort_keys_source WHERE user_id IN (OLD.user_id);
END;

CREATE TRIGGER student_sort_keys_submission_insert
AFTER INSERT ON student_submission_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (NEW.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT user_id, full_name, completion, pending, last_activity
	FROM student_sort_keys_source WHERE user_id IN (NEW.user_id);
END;

CREATE TRIGGER student_sort_keys_submission_update
AFTER UPDATE ON student_submission_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.user_id, NEW.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT user_id, full_name, completion, pending, last_activity
	FROM student_sort_keys_source WHERE user_id IN (OLD.user_id, NEW.user_id);
END;

CREATE TRIGGER student_sort_keys_submission_delete
AFTER DELETE ON student_submission_totals
BEGIN
	DELETE FROM student_sort_keys WHERE user_id IN (OLD.user_id);
	INSERT INTO student_sort_keys (user_id, full_name, completion, pending, last_activity)
	SELECT user_id, full_name, completion, pending, last_activity
	FROM student_sort_keys_source WHERE user_id IN (OLD.user_id);
END;
