-- Schema version 2: an FTS5 index over mentorship notes (external content, kept by triggers).

CREATE VIRTUAL TABLE notes_fts USING fts5(
    note,
    content='mentorship_notes',
    content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2',
    prefix='2 3'
);

CREATE TRIGGER notes_fts_ai AFTER INSERT ON mentorship_notes BEGIN
    INSERT INTO notes_fts(rowid, note) VALUES (new.rowid, new.note);
END;

CREATE TRIGGER notes_fts_ad AFTER DELETE ON mentorship_notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, note) VALUES ('delete', old.rowid, old.note);
END;

CREATE TRIGGER notes_fts_au AFTER UPDATE OF note ON mentorship_notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, note) VALUES ('delete', old.rowid, old.note);
    INSERT INTO notes_fts(rowid, note) VALUES (new.rowid, new.note);
END;

INSERT INTO notes_fts(notes_fts) VALUES ('rebuild');
