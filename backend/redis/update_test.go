package redis_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
)

// TestFirstUpdateRunsOnce: on a server that never saw the group script,
// the first Update still runs fn once (it sends EVAL, which loads it).
func TestFirstUpdateRunsOnce(t *testing.T) {
	b, mr := newMini(t)
	runs := 0
	require.NoError(t, b.Update(context.Background(), []string{"k"}, func(store.Reader) ([]store.Op, error) {
		runs++
		return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
	}))
	require.Equal(t, 1, runs)
	v, err := mr.Get("k")
	require.NoError(t, err)
	require.Equal(t, "v", v)
}

// TestUpdateWithoutKeys: with no keys nothing is watched and the ops are
// applied as by Apply; a nil fn is an invalid argument.
func TestUpdateWithoutKeys(t *testing.T) {
	b, mr := newMini(t)
	ctx := context.Background()
	require.NoError(t, b.Update(ctx, nil, func(r store.Reader) ([]store.Op, error) {
		_, err := r.Get(ctx, "k")
		require.ErrorIs(t, err, store.ErrNotFound)
		return []store.Op{&store.SetOp{Key: "k", Value: "v"}}, nil
	}))
	v, err := mr.Get("k")
	require.NoError(t, err)
	require.Equal(t, "v", v)
	require.ErrorIs(t, b.Update(ctx, []string{"k"}, nil), store.ErrInvalidArgument)
}
