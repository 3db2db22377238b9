package integration

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	enums "go.temporal.io/api/enums/v1"

	"civilflow/temporalserver"
)

func TestTSAdhoc(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := tsConfig(t, dir)
	srv, err := temporalserver.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	cfg.SearchAttributes["CivilflowStage"] = enums.INDEXED_VALUE_TYPE_INT
	b := time.Now()
	_, err = temporalserver.Start(ctx, cfg)
	t.Logf("mismatch: %v (%v)", err, time.Since(b))
	cfg.SearchAttributes = map[string]enums.IndexedValueType{"WorkflowType": enums.INDEXED_VALUE_TYPE_KEYWORD}
	_, err = temporalserver.Start(ctx, cfg)
	t.Logf("reserved: %v", err)
	cfg.SearchAttributes = nil
	cfg.Address = "0.0.0.0:0"
	_, err = temporalserver.Start(ctx, cfg)
	t.Logf("nonloopback: %v", err)
	cfg.Address = "127.0.0.1:0"
	cfg.Retention = time.Minute
	_, err = temporalserver.Start(ctx, cfg)
	t.Logf("retention: %v", err)
	cfg.Retention = 0
	c2, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	b = time.Now()
	_, err = temporalserver.Start(c2, cfg)
	t.Logf("ctx timeout: %v (%v)", err, time.Since(b))
	// after all failures the dir must still work
	srv, err = temporalserver.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	// foreign db
	d2 := t.TempDir()
	db, _ := sql.Open("sqlite", "file:"+filepath.Join(d2, "temporal.db"))
	db.Exec("CREATE TABLE foo(x)")
	db.Close()
	_, err = temporalserver.Start(ctx, tsConfig(t, d2))
	t.Logf("foreign: %v", err)
	d3 := t.TempDir()
	os.WriteFile(filepath.Join(d3, "temporal.db"), []byte("garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage"), 0o600)
	_, err = temporalserver.Start(ctx, tsConfig(t, d3))
	t.Logf("garbage: %v", err)
}
