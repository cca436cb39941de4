-- Schema version 13: conversations. Messages get threads, announcement audiences, kept edits
-- and reports; announcements get a per-recipient read state; the composer keeps drafts.

ALTER TABLE messages ADD COLUMN thread_id VARCHAR;

ALTER TABLE messages ADD COLUMN audience VARCHAR;

ALTER TABLE messages ADD COLUMN edited_at DATETIME;

ALTER TABLE messages ADD COLUMN history JSON DEFAULT '[]' NOT NULL;

ALTER TABLE messages ADD COLUMN reported_at DATETIME;

ALTER TABLE messages ADD COLUMN reported_by VARCHAR;

-- every message so far starts its own conversation; every announcement so far was a mentor's
-- to their students
UPDATE messages SET thread_id = id;

UPDATE messages SET audience = 'students' WHERE kind = 'announcement';

CREATE INDEX ix_messages_thread ON messages (thread_id, created_at);

CREATE TABLE message_reads (
	id VARCHAR(36) NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	version INTEGER NOT NULL,
	deleted_at DATETIME,
	message_id VARCHAR NOT NULL,
	user_id VARCHAR NOT NULL,
	read_at DATETIME,
	PRIMARY KEY (id),
	FOREIGN KEY(message_id) REFERENCES messages (id),
	FOREIGN KEY(user_id) REFERENCES users (id)
);

CREATE INDEX ix_message_reads_user_message ON message_reads (user_id, message_id);

-- the inbox's notifications, newest first, a page at a time
CREATE INDEX ix_notifications_user_created ON notifications (user_id, deleted_at, created_at, id, read_at);
