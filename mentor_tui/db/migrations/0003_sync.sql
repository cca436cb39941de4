-- Schema version 3: sync bookkeeping (the link to a server, open conflicts) and an index of the
-- change journal by row, so "does this row have unpushed local changes?" is one index probe.

CREATE TABLE sync_state (
	id INTEGER NOT NULL,
	client_id VARCHAR(36) NOT NULL,
	server_url VARCHAR,
	server_id VARCHAR,
	account_id VARCHAR,
	account_email VARCHAR,
	position INTEGER NOT NULL,
	snapshot_position INTEGER,
	snapshot_table VARCHAR,
	snapshot_after VARCHAR,
	snapshot_done BOOLEAN NOT NULL,
	adopted_at DATETIME,
	last_sync_at DATETIME,
	last_error VARCHAR,
	PRIMARY KEY (id),
	CONSTRAINT ck_sync_state_single_row CHECK (id = 1)
);

CREATE TABLE sync_conflicts (
	id VARCHAR(36) NOT NULL,
	entity VARCHAR NOT NULL,
	entity_id VARCHAR NOT NULL,
	kind VARCHAR NOT NULL,
	change_id VARCHAR,
	fields JSON NOT NULL,
	message VARCHAR NOT NULL,
	created_at DATETIME NOT NULL,
	resolved_at DATETIME,
	resolution VARCHAR,
	PRIMARY KEY (id)
);

CREATE INDEX ix_sync_conflicts_open ON sync_conflicts (resolved_at, created_at);

CREATE INDEX ix_journal_row ON change_journal (entity, entity_id, seq);
