-- 0001: case read model, audit trail, case-ID sequences, idempotency keys and
-- the civil registry. Timestamps are RFC 3339 UTC text with nine fractional
-- digits, so text order is time order; dates are YYYY-MM-DD text.

-- One summary row per case, rewritten at every transition (highest seq wins).
CREATE TABLE cases (
    id                TEXT    NOT NULL PRIMARY KEY,
    procedure_id      TEXT    NOT NULL,
    procedure_version INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    office            TEXT    NOT NULL,
    submitter         TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    stage             TEXT    NOT NULL,
    stage_title       TEXT    NOT NULL,
    outcome           TEXT    NOT NULL,
    waiting_role      TEXT    NOT NULL,
    waiting_office    TEXT    NOT NULL,
    -- Prefixes of waiting_office (PP and PPCC) so that a province or city
    -- grant is an indexed equality match instead of a LIKE whose index use
    -- depends on collation settings that differ between databases.
    waiting_province  TEXT    NOT NULL,
    waiting_city      TEXT    NOT NULL,
    due_at            TEXT,
    -- due_at, or a far-future sentinel when there is no deadline, so that
    -- "nearest deadline first, none last" is a plain ascending index order
    -- in every database (NULL placement differs between them).
    due_order         TEXT    NOT NULL,
    submitted_at      TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    state             TEXT
);

-- Inbox look-ups only ever concern open cases; partial indexes keep them small
-- while closed cases accumulate for decades. Queries must spell the predicate
-- status = 'open' literally for the planner to pick these. One index per
-- jurisdiction level, each ending in the inbox order, so a page is read in
-- order and stops after LIMIT rows instead of sorting every match.
CREATE INDEX cases_inbox_all      ON cases (waiting_role, due_order, submitted_at, id)                   WHERE status = 'open';
CREATE INDEX cases_inbox_province ON cases (waiting_role, waiting_province, due_order, submitted_at, id) WHERE status = 'open';
CREATE INDEX cases_inbox_city     ON cases (waiting_role, waiting_city, due_order, submitted_at, id)     WHERE status = 'open';
CREATE INDEX cases_inbox_office   ON cases (waiting_role, waiting_office, due_order, submitted_at, id)   WHERE status = 'open';
CREATE INDEX cases_submitter      ON cases (submitter, submitted_at);

-- Parties of a case (resident ID numbers), in the order the case lists them.
CREATE TABLE case_parties (
    case_id  TEXT    NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    subject  TEXT    NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (case_id, subject)
);
CREATE INDEX case_parties_subject ON case_parties (subject, case_id);

-- Audit trail: one row per recorded action; (case_id, seq) makes retried
-- writes insert nothing twice.
CREATE TABLE audit_entries (
    case_id       TEXT    NOT NULL REFERENCES cases (id) ON DELETE RESTRICT,
    seq           INTEGER NOT NULL,
    at            TEXT    NOT NULL,
    actor_subject TEXT    NOT NULL,
    actor_name    TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    office        TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    outcome       TEXT    NOT NULL,
    stage_from    TEXT    NOT NULL,
    stage_to      TEXT    NOT NULL,
    opinion       TEXT    NOT NULL,
    legal_basis   TEXT    NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- Per-prefix counters behind human-readable case IDs.
CREATE TABLE case_id_counters (
    prefix TEXT    NOT NULL PRIMARY KEY,
    last   INTEGER NOT NULL
);

-- Idempotency keys, scoped to the subject that sent them.
CREATE TABLE idempotency_keys (
    subject      TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (subject, key)
);

-- Civil registry.
CREATE TABLE persons (
    id_number      TEXT NOT NULL PRIMARY KEY,
    name           TEXT NOT NULL,
    sex            TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    marital_status TEXT NOT NULL CHECK (marital_status IN ('unmarried', 'married', 'divorced', 'widowed')),
    updated_at     TEXT NOT NULL
);

CREATE TABLE marriages (
    id                INTEGER PRIMARY KEY,
    spouse_a          TEXT NOT NULL REFERENCES persons (id_number),
    spouse_b          TEXT NOT NULL REFERENCES persons (id_number),
    registered_on     TEXT NOT NULL,
    office            TEXT NOT NULL,
    case_id           TEXT NOT NULL UNIQUE,
    dissolved_on      TEXT,
    dissolved_by_case TEXT,
    dissolution_note  TEXT NOT NULL DEFAULT '',
    CHECK (spouse_a <> spouse_b)
);
CREATE INDEX marriages_dissolved_by_case ON marriages (dissolved_by_case);

-- One row per spouse of each marriage. The partial unique index is the
-- database's own guarantee that nobody has two active marriages, whatever
-- the callers race.
CREATE TABLE marriage_spouses (
    marriage_id INTEGER NOT NULL REFERENCES marriages (id),
    id_number   TEXT    NOT NULL REFERENCES persons (id_number),
    active      INTEGER NOT NULL CHECK (active IN (0, 1)),
    PRIMARY KEY (marriage_id, id_number)
);
CREATE UNIQUE INDEX marriage_spouses_one_active ON marriage_spouses (id_number) WHERE active = 1;

CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('marriage-certificate', 'divorce-certificate')),
    case_id          TEXT NOT NULL,
    holder_id_number TEXT NOT NULL REFERENCES persons (id_number),
    holder_name      TEXT NOT NULL,
    office           TEXT NOT NULL,
    issued_on        TEXT NOT NULL,
    UNIQUE (case_id, kind, holder_id_number)
);

-- Per-(kind, office, year) counters behind certificate numbers.
CREATE TABLE certificate_counters (
    kind   TEXT    NOT NULL,
    office TEXT    NOT NULL,
    year   TEXT    NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (kind, office, year)
);
