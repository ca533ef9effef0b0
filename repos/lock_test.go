package repos_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mimeiapify/store"
	"github.com/mimeiapify/store/repos"
)

func newLocks(t *testing.T, b store.Backend, tenant string) *repos.Locks {
	t.Helper()
	l, err := repos.NewLocks(b, tenant, nil)
	require.NoError(t, err)
	return l
}

// TestLockNeverTwoHolders: 64 goroutines take one lock in turn; an atomic
// counter of holders never goes above 1 and every goroutine gets it.
func TestLockNeverTwoHolders(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		l := newLocks(t, b, "acme")
		var holders, most, got atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for range 64 {
			wg.Go(func() {
				lk, err := l.Lock(ctx, "room", 30*time.Second)
				if err != nil {
					errs <- err
					return
				}
				n := holders.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				// Hold it for a backend call and a moment, so that the
				// others try meanwhile.
				_, err = b.Exists(ctx, "x")
				time.Sleep(200 * time.Microsecond)
				holders.Add(-1)
				got.Add(1)
				if err == nil {
					err = lk.Unlock(ctx)
				}
				if err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.EqualValues(t, 64, got.Load())
		require.EqualValues(t, 1, most.Load(), "two holders at once")
	})
}

// TestLockHolderDies: a holder that stops refreshing loses the lock when
// its lease ends; a waiter then gets it, and the dead holder can neither
// unlock nor refresh the new holder's lock.
func TestLockHolderDies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		l := newLocks(t, b, "acme")
		const lease = 600 * time.Millisecond // above a stall of the loaded test machine
		dead, err := l.TryLock(ctx, "job", lease)
		require.NoError(t, err)
		require.Equal(t, "job", dead.Name())
		_, err = l.TryLock(ctx, "job", time.Minute)
		require.ErrorIs(t, err, repos.ErrLocked)

		got := make(chan *repos.Lock, 1)
		failed := make(chan error, 1)
		go func() {
			lk, err := l.Lock(ctx, "job", time.Minute)
			if err != nil {
				failed <- err
				return
			}
			got <- lk
		}()
		wait(b, lease+100*time.Millisecond)
		var next *repos.Lock
		select {
		case next = <-got:
		case err := <-failed:
			t.Fatal(err)
		}
		require.ErrorIs(t, dead.Unlock(ctx), repos.ErrLockLost)
		require.ErrorIs(t, dead.Refresh(ctx, time.Minute), repos.ErrLockLost)
		_, err = l.TryLock(ctx, "job", time.Minute)
		require.ErrorIs(t, err, repos.ErrLocked, "the dead holder's calls must not free the new holder's lock")
		require.NoError(t, next.Unlock(ctx))
		require.ErrorIs(t, next.Unlock(ctx), repos.ErrLockLost)
		again, err := l.TryLock(ctx, "job", time.Minute)
		require.NoError(t, err)
		require.NoError(t, again.Unlock(ctx))
	})
}

// TestLockRefreshExtendsLease: a refreshed lock outlives its first lease.
func TestLockRefreshExtendsLease(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		l := newLocks(t, b, "acme")
		lk, err := l.TryLock(ctx, "job", 500*time.Millisecond)
		require.NoError(t, err)
		require.NoError(t, lk.Refresh(ctx, time.Minute))
		wait(b, 600*time.Millisecond)
		_, err = l.TryLock(ctx, "job", time.Minute)
		require.ErrorIs(t, err, repos.ErrLocked)
		require.ErrorIs(t, lk.Refresh(ctx, 0), repos.ErrInvalidOption)
		require.NoError(t, lk.Unlock(ctx))
	})
}

func TestLockWaitEndsWithContext(t *testing.T) {
	b := memoryBackend(t)
	l := newLocks(t, b, "acme")
	lk, err := l.TryLock(context.Background(), "job", time.Minute)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = l.Lock(ctx, "job", time.Minute)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, `"job"`)
	require.NoError(t, lk.Unlock(context.Background()))
}

func TestLockBadArguments(t *testing.T) {
	b := memoryBackend(t)
	_, err := repos.NewLocks(b, "", nil)
	require.ErrorIs(t, err, repos.ErrInvalidID)
	l := newLocks(t, b, "acme")
	ctx := context.Background()
	_, err = l.TryLock(ctx, "", time.Second)
	require.ErrorIs(t, err, repos.ErrInvalidID)
	_, err = l.Lock(ctx, "job", 0)
	require.ErrorIs(t, err, repos.ErrInvalidOption)
	require.ErrorIs(t, err, store.ErrInvalidArgument)
	_, err = l.TryLock(ctx, "job", -time.Second)
	require.ErrorIs(t, err, repos.ErrInvalidOption)
}

// TestLockHostileNames: locks whose names or tenants differ only where an
// unescaped glob or separator would merge them are independent.
func TestLockHostileNames(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b store.Backend) {
		ctx := context.Background()
		var held []*repos.Lock
		for _, tenant := range []string{"a*", "ab", "a:b"} {
			l := newLocks(t, b, tenant)
			for _, name := range nastyIDs {
				lk, err := l.TryLock(ctx, name, time.Minute)
				require.NoError(t, err, "tenant %q lock %q", tenant, name)
				held = append(held, lk)
			}
		}
		for _, lk := range held {
			require.NoError(t, lk.Unlock(ctx))
		}
	})
}

// memoryBackend returns a fresh in-memory backend closed when t ends.
func memoryBackend(t *testing.T) store.Backend {
	t.Helper()
	return backendCases[0].open(t)
}
