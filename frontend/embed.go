// Package frontend holds the web UI: its TypeScript sources (src/, built with
// Vite by npm run build) and the built assets in dist/, which are committed
// and embedded here so the one cpsfgraph binary serves the UI without Node.
package frontend

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// CSP is the Content-Security-Policy of the UI: scripts, styles and
// connections to this origin only (inline style attributes are allowed for
// the heat-map cells and the path graph).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// Assets returns the built UI (the contents of dist/).
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time; Sub fails only on a bad name
	}
	return sub
}

// Handler serves the single-page app: files of dist/ as they are, and
// index.html for every other GET path (client-side routes such as
// /w/demo/assets). Hashed files under /assets/ are cached for a year;
// index.html is revalidated on every load so a new build is picked up.
func Handler() http.Handler {
	return handler(Assets())
}

func handler(files fs.FS) http.Handler {
	index, indexErr := fs.ReadFile(files, "index.html")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", CSP)
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(files, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					h.Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					h.Set("Cache-Control", "no-cache")
				}
				http.ServeFileFS(w, r, files, name)
				return
			}
			// A missing hashed asset or file with an extension is a real
			// 404, not a client-side route.
			if strings.HasPrefix(name, "assets/") || path.Ext(name) != "" {
				h.Set("Cache-Control", "no-store")
				http.Error(w, "not found: "+name, http.StatusNotFound)
				return
			}
		}
		if indexErr != nil {
			h.Set("Cache-Control", "no-store")
			http.Error(w, "the UI is not built: run npm ci && npm run build in frontend/", http.StatusNotFound)
			return
		}
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(index))
	})
}
