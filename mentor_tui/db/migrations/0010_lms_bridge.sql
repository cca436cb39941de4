-- Revision 0010: the learning platform bridge's bookkeeping (mentor_tui/lms/).
-- lms_rows: every platform row taken in (or written out): the mentor-tui row it is, the digest
-- of its values as last read from the platform, the mentor-tui row's version then (a higher
-- version now means a change made here that the next pass writes out) and, for the fields the
-- bridge writes back, their values then (JSON: what both sides started from).
CREATE TABLE lms_rows (
    entity TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    local_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    local_version INTEGER NOT NULL,
    base TEXT,
    PRIMARY KEY (entity, platform_id)
);

CREATE INDEX ix_lms_rows_local ON lms_rows (entity, local_id);

-- lms_cursors: per platform table with updated_at, the newest updated_at taken in.
CREATE TABLE lms_cursors (
    entity TEXT PRIMARY KEY,
    updated_at TEXT NOT NULL
);
