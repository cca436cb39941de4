-- Revision 0012: people and settings.
-- Dated exceptions to the weekly availability windows (whole days off, in the owner's zone).
ALTER TABLE mentor_profiles ADD COLUMN availability_exceptions JSON DEFAULT '[]' NOT NULL;

ALTER TABLE student_availability ADD COLUMN exceptions JSON DEFAULT '[]' NOT NULL;

-- The day a student graduated ("Passed out / Completed").
ALTER TABLE student_profiles ADD COLUMN graduated_on DATE;

-- The program's settings, synced: one row per key, its value in JSON.
CREATE TABLE program_settings (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	"key" VARCHAR NOT NULL,
	value VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE ("key")
);

-- Temporary substitution: a mentor away for a while, their students with substitutes.
CREATE TABLE mentor_absences (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	mentor_id VARCHAR NOT NULL,
	starts_on DATE NOT NULL,
	ends_on DATE,
	reason VARCHAR NOT NULL,
	state VARCHAR NOT NULL,
	moves JSON NOT NULL,
	kept JSON NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(mentor_id) REFERENCES users (id)
);

CREATE INDEX ix_mentor_absences_mentor_id ON mentor_absences (mentor_id);
