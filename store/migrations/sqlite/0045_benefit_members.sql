-- 0045: who a benefit is paid for. Every member of a household receiving a
-- benefit has one row per kind of benefit, so the same person cannot be
-- paid the same benefit by two cases (最低生活保障审核确认办法第二十八条):
-- the primary key refuses the second. The members of an assessed case wait
-- in benefits.members until the decision puts the benefit into payment.
ALTER TABLE benefits ADD COLUMN members TEXT NOT NULL DEFAULT '[]';
CREATE TABLE benefit_members (
    benefit    TEXT NOT NULL,
    id_number  TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    PRIMARY KEY (benefit, id_number)
);
CREATE INDEX benefit_members_case ON benefit_members (case_id);
