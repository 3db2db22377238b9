package store

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestD6StoreFilesPrivate: the database and the -wal and -shm files SQLite
// makes beside it are 0600, also when an older version left them 0644 and
// whatever the process umask, and the checkpoint file likewise.
func TestD6StoreFilesPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "civilflow.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, `CREATE TABLE d6 (x)`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := fileMode(t, p); m != PrivateFileMode {
			t.Errorf("%s: mode %v, want %v", filepath.Base(p), m, PrivateFileMode)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Files of an older version, world-readable, are tightened on open.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := fileMode(t, p); m != PrivateFileMode {
			t.Errorf("reopened %s: mode %v, want %v", filepath.Base(p), m, PrivateFileMode)
		}
	}

	cp := filepath.Join(dir, CheckpointFile)
	if err := AppendCheckpoint(cp, Checkpoint{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if m := fileMode(t, cp); m != PrivateFileMode {
		t.Errorf("new checkpoint file: mode %v, want %v", m, PrivateFileMode)
	}
	if err := os.Chmod(cp, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := AppendCheckpoint(cp, Checkpoint{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if m := fileMode(t, cp); m != PrivateFileMode {
		t.Errorf("old checkpoint file: mode %v, want %v", m, PrivateFileMode)
	}
	if cps, err := ReadCheckpointFile(cp); err != nil || len(cps) != 2 {
		t.Errorf("checkpoints after tightening: %d, %v; want both kept", len(cps), err)
	}
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
