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

// Middleware returns HTTP middleware that calls build for each request
// and serves the request with the SharedState it returns bound to the
// request's context (see SharedStateFrom). When build fails the request
// is answered, without calling the next handler, with a plain-text 400
// Bad Request if the error wraps store.ErrInvalidArgument (an invalid
// tenant or user id, for example) and a 500 Internal Server Error
// otherwise; the error's text is not sent to the client.
func Middleware(build func(r *http.Request) (*SharedState, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ss, err := build(r)
			if err == nil && ss == nil {
				err = errors.New("repos: middleware: build returned no shared state")
			}
			if err != nil {
				code := http.StatusInternalServerError
				if errors.Is(err, store.ErrInvalidArgument) {
					code = http.StatusBadRequest
				}
				http.Error(w, http.StatusText(code), code)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithSharedState(r.Context(), ss)))
		})
	}
}
