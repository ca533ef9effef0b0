package repos_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
	"github.com/stretchr/testify/require"
)

func TestSharedStateContext(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		_, ok := repos.SharedStateFrom(context.Background())
		require.False(t, ok)
		ss := newShared(t, b, nil)
		ctx := repos.WithSharedState(context.Background(), ss)
		got, ok := repos.SharedStateFrom(ctx)
		require.True(t, ok)
		require.Same(t, ss, got)
		done := make(chan error)
		go func() { // a tool in another goroutine uses the context it is given
			s, _ := repos.SharedStateFrom(ctx)
			done <- s.SetField(ctx, "tool", "ran", true)
		}()
		require.NoError(t, <-done)
		v, err := ss.GetField(ctx, "tool", "ran")
		require.NoError(t, err)
		require.Equal(t, "1", v)
	})
}

func TestMiddleware(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		build := func(r *http.Request) (*repos.SharedState, error) {
			if r.URL.Query().Get("fail") != "" {
				return nil, errors.New("boom: secret detail")
			}
			return repos.NewSharedState(b, r.Header.Get("X-Tenant"), r.Header.Get("X-User"), nil)
		}
		h := repos.Middleware(build)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ss, ok := repos.SharedStateFrom(r.Context())
			if !ok {
				http.Error(w, "no state", http.StatusTeapot)
				return
			}
			_, _ = io.WriteString(w, ss.Tenant()+"/"+ss.UserID())
		}))
		do := func(tenant, user, query string) (int, string) {
			req := httptest.NewRequest(http.MethodGet, "/"+query, nil)
			req.Header.Set("X-Tenant", tenant)
			req.Header.Set("X-User", user)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		code, body := do("acme", "u1", "")
		require.Equal(t, http.StatusOK, code)
		require.Equal(t, "acme/u1", body)
		code, body = do("", "u1", "")
		require.Equal(t, http.StatusBadRequest, code)
		require.Contains(t, body, "Bad Request")
		code, body = do("acme", "u1", "?fail=1")
		require.Equal(t, http.StatusInternalServerError, code)
		require.NotContains(t, body, "secret")
	})
}
