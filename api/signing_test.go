package api

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"civilflow/workflows"
)

// TestD1ActionKeyPrivate: the action key is made once, owner-only, and
// reused; a key others can read is refused; what the API signs verifies
// with it and with no other key.
func TestD1ActionKeyPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := LoadOrCreateActionKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ActionKeyFile)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	k2, err := LoadOrCreateActionKey(dir)
	if err != nil || !bytes.Equal(k1, k2) || len(k1) < workflows.MinActionKeyLen {
		t.Fatalf("second load: %d bytes, same %v, err %v", len(k2), bytes.Equal(k1, k2), err)
	}

	d := &Deps{ActionKey: k1}
	req, err := d.signAct("MAR-110105-20261202-0001", workflows.ActRequest{Action: "register",
		Actor: workflows.Actor{Subject: "reg-001", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "110105"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := workflows.VerifyAct(k1, "MAR-110105-20261202-0001", req, time.Now()); err != nil {
		t.Fatalf("the API's own signature: %v", err)
	}
	other := bytes.Repeat([]byte{1}, workflows.MinActionKeyLen)
	if err := workflows.VerifyAct(other, "MAR-110105-20261202-0001", req, time.Now()); err == nil {
		t.Fatal("verified with another key")
	}
	again, _ := d.signAct("MAR-110105-20261202-0001", req)
	if again.Signature.Nonce == req.Signature.Nonce {
		t.Fatal("two signatures share a nonce")
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateActionKey(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key: %v", err)
	}
}
