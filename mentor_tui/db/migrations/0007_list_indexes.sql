-- Schema version 7: covering indexes for the students list and its figures, so paging and
-- filtering 50,000 students never visits the table rows, and an index for counting notes.

DROP INDEX ix_users_role_mentor;

CREATE INDEX ix_users_role_mentor ON users (role, mentor_id, deleted_at, full_name, id);

CREATE INDEX ix_users_role_live_name ON users (role, deleted_at, full_name, id, email, status, mentor_id);

CREATE INDEX ix_progress_user_live ON module_progress (user_id, deleted_at, is_completed, last_activity_at);

CREATE INDEX ix_submissions_student_live ON submissions (student_id, deleted_at, status, submitted_at);

CREATE INDEX ix_notes_student ON mentorship_notes (student_id);
