package integration

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestD6DataDirPrivateAfterStart: civilflow started on a data directory
// made beforehand with mode 0755 leaves it 0700, and every file in it (the
// case store and the embedded Temporal server's, with their WAL and SHM
// files, the keys, the lock and the server log) 0600.
func TestD6DataDirPrivateAfterStart(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	startOwn(t, dir, &clock{})

	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel == "test-calendar" {
			return filepath.SkipDir // the tests' own calendar files, written before the start
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", rel, fi.Mode().Perm(), want)
		}
		seen[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{".", "civilflow.db", "jwt.key", "temporal", "temporal/temporal.db"} {
		if !seen[f] {
			t.Errorf("%s was not created; the check would not cover it", f)
		}
	}
	var wal bool
	for f := range seen {
		wal = wal || strings.HasSuffix(f, "-wal")
	}
	if !wal {
		t.Error("no -wal file was checked")
	}
}
