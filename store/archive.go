package store

import (
	"context"
	"fmt"
	"regexp"
)

// archivedNumber is a marriage certificate number as offices issue them,
// J + office + year + serial (J110105-1995-000123), also on paper.
var archivedNumber = regexp.MustCompile(`^J([0-9]{6})-([0-9]{4})-[0-9]{1,8}$`)

// ArchiveCaseID is the case a marriage added from the paper archive is
// recorded under: the certificate number stands for the case that
// registered it before the electronic registry existed.
func ArchiveCaseID(certificate string) string { return "ARCHIVE-" + certificate }

// RecordArchivedMarriage adds to the registry a marriage a registrar found
// in the paper archive (婚姻登记条例第十九条) but the electronic registry
// lacks (补录): registered on date by the office the certificate number
// names. It is idempotent by certificate; it returns ErrRegistryConflict
// when either spouse already has a current marriage or the certificate
// number is recorded for another couple.
func (db *DB) RecordArchivedMarriage(ctx context.Context, certificate, date string, spouses [2]Person) (*Marriage, error) {
	m := archivedNumber.FindStringSubmatch(certificate)
	if m == nil {
		return nil, fmt.Errorf("store: archived marriage: %w: certificate %q is not J<office>-<year>-<serial>", ErrInvalid, certificate)
	}
	caseID, office := ArchiveCaseID(certificate), m[1]
	if err := validateRegistration(caseID, office, date, spouses); err != nil {
		return nil, fmt.Errorf("store: archived marriage: %w", err)
	}
	if date[:4] != m[2] {
		return nil, fmt.Errorf("store: archived marriage: %w: certificate of %s, registered %s", ErrRegistryConflict, m[2], date)
	}
	var out *Marriage
	err := db.inTx(ctx, func(tx runner) error {
		prev, err := oneMarriage(ctx, tx, `SELECT `+marriageColumns+` FROM marriages m WHERE m.case_id = ?`, caseID)
		if err != nil {
			return err
		}
		if prev != nil {
			if !sameCouple(prev, spouses) {
				return fmt.Errorf("certificate %s is recorded for another couple: %w", certificate, ErrRegistryConflict)
			}
			out = prev
			return nil
		}
		if err := neitherMarried(ctx, tx, spouses); err != nil {
			return err
		}
		for _, p := range spouses {
			if _, err := upsertPerson(ctx, tx, p, MaritalMarried); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.queryRow(ctx, `INSERT INTO marriages (spouse_a, spouse_b, registered_on, office, case_id)
VALUES (?, ?, ?, ?, ?) RETURNING id`, spouses[0].IDNumber, spouses[1].IDNumber, date, office, caseID).Scan(&id); err != nil {
			return fmt.Errorf("archived marriage: %w", err)
		}
		for _, p := range spouses {
			if _, err := tx.exec(ctx, `INSERT INTO marriage_spouses (marriage_id, id_number, active) VALUES (?, ?, 1)`, id, p.IDNumber); err != nil {
				return fmt.Errorf("marriage spouse %s: %w", p.IDNumber, err)
			}
		}
		out = &Marriage{ID: id, SpouseA: spouses[0].IDNumber, SpouseB: spouses[1].IDNumber, RegisteredOn: date, Office: office, CaseID: caseID}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: archived marriage: %w", err)
	}
	return out, nil
}
