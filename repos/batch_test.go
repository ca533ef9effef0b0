package repos_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

var mailQueue = repos.Queue{Service: "mailer", Batch: "daily", Action: "send"}

func newBatch(t *testing.T, b store.Backend, tenant string, opts *repos.Options) *repos.Batch {
	t.Helper()
	bt, err := repos.NewBatch(b, tenant, opts)
	require.NoError(t, err)
	return bt
}

func TestBatchEnqueueChunkTrim(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		bt := newBatch(t, b, "acme", nil)
		n, err := bt.Len(ctx, mailQueue)
		require.NoError(t, err)
		require.Zero(t, n)
		items, err := bt.Chunk(ctx, mailQueue, 0, 10)
		require.NoError(t, err)
		require.Empty(t, items)

		require.NoError(t, bt.Enqueue(ctx, mailQueue, "m1"))
		require.NoError(t, bt.EnqueueAll(ctx, mailQueue, []string{"m2", "m3", "m4", ""}))
		n, err = bt.Len(ctx, mailQueue)
		require.NoError(t, err)
		require.Equal(t, int64(5), n)

		items, err = bt.Chunk(ctx, mailQueue, 0, 1)
		require.NoError(t, err)
		require.Equal(t, []string{"m1", "m2"}, items)
		items, err = bt.Chunk(ctx, mailQueue, -2, -1)
		require.NoError(t, err)
		require.Equal(t, []string{"m4", ""}, items)

		require.NoError(t, bt.Trim(ctx, mailQueue, 2, -1))
		items, err = bt.Chunk(ctx, mailQueue, 0, -1)
		require.NoError(t, err)
		require.Equal(t, []string{"m3", "m4", ""}, items)
		require.NoError(t, bt.Trim(ctx, mailQueue, 3, -1))
		require.Len(t, keysOf(t, b), 1, "an emptied queue is deleted; the pending mark stays")

		other := mailQueue
		other.Action = "bounce"
		n, err = bt.Len(ctx, other)
		require.NoError(t, err)
		require.Zero(t, n, "queues differ by action")
	})
}

func TestBatchPending(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for _, tenant := range []string{"acme", "globex"} {
			require.NoError(t, newBatch(t, b, tenant, nil).Enqueue(ctx, mailQueue, "x"))
		}
		indexer := repos.Queue{Service: "indexer", Batch: "b", Action: "a"}
		require.NoError(t, newBatch(t, b, "initech", nil).Enqueue(ctx, indexer, "x"))

		tenants, err := repos.PendingTenants(ctx, b, "mailer", nil)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"acme", "globex"}, tenants)

		removed, err := repos.RemovePending(ctx, b, "mailer", "acme", nil)
		require.NoError(t, err)
		require.True(t, removed)
		removed, err = repos.RemovePending(ctx, b, "mailer", "acme", nil)
		require.NoError(t, err)
		require.False(t, removed)
		tenants, err = repos.PendingTenants(ctx, b, "mailer", nil)
		require.NoError(t, err)
		require.Equal(t, []string{"globex"}, tenants)

		tenants, err = repos.PendingTenants(ctx, b, "mailer", &repos.Options{Prefix: "app"})
		require.NoError(t, err)
		require.Empty(t, tenants, "another prefix is another application")
		tenants, err = repos.PendingTenants(ctx, b, "indexer", nil)
		require.NoError(t, err)
		require.Equal(t, []string{"initech"}, tenants)
	})
}

func TestBatchTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		bt := newBatch(t, b, "acme", &repos.Options{TTL: time.Hour})
		require.NoError(t, bt.Enqueue(ctx, mailQueue, "x"))
		requireTTL(t, b, keyWith(t, b, ":queue"), time.Hour)
		require.NoError(t, bt.Enqueue(ctx, mailQueue, "y", repos.WithTTL(time.Minute)))
		requireTTL(t, b, keyWith(t, b, ":queue"), time.Minute)
		// The pending set outlives the queues by at most the index slack.
		requireTTL(t, b, repos.PendingKey("mailer", "acme"), time.Hour+repos.MaxIndexSlack)

		plain := newBatch(t, b, "globex", nil)
		require.NoError(t, plain.Enqueue(ctx, mailQueue, "x"))
		requireTTL(t, b, keyWith(t, b, "t:globex:{globex:q:"), store.NoExpiry)
		requireTTL(t, b, repos.PendingKey("mailer", "globex"), repos.IndexForever)
	})
}

func TestBatchInvalidArguments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		_, err := repos.NewBatch(b, "", nil)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		bt := newBatch(t, b, "acme", nil)
		require.ErrorIs(t, bt.EnqueueAll(ctx, mailQueue, nil), store.ErrInvalidArgument)
		for _, q := range []repos.Queue{{Batch: "b", Action: "a"}, {Service: "s", Action: "a"}, {Service: "s", Batch: "b"}} {
			require.ErrorIs(t, bt.Enqueue(ctx, q, "x"), repos.ErrInvalidID)
			_, err := bt.Len(ctx, q)
			require.ErrorIs(t, err, repos.ErrInvalidID)
			_, err = bt.Chunk(ctx, q, 0, 1)
			require.ErrorIs(t, err, repos.ErrInvalidID)
			require.ErrorIs(t, bt.Trim(ctx, q, 0, 1), repos.ErrInvalidID)
		}
		require.ErrorIs(t, bt.Enqueue(ctx, mailQueue, "x", repos.WithTTL(-1)), repos.ErrInvalidOption)
		_, err = repos.PendingTenants(ctx, b, "", nil)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		_, err = repos.RemovePending(ctx, b, "s", "", nil)
		require.ErrorIs(t, err, repos.ErrInvalidID)
		_, err = repos.PendingTenants(ctx, b, "s", &repos.Options{Prefix: "{x}"})
		require.ErrorIs(t, err, repos.ErrInvalidOption)
		require.Empty(t, keysOf(t, b))
	})
}

func TestBatchHostileIDsStayApart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		for _, id := range nastyIDs {
			q := repos.Queue{Service: "svc", Batch: id, Action: id}
			require.NoError(t, newBatch(t, b, id, nil).Enqueue(ctx, q, id))
		}
		tenants, err := repos.PendingTenants(ctx, b, "svc", nil)
		require.NoError(t, err)
		require.ElementsMatch(t, nastyIDs, tenants, "the pending sets hold raw tenant ids")
		shards := map[int]bool{}
		for _, id := range nastyIDs {
			shards[repos.TenantShard(id)] = true
		}
		require.Len(t, keysOf(t, b), len(nastyIDs)+len(shards), "a queue per tenant and a pending set per shard")

		for _, id := range nastyIDs {
			bt := newBatch(t, b, id, nil)
			q := repos.Queue{Service: "svc", Batch: id, Action: id}
			before := snapshot(t, b)
			extra := repos.Queue{Service: "other", Batch: "*", Action: "*"}
			require.NoError(t, bt.Enqueue(ctx, extra, "x"))
			require.NoError(t, bt.Trim(ctx, extra, 1, 0))
			_, err := repos.RemovePending(ctx, b, "other", id, nil)
			require.NoError(t, err)
			require.Equal(t, before, snapshot(t, b), "tenant %q touched other keys", id)
			items, err := bt.Chunk(ctx, q, 0, -1)
			require.NoError(t, err)
			require.Equal(t, []string{id}, items)
		}
	})
}

// TestBatchWorkerMissesNothing runs 64 producers against a worker that
// follows the protocol on repos.Batch: every item is processed exactly
// once.
func TestBatchWorkerMissesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		const producers, each = 64, 25
		tenants := []string{"acme", "globex", "initech", "a*"}
		var done atomic.Bool
		var wg sync.WaitGroup
		errs := make(chan error, producers)
		for p := range producers {
			wg.Go(func() {
				bt, err := repos.NewBatch(b, tenants[p%len(tenants)], nil)
				for i := 0; err == nil && i < each; i++ {
					err = bt.Enqueue(ctx, mailQueue, fmt.Sprintf("%d/%d", p, i))
				}
				errs <- err
			})
		}
		go func() { wg.Wait(); done.Store(true) }()
		seen := map[string]int{}
		for {
			last := done.Load()
			drainPending(t, b, tenants, seen)
			if last {
				break
			}
		}
		for range producers {
			require.NoError(t, <-errs)
		}
		require.Len(t, seen, producers*each)
		for item, n := range seen {
			require.Equal(t, 1, n, item)
		}
		tenantsLeft, err := repos.PendingTenants(ctx, b, "mailer", nil)
		require.NoError(t, err)
		require.Empty(t, tenantsLeft)
	})
}

// drainPending is one round of the worker protocol: for each pending
// tenant, unmark it, then drain its queue in chunks of 10.
func drainPending(t *testing.T, b store.Backend, all []string, seen map[string]int) {
	ctx := context.Background()
	pending, err := repos.PendingTenants(ctx, b, "mailer", nil)
	require.NoError(t, err)
	for _, tenant := range pending {
		require.True(t, slices.Contains(all, tenant))
		_, err := repos.RemovePending(ctx, b, "mailer", tenant, nil)
		require.NoError(t, err)
		bt, err := repos.NewBatch(b, tenant, nil)
		require.NoError(t, err)
		for {
			items, err := bt.Chunk(ctx, mailQueue, 0, 9)
			require.NoError(t, err)
			if len(items) == 0 {
				break
			}
			for _, it := range items {
				seen[it]++
			}
			require.NoError(t, bt.Trim(ctx, mailQueue, int64(len(items)), -1))
		}
	}
}
