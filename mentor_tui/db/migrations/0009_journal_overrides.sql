-- Schema version 9: a journaled change may carry what it overrides on purpose (an admin's
-- forced assignment over a mentor's capacity: ["capacity"]), so the sync server allows it.
ALTER TABLE change_journal ADD COLUMN overrides JSON;
