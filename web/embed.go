// Package web holds the built console (the Vue app whose source lives
// beside this file) so that `civilflow serve` serves it without Node.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built console: index.html at its root, the bundles under
// assets/, and the API reference's renderer under docs/.
var Dist fs.FS = mustSub(dist, "dist")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}
