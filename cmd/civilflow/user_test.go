package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"civilflow/store"
)

func TestUserAddFirstAdministrator(t *testing.T) {
	dir := t.TempDir()
	args := []string{"add", "--data-dir", dir, "--username", "admin", "--name", "管理员", "--subject", "admin-001", "--role", "admin:000000"}
	if err := user(args, strings.NewReader("short\n"), io.Discard); err == nil || !strings.Contains(err.Error(), "at least 10") {
		t.Fatalf("short password: %v", err)
	}
	var out strings.Builder
	if err := user(args, strings.NewReader("a good long password\n"), &out); err != nil {
		t.Fatal(err)
	}
	if err := user(args, strings.NewReader("a good long password\n"), io.Discard); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second add of the same username: %v, want ErrExists", err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.Account(ctx, "admin")
	if err != nil || a.Subject != "admin-001" || !a.Active || !store.CheckPassword(a.PasswordHash, "a good long password") {
		t.Fatalf("account %+v %v", a, err)
	}
	// A forgotten password is replaced from the command line, lifting a lock.
	if _, err := db.SignInFailed(ctx, "admin", time.Now(), store.Lockout{FreeAttempts: 1, First: time.Hour, Max: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if err := user([]string{"passwd", "--data-dir", dir, "--username", "admin"}, strings.NewReader("another long password\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	if a, _ := db.Account(ctx, "admin"); !store.CheckPassword(a.PasswordHash, "another long password") || !a.LockedUntil.IsZero() {
		t.Fatalf("after passwd: %+v", a)
	}
	if err := user([]string{"passwd", "--data-dir", dir, "--username", "nobody"}, strings.NewReader("another long password\n"), io.Discard); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("passwd of an unknown account: %v", err)
	}
	listed, held, err := db.StaffStanding(ctx, "admin-001")
	if err != nil || !listed || len(held) != 1 || held[0] != (store.Grant{Role: "admin", Division: "000000"}) {
		t.Fatalf("directory entry: listed %v, roles %v, %v", listed, held, err)
	}
}
