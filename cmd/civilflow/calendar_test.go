package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"civilflow/store"
)

// TestM21CalendarLoadCommand: "civilflow calendar load FILE" stores a valid
// notice in the data directory's database and refuses a bad one, naming
// the fault.
func TestM21CalendarLoadCommand(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "civilflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	good := filepath.Join(dir, "cn-2027.yaml")
	os.WriteFile(good, []byte("version: cn-2027-test.v1\nyears:\n  - year: 2027\n    notice: test notice\n    holidays:\n      - {name: 元旦, from: 2027-01-01, to: 2027-01-03}\n"), 0o600)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("version: bad.v1\nyears:\n  - year: 2028\n    notice: x\n    makeup_workdays: [2028-01-05]\n"), 0o600)
	var out bytes.Buffer
	if err := calendarCmd([]string{"load", "--data-dir", dir, "--by", "ops-1", good}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "cn-2027-test.v1") || !strings.Contains(out.String(), "2027") {
		t.Errorf("output %q", out.String())
	}
	err = calendarCmd([]string{"load", "--data-dir", dir, bad}, &out)
	if err == nil || !strings.Contains(err.Error(), "make-up working day 2028-01-05") {
		t.Errorf("bad file: %v", err)
	}
	out.Reset()
	if err := calendarCmd([]string{"list", "--data-dir", dir}, &out); err != nil || strings.Count(out.String(), "\n") != 1 || !strings.Contains(out.String(), "ops-1") {
		t.Errorf("list %q %v", out.String(), err)
	}
}
