package repos_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// TestIndexesExpireWithTheirRecords writes records of every repository
// that keeps an index, all with a short TTL, and checks that once the
// records expired and the documented bound (a quarter of the TTL, see
// repos.MaxIndexSlack) passed, a scan of the whole keyspace finds nothing:
// no index key outlives what it names, and no read was needed for that.
func TestIndexesExpireWithTheirRecords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		ttl := 400 * time.Millisecond
		if !onMini(b) && !isMemory(b) && !strings.Contains(fmt.Sprintf("%T", b), "bolt") {
			ttl = time.Second // the real servers: room for the writes under a loaded CI
		}
		opts := &repos.Options{TTL: ttl, IndexedFields: []string{"plan"}}
		for i := range 20 {
			u, err := repos.NewUser(b, "acme", fmt.Sprintf("u%d", i), opts)
			require.NoError(t, err)
			require.NoError(t, u.Upsert(ctx, map[string]any{"plan": []string{"pro", "free"}[i%2], "n": i}))
		}
		u, err := repos.NewUser(b, "acme", "u1", opts)
		require.NoError(t, err)
		require.NoError(t, u.UpdateField(ctx, "plan", "vip"))
		require.NoError(t, u.AppendToField(ctx, "tags", "x"))
		counter, err := repos.NewUser(b, "acme", "counter-only", opts)
		require.NoError(t, err)
		_, err = counter.Incr(ctx, "plan", 1) // an indexed field, on a new user
		require.NoError(t, err)

		ss, err := repos.NewSharedState(b, "acme", "u1", opts)
		require.NoError(t, err)
		require.NoError(t, ss.Set(ctx, "draft", map[string]any{"x": 1}))
		require.NoError(t, ss.SetField(ctx, "cart", "items", 2))
		tb, err := repos.NewTable(b, "acme", opts)
		require.NoError(t, err)
		for _, pk := range []string{"o1", "o2"} {
			require.NoError(t, tb.SetRow(ctx, "orders", pk, map[string]any{"x": 1}))
			require.NoError(t, tb.SetRow(ctx, "invoices", pk, map[string]any{"x": 1}))
		}
		bt, err := repos.NewBatch(b, "acme", opts)
		require.NoError(t, err)
		require.NoError(t, bt.Enqueue(ctx, mailQueue, "x"))

		// Readable while alive, the Incr-made user included.
		us, err := repos.NewUsers(b, "acme", opts)
		require.NoError(t, err)
		ids, err := us.ListAll(ctx)
		require.NoError(t, err)
		require.Len(t, ids, 21)
		require.Contains(t, ids, "counter-only")
		found, err := us.FindBy(ctx, "plan", 1)
		require.NoError(t, err)
		require.Equal(t, []string{"counter-only"}, found)
		found, err = us.FindBy(ctx, "plan", "vip")
		require.NoError(t, err)
		require.Equal(t, []string{"u1"}, found)

		wait(b, ttl+ttl/4+200*time.Millisecond)
		require.Empty(t, keysOf(t, b), "keys left after every record expired")
	})
}

// sameBucket returns n user ids that share one users bucket.
func sameBucket(n int) []string {
	var ids []string
	want := repos.UserIDsKey("acme", "keep")
	for i := 0; len(ids) < n; i++ {
		id := fmt.Sprintf("s%d", i)
		if repos.UserIDsKey("acme", id) == want {
			ids = append(ids, id)
		}
	}
	return ids
}

// TestReadsPruneStaleMembersInOneStep expires 50 users of one bucket
// beside a user without TTL and checks that List and FindBy skip them and
// remove them from the bucket's ids and field index, with a number of
// calls that does not grow with the number of stale members.
func TestReadsPruneStaleMembersInOneStep(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		b := newCounting(raw)
		opts := &repos.Options{IndexedFields: []string{"plan"}}
		keep, err := repos.NewUser(b, "acme", "keep", opts)
		require.NoError(t, err)
		require.NoError(t, keep.Upsert(ctx, map[string]any{"plan": "pro"}))
		for _, id := range sameBucket(50) {
			u, err := repos.NewUser(b, "acme", id, opts)
			require.NoError(t, err)
			require.NoError(t, u.Upsert(ctx, map[string]any{"plan": "pro"}, repos.WithTTL(200*time.Millisecond)))
		}
		wait(raw, 400*time.Millisecond)
		us, err := repos.NewUsers(b, "acme", opts)
		require.NoError(t, err)

		b.reset()
		found, err := us.FindBy(ctx, "plan", "pro")
		require.NoError(t, err)
		require.Equal(t, []string{"keep"}, found)
		// One SMembers per bucket, one Apply reading the bucket's
		// candidates, one Apply removing the stale ones.
		require.Equal(t, repos.UserBuckets+2, b.calls)
		members, err := raw.SMembers(ctx, repos.UserFieldKey("acme", "keep", "plan", "pro"))
		require.NoError(t, err)
		require.Equal(t, []string{"keep"}, members)

		b.reset()
		ids, err := us.ListAll(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"keep"}, ids)
		// SMembers per bucket, one Exists over the page, one over the
		// bucket, one Apply reading it, one Apply removing the stale.
		require.Equal(t, repos.UserBuckets+4, b.calls)
		members, err = raw.SMembers(ctx, repos.UserIDsKey("acme", "keep"))
		require.NoError(t, err)
		require.Equal(t, []string{"keep"}, members)
	})
}

// TestSharedStateListPrunesInOneStep is the case: 1,000 expired
// states beside a live one cost a few calls, not one per name.
func TestSharedStateListPrunesInOneStep(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		n := 1000
		if !onMini(raw) {
			n = 200 // each Set is an Update of a few round trips on the real servers
		}
		b := newCounting(raw)
		ss, err := repos.NewSharedState(b, "acme", "u1", nil)
		require.NoError(t, err)
		require.NoError(t, ss.Set(ctx, "live", map[string]any{"x": 1}))
		for i := range n {
			require.NoError(t, ss.Set(ctx, fmt.Sprintf("s%d", i), map[string]any{"x": 1}, repos.WithTTL(200*time.Millisecond)))
		}
		wait(raw, 400*time.Millisecond)
		b.reset()
		names, err := ss.List(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"live"}, names)
		// SMembers, Exists, one Apply per 500 names read, one per 500
		// removed.
		require.Equal(t, 2+(n+1+499)/500+(n+499)/500, b.calls)
		b.reset()
		names, err = ss.List(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"live"}, names)
		require.Equal(t, 2, b.calls, "pruned for good")
	})
}
