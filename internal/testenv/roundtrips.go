package testenv

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
)

// RoundTrips is a go-redis hook that counts the round trips a client
// makes: one per command sent alone, one per pipeline (MULTI/EXEC
// included). Tests add it with client.AddHook and read N.
type RoundTrips struct{ n atomic.Int64 }

// N returns the round trips counted so far.
func (h *RoundTrips) N() int64 { return h.n.Load() }

// DialHook is goredis.Hook: dials are not counted.
func (h *RoundTrips) DialHook(next goredis.DialHook) goredis.DialHook { return next }

// ProcessHook is goredis.Hook: one round trip per command sent alone.
func (h *RoundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook is goredis.Hook: one round trip per pipeline.
func (h *RoundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// Reset sets the count back to zero.
func (h *RoundTrips) Reset() { h.n.Store(0) }

// CountedMiniredisClient starts a miniredis server for the test and
// returns a go-redis client of it that counts its round trips in the
// returned hook; both end with the test.
func CountedMiniredisClient(t testing.TB) (*goredis.Client, *RoundTrips) {
	t.Helper()
	mr := miniredis.RunT(t)
	client := goredis.NewClient(&goredis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	hook := &RoundTrips{}
	client.AddHook(hook)
	return client, hook
}
