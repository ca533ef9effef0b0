package repos_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

func TestBatchClaimAck(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		bt := newBatch(t, b, "acme", nil)
		c, err := bt.Claim(ctx, mailQueue, 2, time.Minute)
		require.NoError(t, err)
		require.Empty(t, c.Items)
		require.NoError(t, bt.EnqueueAll(ctx, mailQueue, []string{"m1", "m 2", "", "m:4"}))
		c1, err := bt.Claim(ctx, mailQueue, 2, time.Minute)
		require.NoError(t, err)
		require.Equal(t, []string{"m1", "m 2"}, c1.Items)
		c2, err := bt.Claim(ctx, mailQueue, 5, time.Minute)
		require.NoError(t, err)
		require.Equal(t, []string{"", "m:4"}, c2.Items)
		require.Equal(t, 1, c2.InFlight)
		require.NotEqual(t, c1.ID, c2.ID)
		require.NoError(t, bt.Ack(ctx, mailQueue, c1.ID))
		require.ErrorIs(t, bt.Ack(ctx, mailQueue, c1.ID), repos.ErrLeaseExpired, "acked twice")
		require.NoError(t, bt.Ack(ctx, mailQueue, c2.ID))
		require.Len(t, keysOf(t, b), 1, "queue and claims are gone; the pending mark stays")

		_, err = bt.Claim(ctx, mailQueue, 0, time.Minute)
		require.ErrorIs(t, err, store.ErrInvalidArgument)
		_, err = bt.Claim(ctx, mailQueue, 1, 0)
		require.ErrorIs(t, err, store.ErrInvalidArgument)
	})
}

func TestBatchLateAckIsRejected(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		bt := newBatch(t, b, "acme", nil)
		require.NoError(t, bt.EnqueueAll(ctx, mailQueue, []string{"m1", "m2", "m3"}))
		dead, err := bt.Claim(ctx, mailQueue, 2, 50*time.Millisecond)
		require.NoError(t, err)
		time.Sleep(80 * time.Millisecond) // leases are by the workers' clocks
		n, err := bt.Reap(ctx, mailQueue)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		err = bt.Ack(ctx, mailQueue, dead.ID)
		require.ErrorIs(t, err, repos.ErrLeaseExpired)
		require.ErrorContains(t, err, "not in flight")
		items, err := bt.Chunk(ctx, mailQueue, 0, -1)
		require.NoError(t, err)
		require.Equal(t, []string{"m1", "m2", "m3"}, items, "reaped items go back to the head, in order")

		// A late Ack before any reap puts the items back itself.
		c, err := bt.Claim(ctx, mailQueue, 1, 50*time.Millisecond)
		require.NoError(t, err)
		time.Sleep(80 * time.Millisecond)
		require.ErrorIs(t, bt.Ack(ctx, mailQueue, c.ID), repos.ErrLeaseExpired)
		again, err := bt.Claim(ctx, mailQueue, 3, time.Minute)
		require.NoError(t, err)
		require.Equal(t, []string{"m1", "m2", "m3"}, again.Items)
		require.Zero(t, again.InFlight)
	})
}

// TestBatchWorkersLoseNothing runs 16 workers over 4 tenants' queues
// following the lease protocol, 4 of which die after processing their
// first claim (no Ack, no ReleaseTenant): every item is processed, only
// the items of those claims more than once, and in the end no tenant is
// pending or leased.
func TestBatchWorkersLoseNothing(t *testing.T) {
	forEachBackendNoSync(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		total := 100000
		if onMini(b) {
			total = 10000
		}
		tenants := []string{"acme", "globex", "initech", "a*"}
		for i, tenant := range tenants {
			bt := newBatch(t, b, tenant, nil)
			for start := i; start < total; start += 1000 * len(tenants) {
				var items []string
				for j := start; j < min(total, start+1000*len(tenants)); j += len(tenants) {
					items = append(items, fmt.Sprint(j))
				}
				require.NoError(t, bt.EnqueueAll(ctx, mailQueue, items))
			}
		}
		w := &claimWorld{b: b, seen: make([]int32, total), abandoned: map[string]bool{}}
		started := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() { errs <- w.work(ctx, i%4 == 0) })
		}
		wg.Wait()
		for range 16 {
			require.NoError(t, <-errs)
		}
		// The dead workers' tenant and item leases end; one more worker takes
		// their tenants, processes their claims' items again and releases
		// them.
		time.Sleep(max(tenantLease, itemLease))
		require.NoError(t, w.work(ctx, false))
		dups := 0
		for i, n := range w.seen {
			require.NotZero(t, n, "item %d lost", i)
			if n > 1 {
				dups++
				require.True(t, w.abandoned[fmt.Sprint(i)], "item %d processed %d times but its worker did not stop", i, n)
			}
		}
		t.Logf("%d items, 16 workers (4 stopped): %v, %d duplicates", total, time.Since(started), dups)
		tenantsLeft, err := repos.PendingTenants(ctx, b, "mailer", nil)
		require.NoError(t, err)
		require.Empty(t, tenantsLeft)
		require.Empty(t, keysOf(t, b))
	})
}

// TestBatchLeaseWorkersSeeConcurrentEnqueues runs 8 producers enqueueing
// for 4 tenants while 8 workers follow the lease protocol: an Enqueue
// racing with a ClaimTenant or a ReleaseTenant never leaves an item
// unseen, and no item is processed twice.
func TestBatchLeaseWorkersSeeConcurrentEnqueues(t *testing.T) {
	forEachBackendNoSync(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		const producers, each = 8, 500
		tenants := []string{"acme", "globex", "initech", "a*"}
		w := &claimWorld{b: b, seen: make([]int32, producers*each), abandoned: map[string]bool{}}
		var wg sync.WaitGroup
		errs := make(chan error, producers+8)
		for p := range producers {
			wg.Go(func() {
				bt, err := repos.NewBatch(b, tenants[p%len(tenants)], nil)
				for i := 0; err == nil && i < each; i++ {
					err = bt.Enqueue(ctx, mailQueue, fmt.Sprint(p*each+i))
				}
				errs <- err
			})
		}
		for range 8 {
			wg.Go(func() { errs <- w.work(ctx, false) })
		}
		wg.Wait()
		for range producers + 8 {
			require.NoError(t, <-errs)
		}
		time.Sleep(max(tenantLease, itemLease)) // leases left to end (claims were in flight) end
		require.NoError(t, w.work(ctx, false))
		for i, n := range w.seen {
			require.EqualValues(t, 1, n, "item %d", i)
		}
		left, err := repos.PendingTenants(ctx, b, "mailer", nil)
		require.NoError(t, err)
		require.Empty(t, left)
		require.Empty(t, keysOf(t, b))
	})
}

// claimWorld is the shared state of TestBatchWorkersLoseNothing.
type claimWorld struct {
	b         store.Backend
	seen      []int32
	done      atomic.Int64
	mu        sync.Mutex
	abandoned map[string]bool
}

// tenantLease is how long a worker holds a tenant.
const tenantLease = 300 * time.Millisecond

// itemLease is how long a worker holds a claim of items: long enough that
// no Ack of a live worker comes after it ends, even under -race on a
// loaded 2-core machine (300 ms, then 1 s, were not), so that only the items of
// stopped workers are processed twice.
const itemLease = 2 * time.Second

// work runs the worker protocol until every item was processed and no
// tenant is pending; a worker that dies processes its first claim, then
// returns without acknowledging it or releasing its tenant.
func (w *claimWorld) work(ctx context.Context, dies bool) error {
	for {
		l, ok, err := repos.ClaimTenant(ctx, w.b, "mailer", tenantLease, nil)
		if err != nil || (!ok && w.done.Load() == int64(len(w.seen))) {
			return err
		}
		if !ok {
			time.Sleep(20 * time.Millisecond) // an idle poll reads every pending shard
			continue
		}
		stop, inFlight, err := w.drain(ctx, l.Tenant, dies)
		if err != nil || stop {
			return err
		}
		if inFlight {
			continue // the tenant comes back when its lease ends
		}
		if err := repos.ReleaseTenant(ctx, w.b, l); err != nil && !errors.Is(err, repos.ErrLeaseExpired) {
			return err
		}
	}
}

// drain claims and acknowledges the tenant's items until its queue is
// empty, and reports whether claims were still in flight then.
func (w *claimWorld) drain(ctx context.Context, tenant string, dies bool) (stop, inFlight bool, err error) {
	bt, err := repos.NewBatch(w.b, tenant, nil)
	if err != nil {
		return false, false, err
	}
	for {
		c, err := bt.Claim(ctx, mailQueue, 100, itemLease)
		if err != nil {
			return false, false, err
		}
		if len(c.Items) == 0 {
			return false, c.InFlight > 0, nil
		}
		w.process(c.Items)
		if dies {
			w.mu.Lock()
			for _, it := range c.Items {
				w.abandoned[it] = true
			}
			w.mu.Unlock()
			return true, false, nil // no Ack, no ReleaseTenant
		}
		if err := bt.Ack(ctx, mailQueue, c.ID); err != nil {
			return false, false, err
		}
	}
}

// process counts items as processed.
func (w *claimWorld) process(items []string) {
	for _, it := range items {
		var i int
		_, _ = fmt.Sscan(it, &i)
		if atomic.AddInt32(&w.seen[i], 1) == 1 {
			w.done.Add(1)
		}
	}
}

// TestBatchClaimersShareOneQueue runs 8 claimers on one queue while 4
// producers push to it, 2 of the claimers dying after their first claim
// (no Ack): Claims that read the same head retry rather than take the
// same items, so every item is processed, only the dead claimers' items
// twice (after their lease, reaped by a later Claim), and in the end no
// key is left but the pending mark.
func TestBatchClaimersShareOneQueue(t *testing.T) {
	forEachBackendNoSync(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		const producers, each, short = 4, 250, 300 * time.Millisecond
		bt := newBatch(t, b, "acme", nil)
		seen := make([]int32, producers*each)
		var mu sync.Mutex
		abandoned := map[int]bool{}
		var pushed atomic.Int32
		var wg sync.WaitGroup
		errs := make(chan error, producers+8)
		for p := range producers {
			wg.Go(func() {
				var err error
				for i := 0; err == nil && i < each; i++ {
					err = bt.Enqueue(ctx, mailQueue, fmt.Sprint(p*each+i))
				}
				pushed.Add(1)
				errs <- err
			})
		}
		var done atomic.Int64
		for w := range 8 {
			wg.Go(func() {
				lease := time.Minute // no live claimer's lease ends, even under -race
				if w < 2 {
					lease = short
				}
				for {
					c, err := bt.Claim(ctx, mailQueue, 7, lease)
					if err != nil {
						errs <- err
						return
					}
					if len(c.Items) == 0 {
						if pushed.Load() == producers && done.Load() >= int64(len(seen)) {
							errs <- nil
							return
						}
						time.Sleep(time.Millisecond)
						continue
					}
					for _, it := range c.Items {
						var i int
						_, _ = fmt.Sscan(it, &i)
						if atomic.AddInt32(&seen[i], 1) == 1 {
							done.Add(1)
						}
					}
					if w < 2 { // dies: no Ack
						mu.Lock()
						for _, it := range c.Items {
							var i int
							_, _ = fmt.Sscan(it, &i)
							abandoned[i] = true
						}
						mu.Unlock()
						errs <- nil
						return
					}
					if err := bt.Ack(ctx, mailQueue, c.ID); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		for range producers + 8 {
			require.NoError(t, <-errs)
		}
		time.Sleep(short)
		for {
			c, err := bt.Claim(ctx, mailQueue, 100, time.Minute)
			require.NoError(t, err)
			if len(c.Items) == 0 {
				require.Zero(t, c.InFlight)
				break
			}
			for _, it := range c.Items {
				var i int
				_, _ = fmt.Sscan(it, &i)
				require.True(t, abandoned[i], "item %d came back but its claimer did not die", i)
				seen[i]++
			}
			require.NoError(t, bt.Ack(ctx, mailQueue, c.ID))
		}
		for i, n := range seen {
			require.NotZero(t, n, "item %d lost", i)
			if !abandoned[i] {
				require.EqualValues(t, 1, n, "item %d", i)
			}
		}
		left := keysOf(t, b)
		require.Len(t, left, 1, "only the pending mark is left: %q", left)
		require.Contains(t, left[0], "pending:")
	})
}
