package redis_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
)

// TestZSetRoundTrips: every sorted-set call is one round trip, so is an
// Apply with ZAddOp, ZRemOp and LPopOp, and a claim-shaped Update (read
// what is due, then remove and queue it) costs two.
func TestZSetRoundTrips(t *testing.T) {
	client, hook := testenv.CountedMiniredisClient(t)
	b := redis.New(client, nil)
	ctx := context.Background()
	// Load the group script: two increments take it.
	require.NoError(t, b.Apply(ctx, &store.IncrByOp{Key: "{w}a", Delta: 1}, &store.IncrByOp{Key: "{w}b", Delta: 1}))
	inf := math.Inf(1)
	// The members exist whichever call the map gives first.
	_, err := b.ZAdd(ctx, "{t}z", store.ZMember{Member: "a", Score: 1}, store.ZMember{Member: "b", Score: 2})
	require.NoError(t, err)
	calls := map[string]func() error{
		"ZAdd": func() error {
			_, err := b.ZAdd(ctx, "{t}z", store.ZMember{Member: "a", Score: 1}, store.ZMember{Member: "b", Score: 2})
			return err
		},
		"ZScore":        func() error { _, err := b.ZScore(ctx, "{t}z", "a"); return err },
		"ZCard":         func() error { _, err := b.ZCard(ctx, "{t}z"); return err },
		"ZRangeByScore": func() error { _, err := b.ZRangeByScore(ctx, "{t}z", -inf, inf, 10); return err },
		"ZRem":          func() error { _, err := b.ZRem(ctx, "{t}z", "missing"); return err },
		"Apply": func() error {
			return b.Apply(ctx, &store.ZAddOp{Key: "{t}z", Members: []store.ZMember{{Member: "c", Score: 3}}, NX: true},
				&store.LPopOp{Key: "{t}l", Count: 1}, &store.ZRemOp{Key: "{t}z", Members: []string{"x"}})
		},
	}
	for name, call := range calls {
		hook.Reset()
		require.NoError(t, call(), name)
		require.EqualValues(t, 1, hook.N(), name)
	}
	_, err = b.RPush(ctx, "{t}q", "x")
	require.NoError(t, err)
	hook.Reset()
	err = b.Update(ctx, []string{"{t}z", "{t}q"}, func(r store.Reader) ([]store.Op, error) {
		due, err := r.ZRangeByScore(ctx, "{t}z", -inf, 2, 10)
		ops := []store.Op{}
		for _, m := range due {
			ops = append(ops, &store.ZRemOp{Key: "{t}z", Members: []string{m.Member}}, &store.RPushOp{Key: "{t}q", Values: []string{m.Member}})
		}
		return ops, err
	})
	require.NoError(t, err)
	require.EqualValues(t, 2, hook.N(), "claim Update")
	got, err := b.LRange(ctx, "{t}q", 0, -1)
	require.NoError(t, err)
	require.Equal(t, []string{"x", "a", "b"}, got)
}
