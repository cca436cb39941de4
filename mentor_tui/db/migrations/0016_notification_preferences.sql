-- Revision 0016: each person's choice of delivery per kind of notification (issue 17): off,
-- in the app, email at once, a daily or a weekly digest. Synced; one row per person and kind.
CREATE TABLE notification_preferences (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	user_id VARCHAR NOT NULL,
	kind VARCHAR NOT NULL,
	delivery VARCHAR NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT uq_notification_pref_user_kind UNIQUE (user_id, kind),
	FOREIGN KEY(user_id) REFERENCES users (id)
);
