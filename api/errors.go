package api

import (
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// problemTypes gives each status a stable problem type, so clients can
// branch on it without parsing messages.
var problemTypes = map[int]string{
	http.StatusBadRequest:            "/problems/bad-request",
	http.StatusUnauthorized:          "/problems/unauthenticated",
	http.StatusForbidden:             "/problems/forbidden",
	http.StatusNotFound:              "/problems/not-found",
	http.StatusConflict:              "/problems/conflict",
	http.StatusRequestEntityTooLarge: "/problems/too-large",
	http.StatusUnprocessableEntity:   "/problems/validation",
	http.StatusTooManyRequests:       "/problems/rate-limited",
}

// installErrorFactory makes every problem carry a stable type and keeps
// internal error text out of 5xx bodies (it goes to the log instead).
// huma.NewError is a package variable, so this runs once per process.
func installErrorFactory(log *slog.Logger) {
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		if status >= 500 {
			log.Error("request failed", "status", status, "message", msg, "errors", errs)
			msg = http.StatusText(status)
			if status == http.StatusInternalServerError {
				msg = "internal error; the failure was logged"
			}
			errs = nil
		}
		m := &huma.ErrorModel{
			Type:   problemTypes[status],
			Status: status,
			Title:  http.StatusText(status),
			Detail: msg,
		}
		if m.Type == "" {
			m.Type = "about:blank"
		}
		for _, err := range errs {
			if d, ok := err.(huma.ErrorDetailer); ok {
				m.Errors = append(m.Errors, d.ErrorDetail())
			} else if err != nil {
				m.Errors = append(m.Errors, &huma.ErrorDetail{Message: err.Error()})
			}
		}
		return m
	}
}
