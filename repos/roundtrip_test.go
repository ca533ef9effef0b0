package repos_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/backend/redis"
	"github.com/mimeiapify/store/internal/testenv"
	"github.com/mimeiapify/store/repos"
)

// TestRoundTripsOnRedis pins the round trips of the common writes with a
// TTL on the redis backend: the index keys' TTLs are extended inside the
// write's own group (ExpireOp NX then GT), never read first, so a write
// of one hash slot is one round trip.
func TestRoundTripsOnRedis(t *testing.T) {
	client, hook := testenv.CountedMiniredisClient(t)
	b := redis.New(client, nil)
	ctx := context.Background()
	ttl := repos.WithTTL(time.Hour)
	u, ss, tb, bt, tr := acmeWriters(t, b)
	q := repos.Queue{Service: "s", Batch: "b", Action: "a"}
	var fresh atomic.Int64
	var claimIDs []string // made by the Claim case (run twice), acked by the Ack case
	cases := []struct {
		name string
		want int64
		run  func() error
	}{
		{"User.Upsert with TTL", 1, func() error { return u.Upsert(ctx, map[string]any{"n": 1}, ttl) }},
		{"User.Upsert", 1, func() error { return u.Upsert(ctx, map[string]any{"n": 1}) }},
		{"User.Incr with TTL", 1, func() error { _, err := u.Incr(ctx, "n", 1, ttl); return err }},
		{"User.UpdateField with TTL", 2, func() error { return u.UpdateField(ctx, "n", 5, ttl) }},
		{"SharedState.Set with TTL", 1, func() error { return ss.Set(ctx, "s", map[string]string{"x": "1"}, ttl) }},
		{"SharedState.SetField with TTL", 1, func() error { return ss.SetField(ctx, "s", "y", 2, ttl) }},
		{"Table.SetRow with TTL", 1, func() error { return tb.SetRow(ctx, "t", "pk", map[string]string{"x": "1"}, ttl) }},
		{"Batch.Enqueue with TTL", 2, func() error { return bt.Enqueue(ctx, q, "p", ttl) }},
		{"Batch.Enqueue", 2, func() error { return bt.Enqueue(ctx, q, "p") }}, // sent at once: 1 of latency
		{"Batch.Claim", 3, func() error {
			c, err := bt.Claim(ctx, q, 1, time.Minute)
			claimIDs = append(claimIDs, c.ID)
			return err
		}},
		{"Batch.Ack", 1, func() error {
			id := claimIDs[0]
			claimIDs = claimIDs[1:]
			return bt.Ack(ctx, q, id)
		}},
		{"Triggers.Set", 1, func() error {
			return tr.Set(ctx, "act", fmt.Sprintf("id%d", fresh.Add(1)), "p", ttl)
		}},
		{"Triggers.Set replacing", 1, func() error { return tr.Set(ctx, "act", "same", "p", ttl) }},
		{"Triggers.Set due soon", 1, func() error { return tr.Set(ctx, "act", "soon", "p", repos.WithTTL(time.Second)) }},
	}
	// Batch.Enqueue sends its two calls at once, on two connections: dial
	// them first (a dial's HELLO and CLIENT SETINFO go through the hook).
	require.Eventually(t, func() bool {
		var warm sync.WaitGroup
		for range 4 {
			warm.Go(func() { _ = client.Ping(ctx).Err() })
		}
		warm.Wait()
		return client.PoolStats().TotalConns >= 2
	}, 10*time.Second, time.Millisecond)
	for _, c := range cases {
		require.NoError(t, c.run(), c.name) // the first call may load scripts
		hook.Reset()
		require.NoError(t, c.run(), c.name)
		got := hook.N()
		t.Logf("%s: %d round trips", c.name, got)
		if got != c.want {
			t.Errorf("%s: %d round trips, want %d", c.name, got, c.want)
		}
	}
}

// acmeWriters returns the repositories of tenant "acme" (user "u1") whose
// writes the cost and round-trip tests count, made through one Tenant.
func acmeWriters(t *testing.T, b store.Backend) (*repos.User, *repos.SharedState, *repos.Table, *repos.Batch, *repos.Triggers) {
	t.Helper()
	tn, err := repos.NewTenant(b, "acme", nil)
	require.NoError(t, err)
	u, err := tn.User("u1")
	require.NoError(t, err)
	ss, err := tn.Shared("u1")
	require.NoError(t, err)
	return u, ss, tn.Table(), tn.Batch(), tn.Triggers()
}
