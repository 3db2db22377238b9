package app

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"civilflow/auth"
	"civilflow/store"
)

// DataDirMode is the mode of the data directory and the directories inside
// it: they hold personal data (the case store, Temporal's histories) and
// the signing key, so only the owner may list or enter them.
const DataDirMode fs.FileMode = 0o700

// knownDataFiles are the files civilflow and the embedded Temporal server
// keep in the data directory, relative to it. SQLite creates the -wal and
// -shm files itself, so they are listed too and tightened at every start.
var knownDataFiles = []string{
	"civilflow.db", "civilflow.db-wal", "civilflow.db-shm",
	store.CheckpointFile,
	"temporal/temporal.db", "temporal/temporal.db-wal", "temporal/temporal.db-shm",
	"temporal/temporal-server.log", "temporal/temporal.lock",
}

// knownDataDirs are the directories inside the data directory.
var knownDataDirs = []string{"temporal"}

// prepareDataDir makes the data directory private before anything is
// written to it. New files get no group or other access (umask 077, since
// SQLite and the Temporal server create files of their own); a directory
// or file that already exists with a wider mode (a directory made with
// mkdir -p, a mounted volume, files of an older version) is tightened to
// 0700 or 0600 and the change logged, rather than refused: the operator
// asked civilflow to keep its data there, and refusing would only leave it
// readable. Key files are the exception: a key readable by others may
// already have been copied, so it is refused (auth.CheckKeyFiles) and must
// be replaced or chmodded by the operator.
func prepareDataDir(dir string, log *slog.Logger) error {
	restrictUmask()
	if dir == "" {
		return errors.New("data dir: no directory given")
	}
	if err := os.MkdirAll(dir, DataDirMode); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if err := tighten(dir, DataDirMode, log); err != nil {
		return err
	}
	for _, d := range knownDataDirs {
		if err := tighten(filepath.Join(dir, d), DataDirMode, log); err != nil {
			return err
		}
	}
	for _, f := range knownDataFiles {
		if err := tighten(filepath.Join(dir, f), store.PrivateFileMode, log); err != nil {
			return err
		}
	}
	return auth.CheckKeyFiles(dir)
}

// tighten sets path to mode when group or others have any access to it; a
// missing path is left alone.
func tighten(path string, mode fs.FileMode, log *slog.Logger) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if runtime.GOOS == "windows" || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("data dir: restrict %s to its owner (mode %v): %w", path, mode, err)
	}
	log.Warn("restricted a data file to its owner", "path", path, "was", fi.Mode().Perm(), "now", mode)
	return nil
}
