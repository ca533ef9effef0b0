package repos_test

import (
	"context"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
	"github.com/stretchr/testify/require"
)

const sharedPrefix = "t:acme:{acme:u1}:shared"

func newShared(t *testing.T, b store.Backend, opts *repos.Options) *repos.SharedState {
	t.Helper()
	ss, err := repos.NewSharedState(b, "acme", "u1", opts)
	require.NoError(t, err)
	return ss
}

func TestSharedStateSetGetFields(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		ss := newShared(t, b, nil)
		require.NoError(t, ss.Set(ctx, "search", map[string]any{"q": "shoes", "page": 1}))
		require.NoError(t, ss.SetField(ctx, "search", "page", 2))
		require.NoError(t, ss.SetField(ctx, "cart", "items", []string{"a", "b"}))
		got, err := ss.Get(ctx, "search")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"q": "shoes", "page": "2"}, got)
		v, err := ss.GetField(ctx, "cart", "items")
		require.NoError(t, err)
		require.Equal(t, `["a","b"]`, v)
		_, err = ss.GetField(ctx, "cart", "nope")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = ss.Get(ctx, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.NoError(t, ss.Set(ctx, "search", map[string]string{"q": "hats"}))
		got, err = ss.Get(ctx, "search")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"q": "hats"}, got, "Set replaces")
		var dst struct {
			Q string `json:"q"`
		}
		require.NoError(t, ss.GetInto(ctx, "search", &dst))
		require.Equal(t, "hats", dst.Q)
		names, err := ss.List(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"cart", "search"}, names)
		idx, err := b.SMembers(ctx, sharedPrefix)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"cart", "search"}, idx)
	})
}

func TestSharedStateDeleteListClear(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		ss := newShared(t, b, nil)
		for _, n := range []string{"a", "b", "c", "d*"} {
			require.NoError(t, ss.Set(ctx, n, map[string]string{"x": n}))
		}
		require.NoError(t, ss.Delete(ctx, "a"))
		require.NoError(t, ss.Delete(ctx, "a"))
		_, err := b.Del(ctx, sharedPrefix+":c") // as if it expired
		require.NoError(t, err)
		names, err := ss.List(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"b", "d*"}, names)
		idx, err := b.SMembers(ctx, sharedPrefix)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"b", "d*"}, idx, "expired name cleaned")
		require.NoError(t, ss.Clear(ctx))
		names, err = ss.List(ctx)
		require.NoError(t, err)
		require.Empty(t, names)
		n, err := b.Exists(ctx, sharedPrefix, sharedPrefix+":b", sharedPrefix+":d%2A")
		require.NoError(t, err)
		require.Zero(t, n)
		require.NoError(t, ss.Clear(ctx), "clearing nothing is fine")
	})
}

func TestSharedStateTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		ss := newShared(t, b, &repos.Options{TTL: time.Hour})
		require.NoError(t, ss.Set(ctx, "s", map[string]string{"x": "1"}))
		ttl, err := b.TTL(ctx, sharedPrefix+":s")
		require.NoError(t, err)
		require.InDelta(t, time.Hour, ttl, float64(time.Minute))
		require.NoError(t, ss.SetField(ctx, "s", "y", 2, repos.WithTTL(time.Minute)))
		ttl, err = b.TTL(ctx, sharedPrefix+":s")
		require.NoError(t, err)
		require.InDelta(t, time.Minute, ttl, float64(5*time.Second))
	})
}

func TestSharedStateExpiresAndListForgets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		ss := newShared(t, b, nil)
		require.NoError(t, ss.Set(ctx, "short", map[string]string{"x": "1"}, repos.WithTTL(20*time.Millisecond)))
		require.NoError(t, ss.Set(ctx, "long", map[string]string{"x": "1"}))
		wait(b, 40*time.Millisecond)
		names, err := ss.List(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"long"}, names)
		idx, err := b.SMembers(ctx, sharedPrefix)
		require.NoError(t, err)
		require.Equal(t, []string{"long"}, idx, "List removes the expired name from the index")
	})
}

func TestSharedStateBadInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		ss := newShared(t, b, nil)
		err := ss.Set(ctx, "", map[string]string{"x": "1"})
		require.ErrorIs(t, err, repos.ErrInvalidID)
		require.ErrorContains(t, err, "state name")
		require.ErrorIs(t, ss.SetField(ctx, "s", "", 1), store.ErrInvalidArgument)
		require.ErrorIs(t, ss.Set(ctx, "s", struct{ C chan int }{}), repos.ErrEncode)
		n, err := b.Exists(ctx, sharedPrefix)
		require.NoError(t, err)
		require.Zero(t, n)
	})
}
