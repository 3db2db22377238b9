package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"civilflow/policies"
)

var (
	testKey  = bytes.Repeat([]byte("k"), 32)
	otherKey = bytes.Repeat([]byte("o"), 32)
	t0       = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

func testPrincipal() Principal {
	return Principal{
		Subject: "u-42",
		Name:    "张三",
		Grants: []policies.Grant{
			{Role: policies.RoleRegistrar, Division: "410100"},
			{Role: policies.RoleSupervisor, Division: "000000"},
		},
	}
}

// rawToken signs arbitrary claims, bypassing Sign's checks, to build tokens
// an attacker or a buggy issuer could present.
func rawToken(t *testing.T, m jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// headerAlg returns an encoded JOSE header naming alg.
func headerAlg(alg string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"` + alg + `","typ":"JWT"}`))
}

func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub":   "u-42",
		"iss":   Issuer,
		"aud":   []string{Audience},
		"iat":   t0.Unix(),
		"exp":   t0.Add(time.Hour).Unix(),
		"roles": []string{"registrar:410100"},
	}
}

func TestRoundTrip(t *testing.T) {
	p := testPrincipal()
	tok, err := Sign(testKey, p, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(testKey, tok, t0.Add(59*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("Verify = %+v, want %+v", got, p)
	}

	// The wire format is what the brief promises other components.
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"sub", "name", "roles", "iss", "aud", "iat", "exp"} {
		if _, ok := m[k]; !ok {
			t.Errorf("claim %q missing from %s", k, payload)
		}
	}
	if roles, _ := m["roles"].([]any); len(roles) != 2 || roles[0] != "registrar:410100" {
		t.Errorf("roles = %v", m["roles"])
	}
}

func TestRoundTripNoGrants(t *testing.T) {
	tok, err := Sign(testKey, Principal{Subject: "u-1"}, t0, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(testKey, tok, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "u-1" || len(got.Grants) != 0 {
		t.Errorf("Verify = %+v", got)
	}
}

func TestVerifyRejects(t *testing.T) {
	valid, err := Sign(testKey, testPrincipal(), t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	with := func(k string, v any) jwt.MapClaims {
		c := goodClaims()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	tampered := func() string {
		parts := strings.Split(valid, ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		payload = bytes.Replace(payload, []byte("registrar:410100"), []byte("admin:000000"), 1)
		parts[1] = base64.RawURLEncoding.EncodeToString(payload)
		return strings.Join(parts, ".")
	}()
	if tampered == valid {
		t.Fatal("tampering changed nothing")
	}
	none := rawToken(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, goodClaims())

	tests := []struct {
		name  string
		token string
		now   time.Time
		want  error // a jwt reason also wrapped, if any
	}{
		{"expired", valid, t0.Add(time.Hour + time.Minute), jwt.ErrTokenExpired},
		{"issued in the future", valid, t0.Add(-time.Hour), jwt.ErrTokenUsedBeforeIssued},
		{"wrong audience", rawToken(t, jwt.SigningMethodHS256, testKey, with("aud", []string{"someone-else"})), t0, jwt.ErrTokenInvalidAudience},
		{"missing audience", rawToken(t, jwt.SigningMethodHS256, testKey, with("aud", nil)), t0, jwt.ErrTokenRequiredClaimMissing},
		{"wrong issuer", rawToken(t, jwt.SigningMethodHS256, testKey, with("iss", "evil")), t0, jwt.ErrTokenInvalidIssuer},
		{"missing exp", rawToken(t, jwt.SigningMethodHS256, testKey, with("exp", nil)), t0, jwt.ErrTokenRequiredClaimMissing},
		{"alg none", none, t0, jwt.ErrTokenSignatureInvalid},
		{"alg NONE spelled otherwise", headerAlg("NONE") + strings.TrimPrefix(none, strings.Split(none, ".")[0]), t0, nil},
		{"signature stripped", strings.Join(strings.Split(valid, ".")[:2], ".") + ".", t0, jwt.ErrTokenSignatureInvalid},
		{"other HMAC alg", rawToken(t, jwt.SigningMethodHS512, testKey, goodClaims()), t0, jwt.ErrTokenSignatureInvalid},
		{"wrong key", rawToken(t, jwt.SigningMethodHS256, otherKey, goodClaims()), t0, jwt.ErrTokenSignatureInvalid},
		{"tampered payload", tampered, t0, jwt.ErrTokenSignatureInvalid},
		{"missing sub", rawToken(t, jwt.SigningMethodHS256, testKey, with("sub", nil)), t0, nil},
		{"empty sub", rawToken(t, jwt.SigningMethodHS256, testKey, with("sub", "")), t0, nil},
		{"invalid role", rawToken(t, jwt.SigningMethodHS256, testKey, with("roles", []string{"registrar:410100", "clerk:410100"})), t0, policies.ErrInvalidGrant},
		{"invalid division", rawToken(t, jwt.SigningMethodHS256, testKey, with("roles", []string{"registrar:41"})), t0, policies.ErrInvalidGrant},
		{"roles not strings", rawToken(t, jwt.SigningMethodHS256, testKey, with("roles", []int{1})), t0, nil},
		{"garbage", "not.a.token", t0, jwt.ErrTokenMalformed},
		{"empty", "", t0, jwt.ErrTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Verify(testKey, tt.token, tt.now)
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify = %+v, %v; want ErrInvalidToken", p, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v does not wrap %v", err, tt.want)
			}
		})
	}
}

func TestVerifyLeeway(t *testing.T) {
	tok, err := Sign(testKey, testPrincipal(), t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(testKey, tok, t0.Add(time.Hour+10*time.Second)); err != nil {
		t.Errorf("10s after exp: %v", err)
	}
	if _, err := Verify(testKey, tok, t0.Add(-10*time.Second)); err != nil {
		t.Errorf("10s before iat: %v", err)
	}
}

func TestSignRejects(t *testing.T) {
	tests := []struct {
		name string
		key  []byte
		p    Principal
		ttl  time.Duration
	}{
		{"short key", testKey[:31], testPrincipal(), time.Hour},
		{"no subject", testKey, Principal{Name: "x"}, time.Hour},
		{"zero ttl", testKey, testPrincipal(), 0},
		{"invalid grant", testKey, Principal{Subject: "u", Grants: []policies.Grant{{Role: "clerk", Division: "410100"}}}, time.Hour},
		{"subject too long", testKey, Principal{Subject: strings.Repeat("a", 65)}, time.Hour},
		{"name with a control", testKey, Principal{Subject: "u", Name: "张三"}, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok, err := Sign(tt.key, tt.p, t0, tt.ttl); err == nil {
				t.Fatalf("Sign = %q, want error", tok)
			}
		})
	}
}

func TestLoadOrCreateKeyCreatesOnce(t *testing.T) {
	t.Setenv(KeyEnv, "")
	os.Unsetenv(KeyEnv) // t.Setenv restores the outer value afterwards
	dir := filepath.Join(t.TempDir(), "data")

	k1, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 {
		t.Errorf("key length %d, want 32", len(k1))
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("key file mode %v, want 0600", m)
	}
	k2, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) {
		t.Error("second call returned a different key")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("data dir holds %d entries, want only %s", len(ents), KeyFile)
	}
}

func TestLoadOrCreateKeyConcurrentFirstStart(t *testing.T) {
	t.Setenv(KeyEnv, "")
	os.Unsetenv(KeyEnv)
	dir := t.TempDir()
	const n = 8
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], errs[i] = LoadOrCreateKey(dir)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatal("concurrent first starts disagree on the key")
		}
	}
}

func TestLoadOrCreateKeyRefusesOpenFile(t *testing.T) {
	t.Setenv(KeyEnv, "")
	os.Unsetenv(KeyEnv)
	dir := t.TempDir()
	if _, err := LoadOrCreateKey(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, KeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(dir); err == nil {
		t.Error("LoadOrCreateKey accepted a world-readable key file")
	}
}

func TestLoadOrCreateKeyEnv(t *testing.T) {
	raw32 := bytes.Repeat([]byte{0xA5}, 32)
	tests := []struct {
		name string
		env  string
		want []byte // nil: error expected
	}{
		{"base64", base64.StdEncoding.EncodeToString(raw32), raw32},
		{"base64 url unpadded with newline", base64.RawURLEncoding.EncodeToString(raw32) + "\n", raw32},
		{"raw", "0123456789abcdef0123456789abcdef!", []byte("0123456789abcdef0123456789abcdef!")},
		{"short raw", "too-short-secret", nil},
		{"short base64", base64.StdEncoding.EncodeToString(raw32[:16]), nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(KeyEnv, tt.env)
			dir := t.TempDir()
			k, err := LoadOrCreateKey(dir)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("LoadOrCreateKey = %x, want error", k)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(k, tt.want) {
				t.Errorf("key = %x, want %x", k, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, KeyFile)); !os.IsNotExist(err) {
				t.Error("a key file was written although the env var is set")
			}
		})
	}
}

func TestD8TokenLifetimeCeilingAndIatRequired(t *testing.T) {
	with := func(k string, v any) string {
		c := goodClaims()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return rawToken(t, jwt.SigningMethodHS256, testKey, c)
	}
	refused := map[string]string{
		"no iat":               with("iat", nil),
		"exp in 2126":          with("exp", t0.AddDate(100, 0, 0).Unix()),
		"13 hours":             with("exp", t0.Add(13*time.Hour).Unix()),
		"iat back-dated":       with("iat", t0.Add(-24*time.Hour).Unix()),
		"subject of 5000":      with("sub", strings.Repeat("a", 5000)),
		"subject with a slash": with("sub", "../admin"),
		"name with NUL":        with("name", "李\x00娜"),
		"name with RLO":        with("name", "abc\u202e"),
	}
	for name, tok := range refused {
		if p, err := Verify(testKey, tok, t0.Add(time.Minute)); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: Verify = %+v, %v; want ErrInvalidToken", name, p, err)
		}
	}
	// Exactly the ceiling is fine; a lower configured ceiling refuses it.
	twelve := with("exp", t0.Add(12*time.Hour).Unix())
	if _, err := Verify(testKey, twelve, t0.Add(time.Minute)); err != nil {
		t.Errorf("12h token: %v", err)
	}
	if _, err := VerifyMaxTTL(testKey, twelve, t0.Add(time.Minute), 8*time.Hour); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("12h token under an 8h ceiling: %v", err)
	}
}

func TestD8MaxTTLFromEnvironment(t *testing.T) {
	t.Setenv(MaxTTLEnv, "")
	if d, err := MaxTTL(); err != nil || d != DefaultMaxTTL {
		t.Errorf("unset: %v, %v", d, err)
	}
	t.Setenv(MaxTTLEnv, "8h")
	if d, err := MaxTTL(); err != nil || d != 8*time.Hour {
		t.Errorf("8h: %v, %v", d, err)
	}
	for _, v := range []string{"soon", "-1h", "0s"} {
		t.Setenv(MaxTTLEnv, v)
		if _, err := MaxTTL(); err == nil {
			t.Errorf("%q accepted", v)
		}
	}
}
