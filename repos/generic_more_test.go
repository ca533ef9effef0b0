package repos_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

func TestGenericSetNX(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		kv := newGeneric(t, b, "acme", &repos.Options{TTL: time.Hour})
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				ok, err := kv.SetNX(ctx, "first", "x")
				if err == nil && ok {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		require.EqualValues(t, 1, wins.Load())
		requireTTL(t, b, keyWith(t, b, "kv:first"), time.Hour)
		ok, err := kv.SetNX(ctx, "forever", "y", repos.WithTTL(0))
		require.NoError(t, err)
		require.True(t, ok)
		requireTTL(t, b, keyWith(t, b, "kv:forever"), store.NoExpiry)
		_, err = kv.SetNX(ctx, "k", "v", repos.WithTTL(-1))
		require.ErrorIs(t, err, repos.ErrInvalidOption)
		_, err = kv.SetNX(ctx, "", "v")
		require.ErrorIs(t, err, repos.ErrInvalidID)
	})
}

func TestGenericExpire(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		kv := newGeneric(t, b, "acme", nil)
		ok, err := kv.Expire(ctx, "missing", time.Minute)
		require.NoError(t, err)
		require.False(t, ok)
		ok, err = kv.Expire(ctx, "missing", 0)
		require.NoError(t, err)
		require.False(t, ok)
		_, err = kv.Exists(ctx, "missing")
		require.NoError(t, err)

		require.NoError(t, kv.Set(ctx, "k", "v"))
		ok, err = kv.Expire(ctx, "k", time.Minute)
		require.NoError(t, err)
		require.True(t, ok)
		d, err := kv.TTL(ctx, "k")
		require.NoError(t, err)
		require.Greater(t, d, 50*time.Second)
		ok, err = kv.Expire(ctx, "k", 0)
		require.NoError(t, err)
		require.True(t, ok)
		d, err = kv.TTL(ctx, "k")
		require.NoError(t, err)
		require.Equal(t, store.NoExpiry, d)
		ok, err = kv.Expire(ctx, "k", 0) // no TTL to remove: still exists
		require.NoError(t, err)
		require.True(t, ok)
		_, err = kv.Expire(ctx, "k", -time.Second)
		require.ErrorIs(t, err, repos.ErrInvalidOption)

		ok, err = kv.Expire(ctx, "k", 100*time.Millisecond)
		require.NoError(t, err)
		require.True(t, ok)
		wait(b, 200*time.Millisecond)
		_, err = kv.Get(ctx, "k")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}
