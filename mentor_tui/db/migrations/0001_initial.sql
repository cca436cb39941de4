-- Schema version 1: the first mentor-tui schema. Frozen: never edit, add a migration.

CREATE TABLE audit_log (
	id VARCHAR(36) NOT NULL, 
	actor_id VARCHAR, 
	action VARCHAR NOT NULL, 
	entity VARCHAR NOT NULL, 
	entity_id VARCHAR NOT NULL, 
	at DATETIME NOT NULL, 
	detail JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_audit_actor ON audit_log (actor_id, at);

CREATE INDEX ix_audit_at ON audit_log (at);

CREATE INDEX ix_audit_entity ON audit_log (entity, entity_id);

CREATE TABLE change_journal (
	seq INTEGER NOT NULL, 
	change_id VARCHAR(36) NOT NULL, 
	entity VARCHAR NOT NULL, 
	entity_id VARCHAR NOT NULL, 
	op VARCHAR NOT NULL, 
	base_version INTEGER NOT NULL, 
	fields JSON NOT NULL, 
	actor_id VARCHAR, 
	made_at DATETIME NOT NULL, 
	pushed_at DATETIME, 
	PRIMARY KEY (seq), 
	UNIQUE (change_id)
);

CREATE INDEX ix_journal_pending ON change_journal (pushed_at, seq);

CREATE TABLE courses (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	title VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE settings (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE TABLE users (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	full_name VARCHAR NOT NULL, 
	email VARCHAR NOT NULL, 
	role VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	timezone VARCHAR NOT NULL, 
	mentor_id VARCHAR, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_users_email UNIQUE (email), 
	FOREIGN KEY(mentor_id) REFERENCES users (id)
);

CREATE INDEX ix_users_mentor_name ON users (mentor_id, full_name);

CREATE INDEX ix_users_role_mentor ON users (role, mentor_id);

CREATE INDEX ix_users_role_name ON users (role, full_name);

CREATE TABLE mentor_profiles (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	user_id VARCHAR NOT NULL, 
	expertise JSON NOT NULL, 
	teaching_style VARCHAR NOT NULL, 
	capacity INTEGER NOT NULL, 
	weekly_hours INTEGER NOT NULL, 
	availability JSON NOT NULL, 
	contact_preferences JSON NOT NULL, 
	backup_mentor_id VARCHAR, 
	bio VARCHAR NOT NULL, 
	unavailable_reason VARCHAR, 
	unavailable_until DATE, 
	PRIMARY KEY (id), 
	UNIQUE (user_id), 
	FOREIGN KEY(user_id) REFERENCES users (id), 
	FOREIGN KEY(backup_mentor_id) REFERENCES users (id)
);

CREATE TABLE mentor_specializations (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	mentor_id VARCHAR NOT NULL, 
	specialization VARCHAR NOT NULL, 
	proficiency_level INTEGER NOT NULL, 
	certification_url VARCHAR, 
	verified BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_spec_proficiency CHECK (proficiency_level BETWEEN 1 AND 5), 
	FOREIGN KEY(mentor_id) REFERENCES users (id)
);

CREATE INDEX ix_mentor_specializations_mentor_id ON mentor_specializations (mentor_id);

CREATE TABLE mentorship_sessions (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	mentor_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	starts_at DATETIME NOT NULL, 
	duration_minutes INTEGER NOT NULL, 
	timezone VARCHAR NOT NULL, 
	meeting_link VARCHAR, 
	agenda VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	summary VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(mentor_id) REFERENCES users (id)
);

CREATE INDEX ix_sessions_mentor_start ON mentorship_sessions (mentor_id, starts_at);

CREATE TABLE messages (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	sender_id VARCHAR NOT NULL, 
	recipient_id VARCHAR, 
	kind VARCHAR NOT NULL, 
	body VARCHAR NOT NULL, 
	read_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(sender_id) REFERENCES users (id), 
	FOREIGN KEY(recipient_id) REFERENCES users (id)
);

CREATE INDEX ix_messages_recipient ON messages (recipient_id, created_at);

CREATE INDEX ix_messages_sender ON messages (sender_id, created_at);

CREATE TABLE modules (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	course_id VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	position INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(course_id) REFERENCES courses (id)
);

CREATE INDEX ix_modules_course_id ON modules (course_id);

CREATE TABLE notifications (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	user_id VARCHAR NOT NULL, 
	type VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	message VARCHAR NOT NULL, 
	data JSON NOT NULL, 
	read_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES users (id)
);

CREATE INDEX ix_notifications_user_read ON notifications (user_id, read_at, created_at);

CREATE TABLE session_templates (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	title VARCHAR NOT NULL, 
	agenda VARCHAR NOT NULL, 
	owner_id VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(owner_id) REFERENCES users (id)
);

CREATE TABLE student_profiles (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	user_id VARCHAR NOT NULL, 
	learning_style VARCHAR NOT NULL, 
	needed_skills JSON NOT NULL, 
	goals VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (user_id), 
	FOREIGN KEY(user_id) REFERENCES users (id)
);

CREATE TABLE assignments (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	module_id VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(module_id) REFERENCES modules (id)
);

CREATE INDEX ix_assignments_module_id ON assignments (module_id);

CREATE TABLE mentorship_notes (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	mentor_id VARCHAR NOT NULL, 
	student_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	added_at DATETIME NOT NULL, 
	due_date DATE, 
	done BOOLEAN NOT NULL, 
	session_id VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(mentor_id) REFERENCES users (id), 
	FOREIGN KEY(student_id) REFERENCES users (id), 
	FOREIGN KEY(session_id) REFERENCES mentorship_sessions (id)
);

CREATE INDEX ix_notes_mentor_student_added ON mentorship_notes (mentor_id, student_id, added_at);

CREATE TABLE module_progress (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	user_id VARCHAR NOT NULL, 
	module_id VARCHAR NOT NULL, 
	is_completed BOOLEAN NOT NULL, 
	percent FLOAT NOT NULL, 
	time_spent_minutes INTEGER NOT NULL, 
	quiz_score FLOAT, 
	last_activity_at DATETIME, 
	completed_at DATETIME, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_progress_user_module UNIQUE (user_id, module_id), 
	FOREIGN KEY(user_id) REFERENCES users (id), 
	FOREIGN KEY(module_id) REFERENCES modules (id)
);

CREATE INDEX ix_progress_user_activity ON module_progress (user_id, last_activity_at);

CREATE TABLE session_attendees (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	session_id VARCHAR NOT NULL, 
	student_id VARCHAR NOT NULL, 
	attendance VARCHAR, 
	rating INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_attendee_session_student UNIQUE (session_id, student_id), 
	CONSTRAINT ck_attendee_rating CHECK (rating IS NULL OR rating BETWEEN 1 AND 5), 
	FOREIGN KEY(session_id) REFERENCES mentorship_sessions (id), 
	FOREIGN KEY(student_id) REFERENCES users (id)
);

CREATE INDEX ix_attendees_student ON session_attendees (student_id);

CREATE TABLE submissions (
	id VARCHAR(36) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	deleted_at DATETIME, 
	assignment_id VARCHAR NOT NULL, 
	student_id VARCHAR NOT NULL, 
	content VARCHAR NOT NULL, 
	submitted_at DATETIME NOT NULL, 
	status VARCHAR NOT NULL, 
	feedback VARCHAR, 
	reviewer_id VARCHAR, 
	reviewed_at DATETIME, 
	attempt INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(assignment_id) REFERENCES assignments (id), 
	FOREIGN KEY(student_id) REFERENCES users (id), 
	FOREIGN KEY(reviewer_id) REFERENCES users (id)
);

CREATE INDEX ix_submissions_assignment_student ON submissions (assignment_id, student_id);

CREATE INDEX ix_submissions_status_submitted ON submissions (status, submitted_at);

CREATE INDEX ix_submissions_student_status ON submissions (student_id, status, submitted_at);
