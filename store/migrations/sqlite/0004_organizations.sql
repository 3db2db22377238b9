-- 0004: the registry of social organizations (社会团体, 社会服务机构, 基金会):
-- one row per registered organization, identified by its unified social
-- credit code (统一社会信用代码, GB 32100), and the sequence behind the
-- organization part of those codes.
CREATE TABLE organizations (
    id                   INTEGER PRIMARY KEY,
    unified_code         TEXT    NOT NULL UNIQUE,
    name                 TEXT    NOT NULL,
    variant              TEXT    NOT NULL CHECK (variant IN ('social-group', 'social-service-organization', 'foundation')),
    -- Field of activity (业务领域): what "same or similar scope" is judged on.
    field                TEXT    NOT NULL,
    -- Business scope (业务范围) as registered.
    scope                TEXT    NOT NULL,
    -- Division code of the area of activity: the registering office's.
    area                 TEXT    NOT NULL,
    domicile             TEXT    NOT NULL,
    legal_representative TEXT    NOT NULL,
    -- '' for an organization registered directly, without a sponsoring unit.
    sponsoring_unit      TEXT    NOT NULL,
    funds                INTEGER NOT NULL, -- RMB yuan
    registered_on        TEXT    NOT NULL,
    -- A retried registration finds the organization it registered before.
    case_id              TEXT    NOT NULL UNIQUE,
    status               TEXT    NOT NULL CHECK (status IN ('registered', 'cancelled', 'revoked'))
);

-- The same-or-similar-scope look-up reads one variant's registered
-- organizations in one area.
CREATE INDEX organizations_area ON organizations (area, variant, status);

-- No two registered organizations of one area share a name, however
-- concurrent registrations race.
CREATE UNIQUE INDEX organizations_name ON organizations (area, name) WHERE status = 'registered';

-- The sequence behind the organization part (主体标识码) of unified codes;
-- one row, since that part must be unique nationwide.
CREATE TABLE organization_code_counters (
    scope TEXT    NOT NULL PRIMARY KEY,
    last  INTEGER NOT NULL
);
