package api

import (
	"net/http"
	"net/textproto"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// withHeaders sets the headers every answer carries: nosniff everywhere,
// so no browser reads a JSON answer as a page, and no-store on answers that
// may hold personal data, so no cache or shared computer keeps them.
func withHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if personal(r.URL.Path) {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// personal reports whether answers under path may hold personal data:
// everything under /v1 except the procedure catalogue and the deadline
// calculator, which are the same for everyone.
func personal(path string) bool {
	if !strings.HasPrefix(path, "/v1/") {
		return false
	}
	switch {
	case path == "/v1/procedures", strings.HasPrefix(path, "/v1/procedures/"), path == "/v1/calendar/deadline":
		return false
	}
	return true
}

// relativeBase stands in for the host while Huma builds a $schema link and
// is cut off afterwards, leaving a link relative to the host.
const relativeBase = "http://relative.invalid"

// schemaLinks replaces Huma's schema-link hook: the $schema field and the
// Link header point to the response's JSON Schema, but the link's host
// comes from configuration (publicURL) or is left out, never from the
// Host, X-Forwarded-Host or Forwarded header a client may forge.
func schemaLinks(publicURL string) func(huma.Config) huma.Config {
	base := strings.TrimSuffix(publicURL, "/")
	if base == "" {
		base = relativeBase
	}
	return func(c huma.Config) huma.Config {
		lt := huma.NewSchemaLinkTransformer("#/components/schemas/", c.SchemasPath)
		c.OnAddOperation = append(c.OnAddOperation, lt.OnAddOperation)
		c.Transformers = append(c.Transformers, func(ctx huma.Context, status string, v any) (any, error) {
			out, err := lt.Transform(fixedHost{humaContext: ctx, base: base}, status, v)
			if err != nil || base != relativeBase {
				return out, err
			}
			if rv := reflect.ValueOf(out); rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct &&
				rv.Elem().NumField() > 0 && rv.Elem().Field(0).Kind() == reflect.String && rv.Elem().Field(0).CanSet() {
				f := rv.Elem().Field(0)
				f.SetString(strings.TrimPrefix(f.String(), relativeBase))
			}
			return out, nil
		})
		return c
	}
}

// humaContext lets fixedHost embed huma.Context under another field name:
// the interface has a method called Context.
type humaContext = huma.Context

// fixedHost hides the request's host headers from the link transformer.
type fixedHost struct {
	humaContext
	base string
}

// Header answers the forwarding headers with the configured base.
func (f fixedHost) Header(name string) string {
	switch textproto.CanonicalMIMEHeaderKey(name) {
	case "X-Forwarded-Host":
		return f.base
	case "Forwarded":
		return ""
	}
	return f.humaContext.Header(name)
}

// Host is the configured base, never the request's Host.
func (f fixedHost) Host() string { return f.base }
