-- Revision 0020: two covering indexes for the program report and the per-mentor table on a
-- program of 50,000 students (issue 19).
-- A mentor's live students with their status: the per-mentor student figures, completion by
-- mentor and the figures by specialization read the students of each mentor from the index
-- alone (ix_users_role_mentor lacks the status, so each student's row was read).
CREATE INDEX ix_users_role_mentor_status ON users (role, mentor_id, deleted_at, id, status);

-- A student's submissions with their review time and their submission time: the program
-- report's one pass over them (the last submission for retention, the mean review time for
-- the review turnaround) reads the index alone. It replaces revision 0015's
-- ix_submissions_student_review_time, the same columns in the same order without the last.
DROP INDEX ix_submissions_student_review_time;

CREATE INDEX ix_submissions_student_review_time ON submissions (student_id, deleted_at, status, reviewed_at, round((julianday(reviewed_at) - julianday(submitted_at)) * 86400.0, 3), submitted_at);
