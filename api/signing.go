package api

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
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
// <dataDir>/action.key, created on first start like the JWT key and held to
// the same key-file rule.
func LoadOrCreateActionKey(dataDir string) ([]byte, error) {
	k, err := auth.LoadOrCreateKeyFile(dataDir, ActionKeyFile)
	if err != nil {
		return nil, fmt.Errorf("action key: %w", err)
	}
	return k, nil
}
