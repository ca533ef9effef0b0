package repos_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store/repos"
)

// serve runs one request with the given tenant header through h.
func serve(h http.Handler, tenant string) (int, string) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if tenant != "" {
		req.Header.Set("X-Tenant", tenant)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestMiddlewarePassThroughAndErrorHandler(t *testing.T) {
	b := memoryBackend(t)
	build := func(r *http.Request) (*repos.SharedState, error) {
		switch tenant := r.Header.Get("X-Tenant"); tenant {
		case "":
			return nil, fmt.Errorf("health check: %w", repos.ErrNoTenant)
		case "nil":
			return nil, nil
		case "down":
			return nil, errors.New("backend down")
		default:
			return repos.NewSharedState(b, tenant, "u1", nil)
		}
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ss, ok := repos.SharedStateFrom(r.Context()); ok {
			_, _ = io.WriteString(w, "state of "+ss.Tenant())
			return
		}
		_, _ = io.WriteString(w, "no state")
	})
	var seen []error
	onError := func(w http.ResponseWriter, r *http.Request, err error) {
		seen = append(seen, err)
		http.Error(w, "custom: "+err.Error(), http.StatusServiceUnavailable)
	}
	h := repos.Middleware(build, repos.WithErrorHandler(onError))(next)

	code, body := serve(h, "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "no state", body)
	code, body = serve(h, "acme")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "state of acme", body)
	code, body = serve(h, "down")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "backend down")
	code, body = serve(h, "nil")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "neither a shared state nor an error")
	require.Len(t, seen, 2)

	// Without WithErrorHandler: DefaultErrorHandler, and a nil builder
	// result is a 500, not a pass-through.
	h = repos.Middleware(build)(next)
	code, _ = serve(h, "nil")
	require.Equal(t, http.StatusInternalServerError, code)
	code, _ = serve(h, "")
	require.Equal(t, http.StatusOK, code)
}

func TestRunTools(t *testing.T) {
	b := memoryBackend(t)
	ss, err := repos.NewSharedState(b, "acme", "u1", nil)
	require.NoError(t, err)
	ctx := repos.WithSharedState(context.Background(), ss)

	err = repos.RunTools(context.Background(), func(context.Context, *repos.SharedState) error { return nil })
	require.ErrorIs(t, err, repos.ErrNoSharedState)

	// Every tool gets the request's shared state, from its context too.
	var ran atomic.Int32
	tool := func(ctx context.Context, got *repos.SharedState) error {
		fromCtx, ok := repos.SharedStateFrom(ctx)
		if !ok || fromCtx != ss || got != ss {
			return errors.New("tool did not get the request's shared state")
		}
		ran.Add(1)
		return got.SetField(ctx, "tools", fmt.Sprint("t", ran.Load()), true)
	}
	require.NoError(t, repos.RunTools(ctx, tool, tool, tool))
	require.EqualValues(t, 3, ran.Load())

	// A failure cancels the others; a panic becomes an error.
	boom := errors.New("boom")
	waiter := func(ctx context.Context, _ *repos.SharedState) error {
		<-ctx.Done()
		return ctx.Err()
	}
	failing := func(context.Context, *repos.SharedState) error { return boom }
	panicking := func(context.Context, *repos.SharedState) error { panic("tool bug") }
	err = repos.RunTools(ctx, waiter, failing, panicking, nil)
	require.ErrorIs(t, err, boom)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, repos.ErrToolPanic)
	require.ErrorContains(t, err, "tool bug")
	require.ErrorContains(t, err, "tool 3 is nil")
}
