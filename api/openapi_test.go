package api

import (
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/humatest"
)

var update = flag.Bool("update", false, "rewrite testdata/openapi.json")

func testAPI(t *testing.T) huma.API {
	_, api := humatest.New(t, Config())
	Register(api, &Deps{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	return api
}

// TestEveryOperationIsDescribed keeps the contract complete: an ID, a
// summary, a tag, a default status, declared errors, and limits on every
// string a client sends.
func TestEveryOperationIsDescribed(t *testing.T) {
	api := testAPI(t)
	for path, item := range api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			where := op.Method + " " + path
			if op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 || op.DefaultStatus == 0 {
				t.Errorf("%s: needs operation id, summary, tag and default status", where)
			}
			if _, ok := op.Responses["401"]; !ok && !isPublic(op) {
				t.Errorf("%s: does not document 401", where)
			}
			for _, p := range op.Parameters {
				if p.Schema != nil && p.Schema.Type == "string" && p.Schema.MaxLength == nil {
					t.Errorf("%s: parameter %s has no maxLength", where, p.Name)
				}
			}
		}
	}
}

// TestOpenAPIGolden fails when the published contract changes without a
// new API version; run with -update after bumping Version.
func TestOpenAPIGolden(t *testing.T) {
	got, err := json.MarshalIndent(testAPI(t).OpenAPI(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	const file = "testdata/openapi.json"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./api -update)", err)
	}
	if string(got) == string(want) {
		return
	}
	var old struct {
		Info struct{ Version string } `json:"info"`
	}
	if err := json.Unmarshal(want, &old); err != nil {
		t.Fatal(err)
	}
	if old.Info.Version == Version {
		t.Fatalf("the OpenAPI document changed but the API version is still %s: bump api.Version, then run go test ./api -update", Version)
	}
	t.Fatalf("the OpenAPI document changed (version %s → %s): run go test ./api -update and commit it", old.Info.Version, Version)
}
