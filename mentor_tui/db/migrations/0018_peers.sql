-- Revision 0018: peer mentorship (issue 20): certified peer mentors, their reviews, study groups
-- and their members; a group session names its group.

ALTER TABLE mentorship_sessions ADD COLUMN group_id VARCHAR;

CREATE TABLE peer_mentors (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	student_id VARCHAR NOT NULL,
	certified_by VARCHAR,
	certified_at DATETIME NOT NULL,
	capacity INTEGER NOT NULL,
	course_id VARCHAR,
	completion FLOAT NOT NULL,
	quiz_average FLOAT,
	skills JSON NOT NULL,
	revoked_at DATETIME,
	revoked_by VARCHAR,
	PRIMARY KEY (id),
	FOREIGN KEY(student_id) REFERENCES users (id),
	FOREIGN KEY(certified_by) REFERENCES users (id),
	FOREIGN KEY(course_id) REFERENCES courses (id),
	FOREIGN KEY(revoked_by) REFERENCES users (id)
);

CREATE INDEX ix_peer_mentors_student_id ON peer_mentors (student_id);

CREATE TABLE study_groups (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	mentor_id VARCHAR NOT NULL,
	name VARCHAR NOT NULL,
	facilitator_id VARCHAR,
	PRIMARY KEY (id),
	FOREIGN KEY(mentor_id) REFERENCES users (id),
	FOREIGN KEY(facilitator_id) REFERENCES users (id)
);

CREATE INDEX ix_study_groups_mentor_id ON study_groups (mentor_id);

CREATE TABLE study_group_members (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	group_id VARCHAR NOT NULL,
	student_id VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(group_id) REFERENCES study_groups (id),
	FOREIGN KEY(student_id) REFERENCES users (id)
);

CREATE INDEX ix_study_group_members_group ON study_group_members (group_id, student_id);

CREATE INDEX ix_study_group_members_student_id ON study_group_members (student_id);

CREATE TABLE peer_reviews (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	submission_id VARCHAR NOT NULL,
	reviewer_id VARCHAR NOT NULL,
	verdict VARCHAR NOT NULL,
	feedback VARCHAR NOT NULL,
	outcome VARCHAR NOT NULL,
	decided_by VARCHAR,
	decided_at DATETIME,
	PRIMARY KEY (id),
	FOREIGN KEY(submission_id) REFERENCES submissions (id),
	FOREIGN KEY(reviewer_id) REFERENCES users (id),
	FOREIGN KEY(decided_by) REFERENCES users (id)
);

CREATE INDEX ix_peer_reviews_reviewer_id ON peer_reviews (reviewer_id);

CREATE INDEX ix_peer_reviews_submission_id ON peer_reviews (submission_id);

