package gql

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"cpsfgraph/graph"
	"cpsfgraph/server/auth"
)

// Code is an error's extensions.code.
type Code string

// Error codes.
const (
	CodeBadInput        Code = "BAD_USER_INPUT"
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeForbidden       Code = "FORBIDDEN"
	CodeNotFound        Code = "NOT_FOUND"
	CodeInternal        Code = "INTERNAL"
)

// Error is an error with its code; its message is shown to the client.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Errorf returns an *Error.
func Errorf(code Code, format string, a ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, a...)}
}

// CodeOf classifies an error.
func CodeOf(err error) Code {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, graph.ErrNotFound):
		return CodeNotFound
	case errors.Is(err, graph.ErrInvalid):
		return CodeBadInput
	case errors.Is(err, auth.ErrUnauthenticated):
		return CodeUnauthenticated
	}
	var g *gqlerror.Error
	if errors.As(err, &g) && g.Err == nil {
		// Errors of the GraphQL layer itself (parse, validation, variable
		// coercion) are the client's.
		return CodeBadInput
	}
	return CodeInternal
}

// Present turns a resolver error into the error the client sees: a message
// and extensions.code, never a stack or an internal detail. Internal errors
// are logged with the request ID and shown as "internal error".
func (r *Resolver) Present(ctx context.Context, err error) *gqlerror.Error {
	ge := graphql.DefaultErrorPresenter(ctx, err)
	code := CodeOf(err)
	switch {
	case code == CodeInternal && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)):
		ge.Message = "request timed out or was cancelled"
	case code == CodeInternal:
		r.Log.ErrorContext(ctx, "internal error", "err", err, "request", RequestID(ctx), "path", ge.Path.String())
		ge.Message = "internal error (request " + RequestID(ctx) + ")"
	default:
		var e *Error
		if errors.As(err, &e) {
			ge.Message = e.Msg
		} else if !errors.As(err, new(*gqlerror.Error)) {
			ge.Message = err.Error()
		}
	}
	if ge.Extensions == nil {
		ge.Extensions = map[string]any{}
	}
	ge.Extensions["code"] = string(code)
	return ge
}

// Recover turns a panic into an internal error, logged without reaching the
// client.
func (r *Resolver) Recover(ctx context.Context, p any) error {
	r.Log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "request", RequestID(ctx))
	return &Error{Code: CodeInternal, Msg: "internal error (request " + RequestID(ctx) + ")"}
}
