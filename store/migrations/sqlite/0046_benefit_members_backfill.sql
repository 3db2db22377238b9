-- 0046: benefits already being paid when 0045 came in put their holder on
-- benefit_members (their household was not recorded), so a new case cannot
-- pay the same person the same benefit again. Where two such cases pay one
-- holder, the first keeps the row; the other is for the office to resolve.
INSERT INTO benefit_members (benefit, id_number, case_id)
SELECT benefit, holder_id, MIN(case_id) FROM benefits WHERE status = 'paying' GROUP BY benefit, holder_id
ON CONFLICT (benefit, id_number) DO NOTHING;
