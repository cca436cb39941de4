-- Revision 0026 (issues 21 and 16): submissions' twelve secondary indexes down to eight. Building
-- them was most of a first snapshot's CPU and of the learning platform bridge's first pass
-- (960,000 submissions on the benchmark store), and each one is written on every submission
-- written. Every read of submissions plans as well without these four
-- (tests/test_submission_plans.py):
--   ix_submissions_reviewer           a prefix of ix_submissions_review_time
--   ix_submissions_status_submitted   ix_submissions_queue (status, deleted_at, submitted_at, ...)
--   ix_submissions_student_status     ix_submissions_student_live (student_id, deleted_at, ...)
--                                     and ix_submissions_attempts (student_id, assignment_id, ...)
--   ix_submissions_assignment_student read by no query; a student's submissions of an
--                                     assignment are found through ix_submissions_attempts
DROP INDEX IF EXISTS ix_submissions_reviewer;

DROP INDEX IF EXISTS ix_submissions_status_submitted;

DROP INDEX IF EXISTS ix_submissions_student_status;

DROP INDEX IF EXISTS ix_submissions_assignment_student;
