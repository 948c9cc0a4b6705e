package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"cpsfgraph/server/gql"
)

// Media types of the GraphQL-over-HTTP specification.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// request is a GraphQL-over-HTTP request body. Unknown fields are refused.
type request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
	Extensions    map[string]any `json:"extensions,omitempty"`
}

// negotiate picks the response media type from Accept: the GraphQL response
// type when the client accepts it (or anything), application/json when only
// that, application/json when Accept is absent (as the specification asks
// during its transition); "" when the client accepts neither.
func negotiate(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				q = f
			}
		}
		var m string
		switch mt {
		case mediaGraphQLResponse, "*/*", "application/*":
			m = mediaGraphQLResponse
		case mediaJSON:
			m = mediaJSON
		default:
			continue
		}
		if q > 0 && (q > bestQ || (q == bestQ && m == mediaGraphQLResponse)) {
			best, bestQ = m, q
		}
	}
	return best
}

// writeErrors writes a response with errors only.
func writeErrors(w http.ResponseWriter, media string, status int, code gql.Code, format string, a ...any) {
	if media == "" {
		media = mediaJSON
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	resp := graphql.Response{Errors: gqlerror.List{{Message: fmt.Sprintf(format, a...), Extensions: map[string]any{"code": string(code)}}}}
	json.NewEncoder(w).Encode(&resp)
}

// codeErrors gives every error of a GraphQL-layer failure (parse,
// validation, variables, limits) the code BAD_USER_INPUT, keeping gqlgen's
// own code as extensions.reason.
func codeErrors(list gqlerror.List) {
	for _, e := range list {
		if e.Extensions == nil {
			e.Extensions = map[string]any{}
		}
		c, _ := e.Extensions["code"].(string)
		switch gql.Code(c) {
		case gql.CodeBadInput, gql.CodeUnauthenticated, gql.CodeForbidden, gql.CodeNotFound, gql.CodeInternal:
			continue
		}
		if c != "" {
			e.Extensions["reason"] = c
		}
		e.Extensions["code"] = string(gql.CodeBadInput)
	}
}

// graphqlHandler serves GraphQL over HTTP: GET (queries only) and POST with
// a JSON body or a multipart upload.
type graphqlHandler struct {
	exec      *executor.Executor
	maxBody   int64
	maxUpload int64
}

func (h *graphqlHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	media := negotiate(r.Header.Get("Accept"))
	if media == "" {
		writeErrors(w, mediaJSON, http.StatusNotAcceptable, gql.CodeBadInput, "Accept %q: this endpoint answers %s or %s", r.Header.Get("Accept"), mediaGraphQLResponse, mediaJSON)
		return
	}
	var req request
	var cleanup func()
	switch r.Method {
	case http.MethodGet:
		if err := fromQuery(r.URL.Query(), &req); err != nil {
			writeErrors(w, media, http.StatusBadRequest, gql.CodeBadInput, "%v", err)
			return
		}
	case http.MethodPost:
		ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch {
		case err != nil:
			writeErrors(w, media, http.StatusUnsupportedMediaType, gql.CodeBadInput, "Content-Type %q: want application/json or multipart/form-data", r.Header.Get("Content-Type"))
			return
		case ct == mediaJSON:
			r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
			if status, err := decodeBody(r.Body, &req); err != nil {
				writeErrors(w, media, status, gql.CodeBadInput, "%v", err)
				return
			}
		case ct == "multipart/form-data":
			if r.Header.Get("GraphQL-Require-Preflight") == "" && r.Header.Get("X-Requested-With") == "" {
				writeErrors(w, media, http.StatusBadRequest, gql.CodeBadInput, "multipart requests need a GraphQL-Require-Preflight header (protection against cross-site requests)")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, h.maxUpload+h.maxBody)
			status, done, err := decodeMultipart(r, &req, h.maxBody, h.maxUpload)
			cleanup = done
			if err != nil {
				if cleanup != nil {
					cleanup()
				}
				writeErrors(w, media, status, gql.CodeBadInput, "%v", err)
				return
			}
		default:
			writeErrors(w, media, http.StatusUnsupportedMediaType, gql.CodeBadInput, "Content-Type %q: want application/json or multipart/form-data", ct)
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		writeErrors(w, media, http.StatusMethodNotAllowed, gql.CodeBadInput, "method %s: use GET for queries or POST", r.Method)
		return
	}
	if cleanup != nil {
		defer cleanup()
	}
	if strings.TrimSpace(req.Query) == "" {
		writeErrors(w, media, http.StatusBadRequest, gql.CodeBadInput, "the request has no query")
		return
	}
	ctx := graphql.StartOperationTrace(r.Context())
	params := &graphql.RawParams{Query: req.Query, OperationName: req.OperationName, Variables: req.Variables, Extensions: req.Extensions, Headers: r.Header}
	params.ReadTime.Start, params.ReadTime.End = graphql.Now(), graphql.Now()
	rc, errs := h.exec.CreateOperationContext(ctx, params)
	info := infoOf(r.Context())
	switch {
	case rc != nil && rc.Operation != nil:
		info.setOperation(rc.Operation.Name, string(rc.Operation.Operation))
	case req.OperationName != "":
		info.setOperation(req.OperationName, "invalid")
	default:
		info.setOperation("invalid", "invalid")
	}
	if errs != nil {
		codeErrors(errs)
		status := http.StatusOK // application/json: the specification asks for 200
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		info.setOutcome(string(gql.CodeBadInput))
		writeResponse(w, media, status, &graphql.Response{Errors: errs})
		return
	}
	if r.Method == http.MethodGet && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		info.setOutcome(string(gql.CodeBadInput))
		writeErrors(w, media, http.StatusMethodNotAllowed, gql.CodeBadInput, "GET serves queries only: send %s with POST", rc.Operation.Operation)
		return
	}
	responses, ctx := h.exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if len(resp.Errors) > 0 {
		codeErrors(resp.Errors)
		c, _ := resp.Errors[0].Extensions["code"].(string)
		info.setOutcome(c)
	}
	writeResponse(w, media, http.StatusOK, resp)
}

func writeResponse(w http.ResponseWriter, media string, status int, resp *graphql.Response) {
	b, err := json.Marshal(resp)
	if err != nil {
		writeErrors(w, media, http.StatusInternalServerError, gql.CodeInternal, "internal error: the response could not be encoded")
		return
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// fromQuery reads a GET request's parameters.
func fromQuery(q url.Values, req *request) error {
	for k := range q {
		switch k {
		case "query", "operationName", "variables", "extensions":
		default:
			return fmt.Errorf("unknown parameter %q: want query, operationName, variables, extensions", k)
		}
	}
	req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
	if v := q.Get("variables"); v != "" {
		if err := strictJSON(strings.NewReader(v), &req.Variables); err != nil {
			return fmt.Errorf("variables: %v", err)
		}
	}
	if v := q.Get("extensions"); v != "" {
		if err := strictJSON(strings.NewReader(v), &req.Extensions); err != nil {
			return fmt.Errorf("extensions: %v", err)
		}
	}
	return nil
}

// decodeBody reads a JSON request body strictly: one object, known fields.
func decodeBody(body io.Reader, req *request) (int, error) {
	err := strictJSON(body, req)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Errorf("request body over %d bytes", tooBig.Limit)
	case err != nil:
		return http.StatusBadRequest, fmt.Errorf("request body: %v", err)
	}
	return 0, nil
}

func strictJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return fmt.Errorf("malformed JSON: %v", err)
	}
	if dec.More() {
		return errors.New("malformed JSON: more than one value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("malformed JSON: trailing data")
	}
	return nil
}

// decodeMultipart reads a GraphQL multipart request
// (github.com/jaydenseric/graphql-multipart-request-spec): operations, map,
// then the files, each spooled to a temporary file removed by cleanup.
// Only paths variables.NAME are supported.
func decodeMultipart(r *http.Request, req *request, maxBody, maxUpload int64) (status int, cleanup func(), err error) {
	var files []*os.File
	cleanup = func() {
		for _, f := range files {
			f.Close()
			os.Remove(f.Name())
		}
	}
	fail := func(status int, format string, a ...any) (int, func(), error) {
		return status, cleanup, fmt.Errorf(format, a...)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return fail(http.StatusBadRequest, "multipart: %v", err)
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "operations" {
		return fail(http.StatusBadRequest, "multipart: the first part must be operations")
	}
	if err := strictJSON(io.LimitReader(part, maxBody), req); err != nil {
		return fail(http.StatusBadRequest, "multipart operations: %v", err)
	}
	part, err = mr.NextPart()
	if err != nil || part.FormName() != "map" {
		return fail(http.StatusBadRequest, "multipart: the second part must be map")
	}
	var paths map[string][]string
	if err := strictJSON(io.LimitReader(part, maxBody), &paths); err != nil {
		return fail(http.StatusBadRequest, "multipart map: %v", err)
	}
	if req.Variables == nil {
		req.Variables = map[string]any{}
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail(http.StatusRequestEntityTooLarge, "upload over %d bytes", maxUpload)
		}
		if err != nil {
			return fail(http.StatusBadRequest, "multipart: %v", err)
		}
		targets, ok := paths[part.FormName()]
		if !ok || len(targets) == 0 {
			return fail(http.StatusBadRequest, "multipart: file part %q is not in map", part.FormName())
		}
		delete(paths, part.FormName())
		f, err := os.CreateTemp("", "cpsfgraph-part-*")
		if err != nil {
			return fail(http.StatusInternalServerError, "multipart: spool upload: %v", err)
		}
		files = append(files, f)
		n, err := io.Copy(f, io.LimitReader(part, maxUpload+1))
		if errors.As(err, &tooBig) || n > maxUpload {
			return fail(http.StatusRequestEntityTooLarge, "upload %q over %d bytes", part.FileName(), maxUpload)
		}
		if err != nil {
			return fail(http.StatusBadRequest, "multipart: read %q: %v", part.FileName(), err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return fail(http.StatusInternalServerError, "multipart: %v", err)
		}
		up := graphql.Upload{File: f, Filename: part.FileName(), Size: n, ContentType: part.Header.Get("Content-Type")}
		for _, p := range targets {
			name, ok := strings.CutPrefix(p, "variables.")
			if !ok || name == "" || strings.Contains(name, ".") {
				return fail(http.StatusBadRequest, "multipart map path %q: only variables.NAME is supported", p)
			}
			req.Variables[name] = up
		}
	}
	if len(paths) > 0 {
		for k := range paths {
			return fail(http.StatusBadRequest, "multipart: map names file %q but the request has no such part", k)
		}
	}
	return 0, cleanup, nil
}
