-- Schema version 6: the session calendar's students' availability windows, the once-only log of
-- session reminders, and an index of sessions by start time across mentors.

CREATE TABLE student_availability (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	student_id VARCHAR NOT NULL,
	windows JSON NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (student_id),
	FOREIGN KEY(student_id) REFERENCES users (id)
);

CREATE TABLE session_reminders_sent (
	session_id VARCHAR(36) NOT NULL,
	user_id VARCHAR(36) NOT NULL,
	starts_at DATETIME NOT NULL,
	notification_id VARCHAR,
	sent_at DATETIME NOT NULL,
	PRIMARY KEY (session_id, user_id, starts_at)
);

CREATE INDEX ix_session_reminders_sent_at ON session_reminders_sent (sent_at);

CREATE INDEX ix_sessions_start ON mentorship_sessions (starts_at);
