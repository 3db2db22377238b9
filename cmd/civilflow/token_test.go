package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"civilflow/auth"
)

func TestD8TokenCommandRefusesTTLAboveCeiling(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(auth.KeyEnv, strings.Repeat("k", 32))
	t.Setenv(auth.MaxTTLEnv, "")
	base := []string{"--subject", "reg-001", "--name", "王登记", "--data-dir", dir}
	var out bytes.Buffer
	if err := token(append(base, "--ttl", "876000h"), &out); err == nil || !strings.Contains(err.Error(), "ceiling") {
		t.Fatalf("--ttl 876000h: %v, printed %q", err, out.String())
	}
	if err := token(append(base, "--ttl", "13h"), &out); err == nil {
		t.Fatal("--ttl 13h accepted under the default 12h ceiling")
	}
	if err := token(append(base, "--ttl", "12h"), &out); err != nil {
		t.Fatalf("--ttl 12h: %v", err)
	}
	p, err := auth.Verify([]byte(strings.Repeat("k", 32)), strings.TrimSpace(out.String()), time.Now())
	if err != nil || p.Subject != "reg-001" {
		t.Fatalf("minted token: %+v, %v", p, err)
	}
	t.Setenv(auth.MaxTTLEnv, "1h")
	if err := token(append(base, "--ttl", "2h"), &out); err == nil {
		t.Fatal("--ttl 2h accepted under a 1h ceiling")
	}
}
