-- 0016: audit entries that belong to no case. Changes of the staff
-- directory are audited in the same two chains as cases: each person of
-- the directory has a chain of their own, keyed 'staff:<subject>' in
-- case_id, and every change is an entry of the global chain. SQLite cannot
-- drop a foreign key, so the table is rebuilt with the same columns, and
-- what the foreign key guaranteed is kept by triggers: a case's entry needs
-- the case, and a case with entries cannot be deleted.
CREATE TABLE audit_entries_v16 (
    case_id           TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    at                TEXT    NOT NULL,
    actor_subject     TEXT    NOT NULL,
    actor_name        TEXT    NOT NULL,
    role              TEXT    NOT NULL,
    office            TEXT    NOT NULL,
    action            TEXT    NOT NULL,
    outcome           TEXT    NOT NULL,
    stage_from        TEXT    NOT NULL,
    stage_to          TEXT    NOT NULL,
    opinion           TEXT    NOT NULL,
    legal_basis       TEXT    NOT NULL,
    deadline_name     TEXT    NOT NULL DEFAULT '',
    deadline_last_day TEXT    NOT NULL DEFAULT '',
    deadline_state    TEXT    NOT NULL DEFAULT '',
    global_seq        INTEGER,
    case_prev_hash    TEXT,
    hash              TEXT,
    global_prev_hash  TEXT,
    global_hash       TEXT,
    PRIMARY KEY (case_id, seq)
);
INSERT INTO audit_entries_v16 (case_id, seq, at, actor_subject, actor_name, role, office, action, outcome,
    stage_from, stage_to, opinion, legal_basis, deadline_name, deadline_last_day, deadline_state,
    global_seq, case_prev_hash, hash, global_prev_hash, global_hash)
SELECT case_id, seq, at, actor_subject, actor_name, role, office, action, outcome,
    stage_from, stage_to, opinion, legal_basis, deadline_name, deadline_last_day, deadline_state,
    global_seq, case_prev_hash, hash, global_prev_hash, global_hash
FROM audit_entries;
DROP TABLE audit_entries;
ALTER TABLE audit_entries_v16 RENAME TO audit_entries;

CREATE UNIQUE INDEX audit_entries_global ON audit_entries (global_seq);
CREATE INDEX audit_entries_case_chain ON audit_entries (case_id, global_seq);
CREATE INDEX audit_entries_at ON audit_entries (at);
-- 0009's index under a name of its own, so that a database taking 0009
-- after this migration does not find the name taken.
CREATE INDEX audit_entries_actor_v16 ON audit_entries (actor_subject, case_id, action, role);

CREATE TRIGGER audit_entries_need_case BEFORE INSERT ON audit_entries
WHEN substr(NEW.case_id, 1, 6) <> 'staff:' AND NOT EXISTS (SELECT 1 FROM cases WHERE id = NEW.case_id)
BEGIN
    SELECT RAISE(ABORT, 'audit entry of an unknown case');
END;

CREATE TRIGGER cases_keep_audited BEFORE DELETE ON cases
WHEN EXISTS (SELECT 1 FROM audit_entries WHERE case_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a case with audit entries cannot be deleted');
END;
