-- Revision 0015: covering indexes for the analytics on a program of 50,000 students (issue 19).
-- Each review time (``mentors.review_seconds``: submitted -> decided, in seconds to the
-- millisecond) is kept in the index, so the per-mentor table and the review turnaround
-- correlation read it instead of parsing two times per decision. SQLite uses an indexed
-- expression only where a query writes exactly the same expression with literal numbers.
-- The first extends ix_submissions_reviewer (kept: dropping it would lose its statistics).
CREATE INDEX ix_submissions_review_time ON submissions (reviewer_id, deleted_at, status, reviewed_at, submitted_at, round((julianday(reviewed_at) - julianday(submitted_at)) * 86400.0, 3));

CREATE INDEX ix_submissions_student_review_time ON submissions (student_id, deleted_at, status, reviewed_at, round((julianday(reviewed_at) - julianday(submitted_at)) * 86400.0, 3));

-- Feedback length vs resubmission success: the work sent back with feedback (its length kept
-- in the index), and the next attempt at the same assignment looked up without the row.
CREATE INDEX ix_submissions_sent_back ON submissions (status, deleted_at, student_id, assignment_id, attempt, length(feedback)) WHERE feedback IS NOT NULL;

CREATE INDEX ix_submissions_attempts ON submissions (student_id, assignment_id, attempt, deleted_at, status);

-- A student's progress rows with every time the program figures read (first activity, last
-- activity, completion, the module for the course). ix_progress_user_live stays: models.py
-- declares it (the server's tables).
CREATE INDEX ix_progress_user_times ON module_progress (user_id, deleted_at, is_completed, last_activity_at, created_at, completed_at, module_id);

-- A mentor's sessions and their attendees' attendance and ratings (sessions held, attendance
-- rate, average rating), read from the indexes alone.
CREATE INDEX ix_sessions_mentor_figures ON mentorship_sessions (mentor_id, deleted_at, status, starts_at, id);

CREATE INDEX ix_attendees_session_figures ON session_attendees (session_id, deleted_at, attendance, rating);

-- Session frequency vs completion: each student's attended sessions, with the session's
-- status and start, from the indexes alone.
CREATE INDEX ix_attendees_attended ON session_attendees (attendance, deleted_at, student_id, session_id);

CREATE INDEX ix_sessions_id_figures ON mentorship_sessions (id, deleted_at, status, starts_at);
