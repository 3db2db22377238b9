package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/humatest"
)

type linkOut struct {
	Body struct {
		N int `json:"n"`
	}
}

func schemaOf(t *testing.T, body []byte) string {
	t.Helper()
	var v struct {
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	return v.Schema
}

func TestD14SchemaLinkNotFromHostHeaders(t *testing.T) {
	for base, want := range map[string]string{
		"":                                  "/schemas/",
		"https://civilflow.example.gov.cn/": "https://civilflow.example.gov.cn/schemas/",
	} {
		_, api := humatest.New(t, configFor(base))
		huma.Register(api, huma.Operation{OperationID: "n", Method: http.MethodGet, Path: "/n", Summary: "N", Tags: []string{"Test"}},
			func(context.Context, *struct{}) (*linkOut, error) { return &linkOut{}, nil })
		for _, h := range []string{"X-Forwarded-Host: evil.example", "Forwarded: host=evil.example", "Host: evil.example"} {
			res := api.Get("/n", h)
			got := schemaOf(t, res.Body.Bytes())
			if strings.Contains(got, "evil") || !strings.HasPrefix(got, want) || !strings.HasSuffix(got, ".json") {
				t.Errorf("base %q, %s: $schema %q, want %s…", base, h, got, want)
			}
			if l := res.Header().Get("Link"); strings.Contains(l, "evil") {
				t.Errorf("Link %q", l)
			}
		}
	}
}
