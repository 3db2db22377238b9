-- 0017: at most one open case per key. A procedure that allows the same
-- applicants only one open application at a time (one marriage
-- registration per couple) gives its cases a key naming the procedure and
-- the applicants; the partial unique index makes the database refuse a
-- second open case with that key, whichever process writes it, and lets
-- the key go when the case closes. Cases without a key (NULL), among them
-- every case from before this migration, are not limited.
ALTER TABLE cases ADD COLUMN open_key TEXT;
CREATE UNIQUE INDEX cases_one_open ON cases (open_key) WHERE status = 'open' AND open_key IS NOT NULL;
