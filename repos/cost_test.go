package repos_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
	"github.com/stretchr/testify/require"
)

// TestCostTouchesOnlyTheUsersKeys fills the store with 100,000 unrelated
// keys (other users of the same tenant and other tenants) and checks that
// each call costs the documented number of backend calls, never scans,
// and touches only the user's own keys. miniredis, a test double whose
// every call the real servers also run, gets 10,000.
func TestCostTouchesOnlyTheUsersKeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		n := 100_000
		if onMini(raw) {
			n = 10_000
		}
		keys := make([]string, n)
		for i := range keys {
			tenant := "acme"
			if i%2 == 1 {
				tenant = fmt.Sprintf("t%d", i%97)
			}
			keys[i] = fmt.Sprintf("t:%s:{%s:x%d}:shared:s", tenant, tenant, i)
		}
		fill(t, raw, keys)
		b := newCounting(raw)
		ss, err := repos.NewSharedState(b, "acme", "u1", nil)
		require.NoError(t, err)
		for i := range 10 {
			require.NoError(t, ss.Set(ctx, fmt.Sprintf("s%d", i), map[string]string{"x": "1"}))
		}
		own := "t:acme:{acme:u1}:"
		cases := []struct {
			name  string
			calls int
			run   func() error
		}{
			{"List", 2, func() error { _, err := ss.List(ctx); return err }},
			{"Set", 1, func() error { return ss.Set(ctx, "s0", map[string]string{"y": "2"}) }},
			{"SetField", 1, func() error { return ss.SetField(ctx, "s1", "y", 2) }},
			{"Get", 1, func() error { _, err := ss.Get(ctx, "s1"); return err }},
			{"Delete", 1, func() error { return ss.Delete(ctx, "s2") }},
			{"Clear", 1, func() error { return ss.Clear(ctx) }},
		}
		for _, c := range cases {
			b.reset()
			require.NoError(t, c.run(), c.name)
			require.Equal(t, c.calls, b.calls, c.name)
			require.Zero(t, b.scans, c.name)
			for _, k := range b.touched() {
				require.True(t, strings.HasPrefix(k, own), "%s touched %q", c.name, k)
			}
			t.Logf("%s: %d calls, %d keys", c.name, b.calls, len(b.touched()))
		}
	})
}

// fill stores a small hash at each key: in groups of 1,000 where the
// backend takes multi-key groups, else (a cluster, whose slots differ) one
// key per call from 16 goroutines.
func fill(t *testing.T, b store.Backend, keys []string) {
	t.Helper()
	ctx := context.Background()
	value := map[string]string{"x": "1"}
	for start := 0; start < len(keys); start += 1000 {
		ops := make([]store.Op, 0, 1000)
		for _, k := range keys[start:min(start+1000, len(keys))] {
			ops = append(ops, &store.HSetOp{Key: k, Fields: value})
		}
		err := b.Apply(ctx, ops...)
		if errors.Is(err, store.ErrInvalidArgument) {
			fillOneByOne(t, b, keys[start:])
			return
		}
		require.NoError(t, err)
	}
}

func fillOneByOne(t *testing.T, b store.Backend, keys []string) {
	t.Helper()
	var g errgroup
	for w := range 16 {
		g.Go(func() error {
			for i := w; i < len(keys); i += 16 {
				if _, err := b.HSet(context.Background(), keys[i], map[string]string{"x": "1"}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	require.NoError(t, g.Wait())
}

// errgroup runs functions in goroutines and keeps the first error.
type errgroup struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func (g *errgroup) Go(fn func() error) {
	g.wg.Go(func() {
		if err := fn(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	})
}

func (g *errgroup) Wait() error { g.wg.Wait(); return g.err }

// TestCostUserAndHandler checks the documented call counts of User and
// StateHandler.
func TestCostUserAndHandler(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		b := newCounting(raw)
		u, err := repos.NewUser(b, "acme", "u1", nil)
		require.NoError(t, err)
		h, err := repos.NewStateHandler(b, "acme", "u1", nil)
		require.NoError(t, err)
		cases := []struct {
			name  string
			calls int
			run   func() error
		}{
			{"User.Upsert", 1, func() error { return u.Upsert(ctx, map[string]any{"n": 1}) }},
			{"User.Get", 1, func() error { _, err := u.Get(ctx); return err }},
			{"User.Incr", 1, func() error { _, err := u.Incr(ctx, "n", 1); return err }},
			{"User.UpdateField", 1, func() error { return u.UpdateField(ctx, "n", 5) }},
			{"User.AppendToField", 1, func() error { return u.AppendToField(ctx, "l", 5) }},
			{"User.Exists", 1, func() error { _, err := u.Exists(ctx); return err }},
			{"User.Delete", 1, func() error { _, err := u.Delete(ctx); return err }},
			{"Handler.Set", 1, func() error { return h.Set(ctx, "h", map[string]any{"n": 1}) }},
			{"Handler.Upsert", 1, func() error { _, err := h.Upsert(ctx, "h", map[string]any{"m": 1}); return err }},
			{"Handler.Get", 1, func() error { _, err := h.Get(ctx, "h"); return err }},
			{"Handler.Delete", 1, func() error { _, err := h.Delete(ctx, "h"); return err }},
		}
		for _, c := range cases {
			b.reset()
			require.NoError(t, c.run(), c.name)
			require.Equal(t, c.calls, b.calls, c.name)
		}
	})
}

// TestCostWritesWithTTL pins the calls of the common writes with a TTL and
// how many of them are Updates: the index keys' TTLs are extended inside
// the write's own Apply (ExpireOp NX then GT), never read first, so only
// the writes that must read the record (UpdateField) use an Update. TestRoundTripsOnRedis counts the round
// trips these cost on Redis.
func TestCostWritesWithTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		b := newCounting(raw)
		ttl := repos.WithTTL(time.Hour)
		u, ss, tb, bt, tr := acmeWriters(t, b)
		q := repos.Queue{Service: "s", Batch: "b", Action: "a"}
		cases := []struct {
			name           string
			calls, updates int
			run            func() error
		}{
			{"User.Upsert", 1, 0, func() error { return u.Upsert(ctx, map[string]any{"n": 1}, ttl) }},
			{"User.Incr", 1, 0, func() error { _, err := u.Incr(ctx, "n", 1, ttl); return err }},
			{"User.UpdateField", 1, 1, func() error { return u.UpdateField(ctx, "n", 5, ttl) }},
			{"SharedState.Set", 1, 0, func() error { return ss.Set(ctx, "s", map[string]string{"x": "1"}, ttl) }},
			{"SharedState.SetField", 1, 0, func() error { return ss.SetField(ctx, "s", "y", 2, ttl) }},
			{"Table.SetRow", 1, 0, func() error { return tb.SetRow(ctx, "t", "pk", map[string]string{"x": "1"}, ttl) }},
			{"Batch.Enqueue", 2, 0, func() error { return bt.Enqueue(ctx, q, "p", ttl) }},
			{"Triggers.Set", 1, 0, func() error { return tr.Set(ctx, "act", "new", "p", ttl) }},
			{"Triggers.Set replacing", 1, 0, func() error { return tr.Set(ctx, "act", "new", "p", ttl) }},
			{"Triggers.Set due soon", 1, 0, func() error { return tr.Set(ctx, "act", "soon", "p", repos.WithTTL(time.Second)) }},
			{"Triggers.Delete", 1, 0, func() error { _, err := tr.Delete(ctx, "act", "soon"); return err }},
		}
		for _, c := range cases {
			b.reset()
			require.NoError(t, c.run(), c.name)
			require.Equal(t, c.calls, b.calls, c.name)
			require.Equal(t, c.updates, b.updates, c.name)
		}
	})
}
