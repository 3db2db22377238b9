package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Variants of social organization (社会组织).
const (
	VariantSocialGroup               = "social-group"                // 社会团体
	VariantSocialServiceOrganization = "social-service-organization" // 社会服务机构（民办非企业单位）
	VariantFoundation                = "foundation"                  // 基金会
)

// Statuses of a registered organization.
const (
	OrganizationRegistered = "registered"
	OrganizationCancelled  = "cancelled" // 注销登记
	OrganizationRevoked    = "revoked"   // 撤销登记
)

// variantCategories are the organization-category characters of unified
// codes for organizations registered by civil affairs (GB 32100: 1 social
// group, 2 private non-enterprise unit, 3 foundation).
var variantCategories = map[string]byte{
	VariantSocialGroup:               '1',
	VariantSocialServiceOrganization: '2',
	VariantFoundation:                '3',
}

// civilAffairsAuthority is the first character of a unified code: the
// registration authority, 5 for civil affairs.
const civilAffairsAuthority = '5'

// Organization is a registered social organization. Area is the division
// code of its area of activity (the registering office's); dates are
// YYYY-MM-DD; Funds are RMB yuan.
type Organization struct {
	UnifiedCode         string // 统一社会信用代码, assigned at registration
	Name                string
	Variant             string // one of the Variant* constants
	Field               string // field of activity (业务领域)
	Scope               string // business scope (业务范围)
	Area                string
	Domicile            string
	LegalRepresentative string
	// LegalRepresentativeID is the representative's ID number; "" for
	// organizations recorded before it was kept.
	LegalRepresentativeID string
	SponsoringUnit        string // "" when registered directly
	Funds                 int64
	RegisteredOn          string
	CaseID                string
	Status                string // one of the Organization* statuses
}

// RegisterOrganization records a newly registered organization and gives
// it a unified code. Idempotent by case: a retry returns the organization
// registered before (ErrIdempotencyConflict if it differs in name, variant
// or area). A registered organization of the same name in the area is an
// ErrRegistryConflict: the registry changed after the checks.
func (db *DB) RegisterOrganization(ctx context.Context, o Organization) (Organization, error) {
	category, ok := variantCategories[o.Variant]
	if !ok || o.CaseID == "" || strings.TrimSpace(o.Name) == "" || strings.TrimSpace(o.Field) == "" ||
		!isDivisionCode(o.Area) || checkDate(o.RegisteredOn) != nil || o.Funds < 0 {
		return Organization{}, fmt.Errorf("store: register organization: %w: need case, name, variant, field, area, date and funds >= 0", ErrInvalid)
	}
	var out Organization
	err := db.inTx(ctx, func(tx runner) error {
		prev, err := scanOrganization(tx.queryRow(ctx, `SELECT `+organizationColumns+` FROM organizations WHERE case_id = ?`, o.CaseID))
		if err == nil {
			if prev.Name != o.Name || prev.Variant != o.Variant || prev.Area != o.Area {
				return fmt.Errorf("case %s registered %s: %w", o.CaseID, prev.Name, ErrIdempotencyConflict)
			}
			out = prev
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var holder string
		err = tx.queryRow(ctx, `SELECT unified_code FROM organizations WHERE area = ? AND name = ? AND status = 'registered'`,
			o.Area, o.Name).Scan(&holder)
		if err == nil {
			return fmt.Errorf("%s is already registered in %s as %s: %w", o.Name, o.Area, holder, ErrRegistryConflict)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		n, err := nextCounter(ctx, tx, `INSERT INTO organization_code_counters (scope, last) VALUES ('national', 1)
ON CONFLICT (scope) DO UPDATE SET last = organization_code_counters.last + 1
RETURNING last`)
		if err != nil {
			return fmt.Errorf("organization code counter: %w", err)
		}
		out = o
		out.Status = OrganizationRegistered
		if out.UnifiedCode, err = unifiedCode(category, codeArea(o.Area), n); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO organizations (unified_code, name, variant, field, scope, area, domicile,
legal_representative, legal_representative_id, sponsoring_unit, funds, registered_on, case_id, status)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			out.UnifiedCode, out.Name, out.Variant, out.Field, out.Scope, out.Area, out.Domicile,
			out.LegalRepresentative, out.LegalRepresentativeID, out.SponsoringUnit, out.Funds, out.RegisteredOn, out.CaseID, out.Status)
		return err
	})
	if err != nil {
		return Organization{}, fmt.Errorf("store: register organization: %w", err)
	}
	return out, nil
}

// OrganizationByCase returns the organization registered by a case, or
// ErrNotFound.
func (db *DB) OrganizationByCase(ctx context.Context, caseID string) (Organization, error) {
	o, err := scanOrganization(db.conn().queryRow(ctx, `SELECT `+organizationColumns+` FROM organizations WHERE case_id = ?`, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("store: organization of case %s: %w", caseID, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("store: organization of case %s: %w", caseID, err)
	}
	return o, nil
}

// RegisteredOrganizations lists the organizations of a variant currently
// registered in an area, oldest first; variant "" lists every variant.
func (db *DB) RegisteredOrganizations(ctx context.Context, area, variant string) ([]Organization, error) {
	q := `SELECT ` + organizationColumns + ` FROM organizations WHERE area = ? AND status = 'registered'`
	args := []any{area}
	if variant != "" {
		q += ` AND variant = ?`
		args = append(args, variant)
	}
	rows, err := db.conn().query(ctx, q+` ORDER BY registered_on, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: registered organizations: %w", err)
	}
	defer rows.Close()
	var out []Organization
	for rows.Next() {
		o, err := scanOrganization(rows)
		if err != nil {
			return nil, fmt.Errorf("store: registered organizations: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrganizationsRepresentedBy lists the registered organizations, of any
// variant and area, whose legal representative has the ID number id,
// oldest first.
func (db *DB) OrganizationsRepresentedBy(ctx context.Context, id string) ([]Organization, error) {
	if strings.TrimSpace(id) == "" {
		return nil, nil
	}
	rows, err := db.conn().query(ctx, `SELECT `+organizationColumns+` FROM organizations
WHERE legal_representative_id = ? AND status = 'registered' ORDER BY registered_on, id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: organizations represented by a person: %w", err)
	}
	defer rows.Close()
	var out []Organization
	for rows.Next() {
		o, err := scanOrganization(rows)
		if err != nil {
			return nil, fmt.Errorf("store: organizations represented by a person: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

const organizationColumns = `unified_code, name, variant, field, scope, area, domicile, legal_representative,
legal_representative_id, sponsoring_unit, funds, registered_on, case_id, status`

func scanOrganization(s scanner) (Organization, error) {
	var o Organization
	err := s.Scan(&o.UnifiedCode, &o.Name, &o.Variant, &o.Field, &o.Scope, &o.Area, &o.Domicile, &o.LegalRepresentative,
		&o.LegalRepresentativeID, &o.SponsoringUnit, &o.Funds, &o.RegisteredOn, &o.CaseID, &o.Status)
	return o, err
}

// codeArea is the area part of a unified code: the registering office's
// division, and 100000 for the Ministry, as the codes of national
// organizations carry (e.g. 531000…).
func codeArea(area string) string {
	if area == "000000" {
		return "100000"
	}
	return area
}

// unifiedCode builds the n-th unified code: authority, category, area, a
// nine-character organization part (eight digits and their GB 11714 check
// character) and the GB 32100 check character. The eight digits stand in
// for the range the national code centre allocates to registration
// offices; they are unique nationwide because the counter is.
func unifiedCode(category byte, area string, n int64) (string, error) {
	if n < 1 || n > 99_999_999 {
		return "", fmt.Errorf("organization code sequence %d out of range", n)
	}
	body := fmt.Sprintf("%08d", n)
	code := string([]byte{civilAffairsAuthority, category}) + area + body + string(organizationCodeCheck(body))
	return code + string(unifiedCodeCheck(code)), nil
}

// unifiedCodeChars are the characters of GB 32100 codes in value order
// (I, O, S, V and Z are left out as easily misread).
const unifiedCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// organizationCodeCheck is the GB 11714 check character of an
// eight-character organization code body: weights 3 7 9 10 5 8 4 2,
// modulo 11, with 10 written X.
func organizationCodeCheck(body string) byte {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += charValue(body[i]) * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// charValue is a digit's value, or a capital letter's 10-35 (GB 11714).
func charValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

// unifiedCodeCheck is the GB 32100 check character of the first 17
// characters: weights 3^i mod 31, modulo 31.
func unifiedCodeCheck(code17 string) byte {
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(unifiedCodeChars, code17[i]) * w
		w = w * 3 % 31
	}
	return unifiedCodeChars[(31-sum%31)%31]
}

// ValidUnifiedCode reports whether s is a well-formed unified social credit
// code (18 characters of the GB 32100 set, 6-digit area, correct check
// character).
func ValidUnifiedCode(s string) bool {
	if len(s) != 18 || !isDivisionCode(s[2:8]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(unifiedCodeChars, s[i]) < 0 {
			return false
		}
	}
	return unifiedCodeCheck(s[:17]) == s[17]
}
