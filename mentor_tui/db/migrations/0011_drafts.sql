-- Revision 0011: drafts of what a person typed into an editor and has not saved yet (local only).
CREATE TABLE editor_drafts (
	owner_id VARCHAR(36) NOT NULL,
	kind VARCHAR NOT NULL,
	"key" VARCHAR NOT NULL,
	fields JSON NOT NULL,
	saved_at DATETIME NOT NULL,
	PRIMARY KEY (owner_id, kind, "key")
);
