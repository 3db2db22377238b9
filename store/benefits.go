package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Statuses of a benefit on the roster.
const (
	// BenefitAssessed: a means test found the amount; nothing is decided yet.
	BenefitAssessed = "assessed"
	// BenefitPaying: approved and paid monthly.
	BenefitPaying = "paying"
	// BenefitStopped: payment ended (停发).
	BenefitStopped = "stopped"
)

// Benefit is a case's row of the roster of monthly cash benefits: the
// amount in force and from when. Amounts are in fen (0.01 yuan) so sums are
// exact; dates are YYYY-MM-DD.
type Benefit struct {
	CaseID      string
	Benefit     string // the kind of benefit, e.g. subsistence-allowance
	HolderID    string // resident ID number of the applicant
	HolderName  string
	Office      string
	Status      string // one of the Benefit* statuses
	MonthlyFen  int64
	Basis       json.RawMessage // how the amount was found
	AmountFrom  string          // first day the amount in force is paid ("" until decided)
	StoppedFrom string          // first day nothing is paid ("" unless stopped)
	ProposedFen *int64          // a new amount decided whose notice is not yet issued
	UpdatedOn   string
	// Members are the resident ID numbers the benefit is paid for (the
	// household; the holder alone when empty).
	Members []string
}

// ErrAlreadyReceiving is returned when a benefit would be paid for someone
// another case already pays the same benefit for.
var ErrAlreadyReceiving = errors.New("store: already receiving this benefit")

const benefitColumns = `case_id, benefit, holder_id, holder_name, office, status, monthly_fen, basis,
amount_from, stopped_from, proposed_fen, updated_on, members`

func scanBenefit(s scanner) (Benefit, error) {
	var b Benefit
	var basis string
	var proposed sql.NullInt64
	var members string
	if err := s.Scan(&b.CaseID, &b.Benefit, &b.HolderID, &b.HolderName, &b.Office, &b.Status, &b.MonthlyFen, &basis,
		&b.AmountFrom, &b.StoppedFrom, &proposed, &b.UpdatedOn, &members); err != nil {
		return b, err
	}
	b.Basis = json.RawMessage(basis)
	if err := json.Unmarshal([]byte(members), &b.Members); err != nil {
		return b, fmt.Errorf("members of %s: %w", b.CaseID, err)
	}
	if proposed.Valid {
		b.ProposedFen = &proposed.Int64
	}
	return b, nil
}

// AssessBenefit records the monthly amount a means test found for a case.
// A later assessment of the same case (a re-investigation) replaces it;
// a benefit already decided is left alone, so a retried or repeated check
// never changes what is being paid.
func (db *DB) AssessBenefit(ctx context.Context, b Benefit) error {
	if b.CaseID == "" || b.Benefit == "" || b.HolderID == "" || !isDivisionCode(b.Office) || b.MonthlyFen < 0 || checkDate(b.UpdatedOn) != nil {
		return fmt.Errorf("store: assess benefit: %w: need case, benefit, holder, office, amount >= 0 and date", ErrInvalid)
	}
	if len(b.Basis) == 0 {
		b.Basis = json.RawMessage(`{}`)
	}
	if !json.Valid(b.Basis) {
		return fmt.Errorf("store: assess benefit: %w: basis is not JSON", ErrInvalid)
	}
	members := b.Members
	if len(members) == 0 {
		members = []string{b.HolderID}
	}
	list, err := json.Marshal(members)
	if err != nil {
		return fmt.Errorf("store: assess benefit: %w", err)
	}
	_, err = db.conn().exec(ctx, `INSERT INTO benefits (case_id, benefit, holder_id, holder_name, office, status, monthly_fen, basis, updated_on, members)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (case_id) DO UPDATE SET monthly_fen = excluded.monthly_fen, basis = excluded.basis, updated_on = excluded.updated_on,
members = excluded.members
WHERE benefits.status = 'assessed'`,
		b.CaseID, b.Benefit, b.HolderID, b.HolderName, b.Office, BenefitAssessed, b.MonthlyFen, string(b.Basis), b.UpdatedOn, string(list))
	if err != nil {
		return fmt.Errorf("store: assess benefit: %w", err)
	}
	return nil
}

// BenefitOf returns the roster row of a case, or ErrNotFound.
func (db *DB) BenefitOf(ctx context.Context, caseID string) (Benefit, error) {
	b, err := scanBenefit(db.conn().queryRow(ctx, `SELECT `+benefitColumns+` FROM benefits WHERE case_id = ?`, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("store: benefit of %s: %w", caseID, ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("store: benefit of %s: %w", caseID, err)
	}
	return b, nil
}

// ProposeBenefitAmount records the new amount a decision states (nil: the
// decision stated none). It stays pending until ChangeBenefit applies it.
func (db *DB) ProposeBenefitAmount(ctx context.Context, caseID string, fen *int64, day string) error {
	if checkDate(day) != nil || (fen != nil && *fen < 0) {
		return fmt.Errorf("store: propose benefit amount: %w: need a date and an amount >= 0", ErrInvalid)
	}
	var v any
	if fen != nil {
		v = *fen
	}
	return db.updateBenefit(ctx, "propose benefit amount", caseID,
		`UPDATE benefits SET proposed_fen = ?, updated_on = ? WHERE case_id = ?`, v, day, caseID)
}

// StartBenefit puts an assessed benefit into payment from a day. Starting
// it again is a no-op; a stopped benefit cannot start again (ErrInvalid).
func (db *DB) StartBenefit(ctx context.Context, caseID, from, day string) (Benefit, error) {
	if checkDate(from) != nil || checkDate(day) != nil {
		return Benefit{}, fmt.Errorf("store: start benefit: %w: bad date", ErrInvalid)
	}
	b, err := db.BenefitOf(ctx, caseID)
	if err != nil {
		return b, err
	}
	if b.Status == BenefitAssessed {
		// The members go on the roster in the same transaction that starts
		// payment: a member another case is paid for refuses it all.
		members := b.Members
		if len(members) == 0 {
			members = []string{b.HolderID}
		}
		err = db.inTx(ctx, func(tx runner) error {
			for _, id := range members {
				res, err := tx.exec(ctx, `INSERT INTO benefit_members (benefit, id_number, case_id) VALUES (?, ?, ?)
ON CONFLICT (benefit, id_number) DO NOTHING`, b.Benefit, id, caseID)
				if err != nil {
					return err
				}
				if n, err := res.RowsAffected(); err != nil {
					return err
				} else if n == 0 {
					var other string
					if err := tx.queryRow(ctx, `SELECT case_id FROM benefit_members WHERE benefit = ? AND id_number = ?`, b.Benefit, id).Scan(&other); err != nil {
						return err
					}
					if other != caseID {
						return fmt.Errorf("store: start benefit %s: %w (case %s)", caseID, ErrAlreadyReceiving, other)
					}
				}
			}
			_, err := tx.exec(ctx, `UPDATE benefits SET status = ?, amount_from = ?, updated_on = ? WHERE case_id = ? AND status = ?`,
				BenefitPaying, from, day, caseID, BenefitAssessed)
			return err
		})
		if errors.Is(err, ErrAlreadyReceiving) {
			return Benefit{}, err
		}
		if err != nil {
			return Benefit{}, fmt.Errorf("store: start benefit: %w", err)
		}
	}
	b, err = db.BenefitOf(ctx, caseID)
	if err == nil && b.Status != BenefitPaying {
		err = fmt.Errorf("store: start benefit %s: %w: it is %s", caseID, ErrInvalid, b.Status)
	}
	return b, err
}

// ChangeBenefit sets a paying benefit's amount from a day and clears any
// pending proposal. Repeating the same change is a no-op.
func (db *DB) ChangeBenefit(ctx context.Context, caseID string, fen int64, from, day string) (Benefit, error) {
	if fen < 0 || checkDate(from) != nil || checkDate(day) != nil {
		return Benefit{}, fmt.Errorf("store: change benefit: %w: need an amount >= 0 and dates", ErrInvalid)
	}
	err := db.updateBenefit(ctx, "change benefit", caseID,
		`UPDATE benefits SET monthly_fen = ?, amount_from = ?, proposed_fen = NULL, updated_on = ? WHERE case_id = ? AND status = ?`,
		fen, from, day, caseID, BenefitPaying)
	if err != nil {
		return Benefit{}, err
	}
	return db.BenefitOf(ctx, caseID)
}

// StopBenefit ends payment from a day (the first unpaid one). Stopping a
// stopped benefit again changes nothing.
func (db *DB) StopBenefit(ctx context.Context, caseID, from, day string) (Benefit, error) {
	if checkDate(from) != nil || checkDate(day) != nil {
		return Benefit{}, fmt.Errorf("store: stop benefit: %w: bad date", ErrInvalid)
	}
	err := db.updateBenefit(ctx, "stop benefit", caseID,
		`UPDATE benefits SET status = ?, stopped_from = ?, proposed_fen = NULL, updated_on = ? WHERE case_id = ? AND status = ?`,
		BenefitStopped, from, day, caseID, BenefitPaying)
	if err != nil && !errors.Is(err, ErrInvalid) {
		return Benefit{}, err
	}
	// The members may be paid the benefit again, by a new case.
	if _, err := db.conn().exec(ctx, `DELETE FROM benefit_members WHERE case_id = ?`, caseID); err != nil {
		return Benefit{}, fmt.Errorf("store: stop benefit: %w", err)
	}
	b, err := db.BenefitOf(ctx, caseID)
	if err == nil && b.Status != BenefitStopped {
		err = fmt.Errorf("store: stop benefit %s: %w: it is %s", caseID, ErrInvalid, b.Status)
	}
	return b, err
}

// updateBenefit runs one update of a case's row: ErrNotFound when the case
// has none, ErrInvalid when the row is not in the state the update needs.
func (db *DB) updateBenefit(ctx context.Context, what, caseID, query string, args ...any) error {
	res, err := db.conn().exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	if _, err := db.BenefitOf(ctx, caseID); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return fmt.Errorf("store: %s %s: %w: not in the state this needs", what, caseID, ErrInvalid)
}

// Receiving names, for each of ids another case than exceptCase pays the
// benefit for, that case (ID number → case ID).
func (db *DB) Receiving(ctx context.Context, benefit string, ids []string, exceptCase string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		var caseID string
		err := db.conn().queryRow(ctx, `SELECT case_id FROM benefit_members WHERE benefit = ? AND id_number = ? AND case_id <> ?`,
			benefit, id, exceptCase).Scan(&caseID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: receiving %s: %w", benefit, err)
		}
		out[id] = caseID
	}
	return out, nil
}
