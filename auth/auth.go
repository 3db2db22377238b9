// Package auth issues and verifies civilflow bearer tokens: JWTs signed with
// HS256 under one server key, carrying the subject and their grants
// ("role:division"). Authorization itself is the policies package's job.
package auth

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"civilflow/policies"
	"civilflow/textcheck"
)

// Issuer and Audience are the iss and aud claims of every civilflow token.
const (
	Issuer   = "civilflow"
	Audience = "civilflow"
)

// leeway absorbs small clock differences between the issuing and the
// verifying machine.
const leeway = 30 * time.Second

// DefaultMaxTTL is the longest token lifetime (exp − iat) accepted unless
// configured otherwise: a working day and its evening, so a token lost
// today is worthless tomorrow.
const DefaultMaxTTL = 12 * time.Hour

// MaxTTLEnv names the environment variable that sets the ceiling on token
// lifetimes for both `civilflow serve` and `civilflow token` (a Go
// duration such as 8h).
const MaxTTLEnv = "CIVILFLOW_MAX_TOKEN_TTL"

// MaxTTL returns the configured ceiling on token lifetimes: MaxTTLEnv if
// set, else DefaultMaxTTL.
func MaxTTL() (time.Duration, error) {
	v, ok := os.LookupEnv(MaxTTLEnv)
	if !ok || v == "" {
		return DefaultMaxTTL, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("auth: %s=%q: want a positive duration such as 12h", MaxTTLEnv, v)
	}
	return d, nil
}

// subjectPattern is what a subject may look like: a staff ID of the
// directory or a resident ID number. Anything else in a token is forged.
var subjectPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ErrInvalidToken is wrapped by every error Verify returns for a token that
// must not be accepted. The API answers such errors with 401 and keeps the
// wrapped reason for its logs only.
var ErrInvalidToken = errors.New("invalid token")

// Principal is an authenticated person and the grants they hold.
type Principal struct {
	Subject string
	Name    string
	Grants  []policies.Grant
}

// claims is the token payload: the registered claims plus the person's
// display name and grants in text form.
type claims struct {
	Name  string   `json:"name,omitempty"`
	Roles []string `json:"roles"`
	jwt.RegisteredClaims
}

// Sign returns an HS256 token for p, issued at now and valid for ttl.
func Sign(key []byte, p Principal, now time.Time, ttl time.Duration) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if p.Subject == "" {
		return "", errors.New("auth: sign: principal has no subject")
	}
	if !subjectPattern.MatchString(p.Subject) {
		return "", fmt.Errorf("auth: sign: subject %q: want up to 64 letters, digits, '.', '_' or '-'", p.Subject)
	}
	if err := textcheck.Line(p.Name); err != nil {
		return "", fmt.Errorf("auth: sign: name %w", err)
	}
	if ttl <= 0 {
		return "", fmt.Errorf("auth: sign: ttl %v is not positive", ttl)
	}
	roles := make([]string, 0, len(p.Grants))
	for _, g := range p.Grants {
		if err := g.Validate(); err != nil {
			return "", fmt.Errorf("auth: sign: %w", err)
		}
		roles = append(roles, g.String())
	}
	c := claims{
		Name:  p.Name,
		Roles: roles,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   p.Subject,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key)
	if err != nil {
		return "", fmt.Errorf("auth: sign: %w", err)
	}
	return s, nil
}

// Verify is VerifyMaxTTL with DefaultMaxTTL.
func Verify(key []byte, token string, now time.Time) (Principal, error) {
	return VerifyMaxTTL(key, token, now, DefaultMaxTTL)
}

// VerifyMaxTTL checks token against key at time now and returns its
// principal. Only HS256 is accepted (never "none" nor any other algorithm, which closes
// algorithm-confusion attacks); iss and aud must be "civilflow"; exp is
// required and, like iat, checked with a small leeway; iat is required too,
// and exp − iat may not exceed maxTTL, so a token minted for a century is
// refused however it was signed; sub is required and shaped like a staff ID
// or an ID number, the name is clean text, and every role must be a valid
// grant. Every rejection wraps ErrInvalidToken.
func VerifyMaxTTL(key []byte, token string, now time.Time, maxTTL time.Duration) (Principal, error) {
	if err := checkKey(key); err != nil {
		return Principal{}, err
	}
	var c claims
	_, err := jwt.ParseWithClaims(token, &c,
		func(t *jwt.Token) (any, error) {
			// WithValidMethods already enforces this; checking again keeps
			// the key from ever being handed to another algorithm.
			if t.Method != jwt.SigningMethodHS256 {
				return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
			}
			return key, nil
		},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if c.Subject == "" {
		return Principal{}, fmt.Errorf("%w: missing sub", ErrInvalidToken)
	}
	if !subjectPattern.MatchString(c.Subject) {
		return Principal{}, fmt.Errorf("%w: malformed sub", ErrInvalidToken)
	}
	if c.IssuedAt == nil {
		return Principal{}, fmt.Errorf("%w: missing iat", ErrInvalidToken)
	}
	if life := c.ExpiresAt.Sub(c.IssuedAt.Time); life > maxTTL {
		return Principal{}, fmt.Errorf("%w: lifetime %v exceeds the ceiling %v", ErrInvalidToken, life, maxTTL)
	}
	if err := textcheck.Line(c.Name); err != nil {
		return Principal{}, fmt.Errorf("%w: name %w", ErrInvalidToken, err)
	}
	p := Principal{Subject: c.Subject, Name: c.Name}
	for _, r := range c.Roles {
		g, err := policies.ParseGrant(r)
		if err != nil {
			return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
		}
		p.Grants = append(p.Grants, g)
	}
	return p, nil
}

// checkKey refuses keys too short for HS256 to be meaningful.
func checkKey(key []byte) error {
	if len(key) < MinKeyLen {
		return fmt.Errorf("auth: key is %d bytes, need at least %d", len(key), MinKeyLen)
	}
	return nil
}
