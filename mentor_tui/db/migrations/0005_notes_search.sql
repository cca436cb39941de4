-- Schema version 5: note search scoped to each note's author, in any script.
--
-- notes_fts is rebuilt with a second column, owner: the author's token, three private-use
-- characters (U+F0000 to U+F0FFF) that spell the author's number in notes_owner_codes (numbered
-- as authors first write notes, so no two authors share a token). Nobody types them and every
-- tokenizer keeps them whole. A search ANDs its terms with the actor's token, so FTS5 itself
-- walks only that mentor's notes, however many notes the store holds. Tombstoned notes index
-- as empty text. What the indexes hold is defined once, by the views below; the triggers copy
-- rows through them (BEFORE a change to remove what was indexed, AFTER it to index the new
-- row), so an index never disagrees with its view.
--
-- unicode61 splits words at spaces and punctuation. A run of Chinese, Japanese, Thai or Khmer
-- has no spaces, so it is one token, and emoji are no tokens at all. Live notes holding such
-- characters (or ESC, whose pasted escape sequences glue words together) are also indexed by
-- trigrams in notes_grams, with the same owner column, so any substring can be found. Their
-- text gets two newlines appended so that every character starts a trigram: a term of one or
-- two characters is looked up as the trigrams it begins (notes_grams_terms). The characters
-- that send a note there are one GLOB pattern, kept in notes_grams_pattern.

DROP TRIGGER notes_fts_ai;
DROP TRIGGER notes_fts_ad;
DROP TRIGGER notes_fts_au;
DROP TABLE notes_fts;

CREATE TABLE notes_owner_codes (
    code INTEGER PRIMARY KEY,
    mentor_id TEXT NOT NULL UNIQUE
);

INSERT INTO notes_owner_codes (mentor_id)
SELECT DISTINCT mentor_id FROM mentorship_notes ORDER BY mentor_id;

CREATE VIEW notes_owner AS
SELECT
    mentor_id,
    char(
        0xF0000 + ((code >> 24) & 4095),
        0xF0000 + ((code >> 12) & 4095),
        0xF0000 + (code & 4095)
    ) AS owner
FROM notes_owner_codes;

-- No conflict clause here: it would give way to an outer INSERT OR REPLACE's and renumber.
CREATE TRIGGER notes_owner_bi BEFORE INSERT ON mentorship_notes BEGIN
    INSERT INTO notes_owner_codes (mentor_id)
    SELECT new.mentor_id
    WHERE NOT EXISTS (SELECT 1 FROM notes_owner_codes WHERE mentor_id = new.mentor_id);
END;

CREATE TRIGGER notes_owner_bu BEFORE UPDATE OF mentor_id ON mentorship_notes BEGIN
    INSERT INTO notes_owner_codes (mentor_id)
    SELECT new.mentor_id
    WHERE NOT EXISTS (SELECT 1 FROM notes_owner_codes WHERE mentor_id = new.mentor_id);
END;

CREATE VIEW notes_fts_source AS
SELECT
    n.rowid AS rid,
    CASE WHEN n.deleted_at IS NULL THEN n.note ELSE '' END AS note,
    (SELECT owner FROM notes_owner WHERE mentor_id = n.mentor_id) AS owner
FROM mentorship_notes AS n;

CREATE VIRTUAL TABLE notes_fts USING fts5(
    note,
    owner,
    content='notes_fts_source',
    content_rowid='rid',
    tokenize='unicode61 remove_diacritics 2',
    prefix='1 2 3'
);

CREATE TRIGGER notes_fts_ai AFTER INSERT ON mentorship_notes BEGIN
    INSERT INTO notes_fts(rowid, note, owner)
    SELECT rid, note, owner FROM notes_fts_source WHERE rid = new.rowid;
END;

CREATE TRIGGER notes_fts_bd BEFORE DELETE ON mentorship_notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, note, owner)
    SELECT 'delete', rid, note, owner FROM notes_fts_source WHERE rid = old.rowid;
END;

CREATE TRIGGER notes_fts_bu BEFORE UPDATE OF note, deleted_at, mentor_id ON mentorship_notes
BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, note, owner)
    SELECT 'delete', rid, note, owner FROM notes_fts_source WHERE rid = old.rowid;
END;

CREATE TRIGGER notes_fts_au AFTER UPDATE OF note, deleted_at, mentor_id ON mentorship_notes
BEGIN
    INSERT INTO notes_fts(rowid, note, owner)
    SELECT rid, note, owner FROM notes_fts_source WHERE rid = new.rowid;
END;

INSERT INTO notes_fts(notes_fts) VALUES ('rebuild');

CREATE TABLE notes_grams_pattern (
    glob TEXT NOT NULL
);

INSERT INTO notes_grams_pattern (glob) VALUES (
    '*['
    || char(0x1B)                               -- ESC
    || char(0x0E00) || '-' || char(0x0EFF)      -- Thai, Lao
    || char(0x1000) || '-' || char(0x109F)      -- Myanmar
    || char(0x1100) || '-' || char(0x11FF)      -- Hangul Jamo
    || char(0x1780) || '-' || char(0x17FF)      -- Khmer
    || char(0x2600) || '-' || char(0x27BF)      -- symbols and dingbats (older emoji)
    || char(0x2E80) || '-' || char(0x2FDF)      -- CJK and Kangxi radicals
    || char(0x3040) || '-' || char(0x30FF)      -- Hiragana, Katakana
    || char(0x3100) || '-' || char(0x31FF)      -- Bopomofo, Hangul compatibility Jamo, strokes
    || char(0x3400) || '-' || char(0x4DBF)      -- CJK extension A
    || char(0x4E00) || '-' || char(0x9FFF)      -- CJK unified ideographs
    || char(0xA960) || '-' || char(0xA97F)      -- Hangul Jamo extended A
    || char(0xAC00) || '-' || char(0xD7FF)      -- Hangul syllables, Jamo extended B
    || char(0xF900) || '-' || char(0xFAFF)      -- CJK compatibility ideographs
    || char(0xFF66) || '-' || char(0xFF9F)      -- halfwidth Katakana
    || char(0x1F000) || '-' || char(0x1FAFF)    -- emoji and pictographs
    || char(0x20000) || '-' || char(0x3FFFF)    -- CJK extensions B and later
    || ']*'
);

CREATE VIEW notes_grams_source AS
SELECT
    n.rowid AS rid,
    n.note || char(10, 10) AS note,
    (SELECT owner FROM notes_owner WHERE mentor_id = n.mentor_id) AS owner
FROM mentorship_notes AS n
WHERE n.deleted_at IS NULL
    -- ESC, or some character beyond ASCII (a cheap test that spares ASCII text the GLOB)
    AND (instr(n.note, char(27)) > 0 OR length(n.note) < length(CAST(n.note AS BLOB)))
    AND n.note GLOB (SELECT glob FROM notes_grams_pattern);

CREATE VIRTUAL TABLE notes_grams USING fts5(
    note,
    owner,
    content='',
    tokenize='trigram'
);

CREATE VIRTUAL TABLE notes_grams_terms USING fts5vocab(notes_grams, 'col');

CREATE TRIGGER notes_grams_ai AFTER INSERT ON mentorship_notes BEGIN
    INSERT INTO notes_grams(rowid, note, owner)
    SELECT rid, note, owner FROM notes_grams_source WHERE rid = new.rowid;
END;

CREATE TRIGGER notes_grams_bd BEFORE DELETE ON mentorship_notes BEGIN
    INSERT INTO notes_grams(notes_grams, rowid, note, owner)
    SELECT 'delete', rid, note, owner FROM notes_grams_source WHERE rid = old.rowid;
END;

CREATE TRIGGER notes_grams_bu BEFORE UPDATE OF note, deleted_at, mentor_id ON mentorship_notes
BEGIN
    INSERT INTO notes_grams(notes_grams, rowid, note, owner)
    SELECT 'delete', rid, note, owner FROM notes_grams_source WHERE rid = old.rowid;
END;

CREATE TRIGGER notes_grams_au AFTER UPDATE OF note, deleted_at, mentor_id ON mentorship_notes
BEGIN
    INSERT INTO notes_grams(rowid, note, owner)
    SELECT rid, note, owner FROM notes_grams_source WHERE rid = new.rowid;
END;

INSERT INTO notes_grams(rowid, note, owner) SELECT rid, note, owner FROM notes_grams_source;
