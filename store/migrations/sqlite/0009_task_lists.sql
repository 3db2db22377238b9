-- 0009: the registrar's lists: who holds a case's current task, whom the
-- case was copied to (抄送), and the cases a person acted on.

-- The person holding the current task, '' while it waits in its role's
-- pool. A claimed task leaves the pool, so only its holder still has it to
-- do. Written after the summary of each transition (store.SetTaskState).
ALTER TABLE cases ADD COLUMN task_holder TEXT NOT NULL DEFAULT '';

-- The to-do pool: open tasks of a role within a jurisdiction that nobody
-- holds. One index per jurisdiction level (as for the inbox of 0001) and
-- per sort, deadline or submission, so a page is read in order and stops
-- after LIMIT rows. task_holder comes right after the jurisdiction: with
-- task_holder = '' the query constrains one column more than any inbox
-- index of 0001, so the planner picks these. The filter columns come last
-- so that filtering and counting read the index alone, never the table.
CREATE INDEX cases_todo_all_due            ON cases (waiting_role, task_holder, due_order, submitted_at, id, procedure_id, stage, office, title)
    WHERE status = 'open';
CREATE INDEX cases_todo_province_due       ON cases (waiting_role, waiting_province, task_holder, due_order, submitted_at, id, procedure_id, stage, office, title)
    WHERE status = 'open';
CREATE INDEX cases_todo_city_due           ON cases (waiting_role, waiting_city, task_holder, due_order, submitted_at, id, procedure_id, stage, office, title)
    WHERE status = 'open';
CREATE INDEX cases_todo_office_due         ON cases (waiting_role, waiting_office, task_holder, due_order, submitted_at, id, procedure_id, stage, office, title)
    WHERE status = 'open';
CREATE INDEX cases_todo_all_submitted      ON cases (waiting_role, task_holder, submitted_at, id, due_order, procedure_id, stage, office, title)
    WHERE status = 'open';
CREATE INDEX cases_todo_province_submitted ON cases (waiting_role, waiting_province, task_holder, submitted_at, id, due_order, procedure_id, stage, office, title)
    WHERE status = 'open';
CREATE INDEX cases_todo_city_submitted     ON cases (waiting_role, waiting_city, task_holder, submitted_at, id, due_order, procedure_id, stage, office, title)
    WHERE status = 'open';
CREATE INDEX cases_todo_office_submitted   ON cases (waiting_role, waiting_office, task_holder, submitted_at, id, due_order, procedure_id, stage, office, title)
    WHERE status = 'open';

-- Tasks someone holds: few per person, so one index serves both sorts.
CREATE INDEX cases_held ON cases (task_holder, due_order, submitted_at, id)
    WHERE status = 'open' AND task_holder <> '';

-- The people a case was copied to: they may read it and find it in their
-- "copied to me" list. Rewritten with the task holder at each transition.
CREATE TABLE case_readers (
    case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    subject   TEXT NOT NULL,
    name      TEXT NOT NULL,
    copied_by TEXT NOT NULL,
    copied_at TEXT NOT NULL,
    PRIMARY KEY (case_id, subject)
);
CREATE INDEX case_readers_subject ON case_readers (subject, case_id);

-- "Done": the cases a person acted on, found from their audit entries; the
-- action and role are in the index so excluding claims and a party's own
-- entries reads no table rows.
CREATE INDEX audit_entries_actor ON audit_entries (actor_subject, case_id, action, role);

-- Cases recorded before this migration take their holder and readers from
-- their last state snapshot, so a task claimed before the upgrade does not
-- fall back into the pool until its next transition.
UPDATE cases SET task_holder = COALESCE(json_extract(state, '$.assignment.holder'), '')
WHERE status = 'open' AND state IS NOT NULL AND json_valid(state);
INSERT OR IGNORE INTO case_readers (case_id, subject, name, copied_by, copied_at)
SELECT c.id, json_extract(r.value, '$.subject'), COALESCE(json_extract(r.value, '$.name'), ''),
       COALESCE(json_extract(r.value, '$.by'), ''), COALESCE(json_extract(r.value, '$.at'), c.updated_at)
FROM cases c, json_each(c.state, '$.readers') r
WHERE c.state IS NOT NULL AND json_valid(c.state) AND json_type(c.state, '$.readers') = 'array'
  AND COALESCE(json_extract(r.value, '$.subject'), '') <> '';
