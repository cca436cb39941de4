-- Schema version 8: covering indexes for the dashboard on a program of 50,000 students.
-- Submissions by time: the newest submissions and who submitted lately, without a pass over
-- every submission.
CREATE INDEX ix_submissions_submitted ON submissions (submitted_at, deleted_at, student_id);

-- A mentor's review decisions (their performance), read from the index alone.
CREATE INDEX ix_submissions_reviewer ON submissions (reviewer_id, deleted_at, status, reviewed_at, submitted_at);

-- The newest module completions and starts. The second is on the expression
-- ``mentor_tui.core.progress`` orders module starts by (the activity's own time when a row was
-- made after the work it records); SQLite uses it only for that exact expression.
CREATE INDEX ix_progress_completed ON module_progress (completed_at);

CREATE INDEX ix_progress_started ON module_progress ((CASE WHEN (last_activity_at IS NOT NULL AND last_activity_at < created_at) THEN last_activity_at ELSE created_at END));

-- The students with no-shows, whose recent attendance the at-risk rule looks at.
CREATE INDEX ix_attendees_no_show ON session_attendees (attendance, deleted_at, student_id);
