-- Revision 0014: students as first-class users (issue 20).
-- A mentor who takes a student's booking at once, without a request to accept.
ALTER TABLE mentor_profiles ADD COLUMN auto_accept_bookings BOOLEAN DEFAULT 0 NOT NULL;

-- A student's request for feedback on a submission, and when they read the feedback given.
ALTER TABLE submissions ADD COLUMN feedback_requested_at DATETIME;
ALTER TABLE submissions ADD COLUMN feedback_request VARCHAR;
ALTER TABLE submissions ADD COLUMN feedback_seen_at DATETIME;

-- Why a mentor declined a student's booking request.
ALTER TABLE mentorship_sessions ADD COLUMN decline_reason VARCHAR DEFAULT '' NOT NULL;

-- The student's words with their rating of a session.
ALTER TABLE session_attendees ADD COLUMN rating_comment VARCHAR;

-- The review queue reads the (few) submissions with a feedback request first.
CREATE INDEX ix_submissions_feedback_requested ON submissions (feedback_requested_at);
