-- 0007: the staff directory: who holds which role where. Tokens say who a
-- person is; the directory says who else could take a task (transfer,
-- delegate, add a signer) and whether anyone holds a role in a
-- jurisdiction at all (an empty approver sends the task up a level).
CREATE TABLE staff (
    subject  TEXT NOT NULL,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL,
    division TEXT NOT NULL,
    active   INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (subject, role, division)
);
CREATE INDEX staff_holders ON staff (role, division) WHERE active = 1;
