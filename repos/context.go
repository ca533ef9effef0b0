package repos

import (
	"context"
	"errors"
	"net/http"

	"github.com/mimeiapify/store"
)

// sharedStateKey is the context key of the request's SharedState.
type sharedStateKey struct{}

// WithSharedState returns a copy of ctx that carries ss, so that the tools
// and agents serving a request (in this goroutine or others given ctx)
// reach the same user's shared state.
func WithSharedState(ctx context.Context, ss *SharedState) context.Context {
	return context.WithValue(ctx, sharedStateKey{}, ss)
}

// SharedStateFrom returns the SharedState that ctx carries, and whether it
// carries one.
func SharedStateFrom(ctx context.Context) (*SharedState, bool) {
	ss, ok := ctx.Value(sharedStateKey{}).(*SharedState)
	return ss, ok && ss != nil
}

// ErrNoTenant is what a Middleware builder returns (wrapped or as is)
// for a request that has no tenant, such as a health check: the request
// is then served by the next handler as it is, with no SharedState in
// its context.
var ErrNoTenant = errors.New("repos: request has no tenant")

// errNoState is given to the error handler when a builder returns
// neither a SharedState nor an error.
var errNoState = errors.New("repos: middleware: the builder returned neither a shared state nor an error")

// MiddlewareOption changes a Middleware; see WithErrorHandler.
type MiddlewareOption func(*middlewareOptions)

type middlewareOptions struct {
	onError func(w http.ResponseWriter, r *http.Request, err error)
}

// WithErrorHandler makes a Middleware answer a request whose builder
// failed by calling h with the builder's error (or, when the builder
// returned a nil SharedState and no error, an error saying so) instead of
// the default answer. h writes the response; the next handler is not
// called. Use it to log the error or answer in JSON.
func WithErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) MiddlewareOption {
	return func(o *middlewareOptions) {
		if h != nil {
			o.onError = h
		}
	}
}

// DefaultErrorHandler is the error handler of a Middleware without
// WithErrorHandler: a plain-text 400 Bad Request when err wraps
// store.ErrInvalidArgument (an invalid tenant or user id, for example),
// else a 500 Internal Server Error. The error's text is not sent to the
// client.
func DefaultErrorHandler(w http.ResponseWriter, _ *http.Request, err error) {
	code := http.StatusInternalServerError
	if errors.Is(err, store.ErrInvalidArgument) {
		code = http.StatusBadRequest
	}
	http.Error(w, http.StatusText(code), code)
}

// Middleware returns HTTP middleware that calls build for each request
// and serves the request with the SharedState it returns bound to the
// request's context (see SharedStateFrom), so that the handler and the
// tools it runs, in its goroutine or others (see RunTools), reach the
// same user's shared state.
//
// When build returns an error wrapping ErrNoTenant the request is served
// as it is (pass-through). Any other error, and a nil SharedState with a
// nil error, goes to the error handler (WithErrorHandler; by default
// DefaultErrorHandler) and the next handler is not called.
func Middleware(build func(r *http.Request) (*SharedState, error), opts ...MiddlewareOption) func(http.Handler) http.Handler {
	o := middlewareOptions{onError: DefaultErrorHandler}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ss, err := build(r)
			switch {
			case errors.Is(err, ErrNoTenant):
				next.ServeHTTP(w, r)
			case err != nil:
				o.onError(w, r, err)
			case ss == nil:
				o.onError(w, r, errNoState)
			default:
				next.ServeHTTP(w, r.WithContext(WithSharedState(r.Context(), ss)))
			}
		})
	}
}
