-- 0050: holiday notices loaded at run time (an administrator's upload or
-- `civilflow calendar load`), read by every process sharing the database.
-- Rows are never changed: a corrected notice is a new file with a new version.
CREATE TABLE calendar_files (
    id         INTEGER PRIMARY KEY,
    version    TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    data       BLOB NOT NULL,
    sha256     TEXT NOT NULL,
    loaded_by  TEXT NOT NULL,
    loaded_at  TEXT NOT NULL
);

-- Loaded notices have an audit chain of their own (store.CalendarChain),
-- like the staff directory's entries: no case row stands behind it.
DROP TRIGGER IF EXISTS audit_entries_need_case;
CREATE TRIGGER audit_entries_need_case BEFORE INSERT ON audit_entries
WHEN substr(NEW.case_id, 1, 6) <> 'staff:' AND substr(NEW.case_id, 1, 9) <> 'calendar:'
     AND NOT EXISTS (SELECT 1 FROM cases WHERE id = NEW.case_id)
BEGIN
    SELECT RAISE(ABORT, 'audit entry of an unknown case');
END;
