package gql

import (
	"encoding/base64"
	"strconv"
	"strings"

	"cpsfgraph/server/gql/model"
)

// Page sizes.
const (
	DefaultFirst = 50
	MaxFirst     = 500
)

// pageSize checks a connection's first argument.
func pageSize(first *int) (int, error) {
	if first == nil {
		return DefaultFirst, nil
	}
	if *first < 0 || *first > MaxFirst {
		return 0, Errorf(CodeBadInput, "first %d out of range 0..%d", *first, MaxFirst)
	}
	return *first, nil
}

// Cursors are opaque to clients: base64 of "kind:value".
func cursor(kind, v string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + v))
}

func parseCursor(kind string, c *string) (string, error) {
	if c == nil || *c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*c)
	if err != nil {
		return "", Errorf(CodeBadInput, "cursor %q is not one of this API's cursors", *c)
	}
	k, v, ok := strings.Cut(string(b), ":")
	if !ok || k != kind {
		return "", Errorf(CodeBadInput, "cursor %q does not belong to this list", *c)
	}
	return v, nil
}

// offsetPage pages a list held in memory: after is an offset cursor of
// kind. It returns the slice bounds and the page info.
func offsetPage(kind string, n int, first *int, after *string) (lo, hi int, pi *model.PageInfo, cursors []string, err error) {
	size, err := pageSize(first)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	a, err := parseCursor(kind, after)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	if a != "" {
		i, err := strconv.Atoi(a)
		if err != nil || i < 0 {
			return 0, 0, nil, nil, Errorf(CodeBadInput, "cursor %q does not belong to this list", *after)
		}
		lo = i + 1
	}
	lo = min(lo, n)
	hi = min(lo+size, n)
	pi = &model.PageInfo{HasNextPage: hi < n, HasPreviousPage: lo > 0}
	for i := lo; i < hi; i++ {
		cursors = append(cursors, cursor(kind, strconv.Itoa(i)))
	}
	if len(cursors) > 0 {
		pi.StartCursor, pi.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return lo, hi, pi, cursors, nil
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
