-- Revision 0019 (issue 21): each student's progress totals, kept by triggers in the same
-- transaction as the progress rows they sum, whatever writes them (core/writes.py, a sync's
-- pull, the learning platform bridge, the demo builder): the dashboard reads 50,000 rows
-- instead of grouping 400,000. Local and derived: not synced, never journalled, no foreign
-- key; core/people/progress_totals.py rebuilds it and checks it against a full recount.
-- A student has a row while they have a live progress row (modules > 0).
CREATE TABLE student_progress_totals (
	user_id VARCHAR NOT NULL,
	modules INTEGER NOT NULL,
	completed INTEGER NOT NULL,
	last_activity_at DATETIME,
	PRIMARY KEY (user_id)
) WITHOUT ROWID;

-- A new live row adds to its student's totals (no read of module_progress: a bulk load into
-- an empty table, its indexes set aside, stays one lookup per row).
CREATE TRIGGER student_progress_totals_insert AFTER INSERT ON module_progress
WHEN NEW.deleted_at IS NULL
BEGIN
	INSERT INTO student_progress_totals (user_id, modules, completed, last_activity_at)
	VALUES (NEW.user_id, 1, NEW.is_completed <> 0, NEW.last_activity_at)
	ON CONFLICT (user_id) DO UPDATE SET
		modules = modules + 1,
		completed = completed + excluded.completed,
		last_activity_at = CASE
			WHEN excluded.last_activity_at IS NULL THEN last_activity_at
			WHEN last_activity_at IS NULL OR excluded.last_activity_at > last_activity_at
				THEN excluded.last_activity_at
			ELSE last_activity_at
		END;
END;

-- A changed row: its student's totals counted again from their live rows (a handful, read
-- through ix_progress_user_live), and the student it left, if it moved.
CREATE TRIGGER student_progress_totals_update
AFTER UPDATE OF user_id, is_completed, last_activity_at, deleted_at ON module_progress
WHEN OLD.user_id IS NOT NEW.user_id OR OLD.is_completed IS NOT NEW.is_completed
	OR OLD.last_activity_at IS NOT NEW.last_activity_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
	DELETE FROM student_progress_totals WHERE user_id IN (OLD.user_id, NEW.user_id);
	INSERT INTO student_progress_totals (user_id, modules, completed, last_activity_at)
	SELECT user_id, count(*), sum(is_completed <> 0), max(last_activity_at)
	FROM module_progress
	WHERE user_id IN (OLD.user_id, NEW.user_id) AND deleted_at IS NULL
	GROUP BY user_id;
END;

-- A row deleted for good (a purge): its student's totals counted again.
CREATE TRIGGER student_progress_totals_delete AFTER DELETE ON module_progress
BEGIN
	DELETE FROM student_progress_totals WHERE user_id = OLD.user_id;
	INSERT INTO student_progress_totals (user_id, modules, completed, last_activity_at)
	SELECT user_id, count(*), sum(is_completed <> 0), max(last_activity_at)
	FROM module_progress
	WHERE user_id = OLD.user_id AND deleted_at IS NULL
	GROUP BY user_id;
END;

-- The totals of the rows already in the store.
INSERT INTO student_progress_totals (user_id, modules, completed, last_activity_at)
SELECT user_id, count(*), sum(is_completed <> 0), max(last_activity_at)
FROM module_progress
WHERE deleted_at IS NULL
GROUP BY user_id;
