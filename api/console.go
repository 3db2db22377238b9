package api

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// consoleCSP is the Content-Security-Policy of the console and the API
// reference: scripts, connections, fonts and images from this server only,
// no inline or evaluated script, no framing. Inline styles stay allowed:
// the component library and the diagram renderer set them, and a style
// cannot run code.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// apiPrefixes keep their own handlers: an unknown path under them is a
// 404, never the console's page.
var apiPrefixes = []string{"/v1", "/openapi", "/schemas", "/docs", "/auth"}

// docsPage is the API reference, rendered by Stoplight Elements from the
// copy under docs/ of the built console, so it works without internet.
const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>civilflow API reference</title>
<link rel="stylesheet" href="/docs/styles.min.css">
<script src="/docs/web-components.min.js"></script>
</head>
<body style="height:100vh">
<elements-api apiDescriptionUrl="/openapi.json" router="hash" layout="sidebar" tryItCredentialsPolicy="same-origin"></elements-api>
</body>
</html>
`

// registerConsole serves the built console at / and the API reference at
// /docs from dist.
func registerConsole(mux *http.ServeMux, dist fs.FS) {
	if dist == nil {
		return
	}
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", consoleCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write([]byte(docsPage))
	})
	mux.HandleFunc("GET /docs/{file}", func(w http.ResponseWriter, r *http.Request) {
		serveStatic(w, r, dist, "docs/"+r.PathValue("file"), false)
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		for _, pre := range apiPrefixes {
			if p == pre || strings.HasPrefix(p, pre+"/") {
				writeNotFound(w)
				return
			}
		}
		name := strings.TrimPrefix(path.Clean(p), "/")
		if name != "" && name != "index.html" {
			if fi, err := fs.Stat(dist, name); err == nil && !fi.IsDir() {
				serveStatic(w, r, dist, name, strings.HasPrefix(name, "assets/"))
				return
			}
			// A missing file (a name with an extension, such as a bundle,
			// /.env or /favicon.ico) is a 404; any other path is a route of
			// the console, which its router resolves (history routing).
			if path.Ext(name) != "" || strings.HasPrefix(name, "assets/") {
				writeNotFound(w)
				return
			}
		}
		serveStatic(w, r, dist, "index.html", false)
	})
}

// serveStatic writes one file of dist; hashed bundles (immutable) are
// cached for a year, everything else revalidated.
func serveStatic(w http.ResponseWriter, r *http.Request, dist fs.FS, name string, immutable bool) {
	b, err := fs.ReadFile(dist, name)
	if err != nil {
		writeNotFound(w)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, path.Base(name), time.Time{}, bytes.NewReader(b))
}

// writeNotFound answers 404 as problem+json, like the API.
func writeNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`{"type":"/problems/not-found","title":"Not Found","status":404,"detail":"no such resource"}`))
}
