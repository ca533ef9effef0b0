package redis_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
)

// TestUpdateRoundTrips: on one server the WATCH travels with the first
// read, so an Update that reads once and writes costs two round trips,
// one that reads nothing costs one, and an Update that writes nothing
// also drops its WATCH.
func TestUpdateRoundTrips(t *testing.T) {
	client, hook := testenv.CountedMiniredisClient(t)
	b := redis.New(client, nil)
	ctx := context.Background()
	require.NoError(t, b.Apply(ctx, &store.HSetOp{Key: "h", Fields: map[string]string{"n": "1"}})) // loads the scripts
	cases := []struct {
		name string
		want int64
		fn   func(r store.Reader) ([]store.Op, error)
	}{
		{"one read, then write", 2, func(r store.Reader) ([]store.Op, error) {
			m, err := r.HGetAll(ctx, "h")
			return []store.Op{&store.HSetOp{Key: "h", Fields: map[string]string{"n": m["n"] + "1"}}}, err
		}},
		{"two reads, then write", 3, func(r store.Reader) ([]store.Op, error) {
			_, err := r.HGet(ctx, "h", "n")
			if err == nil {
				_, err = r.TTL(ctx, "h")
			}
			return []store.Op{&store.HSetOp{Key: "h", Fields: map[string]string{"m": "1"}}}, err
		}},
		{"no read", 1, func(store.Reader) ([]store.Op, error) {
			return []store.Op{&store.HSetOp{Key: "h", Fields: map[string]string{"o": "1"}}}, nil
		}},
		{"one read, no write", 2, func(r store.Reader) ([]store.Op, error) {
			_, err := r.HGetAll(ctx, "h")
			return nil, err
		}},
	}
	for _, c := range cases {
		hook.Reset()
		require.NoError(t, b.Update(ctx, []string{"h"}, c.fn), c.name)
		require.Equal(t, c.want, hook.N(), c.name)
	}
	m, err := b.HGetAll(ctx, "h")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"n": "11", "m": "1", "o": "1"}, m)
}
