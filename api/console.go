package api

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
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
	sf := &staticFiles{dist: dist}
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", consoleCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write([]byte(docsPage))
	})
	mux.HandleFunc("GET /docs/{file}", func(w http.ResponseWriter, r *http.Request) {
		sf.serve(w, r, "docs/"+r.PathValue("file"), false)
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
				sf.serve(w, r, name, strings.HasPrefix(name, "assets/"))
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
		sf.serve(w, r, "index.html", false)
	})
}

// serve writes one file of dist; hashed bundles (immutable) are
// cached for a year, everything else revalidated.
func (sf *staticFiles) serve(w http.ResponseWriter, r *http.Request, name string, immutable bool) {
	b, err := fs.ReadFile(sf.dist, name)
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
	h.Add("Vary", "Accept-Encoding")
	if compressible(name) && acceptsGzip(r) {
		if gz := sf.gzipped(name, b); gz != nil {
			// ServeContent takes the type from the name, not the bytes.
			h.Set("Content-Encoding", "gzip")
			b = gz
		}
	}
	http.ServeContent(w, r, path.Base(name), time.Time{}, bytes.NewReader(b))
}

// compressible reports whether a file is text worth compressing.
func compressible(name string) bool {
	switch path.Ext(name) {
	case ".js", ".mjs", ".css", ".html", ".svg", ".json", ".txt", ".map":
		return true
	}
	return false
}

// acceptsGzip reports whether the client takes gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// staticFiles serves dist, holding each file compressed once: embedded
// files never change while the binary runs.
type staticFiles struct {
	dist fs.FS
	gz   sync.Map // name → []byte, nil when compressing saves nothing
}

// gzipped is b, the file name, compressed (cached), or nil when
// compressing saves nothing.
func (sf *staticFiles) gzipped(name string, b []byte) []byte {
	k := name
	if v, ok := sf.gz.Load(k); ok {
		return v.([]byte)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	out := buf.Bytes()
	if len(out) >= len(b) {
		out = nil
	}
	sf.gz.Store(k, out)
	return out
}

// writeNotFound answers 404 as problem+json, like the API.
func writeNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`{"type":"/problems/not-found","title":"Not Found","status":404,"detail":"no such resource"}`))
}
