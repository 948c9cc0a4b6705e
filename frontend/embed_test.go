package frontend

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHandler(t *testing.T) {
	files := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>ui</title>")},
		"assets/index-abc.js":  {Data: []byte("console.log(1)")},
		"assets/index-abc.css": {Data: []byte("body{}")},
		"favicon.svg":          {Data: []byte("<svg/>")},
	}
	h := handler(files)
	tests := []struct {
		method, path string
		status       int
		body         string // substring
		cache        string
		ctype        string
	}{
		{"GET", "/", 200, "<title>ui</title>", "no-cache", "text/html"},
		{"GET", "/index.html", 200, "<title>ui</title>", "no-cache", "text/html"},
		{"GET", "/w/demo/assets/SRV-FILE", 200, "<title>ui</title>", "no-cache", "text/html"},
		{"GET", "/signin?next=%2Fw%2Fdemo", 200, "<title>ui</title>", "no-cache", "text/html"},
		{"GET", "/assets/index-abc.js", 200, "console.log(1)", "public, max-age=31536000, immutable", "text/javascript"},
		{"GET", "/assets/index-abc.css", 200, "body{}", "public, max-age=31536000, immutable", "text/css"},
		{"GET", "/favicon.svg", 200, "<svg/>", "no-cache", "image/svg+xml"},
		{"GET", "/assets/index-old.js", 404, "not found", "no-store", ""},
		{"GET", "/robots.txt", 404, "not found", "no-store", ""},
		{"GET", "/../embed.go", 404, "not found", "no-store", ""},
		{"GET", "/../../etc/passwd", 200, "<title>ui</title>", "no-cache", "text/html"}, // cleaned to /etc/passwd: a client route, never a file outside dist
		{"HEAD", "/w/demo", 200, "", "no-cache", "text/html"},
		{"POST", "/w/demo", 405, "method not allowed", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("%s %s: status %d, want %d (body %q)", tc.method, tc.path, res.StatusCode, tc.status, body)
			}
			if !strings.Contains(string(body), tc.body) {
				t.Errorf("%s %s: body %q does not contain %q", tc.method, tc.path, body, tc.body)
			}
			if got := res.Header.Get("Cache-Control"); tc.cache != "" && got != tc.cache {
				t.Errorf("%s %s: Cache-Control %q, want %q", tc.method, tc.path, got, tc.cache)
			}
			if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, tc.ctype) {
				t.Errorf("%s %s: Content-Type %q, want %q...", tc.method, tc.path, got, tc.ctype)
			}
			if tc.status != 405 {
				if got := res.Header.Get("Content-Security-Policy"); got != CSP {
					t.Errorf("%s %s: CSP %q", tc.method, tc.path, got)
				}
			}
		})
	}
}

func TestHandlerWithoutBuild(t *testing.T) {
	h := handler(fstest.MapFS{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/w/demo", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "npm run build") {
		t.Fatalf("no index.html: status %d body %q, want 404 naming the build step", rec.Code, rec.Body.String())
	}
}

// The committed build is embedded: index.html references hashed assets that
// are there too.
func TestEmbeddedBuild(t *testing.T) {
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /: %d", rec.Code)
	}
	html := rec.Body.String()
	i := strings.Index(html, "/assets/")
	if i < 0 {
		t.Fatalf("index.html references no /assets/ file: %q", html)
	}
	ref := html[i:]
	ref = ref[:strings.IndexAny(ref, `"'`)]
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", ref, nil))
	if rec.Code != 200 || rec.Body.Len() == 0 {
		t.Fatalf("GET %s (referenced by index.html): status %d, %d bytes", ref, rec.Code, rec.Body.Len())
	}
}
