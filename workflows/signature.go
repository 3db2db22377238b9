package workflows

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"
)

// ActSignature is the API's signature over one action (ActRequest.Signature):
// HMAC-SHA256, under a key shared by the API and the worker, of the case ID,
// the issue time, the nonce and the request itself (action, actor with roles,
// opinion, attachments, targets, form). A client that can reach Temporal but
// does not hold the key cannot make the workflow accept an action.
type ActSignature struct {
	IssuedAt time.Time `json:"issuedAt"`
	Nonce    string    `json:"nonce"`
	MAC      string    `json:"mac"` // base64url, unpadded
}

// Limits on a signature's age as the workflow sees it.
const (
	// SignatureMaxAge is how long a signed action may take to reach the
	// workflow; the API signs right before it sends.
	SignatureMaxAge = 5 * time.Minute
	// SignatureMaxSkew tolerates an issue time slightly ahead of the
	// workflow's clock.
	SignatureMaxSkew = time.Minute
	// MinActionKeyLen is the shortest key accepted, in bytes.
	MinActionKeyLen = 32
)

// SignAct returns req with its Signature set for the case caseID. nonce
// must be unique (the API draws it at random); issuedAt is the API's clock.
func SignAct(key []byte, caseID string, req ActRequest, issuedAt time.Time, nonce string) (ActRequest, error) {
	if len(key) < MinActionKeyLen {
		return req, fmt.Errorf("workflows: action key shorter than %d bytes", MinActionKeyLen)
	}
	// Sign what the workflow will decode, not what is in memory here: the
	// JSON round trip normalises what it would change on the way (invalid
	// UTF-8, raw JSON that is not compact).
	raw, err := json.Marshal(req)
	if err != nil {
		return req, fmt.Errorf("workflows: sign action: %w", err)
	}
	var wire ActRequest
	if err := json.Unmarshal(raw, &wire); err != nil {
		return req, fmt.Errorf("workflows: sign action: %w", err)
	}
	wire.Signature = &ActSignature{IssuedAt: issuedAt.UTC(), Nonce: nonce}
	mac, err := actMAC(key, caseID, wire)
	if err != nil {
		return req, err
	}
	wire.Signature.MAC = mac
	return wire, nil
}

// VerifyAct checks req's signature for the case caseID at the workflow's
// time now. The errors say what is wrong without revealing anything about
// the key.
func VerifyAct(key []byte, caseID string, req ActRequest, now time.Time) error {
	sig := req.Signature
	if sig == nil || sig.MAC == "" || sig.Nonce == "" || sig.IssuedAt.IsZero() {
		return fmt.Errorf("the action is not signed")
	}
	if len(key) < MinActionKeyLen {
		// Fail closed: a worker registered without a key accepts nothing.
		return fmt.Errorf("the action's signature cannot be verified")
	}
	got, err := base64.RawURLEncoding.DecodeString(sig.MAC)
	if err != nil {
		return fmt.Errorf("the action's signature does not verify")
	}
	want, err := actMAC(key, caseID, req)
	if err != nil {
		return err
	}
	wantRaw, _ := base64.RawURLEncoding.DecodeString(want)
	if !hmac.Equal(got, wantRaw) {
		return fmt.Errorf("the action's signature does not verify")
	}
	if age := now.Sub(sig.IssuedAt); age > SignatureMaxAge || age < -SignatureMaxSkew {
		return fmt.Errorf("the action's signature is stale (issued %s, case clock %s)",
			sig.IssuedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}

// actMAC is the MAC over the canonical form of req: the JSON encoding (Go's
// encoding/json is deterministic: struct fields in declaration order) of
// the case ID and the request with the MAC itself left empty. A version
// prefix keeps a later format from being confused with this one.
func actMAC(key []byte, caseID string, req ActRequest) (string, error) {
	sig := *req.Signature
	sig.MAC = ""
	req.Signature = &sig
	// workflowcheck reports encoding/json for its map encoder and type
	// cache; ActRequest holds no maps, so the encoding is the same on every
	// replay.
	//workflowcheck:ignore
	body, err := json.Marshal(struct {
		CaseID  string     `json:"caseId"`
		Request ActRequest `json:"request"`
	}{caseID, req})
	if err != nil {
		return "", fmt.Errorf("workflows: canonical action: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("civilflow-act-v1\n"))
	m.Write(body)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// Cases is the case workflow bound to the key that verifies signed
// actions. The worker registers Cases{...}.CaseWorkflow under
// CaseWorkflowName; the key is configuration, not workflow state, so it
// never enters a history.
type Cases struct {
	// ActionKey verifies ActRequest signatures. Without one every action
	// is rejected.
	ActionKey []byte
}

// CaseWorkflow runs one case through its procedure definition.
func (w Cases) CaseWorkflow(ctx workflow.Context, in CaseInput) (CaseState, error) {
	return runCase(ctx, in, w.ActionKey)
}

// verifySignature is the first check of the act validator.
//
// It is called from the update's validator only, never from handleAct:
// the SDK (internal_update.go, v1.50) skips validators while replaying
// ("so that validation routines can change across versions"), so an
// action accepted under an old key replays unchanged after the key is
// rotated, whereas a check in the handler would fail the replay. The
// handler still records the nonce, so one signed request is accepted once.
func (c *caseRun) verifySignature(ctx workflow.Context, req ActRequest) error {
	err := VerifyAct(c.actionKey, c.in.CaseID, req, workflow.Now(ctx))
	if err == nil {
		for _, n := range c.nonces {
			if n.nonce == req.Signature.Nonce {
				err = fmt.Errorf("the action was already received")
			}
		}
	}
	if err != nil {
		// Nothing reaches the history, so the worker's log is where a
		// forgery attempt is seen: what it claimed, and why it failed.
		workflow.GetLogger(ctx).Warn("action refused: signature",
			"case", c.in.CaseID, "action", req.Action, "claimedActor", req.Actor.Subject, "reason", err.Error())
		return rejected("%v", err)
	}
	return nil
}

// usedNonce is a nonce of an accepted action, kept while a copy of it
// could still pass the age check.
type usedNonce struct {
	nonce    string
	issuedAt time.Time
}

// rememberNonce records an accepted action's nonce and forgets those too
// old to matter. It runs in the handler, on replay too, which is harmless:
// it issues no commands and only rebuilds the same list.
func (c *caseRun) rememberNonce(ctx workflow.Context, req ActRequest) {
	if req.Signature == nil {
		return
	}
	cutoff := workflow.Now(ctx).Add(-SignatureMaxAge - SignatureMaxSkew)
	kept := c.nonces[:0]
	for _, n := range c.nonces {
		if n.issuedAt.After(cutoff) {
			kept = append(kept, n)
		}
	}
	c.nonces = append(kept, usedNonce{req.Signature.Nonce, req.Signature.IssuedAt})
}
