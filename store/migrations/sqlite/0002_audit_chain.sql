-- 0002: a tamper-evident audit chain, the statutory period in force at each
-- audit entry, the application form and refusal reasons of a case, and the
-- log of who read a case's personal data.

-- The form as submitted (JSON), so a closed case stays complete after
-- Temporal has deleted its history.
ALTER TABLE cases ADD COLUMN application TEXT;
-- Ids of the grounds of a refusal or non-acceptance (JSON array of strings):
-- failed check ids, or "opinion" for grounds stated by the deciding officer.
ALTER TABLE cases ADD COLUMN reasons TEXT NOT NULL DEFAULT '[]';
-- Supervision views filter by office (a GB/T 2260 prefix range) and period.
CREATE INDEX cases_office ON cases (office, submitted_at);

-- The time limit in force when the entry happened: its name, last day and
-- state (running, suspended, met, overdue, expired), or empty when none was.
ALTER TABLE audit_entries ADD COLUMN deadline_name     TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_entries ADD COLUMN deadline_last_day TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_entries ADD COLUMN deadline_state    TEXT NOT NULL DEFAULT '';

-- Two hash chains over the same rows (SHA-256, lowercase hex):
--   per case: hash covers every field of the entry and case_prev_hash, the
--             hash of the case's previous entry in insertion order;
--   global:   global_seq numbers every entry in insertion order (1, 2, 3…)
--             and global_hash covers global_seq, global_prev_hash (the
--             previous entry's global_hash) and hash.
-- The columns are nullable only because rows written before this migration
-- get them when the store seals them (store.SealLegacyAudit) on first start.
ALTER TABLE audit_entries ADD COLUMN global_seq       INTEGER;
ALTER TABLE audit_entries ADD COLUMN case_prev_hash   TEXT;
ALTER TABLE audit_entries ADD COLUMN hash             TEXT;
ALTER TABLE audit_entries ADD COLUMN global_prev_hash TEXT;
ALTER TABLE audit_entries ADD COLUMN global_hash      TEXT;

-- Entries written before the chain existed are numbered in time order.
UPDATE audit_entries SET global_seq = (
    SELECT n FROM (
        SELECT case_id, seq, ROW_NUMBER() OVER (ORDER BY at, case_id, seq) AS n FROM audit_entries
    ) numbered
    WHERE numbered.case_id = audit_entries.case_id AND numbered.seq = audit_entries.seq
);

CREATE UNIQUE INDEX audit_entries_global ON audit_entries (global_seq);
CREATE INDEX audit_entries_case_chain ON audit_entries (case_id, global_seq);
CREATE INDEX audit_entries_at ON audit_entries (at);

-- Settings of the chain. legacy-through is the last global_seq numbered by
-- this migration: an unsealed row at or below it predates the chain, one
-- above it was inserted behind the store's back.
CREATE TABLE audit_chain_meta (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO audit_chain_meta (name, value)
SELECT 'legacy-through', CAST(COALESCE(MAX(global_seq), 0) AS TEXT) FROM audit_entries;

-- Who read a case's personal data: one row per read by someone who is not a
-- party, and per export. case_id is empty for an export of a range of
-- entries; office is the case's office (or the range's division) so that
-- supervisors see the reads within their jurisdiction.
CREATE TABLE read_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    subject   TEXT NOT NULL,
    name      TEXT NOT NULL,
    roles     TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    office    TEXT NOT NULL,
    operation TEXT NOT NULL,
    fields    TEXT NOT NULL
);
CREATE INDEX read_log_case    ON read_log (case_id, at);
CREATE INDEX read_log_subject ON read_log (subject, at);
CREATE INDEX read_log_office  ON read_log (office, at);
