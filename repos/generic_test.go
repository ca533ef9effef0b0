package repos_test

import (
	"context"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

func newGeneric(t *testing.T, b store.Backend, tenant string, opts *repos.Options) *repos.Generic {
	t.Helper()
	kv, err := repos.NewGeneric(b, tenant, opts)
	require.NoError(t, err)
	return kv
}

func TestGenericSetGetDeleteExists(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		kv := newGeneric(t, b, "acme", nil)
		_, err := kv.Get(ctx, "greeting")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.ErrorContains(t, err, `"greeting"`)
		ok, err := kv.Exists(ctx, "greeting")
		require.NoError(t, err)
		require.False(t, ok)

		require.NoError(t, kv.Set(ctx, "greeting", "hola"))
		v, err := kv.Get(ctx, "greeting")
		require.NoError(t, err)
		require.Equal(t, "hola", v)
		ok, err = kv.Exists(ctx, "greeting")
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, kv.Set(ctx, "empty", ""))
		v, err = kv.Get(ctx, "empty")
		require.NoError(t, err)
		require.Equal(t, "", v)

		found, err := kv.Delete(ctx, "greeting")
		require.NoError(t, err)
		require.True(t, found)
		found, err = kv.Delete(ctx, "greeting")
		require.NoError(t, err)
		require.False(t, found)
	})
}

func TestGenericSetTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		kv := newGeneric(t, b, "acme", &repos.Options{TTL: time.Hour})
		_, err := kv.TTL(ctx, "k")
		require.ErrorIs(t, err, store.ErrNotFound)

		require.NoError(t, kv.Set(ctx, "k", "v"))
		d, err := kv.TTL(ctx, "k")
		require.NoError(t, err)
		require.InDelta(t, time.Hour, d, float64(5*time.Second))

		require.NoError(t, kv.Set(ctx, "k", "v", repos.WithTTL(time.Minute)))
		d, err = kv.TTL(ctx, "k")
		require.NoError(t, err)
		require.InDelta(t, time.Minute, d, float64(5*time.Second))

		require.NoError(t, kv.Set(ctx, "k", "v", repos.WithTTL(0)))
		d, err = kv.TTL(ctx, "k")
		require.NoError(t, err)
		require.Equal(t, store.NoExpiry, d)

		require.ErrorIs(t, kv.Set(ctx, "k", "v", repos.WithTTL(-1)), repos.ErrInvalidOption)

		require.NoError(t, kv.Set(ctx, "short", "v", repos.WithTTL(10*time.Millisecond)))
		wait(b, 30*time.Millisecond)
		_, err = kv.Get(ctx, "short")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestGenericIncrTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		kv := newGeneric(t, b, "acme", &repos.Options{TTL: time.Hour})

		n, err := kv.Incr(ctx, "new", 5)
		require.NoError(t, err)
		require.Equal(t, int64(5), n)
		requireTTL(t, b, keyWith(t, b, ":kv:new"), time.Hour)

		require.NoError(t, kv.Set(ctx, "window", "10", repos.WithTTL(time.Minute)))
		n, err = kv.Incr(ctx, "window", -3)
		require.NoError(t, err)
		require.Equal(t, int64(7), n)
		requireTTL(t, b, keyWith(t, b, ":kv:window"), time.Minute) // kept, not renewed

		require.NoError(t, kv.Set(ctx, "forever", "1", repos.WithTTL(0)))
		_, err = kv.Incr(ctx, "forever", 1, repos.WithTTL(0))
		require.NoError(t, err)
		requireTTL(t, b, keyWith(t, b, ":kv:forever"), store.NoExpiry) // WithTTL(0) keeps it permanent
		_, err = kv.Incr(ctx, "forever", 1)
		require.NoError(t, err)
		requireTTL(t, b, keyWith(t, b, ":kv:forever"), time.Hour) // a key without TTL gets the default

		n, err = kv.Incr(ctx, "override", 1, repos.WithTTL(time.Minute))
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
		requireTTL(t, b, keyWith(t, b, ":kv:override"), time.Minute)

		n, err = kv.Incr(ctx, "plain", 2, repos.WithTTL(0))
		require.NoError(t, err)
		require.Equal(t, int64(2), n)
		requireTTL(t, b, keyWith(t, b, ":kv:plain"), store.NoExpiry)
	})
}

func TestGenericIncrErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for _, ttl := range []time.Duration{0, time.Hour} {
			kv := newGeneric(t, b, "acme", &repos.Options{TTL: ttl})
			require.NoError(t, kv.Set(ctx, "text", "abc"))
			_, err := kv.Incr(ctx, "text", 1)
			require.ErrorIs(t, err, store.ErrNotInteger)
			require.NoError(t, kv.Set(ctx, "max", strconv.FormatInt(math.MaxInt64, 10)))
			_, err = kv.Incr(ctx, "max", 1)
			require.ErrorIs(t, err, store.ErrOverflow)
			v, err := kv.Get(ctx, "max")
			require.NoError(t, err)
			require.Equal(t, strconv.FormatInt(math.MaxInt64, 10), v)
		}
	})
}

func TestGenericIncrConcurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for _, ttl := range []time.Duration{0, time.Hour} {
			kv := newGeneric(t, b, "acme", &repos.Options{TTL: ttl})
			const workers, each = 64, 20
			var wg sync.WaitGroup
			errs := make(chan error, workers*each)
			for range workers {
				wg.Go(func() {
					for range each {
						if _, err := kv.Incr(ctx, "hits", 1); err != nil {
							errs <- err
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			v, err := kv.Get(ctx, "hits")
			require.NoError(t, err)
			require.Equal(t, strconv.Itoa(workers*each), v)
			_, err = kv.Delete(ctx, "hits")
			require.NoError(t, err)
		}
	})
}

func TestGenericInvalidIDs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		_, err := repos.NewGeneric(b, "", nil)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		kv := newGeneric(t, b, "acme", nil)
		require.ErrorIs(t, kv.Set(ctx, "", "v"), repos.ErrInvalidID)
		_, err = kv.Get(ctx, string(make([]byte, repos.MaxIDLen+1)))
		require.ErrorIs(t, err, repos.ErrInvalidID)
		_, err = kv.Incr(ctx, "", 1)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		_, err = kv.Delete(ctx, "")
		require.ErrorIs(t, err, repos.ErrInvalidID)
		_, err = kv.Exists(ctx, "")
		require.ErrorIs(t, err, repos.ErrInvalidID)
		_, err = kv.TTL(ctx, "")
		require.ErrorIs(t, err, repos.ErrInvalidID)
	})
}

func TestGenericHostileIDsStayApart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for _, tenant := range nastyIDs {
			kv := newGeneric(t, b, tenant, nil)
			for _, name := range nastyIDs {
				require.NoError(t, kv.Set(ctx, name, tenant+"/"+name))
			}
		}
		require.Len(t, keysOf(t, b), len(nastyIDs)*len(nastyIDs), "no two (tenant, key) pairs share a key")
		for _, tenant := range nastyIDs {
			kv := newGeneric(t, b, tenant, nil)
			before := snapshot(t, b)
			_, err := kv.Incr(ctx, "counter", 1)
			require.NoError(t, err)
			_, err = kv.Delete(ctx, "counter")
			require.NoError(t, err)
			require.Equal(t, before, snapshot(t, b))
			for _, name := range nastyIDs {
				v, err := kv.Get(ctx, name)
				require.NoError(t, err)
				require.Equal(t, tenant+"/"+name, v)
			}
		}
	})
}
