-- 0003: documents issued by any procedure other than marriage and divorce
-- (adoption certificates, registration certificates, decision notices,
-- announcements …), numbered per kind, office and year like certificates.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    holder_id   TEXT NOT NULL, -- resident ID number, credit code, or '' for a public notice
    holder_name TEXT NOT NULL,
    office      TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}', -- kind-specific facts (JSON): amount, scope, …
    -- A retried issuance finds the document it issued before.
    UNIQUE (case_id, kind, holder_id)
);
CREATE INDEX documents_kind ON documents (kind, office, issued_on);

CREATE TABLE document_counters (
    kind   TEXT    NOT NULL,
    office TEXT    NOT NULL,
    year   TEXT    NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (kind, office, year)
);
