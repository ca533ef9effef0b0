package repos_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type dialog struct {
	Step  string        `json:"step"`
	Tries int           `json:"tries"`
	Wait  time.Duration `json:"wait,omitempty"`
}

const stateKey = "t:acme:{acme:u1}:state:checkout"

func newHandler(t *testing.T, b store.Backend, opts *repos.Options) *repos.StateHandler {
	t.Helper()
	h, err := repos.NewStateHandler(b, "acme", "u1", opts)
	require.NoError(t, err)
	return h
}

func TestStateHandlerSetReplacesAndGet(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		h := newHandler(t, b, nil)
		require.NoError(t, h.Set(ctx, "checkout", map[string]string{"old": "x", "step": "a"}))
		require.NoError(t, h.Set(ctx, "checkout", dialog{Step: "pay", Tries: 2}))
		got, err := h.Get(ctx, "checkout")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"step": "pay", "tries": "2"}, got)
		var d dialog
		require.NoError(t, h.GetInto(ctx, "checkout", &d))
		require.Equal(t, dialog{Step: "pay", Tries: 2}, d)
		raw, err := b.HGetAll(ctx, stateKey)
		require.NoError(t, err)
		require.Equal(t, got, raw)
	})
}

func TestStateHandlerUpsertUpdateDelete(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		h := newHandler(t, b, nil)
		require.ErrorIs(t, h.UpdateField(ctx, "checkout", "step", "x"), store.ErrNotFound)
		ok, err := h.Exists(ctx, "checkout")
		require.NoError(t, err)
		require.False(t, ok)
		merged, err := h.Upsert(ctx, "checkout", map[string]any{"step": "cart"})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"step": "cart"}, merged)
		merged, err = h.Upsert(ctx, "checkout", map[string]any{"tries": 1})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"step": "cart", "tries": "1"}, merged)
		require.NoError(t, h.UpdateField(ctx, "checkout", "step", "pay"))
		got, err := h.Get(ctx, "checkout")
		require.NoError(t, err)
		require.Equal(t, "pay", got["step"])
		existed, err := h.Delete(ctx, "checkout")
		require.NoError(t, err)
		require.True(t, existed)
		_, err = h.Get(ctx, "checkout")
		require.ErrorIs(t, err, store.ErrNotFound)
		existed, err = h.Delete(ctx, "checkout")
		require.NoError(t, err)
		require.False(t, existed)
	})
}

func TestStateHandlerTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		h := newHandler(t, b, &repos.Options{TTL: time.Hour})
		require.NoError(t, h.Set(ctx, "checkout", dialog{Step: "a"}))
		ttl, err := b.TTL(ctx, stateKey)
		require.NoError(t, err)
		require.InDelta(t, time.Hour, ttl, float64(time.Minute))
		_, err = h.Upsert(ctx, "checkout", dialog{Step: "b"}, repos.WithTTL(time.Minute))
		require.NoError(t, err)
		ttl, err = b.TTL(ctx, stateKey)
		require.NoError(t, err)
		require.InDelta(t, time.Minute, ttl, float64(5*time.Second))
	})
}

func TestStateHandlerBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		h := newHandler(t, b, nil)
		err := h.Set(ctx, "", dialog{})
		require.ErrorIs(t, err, repos.ErrInvalidID)
		require.ErrorContains(t, err, "handler")
		require.ErrorIs(t, h.Set(ctx, "h", struct{ F func() }{}), repos.ErrEncode)
		_, err = h.Get(ctx, string(make([]byte, 600)))
		require.ErrorIs(t, err, repos.ErrInvalidID)
		require.NoError(t, h.Set(ctx, "h*?[]{}: \x00é", dialog{Step: "odd"}))
		got, err := h.Get(ctx, "h*?[]{}: \x00é")
		require.NoError(t, err)
		require.Equal(t, "odd", got["step"])
		_, err = h.Get(ctx, "h")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestStateHandlerConcurrentUpsert(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		h := newHandler(t, b, nil)
		var wg sync.WaitGroup
		for i := range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := h.Upsert(ctx, "checkout", map[string]any{fmt.Sprintf("f%d", i): i})
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		got, err := h.Get(ctx, "checkout")
		require.NoError(t, err)
		require.Len(t, got, 64)
	})
}
