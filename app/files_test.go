package app

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"civilflow/auth"
)

// TestD6PreCreatedDirTightened: a data dir made beforehand with 0755, holding
// files an older version created 0644, ends up 0700 with every file 0600, and
// files created afterwards (as SQLite creates its -wal) are 0600 too.
func TestD6PreCreatedDirTightened(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(filepath.Join(dir, "temporal"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range knownDataFiles {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(dir, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := prepareDataDir(dir, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "temporal")} {
		if m := mode(t, d); m != 0o700 {
			t.Errorf("%s: mode %v, want 0700", filepath.Base(d), m)
		}
	}
	for _, f := range knownDataFiles {
		if m := mode(t, filepath.Join(dir, f)); m != 0o600 {
			t.Errorf("%s: mode %v, want 0600", f, m)
		}
	}
	// The umask now applies to files others create, whatever mode they ask for.
	late := filepath.Join(dir, "civilflow.db-late")
	if err := os.WriteFile(late, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, late); m != 0o600 {
		t.Errorf("file created after preparing: mode %v, want 0600", m)
	}
}

// TestD6ReadableKeyRefused: a key file readable by others (the JWT key or
// any other *.key or *.pem in the data dir) stops the start with the fix.
func TestD6ReadableKeyRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	for _, name := range []string{auth.KeyFile, "tls.key", "client.pem"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(strings.Repeat("k", 44)), 0o600); err != nil {
				t.Fatal(err)
			}
			discard := slog.New(slog.NewTextHandler(io.Discard, nil))
			if err := prepareDataDir(dir, discard); err != nil {
				t.Fatalf("0600 key refused: %v", err)
			}
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
			err := prepareDataDir(dir, discard)
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "chmod 600") {
				t.Fatalf("0644 %s: got %v, want a refusal naming the file and the fix", name, err)
			}
			if m := mode(t, p); m != 0o644 {
				t.Errorf("the refused key was changed to %v; it must be left for the operator", m)
			}
		})
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
