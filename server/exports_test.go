package server_test

import (
	"net/http"
	"strings"
	"testing"

	"cpsfgraph/server"
)

func TestExports(t *testing.T) {
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<!doctype html><title>ui</title>")) })
	e := setup(t, func(c *server.Config) { c.UI = ui })
	tests := []struct {
		name, token, path string
		wantStatus        int
		wantType, wantPre string
	}{
		{"xlsx", "viewer", "/export/heatmap.xlsx?workspace=demo&lang=en", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"svg", "viewer", "/export/heatmap.svg?workspace=demo&kind=ipa", 200, "image/svg+xml", "<"},
		{"other workspace", "otherAdmin", "/export/heatmap.xlsx?workspace=demo", 404, "application/json", `{"errors"`},
		{"no token", "", "/export/heatmap.xlsx?workspace=demo", 401, "application/json", `{"errors"`},
		{"expired token", "expired", "/export/heatmap.xlsx?workspace=demo", 401, "application/json", `{"errors"`},
		{"unknown format", "viewer", "/export/heatmap.doc?workspace=demo", 404, "application/json", `{"errors"`},
		{"bad language", "viewer", "/export/heatmap.svg?workspace=demo&lang=fr", 400, "application/json", `{"errors"`},
		{"no workspace", "viewer", "/export/heatmap.svg", 400, "application/json", `{"errors"`},
		{"the UI for other paths", "", "/w/demo/assets", 200, "text/html", "<!doctype html>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.send("GET", tc.path, tc.token, "", "", map[string]string{"Accept": "*/*"})
			if r.Status != tc.wantStatus || !strings.HasPrefix(r.ContentType, tc.wantType) || !strings.HasPrefix(r.Raw, tc.wantPre) {
				t.Errorf("status %d type %q body %.80q; want %d %q %q", r.Status, r.ContentType, r.Raw, tc.wantStatus, tc.wantType, tc.wantPre)
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("security headers missing: %v", r.Header)
			}
			if tc.wantStatus != 200 && strings.Contains(r.Raw, "Minato") {
				t.Errorf("refused export leaks data: %.200s", r.Raw)
			}
		})
	}
}
