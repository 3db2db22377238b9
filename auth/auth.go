// Package auth issues and verifies civilflow bearer tokens: JWTs signed with
// HS256 under one server key, carrying the subject and their grants
// ("role:division"). Authorization itself is the policies package's job.
package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"civilflow/policies"
)

// Issuer and Audience are the iss and aud claims of every civilflow token.
const (
	Issuer   = "civilflow"
	Audience = "civilflow"
)

// leeway absorbs small clock differences between the issuing and the
// verifying machine.
const leeway = 30 * time.Second

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

// Verify checks token against key at time now and returns its principal.
// Only HS256 is accepted (never "none" nor any other algorithm, which closes
// algorithm-confusion attacks); iss and aud must be "civilflow"; exp is
// required and, like iat, checked with a small leeway; sub is required and
// every role must be a valid grant. Every rejection wraps ErrInvalidToken.
func Verify(key []byte, token string, now time.Time) (Principal, error) {
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
