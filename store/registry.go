package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Marital statuses of a Person.
const (
	MaritalUnmarried = "unmarried"
	MaritalMarried   = "married"
	MaritalDivorced  = "divorced"
	MaritalWidowed   = "widowed"
)

// Certificate kinds.
const (
	KindMarriageCertificate = "marriage-certificate" // 结婚证
	KindDivorceCertificate  = "divorce-certificate"  // 离婚证
)

// kindLetters are the first letter of certificate numbers: J for 结婚证,
// L for 离婚证.
var kindLetters = map[string]string{
	KindMarriageCertificate: "J",
	KindDivorceCertificate:  "L",
}

// Person is a registry entry, keyed by resident ID number. BirthDate is
// YYYY-MM-DD; MaritalStatus is one of the Marital* constants.
type Person struct {
	IDNumber      string
	Name          string
	Sex           string
	BirthDate     string
	MaritalStatus string
}

// Marriage is a registered marriage. SpouseA and SpouseB are ID numbers;
// dates are YYYY-MM-DD. The Dissolved* fields are empty while it lasts.
type Marriage struct {
	ID              int64
	SpouseA         string
	SpouseB         string
	RegisteredOn    string
	Office          string
	CaseID          string
	DissolvedOn     string
	DissolvedByCase string
	DissolutionNote string
}

// Certificate is an issued marriage or divorce certificate. Number is
// unique: kind letter + office code + year + a per-(kind, office, year)
// sequence, e.g. J110105-2026-000001.
type Certificate struct {
	Number         string
	Kind           string
	CaseID         string
	HolderIDNumber string
	HolderName     string
	Office         string
	IssuedOn       string
}

const marriageColumns = `m.id, m.spouse_a, m.spouse_b, m.registered_on, m.office, m.case_id,
m.dissolved_on, m.dissolved_by_case, m.dissolution_note`

func scanMarriage(s scanner) (*Marriage, error) {
	var (
		m               Marriage
		dissolvedOn, by sql.NullString
	)
	if err := s.Scan(&m.ID, &m.SpouseA, &m.SpouseB, &m.RegisteredOn, &m.Office, &m.CaseID,
		&dissolvedOn, &by, &m.DissolutionNote); err != nil {
		return nil, err
	}
	m.DissolvedOn, m.DissolvedByCase = dissolvedOn.String, by.String
	return &m, nil
}

// oneMarriage runs a query for at most one marriage; nil, nil when none.
func oneMarriage(ctx context.Context, r runner, query string, args ...any) (*Marriage, error) {
	m, err := scanMarriage(r.queryRow(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return m, err
}

func activeMarriage(ctx context.Context, r runner, idNumber string) (*Marriage, error) {
	return oneMarriage(ctx, r, `SELECT `+marriageColumns+` FROM marriages m
JOIN marriage_spouses s ON s.marriage_id = m.id
WHERE s.id_number = ? AND s.active = 1`, idNumber)
}

func activeMarriageBetween(ctx context.Context, r runner, a, b string) (*Marriage, error) {
	return oneMarriage(ctx, r, `SELECT `+marriageColumns+` FROM marriages m
JOIN marriage_spouses sa ON sa.marriage_id = m.id AND sa.id_number = ? AND sa.active = 1
JOIN marriage_spouses sb ON sb.marriage_id = m.id AND sb.id_number = ? AND sb.active = 1`, a, b)
}

// ActiveMarriage returns the current marriage of a person, or nil, nil when
// the person is not married according to the registry.
func (db *DB) ActiveMarriage(ctx context.Context, idNumber string) (*Marriage, error) {
	m, err := activeMarriage(ctx, db.conn(), idNumber)
	if err != nil {
		return nil, fmt.Errorf("store: active marriage of %s: %w", idNumber, err)
	}
	return m, nil
}

// ActiveMarriageBetween returns the current marriage between a and b, or
// nil, nil when they are not married to each other.
func (db *DB) ActiveMarriageBetween(ctx context.Context, a, b string) (*Marriage, error) {
	m, err := activeMarriageBetween(ctx, db.conn(), a, b)
	if err != nil {
		return nil, fmt.Errorf("store: active marriage between %s and %s: %w", a, b, err)
	}
	return m, nil
}

func validateRegistration(caseID, office, date string, spouses [2]Person) error {
	if caseID == "" {
		return fmt.Errorf("%w: empty case ID", ErrInvalid)
	}
	if !isDivisionCode(office) {
		return fmt.Errorf("%w: office %q is not a six-digit division code", ErrInvalid, office)
	}
	if err := checkDate(date); err != nil {
		return err
	}
	for _, p := range spouses {
		if p.IDNumber == "" {
			return fmt.Errorf("%w: spouse without ID number", ErrInvalid)
		}
		if p.BirthDate != "" {
			if err := checkDate(p.BirthDate); err != nil {
				return fmt.Errorf("birth date of %s: %w", p.IDNumber, err)
			}
		}
	}
	if spouses[0].IDNumber == spouses[1].IDNumber {
		return fmt.Errorf("%w: both spouses are %s", ErrInvalid, spouses[0].IDNumber)
	}
	return nil
}

// sameCouple reports whether m is between the two spouses, in either order.
func sameCouple(m *Marriage, spouses [2]Person) bool {
	a, b := spouses[0].IDNumber, spouses[1].IDNumber
	return (m.SpouseA == a && m.SpouseB == b) || (m.SpouseA == b && m.SpouseB == a)
}

// upsertPerson records p with the given marital status. Empty fields of p
// keep what the registry already has, so a caller that knows only the ID
// number does not erase a name. It returns the stored name.
func upsertPerson(ctx context.Context, tx runner, p Person, status string) (string, error) {
	if _, err := tx.exec(ctx, `INSERT INTO persons (id_number, name, sex, birth_date, marital_status, updated_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id_number) DO UPDATE SET
    name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE persons.name END,
    sex = CASE WHEN excluded.sex <> '' THEN excluded.sex ELSE persons.sex END,
    birth_date = CASE WHEN excluded.birth_date <> '' THEN excluded.birth_date ELSE persons.birth_date END,
    marital_status = excluded.marital_status,
    updated_at = excluded.updated_at`,
		p.IDNumber, p.Name, p.Sex, p.BirthDate, status, formatTime(time.Now())); err != nil {
		return "", fmt.Errorf("person %s: %w", p.IDNumber, err)
	}
	var name string
	if err := tx.queryRow(ctx, `SELECT name FROM persons WHERE id_number = ?`, p.IDNumber).Scan(&name); err != nil {
		return "", fmt.Errorf("person %s: %w", p.IDNumber, err)
	}
	return name, nil
}

// issueCertificate numbers and records one certificate.
func issueCertificate(ctx context.Context, tx runner, kind, caseID, office, date, holderID, holderName string) (Certificate, error) {
	year := date[:4] // date was checked to be YYYY-MM-DD
	n, err := nextCounter(ctx, tx, `INSERT INTO certificate_counters (kind, office, year, last) VALUES (?, ?, ?, 1)
ON CONFLICT (kind, office, year) DO UPDATE SET last = certificate_counters.last + 1
RETURNING last`, kind, office, year)
	if err != nil {
		return Certificate{}, fmt.Errorf("certificate counter: %w", err)
	}
	c := Certificate{
		Number:         fmt.Sprintf("%s%s-%s-%06d", kindLetters[kind], office, year, n),
		Kind:           kind,
		CaseID:         caseID,
		HolderIDNumber: holderID,
		HolderName:     holderName,
		Office:         office,
		IssuedOn:       date,
	}
	if _, err := tx.exec(ctx, `INSERT INTO certificates (number, kind, case_id, holder_id_number, holder_name, office, issued_on)
VALUES (?, ?, ?, ?, ?, ?, ?)`, c.Number, c.Kind, c.CaseID, c.HolderIDNumber, c.HolderName, c.Office, c.IssuedOn); err != nil {
		return Certificate{}, fmt.Errorf("certificate %s: %w", c.Number, err)
	}
	return c, nil
}

// certificates lists the certificates of a case in issue order; kind ""
// means every kind.
func certificates(ctx context.Context, r runner, caseID, kind string) ([]Certificate, error) {
	q := `SELECT number, kind, case_id, holder_id_number, holder_name, office, issued_on
FROM certificates WHERE case_id = ?`
	args := []any{caseID}
	if kind != "" {
		q += ` AND kind = ?`
		args = append(args, kind)
	}
	rows, err := r.query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		var c Certificate
		if err := rows.Scan(&c.Number, &c.Kind, &c.CaseID, &c.HolderIDNumber, &c.HolderName, &c.Office, &c.IssuedOn); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// sameHolders reports whether certs are exactly one per spouse.
func sameHolders(certs []Certificate, spouses [2]Person) bool {
	if len(certs) != 2 {
		return false
	}
	a, b := spouses[0].IDNumber, spouses[1].IDNumber
	x, y := certs[0].HolderIDNumber, certs[1].HolderIDNumber
	return (x == a && y == b) || (x == b && y == a)
}

// RegisterMarriage records the marriage of the two spouses registered by
// caseID at office on date (YYYY-MM-DD), records both persons as married
// (their given MaritalStatus is ignored; empty fields keep the stored
// values), and issues one marriage certificate per spouse, in spouse order,
// all in one transaction.
//
// It is idempotent by caseID: a second call for the same case returns the
// same certificates and writes nothing (ErrIdempotencyConflict if it names
// other spouses). If either spouse has an active marriage from another case
// it returns ErrRegistryConflict.
func (db *DB) RegisterMarriage(ctx context.Context, caseID, office, date string, spouses [2]Person) ([]Certificate, error) {
	if err := validateRegistration(caseID, office, date, spouses); err != nil {
		return nil, fmt.Errorf("store: register marriage: %w", err)
	}
	var certs []Certificate
	err := db.inTx(ctx, func(tx runner) error {
		prev, err := oneMarriage(ctx, tx, `SELECT `+marriageColumns+` FROM marriages m WHERE m.case_id = ?`, caseID)
		if err != nil {
			return err
		}
		if prev != nil {
			if !sameCouple(prev, spouses) {
				return fmt.Errorf("case already registered the marriage of %s and %s: %w", prev.SpouseA, prev.SpouseB, ErrIdempotencyConflict)
			}
			certs, err = certificates(ctx, tx, caseID, KindMarriageCertificate)
			return err
		}
		if err := neitherMarried(ctx, tx, spouses); err != nil {
			return err
		}
		var names [2]string
		for i, p := range spouses {
			if names[i], err = upsertPerson(ctx, tx, p, MaritalMarried); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.queryRow(ctx, `INSERT INTO marriages (spouse_a, spouse_b, registered_on, office, case_id)
VALUES (?, ?, ?, ?, ?) RETURNING id`, spouses[0].IDNumber, spouses[1].IDNumber, date, office, caseID).Scan(&id); err != nil {
			return fmt.Errorf("marriage: %w", err)
		}
		for _, p := range spouses {
			if _, err := tx.exec(ctx, `INSERT INTO marriage_spouses (marriage_id, id_number, active) VALUES (?, ?, 1)`,
				id, p.IDNumber); err != nil {
				return fmt.Errorf("marriage spouse %s: %w", p.IDNumber, err)
			}
		}
		for i, p := range spouses {
			c, err := issueCertificate(ctx, tx, KindMarriageCertificate, caseID, office, date, p.IDNumber, names[i])
			if err != nil {
				return err
			}
			certs = append(certs, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: register marriage for case %s: %w", caseID, err)
	}
	return certs, nil
}

// endMarriage marks a marriage dissolved by caseID on date.
func endMarriage(ctx context.Context, tx runner, m *Marriage, caseID, date, note string) error {
	if date < m.RegisteredOn {
		return fmt.Errorf("%w: marriage %d registered %s cannot end on %s", ErrInvalid, m.ID, m.RegisteredOn, date)
	}
	if _, err := tx.exec(ctx, `UPDATE marriages SET dissolved_on = ?, dissolved_by_case = ?, dissolution_note = ? WHERE id = ?`,
		date, caseID, note, m.ID); err != nil {
		return fmt.Errorf("end marriage %d: %w", m.ID, err)
	}
	if _, err := tx.exec(ctx, `UPDATE marriage_spouses SET active = 0 WHERE marriage_id = ?`, m.ID); err != nil {
		return fmt.Errorf("end marriage %d: %w", m.ID, err)
	}
	return nil
}

// RegisterDivorce dissolves the active marriage between the two spouses on
// date by caseID, records both persons as divorced, and issues one divorce
// certificate per spouse at office, all in one transaction.
//
// It is idempotent by caseID: a second call returns the same certificates
// and writes nothing. If the two are not married to each other it returns
// ErrRegistryConflict.
func (db *DB) RegisterDivorce(ctx context.Context, caseID, office, date string, spouses [2]Person) ([]Certificate, error) {
	if err := validateRegistration(caseID, office, date, spouses); err != nil {
		return nil, fmt.Errorf("store: register divorce: %w", err)
	}
	var certs []Certificate
	err := db.inTx(ctx, func(tx runner) error {
		prev, err := certificates(ctx, tx, caseID, KindDivorceCertificate)
		if err != nil {
			return err
		}
		if len(prev) > 0 {
			if !sameHolders(prev, spouses) {
				return fmt.Errorf("case already registered another divorce: %w", ErrIdempotencyConflict)
			}
			certs = prev
			return nil
		}
		m, err := activeMarriageBetween(ctx, tx, spouses[0].IDNumber, spouses[1].IDNumber)
		if err != nil {
			return err
		}
		if m == nil {
			return fmt.Errorf("%s and %s are not married to each other: %w", spouses[0].IDNumber, spouses[1].IDNumber, ErrRegistryConflict)
		}
		if err := endMarriage(ctx, tx, m, caseID, date, ""); err != nil {
			return err
		}
		for _, p := range spouses {
			name, err := upsertPerson(ctx, tx, p, MaritalDivorced)
			if err != nil {
				return err
			}
			c, err := issueCertificate(ctx, tx, KindDivorceCertificate, caseID, office, date, p.IDNumber, name)
			if err != nil {
				return err
			}
			certs = append(certs, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: register divorce for case %s: %w", caseID, err)
	}
	return certs, nil
}

// EndMarriagesPerProof ends any active marriage of the given persons on date,
// with note recording the proof the registrar accepted (a court judgment, a
// death certificate…) that the registry had not yet recorded. The persons
// and their former spouses become divorced; use EndMarriagesPerProofAs when
// the proof is a spouse's death. Idempotent by caseID.
func (db *DB) EndMarriagesPerProof(ctx context.Context, caseID, date string, idNumbers []string, note string) error {
	return db.EndMarriagesPerProofAs(ctx, caseID, date, idNumbers, note, MaritalDivorced)
}

// EndMarriagesPerProofAs is EndMarriagesPerProof with the marital status the
// listed persons take: MaritalDivorced (their former spouses become divorced
// too) or MaritalWidowed (their former spouses, who died, keep the status
// they had at death).
//
// It is idempotent by caseID per person: a person whose marriage this case
// already ended is skipped, so a retry never ends a marriage registered
// since. A person with no active marriage is not an error.
func (db *DB) EndMarriagesPerProofAs(ctx context.Context, caseID, date string, idNumbers []string, note, status string) error {
	switch {
	case caseID == "":
		return fmt.Errorf("store: end marriages per proof: %w: empty case ID", ErrInvalid)
	case note == "":
		return fmt.Errorf("store: end marriages per proof: %w: the proof must be noted", ErrInvalid)
	case status != MaritalDivorced && status != MaritalWidowed:
		return fmt.Errorf("store: end marriages per proof: %w: status %q is neither %s nor %s", ErrInvalid, status, MaritalDivorced, MaritalWidowed)
	}
	if err := checkDate(date); err != nil {
		return fmt.Errorf("store: end marriages per proof: %w", err)
	}
	listed := make(map[string]bool, len(idNumbers))
	for _, id := range idNumbers {
		listed[id] = true
	}
	err := db.inTx(ctx, func(tx runner) error {
		for _, id := range idNumbers {
			if id == "" {
				continue
			}
			var done int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM marriages m
JOIN marriage_spouses s ON s.marriage_id = m.id
WHERE m.dissolved_by_case = ? AND s.id_number = ?`, caseID, id).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				continue
			}
			m, err := activeMarriage(ctx, tx, id)
			if err != nil {
				return err
			}
			if m == nil {
				continue
			}
			if err := endMarriage(ctx, tx, m, caseID, date, note); err != nil {
				return err
			}
			other := m.SpouseA
			if other == id {
				other = m.SpouseB
			}
			if err := setMaritalStatus(ctx, tx, id, status); err != nil {
				return err
			}
			switch {
			case listed[other]:
				err = setMaritalStatus(ctx, tx, other, status)
			case status == MaritalDivorced:
				err = setMaritalStatus(ctx, tx, other, MaritalDivorced)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: end marriages per proof for case %s: %w", caseID, err)
	}
	return nil
}

func setMaritalStatus(ctx context.Context, tx runner, idNumber, status string) error {
	if _, err := tx.exec(ctx, `UPDATE persons SET marital_status = ?, updated_at = ? WHERE id_number = ?`,
		status, formatTime(time.Now()), idNumber); err != nil {
		return fmt.Errorf("marital status of %s: %w", idNumber, err)
	}
	return nil
}

// CertificatesForCase returns the certificates a case issued, in issue order.
func (db *DB) CertificatesForCase(ctx context.Context, caseID string) ([]Certificate, error) {
	certs, err := certificates(ctx, db.conn(), caseID, "")
	if err != nil {
		return nil, fmt.Errorf("store: certificates for case %s: %w", caseID, err)
	}
	return certs, nil
}

// Person returns the registry entry of a person, or ErrNotFound.
func (db *DB) Person(ctx context.Context, idNumber string) (Person, error) {
	var p Person
	err := db.conn().queryRow(ctx, `SELECT id_number, name, sex, birth_date, marital_status FROM persons WHERE id_number = ?`,
		idNumber).Scan(&p.IDNumber, &p.Name, &p.Sex, &p.BirthDate, &p.MaritalStatus)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, fmt.Errorf("store: person %s: %w", idNumber, ErrNotFound)
	}
	if err != nil {
		return Person{}, fmt.Errorf("store: person %s: %w", idNumber, err)
	}
	return p, nil
}

// EndMarriagePerProof ends the one active marriage between person and
// spouse on date (YYYY-MM-DD: the day the judgment took effect, the divorce
// was registered or the spouse died), with note recording the proof the
// registrar accepted. person takes status: MaritalDivorced (the former
// spouse becomes divorced too) or MaritalWidowed (the former spouse, who
// died, keeps the status they had at death). No other marriage changes.
//
// It is idempotent by caseID: when this case already ended that marriage
// it returns it again and writes nothing. When the registry shows no active
// marriage between the two, or one registered after date, it returns
// ErrRegistryConflict: the proof does not fit the registry.
func (db *DB) EndMarriagePerProof(ctx context.Context, caseID, person, spouse, date, note, status string) (*Marriage, error) {
	switch {
	case caseID == "" || person == "" || spouse == "" || person == spouse:
		return nil, fmt.Errorf("store: end marriage per proof: %w: need the case and two different persons", ErrInvalid)
	case note == "":
		return nil, fmt.Errorf("store: end marriage per proof: %w: the proof must be noted", ErrInvalid)
	case status != MaritalDivorced && status != MaritalWidowed:
		return nil, fmt.Errorf("store: end marriage per proof: %w: status %q is neither %s nor %s", ErrInvalid, status, MaritalDivorced, MaritalWidowed)
	}
	if err := checkDate(date); err != nil {
		return nil, fmt.Errorf("store: end marriage per proof: %w", err)
	}
	var ended *Marriage
	err := db.inTx(ctx, func(tx runner) error {
		done, err := oneMarriage(ctx, tx, `SELECT `+marriageColumns+` FROM marriages m
WHERE m.dissolved_by_case = ? AND ((m.spouse_a = ? AND m.spouse_b = ?) OR (m.spouse_a = ? AND m.spouse_b = ?))`,
			caseID, person, spouse, spouse, person)
		if err != nil || done != nil {
			ended = done
			return err
		}
		m, err := activeMarriageBetween(ctx, tx, person, spouse)
		if err != nil {
			return err
		}
		if m == nil {
			return fmt.Errorf("no active marriage between the persons named in the proof: %w", ErrRegistryConflict)
		}
		if date < m.RegisteredOn {
			return fmt.Errorf("the proof's date precedes the registration: %w", ErrRegistryConflict)
		}
		if err := endMarriage(ctx, tx, m, caseID, date, note); err != nil {
			return err
		}
		if err := setMaritalStatus(ctx, tx, person, status); err != nil {
			return err
		}
		if status == MaritalDivorced {
			if err := setMaritalStatus(ctx, tx, spouse, MaritalDivorced); err != nil {
				return err
			}
		}
		m.DissolvedOn, m.DissolvedByCase, m.DissolutionNote = date, caseID, note
		ended = m
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: end marriage per proof for case %s: %w", caseID, err)
	}
	return ended, nil
}

// neitherMarried fails with ErrRegistryConflict when a spouse-to-be has an
// active marriage in the registry (民法典第一千零四十二条: no bigamy).
func neitherMarried(ctx context.Context, r runner, spouses [2]Person) error {
	for _, p := range spouses {
		m, err := activeMarriage(ctx, r, p.IDNumber)
		if err != nil {
			return err
		}
		if m != nil {
			return fmt.Errorf("%s is married (registered %s by case %s): %w", p.IDNumber, m.RegisteredOn, m.CaseID, ErrRegistryConflict)
		}
	}
	return nil
}
