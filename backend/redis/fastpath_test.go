package redis_test

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// TestApplyFastRoutesAreAllOrNothing: a write and its TTL (PairScript) and
// a group with no check (MULTI/EXEC) fail with the sentinels the general
// script gives, write nothing when they fail, and fill in results.
func TestApplyFastRoutesAreAllOrNothing(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		require.NoError(t, b.Set(ctx, "s", "x", 0))
		err := b.Apply(ctx, &store.HSetOp{Key: "s", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "s", TTL: time.Minute})
		require.ErrorIs(t, err, store.ErrWrongType)
		v, err := b.Get(ctx, "s")
		require.NoError(t, err)
		require.Equal(t, "x", v)
		ttl, err := b.TTL(ctx, "s")
		require.NoError(t, err)
		require.Equal(t, store.NoExpiry, ttl, "the TTL op of a failed pair did not run")

		err = b.Apply(ctx, &store.IncrByOp{Key: "s", Delta: 1}, &store.ExpireOp{Key: "s", TTL: time.Minute, NX: true})
		require.ErrorIs(t, err, store.ErrNotInteger)
		require.NoError(t, b.Set(ctx, "max", strconv.FormatInt(math.MaxInt64, 10), 0))
		err = b.Apply(ctx, &store.IncrByOp{Key: "max", Delta: 1}, &store.ExpireOp{Key: "max", TTL: time.Minute, NX: true})
		require.ErrorIs(t, err, store.ErrOverflow)
		ttl, err = b.TTL(ctx, "max")
		require.NoError(t, err)
		require.Equal(t, store.NoExpiry, ttl)

		incr := &store.IncrByOp{Key: "n", Delta: math.MaxInt64}
		require.NoError(t, b.Apply(ctx, incr, &store.ExpireOp{Key: "n", TTL: time.Minute, NX: true}))
		require.EqualValues(t, int64(math.MaxInt64), incr.Result, "exact beyond 2^53")
		ttl, err = b.TTL(ctx, "n")
		require.NoError(t, err)
		require.Greater(t, ttl, time.Duration(0))

		require.NoError(t, b.Apply(ctx,
			&store.SetOp{Key: "{g}a", Value: "1", TTL: time.Hour},
			&store.DelOp{Key: "{g}b"},
			&store.HSetOp{Key: "{g}b", Fields: map[string]string{"f": "v"}},
			&store.ExpireOp{Key: "{g}b", TTL: time.Minute},
		))
		h, err := b.HGetAll(ctx, "{g}b")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"f": "v"}, h)
		require.NoError(t, b.Apply(ctx, &store.DelOp{Key: "{g}a"}))
		n, err := b.Exists(ctx, "{g}a")
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

// TestApplyEveryScriptFallsBackAfterScriptFlush: each script Apply may
// send falls back to EVAL when the server lost it.
func TestApplyEveryScriptFallsBackAfterScriptFlush(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		groups := map[string]func() []store.Op{
			"pair": func() []store.Op {
				return []store.Op{&store.HSetOp{Key: "h", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "h", TTL: time.Minute}}
			},
			"script": func() []store.Op {
				return []store.Op{&store.HIncrByOp{Key: "c", Field: "f", Delta: 1}, &store.ExpireOp{Key: "c", TTL: time.Minute}}
			},
			"multi": func() []store.Op {
				return []store.Op{&store.SetOp{Key: "s", Value: "v"}, &store.ExpireOp{Key: "s", TTL: time.Minute}}
			},
		}
		for name, ops := range groups {
			flushScripts(t, b)
			require.NoError(t, b.Apply(ctx, ops()...), name)
			require.NoError(t, b.Apply(ctx, ops()...), name)
		}
		got, err := b.HGet(ctx, "c", "f")
		require.NoError(t, err)
		require.Equal(t, "2", got)
	})
}

// TestApplyCancelledWritesNothing: on every route, a done context fails
// Apply with the context's error and sends nothing.
func TestApplyCancelledWritesNothing(t *testing.T) {
	both(t, func(t *testing.T, b store.Backend) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		groups := [][]store.Op{
			{&store.HSetOp{Key: "h", Fields: map[string]string{"f": "v"}}, &store.ExpireOp{Key: "h", TTL: time.Minute}},
			{&store.HIncrByOp{Key: "h", Field: "f", Delta: 1}},
			{&store.SetOp{Key: "h", Value: "v"}, &store.ExpireOp{Key: "h", TTL: time.Minute}},
		}
		for _, ops := range groups {
			require.ErrorIs(t, b.Apply(ctx, ops...), context.Canceled)
		}
		n, err := b.Exists(context.Background(), "h")
		require.NoError(t, err)
		require.Zero(t, n)
	})
}
