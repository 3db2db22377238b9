package api

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/humatest"
)

// TestServerErrorsDoNotLeak: a 5xx answers with a generic problem and the
// detail goes to the log; a 4xx keeps its field-level detail.
func TestServerErrorsDoNotLeak(t *testing.T) {
	var logged bytes.Buffer
	errorFactoryOnce.Do(func() {}) // the factory below is the one under test
	installErrorFactory(slog.New(slog.NewTextHandler(&logged, nil)))
	_, api := humatest.New(t, Config())
	secret := errors.New("dial tcp 10.1.2.3:7233: connection refused; table cases is locked")
	huma.Register(api, huma.Operation{OperationID: "boom", Method: http.MethodGet, Path: "/boom", Summary: "Boom", Tags: []string{"Test"}},
		func(context.Context, *struct{}) (*struct{}, error) {
			return nil, huma.Error500InternalServerError("query case", secret)
		})
	huma.Register(api, huma.Operation{OperationID: "bad", Method: http.MethodGet, Path: "/bad", Summary: "Bad", Tags: []string{"Test"}},
		func(context.Context, *struct{}) (*struct{}, error) {
			return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.office", Message: "unknown"})
		})
	res := api.Get("/boom")
	body := res.Body.String()
	if res.Code != http.StatusInternalServerError || strings.Contains(body, "10.1.2.3") || strings.Contains(body, "locked") || strings.Contains(body, "query case") {
		t.Fatalf("5xx body leaks: %d %s", res.Code, body)
	}
	if !strings.Contains(logged.String(), "connection refused") {
		t.Fatalf("the detail was not logged: %s", logged.String())
	}
	res = api.Get("/bad")
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "body.office") || !strings.Contains(res.Body.String(), "/problems/validation") {
		t.Fatalf("4xx body: %d %s", res.Code, res.Body.String())
	}
}
