package api

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"civilflow/auth"
	"civilflow/workflows"
)

// ActionKeyFile is the name of the key that signs actions, inside the data
// directory. The API signs each action with it and the worker verifies the
// signature, so a forged update sent straight to Temporal is rejected.
const ActionKeyFile = "action.key"

// signAct signs req for the case caseID with a fresh random nonce. The
// issue time is the real clock, not d.Now: the workflow compares it with
// Temporal's clock, and d.Now may be back-dated (receipt dates in tests).
func (d *Deps) signAct(caseID string, req workflows.ActRequest) (workflows.ActRequest, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return req, fmt.Errorf("nonce: %w", err)
	}
	return workflows.SignAct(d.ActionKey, caseID, req, time.Now(), base64.RawURLEncoding.EncodeToString(nonce))
}

// LoadOrCreateActionKey returns the action signing key from
// <dataDir>/action.key, creating it with 32 random bytes (base64, mode
// 0600) on first start. A key file readable by group or others is refused,
// as for the JWT key.
func LoadOrCreateActionKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, ActionKeyFile)
	k, err := readActionKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createActionKey(dataDir, path); err != nil {
			return nil, err
		}
		// Read back what is on disk: a concurrent start may have won.
		k, err = readActionKey(path)
	}
	return k, err
}

func readActionKey(path string) ([]byte, error) {
	if err := auth.CheckKeyFileMode(path); err != nil { // the one rule for key files
		return nil, fmt.Errorf("action key: %w", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("action key: %w", err)
	}
	k, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(k) < workflows.MinActionKeyLen {
		return nil, fmt.Errorf("action key file %s: need base64 of at least %d bytes", path, workflows.MinActionKeyLen)
	}
	return k, nil
}

// createActionKey writes a new key unless one exists: through a temporary
// file hard-linked into place, so no reader sees half a key and a key in
// use is never overwritten.
func createActionKey(dataDir, path string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("action key: %w", err)
	}
	raw := make([]byte, workflows.MinActionKeyLen)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("action key: %w", err)
	}
	tmp, err := os.CreateTemp(dataDir, ActionKeyFile+".tmp*") // mode 0600
	if err != nil {
		return fmt.Errorf("action key: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(raw) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("action key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("action key: %w", err)
	}
	return nil
}
