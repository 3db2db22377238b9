//go:build !unix

package temporalserver

import (
	"fmt"
	"os"
)

// lockDir only creates the lock file: there is no portable advisory lock
// outside unix, so a second server on the same directory is not detected.
func lockDir(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	return f, nil
}
