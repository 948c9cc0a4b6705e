package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"cpsfgraph/export"
	"cpsfgraph/graph"
	"cpsfgraph/server/auth"
	"cpsfgraph/server/gql"
)

// exportRoute serves GET /export/heatmap.FORMAT?workspace=W[&lang=ja|en]
// [&kind=ipa|cpsf|supply|all][&maxHops=N]: the heat-maps as XLSX, SVG, PNG
// or PDF (package export), to a token that sees W. The UI's download
// buttons use it.
func (s *Server) exportRoute() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cpsfgraph"`)
			if CodeIsForbidden(err) {
				writeErrors(w, mediaJSON, http.StatusForbidden, gql.CodeForbidden, "%v", err)
				return
			}
			writeErrors(w, mediaJSON, http.StatusUnauthorized, gql.CodeUnauthenticated, "%v", err)
			return
		}
		infoOf(r.Context()).mu.Lock()
		infoOf(r.Context()).actor = p.TokenID
		infoOf(r.Context()).mu.Unlock()
		base, ext, _ := strings.Cut(r.PathValue("file"), ".")
		f, ferr := export.ParseFormat(ext)
		if base != "heatmap" || ferr != nil {
			writeErrors(w, mediaJSON, http.StatusNotFound, gql.CodeNotFound, "no export %q: want heatmap.xlsx, .svg, .png or .pdf", r.PathValue("file"))
			return
		}
		q := r.URL.Query()
		ws := q.Get("workspace")
		if ws == "" {
			writeErrors(w, mediaJSON, http.StatusBadRequest, gql.CodeBadInput, "export: ?workspace= is required")
			return
		}
		if !p.Sees(ws) {
			writeErrors(w, mediaJSON, http.StatusNotFound, gql.CodeNotFound, "workspace %q not found", ws)
			return
		}
		// The API's analyzer: its cache (warmed at start) serves exports too.
		an := s.resolver.Analyzer
		opt := export.Options{Lang: export.JA, Kind: export.KindAll, Date: s.cfg.Now(), Details: export.DetailsFor(f, 0)}
		if v := q.Get("lang"); v != "" {
			if opt.Lang, err = export.ParseLang(v); err != nil {
				writeErrors(w, mediaJSON, http.StatusBadRequest, gql.CodeBadInput, "%v", err)
				return
			}
		}
		if v := q.Get("kind"); v != "" {
			if opt.Kind, err = export.ParseKind(v); err != nil {
				writeErrors(w, mediaJSON, http.StatusBadRequest, gql.CodeBadInput, "%v", err)
				return
			}
		}
		if v := q.Get("maxHops"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > graph.MaxMaxHops {
				writeErrors(w, mediaJSON, http.StatusBadRequest, gql.CodeBadInput, "maxHops %q: want 0..%d", v, graph.MaxMaxHops)
				return
			}
			opt.MaxHops = n
		}
		ctx, cancel := context.WithTimeout(auth.WithPrincipal(r.Context(), p), s.cfg.Limits.Timeout)
		defer cancel()
		rep, err := export.Build(ctx, an, ws, opt)
		if err != nil {
			code := gql.CodeOf(err)
			status := map[gql.Code]int{gql.CodeNotFound: 404, gql.CodeBadInput: 400}[code]
			if status == 0 {
				s.log.ErrorContext(ctx, "export", "err", err, "workspace", ws)
				writeErrors(w, mediaJSON, http.StatusInternalServerError, gql.CodeInternal, "internal error (request %s)", gql.RequestID(ctx))
				return
			}
			writeErrors(w, mediaJSON, status, code, "%v", err)
			return
		}
		var font *export.Font
		if f.NeedsFont() {
			if font, err = export.FindFont(os.Getenv(export.FontEnv), export.FontPaths); err != nil {
				writeErrors(w, mediaJSON, http.StatusServiceUnavailable, gql.CodeInternal, "%s export needs a Japanese font: set %s (%v)", f, export.FontEnv, err)
				return
			}
		}
		var b bytes.Buffer
		if err := export.Render(&b, rep, f, font); err != nil {
			s.log.ErrorContext(ctx, "export render", "err", err, "workspace", ws, "format", f)
			writeErrors(w, mediaJSON, http.StatusInternalServerError, gql.CodeInternal, "internal error (request %s)", gql.RequestID(ctx))
			return
		}
		w.Header().Set("Content-Type", f.ContentType())
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="heatmap-%s.%s"`, safeName(ws), f))
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		w.Write(b.Bytes())
	})
}

// safeName keeps a file name to letters, digits, '.', '_' and '-'.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, s)
}
