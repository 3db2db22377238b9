-- 0005: the roster of monthly cash benefits (低保对象、高龄津贴名册): for
-- each case, the amount in force and from when. The decision, adjustment
-- and stop notices are documents; this row is what payment and the
-- county's publication read, and what a later decision starts from.
CREATE TABLE benefits (
    case_id        TEXT PRIMARY KEY,
    benefit        TEXT NOT NULL,              -- e.g. subsistence-allowance, allowance
    holder_id      TEXT NOT NULL,              -- resident ID number of the applicant
    holder_name    TEXT NOT NULL,
    office         TEXT NOT NULL,
    status         TEXT NOT NULL,              -- assessed, paying, stopped
    monthly_fen    INTEGER NOT NULL,           -- amount in force, in fen (0.01 yuan)
    basis          TEXT NOT NULL DEFAULT '{}', -- how the amount was found (JSON)
    amount_from    TEXT NOT NULL DEFAULT '',   -- first day the amount is paid
    stopped_from   TEXT NOT NULL DEFAULT '',   -- first day nothing is paid any more
    -- A new amount the county stated in a decision whose notice is not
    -- yet issued; NULL when none is pending.
    proposed_fen   INTEGER,
    updated_on     TEXT NOT NULL
);
CREATE INDEX benefits_office ON benefits (office, status);
