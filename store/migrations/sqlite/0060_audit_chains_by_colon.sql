-- 0060: audit chains that belong to no case are told by a ':' in their
-- key ('staff:<subject>', 'calendar:…', 'account:<username>'): case IDs
-- never contain one. One rule instead of a list of prefixes, so a new
-- kind of chain does not have to rewrite this trigger again.
DROP TRIGGER audit_entries_need_case;
CREATE TRIGGER audit_entries_need_case BEFORE INSERT ON audit_entries
WHEN instr(NEW.case_id, ':') = 0 AND NOT EXISTS (SELECT 1 FROM cases WHERE id = NEW.case_id)
BEGIN
    SELECT RAISE(ABORT, 'audit entry of an unknown case');
END;
