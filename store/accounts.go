package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// ErrExists reports that an account with that username already exists.
var ErrExists = errors.New("store: already exists")

// Account is a local sign-in account. Its roles are not part of it: they
// are what the staff directory says about Subject at the time of asking.
type Account struct {
	Username       string
	Name           string
	Subject        string
	PasswordHash   string // argon2id, PHC string form (HashPassword)
	Active         bool
	FailedAttempts int
	LockedUntil    time.Time // zero when not locked
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// usernamePattern is what a username may look like: short, ASCII, no
// spaces, so that it can be typed on any keyboard and logged safely.
var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// subjectPattern mirrors the subjects a token may carry (auth package):
// a staff ID or a resident ID number.
var subjectPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ValidUsername reports whether s may name an account.
func ValidUsername(s string) bool { return usernamePattern.MatchString(s) }

// ValidSubject reports whether s may be the subject of an account or a
// session.
func ValidSubject(s string) bool { return subjectPattern.MatchString(s) }

func checkAccount(a Account) error {
	if !ValidUsername(a.Username) {
		return fmt.Errorf("%w: username %q: want 1-64 letters, digits, '.', '_', '@' or '-'", ErrInvalid, a.Username)
	}
	if !ValidSubject(a.Subject) {
		return fmt.Errorf("%w: subject %q: want 1-64 letters, digits, '.', '_' or '-'", ErrInvalid, a.Subject)
	}
	if strings.TrimSpace(a.Name) == "" {
		return fmt.Errorf("%w: name is required", ErrInvalid)
	}
	if !strings.HasPrefix(a.PasswordHash, "$argon2id$") {
		return fmt.Errorf("%w: password hash is not argon2id", ErrInvalid)
	}
	return nil
}

// CreateAccount adds a, refusing a username already taken (ErrExists).
// The creation is an audit entry made by the system (the command line).
func (db *DB) CreateAccount(ctx context.Context, a Account) error {
	if err := checkAccount(a); err != nil {
		return fmt.Errorf("store: create account: %w", err)
	}
	at := time.Now()
	now := formatTime(at)
	err := db.inTx(ctx, func(tx runner) error {
		res, err := tx.exec(ctx, `INSERT INTO accounts (username, name, subject, password_hash, active, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING`, a.Username, a.Name, a.Subject, a.PasswordHash, a.Active, now, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrExists
		}
		return appendAccountEntry(ctx, tx, a.Username, StaffEditor{}, accountState{},
			accountState{Exists: true, Name: a.Name, Subject: a.Subject, Active: a.Active, NewPassword: true}, at)
	})
	if err != nil {
		return fmt.Errorf("store: create account %s: %w", a.Username, err)
	}
	return nil
}

const accountColumns = `username, name, subject, password_hash, active, failed_attempts, locked_until, created_at, updated_at`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var locked sql.NullString
	var created, updated string
	if err := row.Scan(&a.Username, &a.Name, &a.Subject, &a.PasswordHash, &a.Active, &a.FailedAttempts, &locked, &created, &updated); err != nil {
		return Account{}, err
	}
	var err error
	if locked.Valid {
		if a.LockedUntil, err = parseTime(locked.String); err != nil {
			return Account{}, err
		}
	}
	if a.CreatedAt, err = parseTime(created); err != nil {
		return Account{}, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return Account{}, err
	}
	return a, nil
}

// Account returns the account of username, or ErrNotFound.
func (db *DB) Account(ctx context.Context, username string) (Account, error) {
	a, err := scanAccount(db.conn().queryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, fmt.Errorf("store: account %s: %w", username, ErrNotFound)
	}
	if err != nil {
		return Account{}, fmt.Errorf("store: account %s: %w", username, err)
	}
	return a, nil
}

// Accounts lists every account by username.
func (db *DB) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := db.conn().query(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("store: accounts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	return out, nil
}

// AccountCount is how many accounts exist; serve hints at creating the
// first administrator while it is zero.
func (db *DB) AccountCount(ctx context.Context) (int, error) {
	var n int
	if err := db.conn().queryRow(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count accounts: %w", err)
	}
	return n, nil
}

// AccountChange edits an account. Check sees the account as it stands
// inside the write transaction (exists false when there is none) and
// returns the account to write, or an error that refuses the change.
type AccountChange func(before Account, exists bool) (Account, error)

// PutAccount creates or changes the account of username in one
// transaction. When the password, the subject or the active flag changes,
// every session of the account ends with it, so a password reset or a
// deactivation takes effect at once.
//
// Every change is an audit entry of the account's own chain
// (AccountChain) made by by, in the same transaction; never the hash.
func (db *DB) PutAccount(ctx context.Context, username string, by StaffEditor, change AccountChange) (before Account, existed bool, err error) {
	err = db.inTx(ctx, func(tx runner) error {
		b, err := scanAccount(tx.queryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE username = ?`, username))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			before, existed = b, true
		}
		after, err := change(before, existed)
		if err != nil {
			return err
		}
		after.Username = username
		if err := checkAccount(after); err != nil {
			return err
		}
		at := time.Now()
		now := formatTime(at)
		reset := after.PasswordHash != before.PasswordHash
		from := accountState{Exists: existed, Name: before.Name, Subject: before.Subject, Active: before.Active}
		to := accountState{Exists: true, Name: after.Name, Subject: after.Subject, Active: after.Active, NewPassword: reset}
		if from == (accountState{Exists: true, Name: after.Name, Subject: after.Subject, Active: after.Active}) && !reset {
			return nil // nothing changes, nothing is written
		}
		if err := appendAccountEntry(ctx, tx, username, by, from, to, at); err != nil {
			return err
		}
		if !existed {
			_, err = tx.exec(ctx, `INSERT INTO accounts (username, name, subject, password_hash, active, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`, username, after.Name, after.Subject, after.PasswordHash, after.Active, now, now)
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE accounts SET name = ?, subject = ?, password_hash = ?, active = ?, updated_at = ?,
    failed_attempts = CASE WHEN ? THEN 0 ELSE failed_attempts END,
    locked_until = CASE WHEN ? THEN NULL ELSE locked_until END
WHERE username = ?`, after.Name, after.Subject, after.PasswordHash, after.Active, now, reset, reset, username); err != nil {
			return err
		}
		if reset || after.Subject != before.Subject || after.Active != before.Active {
			_, err = tx.exec(ctx, `DELETE FROM sessions WHERE username = ?`, username)
		}
		return err
	})
	if err != nil {
		return Account{}, false, fmt.Errorf("store: put account %s: %w", username, err)
	}
	return before, existed, nil
}

// Lockout is the backoff after repeated failed sign-ins: the first
// FreeAttempts failures cost nothing, each one after locks the account for
// First, doubled per further failure, at most Max.
type Lockout struct {
	FreeAttempts int
	First, Max   time.Duration
}

// DefaultLockout locks after 5 failures for 30 s, then 1 min, 2 min, …,
// at most 15 minutes: slow enough to make guessing hopeless, short enough
// that a registrar who mistyped is not locked out of the day.
var DefaultLockout = Lockout{FreeAttempts: 5, First: 30 * time.Second, Max: 15 * time.Minute}

// lockFor is how long the failures-th failure locks the account.
func (l Lockout) lockFor(failures int) time.Duration {
	if failures < l.FreeAttempts {
		return 0
	}
	d := l.First
	for i := l.FreeAttempts; i < failures && d < l.Max; i++ {
		d *= 2
	}
	return min(d, l.Max)
}

// SignInFailed counts a failed sign-in of username at now and returns
// until when the account is locked (zero if not). Unknown usernames are
// not recorded.
func (db *DB) SignInFailed(ctx context.Context, username string, now time.Time, l Lockout) (time.Time, error) {
	var until time.Time
	err := db.inTx(ctx, func(tx runner) error {
		var n int
		err := tx.queryRow(ctx, `UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE username = ? RETURNING failed_attempts`, username).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if d := l.lockFor(n); d > 0 {
			until = now.Add(d)
			_, err = tx.exec(ctx, `UPDATE accounts SET locked_until = ? WHERE username = ?`, formatTime(until), username)
		}
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("store: sign-in failed: %w", err)
	}
	return until, nil
}

// SignInSucceeded clears the failures of username.
func (db *DB) SignInSucceeded(ctx context.Context, username string) error {
	if _, err := db.conn().exec(ctx, `UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE username = ?`, username); err != nil {
		return fmt.Errorf("store: sign-in succeeded: %w", err)
	}
	return nil
}

// argon2id parameters: OWASP's recommendation (19 MiB, 2 passes, 1 lane),
// some 80 ms of one core per check (go test -bench CheckPassword ./store);
// stored in each hash, so raising them later leaves
// older hashes verifiable.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password in PHC string form
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash) with a fresh random salt.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", fmt.Errorf("store: hash password: %w: empty password", ErrInvalid)
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("store: hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash (HashPassword's
// form); a malformed hash never matches.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 16 {
		return false
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Changes of accounts are audit entries in the global chain, each account
// with a chain of its own keyed AccountChain(username), like a directory
// entry's (see audit_staff.go): who changed it, and the account before and
// after as JSON {"exists","name","subject","active","newPassword"} in
// StageFrom and StageTo. A password is never recorded, only that it was
// set.

// accountChainPrefix starts the chain key of an account. Case IDs never
// contain ':'.
const accountChainPrefix = "account:"

// ActionAccountChange is the action of an account's audit entry.
const ActionAccountChange = "account-change"

// AccountChain is the key of the audit chain of username's account.
func AccountChain(username string) string { return accountChainPrefix + username }

// IsAccountChain reports whether an audit entry's CaseID is an account's
// chain rather than a case.
func IsAccountChain(caseID string) bool { return strings.HasPrefix(caseID, accountChainPrefix) }

// accountState is an account as an audit entry records it.
type accountState struct {
	Exists      bool   `json:"exists"`
	Name        string `json:"name,omitempty"`
	Subject     string `json:"subject,omitempty"`
	Active      bool   `json:"active"`
	NewPassword bool   `json:"newPassword,omitempty"`
}

// appendAccountEntry records an account change in tx, extending both
// chains.
func appendAccountEntry(ctx context.Context, tx runner, username string, by StaffEditor, before, after accountState, at time.Time) error {
	chain := AccountChain(username)
	var last int64
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_entries WHERE case_id = ?`, chain).Scan(&last); err != nil {
		return fmt.Errorf("account audit chain of %s: %w", username, err)
	}
	fromJSON, err := json.Marshal(before)
	if err != nil {
		return err
	}
	toJSON, err := json.Marshal(after)
	if err != nil {
		return err
	}
	if by.Subject == "" {
		by = StaffEditor{Subject: "system", Name: "system"}
	}
	var words []string
	switch {
	case !before.Exists:
		words = append(words, "created for "+after.Subject)
	case before.Subject != after.Subject:
		words = append(words, fmt.Sprintf("subject: %s → %s", before.Subject, after.Subject))
	}
	if before.Exists && before.Name != after.Name {
		words = append(words, fmt.Sprintf("name: %q → %q", before.Name, after.Name))
	}
	if before.Exists && before.Active != after.Active {
		words = append(words, fmt.Sprintf("active: %t → %t", before.Active, after.Active))
	}
	if after.NewPassword {
		words = append(words, "password set")
	}
	return appendAuditEntries(ctx, tx, []AuditEntry{{
		CaseID: chain, Seq: last + 1, At: at,
		ActorSubject: by.Subject, ActorName: by.Name, Role: by.Role, Office: by.Division,
		Action: ActionAccountChange, StageFrom: string(fromJSON), StageTo: string(toJSON),
		Opinion: strings.Join(words, "; "),
	}})
}
