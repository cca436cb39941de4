-- Revision 0017: enrollments (a student in a course), synced; from the learning platform's
-- enrollments table or an imported enrollment record.
CREATE TABLE enrollments (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	user_id VARCHAR NOT NULL,
	course_id VARCHAR NOT NULL,
	enrolled_at DATETIME,
	completed_at DATETIME,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES users (id),
	FOREIGN KEY(course_id) REFERENCES courses (id)
);

CREATE INDEX ix_enrollments_user_course ON enrollments (user_id, course_id);
CREATE INDEX ix_enrollments_course_id ON enrollments (course_id);
