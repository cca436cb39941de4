-- Schema version 4: the review workflow: comment bank (synced), reminder log (local), queue index.

CREATE TABLE comment_snippets (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	owner_id VARCHAR NOT NULL,
	title VARCHAR NOT NULL,
	body VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(owner_id) REFERENCES users (id)
);

CREATE INDEX ix_comment_snippets_owner_title ON comment_snippets (owner_id, title);

CREATE TABLE review_reminders (
	submission_id VARCHAR(36) NOT NULL,
	threshold VARCHAR NOT NULL,
	recipient_id VARCHAR,
	notification_id VARCHAR,
	logged_at DATETIME NOT NULL,
	PRIMARY KEY (submission_id, threshold)
);

CREATE INDEX ix_submissions_queue ON submissions (status, deleted_at, submitted_at, id, student_id, assignment_id);
