-- 0024: the legal representative's ID number, so that the registry can
-- tell whether a person already represents another organization
-- (社会团体登记管理条例第十二条第三款; 基金会管理条例第二十三条第一款).
-- Organizations registered before it keep '' and are found by no look-up.
ALTER TABLE organizations ADD COLUMN legal_representative_id TEXT NOT NULL DEFAULT '';
CREATE INDEX organizations_representative ON organizations (legal_representative_id, status) WHERE legal_representative_id <> '';
