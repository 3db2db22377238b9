-- 0010: the to-do lists (0009) replaced the pool-only inbox; its four
-- indexes would only slow every write of a case.
DROP INDEX IF EXISTS cases_inbox_all;
DROP INDEX IF EXISTS cases_inbox_province;
DROP INDEX IF EXISTS cases_inbox_city;
DROP INDEX IF EXISTS cases_inbox_office;
