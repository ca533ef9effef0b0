package repos_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

// faultyBackend fails or holds the writes of Enqueue's two parts: the push
// (RPush, or an Apply on a queue key) and the pending mark (an Apply on a
// pending shard).
type faultyBackend struct {
	store.Backend
	mu        sync.Mutex
	pushFails int           // how many pushes still fail
	markFails int           // how many marks still fail
	holdPush  chan struct{} // when set, a push waits for it to close
}

var errInjected = errors.New("injected fault")

func isPending(key string) bool { return strings.HasPrefix(key, "pending:") }

// fail reports whether the next call of the kind fails.
func (f *faultyBackend) fail(n *int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if *n > 0 {
		*n--
		return true
	}
	return false
}

func (f *faultyBackend) RPush(ctx context.Context, key string, values ...string) (int64, error) {
	f.mu.Lock()
	hold := f.holdPush
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if f.fail(&f.pushFails) {
		return 0, errInjected
	}
	return f.Backend.RPush(ctx, key, values...)
}

func (f *faultyBackend) Apply(ctx context.Context, ops ...store.Op) error {
	if len(ops) > 0 && isPending(ops[0].OpKey()) && f.fail(&f.markFails) {
		return errInjected
	}
	if len(ops) > 0 && strings.HasSuffix(ops[0].OpKey(), ":queue") && f.fail(&f.pushFails) {
		return errInjected
	}
	return f.Backend.Apply(ctx, ops...)
}

// TestBatchEnqueueFailures injects a failure in one of Enqueue's two parts
// and checks what each leaves: a failed push leaves at most a harmless
// mark (a worker finds nothing and the tenant is released); a failed mark
// is tried once more after the push, and when that fails too Enqueue
// fails with ErrNotMarked, the items queued without a mark, which
// MarkPending repairs.
func TestBatchEnqueueFailures(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		for _, ttl := range []repos.CallOption{repos.WithTTL(0), repos.WithTTL(time.Hour)} {
			f := &faultyBackend{Backend: raw}
			bt := newBatch(t, f, "acme", nil)

			f.pushFails = 1
			err := bt.Enqueue(ctx, mailQueue, "lost", ttl)
			require.ErrorIs(t, err, errInjected)
			require.NotErrorIs(t, err, repos.ErrNotMarked)
			n, err := bt.Len(ctx, mailQueue)
			require.NoError(t, err)
			require.Zero(t, n, "the push failed")
			if l, ok, err := repos.ClaimTenant(ctx, f, "mailer", time.Minute, nil); ok {
				require.NoError(t, err)
				c, err := bt.Claim(ctx, mailQueue, 10, time.Minute)
				require.NoError(t, err)
				require.Empty(t, c.Items, "a mark without items: the worker finds nothing")
				require.NoError(t, repos.ReleaseTenant(ctx, f, l))
			}

			f.markFails = 1 // the first mark fails, the one after the push lands
			require.NoError(t, bt.Enqueue(ctx, mailQueue, "kept", ttl))
			requirePending(t, f, "acme")

			require.NoError(t, bt.Trim(ctx, mailQueue, 1, 0))
			_, err = repos.RemovePending(ctx, f, "mailer", "acme", nil)
			require.NoError(t, err)
			f.markFails = 2 // every mark fails
			err = bt.Enqueue(ctx, mailQueue, "unmarked", ttl)
			require.ErrorIs(t, err, repos.ErrNotMarked)
			require.ErrorIs(t, err, errInjected)
			items, err := bt.Chunk(ctx, mailQueue, 0, -1)
			require.NoError(t, err)
			require.Equal(t, []string{"unmarked"}, items, "the push landed")
			pending, err := repos.PendingTenants(ctx, f, "mailer", nil)
			require.NoError(t, err)
			require.Empty(t, pending, "and its tenant is not marked")
			require.NoError(t, repos.MarkPending(ctx, f, "mailer", "acme", nil))
			requirePending(t, f, "acme")

			require.NoError(t, bt.Trim(ctx, mailQueue, 1, 0))
			_, err = repos.RemovePending(ctx, f, "mailer", "acme", nil)
			require.NoError(t, err)
			require.Empty(t, keysOf(t, raw))
		}
	})
}

// TestBatchEnqueueMarkBeforePush holds an Enqueue's push while its mark
// lands, a worker claims the tenant, finds the queue empty and releases
// it; when the push lands in the empty queue Enqueue marks the tenant
// again, so the next worker sees the item.
func TestBatchEnqueueMarkBeforePush(t *testing.T) {
	forEachBackend(t, func(t *testing.T, raw store.Backend) {
		ctx := context.Background()
		f := &faultyBackend{Backend: raw, holdPush: make(chan struct{})}
		bt := newBatch(t, f, "acme", nil)
		done := make(chan error, 1)
		go func() { done <- bt.Enqueue(ctx, mailQueue, "late") }()
		var l repos.TenantLease
		require.Eventually(t, func() bool {
			var ok bool
			var err error
			l, ok, err = repos.ClaimTenant(ctx, f, "mailer", time.Minute, nil)
			require.NoError(t, err)
			return ok
		}, 10*time.Second, time.Millisecond, "the mark lands while the push is held")
		c, err := bt.Claim(ctx, mailQueue, 10, time.Minute)
		require.NoError(t, err)
		require.Empty(t, c.Items, "the push has not landed")
		require.NoError(t, repos.ReleaseTenant(ctx, f, l))
		close(f.holdPush)
		require.NoError(t, <-done)

		l, ok, err := repos.ClaimTenant(ctx, f, "mailer", time.Minute, nil)
		require.NoError(t, err)
		require.True(t, ok, "the push into an empty queue marked the tenant again")
		c, err = bt.Claim(ctx, mailQueue, 10, time.Minute)
		require.NoError(t, err)
		require.Equal(t, []string{"late"}, c.Items)
		require.NoError(t, bt.Ack(ctx, mailQueue, c.ID))
		require.NoError(t, repos.ReleaseTenant(ctx, f, l))

		// A push behind items already queued marks only once: the worker
		// that takes those items drains on to it.
		f.mu.Lock()
		f.holdPush = nil
		f.mu.Unlock()
		require.NoError(t, bt.EnqueueAll(ctx, mailQueue, []string{"a", "b"}))
		counted := newCounting(f)
		btc := newBatch(t, counted, "acme", nil)
		require.NoError(t, btc.Enqueue(ctx, mailQueue, "c"))
		require.Equal(t, 2, counted.calls, "push and mark, no mark again")
	})
}

// requirePending checks that tenant is marked pending for the mailer.
func requirePending(t *testing.T, b store.Backend, tenant string) {
	t.Helper()
	pending, err := repos.PendingTenants(context.Background(), b, "mailer", nil)
	require.NoError(t, err)
	require.Contains(t, pending, tenant)
}
