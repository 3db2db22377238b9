package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// KeyEnv names the environment variable that, when set, supplies the token
// signing key instead of the key file.
const KeyEnv = "CIVILFLOW_JWT_KEY"

// KeyFile is the name of the generated key file inside the data directory.
const KeyFile = "jwt.key"

// MinKeyLen is the shortest key accepted, in bytes (the HS256 output size).
const MinKeyLen = 32

// LoadOrCreateKey returns the token signing key. If CIVILFLOW_JWT_KEY is set
// it is used (surrounding whitespace trimmed; base64 if it decodes to at
// least 32 bytes, otherwise the raw bytes, which must be at least 32). Set
// but empty is an error, not a fallback: an unfilled secret in a deployment
// would otherwise give each instance its own generated key.
// Otherwise the key is read from <dataDir>/jwt.key, which is created with 32
// random bytes (base64, mode 0600) on first start. A key file readable by
// group or others is refused, as ssh does with private keys.
func LoadOrCreateKey(dataDir string) ([]byte, error) {
	if v, ok := os.LookupEnv(KeyEnv); ok {
		k, err := parseKey([]byte(v))
		if err != nil {
			return nil, fmt.Errorf("auth: %s: %w", KeyEnv, err)
		}
		return k, nil
	}
	return LoadOrCreateKeyFile(dataDir, KeyFile)
}

// LoadOrCreateKeyFile returns the secret kept in <dataDir>/<name>, creating
// it with MinKeyLen random bytes (base64, mode 0600) on first start. Every
// key civilflow generates into its data directory (the token key, the
// action-signing key) goes through here, so they share one file rule.
func LoadOrCreateKeyFile(dataDir, name string) ([]byte, error) {
	path := filepath.Join(dataDir, name)
	k, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKeyFile(dataDir, path); err != nil {
			return nil, err
		}
		// Read back what is on disk: another process may have won the race
		// to create it, and both must use the same key.
		k, err = readKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// readKeyFile reads and parses an existing key file.
func readKeyFile(path string) ([]byte, error) {
	if err := CheckKeyFileMode(path); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	k, err := parseKey(b)
	if err != nil {
		return nil, fmt.Errorf("auth: key file %s: %w", path, err)
	}
	return k, nil
}

// createKeyFile writes a new random key to path unless one already exists.
// The key is written to a temporary file first and then hard-linked into
// place, so no reader ever sees a half-written key and a concurrent start
// cannot overwrite a key that is already in use.
func createKeyFile(dataDir, path string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	raw := make([]byte, MinKeyLen)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("auth: generate key: %w", err)
	}
	tmp, err := os.CreateTemp(dataDir, KeyFile+".tmp*") // created with mode 0600
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // the link, if made, keeps the key
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("auth: write key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("auth: install key: %w", err)
	}
	return nil
}

// parseKey accepts base64 (standard or URL alphabet, padded or not) that
// decodes to at least MinKeyLen bytes, or else at least MinKeyLen raw bytes.
func parseKey(b []byte) ([]byte, error) {
	s := string(bytes.TrimSpace(b))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) >= MinKeyLen {
			return k, nil
		}
	}
	if len(s) >= MinKeyLen {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("key is too short: need at least %d bytes (raw, or base64-encoded)", MinKeyLen)
}

// KeyFilePatterns name the files of a data directory that hold secrets and
// are held to the key-file rule of CheckKeyFileMode: the JWT key and any
// other key or certificate key an operator keeps beside it.
var KeyFilePatterns = []string{"*.key", "*.pem"}

// CheckKeyFileMode is the one rule for key files: a key readable or
// writable by group or others is refused rather than silently tightened,
// as ssh does with private keys, since it may already have been copied.
// The error names the file, its mode and the fix.
func CheckKeyFileMode(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("auth: key file %s has mode %v; it must not be readable by others (chmod 600)", path, fi.Mode().Perm())
	}
	return nil
}

// CheckKeyFiles applies CheckKeyFileMode to every file of dir matching
// KeyFilePatterns. A missing dir has no key files.
func CheckKeyFiles(dir string) error {
	for _, pat := range KeyFilePatterns {
		paths, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return fmt.Errorf("auth: %w", err)
		}
		for _, p := range paths {
			if err := CheckKeyFileMode(p); err != nil {
				return err
			}
		}
	}
	return nil
}
