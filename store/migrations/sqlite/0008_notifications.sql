-- 0008: the notification outbox. A message is addressed to a person
-- (subject) or to the pool of a role at an office; people read theirs
-- through the API and, where configured, a webhook receives each once.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    -- caseID:seq:recipient, so a retried transition enqueues nothing twice.
    dedupe_key   TEXT NOT NULL UNIQUE,
    case_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,       -- assigned, returned, urged, decided, due-soon, copied, overdue
    subject      TEXT NOT NULL DEFAULT '', -- a person, or '' for a role pool
    role         TEXT NOT NULL DEFAULT '',
    office       TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    read_at      TEXT,
    delivered_at TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT
);
CREATE INDEX notifications_subject ON notifications (subject, id);
CREATE INDEX notifications_pool    ON notifications (role, office, id) WHERE subject = '';
CREATE INDEX notifications_undelivered ON notifications (next_attempt) WHERE delivered_at IS NULL;
